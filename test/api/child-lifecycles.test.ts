import { WorkflowNotFoundError } from '@temporalio/client';
import { untilChildStarted } from '../../api/child-lifecycles';

const notYetStarted = () => new WorkflowNotFoundError('workflow not found', 'escalation:ESC-1', undefined);

it('retries an action while the server does not know the just-started child yet, then answers', async () => {
  let calls = 0;
  const result = await untilChildStarted(async () => {
    calls++;
    if (calls < 4) throw notYetStarted();
    return 'in_charge';
  });
  expect(result).toBe('in_charge');
  expect(calls).toBe(4);
});

it('gives up after the wait, so a closed item still answers 409', async () => {
  const started = Date.now();
  let calls = 0;
  await expect(
    untilChildStarted(async () => {
      calls++;
      throw notYetStarted();
    }, 300),
  ).rejects.toBeInstanceOf(WorkflowNotFoundError);
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(calls).toBeGreaterThan(1);
});

it('does not retry other failures', async () => {
  let calls = 0;
  await expect(
    untilChildStarted(async () => {
      calls++;
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  expect(calls).toBe(1);
});
