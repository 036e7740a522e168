import type { Db } from '../db';
import type { SlaCounts } from '../../domain/sla';
import { SHORT_ABANDON_MAX_SEC } from '../../domain/sla';

/** A validated call detail record; times are ISO 8601 strings with offset (or Z). */
export interface CallRecord {
  callId: string;
  service: string;
  registeredAt: string;
  answeredAt: string | null;
  endedAt: string;
  ivrCode: string | null;
}

export interface UpsertResult {
  /** New call ids. */
  inserted: number;
  /** Known call ids whose data changed. */
  updated: number;
  /** Known call ids re-imported with identical data (nothing written). */
  unchanged: number;
}

/** Counts of the calls of a service registered inside one time segment [from, to). */
export interface SegmentCounts extends SlaCounts {
  /** Every call of the segment: answered + abandoned + short abandoned. */
  total: number;
}

export interface CallStore {
  /**
   * Inserts or updates the records in one transaction, a few thousand rows per statement. A call id
   * present twice in `records` keeps its last occurrence, as if imported one after the other.
   */
  upsert(records: CallRecord[]): Promise<UpsertResult>;
  /** For each segment, in order, the counts of the service's calls registered inside it. */
  slaCountsBySegment(input: { service: string; segments: { from: number; to: number }[] }): Promise<SegmentCounts[]>;
  /** Answered calls of the service registered in [from, to) with at least one contact linked to them. */
  linkedCallCount(input: { service: string; from: number; to: number }): Promise<number>;
}

/** Rows per INSERT statement: one JSON parameter each, far below PostgreSQL's limits. */
const CHUNK = 5_000;

/** Same number as in migrations/20261122050000_calls.ts: the import takes it exclusively, contact writes shared. */
const FIRST_LEVEL_SYNC_LOCK = 1128352844;

const pgTimestamps = (times: number[]) => `{${times.map((t) => new Date(t).toISOString()).join(',')}}`;

export function createCallStore(db: Db): CallStore {
  return {
    async upsert(records) {
      const byId = new Map<string, CallRecord>();
      for (const r of records) byId.set(r.callId, r);
      const rows = [...byId.values()].map((r) => ({
        call_id: r.callId,
        service: r.service,
        registered_at: r.registeredAt,
        answered_at: r.answeredAt,
        ended_at: r.endedAt,
        ivr_code: r.ivrCode,
      }));
      let inserted = 0;
      let updated = 0;
      await db.transaction(async (trx) => {
        // Contact writes in progress commit first and are seen below; new ones wait for this commit
        // and then see these calls (the contacts trigger sets the flag). See the calls migration.
        await trx.raw('select pg_advisory_xact_lock(?)', [FIRST_LEVEL_SYNC_LOCK]);
        for (let i = 0; i < rows.length; i += CHUNK) {
          // One statement per chunk: the rows travel as one JSON array and are unpacked server-side.
          // `xmax = 0` tells a freshly inserted row from an updated one; the WHERE skips identical re-imports.
          const result = await trx.raw(
            `insert into calls as c (call_id, service, registered_at, answered_at, ended_at, ivr_code, first_level_resolved)
             select r.call_id, r.service, r.registered_at, r.answered_at, r.ended_at, r.ivr_code,
                    exists (select 1 from contacts k where k.call_id = r.call_id and k.resolution in ('first_level', 'auto'))
               from jsonb_to_recordset(?::jsonb)
                 as r(call_id text, service text, registered_at timestamptz, answered_at timestamptz, ended_at timestamptz, ivr_code text)
             on conflict (call_id) do update set
               service = excluded.service,
               registered_at = excluded.registered_at,
               answered_at = excluded.answered_at,
               ended_at = excluded.ended_at,
               ivr_code = excluded.ivr_code,
               first_level_resolved = excluded.first_level_resolved,
               updated_at = now()
             where (c.service, c.registered_at, c.answered_at, c.ended_at, c.ivr_code, c.first_level_resolved)
                   is distinct from (excluded.service, excluded.registered_at, excluded.answered_at, excluded.ended_at, excluded.ivr_code, excluded.first_level_resolved)
             returning (xmax = 0) as inserted`,
            [JSON.stringify(rows.slice(i, i + CHUNK))],
          );
          for (const row of result.rows as { inserted: boolean }[]) {
            if (row.inserted) inserted++;
            else updated++;
          }
        }
      });
      return { inserted, updated, unchanged: rows.length - inserted - updated };
    },

    async linkedCallCount({ service, from, to }) {
      const result = await db.raw(
        `select count(*) as n from calls c
          where c.service = ? and c.registered_at >= ? and c.registered_at < ? and c.answered_at is not null
            and exists (select 1 from contacts k where k.call_id = c.call_id)`,
        [service, new Date(from).toISOString(), new Date(to).toISOString()],
      );
      return Number(result.rows[0].n);
    },

    async slaCountsBySegment({ service, segments }) {
      if (segments.length === 0) return [];
      // One index-only range scan and one plain aggregate per segment: no join, no per-row time zone
      // arithmetic, no GROUP BY for the planner to misjudge. Waits are summed as intervals, which
      // is exact to the microsecond.
      const result = await db.raw(
        `select s.k, a.total, a.answered, a.abandoned, a.first_level, a.wait_micros
           from unnest(?::timestamptz[], ?::timestamptz[]) with ordinality as s(lo, hi, k)
           cross join lateral (
             select count(*) as total,
                    count(c.answered_at) as answered,
                    count(*) filter (where c.answered_at is null and c.ended_at > c.registered_at + make_interval(secs => ?)) as abandoned,
                    count(*) filter (where c.answered_at is not null and c.first_level_resolved) as first_level,
                    coalesce((extract(epoch from sum(c.answered_at - c.registered_at)) * 1000000)::bigint, 0) as wait_micros
               from calls c
              where c.service = ? and c.registered_at >= s.lo and c.registered_at < s.hi
           ) as a
          order by s.k`,
        [pgTimestamps(segments.map((x) => x.from)), pgTimestamps(segments.map((x) => x.to)), SHORT_ABANDON_MAX_SEC, service],
      );
      return (result.rows as Record<string, string>[]).map((r) => {
        const total = Number(r.total);
        const answered = Number(r.answered);
        const abandoned = Number(r.abandoned);
        return {
          total,
          answered,
          abandoned,
          shortAbandoned: total - answered - abandoned,
          firstLevelResolved: Number(r.first_level),
          waitMicros: Number(r.wait_micros),
        };
      });
    },
  };
}
