/**
 * Replays saved histories of real complaint runs against today's workflow code: a change that would
 * break the complaints still open in production fails here (then it needs patched()).
 *
 * - complaint-full-flow.json: the API flow (take charge, inquiry opened and answered, information
 *   requested and received, response, close, the background emails), on the dev server.
 * - complaint-suspension-breach.json: the time-skipping run (suspension, 80 % warning, breach,
 *   late response).
 * Refresh them with RECORD_REPLAY_HISTORIES=1 npx jest test/api/complaints.test.ts test/workflows/complaint.test.ts
 */
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/harness';
import { loadHistoryFile } from './history-file';

jest.setTimeout(60_000);

const FILES = ['complaint-full-flow.json', 'complaint-suspension-breach.json'];

it('replays the saved complaint histories without nondeterminism', async () => {
  const histories = FILES.map((file) => ({ workflowId: `complaint:replay-${file}`, history: loadHistoryFile(file) }));
  // The saved runs really went through the lifecycle: started, answered and completed.
  for (const { history } of histories) {
    const types = history.events.map((e) => e.eventType);
    expect(types[0]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    expect(types[types.length - 1]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  }
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories)) results.push(result);
  expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error }))).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
});
