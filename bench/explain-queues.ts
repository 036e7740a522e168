/**
 * Do the indexes serve every queue and list query? `npm run bench:explain-queues`.
 *
 * Starts its own embedded PostgreSQL in a temporary directory, migrates it, seeds 300,000 contacts
 * (20 % escalated, 5 % with a missed-call form) and 100,000 renewals, runs ANALYZE, then runs each
 * list query exactly as the stores build it (captured from knex) under EXPLAIN. It prints every plan
 * and exits with code 1 when a plan reads a queue's table without an index (a sequential scan).
 * Env: BENCH_EXPLAIN_CONTACTS (300000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { freePort } from '../infra/ports';
import { createDb, migrateLatest, type Db } from '../infra/db';
import { createContactStore } from '../infra/stores/contacts';
import { createMissedCallStore } from '../infra/stores/missed-calls';
import { createRenewalStore } from '../infra/stores/renewals';

const CONTACTS = Number(process.env.BENCH_EXPLAIN_CONTACTS ?? 300_000);
const RENEWALS = 100_000;
const PAGE = { limit: 50, offset: 0 };

async function seed(db: Db): Promise<void> {
  // 5 services, 6 offices each; statuses as in a working day with a backlog.
  await db.raw(
    `insert into contacts (id, version, service, channel, status, caller, reason, office, escalation_id, created_at, queued_at, resolved_at, updated_at)
     select 'CON-2026-' || lpad(i::text, 7, '0'), 1, 'S' || (i % 5), 'phone',
            case when i % 20 < 15 then (case when i % 7 = 0 then 'triage' else 'resolved' end) when i % 20 < 19 then 'escalated' else 'resolved' end,
            '{}'::jsonb, 'motivo',
            case when i % 20 between 15 and 18 then 'S' || (i % 5) || '-U' || (i % 6) end,
            case when i % 20 between 15 and 18 then 'ESC-' || i end,
            t, t, case when i % 7 <> 0 then t + interval '10 minutes' end, t
       from generate_series(1, ?) as i, lateral (select timestamptz '2026-01-01' + make_interval(secs => i * 60)) as x(t)`,
    [CONTACTS],
  );
  await db.raw(
    `insert into escalations (id, version, contact_id, service, office, status, take_charge_due_at, resolve_due_at, created_at, updated_at)
     select escalation_id, 1, id, service, office,
            (array['open','in_charge','resolved','returned'])[1 + (row_number() over () % 4)::int],
            created_at + interval '1 day', created_at + interval '5 days', created_at, created_at
       from contacts where escalation_id is not null`,
  );
  await db.raw(
    `insert into missed_calls (id, version, contact_id, service, office, status, caller_surname, caller_name, call_at, person_sought, reason, callback_phone, due_at, created_at, updated_at)
     select 'MC-' || id, 1, id, service, service || '-U' || (right(id, 3)::int % 6), case when random() < 0.2 then 'open' else 'closed' end,
            'x', 'y', created_at, 'z', 'r', '0', created_at + interval '2 days', created_at, created_at
       from contacts where right(id, 2)::int % 20 = 19`,
  );
  await db.raw(
    `insert into renewals (id, version, service, surname, name, tax_code, job_type, job_centre, status, created_at, updated_at)
     select 'REN-' || i, 1, 'ADL', 'Rossi', 'Mario', 'TAX' || lpad(i::text, 13, '0'), 'JOB' || (i % 10), 'CPI-' || (i % 6),
            (array['pending','confirmed','cancelled'])[1 + i % 3], t, t
       from generate_series(1, ?) as i, lateral (select timestamptz '2026-01-01' + make_interval(secs => i * 90)) as x(t)`,
    [RENEWALS],
  );
  await db.raw('analyze');
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-explain-'));
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), database: 'bench' });
  const db = createDb(pg.url);
  let failures = 0;
  try {
    await migrateLatest(db);
    const t0 = Date.now();
    await seed(db);
    const count = async (t: string) => Number((await db(t).count({ n: '*' }))[0].n);
    console.log(
      `seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${await count('contacts')} contacts, ${await count('escalations')} escalations, ${await count('missed_calls')} missed calls, ${await count('renewals')} renewals`,
    );

    const pgClient = new Client({ connectionString: pg.url });
    await pgClient.connect();
    const contacts = createContactStore(db);
    const missedCalls = createMissedCallStore(db);
    const renewals = createRenewalStore(db);
    const cases: [string, string, () => Promise<unknown>][] = [
      ['GET /contacts?status=triage&service=S1', 'contacts', () => contacts.list({ status: 'triage', service: 'S1', ...PAGE })],
      ['GET /contacts?status=triage', 'contacts', () => contacts.list({ status: 'triage', ...PAGE })],
      ['GET /contacts?service=S1', 'contacts', () => contacts.list({ service: 'S1', ...PAGE })],
      ['GET /contacts', 'contacts', () => contacts.list({ ...PAGE })],
      ['GET /escalations?office=S1-U2&status=open', 'escalations', () => contacts.listEscalations({ office: 'S1-U2', status: 'open', ...PAGE })],
      ['GET /escalations?office=S1-U2', 'escalations', () => contacts.listEscalations({ office: 'S1-U2', ...PAGE })],
      ['GET /escalations?status=open', 'escalations', () => contacts.listEscalations({ status: 'open', ...PAGE })],
      ['GET /escalations', 'escalations', () => contacts.listEscalations({ ...PAGE })],
      ['GET /contacts/:id (its escalations)', 'escalations', () => contacts.listEscalations({ contactId: 'CON-2026-0000015', limit: 100, offset: 0 })],
      ['GET /missed-calls?office=S4-U1&status=open', 'missed_calls', () => missedCalls.list({ office: 'S4-U1', status: 'open', ...PAGE })],
      ['GET /missed-calls?office=S4-U1', 'missed_calls', () => missedCalls.list({ office: 'S4-U1', ...PAGE })],
      ['GET /missed-calls?status=open', 'missed_calls', () => missedCalls.list({ status: 'open', ...PAGE })],
      ['GET /missed-calls', 'missed_calls', () => missedCalls.list({ ...PAGE })],
      ['GET /renewals', 'renewals', () => renewals.list({ ...PAGE })],
      ['GET /renewals?status=pending', 'renewals', () => renewals.list({ status: 'pending', ...PAGE })],
      ['GET /renewals?jobCentre=CPI-1', 'renewals', () => renewals.list({ jobCentre: 'CPI-1', ...PAGE })],
    ];

    for (const [name, table, run] of cases) {
      // The store builds and runs its query; we capture it and explain the page read (not the count).
      const captured: { sql: string; bindings: unknown[] }[] = [];
      const onQuery = (q: { sql: string; bindings?: unknown[] }) => captured.push({ sql: q.sql, bindings: [...(q.bindings ?? [])] });
      db.on('query', onQuery);
      await run();
      db.off('query', onQuery);
      const page = captured.find((q) => /order by/i.test(q.sql));
      if (!page) throw new Error(`${name}: no ordered query captured`);
      // Captured in PostgreSQL's own $n form: run through pg directly.
      const explainJson = await pgClient.query(`explain (format json) ${page.sql}`, page.bindings);
      const plan = explainJson.rows[0]['QUERY PLAN'][0].Plan as PlanNode;
      const onTable = nodes(plan).filter((n) => n['Relation Name'] === table);
      const seqScan = onTable.some((n) => n['Node Type'] === 'Seq Scan');
      const indexes = onTable.filter((n) => n['Index Name']).map((n) => n['Index Name']);
      const ok = !seqScan && indexes.length > 0;
      if (!ok) failures++;
      const text = await pgClient.query(`explain (analyze, costs off, timing on, summary on) ${page.sql}`, page.bindings);
      console.log(`\n${ok ? 'OK  ' : 'FAIL'} ${name}: ${seqScan ? 'sequential scan of ' + table : 'index ' + indexes.join(', ')}`);
      for (const row of text.rows as { 'QUERY PLAN': string }[]) console.log(`     ${row['QUERY PLAN']}`);
    }
    await pgClient.end();
    console.log(`\n${cases.length - failures}/${cases.length} list queries read their table through an index`);
  } finally {
    await db.destroy();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures > 0) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
