import { DateTime, Duration, IANAZone } from 'luxon';
import Holidays from 'date-holidays';
import type { CalendarSpec } from './catalog';

/**
 * Business calendar of a service: when its offices are open, and SLA arithmetic in open time.
 *
 * Pure and deterministic (it runs inside Temporal's workflow sandbox): no clock, no I/O, no Node APIs.
 * Times are epoch milliseconds; durations are ISO 8601 strings ('PT4H', 'P2D', 'P1DT2H').
 *
 * Model
 * - The weekly window is wall-clock time in `spec.zone`, so DST changes move the UTC instants and
 *   never the local hours. A day's intervals are built from that day's local date ('24:00' = the
 *   next local midnight). An interval must end after it starts on the same day (no overnight
 *   intervals: split them as 22:00-24:00 and 00:00-06:00 on the next day).
 * - A day is closed if it is a public holiday of date-holidays (type 'public' only; the whole local
 *   day, even when date-holidays gives the holiday a start time) or matches `closedDates`; a day
 *   matching `openDates` is not closed (it still has no window if the weekly rule gives it none).
 * - Open intervals are half-open [from, to). Back-to-back intervals (12:00-14:00 then 14:00-18:00,
 *   or 00:00-24:00 on consecutive days) count as one span for `nextClosing`.
 * - `alwaysOpen`: every instant is open, holidays and windows are ignored, durations are elapsed time.
 *
 * Durations
 * - alwaysOpen: plain elapsed time, P1D = 24 h, P1W = 7 × 24 h.
 * - windowed: start from nextOpening(t); the days part (P1W = 5 business days) moves to the same
 *   local wall-clock time on the Nth following business day (a day with an open interval); if that
 *   time is not inside an interval of that day it is clamped to that day's window: to the end of the
 *   interval before it (after the last closing: to the last closing) or, before the first opening,
 *   to the first opening. All these choices are equivalent in open time. Then the hours, minutes and
 *   seconds are consumed as open time, spilling over to the following business days; ending exactly
 *   at a closing returns the closing instant. A zero duration returns nextOpening(t).
 * - Months and years have no business-time meaning and are rejected everywhere, as are negative
 *   durations and fractional days/weeks on windowed calendars.
 *
 * Searches stop with an Error after SEARCH_HORIZON_DAYS without finding an open day (a calendar whose
 * every day is closed) instead of looping forever.
 */
export interface BusinessCalendar {
  /** Inside an open interval of a non-closed day (always true when alwaysOpen). */
  isOpen(t: number): boolean;
  /** t itself if open, else the next instant an interval opens. */
  nextOpening(t: number): number;
  /**
   * If open: the end of the current open span; else the end of the next one. Infinity when
   * alwaysOpen, or when the calendar stays open for the whole search horizon.
   */
  nextClosing(t: number): number;
  /** t plus `duration` of business time (see the module comment for the rules). */
  addBusinessTime(t: number, duration: string): number;
  /** Milliseconds of open time in [a, b); 0 if b <= a. */
  businessTimeBetween(a: number, b: number): number;
  /** 'YYYY-MM-DD' (local date in the calendar's zone) has a weekly interval and is not closed; always true when alwaysOpen. */
  isBusinessDay(isoDate: string): boolean;
  /** Name(s) of the public holiday(s) on that date per date-holidays, even if openDates re-opens it; undefined otherwise (closedDates carry no name). */
  holidayName(isoDate: string): string | undefined;
}

/** How far nextOpening and the business-day search look before giving up (about 3 years). */
export const SEARCH_HORIZON_DAYS = 3 * 366;

const MS_PER_DAY = 86_400_000;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** [from, to) in minutes after local midnight. */
type ClockInterval = readonly [number, number];
/** [from, to) in epoch milliseconds. */
type Interval = readonly [number, number];

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function businessCalendar(spec: CalendarSpec): BusinessCalendar {
  if (!IANAZone.isValidZone(spec.zone)) throw new Error(`Unknown time zone ${spec.zone}`);
  if (spec.alwaysOpen) return new AlwaysOpenCalendar(spec);
  return new WindowedCalendar(spec);
}

/**
 * Calendars already built, by their spec: a worker builds each (holiday tables included) once,
 * not at every workflow start. Pure: a cached calendar answers exactly as a new one would.
 */
const builtCalendars = new Map<string, BusinessCalendar>();

/** `businessCalendar(spec)`, built once per distinct spec and process. */
export function calendarOf(spec: CalendarSpec): BusinessCalendar {
  const key = JSON.stringify(spec);
  let calendar = builtCalendars.get(key);
  if (!calendar) {
    calendar = businessCalendar(spec);
    builtCalendars.set(key, calendar);
  }
  return calendar;
}

/**
 * When to remind of a deadline: `lead` of business time before `due`, counted on a clock that
 * started at `from`; never before `from` (a deadline closer than the lead is reminded at once).
 */
export function reminderInstant(calendar: BusinessCalendar, from: number, due: number, lead: string): number {
  const leadMs = Duration.fromISO(lead).toMillis();
  const total = calendar.businessTimeBetween(from, due);
  if (total <= leadMs) return from;
  return calendar.addBusinessTime(from, `PT${Math.floor((total - leadMs) / 1000)}S`);
}

abstract class BaseCalendar {
  protected readonly zone: string;
  private readonly closedRules: DayRules;
  private readonly openRules: DayRules;
  private holidaySource: Holidays | null = null;
  /** Public holidays by 'YYYY-MM-DD', filled one year at a time. */
  private readonly holidays = new Map<string, string[]>();
  private readonly loadedYears = new Set<number>();

  constructor(protected readonly spec: CalendarSpec) {
    this.zone = spec.zone;
    this.closedRules = new DayRules(spec.closedDates);
    this.openRules = new DayRules(spec.openDates);
    if (spec.holidays && !(spec.holidays.country.toUpperCase() in new Holidays().getCountries())) {
      throw new Error(`date-holidays does not know country ${spec.holidays.country}`);
    }
  }

  holidayName(isoDate: string): string | undefined {
    const names = this.holidayNames(parseIsoDate(isoDate));
    return names ? names.join(', ') : undefined;
  }

  /** Closed by a holiday or closedDates, and not re-opened by openDates. */
  protected isClosedDay(d: CivilDate): boolean {
    if (!this.closedRules.matches(d) && !this.holidayNames(d)) return false;
    return !this.openRules.matches(d);
  }

  private holidayNames(d: CivilDate): string[] | undefined {
    const h = this.spec.holidays;
    if (!h) return undefined;
    if (!this.loadedYears.has(d.year)) {
      this.holidaySource ??= new Holidays({ country: h.country, state: h.state, region: h.region });
      for (const holiday of this.holidaySource.getHolidays(d.year)) {
        if (holiday.type !== 'public') continue;
        // `date` is the local date in the country ("YYYY-MM-DD hh:mm:ss"); a holiday lasting several
        // days (rare) closes each of them.
        const first = parseIsoDate(holiday.date.slice(0, 10));
        const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / MS_PER_DAY));
        for (let i = 0; i < days; i++) {
          const key = isoDate(civilFromDays(daysFromCivil(first) + i));
          const names = this.holidays.get(key) ?? [];
          if (!names.includes(holiday.name)) names.push(holiday.name);
          this.holidays.set(key, names);
        }
      }
      this.loadedYears.add(d.year);
    }
    return this.holidays.get(isoDate(d));
  }
}

class AlwaysOpenCalendar extends BaseCalendar implements BusinessCalendar {
  isOpen(_t: number): boolean {
    return true;
  }
  nextOpening(t: number): number {
    return t;
  }
  nextClosing(_t: number): number {
    return Number.POSITIVE_INFINITY;
  }
  addBusinessTime(t: number, duration: string): number {
    const d = parseDuration(duration);
    return t + (d.weeks * 7 + d.days) * MS_PER_DAY + d.timeMs;
  }
  businessTimeBetween(a: number, b: number): number {
    return Math.max(0, b - a);
  }
  isBusinessDay(isoDate: string): boolean {
    parseIsoDate(isoDate);
    return true;
  }
}

class WindowedCalendar extends BaseCalendar implements BusinessCalendar {
  /** Merged clock intervals per ISO weekday (index 0 = Monday). */
  private readonly weekly: ClockInterval[][];

  constructor(spec: CalendarSpec) {
    super(spec);
    const perDay: ClockInterval[][] = WEEKDAYS.map(() => []);
    for (const w of spec.weekly) {
      const from = clockMinutes(w.from);
      const to = clockMinutes(w.to);
      if (to <= from) throw new Error(`Weekly interval ${w.from}-${w.to} must end after it starts (use 24:00 for midnight)`);
      for (const day of w.days) perDay[WEEKDAYS.indexOf(day)].push([from, to]);
    }
    this.weekly = perDay.map(mergeClock);
  }

  isOpen(t: number): boolean {
    return this.dayIntervals(this.localDay(t)).some(([s, e]) => s <= t && t < e);
  }

  nextOpening(t: number): number {
    const first = this.firstIntervalEndingAfter(t);
    return Math.max(first.interval[0], t);
  }

  nextClosing(t: number): number {
    const first = this.firstIntervalEndingAfter(t);
    let day = first.day;
    let end = first.interval[1];
    // Extend over back-to-back intervals, which only meet at the same instant.
    for (let scanned = 0; ; ) {
      const next = this.dayIntervals(day).find(([s]) => s >= end);
      if (next) {
        if (next[0] !== end) return end;
        end = next[1];
        continue;
      }
      day++;
      if (++scanned > SEARCH_HORIZON_DAYS) return Number.POSITIVE_INFINITY;
      const head = this.dayIntervals(day)[0];
      if (!head || head[0] !== end) return end;
      end = head[1];
    }
  }

  addBusinessTime(t: number, duration: string): number {
    const d = parseDuration(duration);
    const businessDays = d.weeks * 5 + d.days;
    if (!Number.isInteger(businessDays)) throw new Error(`Duration ${duration}: days and weeks must be whole business days`);
    let cursor = this.nextOpening(t);
    if (businessDays > 0) cursor = this.sameTimeAfterBusinessDays(cursor, businessDays);
    let remaining = d.timeMs;
    if (remaining === 0) return cursor;
    for (;;) {
      const { interval } = this.firstIntervalEndingAfter(cursor);
      const start = Math.max(interval[0], cursor);
      const available = interval[1] - start;
      if (remaining <= available) return start + remaining;
      remaining -= available;
      cursor = interval[1];
    }
  }

  businessTimeBetween(a: number, b: number): number {
    if (b <= a) return 0;
    let total = 0;
    const last = this.localDay(b);
    for (let day = this.localDay(a); day <= last; day++) {
      for (const [s, e] of this.dayIntervals(day)) {
        const from = Math.max(s, a);
        const to = Math.min(e, b);
        if (to > from) total += to - from;
      }
    }
    return total;
  }

  isBusinessDay(iso: string): boolean {
    const d = parseIsoDate(iso);
    return this.weekly[isoWeekday(daysFromCivil(d)) - 1].length > 0 && !this.isClosedDay(d);
  }

  /** Same local wall-clock time as `t` (an open instant) on the Nth business day after t's day, clamped into that day's window. */
  private sameTimeAfterBusinessDays(t: number, n: number): number {
    let day = this.localDay(t);
    let emptyRun = 0;
    let intervals: Interval[] = [];
    for (let found = 0; found < n; ) {
      day++;
      intervals = this.dayIntervals(day);
      if (intervals.length > 0) {
        found++;
        emptyRun = 0;
      } else if (++emptyRun > SEARCH_HORIZON_DAYS) {
        throw new Error(`No business day within ${SEARCH_HORIZON_DAYS} days after ${DateTime.fromMillis(t, { zone: this.zone }).toISO()}`);
      }
    }
    const local = DateTime.fromMillis(t, { zone: this.zone });
    const date = civilFromDays(day);
    const target = DateTime.fromObject(
      { ...date, hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond },
      { zone: this.zone },
    ).toMillis();
    if (target < intervals[0][0]) return intervals[0][0];
    let clamped = intervals[0][0];
    for (const [s, e] of intervals) {
      if (target >= s && target < e) return target;
      if (e <= target) clamped = e;
    }
    return clamped;
  }

  /** The first open interval (of t's local day or a later one) that ends after t. */
  private firstIntervalEndingAfter(t: number): { interval: Interval; day: number } {
    const start = this.localDay(t);
    for (let day = start; day <= start + SEARCH_HORIZON_DAYS; day++) {
      const interval = this.dayIntervals(day).find(([, e]) => e > t);
      if (interval) return { interval, day };
    }
    throw new Error(`The calendar does not open within ${SEARCH_HORIZON_DAYS} days after ${DateTime.fromMillis(t, { zone: this.zone }).toISO()}`);
  }

  /** Open intervals of a local day (days since 1970-01-01), in epoch ms, sorted and merged; [] if closed. */
  private dayIntervals(day: number): Interval[] {
    const clock = this.weekly[isoWeekday(day) - 1];
    if (clock.length === 0) return [];
    const date = civilFromDays(day);
    if (this.isClosedDay(date)) return [];
    const intervals: Interval[] = [];
    for (const [from, to] of clock) {
      const s = this.localInstant(day, from);
      const e = this.localInstant(day, to);
      // A window edge inside a DST gap is moved forward by the gap; drop what collapses.
      if (e > s) intervals.push([s, e]);
    }
    return intervals;
  }

  /** Epoch ms of `minutes` after local midnight of `day` (1440 = the next local midnight). */
  private localInstant(day: number, minutes: number): number {
    if (minutes === 1440) return this.localInstant(day + 1, 0);
    const { year, month, day: dd } = civilFromDays(day);
    return DateTime.fromObject({ year, month, day: dd, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: this.zone }).toMillis();
  }

  private localDay(t: number): number {
    const local = DateTime.fromMillis(t, { zone: this.zone });
    return daysFromCivil({ year: local.year, month: local.month, day: local.day });
  }
}

/** closedDates / openDates: 'MM-DD' every year or 'YYYY-MM-DD' once. */
class DayRules {
  private readonly everyYear = new Set<string>();
  private readonly once = new Set<string>();
  constructor(rules: string[]) {
    for (const r of rules) {
      if (/^\d{2}-\d{2}$/.test(r)) this.everyYear.add(r);
      else if (/^\d{4}-\d{2}-\d{2}$/.test(r)) this.once.add(r);
      else throw new Error(`Invalid day rule ${r}: expected MM-DD or YYYY-MM-DD`);
    }
  }
  matches(d: CivilDate): boolean {
    const iso = isoDate(d);
    return this.once.has(iso) || this.everyYear.has(iso.slice(5));
  }
}

interface ParsedDuration {
  weeks: number;
  days: number;
  /** hours, minutes, seconds and milliseconds as ms. */
  timeMs: number;
}

function parseDuration(iso: string): ParsedDuration {
  const d = Duration.fromISO(iso);
  if (!d.isValid) throw new Error(`Invalid ISO 8601 duration ${iso}`);
  if (d.years !== 0 || d.quarters !== 0 || d.months !== 0) throw new Error(`Duration ${iso}: months and years are not supported for business time`);
  const parts = [d.weeks, d.days, d.hours, d.minutes, d.seconds, d.milliseconds];
  if (parts.some((p) => p < 0)) throw new Error(`Duration ${iso}: negative durations are not supported`);
  return {
    weeks: d.weeks,
    days: d.days,
    timeMs: Math.round(((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000 + d.milliseconds),
  };
}

function clockMinutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`Invalid clock time ${hhmm}: expected HH:mm`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 1440 || Number(m[2]) > 59) throw new Error(`Invalid clock time ${hhmm}`);
  return minutes;
}

function mergeClock(intervals: ClockInterval[]): ClockInterval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

function parseIsoDate(iso: string): CivilDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const d = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
  if (!d || d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysInMonth(d.year, d.month)) throw new Error(`Invalid date ${iso}: expected YYYY-MM-DD`);
  return d;
}

function isoDate({ year, month, day }: CivilDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return civilFromDays(daysFromCivil({ year: month === 12 ? year + 1 : year, month: month === 12 ? 1 : month + 1, day: 1 }) - 1).day;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day counted from 1970-01-01 (a Thursday). */
function isoWeekday(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

// Proleptic Gregorian date <-> days since 1970-01-01 (H. Hinnant's algorithms): plain arithmetic, no Date.
function daysFromCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
