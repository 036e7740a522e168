import { DateTime } from 'luxon';
import { businessCalendar } from '../../domain/business-calendar';
import { remainingTime } from '../../domain/remaining-time';

const trento = businessCalendar({
  zone: 'Europe/Rome',
  alwaysOpen: false,
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }],
  holidays: { country: 'IT' },
  closedDates: [],
  openDates: [],
});
const rome = (s: string) => DateTime.fromISO(s, { zone: 'Europe/Rome' }).toMillis();

describe('remaining time in business days and hours', () => {
  it('counts a weekend and a public holiday as closed (Fri 4 Dec 16:00 → Wed 9 Dec 10:00, 8 Dec is Immacolata)', () => {
    const r = remainingTime(trento, rome('2026-12-04T16:00'), rome('2026-12-09T10:00'));
    // Fri 16-17 (1 h) + Mon 9 h + Wed 8-10 (2 h) = 12 h of open time.
    expect(r).toMatchObject({ basis: 'business', overdue: false, businessMinutes: 720, days: 1, hours: 3, minutes: 0 });
  });

  it('is exactly the SLA duration right after a deadline is set with it', () => {
    const from = rome('2026-12-03T11:30');
    const due = trento.addBusinessTime(from, 'P3D');
    expect(remainingTime(trento, from, due)).toMatchObject({ days: 3, hours: 0, minutes: 0, overdue: false });
    const take = trento.addBusinessTime(from, 'PT4H');
    expect(remainingTime(trento, from, take)).toMatchObject({ days: 0, hours: 4, minutes: 0, businessMinutes: 240 });
  });

  it('measures an overdue deadline in business time too, with a negative businessMinutes', () => {
    const r = remainingTime(trento, rome('2026-12-07T09:30'), rome('2026-12-04T16:00'));
    // Fri 16-17 (1 h) + Mon 8-9:30 (1.5 h).
    expect(r).toMatchObject({ overdue: true, businessMinutes: -150, days: 0, hours: 2, minutes: 30 });
  });

  it('counts plain elapsed time on a 24/7 calendar and on calendar-day terms', () => {
    const always = businessCalendar({ zone: 'Europe/Rome', alwaysOpen: true, weekly: [], holidays: null, closedDates: [], openDates: [] });
    expect(remainingTime(always, 0, 26 * 3_600_000 + 60_000)).toMatchObject({ basis: 'business', days: 1, hours: 2, minutes: 1 });
    expect(remainingTime(null, 0, 30 * 86_400_000)).toMatchObject({ basis: 'calendar', days: 30, hours: 0, overdue: false, businessMinutes: null });
  });
});
