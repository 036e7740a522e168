import type { Db } from '../db';
import { satisfactionFigures, type SatisfactionFigures } from './surveys';

export interface CrmChannelRow {
  /** null = every channel together. */
  channel: string | null;
  registered: number;
  resolved: number;
  firstLevel: number;
  auto: number;
  backOffice: number;
  /** Seconds from registration to resolution over the resolved contacts; null when none. */
  medianSec: number | null;
  p90Sec: number | null;
}

export interface ComplaintChannelRow {
  channel: string;
  registered: number;
  responded: number;
  medianSec: number | null;
  p90Sec: number | null;
}

export interface CrmReportStore {
  /** Contacts created in [from, to) (optionally of one service), per channel and all together. */
  byChannel(input: { from: number; to: number; service?: string }): Promise<CrmChannelRow[]>;
  /** Satisfaction votes cast in [from, to), all and per channel of the case (absent in fakes: no figures). */
  satisfaction?(input: { from: number; to: number; service?: string }): Promise<SatisfactionFigures & { byChannel: (SatisfactionFigures & { channel: string })[] }>;
  /** Complaints registered in [from, to) per channel, with the time to URU's response. */
  complaintsByChannel?(input: { from: number; to: number; service?: string }): Promise<ComplaintChannelRow[]>;
}

export function createCrmReportStore(db: Db): CrmReportStore {
  return {
    satisfaction: (input) => satisfactionFigures(db, input),
    async complaintsByChannel({ from, to, service }) {
      const result = await db.raw(
        `select channel, count(*) as registered, count(responded_at) as responded,
                percentile_cont(0.5) within group (order by extract(epoch from responded_at - registered_at)) as median_sec,
                percentile_cont(0.9) within group (order by extract(epoch from responded_at - registered_at)) as p90_sec
           from complaints
          where registered_at >= ? and registered_at < ? and (?::text is null or service = ?)
          group by channel order by channel`,
        [new Date(from).toISOString(), new Date(to).toISOString(), service ?? null, service ?? null],
      );
      return (result.rows as Record<string, string | number | null>[]).map((r) => ({
        channel: r.channel as string,
        registered: Number(r.registered),
        responded: Number(r.responded),
        medianSec: r.median_sec === null ? null : Number(r.median_sec),
        p90Sec: r.p90_sec === null ? null : Number(r.p90_sec),
      }));
    },
    async byChannel({ from, to, service }) {
      // GROUPING SETS: per channel and the overall row in one scan of the created_at index; the
      // percentiles are continuous (interpolated), the usual definition for response-time reports.
      const result = await db.raw(
        `select case when grouping(channel) = 1 then null else channel end as channel,
                count(*) as registered,
                count(resolved_at) as resolved,
                count(*) filter (where resolution = 'first_level' and resolved_at is not null) as first_level,
                count(*) filter (where resolution = 'auto' and resolved_at is not null) as auto,
                count(*) filter (where resolution = 'back_office' and resolved_at is not null) as back_office,
                percentile_cont(0.5) within group (order by extract(epoch from resolved_at - created_at)) as median_sec,
                percentile_cont(0.9) within group (order by extract(epoch from resolved_at - created_at)) as p90_sec
           from contacts
          where created_at >= ? and created_at < ? and (?::text is null or service = ?)
          group by grouping sets ((channel), ())`,
        [new Date(from).toISOString(), new Date(to).toISOString(), service ?? null, service ?? null],
      );
      return (result.rows as Record<string, string | number | null>[]).map((r) => ({
        channel: r.channel as string | null,
        registered: Number(r.registered),
        resolved: Number(r.resolved),
        firstLevel: Number(r.first_level),
        auto: Number(r.auto),
        backOffice: Number(r.back_office),
        medianSec: r.median_sec === null ? null : Number(r.median_sec),
        p90Sec: r.p90_sec === null ? null : Number(r.p90_sec),
      }));
    },
  };
}
