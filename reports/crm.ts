/** The monthly CRM report (contacts per channel, response rate and time), for the API and benchmarks. */
import type { CrmReportStore } from '../infra/stores/crm-report';
import type { SatisfactionFigures } from '../infra/stores/surveys';
import type { Service } from '../domain/catalog';
import { monthBounds, round2 } from '../domain/sla';
import { CHANNELS } from '../workflows/definitions';

/** CRM month boundaries when no service (and so no service zone) is named: the tenant's zone. */
export const DEFAULT_REPORT_ZONE = 'Europe/Rome';

export interface CrmReport {
  month: string;
  service: string | null;
  zone: string;
  contacts: { registered: number; resolved: number; firstLevel: number; auto: number; backOffice: number };
  responseRatePct: number | null;
  responseTimeSec: { median: number | null; p90: number | null };
  /** Channels that brought at least one contact this month, of the CRM's unified ones. */
  activeChannels: number;
  channels: { channel: string; registered: number; resolved: number; responseRatePct: number | null; responseTimeSec: { median: number | null; p90: number | null } }[];
  /**
   * Complaints (URU) registered this month per channel: response rate = responded / registered,
   * response time = registration to URU's definitive response (calendar time, suspensions included).
   */
  complaints: { channel: string; registered: number; responded: number; responseRatePct: number | null; responseTimeSec: { median: number | null; p90: number | null } }[];
  /** Satisfaction votes cast this month (by the time of the case's latest vote), of the service's cases. */
  satisfaction: SatisfactionFigures & { byChannel: (SatisfactionFigures & { channel: string })[] };
}

const NO_VOTES: SatisfactionFigures = { responses: 0, average: null, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } };

const pct = (part: number, whole: number) => round2(whole > 0 ? (part * 100) / whole : null);

/**
 * CRM health (the city's performance plan): contacts registered per channel, response time from
 * registration to resolution (first-level answer or the back office's), response rate.
 */
export async function crmReport(store: CrmReportStore, month: string, service?: Service): Promise<CrmReport> {
  const zone = service?.calendar.zone ?? DEFAULT_REPORT_ZONE;
  const { start, end } = monthBounds(month, zone);
  const range = { from: start, to: end, service: service?.code };
  const [rows, satisfaction, complaints] = await Promise.all([
    store.byChannel(range),
    store.satisfaction ? store.satisfaction(range) : { ...NO_VOTES, byChannel: [] },
    store.complaintsByChannel ? store.complaintsByChannel(range) : [],
  ]);
  const all = rows.find((r) => r.channel === null);
  const byChannel = new Map(rows.filter((r) => r.channel !== null).map((r) => [r.channel as string, r]));
  const known: string[] = [...CHANNELS, ...[...byChannel.keys()].filter((c) => !(CHANNELS as readonly string[]).includes(c)).sort()];
  return {
    month,
    service: service?.code ?? null,
    zone,
    contacts: {
      registered: all?.registered ?? 0,
      resolved: all?.resolved ?? 0,
      firstLevel: all?.firstLevel ?? 0,
      auto: all?.auto ?? 0,
      backOffice: all?.backOffice ?? 0,
    },
    responseRatePct: pct(all?.resolved ?? 0, all?.registered ?? 0),
    responseTimeSec: { median: round2(all?.medianSec ?? null), p90: round2(all?.p90Sec ?? null) },
    activeChannels: byChannel.size,
    channels: known.map((channel) => {
      const r = byChannel.get(channel);
      return {
        channel,
        registered: r?.registered ?? 0,
        resolved: r?.resolved ?? 0,
        responseRatePct: pct(r?.resolved ?? 0, r?.registered ?? 0),
        responseTimeSec: { median: round2(r?.medianSec ?? null), p90: round2(r?.p90Sec ?? null) },
      };
    }),
    complaints: complaints.map((c) => ({
      channel: c.channel,
      registered: c.registered,
      responded: c.responded,
      responseRatePct: pct(c.responded, c.registered),
      responseTimeSec: { median: round2(c.medianSec), p90: round2(c.p90Sec) },
    })),
    satisfaction,
  };
}
