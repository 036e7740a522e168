import type { BusinessCalendar } from './business-calendar';

/**
 * Time left before a deadline (or past it), as the page shows it: "2 giorni lavorativi e 3 ore".
 * `basis: 'business'` counts open time of the service's calendar, the clock the deadline was set
 * with (a business day is the step `addBusinessTime(t, 'P1D')` takes, so weekends and holidays do
 * not count); `basis: 'calendar'` is plain elapsed time (complaint terms are calendar days).
 */
export interface RemainingTime {
  basis: 'business' | 'calendar';
  dueAt: string;
  overdue: boolean;
  /** Open minutes until the deadline, negative once it has passed; null on the calendar basis. */
  businessMinutes: number | null;
  /** |remaining| = days (business or calendar) + hours + minutes. */
  days: number;
  hours: number;
  minutes: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Deadlines further than this many business days are shown in days only past it (bounded loop). */
const MAX_DAYS = 800;

/** Remaining time from `now` to `due` (epoch ms); a null calendar means calendar days. */
export function remainingTime(calendar: BusinessCalendar | null, now: number, due: number): RemainingTime {
  const overdue = due < now;
  const [from, to] = overdue ? [due, now] : [now, due];
  const dueAt = new Date(due).toISOString();
  if (!calendar) {
    const ms = to - from;
    return { basis: 'calendar', dueAt, overdue, businessMinutes: null, days: Math.floor(ms / DAY), hours: Math.floor((ms % DAY) / HOUR), minutes: Math.floor((ms % HOUR) / MINUTE) };
  }
  const open = calendar.businessTimeBetween(from, to);
  let days = 0;
  let dayStart = from;
  while (days < MAX_DAYS) {
    const next = calendar.addBusinessTime(from, `P${days + 1}D`);
    if (next > to) break;
    days += 1;
    dayStart = next;
  }
  const rest = days === 0 ? open : calendar.businessTimeBetween(dayStart, to);
  const businessMinutes = Math.floor(open / MINUTE);
  return { basis: 'business', dueAt, overdue, businessMinutes: overdue ? -businessMinutes : businessMinutes, days, hours: Math.floor(rest / HOUR), minutes: Math.floor((rest % HOUR) / MINUTE) };
}
