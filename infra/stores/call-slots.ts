import type { Db } from '../db';
import { SHORT_ABANDON_MAX_SEC } from '../../domain/sla';
import type { RecordedCall } from '../../domain/what-if-simulation';

/** Additive figures of the calls registered inside one time slot. */
export interface SlotFigures {
  total: number;
  answered: number;
  /** Not answered, hung up more than 10 s after registration (the contract's M). */
  abandoned: number;
  /** Not answered, hung up within 10 s. */
  shortAbandoned: number;
  /** Σ (answeredAt − registeredAt) over answered calls, microseconds. */
  waitMicros: number;
  /** Σ (endedAt − answeredAt) over answered calls, microseconds. */
  handleMicros: number;
  /** Σ time every call waited (until answer, or until hanging up), microseconds: patience exposure. */
  exposureMicros: number;
}

export interface CallSlotStore {
  /** For each slot, in order, the figures of the service's calls registered inside it. */
  figuresBySlot(input: { service: string; slots: { fromMs: number; toMs: number }[] }): Promise<SlotFigures[]>;
  /** The service's calls registered in [fromMs, toMs), by registration time. */
  recordedCalls(input: { service: string; fromMs: number; toMs: number }): Promise<RecordedCall[]>;
}

const pgTimestamps = (times: number[]) => `{${times.map((t) => new Date(t).toISOString()).join(',')}}`;

export function createCallSlotStore(db: Db): CallSlotStore {
  return {
    async figuresBySlot({ service, slots }) {
      if (slots.length === 0) return [];
      // As the SLA report's query (infra/stores/calls.ts): one index-only range scan per slot on
      // calls_service_registered_idx, sums of intervals exact to the microsecond.
      const result = await db.raw(
        `select s.k, a.*
           from unnest(?::timestamptz[], ?::timestamptz[]) with ordinality as s(lo, hi, k)
           cross join lateral (
             select count(*) as total,
                    count(c.answered_at) as answered,
                    count(*) filter (where c.answered_at is null and c.ended_at > c.registered_at + make_interval(secs => ?)) as abandoned,
                    coalesce((extract(epoch from sum(c.answered_at - c.registered_at)) * 1000000)::bigint, 0) as wait_micros,
                    coalesce((extract(epoch from sum(c.ended_at - c.answered_at)) * 1000000)::bigint, 0) as handle_micros,
                    coalesce((extract(epoch from sum(coalesce(c.answered_at, c.ended_at) - c.registered_at)) * 1000000)::bigint, 0) as exposure_micros
               from calls c
              where c.service = ? and c.registered_at >= s.lo and c.registered_at < s.hi
           ) as a
          order by s.k`,
        [pgTimestamps(slots.map((x) => x.fromMs)), pgTimestamps(slots.map((x) => x.toMs)), SHORT_ABANDON_MAX_SEC, service],
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
          waitMicros: Number(r.wait_micros),
          handleMicros: Number(r.handle_micros),
          exposureMicros: Number(r.exposure_micros),
        };
      });
    },

    async recordedCalls({ service, fromMs, toMs }) {
      // Epoch seconds as float8 (date_part, no numeric arithmetic) and no Date object per row: the
      // what-if reads 100,000 of them. float8 is exact to about 1e-4 ms here; flooring after adding
      // 1e-3 ms gives the millisecond each time falls in, so a call is never moved across a slot edge.
      const result = await db.raw(
        `select date_part('epoch', registered_at) as r, date_part('epoch', answered_at) as a, date_part('epoch', ended_at) as e
           from calls
          where service = ? and registered_at >= ? and registered_at < ?
          order by registered_at`,
        [service, new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
      );
      const ms = (seconds: number) => Math.floor(seconds * 1000 + 1e-3);
      return (result.rows as { r: number; a: number | null; e: number }[]).map((row) => ({ registeredMs: ms(row.r), answeredMs: row.a === null ? null : ms(row.a), endedMs: ms(row.e) }));
    },
  };
}
