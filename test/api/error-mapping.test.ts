import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createTestDb, TestDb } from '../support/harness';
import { createDb } from '../../infra/db';
import { freePort } from '../../infra/ports';
import { toProblem } from '../../api/errors';
import { nonRetryableOnBadData } from '../../activities/pg-errors';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
  await testDb.db.raw('create table mapping_probe (id int primary key, note text)');
  await testDb.db('mapping_probe').insert({ id: 1, note: 'x' });
});
afterAll(async () => {
  await testDb.drop();
});

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('database errors as problems', () => {
  it('maps real PostgreSQL errors: data exception 400, integrity violation 409, unreachable server 503', async () => {
    expect(toProblem(await errorOf(testDb.db('mapping_probe').insert({ id: 2, note: 'a\u0000b' }))).status).toBe(400);
    expect(toProblem(await errorOf(testDb.db('mapping_probe').insert({ id: 1, note: 'y' }))).status).toBe(409);
    const nowhere = createDb(`postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`);
    try {
      expect(toProblem(await errorOf(nowhere.raw('select 1'))).status).toBe(503);
    } finally {
      await nowhere.destroy();
    }
  });

  it('maps an activity that met bad data inside a workflow update to 400', async () => {
    const activity = nonRetryableOnBadData({ insert: async () => testDb.db('mapping_probe').insert({ id: 3, note: 'a\u0000b' }) });
    const failure = (await errorOf(activity.insert())) as ApplicationFailure;
    const updateError = new WorkflowUpdateFailedError('update failed', failure);
    expect(toProblem(updateError)).toMatchObject({ status: 400, title: 'Bad Request' });
  });
});
