/**
 * Benchmark of the monthly SLA report: `npm run bench:sla-report`.
 *
 * Starts its own embedded PostgreSQL in a temporary directory, migrates it, loads 100,000 and then
 * 1,000,000 synthetic call records of one service in one month (plus the contacts linked to about a
 * third of them), and prints the report's time, a bare `count(*)` over the same rows and their
 * ratio. The contract asks for the report over 1,000,000 records in under 1 s: the process exits
 * with code 1 when it is slower.
 */
import { medianOfWarmRuns, startBenchDatabase } from './support';
import { performance } from 'node:perf_hooks';
import { type Db } from '../infra/db';
import { serviceSchema } from '../domain/catalog';
import { businessCalendar } from '../domain/business-calendar';
import { monthBounds, openIntervals } from '../domain/sla';
import { serviceSlaReport } from '../reports/sla';
import { createCallStore } from '../infra/stores/calls';

const MONTH = '2026-03'; // 22 business days and the switch to summer time on the 29th
const SIZES = [100_000, 1_000_000];
const RUNS = 7;
const LIMIT_MS = 1000;

const service = serviceSchema.parse({
  code: 'BENCH',
  name: 'Servizio di prova',
  calendar: { zone: 'Europe/Rome', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }], holidays: { country: 'IT' } },
  mailboxes: { sector: 'settore@example.org', supervisor: 'supervisore@example.org' },
  offices: [{ code: 'BENCH-UFFICIO', name: 'Ufficio', mailbox: 'ufficio@example.org' }],
  defaultOffice: 'BENCH-UFFICIO',
});


/**
 * `n` calls: 90 % inside the window (a random business day, a random instant between its opening
 * and closing), 10 % anywhere in the month; 93 % answered after 1-26 s, the rest hung up after
 * 0-40 s. A third of the calls get a contact, 80 % of those resolved at first level.
 */
const CALLS_SQL = `
  insert into calls (call_id, service, registered_at, answered_at, ended_at, ivr_code)
  select 'CDR-' || lpad(i::text, 8, '0'), ?, reg,
         case when outcome < 0.93 then reg + wait end,
         case when outcome < 0.93 then reg + wait + talk else reg + hangup end,
         case when outcome < 0.2 then '1' end
    from (
      select i, outcome,
             case when placement < 0.9 then w.lo + (w.hi - w.lo) * offset_in
                  else ?::timestamptz + (?::timestamptz - ?::timestamptz) * offset_in end as reg,
             make_interval(secs => 1 + x * 25) as wait,
             make_interval(secs => 60 + x * 540) as talk,
             make_interval(secs => x * 40) as hangup
        from (select i, random() as outcome, random() as placement, 1 + floor(random() * ?)::int as k, random() as offset_in, random() as x
                from generate_series(1, ?) as i) as r
        join (select * from unnest(?::timestamptz[], ?::timestamptz[]) with ordinality as u(lo, hi, k)) as w using (k)
    ) as g`;

// Inserted after the calls: the contacts trigger sets calls.first_level_resolved, as in production.
const CONTACTS_SQL = `
  insert into contacts (id, version, service, channel, status, call_id, reason, resolution, created_at, queued_at, resolved_at, updated_at)
  select 'C-' || call_id, 1, service, 'phone', 'resolved', call_id, 'richiesta informazioni',
         case when random() < 0.8 then 'first_level' else 'back_office' end,
         registered_at, registered_at, ended_at, ended_at
    from calls where random() < 0.33`;

async function load(db: Db, n: number): Promise<void> {
  const { start, end } = monthBounds(MONTH, service.calendar.zone);
  const windows = openIntervals(businessCalendar(service.calendar), start, end);
  const iso = (t: number) => new Date(t).toISOString();
  await db.raw('truncate calls, contacts');
  // One connection for the whole load, so that setseed gives the same data on every run.
  await db.transaction(async (trx) => {
    await trx.raw('select setseed(0.42)');
    await trx.raw(CALLS_SQL, [
      service.code,
      iso(start),
      iso(end),
      iso(start),
      windows.length,
      n,
      `{${windows.map(([lo]) => iso(lo)).join(',')}}`,
      `{${windows.map(([, hi]) => iso(hi)).join(',')}}`,
    ]);
    await trx.raw(CONTACTS_SQL);
  });
  await db.raw('vacuum analyze calls');
  await db.raw('vacuum analyze contacts');
}

/** Answered in-window calls with a first-level contact, by a plain join: checks the denormalised flag. */
async function firstLevelByJoin(db: Db): Promise<number> {
  const { start, end } = monthBounds(MONTH, service.calendar.zone);
  const windows = openIntervals(businessCalendar(service.calendar), start, end);
  const result = await db.raw(
    `select count(*) as n from calls c
      where c.answered_at is not null
        and exists (select 1 from unnest(?::timestamptz[], ?::timestamptz[]) as w(lo, hi) where c.registered_at >= w.lo and c.registered_at < w.hi)
        and exists (select 1 from contacts k where k.call_id = c.call_id and k.resolution in ('first_level', 'auto'))`,
    [`{${windows.map(([lo]) => new Date(lo).toISOString()).join(',')}}`, `{${windows.map(([, hi]) => new Date(hi).toISOString()).join(',')}}`],
  );
  return Number(result.rows[0].n);
}

const time = (fn: () => Promise<unknown>): Promise<number> => medianOfWarmRuns(fn, RUNS);

async function main(): Promise<void> {
  const { db, stop } = await startBenchDatabase('sla');
  let slow = false;
  try {
    console.log(`SLA report benchmark: service ${service.code}, month ${MONTH}, median of ${RUNS} warm runs`);
    for (const n of SIZES) {
      const t0 = performance.now();
      await load(db, n);
      const loadMs = performance.now() - t0;
      const report = await serviceSlaReport(createCallStore(db), service, MONTH);
      const reportMs = await time(() => serviceSlaReport(createCallStore(db), service, MONTH));
      const countMs = await time(() => db.raw('select count(*) from calls'));
      const c = report.calls;
      console.log(
        `${n.toLocaleString('en')} calls (loaded in ${(loadMs / 1000).toFixed(1)} s): ` +
          `in window ${c.registered.toLocaleString('en')} (answered ${c.answered}, abandoned ${c.abandoned}, short ${c.shortAbandoned}), out of window ${c.outOfWindow}; ` +
          `Tm ${report.answerTimeAvgSec} s, P ${report.abandonedPct} %, Q ${report.firstLevelResolvedPct} %`,
      );
      const joined = await firstLevelByJoin(db);
      if (joined !== c.firstLevelResolved) throw new Error(`first-level count ${c.firstLevelResolved} differs from the join's ${joined}`);
      console.log(`  report ${reportMs.toFixed(1)} ms, count(*) ${countMs.toFixed(1)} ms, ratio ${(reportMs / countMs).toFixed(2)}`);
      if (n >= 1_000_000 && reportMs >= LIMIT_MS) slow = true;
    }
    console.log(slow ? `FAIL: the report over 1,000,000 calls took ${LIMIT_MS} ms or more` : `OK: under ${LIMIT_MS} ms at 1,000,000 calls`);
  } finally {
    await stop();
  }
  if (slow) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
