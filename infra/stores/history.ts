import type { Db } from '../db';

export interface Actor {
  name: string;
  role: string;
  office?: string | null;
}

export interface HistoryEntry {
  seq: number;
  action: string;
  actor: Actor;
  at: string;
  payload: Record<string, unknown>;
}

export interface HistoryStore {
  /** Idempotent: the same (entity, seq) is written once. */
  append(entityType: string, entityId: string, entry: HistoryEntry, trx?: Db): Promise<void>;
  list(entityType: string, entityId: string): Promise<HistoryEntry[]>;
}

type Row = { seq: number; action: string; actor_name: string; actor_role: string; actor_office: string | null; at: Date; payload: Record<string, unknown> };

export function createHistoryStore(db: Db): HistoryStore {
  return {
    async append(entityType, entityId, e, trx) {
      await (trx ?? db)('history')
        .insert({
          entity_type: entityType,
          entity_id: entityId,
          seq: e.seq,
          action: e.action,
          actor_name: e.actor.name,
          actor_role: e.actor.role,
          actor_office: e.actor.office ?? null,
          at: e.at,
          payload: JSON.stringify(e.payload ?? {}),
        })
        .onConflict(['entity_type', 'entity_id', 'seq'])
        .ignore();
    },
    async list(entityType, entityId) {
      const rows = (await db('history').where({ entity_type: entityType, entity_id: entityId }).orderBy('seq')) as Row[];
      return rows.map((r) => ({
        seq: r.seq,
        action: r.action,
        actor: { name: r.actor_name, role: r.actor_role, office: r.actor_office },
        at: r.at.toISOString(),
        payload: r.payload,
      }));
    },
  };
}
