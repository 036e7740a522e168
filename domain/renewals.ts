/**
 * Rules of the banca dati rinnovi and of its daily export that the API, the activities and the
 * workflows share. Pure (no clock, no I/O): usable inside workflow code.
 */
import { DateTime } from 'luxon';
import type { Service, ServiceCatalog } from './catalog';

/** Input of the schedule's action: no date, it comes from the action's scheduled time. */
export interface ScheduledRenewalsExportInput {
  service: string;
  /** Zone of the schedule: the scheduled time's local date is the business date. */
  zone: string;
  catchUpDays: number;
  /** Only to run the scheduled path for a given date by hand. */
  date?: string;
}

/** The service that keeps the renewals database: the configured one, else the only one with job centres. */
export function renewalsServiceOf(catalog: ServiceCatalog, preferred = 'ADL'): Service | undefined {
  const named = catalog.service(preferred);
  if (named && named.jobCentres.length > 0) return named;
  const withCentres = catalog.services.filter((s) => s.jobCentres.length > 0);
  return withCentres.length === 1 ? withCentres[0] : named;
}

/** 'YYYY-MM-DD' that exists in the calendar (2026-02-30 does not). */
export function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid;
}

/** The local date in `zone` of an instant: the business date of a scheduled run. */
export function localDateOf(ms: number, zone: string): string {
  const d = DateTime.fromMillis(ms, { zone });
  if (!d.isValid) throw new Error(`Invalid zone ${zone}`);
  return d.toISODate() as string;
}

/** The instant a local date starts in `zone` (DST-aware: a day may last 23 or 25 hours). */
export function startOfLocalDate(date: string, zone: string): number {
  const d = DateTime.fromISO(date, { zone });
  if (!d.isValid) throw new Error(`Invalid date ${date} or zone ${zone}`);
  return d.startOf('day').toMillis();
}

/** Calendar arithmetic on 'YYYY-MM-DD' strings, zone-free. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate() as string;
}

/** The latest business day strictly before `date`, looking back at most `maxDays`. */
export function previousBusinessDay(date: string, isBusinessDay: (d: string) => boolean, maxDays = 366): string | undefined {
  for (let i = 1; i <= maxDays; i++) {
    const d = addDays(date, -i);
    if (isBusinessDay(d)) return d;
  }
  return undefined;
}

/**
 * The period one business date's export covers: from the previous business date's cut-off to this
 * date's. So changes made on a closed day (a Saturday, a holiday) go with the next business date,
 * and changes made on a date after its export already ran (an early manual run) go with the next
 * one too: every change is exported exactly once.
 *
 * - end: the end of the local date, or the moment of its first run if that came earlier;
 * - start: the previous business date's recorded end, else the end of that date (its run, whenever
 *   it happens, will end there because it will run after the date is over).
 */
export function exportPeriod(p: {
  date: string;
  zone: string;
  firstRunAt: number;
  isBusinessDay: (d: string) => boolean;
  /** Recorded end of an earlier date's run, if it ran. */
  recordedEnd: (date: string) => number | undefined;
}): { start: number; end: number } {
  const end = Math.min(startOfLocalDate(addDays(p.date, 1), p.zone), p.firstRunAt);
  const previous = previousBusinessDay(p.date, p.isBusinessDay);
  const start = previous ? (p.recordedEnd(previous) ?? startOfLocalDate(addDays(previous, 1), p.zone)) : startOfLocalDate(p.date, p.zone);
  return { start: Math.min(start, end), end };
}

/**
 * Dates a scheduled run exports: its own date, plus the business dates within the catch-up window
 * (before today) that have no completed export. Overlap SKIP means that after an outage the
 * schedule's catch-up starts only one of the missed actions; this way that one run covers the others.
 * Never before the first date ever exported: a fresh install does not send a week of empty files.
 * Today is left to its own scheduled action.
 */
export function planScheduledDates(p: {
  scheduledDate: string;
  today: string;
  catchUpDays: number;
  isBusinessDay: (d: string) => boolean;
  completed: ReadonlySet<string>;
  /** The first date ever exported, if any. */
  firstExported?: string;
}): string[] {
  const wanted = (d: string) => p.isBusinessDay(d) && !p.completed.has(d);
  const dates = new Set<string>();
  if (wanted(p.scheduledDate)) dates.add(p.scheduledDate);
  if (p.firstExported) {
    const windowStart = addDays(p.today, -p.catchUpDays);
    for (let d = windowStart < p.firstExported ? p.firstExported : windowStart; d < p.today; d = addDays(d, 1)) if (wanted(d)) dates.add(d);
  }
  return [...dates].sort();
}

/**
 * The business date of a schedule's action: the local date, in the schedule's zone, of the time the
 * action was scheduled for (the TemporalScheduledStartTime search attribute), not of the moment it
 * actually ran, so a late catch-up or a backfill exports the right day.
 */
export function scheduledDateOf(scheduledStart: Date | string | number | null | undefined, zone: string): string | undefined {
  if (scheduledStart === null || scheduledStart === undefined) return undefined;
  const ms = scheduledStart instanceof Date ? scheduledStart.getTime() : typeof scheduledStart === 'number' ? scheduledStart : Date.parse(scheduledStart);
  return Number.isFinite(ms) ? localDateOf(ms, zone) : undefined;
}
