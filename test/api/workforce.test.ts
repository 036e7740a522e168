import request from 'supertest';
import type { SlaInterval } from '../../reports/sla-intervals';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { startStack, Stack } from '../support/harness';
import { callsCatalog } from '../support/calls-catalog';
import { parseCsv } from '../support/csv';
import { erlangAPrediction, erlangCPrediction, fullTimeEquivalents } from '../../domain/staffing';

/**
 * Workforce planning over the test catalog (test/support/calls-catalog.ts): TN = Mon-Fri
 * 08:00-17:00 Europe/Rome with Italian holidays, targets 15 s / 3 %; H24 = 24/7 in Europe/Rome.
 */

let stack: Stack;
let supervisor: string;

interface Call {
  callId: string;
  service: string;
  registeredAt: string;
  answeredAt: string | null;
  endedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * TN, March 2026: every half hour of the window (22 business days × 18) gets 90 calls, one every
 * 20 s from 1 s past the half hour, so λ = 180 calls/h everywhere. Call i of the half hour:
 * i % 30 = 0 hangs up after 40 s (abandoned), i % 45 = 1 after 5 s (short), the others are
 * answered after i % 7 seconds and talk 180 s. Per half hour: 3 abandoned, 2 short, 85 answered.
 */
function synthetic(): Call[] {
  const calls: Call[] = [];
  for (let day = 1; day <= 31; day++) {
    const date = DateTime.fromObject({ year: 2026, month: 3, day }, { zone: 'Europe/Rome' });
    if (date.weekday > 5) continue; // no holiday in March 2026
    for (let half = 0; half < 18; half++) {
      const slotStart = date.set({ hour: 8 }).plus({ minutes: 30 * half }).toMillis();
      for (let i = 0; i < 90; i++) {
        const reg = slotStart + 1000 + i * 20_000;
        const callId = `syn-${day}-${half}-${i}`;
        if (i % 30 === 0) calls.push({ callId, service: 'TN', registeredAt: iso(reg), answeredAt: null, endedAt: iso(reg + 40_000) });
        else if (i % 45 === 1) calls.push({ callId, service: 'TN', registeredAt: iso(reg), answeredAt: null, endedAt: iso(reg + 5_000) });
        else calls.push({ callId, service: 'TN', registeredAt: iso(reg), answeredAt: iso(reg + (i % 7) * 1000), endedAt: iso(reg + (i % 7) * 1000 + 180_000) });
      }
    }
  }
  return calls;
}

/** Hand-placed calls around the end of summer time (Sunday 25 October 2026). */
const october: Call[] = [
  // TN Friday 23 (+02:00): 08:10 answered after 12 s → 23 Oct 08:00-08:30.
  { callId: 'oct-23', service: 'TN', registeredAt: '2026-10-23T06:10:00Z', answeredAt: '2026-10-23T06:10:12Z', endedAt: '2026-10-23T06:15:00Z' },
  // TN Monday 26 (+01:00): 08:10 = 07:10Z hung up after 30 s → 26 Oct 08:00-08:30, abandoned.
  { callId: 'oct-26-abandon', service: 'TN', registeredAt: '2026-10-26T07:10:00Z', answeredAt: null, endedAt: '2026-10-26T07:10:30Z' },
  // TN Monday 26: 06:10Z was 08:10 on Friday but is 07:10 now: out of the window.
  { callId: 'oct-26-early', service: 'TN', registeredAt: '2026-10-26T06:10:00Z', answeredAt: '2026-10-26T06:10:02Z', endedAt: '2026-10-26T06:12:00Z' },
  // TN Monday 26: 16:59:59 local, answered after 4 s → 16:30-17:00; 17:00:00 is closed.
  { callId: 'oct-26-last', service: 'TN', registeredAt: '2026-10-26T15:59:59Z', answeredAt: '2026-10-26T16:00:03Z', endedAt: '2026-10-26T16:05:00Z' },
  { callId: 'oct-26-closed', service: 'TN', registeredAt: '2026-10-26T16:00:00Z', answeredAt: '2026-10-26T16:00:01Z', endedAt: '2026-10-26T16:05:00Z' },
  // H24 Sunday 25: 02:15 happens twice; the second time (+01:00, 01:15Z) hung up after 8 s (short).
  { callId: 'h24-0215-first', service: 'H24', registeredAt: '2026-10-25T02:15:00+02:00', answeredAt: '2026-10-25T02:15:06+02:00', endedAt: '2026-10-25T02:20:00+02:00' },
  { callId: 'h24-0215-second', service: 'H24', registeredAt: '2026-10-25T02:15:00+01:00', answeredAt: null, endedAt: '2026-10-25T02:15:08+01:00' },
];

const get = (path: string, bearer = supervisor) => request(stack.app).get(`/api/v1${path}`).set('Authorization', bearer);
const whatIf = (body: object, bearer = supervisor) => request(stack.app).post('/api/v1/reports/what-if').set('Authorization', bearer).send(body);

beforeAll(async () => {
  stack = await startStack({ catalog: callsCatalog() });
  supervisor = await stack.bearer('supervisor');
  const integrator = await stack.bearer('integrator');
  const all = [...synthetic(), ...october];
  for (let i = 0; i < all.length; i += 10_000) {
    const res = await request(stack.app).post('/api/v1/calls').set('Authorization', integrator).send(all.slice(i, i + 10_000));
    expect(res.status).toBe(201);
  }
}, 120_000);
afterAll(async () => {
  await stack.stop();
});


describe('GET /reports/sla/intervals', () => {
  it('hand-computed days across the end of summer time (TN)', async () => {
    const res = await get('/reports/sla/intervals?month=2026-10&service=TN');
    expect(res.status).toBe(200);
    const rows = res.body.intervals as SlaInterval[];
    // 22 business days in October 2026 × 18 half hours.
    expect(rows).toHaveLength(22 * 18);
    expect(rows[0]).toEqual({ date: '2026-10-01', from: '08:00', to: '08:30', registered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answerTimeAvgSec: null });
    const row = (date: string, from: string) => rows.find((r) => r.date === date && r.from === from);
    expect(row('2026-10-23', '08:00')).toEqual({ date: '2026-10-23', from: '08:00', to: '08:30', registered: 1, answered: 1, abandoned: 0, shortAbandoned: 0, answerTimeAvgSec: 12 });
    expect(row('2026-10-26', '08:00')).toEqual({ date: '2026-10-26', from: '08:00', to: '08:30', registered: 1, answered: 0, abandoned: 1, shortAbandoned: 0, answerTimeAvgSec: null });
    expect(row('2026-10-26', '16:30')).toMatchObject({ to: '17:00', registered: 1, answered: 1, answerTimeAvgSec: 4 });
    expect(rows.filter((r) => r.date === '2026-10-24' || r.date === '2026-10-25')).toEqual([]);
    // The early call (07:10 local) and the one at 17:00 are outside every interval.
    expect(res.body.totals).toEqual({ registered: 3, answered: 2, abandoned: 1, shortAbandoned: 0, answerTimeAvgSec: 8, abandonedPct: 33.33 });
  });

  it('a 24/7 service: the autumn night has two 02:00 half hours, the spring night none', async () => {
    const oct = await get('/reports/sla/intervals?month=2026-10&service=H24');
    expect(oct.status).toBe(200);
    const rows = oct.body.intervals as SlaInterval[];
    expect(rows).toHaveLength(31 * 48 + 2);
    const sunday = rows.filter((r) => r.date === '2026-10-25');
    expect(sunday).toHaveLength(50);
    const twoAm = sunday.filter((r) => r.from === '02:00');
    expect(twoAm.map((r) => [r.registered, r.answered, r.shortAbandoned])).toEqual([
      [1, 1, 0],
      [1, 0, 1],
    ]);
    expect(rows[rows.length - 1]).toMatchObject({ date: '2026-10-31', from: '23:30', to: '24:00' });
    const march = await get('/reports/sla/intervals?month=2026-03&service=H24');
    expect((march.body.intervals as SlaInterval[]).filter((r) => r.date === '2026-03-29')).toHaveLength(46);
  });

  it('the intervals add up to the monthly SLA report', async () => {
    const [intervals, sla] = await Promise.all([get('/reports/sla/intervals?month=2026-03&service=TN'), get('/reports/sla?month=2026-03&service=TN')]);
    const rows = intervals.body.intervals as SlaInterval[];
    const sum = (key: 'registered' | 'answered' | 'abandoned' | 'shortAbandoned') => rows.reduce((s, r) => s + r[key], 0);
    expect(sum('registered')).toBe(sla.body.calls.registered);
    expect(sum('answered')).toBe(sla.body.calls.answered);
    expect(sum('abandoned')).toBe(sla.body.calls.abandoned);
    expect(sum('shortAbandoned')).toBe(sla.body.calls.shortAbandoned);
    expect(sum('registered')).toBe(22 * 18 * 90);
    // Answer time: the intervals' averages weighted by their answered calls give the month's.
    const weighted = rows.reduce((s, r) => s + (r.answerTimeAvgSec ?? 0) * r.answered, 0) / sum('answered');
    expect(weighted).toBeCloseTo(sla.body.answerTimeAvgSec, 2);
    expect(intervals.body.totals).toMatchObject({ answerTimeAvgSec: sla.body.answerTimeAvgSec, abandonedPct: sla.body.abandonedPct });
  });

  it('CSV with ; and a BOM, XLSX by Accept or ?format=xlsx', async () => {
    const csv = await get('/reports/sla/intervals?month=2026-10&service=TN').set('Accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const table = parseCsv(csv.text.slice(1), ';');
    expect(table[0]).toEqual(['date', 'from', 'to', 'registered', 'answered', 'abandoned', 'shortAbandoned', 'answerTimeAvgSec']);
    expect(table).toHaveLength(1 + 22 * 18);
    expect(table.find((r) => r[0] === '2026-10-23' && r[1] === '08:00')).toEqual(['2026-10-23', '08:00', '08:30', '1', '1', '0', '0', '12']);

    const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    for (const res of [
      await get('/reports/sla/intervals?month=2026-10&service=TN').set('Accept', xlsxType).buffer(true).parse(binary),
      await get('/reports/sla/intervals?month=2026-10&service=TN&format=xlsx').buffer(true).parse(binary),
    ]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain(xlsxType);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      expect(sheet.rowCount).toBe(1 + 22 * 18);
      const found = sheet.getSheetValues().find((r) => Array.isArray(r) && r[1] === '2026-10-26' && r[2] === '08:00') as unknown[];
      // No answered call: no answer time, an empty cell.
      expect(found.slice(1)).toEqual(['2026-10-26', '08:00', '08:30', 1, 0, 1, 0]);
    }
  });

  it('refusals: bad month, unknown service, missing service, not a supervisor', async () => {
    const bad = await get('/reports/sla/intervals?month=2026-13&service=TN');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('month');
    expect((await get('/reports/sla/intervals?month=2026-03&service=XX')).body.errors[0].field).toBe('service');
    expect((await get('/reports/sla/intervals?month=2026-03')).body.errors[0].field).toBe('service');
    expect((await get('/reports/sla/intervals?month=2026-03&service=TN', await stack.bearer('operator'))).status).toBe(403);
  });
});

/** supertest parser keeping a binary body as a Buffer. */
function binary(res: request.Response, done: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('GET /reports/staffing', () => {
  it('rates, handle time, patience and agents per weekday and half hour match an independent Erlang computation', async () => {
    const res = await get('/reports/staffing?service=TN&from=2026-03-01&to=2026-03-31&shrinkage=0.25');
    expect(res.status).toBe(200);
    expect(res.body.targets).toEqual({ answerTimeTargetSec: 15, abandonedPctTarget: 3 });
    expect(res.body.slots).toHaveLength(5 * 18);
    // λ = 90 calls per half hour = 0.05/s; h = 180 s; A = 9 Erlangs.
    // Patience = Σ waits / hang-ups per half hour: 3 × 40 s + 2 × 5 s + Σ (i % 7) over the 85 answered.
    let answeredWaits = 0;
    for (let i = 0; i < 90; i++) if (i % 30 !== 0 && i % 45 !== 1) answeredWaits += i % 7;
    const patienceSec = (3 * 40 + 2 * 5 + answeredWaits) / 5;
    const lambda = 0.05;
    const smallest = (predict: (n: number) => { answerTimeAvgSec: number; abandonProbability: number }) => {
      for (let n = 1; ; n++) {
        const p = predict(n);
        if (p.answerTimeAvgSec <= 15 && p.abandonProbability * 100 <= 3) return n;
      }
    };
    const agentsC = smallest((n) => erlangCPrediction({ arrivalsPerSec: lambda, handleSec: 180, agents: n }));
    const agentsA = smallest((n) => erlangAPrediction({ arrivalsPerSec: lambda, handleSec: 180, agents: n, patienceSec }));
    const a = erlangAPrediction({ arrivalsPerSec: lambda, handleSec: 180, agents: agentsA, patienceSec });
    const monday8 = res.body.slots.find((s: { weekday: string; from: string }) => s.weekday === 'mon' && s.from === '08:00');
    expect(monday8).toMatchObject({
      to: '08:30',
      occurrences: 5, // Mondays 2, 9, 16, 23, 30
      calls: 450,
      arrivalsPerSec: 0.05,
      arrivalsPerHour: 180,
      handleTimeAvgSec: 180,
      patienceSec: Math.round(patienceSec * 100) / 100,
      loadErlangs: 9,
      erlangC: { agents: agentsC },
      erlangA: { agents: agentsA, answerTimeAvgSec: Math.round(a.answerTimeAvgSec * 100) / 100, abandonedPct: Math.round(a.abandonProbability * 10000) / 100 },
    });
    expect(agentsA).toBeLessThanOrEqual(agentsC);
    expect(res.body.weekdays.map((w: { weekday: string }) => w.weekday)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    // Every half hour needs the same agents: 9 h a day × 5 days, a week of 31/7 weeks.
    const weeklyHoursC = agentsC * 0.5 * 18 * (22 / (31 / 7));
    expect(res.body.weekly.erlangC.agentHours).toBeCloseTo(weeklyHoursC, 1);
    expect(res.body.weekly.erlangC.fte).toBeCloseTo(fullTimeEquivalents(weeklyHoursC, 0.25, 36), 1);
  });

  it('stricter targets need more agents; the targets and shrinkage come from the query', async () => {
    const loose = await get('/reports/staffing?service=TN&from=2026-03-02&to=2026-03-06&answerTimeTargetSec=60&abandonedPctTarget=10');
    const strict = await get('/reports/staffing?service=TN&from=2026-03-02&to=2026-03-06&answerTimeTargetSec=2&abandonedPctTarget=1&shrinkage=30');
    expect(loose.status).toBe(200);
    expect(strict.status).toBe(200);
    expect(strict.body.shrinkage).toBe(0.3);
    expect(strict.body.weekly.erlangA.agentHours).toBeGreaterThan(loose.body.weekly.erlangA.agentHours);
    expect(strict.body.slots[0].erlangC.agents).toBeGreaterThan(loose.body.slots[0].erlangC.agents);
  });

  it('the period as months, local dates or instants gives the same figures', async () => {
    const byDates = await get('/reports/staffing?service=TN&from=2026-03-01&to=2026-03-31');
    const byMonth = await get('/reports/staffing?service=TN&from=2026-03&to=2026-03');
    const byInstants = await get(`/reports/staffing?service=TN&from=${encodeURIComponent('2026-03-01T00:00:00+01:00')}&to=${encodeURIComponent('2026-04-01T00:00:00+02:00')}`);
    for (const res of [byDates, byMonth, byInstants]) expect(res.status).toBe(200);
    expect(byMonth.body.slots).toEqual(byDates.body.slots);
    expect(byMonth.body.weekly).toEqual(byDates.body.weekly);
    expect(byInstants.body.slots).toEqual(byDates.body.slots);
    expect(byInstants.body.weekly).toEqual(byDates.body.weekly);
  });

  it('refusals name the field', async () => {
    const cases: [string, string][] = [
      ['service=TN&from=2026-03-31&to=2026-03-01', 'to'],
      ['service=TN&from=2026-02-30&to=2026-03-01', 'from'],
      ['service=TN&from=2026-03-01&to=2026-03-31&shrinkage=-1', 'shrinkage'],
      ['service=TN&from=2026-03-01&to=2026-03-31&answerTimeTargetSec=abc', 'answerTimeTargetSec'],
      ['service=TN&from=2025-01-01&to=2026-12-31', 'to'],
      ['service=NOPE&from=2026-03-01&to=2026-03-31', 'service'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/reports/staffing?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const empty = await get('/reports/staffing?service=TN&from=2025-01-01&to=2025-01-31');
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].field).toBe('from');
  });
});

describe('POST /reports/what-if', () => {
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
  const plan = (agents: number) => [{ days: weekdays, from: '08:00', to: '17:00', agents }];

  it('replays the month: the actual figures are the SLA report’s, more agents predict better figures', async () => {
    const sla = await get('/reports/sla?month=2026-03&service=TN');
    // Calls every 20 s talking 180 s keep exactly 9 agents busy: 9 agents answer everyone at once,
    // 7 cannot keep up.
    const few = await whatIf({ service: 'TN', month: '2026-03', staffing: plan(7), seed: 7 });
    const many = await whatIf({ service: 'TN', month: '2026-03', staffing: plan(9), seed: 7 });
    expect(few.status).toBe(200);
    expect(many.status).toBe(200);
    expect(few.body.calls).toBe(22 * 18 * 90);
    expect(few.body.actual).toEqual({
      answered: sla.body.calls.answered,
      abandoned: sla.body.calls.abandoned,
      shortAbandoned: sla.body.calls.shortAbandoned,
      answerTimeAvgSec: sla.body.answerTimeAvgSec,
      abandonedPct: sla.body.abandonedPct,
    });
    expect(many.body.predicted).toMatchObject({ answerTimeAvgSec: 0, abandonedPct: 0, abandoned: 0, shortAbandoned: 0 });
    expect(few.body.predicted.answerTimeAvgSec).toBeGreaterThan(0);
    expect(few.body.predicted.abandonedPct).toBeGreaterThan(3);
    expect(few.body.halfHours).toHaveLength(18);
    expect(few.body.halfHours[0]).toMatchObject({ from: '08:00', to: '08:30', calls: 22 * 90, agentsAvg: 7 });
    const sumCalls = few.body.halfHours.reduce((s: number, h: { calls: number }) => s + h.calls, 0);
    expect(sumCalls).toBe(few.body.calls);
  });

  it('same seed, same result', async () => {
    // Weekdays by code or by ISO number (Monday = 1).
    const body = { service: 'TN', month: '2026-03', staffing: [{ days: weekdays, from: '08:00', to: '12:00', agents: 10 }, { days: [1, 2, 3, 4, 5], from: '12:00', to: '17:00', agents: 9 }], seed: 42 };
    const first = await whatIf(body);
    const second = await whatIf(body);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(first.body.halfHours.find((h: { from: string }) => h.from === '12:00').agentsAvg).toBe(9);
  });

  it('refusals name the field and change nothing', async () => {
    const cases: [object, number, string][] = [
      [{ service: 'TN', month: '2026-3', staffing: plan(5) }, 400, 'month'],
      [{ service: 'TN', month: '2025-01', staffing: plan(5) }, 422, 'month'],
      [{ service: 'TN', month: '2026-03', staffing: plan(-1) }, 400, 'staffing[0].agents'],
      [{ service: 'TN', month: '2026-03', staffing: [{ days: weekdays, from: '12:00', to: '08:00', agents: 3 }] }, 400, 'staffing[0].to'],
      [{ service: 'TN', month: '2026-03', staffing: [{ days: weekdays, from: '8:00', to: '12:00', agents: 3 }] }, 400, 'staffing[0].from'],
      [{ service: 'TN', month: '2026-03', staffing: [{ days: ['lun'], from: '08:00', to: '12:00', agents: 3 }] }, 400, 'staffing[0].days[0]'],
      [{ service: 'TN', month: '2026-03', staffing: [...plan(3), { days: ['fri'], from: '16:00', to: '18:00', agents: 1 }] }, 400, 'staffing[1]'],
      [{ service: 'TN', month: '2026-03', staffing: [] }, 400, 'staffing'],
      [{ service: 'TN', month: '2026-03', staffing: plan(3), extra: true }, 400, '(body)'],
      [{ service: 'XX', month: '2026-03', staffing: plan(3) }, 400, 'service'],
    ];
    const before = await stack.db('calls').count({ n: '*' });
    for (const [body, status, field] of cases) {
      const res = await whatIf(body);
      expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([status, expect.arrayContaining([field])]);
    }
    expect(await stack.db('calls').count({ n: '*' })).toEqual(before);
    expect((await whatIf({ service: 'TN', month: '2026-03', staffing: plan(3) }, await stack.bearer('operator'))).status).toBe(403);
  });
});
