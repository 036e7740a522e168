/**
 * `npm start`: the whole product on one machine. Starts whatever is not given by the environment
 * (embedded PostgreSQL, Temporal dev server, SMTP sink), applies migrations, then runs the worker
 * and the API as child processes, as they run in production. Ctrl-C stops everything.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, runtimeFile } from '../infra/config';
import { createDb, migrateLatest } from '../infra/db';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { startSmtpSink } from '../infra/smtp-sink';
import { createApiKeyStore } from '../infra/stores/api-keys';
import { loadCatalogFile } from '../infra/catalog-file';
import { generatePayloadKeyText, parsePayloadKey } from '../infra/codec';

const ROOT = path.join(__dirname, '..');

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

async function main(): Promise<void> {
  const config = loadConfig();
  const cleanups: (() => Promise<void>)[] = [];
  mkdirSync(config.DATA_DIR, { recursive: true });
  const say = (msg: string) => console.log(`[start] ${msg}`);

  // Fail early, naming the file and the path, if the catalog is invalid.
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  say(`services catalog: ${catalog.services.length} services (${config.SERVICES_FILE ?? 'bundled sample'})`);

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT });
    cleanups.unshift(() => pg.stop());
    databaseUrl = pg.url;
    say(`PostgreSQL (embedded): ${pg.url.replace(/:[^:@/]+@/, ':***@')}, data in ${path.join(config.DATA_DIR, 'postgres')}`);
  } else say('PostgreSQL: DATABASE_URL');
  const db = createDb(databaseUrl);
  const applied = await migrateLatest(db);
  say(`migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
  const keys = createApiKeyStore(db);
  if ((await keys.list()).length === 0) {
    const { key } = await keys.create({ name: 'bootstrap admin', role: 'admin' });
    say(`first start: an admin API key was created (shown only now): ${key}`);
  }
  await db.destroy();

  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      port: config.EMBEDDED_TEMPORAL_PORT,
      uiPort: config.EMBEDDED_TEMPORAL_UI_PORT,
      dbFile: path.join(config.DATA_DIR, 'temporal', 'temporal.db'),
      namespace: config.TEMPORAL_NAMESPACE,
    });
    cleanups.unshift(() => temporal.stop());
    temporalAddress = temporal.address;
    say(`Temporal dev server: ${temporal.address}, Web UI ${temporal.uiUrl}`);
  } else say(`Temporal: ${temporalAddress} (namespace ${config.TEMPORAL_NAMESPACE})`);

  let smtpUrl = config.SMTP_URL;
  if (!smtpUrl) {
    const mailDir = path.join(config.DATA_DIR, 'mail');
    const sink = await startSmtpSink({ port: config.EMBEDDED_SMTP_PORT, dir: mailDir });
    cleanups.unshift(() => sink.stop());
    smtpUrl = sink.url;
    say(`SMTP receiver: ${sink.url}, every mail kept as .eml in ${mailDir}`);
  } else say('SMTP: SMTP_URL');

  writeFileSync(runtimeFile(config), JSON.stringify({ databaseUrl, temporalAddress, smtpUrl }, null, 2));
  cleanups.push(async () => rmSync(runtimeFile(config), { force: true }));

  let payloadKey = process.env.TEMPORAL_PAYLOAD_KEY;
  if (config.TEMPORAL_PAYLOAD_KEY) say(`Temporal payloads encrypted with key ${config.TEMPORAL_PAYLOAD_KEY.id} (TEMPORAL_PAYLOAD_KEY)`);
  else payloadKey = localPayloadKey(config.DATA_DIR, say);

  const env = { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, SMTP_URL: smtpUrl, TEMPORAL_PAYLOAD_KEY: payloadKey };
  let stopping = false;
  const children = new Map<string, ChildProcess>();
  const launch = (name: string, entry: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { env, stdio: 'inherit' });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (stopping) return;
      say(`${name} exited (${signal ?? code}); restarting in 2 s`);
      setTimeout(() => !stopping && launch(name, entry), 2000);
    });
  };
  launch('worker', 'worker.ts');
  launch('api', 'api/server.ts');
  say(`API and back-office page: http://127.0.0.1:${config.PORT}/ (health: /health). Ctrl-C stops everything.`);

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    for (const cleanup of cleanups) await cleanup().catch((err) => console.error(err));
    say('stopped');
    process.exit(0);
  };
  // embedded-postgres installs exit hooks that stop PostgreSQL and exit at once on a signal; this
  // script stops every part itself, children first, so it takes the signals over.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown());
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
