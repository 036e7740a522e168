import { businessCalendar } from '../../domain/business-calendar';
import { calendarSchema } from '../../domain/catalog';
import { remainingAt, resumedDue, retryInstant } from '../../domain/paused-clock';

// Europe/Rome in December 2026 is +01:00; 4 December is a Friday, 7 December a Monday.
const calendar = businessCalendar(
  calendarSchema.parse({ zone: 'Europe/Rome', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }] }),
);
const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

test('a deadline resumed later keeps exactly the business time it had left', () => {
  const due = at('2026-12-09T10:00:00+01:00'); // Wednesday 10:00
  const left = remainingAt(calendar, at('2026-12-04T16:00:00+01:00'), { resolve: due }).resolve; // Friday 16:00
  expect(left).toBe(HOUR + 2 * 9 * HOUR + 2 * HOUR);
  const resumed = resumedDue(calendar, at('2026-12-07T12:00:00+01:00'), left); // Monday noon
  expect(resumed).toBe(at('2026-12-09T15:00:00+01:00'));
  expect(calendar.businessTimeBetween(at('2026-12-07T12:00:00+01:00'), resumed)).toBe(left);
});

test('time that runs out exactly at a closing is due at the next opening, never earlier on the clock', () => {
  // Paused and resumed on a Saturday with 45 hours left: the time ends at Friday's closing.
  const saturday = at('2026-12-05T10:00:00+01:00');
  const resumed = resumedDue(calendar, saturday, 45 * HOUR);
  expect(resumed).toBe(at('2026-12-14T08:00:00+01:00'));
  expect(calendar.businessTimeBetween(saturday, resumed)).toBe(45 * HOUR);
});

test('a deadline already passed while paused is due at the resumption (or the next opening)', () => {
  expect(resumedDue(calendar, at('2026-12-07T09:00:00+01:00'), 0)).toBe(at('2026-12-07T09:00:00+01:00'));
  expect(resumedDue(calendar, at('2026-12-05T09:00:00+01:00'), 0)).toBe(at('2026-12-07T08:00:00+01:00'));
});

test('a retry asked for after closing is moved to the next opening', () => {
  expect(retryInstant(calendar, at('2026-12-04T19:00:00+01:00'))).toBe(at('2026-12-07T08:00:00+01:00'));
  expect(retryInstant(calendar, at('2026-12-07T11:30:00+01:00'))).toBe(at('2026-12-07T11:30:00+01:00'));
});
