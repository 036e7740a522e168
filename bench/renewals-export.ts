/**
 * Benchmark of the daily renewals export: one job centre's day with 10,000 and with 100,000 actions,
 * read through the cursor, written as CSV and XLSX and emailed to an SMTP sink.
 *
 * Prints rows per second and peak RSS for each size and their ratios. Each size runs in a fresh
 * child process, so its peak RSS is its own. Starts its own embedded PostgreSQL (in a temporary
 * directory) and SMTP sink; nothing else is needed: `npx tsx bench/renewals-export.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { startSmtpSink } from '../infra/smtp-sink';
import { freePort } from '../infra/ports';
import { createDb, migrateLatest } from '../infra/db';
import { createMailer } from '../infra/mailer';
import { loadCatalogFile } from '../infra/catalog-file';
import { createSentEmailStore } from '../infra/stores/sent-emails';
import { exportToCentre, openRun } from '../activities/export';
import { startOfLocalDate } from '../domain/renewals';

const ZONE = 'Europe/Rome';
const CENTRE = { code: 'CPI-TRENTO', name: "Centro per l'Impiego di Trento", mailbox: 'cpi.trento@example.org' };
const SIZES = [
  { rows: 10_000, date: '2026-03-10' },
  { rows: 100_000, date: '2026-03-11' },
];

interface ChildResult {
  rows: number;
  seconds: number;
  baselineRssMb: number;
  peakRssMb: number;
  csvMb: number;
}


/** One day of `rows` insertions for the centre, spread over the local day. */
async function seed(db: ReturnType<typeof createDb>, date: string, rows: number): Promise<void> {
  const start = new Date(startOfLocalDate(date, ZONE));
  const tag = date.replace(/-/g, '');
  await db.raw(
    `insert into renewals (id, version, service, surname, name, tax_code, birth_date, job_type, job_centre, phone, email, consent_to_publish, status, created_at, updated_at)
     select ?::text || '-' || i, 1, 'ADL', 'Cognome' || i, 'Nome', 'BENCH' || ?::text || lpad(i::text, 7, '0'), date '1980-01-01' + (i % 9000),
            'Custode', ?, '0461 ' || lpad(i::text, 6, '0'), 'persona' || i || '@example.org', i % 2 = 0, 'pending', ?::timestamptz, ?::timestamptz
     from generate_series(1, ?) as i`,
    [tag, tag, CENTRE.code, start, start, rows],
  );
  await db.raw(
    `insert into history (entity_type, entity_id, seq, action, actor_name, actor_role, at, payload)
     select 'renewal', ?::text || '-' || i, 1, 'inserted', 'Operatore', 'operator', ?::timestamptz + (i * (86000.0 / ?)) * interval '1 second', '{}'
     from generate_series(1, ?) as i`,
    [tag, start, rows, rows],
  );
}

/** Child process: exports one day and reports its time and peak RSS. */
async function child(args: { databaseUrl: string; smtpUrl: string; date: string }): Promise<void> {
  const db = createDb(args.databaseUrl, { max: 2 });
  const mailer = createMailer(args.smtpUrl, 'Contact Center <noreply@contact-center.example.org>');
  const catalog = loadCatalogFile();
  const deps = { db, mailer, sentEmails: createSentEmailStore(db), catalog, sendEmpty: true };
  const baseline = process.memoryUsage().rss;
  const t0 = performance.now();
  const run = await openRun(deps, { date: args.date, service: 'ADL', trigger: 'manual', requestedBy: 'bench', workflowId: `bench:${args.date}`, runId: 'bench' });
  const result = await exportToCentre(deps, { date: args.date, service: 'ADL', zone: run.zone, periodStart: run.periodStart, periodEnd: run.periodEnd, centre: CENTRE });
  const seconds = (performance.now() - t0) / 1000;
  const out: ChildResult = {
    rows: result.rows,
    seconds,
    baselineRssMb: baseline / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    csvMb: 0,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  mailer.close();
  await db.destroy();
}

function runChild(args: { databaseUrl: string; smtpUrl: string; date: string }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [require.resolve('tsx/cli'), __filename, '--child', JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() as string) as ChildResult);
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-'));
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), database: 'bench' });
  const smtp = await startSmtpSink();
  const db = createDb(pg.url);
  try {
    await migrateLatest(db);
    for (const s of SIZES) await seed(db, s.date, s.rows);
    await db.raw('analyze');

    const results: ChildResult[] = [];
    for (const s of SIZES) {
      const r = await runChild({ databaseUrl: pg.url, smtpUrl: smtp.url, date: s.date });
      if (r.rows !== s.rows) throw new Error(`expected ${s.rows} rows, exported ${r.rows}`);
      const mail = await smtp.waitFor((m) => m.parsed.subject?.includes(s.date.slice(8, 10) === '10' ? '10 marzo' : '11 marzo') ?? false, 120_000);
      r.csvMb = (mail.parsed.attachments.find((a) => a.filename?.endsWith('.csv'))?.size ?? 0) / 2 ** 20;
      results.push(r);
    }

    const fmt = (n: number, d = 1) => n.toFixed(d).padStart(10);
    console.log('renewals export: one centre, CSV + XLSX, emailed');
    console.log(`${'rows'.padStart(10)}${'seconds'.padStart(10)}${'rows/s'.padStart(10)}${'base MB'.padStart(10)}${'peak MB'.padStart(10)}${'CSV MB'.padStart(10)}`);
    for (const r of results) console.log(`${String(r.rows).padStart(10)}${fmt(r.seconds, 2)}${fmt(r.rows / r.seconds, 0)}${fmt(r.baselineRssMb)}${fmt(r.peakRssMb)}${fmt(r.csvMb)}`);
    const [small, large] = results;
    console.log(`ratio 100k/10k: rows ${large.rows / small.rows}x, time ${(large.seconds / small.seconds).toFixed(2)}x, rows/s ${(large.rows / large.seconds / (small.rows / small.seconds)).toFixed(2)}x, peak RSS ${(large.peakRssMb / small.peakRssMb).toFixed(2)}x`);
  } finally {
    await db.destroy();
    await smtp.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(JSON.parse(process.argv[3])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
