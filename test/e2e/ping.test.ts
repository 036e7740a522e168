import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { pingWorkflow } from '../../workflows/ping';
import { workflowId } from '../../workflows/definitions';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

it('runs a trivial workflow through the worker on the real Temporal dev server and /health is 200', async () => {
  const result = await stack.client.workflow.execute(pingWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: workflowId.ping(`e2e-${Date.now()}`),
    args: [{ message: 'buongiorno' }],
  });
  expect(result.echo).toBe('buongiorno');
  const health = await request(stack.app).get('/health');
  expect(health.status).toBe(200);
  expect(health.body.checks).toEqual({ database: 'ok', temporal: 'ok', worker: 'ok' });
});
