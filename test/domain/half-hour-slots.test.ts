import { DateTime } from 'luxon';
import { businessCalendar } from '../../domain/business-calendar';
import { calendarSchema } from '../../domain/catalog';
import { clockMinutes, halfHourSlots, slotIndexOf } from '../../domain/half-hour-slots';
import { monthBounds, openIntervals } from '../../domain/sla';

const zone = 'Europe/Rome';
const slotsOf = (calendar: unknown, month: string) => {
  const { start, end } = monthBounds(month, zone);
  return halfHourSlots(openIntervals(businessCalendar(calendarSchema.parse(calendar)), start, end), zone);
};
const window = { zone, weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:15', to: '17:00' }], holidays: { country: 'IT' } };

describe('half-hour slots of the service window', () => {
  it('skip weekends and holidays; a window opening at a quarter past starts with a short slot', () => {
    const slots = slotsOf(window, '2026-04');
    // April 2026: 22 weekdays, Easter Monday (6th) and Liberation Day (25th, a Saturday) → 21 open days.
    const days = [...new Set(slots.map((s) => s.date))];
    expect(days).toHaveLength(21);
    expect(days).not.toContain('2026-04-06');
    // A window opening at 08:15: a quarter-hour slot, then whole half hours.
    const first = slots.filter((s) => s.date === '2026-04-01').slice(0, 2);
    expect(first.map((s) => [s.from, s.to, s.halfHour, s.weekday])).toEqual([
      ['08:15', '08:30', '08:00', 'wed'],
      ['08:30', '09:00', '08:30', 'wed'],
    ]);
    expect(first[0].fromMs).toBe(DateTime.fromISO('2026-04-01T08:15', { zone }).toMillis());
    expect(first[0].toMs - first[0].fromMs).toBe(15 * 60_000);
    expect(slots.filter((s) => s.date === '2026-04-01')).toHaveLength(18);
  });

  it('a 24/7 service: 46 half hours on the spring night, 50 on the autumn one, 24:00 at midnight', () => {
    const march = slotsOf({ zone, alwaysOpen: true }, '2026-03');
    expect(march).toHaveLength(31 * 48 - 2);
    const springNight = march.filter((s) => s.date === '2026-03-29');
    expect(springNight.map((s) => s.from).slice(3, 6)).toEqual(['01:30', '03:00', '03:30']);
    const october = slotsOf({ zone, alwaysOpen: true }, '2026-10');
    expect(october.filter((s) => s.date === '2026-10-25')).toHaveLength(50);
    expect(october.filter((s) => s.date === '2026-10-25' && s.halfHour === '02:30')).toHaveLength(2);
    expect(october[october.length - 1]).toMatchObject({ date: '2026-10-31', from: '23:30', to: '24:00' });
    // Contiguous, each exactly 30 minutes long.
    for (let i = 1; i < october.length; i++) {
      expect(october[i].fromMs).toBe(october[i - 1].toMs);
      expect(october[i].toMs - october[i].fromMs).toBe(30 * 60_000);
    }
  });

  it('finds the slot of an instant, or none outside the window', () => {
    const slots = slotsOf(window, '2026-04');
    const at = (iso: string) => slotIndexOf(slots, DateTime.fromISO(iso, { zone }).toMillis());
    expect(slots[at('2026-04-01T08:15')]).toMatchObject({ date: '2026-04-01', from: '08:15' });
    expect(slots[at('2026-04-01T16:59:59.999')]).toMatchObject({ date: '2026-04-01', from: '16:30' });
    expect(at('2026-04-01T08:14:59.999')).toBe(-1);
    expect(at('2026-04-01T17:00')).toBe(-1);
    expect(at('2026-04-06T10:00')).toBe(-1);
  });

  it('reads HH:mm clock times', () => {
    expect(clockMinutes('00:00')).toBe(0);
    expect(clockMinutes('08:30')).toBe(510);
    expect(clockMinutes('24:00')).toBe(1440);
    expect(() => clockMinutes('24:30')).toThrow(RangeError);
    expect(() => clockMinutes('8:00')).toThrow(RangeError);
  });
});
