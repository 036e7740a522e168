/**
 * The README's start command end to end: embedded PostgreSQL, the Temporal dev server from .venv,
 * the SMTP receiver, the worker, the API and the inbound SMTP listener as separate processes; Ctrl-C stops them; a second
 * start reuses the data.
 */
import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import nodemailer from 'nodemailer';
import { freePort } from '../../infra/ports';

const ROOT = path.join(__dirname, '..', '..');
jest.setTimeout(180_000);

let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cc-start-'));
  env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_TEMPORAL_PORT: String(await freePort()),
    EMBEDDED_TEMPORAL_UI_PORT: String(await freePort()),
    EMBEDDED_SMTP_PORT: String(await freePort()),
    WORKER_METRICS_PORT: String(await freePort()),
    INBOUND_SMTP_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'SERVICES_FILE']) delete env[k];
});
afterAll(async () => {
  // A failed assertion must not leave a stack running: stop what is still up, as Ctrl-C would.
  for (const child of started.filter((c) => c.exitCode === null && c.signalCode === null)) {
    await Promise.race([stop(child), new Promise((r) => setTimeout(r, 30_000))]);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const started: ChildProcess[] = [];

/** `npm start` as a terminal runs it: the leader of its own process group. */
function start(extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  const child = spawn('npm', ['start'], { env: { ...env, ...extraEnv }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitHealthy(output: () => string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT}/health`);
      const body = (await res.json()) as Record<string, unknown>;
      if (res.status === 200) return body;
      last = JSON.stringify(body);
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`never healthy: ${last}\n${output()}`);
}

/** Whether anything still listens on the port: after a stop, nothing may. */
function listening(port: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Ctrl-C in a terminal: SIGINT to every process of the foreground group (npm, sh, start.ts). npm
 * waits for the script, then ends itself by the same signal, as it does in a terminal (status 130).
 */
function stop(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
    process.kill(-child.pid!, 'SIGINT');
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
}

const admin = (...args: string[]) => execFileSync('npm', ['run', '--silent', 'admin', '--', ...args], { env, cwd: ROOT }).toString();

it('starts everything, serves the API with an admin-made key, stops cleanly and restarts on the same data', async () => {
  const first = start();
  const health = await waitHealthy(first.output);
  expect(health.status).toBe('ok');
  expect(first.output()).toMatch(/Temporal dev server: 127\.0\.0\.1:\d+, Web UI http:\/\/127\.0\.0\.1:\d+/);
  expect(first.output()).toMatch(/first start: an admin API key was created in /);
  // The bootstrap key is in a file of its owner's, never in the output.
  const bootstrapKey = readFileSync(path.join(dataDir, 'admin-api-key.txt'), 'utf8').trim();
  expect(bootstrapKey).toMatch(/^cc_/);
  expect(first.output()).not.toContain(bootstrapKey);
  expect((await fetch(`http://127.0.0.1:${env.PORT}/api/v1/me`, { headers: { Authorization: `Bearer ${bootstrapKey}` } })).status).toBe(200);

  const key = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'admin.ts'), 'create-key', '--role', 'operator', '--name', 'e2e'], { env, cwd: ROOT })
    .toString()
    .trim();
  expect(key).toMatch(/^cc_/);
  const services = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/services`, { headers: { Authorization: `Bearer ${key}` } });
  expect(services.status).toBe(200);
  expect(((await services.json()) as { services: unknown[] }).services.length).toBeGreaterThanOrEqual(6);
  expect((await fetch(`http://127.0.0.1:${env.PORT}/api/v1/services`)).status).toBe(401);

  // A citizen's written contact answered at first level: the answer is kept as an .eml file.
  const post = (url: string, body: unknown) =>
    fetch(`http://127.0.0.1:${env.PORT}/api/v1${url}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const contact = (await (await post('/contacts', { service: 'ADL', channel: 'email', caller: { email: 'cittadina@example.org' }, reason: 'Orari dello sportello' })).json()) as { id: string };
  expect((await post(`/contacts/${contact.id}/resolve`, { answer: 'Lo sportello apre alle 8.' })).status).toBe(200);
  const mailDir = path.join(dataDir, 'mail');
  let eml: string | undefined;
  for (let i = 0; i < 100 && !eml; i++) {
    await new Promise((r) => setTimeout(r, 100));
    eml = existsSync(mailDir) ? readdirSync(mailDir).map((f) => readFileSync(path.join(mailDir, f), 'utf8')).find((m) => m.includes('cittadina@example.org')) : undefined;
  }
  expect(eml).toContain(contact.id);

  // Inbound mail: the listener `npm start` opened takes a citizen's email; the acknowledgement is kept as .eml.
  const smtpClient = nodemailer.createTransport({ host: '127.0.0.1', port: Number(env.INBOUND_SMTP_PORT), secure: false, ignoreTLS: true });
  await smtpClient.sendMail({ from: 'mittente.e2e@example.net', to: 'lavoro.info@example.org', subject: 'Orari', text: 'Quando aprite?' });
  smtpClient.close();
  let ack: string | undefined;
  for (let i = 0; i < 600 && !ack; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ack = readdirSync(mailDir).map((f) => readFileSync(path.join(mailDir, f), 'utf8')).find((m) => m.includes('mittente.e2e@example.net'));
  }
  expect(ack).toMatch(/\[CON-\d{4}-\d{6}\]/);

  // The worker runs with its heap budget (WORKER_HEAP_MB, default 768 MB).
  const workerCommand = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .map((pid) => {
      try {
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return environ.includes(`DATA_DIR=${dataDir}`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') : undefined;
      } catch {
        return undefined; // gone meanwhile
      }
    })
    .find((argv) => argv?.some((a) => a.endsWith(`${path.sep}worker.ts`)));
  expect(workerCommand).toContain('--max-old-space-size=768');

  // The worker's Temporal SDK metrics come with the API's own.
  const metrics = await (await fetch(`http://127.0.0.1:${env.PORT}/metrics`)).text();
  expect(metrics).toMatch(/^http_requests_total\{.*route="\/api\/v1\/services".*\} \d+/m);
  expect(metrics).toMatch(/^temporal_\w+/m);

  // A second API on the same port: a clear error and the configuration exit code, not a loop.
  const rivalEnv = { ...env, TEMPORAL_PAYLOAD_KEY: readFileSync(path.join(dataDir, 'temporal-payload.key'), 'utf8').trim() };
  const rival = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api', 'server.ts')], { env: rivalEnv, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let rivalErr = '';
  rival.stderr!.on('data', (d) => (rivalErr += d));
  expect(await exitOf(rival)).toBe(78);
  expect(rivalErr).toContain(`port ${env.PORT} (PORT) is already in use`);
  // And a rival `npm start`: refused before starting anything.
  const busy = start();
  expect(await exitOf(busy.child)).not.toBe(0);
  expect(busy.output()).toMatch(/port \d+ \(\w+\) is already in use/);

  expect(['0', 'SIGINT']).toContain(await stop(first.child));
  expect(first.output()).toMatch(/\[start\] stopped/);
  // Stopped in order: the API first, the embedded parts last.
  const order = [...first.output().matchAll(/\[start\] ([\w-]+) stopped/g)].map((m) => m[1]);
  expect(order).toEqual(['api', 'inbound-smtp', 'worker', 'temporal', 'postgres', 'smtp']);
  for (const port of [env.PORT, env.EMBEDDED_PG_PORT, env.EMBEDDED_TEMPORAL_PORT, env.EMBEDDED_TEMPORAL_UI_PORT, env.EMBEDDED_SMTP_PORT, env.WORKER_METRICS_PORT, env.INBOUND_SMTP_PORT]) {
    expect({ port, listening: await listening(port) }).toEqual({ port, listening: false });
  }
  expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);
  expect(readdirSync(path.join(dataDir, 'temporal'))).toContain('temporal.db');
  expect(admin('list-keys')).toContain('e2e');

  // Second start: same data, no new bootstrap key, the key made before still works.
  const second = start();
  await waitHealthy(second.output);
  expect(second.output()).not.toMatch(/first start/);
  const again = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/services`, { headers: { Authorization: `Bearer ${key}` } });
  expect(again.status).toBe(200);
  expect(['0', 'SIGINT']).toContain(await stop(second.child));
  expect(second.output()).toMatch(/\[start\] stopped/);
  expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);
  // Stopped cleanly, nothing points at the stopped database: the admin command starts it itself.
  expect(admin('list-keys')).toContain('e2e');
  for (const port of [env.PORT, env.EMBEDDED_PG_PORT, env.EMBEDDED_TEMPORAL_PORT, env.EMBEDDED_SMTP_PORT]) expect(await listening(port)).toBe(false);
});
