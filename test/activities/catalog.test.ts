/**
 * A running workflow keeps the rules it started with: the worker answers `serviceRules` for its
 * own catalog version and for any kept version, after the catalog file has changed.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/activity';
import { catalogWith, createTestDb, sampleCatalog, TestDb } from '../support/harness';
import { createCatalogActivities, UNKNOWN_CATALOG_VERSION } from '../../activities/catalog';
import { createCatalogVersionStore } from '../../infra/stores/catalog-versions';
import type { Service } from '../../domain/catalog';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb.drop();
});

const env = new MockActivityEnvironment();

it('looks a service up in the worker catalog, in a kept older version, and refuses an unknown version for good', async () => {
  const versions = createCatalogVersionStore(testDb.db);
  const before = sampleCatalog();
  const after = catalogWith((data) => {
    data.services.find((s) => s.code === 'MCTC')!.sla.takeCharge = 'PT2H';
  });
  expect(after.version).not.toBe(before.version);
  // The old worker kept its catalog; the new worker runs with the changed one.
  await versions.save(before);
  await versions.save(before);
  const { serviceRules } = createCatalogActivities({ catalog: after, versions });

  expect(((await env.run(serviceRules, { service: 'MCTC', catalogVersion: after.version })) as Service).sla.takeCharge).toBe('PT2H');
  expect(((await env.run(serviceRules, { service: 'MCTC', catalogVersion: before.version })) as Service).sla.takeCharge).toBe(before.service('MCTC')!.sla.takeCharge);

  const unknown = env.run(serviceRules, { service: 'MCTC', catalogVersion: '0000000000000000' });
  await expect(unknown).rejects.toBeInstanceOf(ApplicationFailure);
  await expect(unknown).rejects.toMatchObject({ type: UNKNOWN_CATALOG_VERSION, nonRetryable: true });
  expect(await testDb.db('catalog_versions').count({ n: '*' }).first()).toEqual({ n: '1' });
});

it('gives the same catalog the same version, a 64-bit hex hash', () => {
  expect(sampleCatalog().version).toBe(sampleCatalog().version);
  expect(sampleCatalog().version).toMatch(/^[0-9a-f]{16}$/);
});
