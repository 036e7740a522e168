/**
 * A month nobody wrote by hand: 800 random calls (seeded) for the Motorizzazione Civile in December
 * 2026, some spilling into the months around it, and random linked contacts. The expected figures
 * are computed here straight from the contract's formulas, with the window checked independently
 * (Mon-Fri 08:00-17:00 Europe/Rome; 8 and 25 December are the month's weekday holidays).
 */
import request from 'supertest';
import { DateTime } from 'luxon';
import { startStack, Stack } from '../support/harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOLIDAYS = new Set(['2026-12-08', '2026-12-25']);
function inDecember(t: number) {
  const l = DateTime.fromMillis(t, { zone: 'Europe/Rome' });
  return l.year === 2026 && l.month === 12;
}
function inWindow(t: number) {
  const l = DateTime.fromMillis(t, { zone: 'Europe/Rome' });
  return inDecember(t) && l.weekday <= 5 && l.hour >= 8 && l.hour < 17 && !HOLIDAYS.has(l.toISODate()!);
}

it('matches the formulas on a random month to 0.01, with exact counts and the right met flags', async () => {
  const rand = prng(20261222);
  const from = Date.parse('2026-11-30T20:00:00Z');
  const to = Date.parse('2027-01-01T02:00:00Z');
  type Call = { callId: string; service: string; registeredAt: string; answeredAt?: string; endedAt: string };
  const calls: Call[] = [];
  const raw: { id: string; reg: number; ans?: number; end: number }[] = [];
  for (let i = 0; i < 800; i++) {
    // Half the calls inside office hours of random days, so the window gets plenty.
    let reg = from + Math.floor(rand() * (to - from));
    if (i % 2 === 0) {
      const day = DateTime.fromMillis(reg, { zone: 'Europe/Rome' }).startOf('day');
      reg = day.plus({ hours: 8, milliseconds: Math.floor(rand() * 9 * 3600_000) }).toMillis();
    }
    const answered = rand() < 0.82;
    let ans: number | undefined;
    let end: number;
    if (answered) {
      ans = reg + Math.floor(rand() * 30_000);
      end = ans + Math.floor(rand() * 300_000);
    } else {
      // Around the 10 s rule, with both exact edges.
      end = reg + (i % 40 === 1 ? 10_000 : i % 40 === 3 ? 10_001 : Math.floor(rand() * 25_000));
    }
    const id = `x-${i}`;
    raw.push({ id, reg, ans, end });
    calls.push({ callId: id, service: 'MCTC', registeredAt: new Date(reg).toISOString(), ...(ans !== undefined ? { answeredAt: new Date(ans).toISOString() } : {}), endedAt: new Date(end).toISOString() });
  }
  // Random linked contacts: some resolved at first level or by the IVR, some by the back office, some twice.
  const contacts: Record<string, unknown>[] = [];
  const firstLevelCalls = new Set<string>();
  raw.forEach((c, i) => {
    const r = rand();
    if (r < 0.45) return;
    const resolution = r < 0.7 ? 'first_level' : r < 0.78 ? 'auto' : r < 0.9 ? 'back_office' : null;
    const copies = i % 17 === 0 ? 2 : 1;
    for (let k = 0; k < copies; k++) {
      contacts.push({
        id: `CON-X-${i}-${k}`,
        version: 1,
        service: 'MCTC',
        channel: 'phone',
        status: resolution ? 'resolved' : 'triage',
        call_id: c.id,
        reason: 'chiamata',
        resolution,
        created_at: new Date(c.reg).toISOString(),
        queued_at: new Date(c.reg).toISOString(),
        updated_at: new Date(c.reg).toISOString(),
      });
    }
    if (resolution === 'first_level' || resolution === 'auto') firstLevelCalls.add(c.id);
  });
  await stack.db.batchInsert('contacts', contacts, 200);
  await request(stack.app).post('/api/v1/calls').set('Authorization', await stack.bearer('integrator')).send(calls).expect(201);

  // The formulas, from the raw records.
  const month = raw.filter((c) => inDecember(c.reg));
  const win = month.filter((c) => inWindow(c.reg));
  const answered = win.filter((c) => c.ans !== undefined);
  const unanswered = win.filter((c) => c.ans === undefined);
  const M = unanswered.filter((c) => c.end - c.reg > 10_000).length;
  const short = unanswered.length - M;
  const N = answered.length;
  const Tm = answered.reduce((s, c) => s + (c.ans! - c.reg), 0) / N / 1000;
  const P = (M / (M + N)) * 100;
  const C = answered.filter((c) => firstLevelCalls.has(c.id)).length;
  const Q = (C / N) * 100;

  const res = await request(stack.app).get('/api/v1/reports/sla?month=2026-12&service=MCTC').set('Authorization', await stack.bearer('supervisor'));
  expect(res.status).toBe(200);
  expect(res.body.calls).toMatchObject({ registered: win.length, answered: N, abandoned: M, shortAbandoned: short, outOfWindow: month.length - win.length });
  expect(Math.abs(res.body.answerTimeAvgSec - Tm)).toBeLessThanOrEqual(0.005);
  expect(Math.abs(res.body.abandonedPct - P)).toBeLessThanOrEqual(0.005);
  expect(Math.abs(res.body.firstLevelResolvedPct - Q)).toBeLessThanOrEqual(0.005);
  expect(res.body.met).toEqual({ answerTime: Tm <= 13, abandoned: P <= 3, firstLevelResolved: Q >= 75 });
  // Enough of each kind to mean something.
  expect(N).toBeGreaterThan(200);
  expect(M).toBeGreaterThan(5);
  expect(short).toBeGreaterThan(5);
  expect(month.length - win.length).toBeGreaterThan(50);
});
