/**
 * No email is lost when the worker dies: 200 citizens' answers are emailed while a real worker
 * process is killed with SIGKILL 5 times and restarted, and the mail relay is cut once. Every
 * answer reaches the relay; the only copies are of emails the product recorded as in doubt, each
 * with the same Message-ID (so the relay keeps one). The 1,000-email run is bench/email-crash.ts.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { startStack, Stack, requireEnv } from '../support/harness';
import { runEmailCrashScenario } from '../support/email-crash';
import { workerEnvFor } from '../support/spawn-worker';
import { freePort } from '../../infra/ports';

// About a minute on an idle 2-core machine; the margin is for a loaded CI runner.
jest.setTimeout(Number(process.env.EMAIL_CRASH_TIMEOUT_MS ?? 480_000));
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ inProcessWorker: false });
});
afterAll(async () => {
  await stack.stop();
});

it('delivers every one of 200 emails through 5 SIGKILLs of the worker and a relay outage, copies only of emails in doubt', async () => {
  const figures = await runEmailCrashScenario({
    emails: 200,
    kills: 5,
    concurrency: 20,
    app: stack.app,
    db: stack.db,
    workerEnv: workerEnvFor(stack),
    mailDir: mkdtempSync(path.join(requireEnv('TEST_DIR'), 'crash-mail-')),
    smtpPort: await freePort(),
    settleTimeoutMs: 60_000,
    restart: 'standby',
    log: process.env.EMAIL_CRASH_LOG ? (m) => console.log(m) : undefined,
  });
  expect(figures).toMatchObject({ logical: 200, lost: 0, delivered: 200, unconfirmed: 0, kills: 5, relayCuts: 1, copiesNotInDoubt: [] });
  expect(figures.copiesDropped).toBeLessThanOrEqual(figures.recordedInDoubt);
  console.log(`email crash test: ${JSON.stringify(figures)}`);
});
