/**
 * The search store's two ways of reading a tier (infra/stores/search.ts): a tier with few matches
 * is read whole through its own index, a frequent one walked along `at`. Whatever the way (a tiny
 * probe cap forces the walk on a few rows), the answer is the plain definition: key hits, then
 * names, then text, a record in its best tier only, newest first within a tier, paged; an office
 * finds only its own office's escalations, missed calls and appointments. Records are written to
 * the projection tables; the database triggers make the search entries.
 */
import type { Db } from '../../infra/db';
import { createSearchStore, OFFICE_KINDS, searchArms, SEARCH_KINDS, type SearchItem, type SearchKind, type SearchQuery } from '../../infra/stores/search';
import { createTestDb, TestDb } from '../support/harness';

jest.setTimeout(60_000);

let testDb: TestDb;
let db: Db;

const SURNAMES = ['Rossi', 'Rossetti', 'Bianchi'];
const N = 48;

beforeAll(async () => {
  testDb = await createTestDb();
  db = testDb.db;
  // Times shuffled against the insertion order, all distinct, so "newest first" is the store's work.
  await db.raw(`
    insert into contacts (id, version, service, channel, status, caller, reason, category, created_at, queued_at, updated_at)
    select 'CON-T-' || lpad(i::text, 3, '0'), 1, 'MCTC', 'phone', 'triage',
           jsonb_build_object('surname', (?::text[])[1 + i % 3], 'name', case when i % 2 = 0 then 'Mario' else 'Anna' end,
                              'email', 'persona' || (i % 10) || '@example.org', 'phone', '+39 347 555 ' || lpad((i % 7)::text, 4, '0')),
           case when i = 7 then 'Chiama per conto della vicina Rossi'
                when i = 9 then 'Il signor Rossi chiede del rinnovo della patente'
                when i % 5 = 0 then 'Chiede del rinnovo della patente' else 'Informazioni sugli orari' end,
           null, at, at, at
      from (select i, timestamptz '2026-01-01' + ((i * 17) % ${N}) * interval '1 hour' as at from generate_series(1, ${N}) as i) g`, [SURNAMES]);
  await db.raw(`
    insert into escalations (id, version, contact_id, service, office, status, note, take_charge_due_at, resolve_due_at, created_at, updated_at)
    select c.id || '-E1', 1, c.id, c.service, case when right(c.id, 1)::int % 2 = 0 then 'MCTC-VEICOLI' else 'MCTC-PATENTI' end, 'open',
           'Attende la patente', c.created_at + interval '1 day', c.created_at + interval '5 days', c.created_at + interval '1 minute', c.created_at
      from contacts c where right(c.id, 2)::int % 4 = 0`);
  await db.raw(`
    insert into missed_calls (id, version, contact_id, service, office, status, caller_surname, caller_name, call_at, person_sought, reason, callback_phone, callback_email, due_at, created_at, updated_at)
    select 'MC-' || c.id, 1, c.id, c.service, 'MCTC-PATENTI', 'open', c.caller->>'surname', c.caller->>'name', c.created_at, 'Il referente', c.reason,
           c.caller->>'phone', c.caller->>'email', c.created_at + interval '2 days', c.created_at + interval '2 minutes', c.created_at
      from contacts c where right(c.id, 2)::int % 6 = 1`);
});
afterAll(async () => {
  await testDb?.drop();
});

/** The plain definition of the answer: every entry's best tier, over the whole table. */
async function expected({ q, kinds, office, limit, offset }: SearchQuery): Promise<{ items: string[]; hasMore: boolean }> {
  const arms = searchArms(q);
  const keyArms = [
    ['ref', arms.ref],
    ['email', arms.email],
    ['phone', arms.phone],
    ['tax_code', arms.taxCode],
  ].filter((a): a is [string, string] => a[1] !== undefined);
  const keys = keyArms.map(([column]) => `${column} = ?`);
  const b: (string | string[])[] = keyArms.map(([, value]) => value);
  const names = arms.nameWords.length ? arms.nameWords.map(() => 'names like ?').join(' and ') : 'false';
  b.push(...arms.nameWords.map((w) => `%${w}%`));
  const text = arms.text !== undefined ? `doc @@ plainto_tsquery('italian', ?)` : 'false';
  if (arms.text !== undefined) b.push(arms.text);
  let allowed: readonly SearchKind[] = kinds ?? SEARCH_KINDS;
  if (office !== undefined) allowed = allowed.filter((k) => OFFICE_KINDS.includes(k));
  const { rows } = (await db.raw(
    `select kind, id from (
       select kind, id, at, case when coalesce(${keys.join(' or ') || 'false'}, false) then 0 when coalesce(${names}, false) then 1 when coalesce(${text}, false) then 2 end as tier
         from search_entries where kind = any(?::text[]) and (?::text is null or office = ?)) t
      where tier is not null order by tier, at desc, kind desc, id desc`,
    [...b, [...allowed], office ?? null, office ?? null],
  )) as { rows: { kind: string; id: string }[] };
  const all = rows.map((r) => `${r.kind}:${r.id}`);
  return { items: all.slice(offset, offset + limit), hasMore: all.length > offset + limit };
}

const refsOf = (found: { items: SearchItem[]; hasMore: boolean }) => ({ items: found.items.map((i) => `${i.kind}:${i.id}`), hasMore: found.hasMore });

describe('search store', () => {
  const queries = ['rossi', 'Ross', 'mario rossi', 'Rossetti', 'patente', 'rinnovo patente', 'persona3@example.org', '347 555 0003', 'con-t-007', 'bianchi anna', 'zzqqkk'];
  const filters: Pick<SearchQuery, 'kinds' | 'office'>[] = [{}, { office: 'MCTC-PATENTI' }, { office: 'MCTC-VEICOLI' }, { kinds: ['contact'] }, { kinds: ['escalation', 'missed-call'] }];
  const pages = [
    { limit: 5, offset: 0 },
    { limit: 5, offset: 5 },
    { limit: 3, offset: 14 },
    { limit: 100, offset: 0 },
  ];

  it('answers as the plain definition, whether a tier is read whole (few matches) or walked along `at` (many)', async () => {
    const stores = [createSearchStore(db), createSearchStore(db, { probeCap: () => 1 }), createSearchStore(db, { probeCap: () => 4 })];
    let compared = 0;
    for (const q of queries)
      for (const f of filters)
        for (const p of pages) {
          const query = { q, ...f, ...p };
          const want = await expected(query);
          for (const store of stores) expect({ query, ...refsOf(await store.search(query)) }).toEqual({ query, ...want });
          if (want.items.length > 0) compared++;
        }
    // Not a comparison of empty answers.
    expect(compared).toBeGreaterThan(100);
  });

  it('ranks names before text, newest first, a record once in its best tier, on either path', async () => {
    for (const probeCap of [() => 1, () => 10_000]) {
      const store = createSearchStore(db, { probeCap });
      const { items } = await store.search({ q: 'rossi', limit: 100, offset: 0 });
      // The Rossis by name ('Rossetti' holds no 'rossi'), newest first, before any text hit.
      const byName = items.filter((i) => i.title.startsWith('Rossi '));
      expect(items.slice(0, byName.length)).toEqual(byName);
      expect(byName.length).toBeGreaterThan(10);
      const times = byName.map((i) => Date.parse(i.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // The neighbour who named a Rossi: a text hit, last; the Rossi whose text says Rossi too: once, by name.
      expect(items.at(-1)?.id).toBe('CON-T-007');
      expect(items.filter((i) => i.id === 'CON-T-009')).toHaveLength(1);
      expect(items.map((i) => `${i.kind}:${i.id}`)).toEqual([...new Set(items.map((i) => `${i.kind}:${i.id}`))]);
    }
  });

  it('an office finds only its own records, on either path', async () => {
    for (const probeCap of [() => 1, () => 10_000]) {
      const store = createSearchStore(db, { probeCap });
      for (const office of ['MCTC-PATENTI', 'MCTC-VEICOLI']) {
        for (const q of ['rossi', 'patente', 'persona4@example.org', 'con-t-008-e1']) {
          const { items } = await store.search({ q, office, limit: 100, offset: 0 });
          for (const item of items) {
            expect(OFFICE_KINDS).toContain(item.kind);
            expect(item.office).toBe(office);
          }
        }
      }
      expect((await store.search({ q: 'con-t-008-e1', office: 'MCTC-VEICOLI', limit: 5, offset: 0 })).items.map((i) => i.id)).toEqual(['CON-T-008-E1']);
      expect((await store.search({ q: 'con-t-008-e1', office: 'MCTC-PATENTI', limit: 5, offset: 0 })).items).toEqual([]);
    }
  });
});
