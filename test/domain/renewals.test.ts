import { addDays, exportPeriod, isIsoDate, localDateOf, planScheduledDates, previousBusinessDay, scheduledDateOf } from '../../domain/renewals';

const weekdays = (d: string) => {
  const day = new Date(`${d}T12:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
};

describe('dates of the renewals export', () => {
  it('tells existing dates from impossible ones', () => {
    expect(isIsoDate('2026-11-23')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('23/11/2026')).toBe(false);
    expect(isIsoDate('2026-11-23T10:00')).toBe(false);
  });

  it('derives the business date from the scheduled time in the schedule zone, not UTC', () => {
    // 17:30 in Rome on Monday 23 Nov 2026 (CET, UTC+1) is 16:30 UTC.
    expect(scheduledDateOf(new Date('2026-11-23T16:30:00Z'), 'Europe/Rome')).toBe('2026-11-23');
    // 23:30 UTC on the 23rd is already 00:30 of the 24th in Rome.
    expect(scheduledDateOf('2026-11-23T23:30:00Z', 'Europe/Rome')).toBe('2026-11-24');
    // In summer (CEST, UTC+2) 22:15 UTC is 00:15 of the next day.
    expect(scheduledDateOf(Date.parse('2026-07-01T22:15:00Z'), 'Europe/Rome')).toBe('2026-07-02');
    expect(scheduledDateOf(undefined, 'Europe/Rome')).toBeUndefined();
    expect(localDateOf(Date.parse('2026-11-23T16:30:00Z'), 'America/New_York')).toBe('2026-11-23');
  });

  it('finds the previous business day across a weekend and a holiday', () => {
    expect(previousBusinessDay('2026-11-23', weekdays)).toBe('2026-11-20');
    const withHoliday = (d: string) => weekdays(d) && d !== '2026-12-08';
    expect(previousBusinessDay('2026-12-09', withHoliday)).toBe('2026-12-07');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('covers a Monday from the end of Friday, so weekend changes are not lost', () => {
    const p = exportPeriod({
      date: '2026-11-23',
      zone: 'Europe/Rome',
      firstRunAt: Date.parse('2026-11-30T00:00:00Z'),
      isBusinessDay: weekdays,
      recordedEnd: () => undefined,
    });
    // Saturday 21 Nov 00:00 Rome = 20 Nov 23:00 UTC; Tuesday 24 Nov 00:00 Rome = 23 Nov 23:00 UTC.
    expect(new Date(p.start).toISOString()).toBe('2026-11-20T23:00:00.000Z');
    expect(new Date(p.end).toISOString()).toBe('2026-11-23T23:00:00.000Z');
  });

  it('ends at the first run when that came before the end of the day, and the next day starts there', () => {
    const early = Date.parse('2026-11-23T09:00:00Z');
    const monday = exportPeriod({ date: '2026-11-23', zone: 'Europe/Rome', firstRunAt: early, isBusinessDay: weekdays, recordedEnd: () => undefined });
    expect(monday.end).toBe(early);
    const tuesday = exportPeriod({
      date: '2026-11-24',
      zone: 'Europe/Rome',
      firstRunAt: Date.parse('2026-11-24T16:30:00Z'),
      isBusinessDay: weekdays,
      recordedEnd: (d) => (d === '2026-11-23' ? early : undefined),
    });
    expect(tuesday).toEqual({ start: early, end: Date.parse('2026-11-24T16:30:00Z') });
  });

  it('plans the scheduled date and the dates missed within the catch-up window', () => {
    // Friday 13 and Tuesday 17 Nov were missed; the system was down from Thursday 19 to Monday 23 Nov,
    // when the catch-up run for Thursday 19 Nov starts. The 7-day window reaches back to Monday 16:
    // Friday 13 is out of it; Friday 20 is in; Monday 23 (today) waits for its own action.
    const plan = planScheduledDates({
      scheduledDate: '2026-11-19',
      today: '2026-11-23',
      catchUpDays: 7,
      isBusinessDay: weekdays,
      completed: new Set(['2026-11-16', '2026-11-18']),
      firstExported: '2026-11-02',
    });
    expect(plan).toEqual(['2026-11-17', '2026-11-19', '2026-11-20']);
  });

  it('does not flood a fresh install with past days, skips a closed scheduled date, and lets an old backfill alone', () => {
    expect(planScheduledDates({ scheduledDate: '2026-11-23', today: '2026-11-23', catchUpDays: 7, isBusinessDay: weekdays, completed: new Set() })).toEqual(['2026-11-23']);
    expect(planScheduledDates({ scheduledDate: '2026-11-22', today: '2026-11-22', catchUpDays: 7, isBusinessDay: weekdays, completed: new Set() })).toEqual([]);
    expect(
      planScheduledDates({ scheduledDate: '2026-11-23', today: '2026-11-23', catchUpDays: 7, isBusinessDay: weekdays, completed: new Set(['2026-11-23']), firstExported: '2026-11-23' }),
    ).toEqual([]);
    // A backfill of a date long ago exports that date (and whatever is missing in the current window only).
    expect(
      planScheduledDates({ scheduledDate: '2026-06-10', today: '2026-11-23', catchUpDays: 7, isBusinessDay: weekdays, completed: new Set(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']), firstExported: '2026-01-05' }),
    ).toEqual(['2026-06-10']);
  });
});
