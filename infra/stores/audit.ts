import type { Db } from '../db';

export type AuditAction = 'read' | 'change' | 'export' | 'erase';

export interface AuditEntry {
  keyId: string;
  keyName: string;
  keyRole: string;
  keyOffice: string | null;
  action: AuditAction;
  entityType: string;
  entityId: string;
  method: string;
  /** The request path without its query string (which may hold personal data). */
  path: string;
}

export interface AuditRecord extends Omit<AuditEntry, 'keyId'> {
  at: string;
  keyId: string;
}

export interface AuditStore {
  /** One insert for all the entries of a request. */
  record(entries: AuditEntry[]): Promise<void>;
  list(input: { entityType: string; entityId: string; limit: number; offset: number }): Promise<AuditRecord[]>;
}

type Row = { at: Date; key_id: string; key_name: string; key_role: string; key_office: string | null; action: AuditAction; entity_type: string; entity_id: string; method: string; path: string };

export function createAuditStore(db: Db): AuditStore {
  return {
    async record(entries) {
      if (entries.length === 0) return;
      const rows = entries.map((e) => ({
        key_id: e.keyId,
        key_name: e.keyName,
        key_role: e.keyRole,
        key_office: e.keyOffice,
        action: e.action,
        entity_type: e.entityType,
        entity_id: e.entityId,
        method: e.method,
        path: e.path,
      }));
      if (entries.some((e) => e.action !== 'read')) {
        await db('audit_log').insert(rows);
        return;
      }
      // Reads do not wait for the WAL flush: audited in a fraction of a millisecond instead of a disk
      // sync. A crash of PostgreSQL itself may lose the last instant's read entries, never a change's.
      await db.transaction(async (trx) => {
        await trx.raw('set local synchronous_commit = off');
        await trx('audit_log').insert(rows);
      });
    },
    async list({ entityType, entityId, limit, offset }) {
      const rows = (await db('audit_log').where({ entity_type: entityType, entity_id: entityId }).orderBy([{ column: 'at' }, { column: 'id' }]).limit(limit).offset(offset)) as Row[];
      return rows.map((r) => ({
        at: r.at.toISOString(),
        keyId: String(r.key_id),
        keyName: r.key_name,
        keyRole: r.key_role,
        keyOffice: r.key_office,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        method: r.method,
        path: r.path,
      }));
    },
  };
}
