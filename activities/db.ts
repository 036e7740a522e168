import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../infra/db';
import { createHistoryStore } from '../infra/stores/history';
import type { Actor } from '../workflows/definitions';

/** Tables a workflow may project its state into; each has `id text primary key` and `version integer`. */
export const PROJECTION_TABLES = ['contacts', 'escalations', 'missed_calls', 'complaints', 'inquiries', 'appointments'] as const;
export type ProjectionTable = (typeof PROJECTION_TABLES)[number];

export interface RecordTransitionInput {
  /** History entity type, e.g. 'contact'. */
  entityType: string;
  entityId: string;
  /** Per-workflow sequence number: makes a retried write a no-op and orders projections. */
  seq: number;
  action: string;
  actor: Actor;
  /** Epoch ms (workflow time). */
  at: number;
  payload?: Record<string, unknown>;
  /** The workflow's read model row after this transition (snake_case columns). */
  projection?: { table: ProjectionTable; row: Record<string, unknown> };
}

/**
 * Writes one transition: the history row and the projection row, in one transaction.
 * Idempotent on (entity, seq); a projection never goes back to an older version even if two
 * writes of the same workflow race.
 */
export async function recordTransition(db: Db, input: RecordTransitionInput): Promise<void> {
  if (input.projection && !PROJECTION_TABLES.includes(input.projection.table)) {
    throw ApplicationFailure.nonRetryable(`unknown projection table ${input.projection.table}`);
  }
  const history = createHistoryStore(db);
  await db.transaction(async (trx) => {
    await history.append(
      input.entityType,
      input.entityId,
      { seq: input.seq, action: input.action, actor: input.actor, at: new Date(input.at).toISOString(), payload: input.payload ?? {} },
      trx,
    );
    if (input.projection) {
      const { table, row } = input.projection;
      const values = { ...jsonColumns(row), version: input.seq };
      const columns = Object.keys(values).filter((c) => c !== 'id');
      await trx(table)
        .insert(values)
        .onConflict('id')
        .merge(columns)
        .where(`${table}.version`, '<', input.seq);
    }
  });
}

/** Objects and arrays go to jsonb columns as JSON text; Dates and scalars pass through. */
function jsonColumns(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v]),
  );
}

export function createDbActivities(deps: { db: Db }) {
  return {
    async recordTransition(input: RecordTransitionInput): Promise<void> {
      await recordTransition(deps.db, input);
    },
  };
}
