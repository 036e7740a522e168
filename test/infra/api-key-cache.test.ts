import { createTestDb, TestDb } from '../support/harness';
import { createApiKeyStore, withKeyCache } from '../../infra/stores/api-keys';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb.drop();
});

/** Counts the queries that reach PostgreSQL while `run` runs. */
async function queriesDuring(run: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const count = () => n++;
  testDb.db.on('query', count);
  try {
    await run();
  } finally {
    testDb.db.off('query', count);
  }
  return n;
}

describe('API key cache', () => {
  it('answers a known key from memory within the TTL and sees a revocation by another process after it', async () => {
    let now = 1_000_000;
    const admin = createApiKeyStore(testDb.db); // as `npm run admin` in another process
    const cached = withKeyCache(createApiKeyStore(testDb.db), { ttlMs: 5000, now: () => now });
    const { key, record } = await admin.create({ name: 'Operatore', role: 'operator' });

    expect(await queriesDuring(() => cached.findActiveByKey(key))).toBe(1);
    expect(await queriesDuring(async () => expect((await cached.findActiveByKey(key))?.id).toBe(record.id))).toBe(0);

    expect(await admin.revoke(record.id)).toBe(true);
    now += 4999; // still inside the TTL: the key is trusted without a query
    expect((await cached.findActiveByKey(key))?.id).toBe(record.id);
    now += 2; // past it: PostgreSQL is asked again and the key is refused
    expect(await cached.findActiveByKey(key)).toBeUndefined();
  });

  it('shares one query between concurrent lookups of a key', async () => {
    const cached = withKeyCache(createApiKeyStore(testDb.db), { ttlMs: 5000 });
    const { key, record } = await createApiKeyStore(testDb.db).create({ name: 'Integratore', role: 'integrator' });
    let found: unknown[] = [];
    const n = await queriesDuring(async () => {
      found = await Promise.all(Array.from({ length: 10 }, () => cached.findActiveByKey(key)));
    });
    expect(n).toBe(1);
    expect(found.every((r) => (r as { id: string }).id === record.id)).toBe(true);
  });

  it('does not remember unknown keys: a key created after a failed try works at once', async () => {
    const store = createApiKeyStore(testDb.db);
    const cached = withKeyCache(store, { ttlMs: 5000 });
    expect(await cached.findActiveByKey('cc_not-a-key')).toBeUndefined();
    expect(await queriesDuring(() => cached.findActiveByKey('cc_not-a-key'))).toBe(1);
    const { key } = await store.create({ name: 'Nuovo', role: 'operator' });
    expect((await cached.findActiveByKey(key))?.role).toBe('operator');
  });

  it('forgets a key at once when revoked through the cached store itself', async () => {
    const cached = withKeyCache(createApiKeyStore(testDb.db), { ttlMs: 60_000 });
    const { key, record } = await cached.create({ name: 'Temporaneo', role: 'supervisor' });
    expect((await cached.findActiveByKey(key))?.id).toBe(record.id);
    expect(await cached.revoke(record.id)).toBe(true);
    expect(await cached.findActiveByKey(key)).toBeUndefined();
  });

  it('keeps at most maxEntries keys, dropping the oldest', async () => {
    const store = createApiKeyStore(testDb.db);
    const cached = withKeyCache(store, { ttlMs: 60_000, maxEntries: 2 });
    const keys = await Promise.all(['a', 'b', 'c'].map(async (name) => (await store.create({ name, role: 'operator' })).key));
    for (const k of keys) await cached.findActiveByKey(k);
    expect(await queriesDuring(() => cached.findActiveByKey(keys[2]))).toBe(0);
    expect(await queriesDuring(() => cached.findActiveByKey(keys[0]))).toBe(1);
  });
});
