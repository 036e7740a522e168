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
