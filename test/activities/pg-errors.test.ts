import { ApplicationFailure } from '@temporalio/common';
import { createTestDb, TestDb } from '../support/harness';
import { BAD_DATA, nonRetryableOnBadData } from '../../activities/pg-errors';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
  await testDb.db.raw('create table pg_errors_probe (id int primary key, note text not null)');
});
afterAll(async () => {
  await testDb.drop();
});

describe('nonRetryableOnBadData', () => {
  const activities = () =>
    nonRetryableOnBadData({
      async insertNote(input: { id: number; note: string | null }): Promise<{ ok: true }> {
        await testDb.db('pg_errors_probe').insert(input);
        return { ok: true };
      },
      async selectFrom(input: { table: string }): Promise<number> {
        const { rows } = await testDb.db.raw(`select count(*) from ${input.table}`);
        return Number(rows[0].count);
      },
      async failOtherwise(): Promise<void> {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
    });

  it('turns data exceptions (22), integrity violations (23) and syntax errors (42) into non-retryable failures without the data', async () => {
    const a = activities();
    expect(await a.insertNote({ id: 1, note: 'ok' })).toEqual({ ok: true });
    for (const [call, sqlState] of [
      [() => a.insertNote({ id: 2, note: 'a\u0000b' }), '22021'],
      [() => a.insertNote({ id: 1, note: 'Rossi Mario' }), '23505'],
      [() => a.insertNote({ id: 3, note: null }), '23502'],
      [() => a.selectFrom({ table: 'no_such_table' }), '42P01'],
    ] as const) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApplicationFailure);
      const failure = err as ApplicationFailure;
      expect(failure).toMatchObject({ type: BAD_DATA, nonRetryable: true });
      expect(failure.message).toContain(sqlState);
      expect(failure.message).not.toContain('Rossi');
    }
  });

  it('leaves outages retryable', async () => {
    await expect(activities().failOtherwise()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
