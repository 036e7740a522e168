/**
 * `npm start`: the whole product on one machine. Starts whatever is not given by the environment
 * (embedded PostgreSQL, Temporal dev server, SMTP sink), applies migrations, then runs the worker
 * and the API, as they run in production. Every part is a child in its own process group, so a
 * terminal's Ctrl-C (SIGINT to the foreground group) reaches this script only; it then stops the
 * parts in order (API, worker, Temporal, PostgreSQL, SMTP), awaits each exit, removes runtime.json
 * and prints "stopped".
 */
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EXIT_CONFIG, loadConfig, runtimeFile, workerNodeFlags } from '../infra/config';
import { createDb, migrateLatest } from '../infra/db';
import { createApiKeyStore } from '../infra/stores/api-keys';
import { loadCatalogFile } from '../infra/catalog-file';
import { freePort } from '../infra/ports';
import { generatePayloadKeyText, parsePayloadKey } from '../infra/codec';

const ROOT = path.join(__dirname, '..');
const say = (msg: string) => console.log(`[start] ${msg}`);
/** Set once main() can stop what it started: a failed start stops the parts already running. */
let stopAll: ((code: number) => Promise<void>) | undefined;

/** A child of its own process group; `stop()` signals the whole group and awaits the exit. */
interface Part {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

function spawnPart(name: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'inherit' | 'pipe', nodeFlags: string[] = []): Part {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...args], { env, cwd: ROOT, stdio: ['ignore', stdout, 'inherit'], detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { name, child, exited };
}

function signalGroup(part: Part, signal: NodeJS.Signals): void {
  try {
    process.kill(-part.child.pid!, signal);
  } catch {
    // already gone
  }
}

async function stopPart(part: Part, graceMs = 20_000): Promise<void> {
  if (part.child.exitCode !== null || part.child.signalCode !== null) return;
  const timer = setTimeout(() => signalGroup(part, 'SIGKILL'), graceMs);
  signalGroup(part, 'SIGTERM');
  await part.exited;
  clearTimeout(timer);
}

/** Starts an embedded part and waits for its READY line. */
function startEmbedded(kind: string, options: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<{ part: Part; info: Record<string, string> }> {
  const part = spawnPart(kind, [path.join(ROOT, 'scripts', 'embedded-service.ts'), kind, JSON.stringify(options)], env, 'pipe');
  return new Promise((resolve, reject) => {
    let buffer = '';
    part.child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve({ part, info: JSON.parse(line.slice('READY '.length)) });
    });
    void part.exited.then((code) => reject(new Error(`${kind} exited (${code}) before it was ready`)));
  });
}

/** Whether something already listens on the port (of any local address). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, () => probe.close(() => resolve(false)));
  });
}

/**
 * The Temporal payload key of this machine: TEMPORAL_PAYLOAD_KEY when given (production), else a
 * key file under DATA_DIR made on the first start, readable by its owner only.
 */
function localPayloadKey(dataDir: string, say: (msg: string) => void): string {
  const file = path.join(dataDir, 'temporal-payload.key');
  if (!existsSync(file)) {
    writeFileSync(file, generatePayloadKeyText() + '\n', { mode: 0o600, flag: 'wx' });
    say(`first start: a Temporal payload encryption key was created in ${file} (keep it: histories cannot be read without it)`);
  }
  const text = readFileSync(file, 'utf8').trim();
  try {
    parsePayloadKey(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  return text;
}

/** The survey links' HMAC secret: SURVEY_TOKEN_SECRET when given, else a file under DATA_DIR made on the first start. */
function localSurveySecret(dataDir: string): string {
  const file = path.join(dataDir, 'survey-token.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.DATA_DIR, { recursive: true });
  const stopOrder: Part[] = []; // stop order: API, worker, then Temporal, PostgreSQL, SMTP
  const embedded: Part[] = [];
  let stopping = false;
  let exitCode = 0;

  const shutdown = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    say('stopping...');
    for (const part of [...stopOrder, ...embedded]) {
      await stopPart(part);
      say(`${part.name} stopped`);
    }
    rmSync(runtimeFile(config), { force: true });
    say('stopped');
    process.exit(exitCode);
  };
  stopAll = shutdown;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown());
  // Last resort if this process dies abruptly: no part may outlive it.
  process.on('exit', () => [...stopOrder, ...embedded].forEach((p) => signalGroup(p, 'SIGKILL')));

  // Fail early, naming the file and the path, if the catalog is invalid.
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  say(`services catalog: ${catalog.services.length} services (${config.SERVICES_FILE ?? 'bundled sample'})`);

  // A busy port is a configuration error: say which, exit non-zero, never loop.
  const ports: [string, number][] = [['PORT', config.PORT]];
  if (!config.DATABASE_URL) ports.push(['EMBEDDED_PG_PORT', config.EMBEDDED_PG_PORT]);
  if (!config.TEMPORAL_ADDRESS) ports.push(['EMBEDDED_TEMPORAL_PORT', config.EMBEDDED_TEMPORAL_PORT], ['EMBEDDED_TEMPORAL_UI_PORT', config.EMBEDDED_TEMPORAL_UI_PORT]);
  if (!config.SMTP_URL) ports.push(['EMBEDDED_SMTP_PORT', config.EMBEDDED_SMTP_PORT]);
  if (config.WORKER_METRICS_PORT) ports.push(['WORKER_METRICS_PORT', config.WORKER_METRICS_PORT]);
  if (config.INBOUND_SMTP_PORT) ports.push(['INBOUND_SMTP_PORT', config.INBOUND_SMTP_PORT]);
  for (const [name, port] of ports) {
    if (await portTaken(port)) {
      console.error(`[start] port ${port} (${name}) is already in use: stop what uses it or set ${name}`);
      process.exit(EXIT_CONFIG);
    }
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const dir = path.join(config.DATA_DIR, 'postgres');
    const { part, info } = await startEmbedded('postgres', { dir, port: config.EMBEDDED_PG_PORT }, env);
    embedded.unshift(part);
    databaseUrl = info.url;
    say(`PostgreSQL (embedded): ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}, data in ${dir}`);
  } else say('PostgreSQL: DATABASE_URL');
  const db = createDb(databaseUrl);
  const applied = await migrateLatest(db);
  say(`migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
  const keys = createApiKeyStore(db);
  if ((await keys.list()).length === 0) {
    const { key } = await keys.create({ name: 'bootstrap admin', role: 'admin' });
    // Never printed: the terminal output is a log, and no log line may hold a key.
    const keyFile = path.join(config.DATA_DIR, 'admin-api-key.txt');
    writeFileSync(keyFile, key + '\n', { mode: 0o600 });
    say(`first start: an admin API key was created in ${keyFile} (readable by its owner only; delete the file once the key is kept elsewhere)`);
  }
  await db.destroy();

  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const options = { port: config.EMBEDDED_TEMPORAL_PORT, uiPort: config.EMBEDDED_TEMPORAL_UI_PORT, dbFile: path.join(config.DATA_DIR, 'temporal', 'temporal.db'), namespace: config.TEMPORAL_NAMESPACE };
    const { part, info } = await startEmbedded('temporal', options, env);
    embedded.unshift(part);
    temporalAddress = info.address;
    say(`Temporal dev server: ${info.address}, Web UI ${info.uiUrl}`);
  } else say(`Temporal: ${temporalAddress} (namespace ${config.TEMPORAL_NAMESPACE})`);

  let smtpUrl = config.SMTP_URL;
  if (!smtpUrl) {
    const dir = path.join(config.DATA_DIR, 'mail');
    const { part, info } = await startEmbedded('smtp', { dir, port: config.EMBEDDED_SMTP_PORT }, env);
    embedded.push(part);
    smtpUrl = info.url;
    say(`SMTP receiver: ${smtpUrl}, every mail kept as .eml in ${dir}`);
  } else say('SMTP: SMTP_URL');
  // Stop order of the embedded parts: Temporal, PostgreSQL, SMTP.
  embedded.sort((a, b) => ['temporal', 'postgres', 'smtp'].indexOf(a.name) - ['temporal', 'postgres', 'smtp'].indexOf(b.name));

  writeFileSync(runtimeFile(config), JSON.stringify({ databaseUrl, temporalAddress, smtpUrl }, null, 2));

  let payloadKey = process.env.TEMPORAL_PAYLOAD_KEY;
  if (config.TEMPORAL_PAYLOAD_KEY) say(`Temporal payloads encrypted with key ${config.TEMPORAL_PAYLOAD_KEY.id} (TEMPORAL_PAYLOAD_KEY)`);
  else payloadKey = localPayloadKey(config.DATA_DIR, say);

  const metricsPort = config.WORKER_METRICS_PORT || (await freePort());
  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    SMTP_URL: smtpUrl,
    TEMPORAL_PAYLOAD_KEY: payloadKey,
    SURVEY_TOKEN_SECRET: config.SURVEY_TOKEN_SECRET ?? localSurveySecret(config.DATA_DIR),
    WORKER_METRICS_PORT: String(metricsPort),
    WORKER_METRICS_URL: config.WORKER_METRICS_URL ?? `http://127.0.0.1:${metricsPort}/metrics`,
  });
  const launch = (name: 'api' | 'worker' | 'inbound-smtp', entry: string) => {
    const part = spawnPart(name, [path.join(ROOT, entry)], env, 'inherit', name === 'worker' ? workerNodeFlags(config) : []);
    // The API stops first, then the inbound listener, then the worker drains.
    if (name === 'api') stopOrder.unshift(part);
    else if (name === 'inbound-smtp') stopOrder.splice(stopOrder[0]?.name === 'api' ? 1 : 0, 0, part);
    else stopOrder.push(part);
    void part.exited.then((code) => {
      stopOrder.splice(stopOrder.indexOf(part), 1);
      if (stopping) return;
      if (code === EXIT_CONFIG) {
        say(`${name} cannot run as configured (see above); stopping everything`);
        void shutdown(EXIT_CONFIG);
        return;
      }
      say(`${name} exited (${code}); restarting in 2 s`);
      setTimeout(() => !stopping && launch(name, entry), 2000);
    });
  };
  launch('worker', 'worker.ts');
  // The SMTP listener for inbound mail (INBOUND_SMTP_PORT; 0 = none): stops after the API, before the worker drains.
  if (config.INBOUND_SMTP_PORT) launch('inbound-smtp', path.join('scripts', 'inbound-smtp.ts'));
  launch('api', 'api/server.ts');
  if (config.INBOUND_SMTP_PORT) say(`inbound mail: SMTP listener on port ${config.INBOUND_SMTP_PORT} takes mail to the catalog's public mailboxes`);
  say(`API and back-office page: http://127.0.0.1:${config.PORT}/ (readiness: /readyz, docs: /docs). Ctrl-C stops everything.`);
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  if (stopAll) void stopAll(1);
  else process.exit(1);
});
