/**
 * Benchmark of inbound mail: `npm run bench:inbound-mail [-- --messages N]`.
 *
 * Starts its own stack as `npm start` runs it (embedded PostgreSQL, Temporal dev server, SMTP sink,
 * then the worker, the API and the inbound SMTP listener as separate Node processes) in a temporary
 * directory. Then, on that same stack:
 * 1. the plain contact API: N contacts by POST /contacts (channel email) from 20 concurrent clients;
 * 2. inbound mail: N new messages (each its own sender and Message-ID) delivered to the listener
 *    over 20 parallel SMTP sessions (nodemailer, one pooled connection each), timed until every
 *    intake has opened its contact.
 * Checks that every message became exactly one contact (one per sender, N in all, none discarded),
 * and prints messages/s (accepted by SMTP, and contacts opened), contacts/s of the API and their
 * ratio. Exits 1 when a check fails.
 *
 * Options: --messages N (default 10,000), --sessions S (default 20), --api-contacts M (default N).
 */
import { spawn, ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { generatePayloadKeyText } from '../infra/codec';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { startSmtpSink } from '../infra/smtp-sink';
import { createDb, migrateLatest } from '../infra/db';
import { createApiKeyStore } from '../infra/stores/api-keys';
import { freePort } from '../infra/ports';

const ROOT = path.join(__dirname, '..');
const MAILBOX = 'lavoro.info@example.org';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

async function main(): Promise<void> {
  const messages = option('messages', 10_000);
  const sessions = option('sessions', 20);
  const apiContacts = option('api-contacts', messages);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-bench-inbound-'));
  const say = (m: string) => console.log(`[bench] ${m}`);
  const stops: (() => Promise<void>)[] = [];
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let ok = true;
  const launch = (name: string, entry: string, env: NodeJS.ProcessEnv) => {
    const log = openSync(path.join(dataDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { env, stdio: ['ignore', log, log], cwd: ROOT });
    closeSync(log);
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (!stopping) console.error(`[bench] ${name} exited early (${signal ?? code}); log: ${path.join(dataDir, `${name}.log`)}`);
    });
  };

  try {
    const [apiPort, pgPort, temporalPort, smtpPort, inboundPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const pg = await startEmbeddedPostgres({ dir: path.join(dataDir, 'postgres'), port: pgPort });
    stops.unshift(() => pg.stop());
    const db = createDb(pg.url);
    stops.unshift(() => db.destroy());
    await migrateLatest(db);
    const operatorKey = (await createApiKeyStore(db).create({ name: 'Operatore bench', role: 'operator' })).key;
    const temporal = await startTemporalDevServer({ port: temporalPort, dbFile: path.join(dataDir, 'temporal', 'temporal.db') });
    stops.unshift(() => temporal.stop());
    const smtp = await startSmtpSink({ port: smtpPort });
    stops.unshift(() => smtp.stop());
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: smtp.url,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      INBOUND_SMTP_PORT: String(inboundPort),
      INBOUND_SMTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TEMPORAL_PAYLOAD_KEY: process.env.TEMPORAL_PAYLOAD_KEY ?? generatePayloadKeyText('bench'),
    };
    launch('worker', 'worker.ts', env);
    launch('api', path.join('api', 'server.ts'), env);
    launch('inbound-smtp', path.join('scripts', 'inbound-smtp.ts'), env);
    const base = `http://127.0.0.1:${apiPort}`;
    await waitFor('API /health', async () => (await fetch(`${base}/health`)).status === 200, 900_000);
    await waitFor('inbound SMTP listener', () => listening(inboundPort), 120_000);
    say(`stack ready in ${dataDir}; ${messages} messages over ${sessions} SMTP sessions, ${apiContacts} API contacts`);

    const transports = Array.from({ length: sessions }, () => nodemailer.createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: Infinity }));
    // Like an MTA (and an integrator with an Idempotency-Key), a temporary refusal is retried; retries are counted.
    let retries = 0;
    const retrying = async (job: () => Promise<unknown>) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await job();
        } catch (err) {
          const code = (err as { responseCode?: number; status?: number }).responseCode ?? (err as { status?: number }).status;
          if (attempt >= 10 || (code !== undefined && code < 500 && code !== 451 && code !== 421) || (code !== undefined && code >= 500 && code !== 503)) throw err;
          retries++;
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    };
    const send = (t: (typeof transports)[number], tag: string, i: number) =>
      retrying(() =>
        t.sendMail({
          from: `Cittadino ${i} <cittadino.${tag}.${i}@bench.example.net>`,
          to: MAILBOX,
          subject: `Richiesta ${tag} ${i}`,
          text: `Buongiorno, vorrei informazioni sulla pratica numero ${i}.\nGrazie.`,
          messageId: `<bench-${tag}-${i}@bench.example.net>`,
        }),
      );
    const post = (i: number) =>
      retrying(() =>
        fetch(`${base}/api/v1/contacts`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${operatorKey}`, 'Content-Type': 'application/json', 'Idempotency-Key': `bench-${i}` },
          body: JSON.stringify({ service: 'ADL', channel: 'email', caller: { email: `api.${i}@bench.example.net` }, reason: `Richiesta ${i}: vorrei informazioni sulla pratica.` }),
        }).then(async (r) => {
          await r.arrayBuffer();
          if (r.status !== 201 && r.status !== 200) throw Object.assign(new Error(`POST /contacts answered ${r.status}`), { status: r.status });
        }),
      );
    const inParallel = async (n: number, workers: number, job: (i: number, w: number) => Promise<unknown>) => {
      let next = 0;
      await Promise.all(Array.from({ length: workers }, async (_, w) => {
        for (let i = next++; i < n; i = next++) await job(i, w);
      }));
    };
    const contactsOpened = async (tag: string) =>
      Number((await db.raw(`select count(*) as n from contacts where caller->>'email' like ?`, [`cittadino.${tag}.%`])).rows[0].n);

    // Warm-up (not timed): the workers' sandboxes, the pools, the plans.
    await post(apiContacts + sessions);
    await inParallel(sessions, sessions, (i, w) => send(transports[w], 'warmup', i));
    await inParallel(sessions, sessions, (i) => post(apiContacts + i));
    await waitFor('warm-up contacts', async () => (await contactsOpened('warmup')) === sessions, 120_000);

    // 1. The plain contact API.
    const a0 = performance.now();
    await inParallel(apiContacts, sessions, (i) => post(i));
    const apiS = (performance.now() - a0) / 1000;
    say(`API: ${apiContacts} contacts in ${apiS.toFixed(1)} s`);

    // 2. Inbound mail.
    const t0 = performance.now();
    const progress = setInterval(() => void contactsOpened('m').then((n) => say(`${n}/${messages} contacts opened from mail`)), 15_000);
    await inParallel(messages, sessions, (i, w) => send(transports[w], 'm', i));
    const acceptedS = (performance.now() - t0) / 1000;
    say(`SMTP: ${messages} messages accepted (250) in ${acceptedS.toFixed(1)} s`);
    // Done when every intake has recorded its contact (the contact opens a moment before).
    const intakesDone = async () => Number((await db.raw(`select count(*) as n from inbound_messages where message_id like '<bench-m-%' and status = 'contact'`)).rows[0].n);
    await waitFor('every intake', async () => (await contactsOpened('m')) >= messages && (await intakesDone()) >= messages, 3_600_000);
    const doneS = (performance.now() - t0) / 1000;
    clearInterval(progress);
    for (const t of transports) t.close();

    // Checks: exactly one contact per message.
    const perSender = (await db.raw(`select caller->>'email' as sender, count(*)::int as n from contacts where caller->>'email' like 'cittadino.m.%' group by 1`)).rows as { sender: string; n: number }[];
    const twice = perSender.filter((r) => r.n !== 1).length;
    const statuses = (await db.raw(`select status, count(*)::int as n from inbound_messages where message_id like '<bench-m-%' group by 1`)).rows as { status: string; n: number }[];
    const opened = statuses.find((s) => s.status === 'contact')?.n ?? 0;
    if (perSender.length !== messages || twice > 0 || opened !== messages) ok = false;
    await new Promise((r) => setTimeout(r, 2000));
    const acks = smtp.messages.filter((m) => String(m.parsed.subject).includes('Abbiamo ricevuto')).length;

    const mps = messages / doneS;
    const cps = apiContacts / apiS;
    console.log('');
    console.log(`inbound mail: ${messages} messages, ${sessions} parallel SMTP sessions`);
    console.log(`  accepted by SMTP (stored + intake started): ${acceptedS.toFixed(1)} s, ${(messages / acceptedS).toFixed(1)} messages/s`);
    console.log(`  every contact opened: ${doneS.toFixed(1)} s, ${mps.toFixed(1)} messages/s`);
    console.log(`  check: ${perSender.length} senders with a contact, ${twice} with more than one, intake statuses ${JSON.stringify(statuses)} -> ${ok ? 'OK, exactly one contact per message' : 'FAILED'}`);
    console.log(`  acknowledgements captured by the SMTP sink so far: ${acks - sessions < 0 ? 0 : acks - sessions} (+ ${sessions} warm-up)`);
    console.log(`plain contact API: ${apiContacts} POST /contacts, ${sessions} clients: ${apiS.toFixed(1)} s, ${cps.toFixed(1)} contacts/s`);
    console.log(`ratio inbound messages/s / API contacts/s: ${(mps / cps).toFixed(2)}`);
    console.log(`temporary refusals retried (SMTP 421/451, HTTP 503): ${retries}`);
  } finally {
    stopping = true;
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    for (const stop of stops) await stop().catch((err) => console.error(err));
    if (process.env.BENCH_KEEP_LOGS === '1') console.log(`[bench] logs kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  if (!ok) process.exit(1);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
