import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../infra/db';
import { createHistoryStore } from '../infra/stores/history';
import { keepErasedRecordsErased } from '../infra/stores/privacy';
import { recordAnswerUse } from '../infra/stores/standard-answers';
import { Projection, projectionRow, projections } from '../infra/stores/projections';
import type { Actor } from '../domain/actor';

export type { Projection } from '../infra/stores/projections';

/** One transition of a lifecycle: its history row and, usually, its projection. */
export interface Transition {
  /** History entity type, e.g. 'contact'. */
  entityType: string;
  entityId: string;
  /** Per-entity sequence number: makes a retried write a no-op and orders projections. */
  seq: number;
  action: string;
  actor: Actor;
  /** Epoch ms (workflow time). */
  at: number;
  payload?: Record<string, unknown>;
  /** The workflow's view after this transition; the projections module maps it to a row. */
  projection?: Projection;
}

export interface RecordTransitionsInput {
  /** Written together: a contact's escalation and the escalation's opening, for instance. */
  transitions: Transition[];
}

/**
 * Writes transitions: history rows and projection rows, in one transaction.
 * Idempotent on (entity, seq); a projection never goes back to an older version even if two
 * writes of the same workflow race.
 */
export async function recordTransitions(db: Db, input: RecordTransitionsInput): Promise<void> {
  for (const t of input.transitions) {
    if (t.projection && !(t.projection.entity in projections)) {
      throw ApplicationFailure.nonRetryable(`unknown projection ${String(t.projection.entity)}`);
    }
  }
  const history = createHistoryStore(db);
  await db.transaction(async (trx) => {
    for (const t of input.transitions) {
      await history.append(t.entityType, t.entityId, { seq: t.seq, action: t.action, actor: t.actor, at: new Date(t.at).toISOString(), payload: t.payload ?? {} }, trx);
      const projection = t.projection ? projectionRow(t.projection, t.at) : undefined;
      if (projection) {
        const values = { ...jsonColumns(projection.row), version: t.seq };
        const columns = Object.keys(values).filter((c) => c !== 'id');
        await trx(projection.table).insert(values).onConflict('id').merge(columns).where(`${projection.table}.version`, '<', t.seq);
      }
      // A contact resolved with a standard answer: the use is counted with the transition.
      await recordAnswerUse(trx, { ...t, service: t.projection?.entity === 'contact' ? t.projection.view.service : undefined });
      // A person erased while this workflow ran stays erased: what this write brought back is anonymised again.
      await keepErasedRecordsErased(trx, { entityType: t.entityType, entityId: t.entityId, seq: t.seq, projection });
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
    /** The recorder of every lifecycle, run as a local activity (workflows/kit.ts). */
    async recordTransitions(input: RecordTransitionsInput): Promise<void> {
      await recordTransitions(deps.db, input);
    },
  };
}
