import Holidays from 'date-holidays';
import { businessCalendar } from '../../domain/business-calendar';
import { calendarSchema } from '../../domain/catalog';

/*
 * Expected values are worked out by hand:
 * - Europe/Rome is CET (+01:00) in winter and CEST (+02:00) in summer; in 2026 summer time starts
 *   Sunday 29 March (02:00 -> 03:00) and ends Sunday 25 October (03:00 -> 02:00).
 * - America/New_York is EST (-05:00) / EDT (-04:00); in 2026 summer time starts Sunday 8 March.
 * - 2026-01-01 is a Thursday, 2025-01-01 a Wednesday.
 */

const HOUR = 3_600_000;
const at = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test timestamp ${iso}`);
  return t;
};
const utc = (t: number): string => new Date(t).toISOString();

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
const rome = (extra: Record<string, unknown> = {}) =>
  businessCalendar(
    calendarSchema.parse({ zone: 'Europe/Rome', weekly: [{ days: weekdays, from: '08:00', to: '17:00' }], holidays: { country: 'IT' }, ...extra }),
  );

describe('Europe/Rome, Mon-Fri 08:00-17:00, Italian public holidays', () => {
  const cal = rome();

  test('isOpen inside and outside the window (half-open [08:00, 17:00))', () => {
    // Wednesday 4 March 2026, CET
    expect(cal.isOpen(at('2026-03-04T10:00:00+01:00'))).toBe(true);
    expect(cal.isOpen(at('2026-03-04T08:00:00+01:00'))).toBe(true);
    expect(cal.isOpen(at('2026-03-04T07:59:59.999+01:00'))).toBe(false);
    expect(cal.isOpen(at('2026-03-04T16:59:59.999+01:00'))).toBe(true);
    expect(cal.isOpen(at('2026-03-04T17:00:00+01:00'))).toBe(false);
    expect(cal.isOpen(at('2026-03-04T23:30:00+01:00'))).toBe(false);
    // Saturday 7 and Sunday 8 March 2026
    expect(cal.isOpen(at('2026-03-07T10:00:00+01:00'))).toBe(false);
    expect(cal.isOpen(at('2026-03-08T10:00:00+01:00'))).toBe(false);
    // Wednesday 1 July 2026, CEST: 06:00Z is 08:00 local, 15:30Z is 17:30 local
    expect(cal.isOpen(at('2026-07-01T06:00:00Z'))).toBe(true);
    expect(cal.isOpen(at('2026-07-01T05:59:00Z'))).toBe(false);
    expect(cal.isOpen(at('2026-07-01T14:59:00Z'))).toBe(true);
    expect(cal.isOpen(at('2026-07-01T15:30:00Z'))).toBe(false);
  });

  test('nextOpening and nextClosing', () => {
    // Friday 6 March 2026 18:00 -> Monday 9 March 08:00 CET
    expect(utc(cal.nextOpening(at('2026-03-06T18:00:00+01:00')))).toBe('2026-03-09T07:00:00.000Z');
    // open: t itself
    expect(cal.nextOpening(at('2026-03-04T10:00:00+01:00'))).toBe(at('2026-03-04T10:00:00+01:00'));
    // before opening on a weekday: the same day at 08:00
    expect(utc(cal.nextOpening(at('2026-03-04T06:15:00+01:00')))).toBe('2026-03-04T07:00:00.000Z');
    // open: the end of today's window; closed: the end of the next window
    expect(utc(cal.nextClosing(at('2026-03-04T10:00:00+01:00')))).toBe('2026-03-04T16:00:00.000Z');
    expect(utc(cal.nextClosing(at('2026-03-06T18:00:00+01:00')))).toBe('2026-03-09T16:00:00.000Z');
    expect(utc(cal.nextClosing(at('2026-03-04T17:00:00+01:00')))).toBe('2026-03-05T16:00:00.000Z');
  });

  describe('DST start (Sunday 29 March 2026)', () => {
    test('PT2H from Friday 16:00 CET ends Monday 09:00 CEST', () => {
      // 1 h on Friday 27 (16:00-17:00), 1 h on Monday 30 from 08:00+02:00
      expect(utc(cal.addBusinessTime(at('2026-03-27T16:00:00+01:00'), 'PT2H'))).toBe('2026-03-30T07:00:00.000Z');
    });

    test('the Monday after opens at 08:00 local = 06:00Z and closes at 17:00 local = 15:00Z', () => {
      expect(utc(cal.nextOpening(at('2026-03-27T17:00:00+01:00')))).toBe('2026-03-30T06:00:00.000Z');
      expect(cal.isOpen(at('2026-03-30T05:59:59Z'))).toBe(false);
      expect(cal.isOpen(at('2026-03-30T06:00:00Z'))).toBe(true);
      expect(utc(cal.nextClosing(at('2026-03-30T06:00:00Z')))).toBe('2026-03-30T15:00:00.000Z');
      // the Friday before still opens at 07:00Z (08:00 CET)
      expect(cal.isOpen(at('2026-03-27T06:30:00Z'))).toBe(false);
      expect(cal.isOpen(at('2026-03-27T07:00:00Z'))).toBe(true);
    });

    test('businessTimeBetween over the weekend counts 9 h per open day', () => {
      // Friday 00:00 CET -> Tuesday 00:00 CEST: Friday + Monday
      expect(cal.businessTimeBetween(at('2026-03-27T00:00:00+01:00'), at('2026-03-31T00:00:00+02:00'))).toBe(18 * HOUR);
      // Friday 12:00 -> Monday 12:00: 5 h + 4 h although only 71 h elapse
      expect(cal.businessTimeBetween(at('2026-03-27T12:00:00+01:00'), at('2026-03-30T12:00:00+02:00'))).toBe(9 * HOUR);
    });
  });

  describe('DST end (Sunday 25 October 2026)', () => {
    test('PT2H from Friday 16:00 CEST ends Monday 09:00 CET', () => {
      expect(utc(cal.addBusinessTime(at('2026-10-23T16:00:00+02:00'), 'PT2H'))).toBe('2026-10-26T08:00:00.000Z');
    });

    test('the Monday after opens at 08:00 local = 07:00Z', () => {
      expect(utc(cal.nextOpening(at('2026-10-23T17:00:00+02:00')))).toBe('2026-10-26T07:00:00.000Z');
      expect(cal.isOpen(at('2026-10-26T06:30:00Z'))).toBe(false);
      expect(cal.isOpen(at('2026-10-26T07:00:00Z'))).toBe(true);
    });

    test('businessTimeBetween over the weekend', () => {
      // Friday 12:00 -> Monday 12:00: 5 h + 4 h although 73 h elapse
      expect(cal.businessTimeBetween(at('2026-10-23T12:00:00+02:00'), at('2026-10-26T12:00:00+01:00'))).toBe(9 * HOUR);
      expect(cal.businessTimeBetween(at('2026-10-23T00:00:00+02:00'), at('2026-10-27T00:00:00+01:00'))).toBe(18 * HOUR);
    });
  });

  describe('Italian public holidays', () => {
    test('Easter Monday 6 April 2026 is closed', () => {
      expect(cal.isBusinessDay('2026-04-06')).toBe(false);
      expect(cal.isOpen(at('2026-04-06T10:00:00+02:00'))).toBe(false);
      expect(cal.holidayName('2026-04-06')).toMatch(/Angelo/);
      // Friday 3 April after closing -> Tuesday 7 April 08:00 CEST
      expect(utc(cal.nextOpening(at('2026-04-03T17:30:00+02:00')))).toBe('2026-04-07T06:00:00.000Z');
    });

    test('25 April (Friday in 2025) and 2 June are closed', () => {
      expect(cal.isBusinessDay('2025-04-24')).toBe(true); // Thursday
      expect(cal.isBusinessDay('2025-04-25')).toBe(false); // Friday, Liberation Day
      expect(cal.isBusinessDay('2025-06-02')).toBe(false); // Monday
      expect(cal.isBusinessDay('2026-06-02')).toBe(false); // Tuesday
      expect(cal.isBusinessDay('2026-12-08')).toBe(false); // Tuesday, Immacolata
      expect(cal.isBusinessDay('2026-12-25')).toBe(false); // Friday
      expect(cal.isBusinessDay('2026-12-24')).toBe(true); // Thursday, not a public holiday
    });

    test('4 October is a national holiday again from 2026 (Monday in 2027)', () => {
      expect(cal.isBusinessDay('2027-10-04')).toBe(false);
      expect(cal.isBusinessDay('2027-10-05')).toBe(true);
      expect(cal.isBusinessDay('2024-10-04')).toBe(true); // Friday, before the law
    });

    test('26 June (San Vigilio, Trento) is open: no regional days without a state', () => {
      expect(cal.isBusinessDay('2026-06-26')).toBe(true); // Friday
      expect(cal.isOpen(at('2026-06-26T10:00:00+02:00'))).toBe(true);
      expect(cal.holidayName('2026-06-26')).toBeUndefined();
    });

    test('weekends are not business days, holiday or not', () => {
      expect(cal.isBusinessDay('2026-03-07')).toBe(false); // Saturday
      expect(cal.isBusinessDay('2026-04-25')).toBe(false); // Saturday and a holiday
      expect(cal.isBusinessDay('2026-03-09')).toBe(true); // Monday
    });

    test('a deadline across a holiday and a weekend', () => {
      // Thursday 30 April 16:00 + PT4H: 1 h Thursday, Friday 1 May holiday, weekend, 3 h Monday 4 May
      expect(utc(cal.addBusinessTime(at('2026-04-30T16:00:00+02:00'), 'PT4H'))).toBe('2026-05-04T09:00:00.000Z');
      expect(cal.businessTimeBetween(at('2026-04-30T16:00:00+02:00'), at('2026-05-04T11:00:00+02:00'))).toBe(4 * HOUR);
    });
  });

  test('holidayName', () => {
    expect(cal.holidayName('2026-12-25')).toMatch(/Natale/);
    expect(cal.holidayName('2026-01-01')).toBe('Capodanno');
    expect(cal.holidayName('2026-12-24')).toBeUndefined();
    expect(cal.holidayName('2026-05-10')).toBeUndefined(); // Mother's Day is an observance, not public
    expect(() => cal.holidayName('2026-13-01')).toThrow();
    expect(() => cal.holidayName('26-12-2026')).toThrow();
  });

  describe('addBusinessTime', () => {
    test('hours within one day, ending exactly at closing', () => {
      expect(utc(cal.addBusinessTime(at('2026-03-04T10:00:00+01:00'), 'PT4H'))).toBe('2026-03-04T13:00:00.000Z');
      expect(utc(cal.addBusinessTime(at('2026-03-02T08:00:00+01:00'), 'PT9H'))).toBe('2026-03-02T16:00:00.000Z');
      // Wednesday 16:59:45 + 30 s: 15 s on Wednesday, 15 s on Thursday
      expect(utc(cal.addBusinessTime(at('2026-03-04T16:59:45+01:00'), 'PT30S'))).toBe('2026-03-05T07:00:15.000Z');
      // 45 h = five full days: Monday 08:00 -> Friday 17:00
      expect(utc(cal.addBusinessTime(at('2026-03-02T08:00:00+01:00'), 'PT45H'))).toBe('2026-03-06T16:00:00.000Z');
    });

    test('starting while closed starts at the next opening', () => {
      // Saturday 7 March + PT1H -> Monday 9 March 09:00
      expect(utc(cal.addBusinessTime(at('2026-03-07T12:00:00+01:00'), 'PT1H'))).toBe('2026-03-09T08:00:00.000Z');
    });

    test('zero duration returns nextOpening(t)', () => {
      expect(utc(cal.addBusinessTime(at('2026-03-07T12:00:00+01:00'), 'PT0S'))).toBe('2026-03-09T07:00:00.000Z');
      expect(cal.addBusinessTime(at('2026-03-04T10:00:00+01:00'), 'P0D')).toBe(at('2026-03-04T10:00:00+01:00'));
    });

    test('P2D = the same wall-clock time two business days later', () => {
      // Monday 2 March 10:00 -> Wednesday 4 March 10:00
      expect(utc(cal.addBusinessTime(at('2026-03-02T10:00:00+01:00'), 'P2D'))).toBe('2026-03-04T09:00:00.000Z');
      // Thursday 5 March 10:00 -> Monday 9 March 10:00 (weekend skipped)
      expect(utc(cal.addBusinessTime(at('2026-03-05T10:00:00+01:00'), 'P2D'))).toBe('2026-03-09T09:00:00.000Z');
      // Friday 3 April 2026 10:00: Monday 6 is Easter Monday -> Tuesday 7 (1), Wednesday 8 (2)
      expect(utc(cal.addBusinessTime(at('2026-04-03T10:00:00+02:00'), 'P2D'))).toBe('2026-04-08T08:00:00.000Z');
      // from a closed instant: Saturday -> Monday 08:00 -> Wednesday 08:00
      expect(utc(cal.addBusinessTime(at('2026-03-07T12:00:00+01:00'), 'P2D'))).toBe('2026-03-11T07:00:00.000Z');
      // across the DST change the local time is kept: Friday 27 March 10:00 CET -> Monday 30 March 10:00 CEST
      expect(utc(cal.addBusinessTime(at('2026-03-27T10:00:00+01:00'), 'P1D'))).toBe('2026-03-30T08:00:00.000Z');
    });

    test('P1DT2H: one business day, then two hours of open time', () => {
      // Wednesday 4 March 16:00 -> Thursday 16:00, then 1 h Thursday + 1 h Friday -> Friday 09:00
      expect(utc(cal.addBusinessTime(at('2026-03-04T16:00:00+01:00'), 'P1DT2H'))).toBe('2026-03-06T08:00:00.000Z');
    });

    test('P1W = five business days', () => {
      expect(utc(cal.addBusinessTime(at('2026-03-02T10:00:00+01:00'), 'P1W'))).toBe('2026-03-09T09:00:00.000Z');
      // Easter week: Tuesday 31 March + 5 business days = Wed 1, Thu 2, Fri 3, Tue 7, Wed 8 April
      expect(utc(cal.addBusinessTime(at('2026-03-31T10:00:00+02:00'), 'P1W'))).toBe('2026-04-08T08:00:00.000Z');
    });

    test('months, years, negative and malformed durations are rejected', () => {
      const t = at('2026-03-04T10:00:00+01:00');
      expect(() => cal.addBusinessTime(t, 'P1M')).toThrow(/months and years/);
      expect(() => cal.addBusinessTime(t, 'P1Y')).toThrow(/months and years/);
      expect(() => cal.addBusinessTime(t, 'PT-1H')).toThrow(/negative/);
      expect(() => cal.addBusinessTime(t, 'P1.5D')).toThrow(/whole business days/);
      expect(() => cal.addBusinessTime(t, '4 hours')).toThrow(/Invalid ISO 8601 duration/);
    });
  });

  describe('businessTimeBetween', () => {
    test('one full week is 45 h', () => {
      expect(cal.businessTimeBetween(at('2026-03-02T00:00:00+01:00'), at('2026-03-09T00:00:00+01:00'))).toBe(45 * HOUR);
    });

    test('partial days, empty and reversed ranges', () => {
      expect(cal.businessTimeBetween(at('2026-03-04T10:00:00+01:00'), at('2026-03-04T12:30:00+01:00'))).toBe(2.5 * HOUR);
      expect(cal.businessTimeBetween(at('2026-03-04T18:00:00+01:00'), at('2026-03-05T07:00:00+01:00'))).toBe(0);
      expect(cal.businessTimeBetween(at('2026-03-05T10:00:00+01:00'), at('2026-03-04T10:00:00+01:00'))).toBe(0);
      expect(cal.businessTimeBetween(at('2026-03-04T10:00:00+01:00'), at('2026-03-04T10:00:00+01:00'))).toBe(0);
    });

    test('a whole year, fast', () => {
      // 2025: 261 weekdays; public holidays on weekdays: 1 Jan, 6 Jan, 21 Apr, 25 Apr, 1 May, 2 Jun,
      // 15 Aug, 8 Dec, 25 Dec, 26 Dec (20 Apr and 1 Nov fall on a weekend) -> 251 days x 9 h
      const fresh = rome();
      const started = performance.now();
      expect(fresh.businessTimeBetween(at('2025-01-01T00:00:00+01:00'), at('2026-01-01T00:00:00+01:00'))).toBe(251 * 9 * HOUR);
      expect(performance.now() - started).toBeLessThan(1000);
    });

    test('is consistent with addBusinessTime', () => {
      const start = at('2026-03-25T15:20:00+01:00');
      for (const d of ['PT4H', 'PT13H30M', 'P3D', 'P1DT2H', 'PT100H']) {
        const end = cal.addBusinessTime(start, d);
        const expected = { PT4H: 4, PT13H30M: 13.5, P3D: 27, P1DT2H: 11, PT100H: 100 }[d]!;
        expect(cal.businessTimeBetween(start, end)).toBe(expected * HOUR);
      }
    });
  });

  test('holidays are looked up once per year', () => {
    const spy = jest.spyOn(Holidays.prototype, 'getHolidays');
    try {
      const fresh = rome();
      fresh.businessTimeBetween(at('2026-01-01T00:00:00+01:00'), at('2026-12-31T00:00:00+01:00'));
      fresh.isBusinessDay('2026-06-02');
      fresh.holidayName('2026-12-25');
      fresh.isBusinessDay('2027-01-01');
      expect(spy.mock.calls.map((c) => c[0])).toEqual([2026, 2027]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('closedDates and openDates', () => {
  const milan = rome({ closedDates: ['12-07'] });
  const trento = rome();

  test("Milan closes Sant'Ambrogio (7 December), Trento does not", () => {
    // Monday 7 December 2026; Tuesday 8 December is a national holiday for both
    expect(milan.isBusinessDay('2026-12-07')).toBe(false);
    expect(trento.isBusinessDay('2026-12-07')).toBe(true);
    expect(milan.isOpen(at('2026-12-07T10:00:00+01:00'))).toBe(false);
    expect(trento.isOpen(at('2026-12-07T10:00:00+01:00'))).toBe(true);
    // from Friday 4 December after closing
    expect(utc(milan.nextOpening(at('2026-12-04T17:00:00+01:00')))).toBe('2026-12-09T07:00:00.000Z');
    expect(utc(trento.nextOpening(at('2026-12-04T17:00:00+01:00')))).toBe('2026-12-07T07:00:00.000Z');
    // every year: Thursday 7 December 2028 too
    expect(milan.isBusinessDay('2028-12-07')).toBe(false);
    // a closedDates day carries no holiday name
    expect(milan.holidayName('2026-12-07')).toBeUndefined();
  });

  test('a YYYY-MM-DD closed date closes that day only', () => {
    const cal = rome({ closedDates: ['2026-12-24'] });
    expect(cal.isBusinessDay('2026-12-24')).toBe(false); // Thursday
    expect(cal.isBusinessDay('2025-12-24')).toBe(true); // Wednesday
  });

  test('openDates re-opens a holiday but adds no window on a weekend', () => {
    const cal = rome({ openDates: ['2026-12-08', '12-26', '2026-04-25'] });
    expect(cal.isBusinessDay('2026-12-08')).toBe(true); // Tuesday, Immacolata
    expect(cal.isOpen(at('2026-12-08T10:00:00+01:00'))).toBe(true);
    expect(cal.holidayName('2026-12-08')).toMatch(/Immacolata/); // still a holiday, just open
    expect(cal.isBusinessDay('2025-12-08')).toBe(false); // Monday, other year: closed
    expect(cal.isBusinessDay('2025-12-26')).toBe(true); // Friday, every year
    expect(cal.isBusinessDay('2026-04-25')).toBe(false); // Saturday: no weekly window
    // Monday 7 Dec 17:00 + PT2H: Tuesday 8 is open -> 10:00
    expect(utc(cal.addBusinessTime(at('2026-12-07T16:00:00+01:00'), 'PT2H'))).toBe('2026-12-08T08:00:00.000Z');
  });

  test('openDates also overrides closedDates', () => {
    const cal = rome({ closedDates: ['12-07'], openDates: ['2026-12-07'] });
    expect(cal.isBusinessDay('2026-12-07')).toBe(true);
    expect(cal.isBusinessDay('2027-12-07')).toBe(false); // Tuesday
  });
});

describe('several intervals per day', () => {
  const cal = businessCalendar(
    calendarSchema.parse({
      zone: 'Europe/Rome',
      weekly: [
        { days: weekdays, from: '08:30', to: '12:30' },
        { days: weekdays, from: '14:00', to: '17:00' },
        { days: ['sat'], from: '09:00', to: '12:00' },
      ],
    }),
  );

  test('lunch break', () => {
    expect(cal.isOpen(at('2026-03-04T13:00:00+01:00'))).toBe(false);
    expect(utc(cal.nextOpening(at('2026-03-04T13:00:00+01:00')))).toBe('2026-03-04T13:00:00.000Z');
    expect(utc(cal.nextClosing(at('2026-03-04T10:00:00+01:00')))).toBe('2026-03-04T11:30:00.000Z');
    expect(utc(cal.nextClosing(at('2026-03-04T13:00:00+01:00')))).toBe('2026-03-04T16:00:00.000Z');
    // 30 min before lunch + 30 min after
    expect(utc(cal.addBusinessTime(at('2026-03-04T12:00:00+01:00'), 'PT1H'))).toBe('2026-03-04T13:30:00.000Z');
    // a weekday is 7 h, Saturday 3 h: Monday 2 -> Monday 9 March = 5 x 7 + 3
    expect(cal.businessTimeBetween(at('2026-03-02T00:00:00+01:00'), at('2026-03-09T00:00:00+01:00'))).toBe(38 * HOUR);
    expect(cal.isBusinessDay('2026-03-07')).toBe(true); // Saturday
    expect(cal.isBusinessDay('2026-03-08')).toBe(false); // Sunday
  });

  test('P1D clamps a wall-clock time outside the target day window', () => {
    // Friday 6 March 15:00 -> Saturday 7 March 15:00, after Saturday's 12:00 closing -> 12:00
    expect(utc(cal.addBusinessTime(at('2026-03-06T15:00:00+01:00'), 'P1D'))).toBe('2026-03-07T11:00:00.000Z');
    // then one more hour spills to Monday 9 March 08:30 -> 09:30
    expect(utc(cal.addBusinessTime(at('2026-03-06T15:00:00+01:00'), 'P1DT1H'))).toBe('2026-03-09T08:30:00.000Z');
    // Friday 6 March 08:45 -> Saturday 08:45, before Saturday's 09:00 opening -> 09:00
    expect(utc(cal.addBusinessTime(at('2026-03-06T08:45:00+01:00'), 'P1D'))).toBe('2026-03-07T08:00:00.000Z');
    // Friday 6 March 10:00 -> Saturday 10:00 is inside the window: kept
    expect(utc(cal.addBusinessTime(at('2026-03-06T10:00:00+01:00'), 'P1D'))).toBe('2026-03-07T09:00:00.000Z');
  });
});

describe('back-to-back intervals and 24:00', () => {
  test('nextClosing runs over back-to-back intervals', () => {
    const cal = businessCalendar(
      calendarSchema.parse({
        zone: 'Europe/Rome',
        weekly: [
          { days: ['mon'], from: '08:00', to: '12:00' },
          { days: ['mon'], from: '12:00', to: '17:00' },
          { days: ['fri'], from: '20:00', to: '24:00' },
          { days: ['sat'], from: '00:00', to: '02:00' },
        ],
      }),
    );
    expect(utc(cal.nextClosing(at('2026-03-02T09:00:00+01:00')))).toBe('2026-03-02T16:00:00.000Z');
    // Friday 6 March 21:00 -> open until Saturday 02:00
    expect(cal.isOpen(at('2026-03-06T23:59:00+01:00'))).toBe(true);
    expect(cal.isOpen(at('2026-03-07T00:00:00+01:00'))).toBe(true);
    expect(utc(cal.nextClosing(at('2026-03-06T21:00:00+01:00')))).toBe('2026-03-07T01:00:00.000Z');
    expect(cal.businessTimeBetween(at('2026-03-06T00:00:00+01:00'), at('2026-03-08T00:00:00+01:00'))).toBe(6 * HOUR);
  });

  test('a 00:00-24:00 window every day never closes except on closed days', () => {
    const all = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    const open = businessCalendar(calendarSchema.parse({ zone: 'UTC', weekly: [{ days: all, from: '00:00', to: '24:00' }] }));
    expect(open.nextClosing(at('2026-03-04T10:00:00Z'))).toBe(Number.POSITIVE_INFINITY);
    const xmas = businessCalendar(calendarSchema.parse({ zone: 'UTC', weekly: [{ days: all, from: '00:00', to: '24:00' }], closedDates: ['12-25'] }));
    expect(utc(xmas.nextClosing(at('2026-12-20T10:00:00Z')))).toBe('2026-12-25T00:00:00.000Z');
    expect(utc(xmas.nextOpening(at('2026-12-25T10:00:00Z')))).toBe('2026-12-26T00:00:00.000Z');
  });
});

describe('24/7 calendars (alwaysOpen)', () => {
  const cal = businessCalendar(calendarSchema.parse({ zone: 'UTC', alwaysOpen: true }));
  const t = at('2026-12-25T03:17:00Z');

  test('every instant is open', () => {
    expect(cal.isOpen(t)).toBe(true);
    expect(cal.nextOpening(t)).toBe(t);
    expect(cal.nextClosing(t)).toBe(Number.POSITIVE_INFINITY);
    expect(cal.isBusinessDay('2026-12-25')).toBe(true);
    expect(cal.isBusinessDay('2026-03-08')).toBe(true);
  });

  test('durations are elapsed time', () => {
    expect(cal.addBusinessTime(t, 'P30D')).toBe(t + 30 * 24 * HOUR);
    expect(cal.addBusinessTime(t, 'PT4H')).toBe(t + 4 * HOUR);
    expect(cal.addBusinessTime(t, 'P1W')).toBe(t + 7 * 24 * HOUR);
    expect(cal.addBusinessTime(t, 'P1DT2H')).toBe(t + 26 * HOUR);
    expect(cal.addBusinessTime(t, 'PT0S')).toBe(t);
    expect(cal.businessTimeBetween(t, t + 5 * HOUR)).toBe(5 * HOUR);
    expect(cal.businessTimeBetween(t + 5 * HOUR, t)).toBe(0);
    expect(() => cal.addBusinessTime(t, 'P1M')).toThrow(/months and years/);
  });

  test('ignores holidays and DST: P1D is 24 h even on the DST Sunday', () => {
    const romeAlways = businessCalendar(calendarSchema.parse({ zone: 'Europe/Rome', alwaysOpen: true, holidays: { country: 'IT' } }));
    expect(romeAlways.isBusinessDay('2026-12-25')).toBe(true);
    expect(romeAlways.holidayName('2026-12-25')).toMatch(/Natale/);
    // Saturday 28 March 12:00 CET + 24 h = Sunday 29 March 13:00 CEST
    expect(utc(romeAlways.addBusinessTime(at('2026-03-28T12:00:00+01:00'), 'P1D'))).toBe('2026-03-29T11:00:00.000Z');
  });
});

describe('America/New_York, Mon-Fri 09:00-17:00, US public holidays', () => {
  const cal = businessCalendar(
    calendarSchema.parse({ zone: 'America/New_York', weekly: [{ days: weekdays, from: '09:00', to: '17:00' }], holidays: { country: 'US' } }),
  );

  test('opening hours follow US DST (second Sunday of March), not Europe', () => {
    // Friday 6 March 2026, EST: 09:00 local = 14:00Z
    expect(cal.isOpen(at('2026-03-06T13:30:00Z'))).toBe(false);
    expect(cal.isOpen(at('2026-03-06T14:00:00Z'))).toBe(true);
    // Monday 9 March 2026, EDT: 09:00 local = 13:00Z
    expect(utc(cal.nextOpening(at('2026-03-06T17:00:00-05:00')))).toBe('2026-03-09T13:00:00.000Z');
    expect(cal.isOpen(at('2026-03-09T13:30:00Z'))).toBe(true);
  });

  test('Thanksgiving is closed, the day after (an observance) is open', () => {
    expect(cal.isBusinessDay('2026-11-26')).toBe(false);
    expect(cal.holidayName('2026-11-26')).toBe('Thanksgiving Day');
    expect(cal.isBusinessDay('2026-11-27')).toBe(true);
    // Wednesday 25 November 16:00 EST + PT2H: 1 h Wednesday, 1 h Friday from 09:00
    expect(utc(cal.addBusinessTime(at('2026-11-25T16:00:00-05:00'), 'PT2H'))).toBe('2026-11-27T15:00:00.000Z');
  });

  test('Independence Day on a Saturday is observed on Friday 3 July 2026', () => {
    expect(cal.isBusinessDay('2026-07-03')).toBe(false);
    expect(cal.isBusinessDay('2026-07-02')).toBe(true);
  });

  test('one full week is 40 h', () => {
    expect(cal.businessTimeBetween(at('2026-03-02T00:00:00-05:00'), at('2026-03-09T00:00:00-04:00'))).toBe(40 * HOUR);
  });
});

describe('guards', () => {
  test('a calendar with every day closed throws instead of looping', () => {
    const everyDay: string[] = [];
    for (let m = 1; m <= 12; m++) for (let d = 1; d <= 31; d++) everyDay.push(`${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    const cal = businessCalendar(calendarSchema.parse({ zone: 'Europe/Rome', weekly: [{ days: weekdays, from: '08:00', to: '17:00' }], closedDates: everyDay }));
    const t = at('2026-03-04T10:00:00+01:00');
    expect(cal.isOpen(t)).toBe(false);
    expect(() => cal.nextOpening(t)).toThrow(/does not open within/);
    expect(() => cal.nextClosing(t)).toThrow(/does not open within/);
    expect(() => cal.addBusinessTime(t, 'PT1H')).toThrow(/does not open within/);
    expect(cal.businessTimeBetween(t, t + 30 * 24 * HOUR)).toBe(0);
  });

  test('invalid configurations are rejected', () => {
    expect(() => businessCalendar(calendarSchema.parse({ zone: 'Europe/Rome', weekly: [{ days: ['mon'], from: '17:00', to: '08:00' }] }))).toThrow(/must end after/);
    expect(() => businessCalendar(calendarSchema.parse({ zone: 'Europe/Rome', weekly: [{ days: ['mon'], from: '08:00', to: '08:00' }] }))).toThrow(/must end after/);
    expect(() =>
      businessCalendar(calendarSchema.parse({ zone: 'Europe/Rome', weekly: [{ days: ['mon'], from: '08:00', to: '17:00' }], holidays: { country: 'XX' } })),
    ).toThrow(/country XX/);
  });
});
