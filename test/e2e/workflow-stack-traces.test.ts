/**
 * The stack trace query of running workflows (Temporal UI, "Stack Trace") is off unless
 * WORKFLOW_STACK_TRACES=on: its promise hook costs CPU on every promise of workflow code
 * (issue 12). patches/ makes the SDK's hook optional. Real worker processes, configured like
 * worker.ts, prove the patch is applied and that both settings do what they say.
 */
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { killHard, startWorkerProcess, workerEnvFor } from '../support/spawn-worker';
import { workflowId } from '../../workflows/common';
import { contactQuery } from '../../workflows/contact.contract';

jest.setTimeout(120_000);

async function stackWithWorker(stackTraces: 'on' | 'off'): Promise<{ stack: Stack; worker: ChildProcess }> {
  const stack = await startStack({ inProcessWorker: false });
  const worker = await startWorkerProcess({ ...workerEnvFor(stack), SMTP_URL: stack.smtp.url, WORKFLOW_STACK_TRACES: stackTraces });
  return { stack, worker };
}

/** A contact waiting in the operators' queue: its workflow is running. */
async function openContact(stack: Stack): Promise<string> {
  const res = await request(stack.app)
    .post('/api/v1/contacts')
    .set('Authorization', await stack.bearer('operator'))
    .send({ service: 'ADL', channel: 'phone', caller: { phone: '+39 333 1234567' }, reason: 'Orari dello sportello' });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('triage');
  return res.body.id;
}

const running: { stack: Stack; worker: ChildProcess }[] = [];
afterAll(async () => {
  for (const { stack, worker } of running) {
    await killHard(worker);
    await stack.stop();
  }
});

it('are refused by a worker started without WORKFLOW_STACK_TRACES (the default is off)', async () => {
  const off = await stackWithWorker('off');
  running.push(off);
  const id = await openContact(off.stack);
  const handle = off.stack.client.workflow.getHandle(workflowId.contact(id));
  // The workflow answers its own queries; only the stack trace is refused. (The refusal's text is
  // encrypted by the failure codec, and a query failure reaches the client without decoding.)
  expect((await handle.query(contactQuery)).status).toBe('triage');
  await expect(handle.query<string>('__stack_trace')).rejects.toThrow();
});

it('show where a waiting contact workflow is when WORKFLOW_STACK_TRACES=on', async () => {
  const on = await stackWithWorker('on');
  running.push(on);
  const id = await openContact(on.stack);
  const stackTrace = await on.stack.client.workflow.getHandle(workflowId.contact(id)).query<string>('__stack_trace');
  expect(stackTrace).toMatch(/contactWorkflow/);
  expect(stackTrace).toMatch(/workflows\/contact\.ts/);
});
