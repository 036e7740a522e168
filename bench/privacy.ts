/**
 * Benchmark of the privacy features: `npm run bench:privacy`.
 *
 * Starts its own embedded PostgreSQL in a temporary directory, migrates it and loads 300,000
 * synthetic contacts (with their history rows) of 100,000 citizens. Prints, as medians of warm runs:
 * - finding a person (the erasure's and export's lookup) with the expression indexes and without
 *   them (dropped for the measure), and their ratio;
 * - the audit of a read: one insert of the 100 entries of a list page, against reading that page,
 *   and their ratio (what auditing adds to a list request).
 * - one erasure of a person with 3 contacts, end to end.
 */
import { medianOfWarmRuns, startBenchDatabase } from './support';
import { performance } from 'node:perf_hooks';
import { type Db } from '../infra/db';
import { createPrivacyStore } from '../infra/stores/privacy';
import { createAuditStore } from '../infra/stores/audit';
import { createContactStore } from '../infra/stores/contacts';
import { sqlNormalizedPhone } from '../domain/privacy';

const CONTACTS = 300_000;
const PEOPLE = 100_000;
const RUNS = 9;

const time = (fn: () => Promise<unknown>): Promise<number> => medianOfWarmRuns(fn, RUNS);

async function load(db: Db): Promise<void> {
  await db.raw(
    `insert into contacts (id, version, service, channel, status, caller, reason, answer, resolution, created_at, queued_at, resolved_at, updated_at)
     select 'C-' || i, 2, 'MCTC', 'phone', 'resolved',
            jsonb_build_object('surname', 'Cognome' || (i % ?), 'name', 'Nome', 'email', 'persona' || (i % ?) || '@example.org', 'phone', '+39 333 ' || lpad((i % ?)::text, 7, '0')),
            'Domanda ' || i, 'Risposta ' || i, 'first_level',
            now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval + interval '5 minutes', now()
       from generate_series(1, ?) as i`,
    [PEOPLE, PEOPLE, PEOPLE, CONTACTS],
  );
  await db.raw(
    `insert into history (entity_type, entity_id, seq, action, actor_name, actor_role, at, payload)
     select 'contact', 'C-' || i, s, case s when 1 then 'opened' else 'resolved' end, 'Sportello', 'operator', now(), jsonb_build_object('answer', 'Risposta ' || i)
       from generate_series(1, ?) as i, generate_series(1, 2) as s`,
    [CONTACTS],
  );
  await db.raw('analyze');
}

async function main(): Promise<void> {
  const { db, stop } = await startBenchDatabase('privacy');
  try {
    const t0 = performance.now();
    await load(db);
    console.log(`privacy benchmark: ${CONTACTS.toLocaleString('en')} contacts of ${PEOPLE.toLocaleString('en')} people (loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s), median of ${RUNS} warm runs`);
    const privacy = createPrivacyStore(db);

    const subject = { kind: 'email' as const, value: 'Persona4242@example.org' };
    const found = await privacy.findRecords(subject);
    if (found.ids.contacts.length !== CONTACTS / PEOPLE) throw new Error(`expected ${CONTACTS / PEOPLE} contacts, found ${found.ids.contacts.length}`);
    const indexed = await time(() => privacy.findRecords(subject));
    await db.raw('drop index contacts_caller_email_idx, contacts_caller_phone_idx');
    const scanned = await time(() => privacy.findRecords(subject));
    await db.raw(`create index contacts_caller_email_idx on contacts ((lower(caller->>'email')))`);
    await db.raw(`create index contacts_caller_phone_idx on contacts ((${sqlNormalizedPhone(`caller->>'phone'`)}))`);
    console.log(`find a person: ${indexed.toFixed(1)} ms with the indexes, ${scanned.toFixed(1)} ms without; ratio ${(scanned / indexed).toFixed(1)}`);

    const contacts = createContactStore(db);
    const audit = createAuditStore(db);
    const page = await contacts.list({ status: 'resolved', limit: 100, offset: 0 });
    const entries = page.map((c) => ({ keyId: '1', keyName: 'Sportello', keyRole: 'operator', keyOffice: null, action: 'read' as const, entityType: 'contact', entityId: c.id, method: 'GET', path: '/api/v1/contacts' }));
    const readMs = await time(() => contacts.list({ status: 'resolved', limit: 100, offset: 0 }));
    const auditMs = await time(() => audit.record(entries));
    const oneRead = await time(() => contacts.get(page[0].id));
    const oneAudit = await time(() => audit.record(entries.slice(0, 1)));
    console.log(`audit of a list page (100 records): ${auditMs.toFixed(2)} ms vs reading the page ${readMs.toFixed(2)} ms; ratio ${(auditMs / readMs).toFixed(2)}`);
    console.log(`audit of one record: ${oneAudit.toFixed(2)} ms vs reading it ${oneRead.toFixed(2)} ms; ratio ${(oneAudit / oneRead).toFixed(2)}`);

    const e0 = performance.now();
    const erased = await privacy.erase({ kind: 'email', value: 'persona777@example.org' });
    console.log(`one erasure (${erased.contacts} contacts, ${erased.history} history rows): ${(performance.now() - e0).toFixed(1)} ms`);
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
