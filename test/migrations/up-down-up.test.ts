import { createTestDb, TestDb } from '../support/harness';
import { migrationConfig } from '../../infra/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

async function tables(): Promise<string[]> {
  const rows = await t.db('information_schema.tables').where({ table_schema: 'public' }).select('table_name');
  return rows.map((r: { table_name: string }) => r.table_name).filter((n: string) => !n.startsWith('knex_')).sort();
}

it('migrates down to nothing and up again to the same schema', async () => {
  const before = await tables();
  expect(before).toEqual(expect.arrayContaining(['api_keys', 'history', 'sent_emails']));
  await t.db.migrate.rollback(migrationConfig, true);
  expect(await tables()).toEqual([]);
  await t.db.migrate.latest(migrationConfig);
  expect(await tables()).toEqual(before);
});
