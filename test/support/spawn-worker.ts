/**
 * A real worker in a process of its own (test/support/worker-process.ts), for tests that kill it
 * or give it its own configuration.
 */
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';
import { requireEnv, type Stack } from './harness';

const ROOT = path.join(__dirname, '..', '..');

/** The configuration of a worker process serving a test stack (its database, namespace and task queue). */
export function workerEnvFor(stack: Stack): Record<string, string> {
  return {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: requireEnv('TEST_TEMPORAL_ADDRESS'),
    TEMPORAL_NAMESPACE: stack.client.options.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    TEMPORAL_PAYLOAD_KEY: requireEnv('TEST_PAYLOAD_KEY'),
    WORKFLOW_BUNDLE_FILE: requireEnv('TEST_WORKFLOW_BUNDLE'),
  };
}

/** A worker process; resolves once it polls. */
export function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'support', 'worker-process.ts')], {
    env: { ...process.env, ...env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: ROOT,
  });
  // A worker must not outlive the test process, whatever ends it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process not ready within 60 s: ${stderr}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited before ready (${signal ?? code}): ${stderr}`));
    });
  });
}

export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
