/**
 * Saved workflow histories for replay tests: JSON files under test/replay/histories/ in the SDK's
 * history JSON format (the one `temporal workflow show --output json` writes), which
 * Worker.runReplayHistory/runReplayHistories read directly.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { decodePayloadsDeep } from '../../infra/codec';

export const HISTORIES_DIR = path.join(__dirname, 'histories');

export interface HistoryJson {
  events: { eventId: string; eventType: string; workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[];
}

/** Writes the history of a (finished) workflow to test/replay/histories/<file>. */
export async function saveHistoryFile(client: Client, workflowId: string, file: string): Promise<void> {
  // Saved decrypted: a replay must not depend on the payload key of the run that recorded it.
  const history = await decodePayloadsDeep(await client.workflow.getHandle(workflowId).fetchHistory(), client.options.loadedDataConverter.payloadCodecs);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, file), historyToJSON(history) + '\n');
}

export function loadHistoryFile(file: string): HistoryJson {
  return JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as HistoryJson;
}
