/**
 * The "no email lost" fault scenario, shared by test/e2e/email-crash.test.ts (200 emails) and
 * bench/email-crash.ts (1,000): citizens' email contacts are opened and answered through the HTTP
 * API while a real worker process is killed with SIGKILL and restarted several times and the mail
 * relay is cut once. It reports what reached the relay, what was lost, and the copies the relay
 * recognised by Message-ID and dropped.
 */
import { killHard, startWorkerProcess } from './spawn-worker';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Db } from '../../infra/db';
import { startSmtpSink, SmtpSinkHandle } from '../../infra/smtp-sink';
import { createApiKeyStore } from '../../infra/stores/api-keys';

export interface EmailCrashOptions {
  emails: number;
  kills: number;
  /** Requests in flight at once. */
  concurrency: number;
  app: express.Express;
  db: Db;
  /** Environment of the worker processes: DATABASE_URL, TEMPORAL_*, WORKFLOW_BUNDLE_FILE... (SMTP_URL is set here). */
  workerEnv: Record<string, string>;
  /** Where the relay keeps one .eml per Message-ID (it survives the relay's restart). */
  mailDir: string;
  smtpPort: number;
  /** How long to wait, after the burst, for every email to be confirmed. */
  settleTimeoutMs: number;
  /**
   * 'cold': the replacement starts after the kill, as a supervisor restarts a crashed process.
   * 'standby': it is started (and polling) before the kill, so a slow machine does not spend the
   * test's time on process starts; the killed worker's tasks are lost the same way.
   */
  restart: 'cold' | 'standby';
  log?: (msg: string) => void;
}

export interface EmailCrashFigures {
  logical: number;
  /** Distinct logical emails the relay holds (one .eml per Message-ID). */
  delivered: number;
  lost: number;
  /** Copies the relay recognised by an already received Message-ID and dropped. */
  copiesDropped: number;
  /** Message-IDs of those copies that the product had NOT recorded as in doubt (must be none). */
  copiesNotInDoubt: string[];
  /** Emails the product recorded as possibly sent twice. */
  recordedInDoubt: number;
  /** Emails still not confirmed sent in `sent_emails` when the scenario ended. */
  unconfirmed: number;
  kills: number;
  relayCuts: number;
  workerStarts: number;
  seconds: number;
  /** Seconds from the last kill until every email was confirmed. */
  drainSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export async function runEmailCrashScenario(o: EmailCrashOptions): Promise<EmailCrashFigures> {
  const started = performance.now();
  const log = (msg: string) => o.log?.(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}`);
  const tag = Date.now().toString(36);
  const recipient = (i: number) => `cittadino-${tag}-${i}@example.org`;
  const sinks: SmtpSinkHandle[] = [await startSmtpSink({ port: o.smtpPort, dir: o.mailDir })];
  const workerEnv = { ...o.workerEnv, SMTP_URL: `smtp://127.0.0.1:${o.smtpPort}` };
  let worker = await startWorkerProcess(workerEnv);
  let workerStarts = 1;
  log('worker 1 ready');
  const server = o.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  const { key } = await createApiKeyStore(o.db).create({ name: 'crash test operator', role: 'operator' });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  const t0 = performance.now();
  let answered = 0;
  let kills = 0;
  let relayCuts = 0;
  let lastKillAt = t0;
  try {
    /** A citizen writes; the operator answers at first level; the workflow emails the answer. */
    const openAndAnswer = async (i: number) => {
      let id: string | undefined;
      for (let attempt = 0; !id; attempt++) {
        const res = await post('/contacts', { service: 'MCTC', channel: 'email', caller: { email: recipient(i) }, reason: `Richiesta ${i}` }, { 'Idempotency-Key': `crash-${tag}-${i}` });
        if (res.ok) id = ((await res.json()) as { id: string }).id;
        else if (res.status < 500 || attempt > 20) throw new Error(`POST /contacts answered ${res.status}: ${await res.text()}`);
        else await sleep(500);
      }
      for (let attempt = 0; ; attempt++) {
        const res = await post(`/contacts/${id}/resolve`, { answer: `Risposta alla richiesta ${i}.` });
        // 409: an earlier try of this request was applied before its answer was lost.
        if (res.ok || (res.status === 409 && attempt > 0)) break;
        if (res.status < 500 || attempt > 20) throw new Error(`POST /contacts/${id}/resolve answered ${res.status}: ${await res.text()}`);
        await sleep(500);
      }
      answered++;
    };
    let next = 0;
    const burst = Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < o.emails) await openAndAnswer(next++);
      }),
    );
    let burstDone = false;
    void burst.then(
      () => (burstDone = true),
      () => (burstDone = true),
    );

    // Kills spread over the burst; the relay is cut once, after the second kill.
    for (let k = 1; k <= o.kills; k++) {
      const due = Math.floor((k * o.emails) / (o.kills + 1));
      while (answered < due && !burstDone) await sleep(50);
      const standby = o.restart === 'standby' ? await startWorkerProcess(workerEnv) : undefined;
      await killHard(worker);
      kills++;
      lastKillAt = performance.now();
      log(`kill ${k}: worker SIGKILLed after ${answered} answers`);
      if (k === 2) {
        await sinks[sinks.length - 1].stop();
        relayCuts++;
        log('relay cut');
        await sleep(1500);
        sinks.push(await startSmtpSink({ port: o.smtpPort, dir: o.mailDir }));
        log('relay back');
      }
      worker = standby ?? (await startWorkerProcess(workerEnv));
      workerStarts++;
      log(`worker ${workerStarts} polling, ${((performance.now() - lastKillAt) / 1000).toFixed(1)} s after the kill`);
    }
    await burst;
    log(`burst done: ${answered} answers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const unsent = async () =>
      Number((await o.db('sent_emails').where({ template: 'contact-answer' }).whereNot({ status: 'sent' }).count({ n: '*' }))[0].n) +
      (o.emails - Number((await o.db('sent_emails').where({ template: 'contact-answer' }).count({ n: '*' }))[0].n));
    const deadline = performance.now() + o.settleTimeoutMs;
    for (let n = await unsent(), i = 0; n > 0 && performance.now() < deadline; n = await unsent(), i++) {
      if (i % 20 === 0) log(`${n} emails not yet confirmed`);
      await sleep(250);
    }
    const drainSeconds = (performance.now() - lastKillAt) / 1000;
    const seconds = (performance.now() - t0) / 1000;
    await sleep(300); // a copy still in flight to the relay

    const received = new Set(sinks.flatMap((s) => s.messages).flatMap((m) => m.envelope.to));
    let lost = 0;
    for (let i = 0; i < o.emails; i++) if (!received.has(recipient(i))) lost++;
    const inDoubtIds = new Set((await o.db('sent_emails').where({ in_doubt: true }).select('message_id')).map((r) => r.message_id as string));
    const copies = new Map<string, number>();
    for (const s of sinks) for (const [id, n] of s.duplicates) copies.set(id, (copies.get(id) ?? 0) + n);
    return {
      logical: o.emails,
      delivered: readdirSync(o.mailDir).filter((f) => f.endsWith('.eml')).length,
      lost,
      copiesDropped: [...copies.values()].reduce((a, b) => a + b, 0),
      copiesNotInDoubt: [...copies.keys()].filter((id) => !inDoubtIds.has(id)),
      recordedInDoubt: inDoubtIds.size,
      unconfirmed: await unsent(),
      kills,
      relayCuts,
      workerStarts,
      seconds,
      drainSeconds,
    };
  } finally {
    await killHard(worker);
    await new Promise((r) => server.close(r));
    for (const s of sinks) await s.stop().catch(() => undefined);
  }
}
