import ExcelJS from 'exceljs';
import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { callsCatalog } from '../support/calls-catalog';

/**
 * Hand-computed months over the test catalog (test/support/calls-catalog.ts):
 * TN = Mon-Fri 08:00-17:00 Europe/Rome with Italian holidays, targets 15 s / 3 % / 75 %;
 * H24 = 24/7 in Europe/Rome, targets 13 s / 3 % / 75 %.
 * Every expected figure below is worked out in the comments from the Appendix 4 formulas.
 */

let stack: Stack;
let supervisor: string;

interface Call {
  callId: string;
  service: string;
  registeredAt: string;
  answeredAt?: string | null;
  endedAt: string;
}

const calls: Call[] = [
  // --- TN, March 2026 (summer time from Sunday 29 March) ---
  // in: opening instant, answered after 12 s; first-level contact (written before the import)
  { callId: 'tn-0302-0800', service: 'TN', registeredAt: '2026-03-02T08:00:00+01:00', answeredAt: '2026-03-02T08:00:12+01:00', endedAt: '2026-03-02T08:03:00+01:00' },
  // out: one second before opening (its first-level contact must not count)
  { callId: 'tn-0302-0759', service: 'TN', registeredAt: '2026-03-02T07:59:59+01:00', answeredAt: '2026-03-02T08:00:05+01:00', endedAt: '2026-03-02T08:02:00+01:00' },
  // in: last second of the window, answered after 20 s (contact escalated: back office)
  { callId: 'tn-0302-1659', service: 'TN', registeredAt: '2026-03-02T16:59:59+01:00', answeredAt: '2026-03-02T17:00:19+01:00', endedAt: '2026-03-02T17:05:00+01:00' },
  // out: at closing
  { callId: 'tn-0302-1700', service: 'TN', registeredAt: '2026-03-02T17:00:00+01:00', answeredAt: '2026-03-02T17:00:03+01:00', endedAt: '2026-03-02T17:01:00+01:00' },
  // out: Saturday; Sunday (unanswered)
  { callId: 'tn-0307-sat', service: 'TN', registeredAt: '2026-03-07T10:00:00+01:00', answeredAt: '2026-03-07T10:00:04+01:00', endedAt: '2026-03-07T10:03:00+01:00' },
  { callId: 'tn-0301-sun', service: 'TN', registeredAt: '2026-03-01T11:00:00+01:00', answeredAt: null, endedAt: '2026-03-01T11:00:30+01:00' },
  // in: hung up after exactly 10 s (short abandon) and after 11 s (abandoned)
  { callId: 'tn-0303-short', service: 'TN', registeredAt: '2026-03-03T10:00:00+01:00', endedAt: '2026-03-03T10:00:10+01:00' },
  { callId: 'tn-0303-abandoned', service: 'TN', registeredAt: '2026-03-03T10:05:00+01:00', answeredAt: null, endedAt: '2026-03-03T10:05:11+01:00' },
  // in: answered after 5.5 s, contact answered by the IVR ('auto'); answered after 7 s, two first-level contacts
  { callId: 'tn-0304-auto', service: 'TN', registeredAt: '2026-03-04T09:00:00+01:00', answeredAt: '2026-03-04T09:00:05.500+01:00', endedAt: '2026-03-04T09:02:00+01:00' },
  { callId: 'tn-0304-two', service: 'TN', registeredAt: '2026-03-04T09:10:00+01:00', answeredAt: '2026-03-04T09:10:07+01:00', endedAt: '2026-03-04T09:15:00+01:00' },
  // in: 08:30 summer time (07:30 in winter offset), answered after 10 s
  { callId: 'tn-0330-dst-in', service: 'TN', registeredAt: '2026-03-30T08:30:00+02:00', answeredAt: '2026-03-30T08:30:10+02:00', endedAt: '2026-03-30T08:40:00+02:00' },
  // out: 16:30 in winter offset is 17:30 summer time
  { callId: 'tn-0330-dst-out', service: 'TN', registeredAt: '2026-03-30T16:30:00+01:00', answeredAt: '2026-03-30T16:30:02+01:00', endedAt: '2026-03-30T16:35:00+01:00' },
  // in: last business day, answered after 30 s
  { callId: 'tn-0331-last', service: 'TN', registeredAt: '2026-03-31T16:59:00+02:00', answeredAt: '2026-03-31T16:59:30+02:00', endedAt: '2026-03-31T17:10:00+02:00' },
  // other months
  { callId: 'tn-feb', service: 'TN', registeredAt: '2026-02-27T16:00:00+01:00', answeredAt: '2026-02-27T16:00:01+01:00', endedAt: '2026-02-27T16:01:00+01:00' },
  { callId: 'tn-apr', service: 'TN', registeredAt: '2026-04-01T09:00:00+02:00', answeredAt: '2026-04-01T09:00:01+02:00', endedAt: '2026-04-01T09:01:00+02:00' },

  // --- H24, March 2026: the month runs from 1 March 00:00 +01:00 to 1 April 00:00 +02:00 ---
  { callId: 'h24-last', service: 'H24', registeredAt: '2026-03-31T23:30:00+02:00', answeredAt: '2026-03-31T23:30:13+02:00', endedAt: '2026-03-31T23:35:00+02:00' },
  { callId: 'h24-april', service: 'H24', registeredAt: '2026-04-01T00:30:00+02:00', answeredAt: '2026-04-01T00:30:01+02:00', endedAt: '2026-04-01T00:35:00+02:00' },
  { callId: 'h24-first', service: 'H24', registeredAt: '2026-03-01T00:00:00+01:00', answeredAt: '2026-03-01T00:00:13+01:00', endedAt: '2026-03-01T00:05:00+01:00' },
  { callId: 'h24-feb', service: 'H24', registeredAt: '2026-02-28T23:59:59+01:00', answeredAt: '2026-03-01T00:00:01+01:00', endedAt: '2026-03-01T00:01:00+01:00' },
  { callId: 'h24-sun-short', service: 'H24', registeredAt: '2026-03-15T03:00:00+01:00', answeredAt: null, endedAt: '2026-03-15T03:00:10+01:00' },
  { callId: 'h24-dst', service: 'H24', registeredAt: '2026-03-29T03:30:00+02:00', answeredAt: '2026-03-29T03:30:13+02:00', endedAt: '2026-03-29T03:40:00+02:00' },
  { callId: 'h24-mid', service: 'H24', registeredAt: '2026-03-20T12:00:00+01:00', answeredAt: '2026-03-20T12:00:13+01:00', endedAt: '2026-03-20T12:10:00+01:00' },

  // --- TN, December 2025 ---
  // out: Immacolata (Monday 8) and Christmas
  { callId: 'tn-1208-holiday', service: 'TN', registeredAt: '2025-12-08T10:00:00+01:00', answeredAt: '2025-12-08T10:00:05+01:00', endedAt: '2025-12-08T10:05:00+01:00' },
  { callId: 'tn-1225', service: 'TN', registeredAt: '2025-12-25T10:00:00+01:00', answeredAt: '2025-12-25T10:00:05+01:00', endedAt: '2025-12-25T10:05:00+01:00' },
  // in: answered after 9 s; hung up after 10.001 s, one millisecond before closing
  { callId: 'tn-1209', service: 'TN', registeredAt: '2025-12-09T10:00:00+01:00', answeredAt: '2025-12-09T10:00:09+01:00', endedAt: '2025-12-09T10:04:00+01:00' },
  { callId: 'tn-1224-edge', service: 'TN', registeredAt: '2025-12-24T16:59:59.999+01:00', endedAt: '2025-12-24T17:00:10.000+01:00' },
];

let contactSeq = 0;
function contact(c: { service?: string; channel?: string; callId?: string; resolution: string | null; createdAt: string; resolvedAfterSec?: number }) {
  const created = new Date(c.createdAt);
  const resolved = c.resolution ? new Date(created.getTime() + (c.resolvedAfterSec ?? 120) * 1000) : null;
  return {
    id: `k-${++contactSeq}`,
    version: 1,
    service: c.service ?? 'TN',
    channel: c.channel ?? 'phone',
    status: c.resolution ? 'resolved' : 'triage',
    call_id: c.callId ?? null,
    reason: 'richiesta',
    resolution: c.resolution,
    created_at: created,
    queued_at: created,
    resolved_at: resolved,
    updated_at: resolved ?? created,
  };
}

const sla = (query: string, bearer = supervisor) => request(stack.app).get(`/api/v1/reports/sla?${query}`).set('Authorization', bearer);
/** The CSV's records: it starts with a BOM and ends records with CRLF, as Excel expects. */
function csvLines(text: string): string[] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain('\r\n');
  return text.slice(1).trimEnd().split('\r\n');
}

/** The first sheet's rows, written as the CSV writes them (`;`-separated, empty cells empty). */
async function xlsxLines(body: Buffer): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const lines: string[] = [];
  sheet.eachRow((row) => {
    const cells: string[] = [];
    for (let i = 1; i <= sheet.columnCount; i++) cells.push(row.getCell(i).value === null ? '' : String(row.getCell(i).value));
    lines.push(cells.join(';'));
  });
  return lines;
}

const crm = (query: string, bearer = supervisor) => request(stack.app).get(`/api/v1/reports/crm?${query}`).set('Authorization', bearer);

beforeAll(async () => {
  stack = await startStack({ catalog: callsCatalog() });
  supervisor = await stack.bearer('supervisor');
  const integrator = await stack.bearer('integrator');

  // Contacts written before the calls are imported...
  await stack.db('contacts').insert([
    contact({ callId: 'tn-0302-0800', resolution: 'first_level', createdAt: '2026-03-02T07:00:15Z' }),
    contact({ callId: 'tn-0302-0759', resolution: 'first_level', createdAt: '2026-03-02T07:00:10Z' }),
    contact({ callId: 'tn-0302-1659', resolution: 'first_level', createdAt: '2026-03-02T16:00:25Z' }),
    contact({ service: 'H24', callId: 'h24-first', resolution: 'first_level', createdAt: '2026-02-28T23:00:20Z' }),
  ]);
  // ...the import, twice: the second changes nothing...
  for (let i = 0; i < 2; i++) {
    const res = await request(stack.app).post('/api/v1/calls').set('Authorization', integrator).send(calls);
    expect(res.status).toBe(i === 0 ? 201 : 200);
  }
  expect(await stack.db('calls').count({ n: '*' })).toEqual([{ n: String(calls.length) }]);
  // ...and contacts written or changed after it.
  await stack.db('contacts').where({ call_id: 'tn-0302-1659' }).update({ resolution: 'back_office' });
  await stack.db('contacts').insert([
    contact({ callId: 'tn-0304-auto', resolution: 'auto', createdAt: '2026-03-04T08:00:06Z' }),
    contact({ callId: 'tn-0304-two', resolution: 'first_level', createdAt: '2026-03-04T08:10:08Z' }),
    contact({ callId: 'tn-0304-two', resolution: 'first_level', createdAt: '2026-03-04T08:12:00Z' }),
    contact({ callId: 'tn-0330-dst-in', resolution: null, createdAt: '2026-03-30T06:30:11Z' }),
    contact({ service: 'H24', callId: 'h24-last', resolution: 'first_level', createdAt: '2026-03-31T21:30:14Z' }),
    contact({ service: 'H24', callId: 'h24-dst', resolution: 'back_office', createdAt: '2026-03-29T01:30:14Z' }),
    contact({ service: 'H24', callId: 'h24-mid', resolution: 'first_level', createdAt: '2026-03-20T11:00:14Z' }),
  ]);

  // CRM month, October 2026 (summer time ends on Sunday 25): contacts without calls.
  await stack.db('contacts').insert([
    contact({ channel: 'phone', resolution: 'first_level', createdAt: '2026-10-05T09:00:00+02:00', resolvedAfterSec: 60 }),
    contact({ channel: 'phone', resolution: 'first_level', createdAt: '2026-10-05T10:00:00+02:00', resolvedAfterSec: 120 }),
    contact({ channel: 'email', resolution: 'back_office', createdAt: '2026-10-26T09:00:00+01:00', resolvedAfterSec: 3600 }),
    contact({ channel: 'web', resolution: null, createdAt: '2026-10-27T09:00:00+01:00' }),
    contact({ channel: 'voicemail', resolution: 'back_office', createdAt: '2026-10-10T07:00:00+02:00', resolvedAfterSec: 600 }),
    // 1 October 00:30 in Rome: October; 1 November 00:30 in Rome: not October
    contact({ channel: 'email', resolution: 'auto', createdAt: '2026-09-30T22:30:00Z', resolvedAfterSec: 300 }),
    contact({ channel: 'web', resolution: 'first_level', createdAt: '2026-10-31T23:30:00Z', resolvedAfterSec: 10 }),
    contact({ service: 'H24', channel: 'phone', resolution: 'first_level', createdAt: '2026-10-15T12:00:00+02:00', resolvedAfterSec: 30 }),
  ]);
});
afterAll(async () => {
  await stack.stop();
});

describe('GET /reports/sla for one service', () => {
  it('TN March 2026: window, weekend, edges, summer time, short abandons and first-level contacts', async () => {
    const res = await sla('month=2026-03&service=TN');
    expect(res.status).toBe(200);
    // In window: 0302-0800 (12 s), 0302-1659 (20 s), 0304-auto (5.5 s), 0304-two (7 s), 0330-dst-in (10 s),
    // 0331-last (30 s): N = 6, Σ = 84.5 s, Tm = 84.5 / 6 = 14.083 → 14.08 ≤ 15 met.
    // M = 1 (11 s), short = 1 (10 s): P = 1 / (1 + 6) × 100 = 14.286 → 14.29 > 3 not met.
    // C = 0302-0800, 0304-auto, 0304-two (two contacts, counted once) = 3: Q = 3 / 6 × 100 = 50 < 75 not met.
    // Out of window: 0302-0759, 0302-1700, 0307-sat, 0301-sun, 0330-dst-out = 5.
    expect(res.body).toMatchObject({
      month: '2026-03',
      service: 'TN',
      answerTimeAvgSec: 14.08,
      abandonedPct: 14.29,
      firstLevelResolvedPct: 50,
      calls: { registered: 8, answered: 6, abandoned: 1, shortAbandoned: 1, outOfWindow: 5 },
      targets: { answerTimeAvgSec: 15, abandonedPct: 3, firstLevelResolvedPct: 75 },
      met: { answerTime: true, abandoned: false, firstLevelResolved: false },
    });
  });

  it('charts every business day of the month', async () => {
    const { daily } = (await sla('month=2026-03&service=TN')).body as { daily: Record<string, unknown>[] };
    // 22 business days: no weekend day, not the 29th (the Sunday of the time change).
    expect(daily).toHaveLength(22);
    const dates = daily.map((d) => d.date);
    expect(dates[0]).toBe('2026-03-02');
    expect(dates[21]).toBe('2026-03-31');
    expect(dates).not.toContain('2026-03-07');
    const day = (date: string) => daily.find((d) => d.date === date);
    // 2 March: 12 s and 20 s → Tm 16; one of two first level → 50 %.
    expect(day('2026-03-02')).toEqual({ date: '2026-03-02', answerTimeAvgSec: 16, abandonedPct: 0, firstLevelResolvedPct: 50, registered: 2, answered: 2, abandoned: 0, shortAbandoned: 0 });
    // 3 March: one abandon and one short abandon, nothing answered → P = 1 / (1 + 0) = 100 %.
    expect(day('2026-03-03')).toEqual({ date: '2026-03-03', answerTimeAvgSec: null, abandonedPct: 100, firstLevelResolvedPct: null, registered: 2, answered: 0, abandoned: 1, shortAbandoned: 1 });
    // 4 March: (5.5 + 7) / 2 = 6.25 s, both first level.
    expect(day('2026-03-04')).toMatchObject({ answerTimeAvgSec: 6.25, abandonedPct: 0, firstLevelResolvedPct: 100, answered: 2 });
    expect(day('2026-03-05')).toEqual({ date: '2026-03-05', answerTimeAvgSec: null, abandonedPct: null, firstLevelResolvedPct: null, registered: 0, answered: 0, abandoned: 0, shortAbandoned: 0 });
    expect(day('2026-03-30')).toMatchObject({ answerTimeAvgSec: 10, firstLevelResolvedPct: 0, answered: 1 });
  });

  it('H24 March 2026: month boundaries in the service zone, targets met exactly', async () => {
    const res = await sla('month=2026-03&service=H24');
    expect(res.status).toBe(200);
    // In March (Rome): h24-first (00:00 on the 1st), h24-mid, h24-dst, h24-last (23:30 on the 31st), all 13 s,
    // and h24-sun-short. Not h24-feb (23:59:59 on 28 Feb) nor h24-april (00:30 on 1 April = 22:30Z on 31 March).
    // N = 4, Tm = 52 / 4 = 13 ≤ 13 met; M = 0, P = 0 ≤ 3 met; C = 3 (h24-dst is back office), Q = 75 ≥ 75 met.
    expect(res.body).toMatchObject({
      answerTimeAvgSec: 13,
      abandonedPct: 0,
      firstLevelResolvedPct: 75,
      calls: { registered: 5, answered: 4, abandoned: 0, shortAbandoned: 1, outOfWindow: 0 },
      targets: { answerTimeAvgSec: 13, abandonedPct: 3, firstLevelResolvedPct: 75 },
      met: { answerTime: true, abandoned: true, firstLevelResolved: true },
    });
    expect(res.body.daily).toHaveLength(31);
    expect(res.body.daily.find((d: { date: string }) => d.date === '2026-03-31')).toMatchObject({ answered: 1, answerTimeAvgSec: 13 });
    expect(res.body.daily.find((d: { date: string }) => d.date === '2026-03-29')).toMatchObject({ answered: 1 });
  });

  it('TN December 2025: holidays closed, 10.001 s is an abandon', async () => {
    const res = await sla('month=2025-12&service=TN');
    // In: tn-1209 (9 s) and tn-1224-edge (10.001 s, unanswered). Out: 8 and 25 December.
    // N = 1, Tm = 9 met; M = 1, P = 1 / 2 = 50 % not met; C = 0, Q = 0 % not met.
    expect(res.body).toMatchObject({
      answerTimeAvgSec: 9,
      abandonedPct: 50,
      firstLevelResolvedPct: 0,
      calls: { registered: 2, answered: 1, abandoned: 1, shortAbandoned: 0, outOfWindow: 2 },
      met: { answerTime: true, abandoned: false, firstLevelResolved: false },
    });
    // 23 weekdays minus 8, 25 and 26 December.
    expect(res.body.daily).toHaveLength(20);
    expect(res.body.daily.map((d: { date: string }) => d.date)).not.toContain('2025-12-08');
  });

  it('a month without calls has no figures and no verdicts', async () => {
    const res = await sla('month=2026-05&service=TN');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      answerTimeAvgSec: null,
      abandonedPct: null,
      firstLevelResolvedPct: null,
      calls: { registered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, outOfWindow: 0 },
      met: { answerTime: null, abandoned: null, firstLevelResolved: null },
    });
    // May 2026: 21 weekdays minus 1 May.
    expect(res.body.daily).toHaveLength(20);
  });

  it('follows a re-imported call that moved out of the window', async () => {
    const integrator = await stack.bearer('integrator');
    const moved = { callId: 'tn-1209', service: 'TN', registeredAt: '2025-12-09T07:00:00+01:00', answeredAt: '2025-12-09T07:00:09+01:00', endedAt: '2025-12-09T07:04:00+01:00' };
    expect((await request(stack.app).post('/api/v1/calls').set('Authorization', integrator).send(moved)).body).toMatchObject({ updated: 1 });
    const res = await sla('month=2025-12&service=TN');
    expect(res.body.calls).toMatchObject({ registered: 1, answered: 0, abandoned: 1, outOfWindow: 3 });
    expect(res.body.answerTimeAvgSec).toBeNull();
    expect(res.body.abandonedPct).toBe(100);
  });
});

describe('a contact resolved through the API', () => {
  it('puts its call among the first-level resolved ones', async () => {
    const integrator = await stack.bearer('integrator');
    const operator = await stack.bearer('operator');
    const june = { callId: 'api-june', service: 'H24', registeredAt: '2026-06-10T10:00:00+02:00', answeredAt: '2026-06-10T10:00:08+02:00', endedAt: '2026-06-10T10:06:00+02:00' };
    expect((await request(stack.app).post('/api/v1/calls').set('Authorization', integrator).send(june)).status).toBe(201);
    const opened = await request(stack.app)
      .post('/api/v1/contacts')
      .set('Authorization', operator)
      .send({ service: 'H24', channel: 'phone', callId: 'api-june', caller: { surname: 'Rossi' }, reason: 'orari degli uffici' });
    expect(opened.status).toBe(201);
    // Open, not yet resolved: N = 1, C = 0.
    expect((await sla('month=2026-06&service=H24')).body).toMatchObject({ answerTimeAvgSec: 8, firstLevelResolvedPct: 0 });
    const resolved = await request(stack.app).post(`/api/v1/contacts/${opened.body.id}/resolve`).set('Authorization', operator).send({ answer: 'Gli uffici sono aperti dalle 9 alle 12.' });
    expect(resolved.status).toBe(200);
    // C = 1 of N = 1.
    expect((await sla('month=2026-06&service=H24')).body).toMatchObject({ firstLevelResolvedPct: 100, calls: { answered: 1, firstLevelResolved: 1 } });
  });
});

describe('GET /reports/sla for every service', () => {
  it('gives one row per service and totals recomputed over all counted calls', async () => {
    const res = await sla('month=2026-03');
    expect(res.status).toBe(200);
    expect(res.body.month).toBe('2026-03');
    expect(res.body.services.map((s: { service: string }) => s.service)).toEqual(['TN', 'H24']);
    expect(res.body.services[0]).toMatchObject({ answerTimeAvgSec: 14.08, abandonedPct: 14.29, firstLevelResolvedPct: 50 });
    // N = 6 + 4 = 10, Σ = 84.5 + 52 = 136.5 → Tm 13.65; M = 1 → P = 1 / 11 = 9.09 %; C = 3 + 3 = 6 → Q = 60 %.
    expect(res.body.totals).toMatchObject({
      answerTimeAvgSec: 13.65,
      abandonedPct: 9.09,
      firstLevelResolvedPct: 60,
      calls: { registered: 13, answered: 10, abandoned: 1, shortAbandoned: 2, outOfWindow: 5 },
      targets: { answerTimeAvgSec: 13, abandonedPct: 3, firstLevelResolvedPct: 75 },
      met: { answerTime: false, abandoned: false, firstLevelResolved: false },
    });
  });

  it('answers CSV for Excel in Italian locale (`;`, BOM, CRLF) and the same table as XLSX', async () => {
    const res = await sla('month=2026-03').set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csvLines(res.text);
    expect(lines[0]).toBe(
      'month;service;answerTimeAvgSec;abandonedPct;firstLevelResolvedPct;registered;answered;abandoned;shortAbandoned;outOfWindow;firstLevelResolved;answerTimeTargetSec;abandonedPctTarget;firstLevelResolvedPctTarget;answerTimeMet;abandonedMet;firstLevelResolvedMet',
    );
    expect(lines.slice(1)).toEqual([
      '2026-03;TN;14.08;14.29;50;8;6;1;1;5;3;15;3;75;true;false;false',
      '2026-03;H24;13;0;75;5;4;0;1;0;3;13;3;75;true;true;true',
      '2026-03;TOTAL;13.65;9.09;60;13;10;1;2;5;6;13;3;75;false;false;false',
    ]);
    const one = await sla('month=2026-05&service=TN').set('Accept', 'text/csv');
    expect(csvLines(one.text)[1]).toBe('2026-05;TN;;;;0;0;0;0;0;0;15;3;75;;;');
    const xlsx = await sla('month=2026-03&format=xlsx').responseType('blob');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toMatch(/^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/);
    expect(xlsx.headers['content-disposition']).toContain('sla-2026-03.xlsx');
    expect(await xlsxLines(xlsx.body)).toEqual(lines);
  });
});

describe('GET /reports/sla access and input', () => {
  it('is for supervisors (and admin): operators and integrators get 403', async () => {
    expect((await sla('month=2026-03', await stack.bearer('operator'))).status).toBe(403);
    expect((await sla('month=2026-03', await stack.bearer('integrator'))).status).toBe(403);
    expect((await sla('month=2026-03', await stack.bearer('admin'))).status).toBe(200);
    expect((await request(stack.app).get('/api/v1/reports/sla?month=2026-03')).status).toBe(401);
  });

  it('answers 400 naming month or service', async () => {
    for (const q of ['month=2026-13', 'month=2026-3', 'month=1969-12', 'month=3000-01', 'month=march', 'month=', '', 'month=2026-03&month=2026-04']) {
      const res = await sla(q);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['month']);
    }
    const res = await sla('month=2026-03&service=NOPE');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'service', message: expect.stringContaining('NOPE') }]);
  });
});

describe('GET /reports/crm', () => {
  it('counts October 2026 contacts per channel with response times and rate', async () => {
    const res = await crm('month=2026-10');
    expect(res.status).toBe(200);
    // Registered in October (Rome): 7 (not the web contact of 1 November 00:30); resolved 6 after
    // 30, 60, 120, 300, 600, 3600 s: median (120 + 300) / 2 = 210; p90 at rank 0.9 × 5 = 4.5:
    // 600 + 0.5 × 3000 = 2100; rate 6 / 7 = 85.71 %.
    expect(res.body).toMatchObject({
      month: '2026-10',
      service: null,
      zone: 'Europe/Rome',
      contacts: { registered: 7, resolved: 6, firstLevel: 3, auto: 1, backOffice: 2 },
      responseRatePct: 85.71,
      responseTimeSec: { median: 210, p90: 2100 },
      activeChannels: 4,
    });
    expect(res.body.channels).toEqual([
      // 30, 60, 120 s: p90 at rank 1.8 = 60 + 0.8 × 60 = 108
      { channel: 'phone', registered: 3, resolved: 3, responseRatePct: 100, responseTimeSec: { median: 60, p90: 108 } },
      // 300, 3600 s: median 1950, p90 = 300 + 0.9 × 3300 = 3270
      { channel: 'email', registered: 2, resolved: 2, responseRatePct: 100, responseTimeSec: { median: 1950, p90: 3270 } },
      { channel: 'web', registered: 1, resolved: 0, responseRatePct: 0, responseTimeSec: { median: null, p90: null } },
      { channel: 'voicemail', registered: 1, resolved: 1, responseRatePct: 100, responseTimeSec: { median: 600, p90: 600 } },
    ]);
  });

  it('narrows to one service', async () => {
    const res = await crm('month=2026-10&service=TN');
    // Without the H24 phone contact: resolved after 60, 120, 300, 600, 3600 s: median 300,
    // p90 at rank 3.6 = 600 + 0.6 × 3000 = 2400; rate 5 / 6 = 83.33 %.
    expect(res.body).toMatchObject({ service: 'TN', contacts: { registered: 6, resolved: 5 }, responseRatePct: 83.33, responseTimeSec: { median: 300, p90: 2400 } });
  });

  it('answers CSV, 403 for an operator, 400 for a bad month', async () => {
    const res = await crm('month=2026-10').set('Accept', 'text/csv');
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csvLines(res.text);
    expect(lines[0]).toBe('month;service;channel;registered;resolved;responseRatePct;responseTimeMedianSec;responseTimeP90Sec');
    expect(lines[1]).toBe('2026-10;;phone;3;3;100;60;108');
    expect(lines[5]).toBe('2026-10;;ALL;7;6;85.71;210;2100');
    const xlsx = await crm('month=2026-10').set('Accept', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').responseType('blob');
    expect(await xlsxLines(xlsx.body)).toEqual(lines);
    expect((await crm('month=2026-10&format=pdf')).status).toBe(400);
    expect((await crm('month=2026-10', await stack.bearer('operator'))).status).toBe(403);
    const bad = await crm('month=10-2026');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('month');
  });
});
