import { DateTime } from 'luxon';
import type { BusinessCalendar } from './business-calendar';
import { slaSchema, type ServiceSla } from './catalog';

/**
 * The contract's monthly SLA indicators (Appendix 4 of the reference specification), per service,
 * over the calls registered inside the service's window:
 *
 * - answered (N): answeredAt is set. Tm = Σ (answeredAt − registeredAt) / N, in seconds.
 * - abandoned (M): no answer and endedAt − registeredAt > 10 s.
 * - short abandoned: no answer and endedAt − registeredAt ≤ 10 s (exactly 10.000 s is short);
 *   counted in neither M nor N.
 * - P = M / (M + N) × 100.
 * - Q = C / N × 100, C = answered calls with at least one linked contact (contacts.call_id) resolved
 *   at first level ('first_level', or 'auto' for a recorded answer); a call is counted once however
 *   many contacts share its id.
 *
 * Empty denominators: with N = 0 there is no answer time and no first-level ratio, with M + N = 0 no
 * abandon ratio: the figure is null and its `met` is null ("not measurable"), never a made-up 0 or
 * 100 that would decide a penalty either way.
 *
 * `met` compares the exact value (not the rounded one shown) with the target: Tm ≤ target,
 * P ≤ target, Q ≥ target. Figures in the response are rounded to 2 decimals.
 *
 * Pure: no I/O, no clock.
 */

/** A call counts as abandoned only after this long from registration. */
export const SHORT_ABANDON_MAX_SEC = 10;

/**
 * Targets where no single service's configuration applies (totals over several services): the
 * catalog's defaults, i.e. the contract's 13 s, 3 %, 75 %.
 */
export const DEFAULT_SLA_TARGETS: SlaTargets = targetsOf(slaSchema.parse({}));

export interface SlaTargets {
  answerTimeAvgSec: number;
  abandonedPct: number;
  firstLevelResolvedPct: number;
}

/** Additive raw counts: sums of these over days or services give the counts of the union. */
export interface SlaCounts {
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  /** Answered calls with a linked contact resolved at first level (C). */
  firstLevelResolved: number;
  /** Σ (answeredAt − registeredAt) over the answered calls, in microseconds (exact integer). */
  waitMicros: number;
}

export interface SlaIndicators {
  answerTimeAvgSec: number | null;
  abandonedPct: number | null;
  firstLevelResolvedPct: number | null;
}

export interface SlaMet {
  answerTime: boolean | null;
  abandoned: boolean | null;
  firstLevelResolved: boolean | null;
}

export const ZERO_COUNTS: SlaCounts = { answered: 0, abandoned: 0, shortAbandoned: 0, firstLevelResolved: 0, waitMicros: 0 };

export function addCounts(a: SlaCounts, b: SlaCounts): SlaCounts {
  return {
    answered: a.answered + b.answered,
    abandoned: a.abandoned + b.abandoned,
    shortAbandoned: a.shortAbandoned + b.shortAbandoned,
    firstLevelResolved: a.firstLevelResolved + b.firstLevelResolved,
    waitMicros: a.waitMicros + b.waitMicros,
  };
}

/** Tm, P, Q from the counts, unrounded (multiplying before dividing keeps 3/100 exactly 3). */
export function indicators(c: SlaCounts): SlaIndicators {
  return {
    answerTimeAvgSec: c.answered > 0 ? c.waitMicros / c.answered / 1e6 : null,
    abandonedPct: c.abandoned + c.answered > 0 ? (c.abandoned * 100) / (c.abandoned + c.answered) : null,
    firstLevelResolvedPct: c.answered > 0 ? (c.firstLevelResolved * 100) / c.answered : null,
  };
}

/**
 * Whether each target is met, decided on integers where possible so that a value exactly on the
 * target (13.000 s, 3 %, 75 %) is never lost to floating point.
 */
export function evaluateMet(c: SlaCounts, targets: SlaTargets): SlaMet {
  const n = c.answered;
  const mn = c.abandoned + c.answered;
  return {
    answerTime: n > 0 ? c.waitMicros <= targets.answerTimeAvgSec * 1e6 * n : null,
    abandoned: mn > 0 ? c.abandoned * 100 <= targets.abandonedPct * mn : null,
    firstLevelResolved: n > 0 ? c.firstLevelResolved * 100 >= targets.firstLevelResolvedPct * n : null,
  };
}

export function targetsOf(sla: ServiceSla): SlaTargets {
  return { answerTimeAvgSec: sla.answerTimeTargetSec, abandonedPct: sla.abandonedPctTarget, firstLevelResolvedPct: sla.firstLevelResolvedPctTarget };
}

/** Half-up rounding to 2 decimals without the binary artefacts of x * 100 (1.005 → 1.01). */
export function round2(x: number): number;
export function round2(x: number | null): number | null;
export function round2(x: number | null): number | null {
  if (x === null) return null;
  const text = String(x);
  // Tiny or huge numbers print in exponent form, where the decimal shift below does not apply.
  if (text.includes('e')) return Math.round(x * 100) / 100;
  return Number(`${Math.round(Number(`${text}e2`))}e-2`);
}

/** 'YYYY-MM', years 1970-2999: wider than any call record, narrow enough for every date library and PostgreSQL. */
export const MONTH_PATTERN = /^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$/;

/** [start, end) of a 'YYYY-MM' month in epoch ms, local midnights in `zone` (DST-safe). */
export function monthBounds(month: string, zone: string): { start: number; end: number } {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new Error(`Invalid month ${month}: expected YYYY-MM`);
  const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone });
  if (!start.isValid) throw new Error(`Invalid zone ${zone}`);
  return { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

/** The local dates 'YYYY-MM-DD' of a month, in order. */
export function daysOfMonth(month: string): string[] {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new Error(`Invalid month ${month}: expected YYYY-MM`);
  const first = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: 'UTC' });
  return Array.from({ length: first.daysInMonth ?? 0 }, (_, i) => first.plus({ days: i }).toISODate() as string);
}

export type Interval = [number, number];

/**
 * The open intervals [lo, hi) of the calendar inside [from, to), walking nextOpening/nextClosing:
 * holidays, closed days, weekends and DST are the calendar's business, so the report counts exactly
 * what the calendar says is open. An always-open calendar gives one interval.
 */
export function openIntervals(calendar: Pick<BusinessCalendar, 'nextOpening' | 'nextClosing'>, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  let t = from;
  // Bounded: a month has at most a few windows per day.
  for (let guard = 0; t < to && guard < 10_000; guard++) {
    let lo: number;
    try {
      lo = calendar.nextOpening(t);
    } catch {
      break; // the calendar does not open again within its search horizon: no more intervals
    }
    if (!(lo < to)) break;
    const close = calendar.nextClosing(lo);
    const hi = Math.min(close, to);
    if (!(hi > lo)) break;
    const last = out[out.length - 1];
    if (last && last[1] === lo) last[1] = hi;
    else out.push([lo, hi]);
    t = hi;
  }
  return out;
}

/** A piece of the month inside one local day and wholly inside or wholly outside the window. */
export interface MonthSegment {
  from: number;
  to: number;
  /** Local date 'YYYY-MM-DD' in the service zone. */
  date: string;
  open: boolean;
}

/**
 * The month [start, end) cut at every window edge and every local midnight, in order. Each call of
 * the month falls in exactly one segment, which says both whether it counts (open) and on which
 * local day: SQL then only has to find a call's segment (a binary search, `width_bucket`), with no
 * per-row time zone arithmetic.
 */
export function monthSegments(intervals: Interval[], month: string, zone: string): MonthSegment[] {
  const { start, end } = monthBounds(month, zone);
  const cuts = new Set<number>([start, end]);
  for (const date of daysOfMonth(month)) cuts.add(DateTime.fromISO(date, { zone }).toMillis());
  for (const [lo, hi] of intervals) {
    if (lo > start && lo < end) cuts.add(lo);
    if (hi > start && hi < end) cuts.add(hi);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const segments: MonthSegment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i];
    segments.push({
      from,
      to: sorted[i + 1],
      date: DateTime.fromMillis(from, { zone }).toISODate() as string,
      open: intervals.some(([lo, hi]) => lo <= from && from < hi),
    });
  }
  return segments;
}
