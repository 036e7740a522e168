import { businessCalendar } from '../../domain/business-calendar';
import { calendarSchema } from '../../domain/catalog';
import {
  ZERO_COUNTS,
  addCounts,
  daysOfMonth,
  evaluateMet,
  indicators,
  monthBounds,
  monthSegments,
  openIntervals,
  round2,
  type SlaCounts,
} from '../../domain/sla';

const trento = calendarSchema.parse({
  zone: 'Europe/Rome',
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }],
  holidays: { country: 'IT' },
});
const allDay = calendarSchema.parse({ zone: 'Europe/Rome', alwaysOpen: true });
const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

describe('month bounds in the service zone', () => {
  it('starts and ends at local midnights, whatever the UTC offset of each end', () => {
    // March 2026: CET (+01:00) at the start, CEST (+02:00) at the end.
    expect(monthBounds('2026-03', 'Europe/Rome')).toEqual({ start: ms('2026-02-28T23:00:00Z'), end: ms('2026-03-31T22:00:00Z') });
    expect(monthBounds('2026-10', 'Europe/Rome')).toEqual({ start: ms('2026-09-30T22:00:00Z'), end: ms('2026-10-31T23:00:00Z') });
    expect(monthBounds('2026-12', 'America/New_York')).toEqual({ start: ms('2026-12-01T05:00:00Z'), end: ms('2027-01-01T05:00:00Z') });
    expect(() => monthBounds('2026-13', 'Europe/Rome')).toThrow(/YYYY-MM/);
  });

  it('lists the local dates of a month', () => {
    expect(daysOfMonth('2028-02')).toHaveLength(29);
    expect(daysOfMonth('2026-03')[30]).toBe('2026-03-31');
  });
});

describe('open intervals of a month', () => {
  it('skips weekends and public holidays (8, 25, 26 December 2025) and follows 08:00-17:00 CET', () => {
    const { start, end } = monthBounds('2025-12', 'Europe/Rome');
    const intervals = openIntervals(businessCalendar(trento), start, end);
    // 23 weekdays in December 2025, minus Immacolata (Mon 8), Christmas (Thu 25), Santo Stefano (Fri 26).
    expect(intervals).toHaveLength(20);
    expect(intervals[0].map(iso)).toEqual(['2025-12-01T07:00:00.000Z', '2025-12-01T16:00:00.000Z']);
    const days = intervals.map(([lo]) => iso(lo).slice(0, 10));
    expect(days).not.toContain('2025-12-08');
    expect(days).not.toContain('2025-12-25');
    expect(days).not.toContain('2025-12-26');
    expect(days).not.toContain('2025-12-06'); // Saturday
    expect(days).toContain('2025-12-09');
  });

  it('moves the UTC window with summer time (29 March 2026)', () => {
    const { start, end } = monthBounds('2026-03', 'Europe/Rome');
    const intervals = openIntervals(businessCalendar(trento), start, end);
    expect(intervals).toHaveLength(22);
    expect(intervals[intervals.length - 3].map(iso)).toEqual(['2026-03-27T07:00:00.000Z', '2026-03-27T16:00:00.000Z']);
    expect(intervals[intervals.length - 2].map(iso)).toEqual(['2026-03-30T06:00:00.000Z', '2026-03-30T15:00:00.000Z']);
  });

  it('is the whole month for a 24/7 calendar', () => {
    const { start, end } = monthBounds('2026-03', 'Europe/Rome');
    expect(openIntervals(businessCalendar(allDay), start, end)).toEqual([[start, end]]);
  });
});

describe('month segments', () => {
  it('cuts a windowed month at midnights and window edges, each segment one local day, in or out', () => {
    const { start, end } = monthBounds('2026-03', 'Europe/Rome');
    const segments = monthSegments(openIntervals(businessCalendar(trento), start, end), '2026-03', 'Europe/Rome');
    expect(segments[0].from).toBe(start);
    expect(segments[segments.length - 1].to).toBe(end);
    for (let i = 1; i < segments.length; i++) expect(segments[i].from).toBe(segments[i - 1].to);
    // 22 business days of 3 segments (night, window, evening) and 9 closed days of 1.
    expect(segments).toHaveLength(22 * 3 + 9);
    const open = segments.filter((s) => s.open);
    expect(open).toHaveLength(22);
    expect(open.find((s) => s.date === '2026-03-30')).toEqual({ from: ms('2026-03-30T06:00:00Z'), to: ms('2026-03-30T15:00:00Z'), date: '2026-03-30', open: true });
    expect(segments.find((s) => s.from === ms('2026-03-29T22:00:00Z'))).toMatchObject({ date: '2026-03-30', open: false });
  });

  it('cuts a 24/7 month into its local days, all open (the 29th is 23 hours long)', () => {
    const { start, end } = monthBounds('2026-03', 'Europe/Rome');
    const segments = monthSegments(openIntervals(businessCalendar(allDay), start, end), '2026-03', 'Europe/Rome');
    expect(segments).toHaveLength(31);
    expect(segments.every((s) => s.open)).toBe(true);
    const sunday = segments.find((s) => s.date === '2026-03-29')!;
    expect(sunday.to - sunday.from).toBe(23 * 3600_000);
  });
});

describe('indicators and targets', () => {
  const counts = (c: Partial<SlaCounts>): SlaCounts => ({ ...ZERO_COUNTS, ...c });

  it('computes Tm, P and Q from the formulas', () => {
    // N = 4 waits of 10, 12, 14.5, 20 s; M = 1; C = 3.
    const c = counts({ answered: 4, abandoned: 1, shortAbandoned: 2, firstLevelResolved: 3, waitMicros: 56_500_000 });
    expect(indicators(c)).toEqual({ answerTimeAvgSec: 14.125, abandonedPct: 20, firstLevelResolvedPct: 75 });
    expect(evaluateMet(c, { answerTimeAvgSec: 13, abandonedPct: 3, firstLevelResolvedPct: 75 })).toEqual({ answerTime: false, abandoned: false, firstLevelResolved: true });
  });

  it('meets a target reached exactly and misses it by a microsecond or one call', () => {
    const targets = { answerTimeAvgSec: 13, abandonedPct: 3, firstLevelResolvedPct: 75 };
    // 97 answered in 13 s on average, 3 abandoned: P = 3/100 = 3 %; 73 of 97 first level = 75.26 %.
    const onTarget = counts({ answered: 97, abandoned: 3, firstLevelResolved: 73, waitMicros: 97 * 13_000_000 });
    expect(indicators(onTarget).abandonedPct).toBe(3);
    expect(evaluateMet(onTarget, targets)).toEqual({ answerTime: true, abandoned: true, firstLevelResolved: true });
    const over = counts({ answered: 96, abandoned: 3, firstLevelResolved: 71, waitMicros: 96 * 13_000_000 + 1 });
    // P = 3/99 = 3.03 %, Q = 71/96 = 73.96 %.
    expect(evaluateMet(over, targets)).toEqual({ answerTime: false, abandoned: false, firstLevelResolved: false });
    expect(evaluateMet(counts({ answered: 4, firstLevelResolved: 3, waitMicros: 1 }), targets).firstLevelResolved).toBe(true);
  });

  it('has no figure and no verdict where the denominator is empty', () => {
    expect(indicators(ZERO_COUNTS)).toEqual({ answerTimeAvgSec: null, abandonedPct: null, firstLevelResolvedPct: null });
    expect(evaluateMet(ZERO_COUNTS, { answerTimeAvgSec: 13, abandonedPct: 3, firstLevelResolvedPct: 75 })).toEqual({ answerTime: null, abandoned: null, firstLevelResolved: null });
    // Only abandons: P = 100 %, no answer time, no first-level ratio; short abandons alone measure nothing.
    const onlyAbandoned = counts({ abandoned: 2, shortAbandoned: 5 });
    expect(indicators(onlyAbandoned)).toEqual({ answerTimeAvgSec: null, abandonedPct: 100, firstLevelResolvedPct: null });
    expect(indicators(counts({ shortAbandoned: 5 })).abandonedPct).toBeNull();
  });

  it('adds counts', () => {
    const a = counts({ answered: 1, abandoned: 2, shortAbandoned: 3, firstLevelResolved: 1, waitMicros: 5 });
    expect(addCounts(a, a)).toEqual({ answered: 2, abandoned: 4, shortAbandoned: 6, firstLevelResolved: 2, waitMicros: 10 });
  });

  it('rounds half up to 2 decimals without binary artefacts', () => {
    expect(round2(1.005)).toBe(1.01);
    expect(round2(14.285714285714286)).toBe(14.29);
    expect(round2(14.083333333333334)).toBe(14.08);
    expect(round2(2.675)).toBe(2.68);
    expect(round2(1e-7)).toBe(0);
    expect(round2(null)).toBeNull();
  });
});
