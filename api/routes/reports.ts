import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { invalidField, parseOr400 } from '../errors';
import { reportFormat, sendTable } from '../report-formats';
import type { Db } from '../../infra/db';
import { createCallStore } from '../../infra/stores/calls';
import { createCrmReportStore } from '../../infra/stores/crm-report';
import type { Service, ServiceCatalog } from '../../domain/catalog';
import { businessCalendar } from '../../domain/business-calendar';
import {
  DEFAULT_SLA_TARGETS,
  MONTH_PATTERN,
  ZERO_COUNTS,
  addCounts,
  evaluateMet,
  indicators,
  monthBounds,
  monthSegments,
  openIntervals,
  round2,
  targetsOf,
  type SlaCounts,
  type SlaMet,
  type SlaTargets,
} from '../../domain/sla';
import { CHANNELS } from '../../workflows/definitions';
import { operation, type ApiPaths } from '../openapi-kit';

const monthQuery = z.string({ message: 'required, as YYYY-MM' }).regex(MONTH_PATTERN, 'expected YYYY-MM, e.g. 2026-03');
const reportQuerySchema = z.object({ month: monthQuery, service: z.string().min(1).max(50).optional(), format: z.enum(['json', 'csv', 'xlsx']).optional() });

/** CRM month boundaries when no service (and so no service zone) is named: the tenant's zone. */
export const DEFAULT_REPORT_ZONE = 'Europe/Rome';

export interface SlaRow {
  service: string | null;
  answerTimeAvgSec: number | null;
  abandonedPct: number | null;
  firstLevelResolvedPct: number | null;
  calls: { registered: number; answered: number; abandoned: number; shortAbandoned: number; outOfWindow: number; firstLevelResolved: number };
  targets: SlaTargets;
  met: SlaMet;
}

export interface SlaDay {
  date: string;
  answerTimeAvgSec: number | null;
  abandonedPct: number | null;
  firstLevelResolvedPct: number | null;
  registered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
}

export interface ServiceSlaReport extends SlaRow {
  month: string;
  service: string;
  zone: string;
  daily: SlaDay[];
}

interface ServiceFigures {
  row: SlaRow;
  daily: SlaDay[];
  counts: SlaCounts;
  outOfWindow: number;
}

function rowOf(service: string | null, counts: SlaCounts, outOfWindow: number, targets: SlaTargets): SlaRow {
  const ind = indicators(counts);
  return {
    service,
    answerTimeAvgSec: round2(ind.answerTimeAvgSec),
    abandonedPct: round2(ind.abandonedPct),
    firstLevelResolvedPct: round2(ind.firstLevelResolvedPct),
    calls: {
      registered: counts.answered + counts.abandoned + counts.shortAbandoned,
      answered: counts.answered,
      abandoned: counts.abandoned,
      shortAbandoned: counts.shortAbandoned,
      outOfWindow,
      firstLevelResolved: counts.firstLevelResolved,
    },
    targets,
    met: evaluateMet(counts, targets),
  };
}

/**
 * One service's month: its calendar cuts the month into segments (in or out of the window, one local
 * day each), SQL counts the calls of each segment, domain/sla applies the formulas.
 */
async function serviceFigures(db: Db, service: Service, month: string): Promise<ServiceFigures> {
  const zone = service.calendar.zone;
  const { start, end } = monthBounds(month, zone);
  const segments = monthSegments(openIntervals(businessCalendar(service.calendar), start, end), month, zone);
  const bySegment = await createCallStore(db).slaCountsBySegment({ service: service.code, segments });
  const byDay = new Map<string, SlaCounts>();
  let outOfWindow = 0;
  segments.forEach((segment, i) => {
    const c = bySegment[i];
    if (!segment.open) {
      outOfWindow += c.total;
      return;
    }
    byDay.set(segment.date, addCounts(byDay.get(segment.date) ?? ZERO_COUNTS, c));
  });
  const counts = [...byDay.values()].reduce<SlaCounts>(addCounts, ZERO_COUNTS);
  // Every day with an open window is charted, with nulls on a day without calls.
  const daily = [...byDay.entries()].map(([date, d]) => {
    const ind = indicators(d);
    return {
      date,
      answerTimeAvgSec: round2(ind.answerTimeAvgSec),
      abandonedPct: round2(ind.abandonedPct),
      firstLevelResolvedPct: round2(ind.firstLevelResolvedPct),
      registered: d.answered + d.abandoned + d.shortAbandoned,
      answered: d.answered,
      abandoned: d.abandoned,
      shortAbandoned: d.shortAbandoned,
    };
  });
  return { row: rowOf(service.code, counts, outOfWindow, targetsOf(service.sla)), daily, counts, outOfWindow };
}

/** The per-service report with its day-by-day trend. */
export async function serviceSlaReport(db: Db, service: Service, month: string): Promise<ServiceSlaReport> {
  const f = await serviceFigures(db, service, month);
  return { month, ...f.row, service: service.code, zone: service.calendar.zone, daily: f.daily };
}

/**
 * Every service of the catalog, each in its own zone and window, and the totals: the formulas
 * recomputed over all counted calls (not an average of the services' percentages), against the
 * default targets since services may configure different ones.
 */
export async function allServicesSlaReport(db: Db, catalog: ServiceCatalog, month: string): Promise<{ month: string; services: SlaRow[]; totals: SlaRow }> {
  const figures = await Promise.all(catalog.services.map((s) => serviceFigures(db, s, month)));
  const counts = figures.reduce<SlaCounts>((acc, f) => addCounts(acc, f.counts), ZERO_COUNTS);
  const outOfWindow = figures.reduce((acc, f) => acc + f.outOfWindow, 0);
  return { month, services: figures.map((f) => f.row), totals: rowOf(null, counts, outOfWindow, DEFAULT_SLA_TARGETS) };
}

const SLA_CSV_COLUMNS = [
  'month',
  'service',
  'answerTimeAvgSec',
  'abandonedPct',
  'firstLevelResolvedPct',
  'registered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'outOfWindow',
  'firstLevelResolved',
  'answerTimeTargetSec',
  'abandonedPctTarget',
  'firstLevelResolvedPctTarget',
  'answerTimeMet',
  'abandonedMet',
  'firstLevelResolvedMet',
];

function slaCsvRecord(month: string, r: SlaRow): unknown[] {
  return [
    month,
    r.service ?? 'TOTAL',
    r.answerTimeAvgSec,
    r.abandonedPct,
    r.firstLevelResolvedPct,
    r.calls.registered,
    r.calls.answered,
    r.calls.abandoned,
    r.calls.shortAbandoned,
    r.calls.outOfWindow,
    r.calls.firstLevelResolved,
    r.targets.answerTimeAvgSec,
    r.targets.abandonedPct,
    r.targets.firstLevelResolvedPct,
    r.met.answerTime,
    r.met.abandoned,
    r.met.firstLevelResolved,
  ];
}


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
}

const pct = (part: number, whole: number) => round2(whole > 0 ? (part * 100) / whole : null);

/**
 * CRM health (the city's performance plan): contacts registered per channel, response time from
 * registration to resolution (first-level answer or the back office's), response rate.
 */
export async function crmReport(db: Db, month: string, service?: Service): Promise<CrmReport> {
  const zone = service?.calendar.zone ?? DEFAULT_REPORT_ZONE;
  const { start, end } = monthBounds(month, zone);
  const rows = await createCrmReportStore(db).byChannel({ from: start, to: end, service: service?.code });
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
  };
}

/** Monthly reports for supervisors (admin too, as everywhere). */
export function reportsRouter(deps: AppDeps): Router {
  const router = Router();

  const parseQuery = (req: Request) => {
    const q = parseOr400(reportQuerySchema, req.query);
    let service: Service | undefined;
    if (q.service !== undefined) {
      service = deps.catalog.service(q.service);
      if (!service) throw invalidField('service', `unknown service ${q.service}`);
    }
    return { month: q.month, service };
  };

  router.get('/reports/sla', requireRole('supervisor'), async (req, res) => {
    const { month, service } = parseQuery(req);
    const format = reportFormat(req);
    if (service) {
      const report = await serviceSlaReport(deps.db, service, month);
      if (format !== 'json') return sendTable(res, format, `sla-${service.code}-${month}`, SLA_CSV_COLUMNS, [slaCsvRecord(month, report)]);
      return res.json(report);
    }
    const report = await allServicesSlaReport(deps.db, deps.catalog, month);
    if (format !== 'json') {
      return sendTable(res, format, `sla-${month}`, SLA_CSV_COLUMNS, [...report.services, report.totals].map((r) => slaCsvRecord(month, r)));
    }
    res.json(report);
  });

  router.get('/reports/crm', requireRole('supervisor'), async (req, res) => {
    const { month, service } = parseQuery(req);
    const format = reportFormat(req);
    const report = await crmReport(deps.db, month, service);
    if (format !== 'json') {
      const columns = ['month', 'service', 'channel', 'registered', 'resolved', 'responseRatePct', 'responseTimeMedianSec', 'responseTimeP90Sec'];
      const records = [
        ...report.channels.map((c) => [month, report.service ?? '', c.channel, c.registered, c.resolved, c.responseRatePct, c.responseTimeSec.median, c.responseTimeSec.p90]),
        [month, report.service ?? '', 'ALL', report.contacts.registered, report.contacts.resolved, report.responseRatePct, report.responseTimeSec.median, report.responseTimeSec.p90],
      ];
      return sendTable(res, format, `crm-${month}${service ? `-${service.code}` : ''}`, columns, records);
    }
    res.json(report);
  });

  return router;
}

/** OpenAPI description of the routes above. */
export const reportsPaths: ApiPaths = {
  '/reports/sla': {
    get: operation({ tag: 'reports', summary: 'The month’s SLA report, all services or one; CSV (`;`, BOM) or XLSX by Accept or ?format=', roles: ['supervisor'], query: reportQuerySchema, ok: { 200: 'The report' }, alsoProduces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], example: { query: { month: '2026-03', service: 'ADL' }, as: { role: 'supervisor' }, status: 200 } }),
  },
  '/reports/crm': {
    get: operation({ tag: 'reports', summary: 'The month’s CRM report by channel; CSV (`;`, BOM) or XLSX by Accept or ?format=', roles: ['supervisor'], query: reportQuerySchema, ok: { 200: 'The report' }, alsoProduces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], example: { query: { month: '2026-03' }, as: { role: 'supervisor' }, status: 200 } }),
  },
};
