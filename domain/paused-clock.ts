/**
 * A deadline clock that stops while the office waits for someone outside (the citizen's reply to a
 * question, a callback that found nobody) and resumes with the business time it had left.
 *
 * Pure and deterministic (used inside workflows): times are epoch milliseconds, durations business
 * time in the service's calendar. A pause at `p` keeps, for each pending deadline, the business time
 * between `p` and its due instant; the resumption at `r` puts each deadline that much business time
 * after `r`. So a deadline moves by exactly the business time that passed while paused.
 */
import type { BusinessCalendar } from './business-calendar';

/** Used when a catalog (or an older kept version of it) names no `sla.citizenReplyLimit`. */
export const DEFAULT_CITIZEN_REPLY_LIMIT = 'P10D';

/** The longest a callback may be put off ("non raggiungibile, riprova"), in calendar days. */
export const MAX_RETRY_DAYS = 30;

/** Business time left at `at` until each due instant (0 once it has passed). */
export function remainingAt<K extends string>(calendar: BusinessCalendar, at: number, dues: Record<K, number>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(dues) as K[]) out[key] = calendar.businessTimeBetween(at, dues[key]);
  return out;
}

/**
 * The due instant of a deadline that had `remainingMs` of business time left, resumed at `at`.
 * Time that ends exactly at a closing is moved to the next opening (the same business time), as
 * day-based deadlines are: otherwise a deadline resumed within the same closed spell would show an
 * earlier clock time than before the pause (Friday 17:00 instead of Monday 08:00).
 */
export function resumedDue(calendar: BusinessCalendar, at: number, remainingMs: number): number {
  const due = calendar.addBusinessTime(at, businessDuration(remainingMs));
  return calendar.isOpen(due) ? due : calendar.nextOpening(due);
}

/** Milliseconds as an ISO 8601 duration of hours-and-seconds business time (never whole days). */
export function businessDuration(ms: number): string {
  return `PT${Math.max(0, Math.round(ms)) / 1000}S`;
}

/**
 * When a callback put off to `requested` is really due: that instant if the office is open then,
 * else the next opening of its calendar.
 */
export function retryInstant(calendar: BusinessCalendar, requested: number): number {
  return calendar.nextOpening(requested);
}
