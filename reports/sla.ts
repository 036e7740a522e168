/**
 * The monthly SLA report (answer time, abandoned calls, first-level resolution against the
 * service's targets): served by the API and measured by bench/sla-report.ts.
 */
import type { CallStore } from '../infra/stores/calls';
import type { Service, ServiceCatalog } from '../domain/catalog';
import { businessCalendar } from '../domain/business-calendar';
import {
  DEFAULT_SLA_TARGETS,
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
} from '../domain/sla';

/** What the report reads: the calls of each segment of the month, counted in SQL. */
export type SlaCallCounts = Pick<CallStore, 'slaCountsBySegment'>;

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
async function serviceFigures(calls: SlaCallCounts, service: Service, month: string): Promise<ServiceFigures> {
  const zone = service.calendar.zone;
  const { start, end } = monthBounds(month, zone);
  const segments = monthSegments(openIntervals(businessCalendar(service.calendar), start, end), month, zone);
  const bySegment = await calls.slaCountsBySegment({ service: service.code, segments });
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
export async function serviceSlaReport(calls: SlaCallCounts, service: Service, month: string): Promise<ServiceSlaReport> {
  const f = await serviceFigures(calls, service, month);
  return { month, ...f.row, service: service.code, zone: service.calendar.zone, daily: f.daily };
}

/**
 * Every service of the catalog, each in its own zone and window, and the totals: the formulas
 * recomputed over all counted calls (not an average of the services' percentages), against the
 * default targets since services may configure different ones.
 */
export async function allServicesSlaReport(calls: SlaCallCounts, catalog: ServiceCatalog, month: string): Promise<{ month: string; services: SlaRow[]; totals: SlaRow }> {
  const figures = await Promise.all(catalog.services.map((s) => serviceFigures(calls, s, month)));
  const counts = figures.reduce<SlaCounts>((acc, f) => addCounts(acc, f.counts), ZERO_COUNTS);
  const outOfWindow = figures.reduce((acc, f) => acc + f.outOfWindow, 0);
  return { month, services: figures.map((f) => f.row), totals: rowOf(null, counts, outOfWindow, DEFAULT_SLA_TARGETS) };
}
