/**
 * Every saved history in histories/ must replay on the current workflow code without
 * non-determinism: a change to a running workflow's logic needs patched() to pass this.
 * New histories: RECORD_REPLAY_HISTORIES=1 npx jest test/workflows test/api (then commit them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/harness';

const dir = path.join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

it('has saved histories of the contact and escalation workflows', () => {
  expect(files).toEqual(expect.arrayContaining(['contact-v1.json', 'escalation-v1.json']));
});

it.each(files)('replays %s', async (file) => {
  const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file)).resolves.toBeUndefined();
});
