import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db';

export const ROLES = ['admin', 'supervisor', 'operator', 'office', 'uru', 'integrator', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  office: string | null;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeyStore {
  create(input: { name: string; role: Role; office?: string | null }): Promise<{ key: string; record: ApiKeyRecord }>;
  findActiveByKey(key: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string): Promise<boolean>;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

type Row = { id: string; name: string; role: Role; office: string | null; prefix: string; created_at: Date; revoked_at: Date | null };
const toRecord = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  name: r.name,
  role: r.role,
  office: r.office,
  prefix: r.prefix,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
});

/** Keys are 256-bit random secrets; only their SHA-256 is stored, so a database leak reveals no key. */
export function createApiKeyStore(db: Db): ApiKeyStore {
  return {
    async create({ name, role, office }) {
      const key = `cc_${randomBytes(32).toString('base64url')}`;
      const [row] = await db<Row>('api_keys')
        .insert({ name, role, office: office ?? null, prefix: key.slice(0, 10), key_hash: hashKey(key) } as never)
        .returning('*');
      return { key, record: toRecord(row as Row) };
    },
    async findActiveByKey(key) {
      const row = await db<Row>('api_keys').where({ key_hash: hashKey(key) } as never).whereNull('revoked_at').first();
      return row ? toRecord(row as Row) : undefined;
    },
    async list() {
      const rows = await db<Row>('api_keys').orderBy('id');
      return (rows as Row[]).map(toRecord);
    },
    async revoke(id) {
      const n = await db('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
      return n > 0;
    },
  };
}

/**
 * Remembers the keys found active for `ttlMs`, so a request does not read PostgreSQL to
 * authenticate; a revocation (from any process) is seen within `ttlMs`. Entries are keyed by the
 * key's hash, never the key. Unknown keys are not remembered: a key just created works at once, and
 * guessed keys cannot fill the cache. Concurrent lookups of one key share one query.
 */
export function withKeyCache(store: ApiKeyStore, opts: { ttlMs: number; maxEntries?: number; now?: () => number }): ApiKeyStore {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const cache = new Map<string, { expiresAt: number; record: Promise<ApiKeyRecord | undefined> }>();
  if (opts.ttlMs <= 0) return store;
  return {
    ...store,
    findActiveByKey(key) {
      const hash = hashKey(key);
      const hit = cache.get(hash);
      if (hit && hit.expiresAt > now()) return hit.record;
      cache.delete(hash);
      const record = store.findActiveByKey(key);
      // Oldest first: Map keeps insertion order.
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(hash, { expiresAt: now() + opts.ttlMs, record });
      record.then(
        (found) => {
          if (!found && cache.get(hash)?.record === record) cache.delete(hash);
        },
        () => {
          if (cache.get(hash)?.record === record) cache.delete(hash);
        },
      );
      return record;
    },
    async revoke(id) {
      const revoked = await store.revoke(id);
      // This process forgets the key at once; other processes within ttlMs.
      for (const [hash, entry] of cache) if ((await entry.record.catch(() => undefined))?.id === id) cache.delete(hash);
      return revoked;
    },
  };
}
