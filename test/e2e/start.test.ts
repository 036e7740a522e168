/**
 * The README's start command end to end: embedded PostgreSQL, the Temporal dev server from .venv,
 * the SMTP receiver, the worker and the API as separate processes; Ctrl-C stops them; a second
 * start reuses the data.
 */
import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
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
    LOG_LEVEL: 'warn',
  };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'SERVICES_FILE']) delete env[k];
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts')], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

it('starts everything, serves the API with an admin-made key, stops cleanly and restarts on the same data', async () => {
  const first = start();
  const health = await waitHealthy(first.output);
  expect(health.status).toBe('ok');
  expect(first.output()).toMatch(/Temporal dev server: 127\.0\.0\.1:\d+, Web UI http:\/\/127\.0\.0\.1:\d+/);
  expect(first.output()).toMatch(/first start: an admin API key was created/);

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

  expect(await stop(first.child)).toBe(0);
  for (const port of [env.PORT, env.EMBEDDED_PG_PORT, env.EMBEDDED_TEMPORAL_PORT, env.EMBEDDED_SMTP_PORT]) expect(await listening(port)).toBe(false);
  expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);
  expect(readdirSync(path.join(dataDir, 'temporal'))).toContain('temporal.db');

  // Second start: same data, no new bootstrap key, the key made before still works.
  const second = start();
  await waitHealthy(second.output);
  expect(second.output()).not.toMatch(/first start/);
  const again = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/services`, { headers: { Authorization: `Bearer ${key}` } });
  expect(again.status).toBe(200);
  expect(await stop(second.child)).toBe(0);
});
