/**
 * Every saved history in histories/ must replay on the current workflow code without
 * non-determinism: a change to a running workflow's logic needs patched() to pass this.
 * Every workflow type the worker runs must have one (ping, a trivial probe, is exempt).
 * New histories: RECORD_REPLAY_HISTORIES=1 npx jest test/workflows test/api (then commit them).
 */
import { readdirSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { workflowBundle } from '../support/harness';
import { HISTORIES_DIR, loadHistoryFile } from './history-file';

jest.setTimeout(60_000);

const EXEMPT = ['pingWorkflow'];
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));
const typeOf = (file: string) => loadHistoryFile(file).events[0].workflowExecutionStartedEventAttributes?.workflowType?.name;

it('has a saved history of every workflow type exported by workflows/index.ts', () => {
  const recorded = new Set(files.map(typeOf));
  const missing = Object.keys(workflows).filter((type) => !EXEMPT.includes(type) && !recorded.has(type));
  expect(missing).toEqual([]);
});

it.each(files)('replays %s', async (file) => {
  const history = loadHistoryFile(file);
  const types = history.events.map((e) => e.eventType);
  expect(types[types.length - 1]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file)).resolves.toBeUndefined();
});
