/**
 * An erasure racing a transition, interleaved by hand (infra/stores/privacy.ts). The transition
 * creates an escalation of the person's contact and checks for erased records before the erasure
 * has marked anything; the erasure's first search cannot see the uncommitted escalation. The
 * erasure must still leave nothing of the person in the escalation or its history.
 */
import type { Db } from '../../infra/db';
import { createHistoryStore } from '../../infra/stores/history';
import { createPrivacyStore, keepErasedRecordsErased } from '../../infra/stores/privacy';
import { createTestDb, TestDb } from '../support/harness';

jest.setTimeout(60_000);

let testDb: TestDb;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDb();
  db = testDb.db;
});
afterAll(async () => {
  await testDb?.drop();
});

const person = { surname: 'Quarantotti', name: 'Ermenegilda', email: 'ermenegilda.q@example.org' };
const actor = { name: 'Operatore', role: 'operator' as const };

async function waitForAdvisoryLockWaiter(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await db.raw(`select 1 from pg_locks where locktype = 'advisory' and not granted`);
    if (r.rows.length > 0) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('the erasure never waited for the transition');
}

it('anonymises an escalation created by a transition that committed while the erasure waited at its barrier', async () => {
  const now = new Date('2026-12-01T10:00:00Z');
  await db('contacts').insert({
    id: 'CON-RACE-1', version: 1, service: 'MCTC', channel: 'web', status: 'triage',
    caller: JSON.stringify(person), reason: 'Domanda di Ermenegilda Quarantotti', created_at: now, queued_at: now, updated_at: now,
  });

  // The transition: writes the escalation and its history, then checks for erased records (none yet).
  let commit!: () => void;
  const committed = new Promise<void>((resolve) => (commit = resolve));
  const transition = db.transaction(async (trx) => {
    const row = {
      id: 'CON-RACE-1-E1', version: 1, contact_id: 'CON-RACE-1', service: 'MCTC', office: 'MCTC-VEICOLI', status: 'open',
      note: 'Nota su Quarantotti', take_charge_due_at: now, resolve_due_at: now, created_at: now, updated_at: now,
    };
    await trx('escalations').insert(row);
    await createHistoryStore(db).append('escalation', row.id, { seq: 1, action: 'opened', actor, at: now.toISOString(), payload: { note: row.note, caller: person } }, trx);
    await keepErasedRecordsErased(trx, { entityType: 'escalation', entityId: row.id, seq: 1, projection: { table: 'escalations', row } });
    await committed;
  });

  const erasure = createPrivacyStore(db).erase({ kind: 'email', value: person.email });
  await waitForAdvisoryLockWaiter(); // marks committed, barrier waiting for the transition
  commit();
  await transition;
  const erased = await erasure;

  expect(erased).toMatchObject({ contacts: 1, escalations: 1 });
  const escalation = await db('escalations').where({ id: 'CON-RACE-1-E1' }).first('note');
  expect(escalation.note).not.toContain('Quarantotti');
  const history = await db('history').where({ entity_type: 'escalation', entity_id: 'CON-RACE-1-E1' }).select('payload');
  expect(JSON.stringify(history)).not.toMatch(/Quarantotti|Ermenegilda|ermenegilda/);
  // Its later transitions stay anonymised too: the escalation itself is marked.
  expect(await db('erased_records').where({ entity_type: 'escalation', entity_id: 'CON-RACE-1-E1' }).first()).toBeDefined();
});
