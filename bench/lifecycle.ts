/**
 * Benchmark of a city contact center's working day: `npm run bench:lifecycle`.
 *
 * Starts its own stack as `npm start` runs it (embedded PostgreSQL, Temporal dev server, SMTP sink,
 * then the worker and the API as separate Node processes) with DATA_DIR in a temporary directory,
 * creates API keys and drives BENCH_CONTACTS contacts (default 5000) through the real HTTP API with
 * 20 concurrent clients: 75 % resolved at first level, 20 % escalated to an office that takes
 * charge and resolves, 5 % missed-call forms that the office calls back. Operators open each new
 * contact, and every 25 contacts a client reads a queue.
 *
 * Meanwhile one more client opens no-op workflows by update-with-start on the same Temporal server
 * (their own worker process), at most two a second: the floor the API's writes are compared with.
 * Their server CPU is counted in the Temporal figure (a few per cent of it).
 *
 * Prints contacts/s, wall time, CPU ms per contact of every process (utime + stime from
 * /proc/<pid>/stat, children included), p50/p95/p99 per API call kind and for the no-op, the
 * ratios issue 12 sets goals for, and the worker's RSS after the day.
 *
 * Env: BENCH_CONTACTS (5000), BENCH_CLIENTS (20), BENCH_WORKERS (1; 2 starts a second worker
 * process and prints the CPU split), BENCH_PORT_BASE (45000: API, +1 PostgreSQL, +2 Temporal,
 * +4 SMTP), SERVICES_FILE (the bundled sample), BENCH_KEEP_LOGS=1 keeps the temp dir, BENCH_CPU_PROF=<dir>
 * makes the worker and the API write V8 CPU profiles (.cpuprofile) there.
 */
import { spawn, execSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig, workerNodeFlags } from '../infra/config';
import { generatePayloadKeyText } from '../infra/codec';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { startSmtpSink } from '../infra/smtp-sink';
import { createDb, migrateLatest } from '../infra/db';
import { createApiKeyStore } from '../infra/stores/api-keys';
import { noopUpdate, noopWorkflow } from './noop-workflow';

const ROOT = path.join(__dirname, '..');
const NOOP_TASK_QUEUE = 'bench-noop';
const NOOP_INTERVAL_MS = 500;
const SERVICE = 'ADL';
const ESCALATION_OFFICE = 'ADL-COLLOCAMENTO';
const MISSED_CALL_OFFICE = 'ADL-SPORTELLO';

const envInt = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

// ---------------------------------------------------------------------------------------------
// CPU and memory from /proc

const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime in clock ticks: the process and its reaped children. */
  ticks: number;
}

function readProcs(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields are counted after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // the process ended while we were reading
    }
  }
  return out;
}

/** CPU ms of each named process tree (a live descendant counts to the tree of its nearest named ancestor). */
function cpuMs(roots: Map<string, number>): Map<string, number> {
  const procs = readProcs();
  const nameOf = new Map<number, string>();
  for (const [name, pid] of roots) nameOf.set(pid, name);
  const result = new Map<string, number>([...roots.keys()].map((k) => [k, 0]));
  for (const [pid, p] of procs) {
    let cur: number | undefined = pid;
    for (let depth = 0; cur !== undefined && depth < 20; depth++) {
      const name = nameOf.get(cur);
      if (name) {
        result.set(name, (result.get(name) ?? 0) + (p.ticks * 1000) / CLK_TCK);
        break;
      }
      cur = procs.get(cur)?.ppid;
      if (cur === 0 || cur === 1) break;
    }
  }
  return result;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

// ---------------------------------------------------------------------------------------------
// Latency bookkeeping

const samples = new Map<string, number[]>();
const failures = new Map<string, string[]>();

function record(kind: string, ms: number): void {
  let list = samples.get(kind);
  if (!list) samples.set(kind, (list = []));
  list.push(ms);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(kind: string): { n: number; p50: number; p95: number; p99: number } {
  const sorted = [...(samples.get(kind) ?? [])].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

// ---------------------------------------------------------------------------------------------
// The HTTP clients

class Api {
  constructor(private readonly base: string) {}

  async call<T>(kind: string, key: string, method: 'GET' | 'POST', url: string, body?: unknown, expected = [200, 201]): Promise<T> {
    const t0 = performance.now();
    const res = await fetch(this.base + url, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (!expected.includes(res.status)) {
      let list = failures.get(kind);
      if (!list) failures.set(kind, (list = []));
      list.push(`${res.status} ${text.slice(0, 300)}`);
      throw new Error(`${kind}: HTTP ${res.status}`);
    }
    record(kind, ms);
    return JSON.parse(text) as T;
  }
}

interface Keys {
  operator: string;
  supervisor: string;
  escalationOffice: string;
  missedCallOffice: string;
}

type Outcome = 'first-level' | 'escalated' | 'missed-call';

/** 75 % / 20 % / 5 %, spread evenly over the day. */
function outcomeOf(i: number): Outcome {
  const r = i % 20;
  return r < 15 ? 'first-level' : r < 19 ? 'escalated' : 'missed-call';
}

/** Workflow ids of the first contact of each outcome (and its child), whose histories are counted after the day. */
const sampled = new Map<Outcome, string[]>();

async function driveContact(api: Api, keys: Keys, i: number): Promise<void> {
  const outcome = outcomeOf(i);
  const sample: string[] | undefined = i < 20 && !sampled.has(outcome) ? [] : undefined;
  if (sample) sampled.set(outcome, sample);
  const contact = await api.call<{ id: string }>('POST /contacts', keys.operator, 'POST', '/api/v1/contacts', {
    service: SERVICE,
    channel: 'phone',
    callId: `BENCH-${i}`,
    caller: { surname: 'Rossi', name: 'Mario', phone: `+39 0461 ${String(100000 + i)}`, email: `cittadino${i}@example.org` },
    reason: 'Informazioni sul collocamento mirato',
    category: 'COLLOCAMENTO',
  });
  sample?.push(`contact:${contact.id}`);
  await api.call('GET /contacts/:id', keys.operator, 'GET', `/api/v1/contacts/${contact.id}`);
  if (outcome === 'first-level') {
    await api.call('POST /contacts/:id/resolve', keys.operator, 'POST', `/api/v1/contacts/${contact.id}/resolve`, { answer: 'Informazioni date al telefono.' });
  } else if (outcome === 'escalated') {
    const escalation = await api.call<{ id: string }>('POST /contacts/:id/escalate', keys.operator, 'POST', `/api/v1/contacts/${contact.id}/escalate`, {
      office: ESCALATION_OFFICE,
      note: 'Serve una verifica dell’ufficio.',
    });
    sample?.push(`escalation:${escalation.id}`);
    await api.call('POST /escalations/:id/take-charge', keys.escalationOffice, 'POST', `/api/v1/escalations/${escalation.id}/take-charge`, {});
    await api.call('POST /escalations/:id/resolve', keys.escalationOffice, 'POST', `/api/v1/escalations/${escalation.id}/resolve`, { response: 'Pratica verificata, il cittadino è stato richiamato.' });
  } else {
    const form = await api.call<{ id: string }>('POST /contacts/:id/missed-call', keys.operator, 'POST', `/api/v1/contacts/${contact.id}/missed-call`, {
      personSought: 'Responsabile ufficio',
      reason: 'Chiede di essere richiamato',
      office: MISSED_CALL_OFFICE,
    });
    sample?.push(`missed-call:${form.id}`);
    await api.call('POST /missed-calls/:id/callback', keys.missedCallOffice, 'POST', `/api/v1/missed-calls/${form.id}/callback`, { outcome: 'reached' });
  }
  if (i % 25 === 0) {
    await api.call('GET /contacts?status=triage', keys.operator, 'GET', `/api/v1/contacts?status=triage&service=${SERVICE}`);
    await api.call('GET /escalations?office=', keys.escalationOffice, 'GET', `/api/v1/escalations?office=${ESCALATION_OFFICE}&status=open`);
    await api.call('GET /missed-calls?office=', keys.supervisor, 'GET', `/api/v1/missed-calls?office=${MISSED_CALL_OFFICE}&status=open`);
  }
}

// ---------------------------------------------------------------------------------------------
// The no-op worker (a child process, like the real worker)

async function noopWorkerMain(address: string): Promise<void> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue: NOOP_TASK_QUEUE, workflowsPath: require.resolve('./noop-workflow') });
  process.stdout.write('ready\n');
  await worker.run();
  await connection.close();
}

// ---------------------------------------------------------------------------------------------

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  const contacts = envInt('BENCH_CONTACTS', 5000);
  const clients = envInt('BENCH_CLIENTS', 20);
  const workers = envInt('BENCH_WORKERS', 1);
  const portBase = envInt('BENCH_PORT_BASE', 45000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-bench-lifecycle-'));
  const say = (m: string) => console.log(`[bench] ${m}`);
  const stops: (() => Promise<void>)[] = [];
  const children = new Map<string, ChildProcess>();

  const launch = (name: string, args: string[], env: NodeJS.ProcessEnv) => {
    const log = openSync(path.join(dataDir, `${name}.log`), 'a');
    // BENCH_CPU_PROF=<dir>: the worker and the API write V8 CPU profiles there when they stop.
    const prof = process.env.BENCH_CPU_PROF && !name.startsWith('noop') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    // Workers start as `npm start` starts them (their heap budget).
    const nodeFlags = name.startsWith('worker') ? workerNodeFlags(loadConfig(env)) : [];
    const child = spawn(process.execPath, [...nodeFlags, ...prof, '--import', 'tsx', ...args], { env, stdio: ['ignore', log, log], cwd: ROOT });
    closeSync(log);
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (children.get(name) === child) children.delete(name);
      if (!stopping) console.error(`[bench] ${name} exited early (${signal ?? code}); log: ${path.join(dataDir, `${name}.log`)}`);
    });
    return child;
  };
  let stopping = false;

  try {
    say(`stack in ${dataDir}; ports ${portBase} (API), ${portBase + 1} (PostgreSQL), ${portBase + 2} (Temporal), ${portBase + 4} (SMTP)`);
    const pg = await startEmbeddedPostgres({ dir: path.join(dataDir, 'postgres'), port: portBase + 1 });
    stops.unshift(() => pg.stop());
    const db = createDb(pg.url);
    await migrateLatest(db);
    const store = createApiKeyStore(db);
    const keys: Keys = {
      operator: (await store.create({ name: 'Operatore bench', role: 'operator' })).key,
      supervisor: (await store.create({ name: 'Supervisore bench', role: 'supervisor' })).key,
      escalationOffice: (await store.create({ name: 'Ufficio collocamento', role: 'office', office: ESCALATION_OFFICE })).key,
      missedCallOffice: (await store.create({ name: 'Sportello', role: 'office', office: MISSED_CALL_OFFICE })).key,
    };
    await db.destroy();

    const temporal = await startTemporalDevServer({ port: portBase + 2, dbFile: path.join(dataDir, 'temporal', 'temporal.db') });
    stops.unshift(() => temporal.stop());
    const smtp = await startSmtpSink({ port: portBase + 4 });
    stops.unshift(() => smtp.stop());

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: smtp.url,
      PORT: String(portBase),
      HOST: '127.0.0.1',
      // Worker and API refuse to run without a payload key: a key of this run's own.
      TEMPORAL_PAYLOAD_KEY: process.env.TEMPORAL_PAYLOAD_KEY ?? generatePayloadKeyText('bench'),
    };
    const roots = new Map<string, number>([['temporal', temporal.process.pid!]]);
    const pgPid = [...readProcs()].find(([pid, p]) => p.ppid === process.pid && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')?.[0];
    if (!pgPid) throw new Error('PostgreSQL process not found');
    roots.set('postgres', pgPid);
    for (let w = 1; w <= workers; w++) roots.set(workers === 1 ? 'worker' : `worker ${w}`, launch(workers === 1 ? 'worker' : `worker-${w}`, [path.join(ROOT, 'worker.ts')], env).pid!);
    roots.set('api', launch('api', [path.join(ROOT, 'api', 'server.ts')], env).pid!);
    const noopWorker = launch('noop-worker', [__filename, '--noop-worker', temporal.address], env);

    const base = `http://127.0.0.1:${portBase}`;
    await waitFor('API /health', async () => (await fetch(`${base}/health`)).status === 200, 300_000);
    await waitFor('no-op worker', async () => readFileSync(path.join(dataDir, 'noop-worker.log'), 'utf8').includes('ready'), 300_000);
    const connection = await Connection.connect({ address: temporal.address });
    stops.unshift(() => connection.close());
    const client = new Client({ connection });
    // One no-op before measuring, so the no-op worker's first task (its sandbox) is not counted.
    const noop = (id: string) =>
      client.workflow.executeUpdateWithStart(noopUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(noopWorkflow, { workflowId: id, taskQueue: NOOP_TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING' }),
      });
    await noop('bench-noop:warmup');
    say(`stack ready; ${contacts} contacts, ${clients} clients, ${workers} worker process(es)`);

    const api = new Api(base);
    const cpu0 = cpuMs(roots);
    const t0 = performance.now();
    let next = 0;
    let done = 0;
    let failed = 0;
    let dayOver = false;
    const progress = setInterval(() => say(`${done}/${contacts} contacts, ${failed} failed, ${((performance.now() - t0) / 1000).toFixed(0)} s`), 15_000);
    const noopLoop = (async () => {
      for (let n = 0; !dayOver; n++) {
        const s = performance.now();
        // An overloaded dev server may refuse one (NOT_FOUND, deadline): counted, not fatal to the day.
        const ok = await noop(`bench-noop:${n}`).then(
          () => true,
          (err: Error) => {
            let list = failures.get('no-op update-with-start');
            if (!list) failures.set('no-op update-with-start', (list = []));
            list.push(err.message.slice(0, 200));
            return false;
          },
        );
        const ms = performance.now() - s;
        if (ok) record('no-op update-with-start', ms);
        // At most two a second, so the floor's own load on the server stays small beside the day's.
        if (ms < NOOP_INTERVAL_MS) await new Promise((r) => setTimeout(r, NOOP_INTERVAL_MS - ms));
        if (n % 20 === 0) await api.call('GET /health', keys.operator, 'GET', '/health', undefined, [200]).catch(() => undefined);
      }
    })();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = next++; i < contacts; i = next++) {
          try {
            await driveContact(api, keys, i);
          } catch {
            failed++;
          }
          done++;
        }
      }),
    );
    const wallS = (performance.now() - t0) / 1000;
    dayOver = true;
    await noopLoop;
    clearInterval(progress);
    // Let the emails and timers the last answers started finish before reading the CPU.
    await new Promise((r) => setTimeout(r, 3000));
    const cpu1 = cpuMs(roots);
    const workerRss = [...roots].filter(([name]) => name.startsWith('worker')).map(([name, pid]) => `${name} ${rssMb(pid).toFixed(0)} MB`);

    // ----- report
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
    console.log('');
    console.log(`lifecycle day: ${contacts} contacts (75 % first level, 20 % escalated, 5 % missed call), ${clients} clients, ${workers} worker process(es)`);
    console.log(`wall time ${wallS.toFixed(1)} s, ${(contacts / wallS).toFixed(2)} contacts/s, ${failed} contacts failed`);
    console.log(`5,000-contact day extrapolated: ${((5000 / contacts) * wallS).toFixed(0)} s (goal < 300 s)`);
    console.log('');
    console.log('CPU ms per contact');
    let total = 0;
    for (const [name] of roots) {
      const ms = (cpu1.get(name) ?? 0) - (cpu0.get(name) ?? 0);
      total += ms;
      console.log(`${name.padEnd(12)}${pad(f1(ms / contacts), 10)}   (${(ms / 1000).toFixed(1)} s)`);
    }
    console.log(`${'total'.padEnd(12)}${pad(f1(total / contacts), 10)}   (goal <= 100)`);
    console.log('(the no-op worker and this process are not counted)');
    if (workers > 1) {
      const split = [...roots].filter(([n]) => n.startsWith('worker')).map(([n]) => `${n} ${(((cpu1.get(n) ?? 0) - (cpu0.get(n) ?? 0)) / 1000).toFixed(1)} s`);
      console.log(`worker CPU split: ${split.join(', ')}`);
    }
    console.log('');
    console.log(`${'call'.padEnd(34)}${pad('n', 7)}${pad('p50 ms', 10)}${pad('p95 ms', 10)}${pad('p99 ms', 10)}`);
    for (const kind of [...samples.keys()].sort()) {
      const s = stats(kind);
      console.log(`${kind.padEnd(34)}${pad(s.n, 7)}${pad(f1(s.p50), 10)}${pad(f1(s.p95), 10)}${pad(f1(s.p99), 10)}`);
    }
    for (const [kind, list] of failures) console.log(`failed ${kind}: ${list.length}, e.g. ${list[0]}`);
    console.log('');
    const create = stats('POST /contacts');
    const floor = stats('no-op update-with-start');
    const escalate = stats('POST /contacts/:id/escalate');
    const missed = stats('POST /contacts/:id/missed-call');
    const resolve = stats('POST /contacts/:id/resolve');
    console.log(`ratio POST /contacts p99 / no-op update-with-start p99: ${(create.p99 / floor.p99).toFixed(2)} (goal <= 2)`);
    console.log(`ratio /escalate p50 / /resolve p50: ${(escalate.p50 / resolve.p50).toFixed(2)} (goal <= 1.5)`);
    console.log(`ratio /missed-call p50 / /resolve p50: ${(missed.p50 / resolve.p50).toFixed(2)}`);
    console.log(`worker RSS after the day: ${workerRss.join(', ')} (goal < 400 MB)`);
    console.log(`mails captured: ${smtp.messages.length}`);
    // What the server stores and dispatches per contact: history events and workflow tasks.
    for (const [outcome, ids] of sampled) {
      const parts: string[] = [];
      for (const id of ids) {
        const history = await client.workflow.getHandle(id).fetchHistory();
        const events = history.events ?? [];
        const tasks = events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
        const markers = events.filter((e) => e.markerRecordedEventAttributes).length;
        parts.push(`${id.split(':')[0]} ${events.length} events, ${tasks} workflow tasks, ${markers} local activities`);
      }
      console.log(`history of a ${outcome} contact: ${parts.join('; ')}`);
    }
    void noopWorker;
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
}

if (process.argv[2] === '--noop-worker') {
  noopWorkerMain(process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
