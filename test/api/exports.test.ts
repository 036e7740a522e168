import request from 'supertest';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { fastCatalog, startStack, Stack } from '../support/harness';
import { parseCsv } from '../support/csv';

// Generous waits: the machine may be busy with other suites.
jest.setTimeout(120_000);

let stack: Stack;
let operator: string;
let scheduler: string;
let supervisor: string;

beforeAll(async () => {
  // 24/7 calendars: every day, today included, is a business day.
  stack = await startStack({ catalog: fastCatalog() });
  operator = await stack.bearer('operator');
  scheduler = await stack.bearer('scheduler', undefined, 'Pianificatore');
  supervisor = await stack.bearer('supervisor');
});
afterAll(async () => {
  await stack.stop();
});

const todayInRome = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
const CENTRES = ['CPI-TRENTO', 'CPI-ROVERETO', 'CPI-RIVA-DEL-GARDA', 'CPI-PERGINE-VALSUGANA', 'CPI-CLES', 'CPI-TIONE'];

const api = (method: 'get' | 'post', path: string, bearer: string) => request(stack.app)[method](`/api/v1${path}`).set('Authorization', bearer);

type RunView = { date: string; status: string; runs: number; rows: number; centres: { code: string; status: string; rows: number | null; sentAt: string | null }[]; progress?: { status: string; centres: { code: string; status: string }[] } };

async function runOf(date: string): Promise<RunView | undefined> {
  const res = await api('get', `/exports/renewals/${date}`, scheduler);
  return res.status === 200 ? res.body : undefined;
}

async function waitForRun(date: string, pred: (r: RunView) => boolean, timeoutMs = 45_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runOf(date);
    if (run && pred(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${date} never matched: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const entry = (surname: string, taxCode: string, jobType: string) => ({ surname, name: 'Test', taxCode, jobType, jobCentre: 'CPI-TRENTO' });

describe('the bar', () => {
  it('exports the day once to the centre, listing the three entries with their actions; a re-run sends nothing', async () => {
    const date = todayInRome();
    const a = await api('post', '/renewals', operator).send(entry('Alfa', 'RSSMRA85T10A562S', 'Custode'));
    const b = await api('post', '/renewals', operator).send(entry('Beta', 'BNCGLI90A41H501E', 'Custode'));
    const c = await api('post', '/renewals', operator).send(entry('Gamma', 'RSSMRA85T10A56NH', 'Custode'));
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect((await api('post', `/renewals/${b.body.id}/confirm`, operator)).status).toBe(200);
    expect((await api('post', `/renewals/${c.body.id}/cancel`, operator)).status).toBe(200);

    const run = await api('post', '/exports/renewals/run', scheduler).send({ date });
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ date, workflowId: `renewals-export:${date}` });
    expect(run.headers.location).toBe(`/api/v1/exports/renewals/${date}`);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('cpi.trento@example.org'), 45_000);
    const csv = mail.parsed.attachments.find((x) => x.filename === `rinnovi_${date}_CPI-TRENTO.csv`)!;
    const records = parseCsv(csv.content.toString('utf8').replace(/^\uFEFF/, ''), ';');
    // Three entries, five actions in the order they happened: three insertions, a confirmation, a cancellation.
    expect(records.slice(1).map((r) => [r[0], r[1], r[3]])).toEqual([
      [a.body.id, 'Inserimento', 'Alfa'],
      [b.body.id, 'Inserimento', 'Beta'],
      [c.body.id, 'Inserimento', 'Gamma'],
      [b.body.id, 'Conferma', 'Beta'],
      [c.body.id, 'Cancellazione', 'Gamma'],
    ]);
    const xlsx = mail.parsed.attachments.find((x) => x.filename === `rinnovi_${date}_CPI-TRENTO.xlsx`)!;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.content as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('Variazioni')!.rowCount).toBe(6);

    const done = await waitForRun(date, (r) => r.status === 'completed');
    expect(done.runs).toBe(1);
    expect(done.rows).toBe(5);
    expect(done.centres.map((x) => x.code)).toEqual(CENTRES);
    expect(done.centres.every((x) => x.status === 'sent' && x.sentAt)).toBe(true);
    expect(done.centres[0]).toMatchObject({ code: 'CPI-TRENTO', rows: 5, inserted: 3, confirmed: 1, cancelled: 1 });
    // Every centre got one email for the day: the others a "nessuna variazione" one.
    expect(stack.smtp.messages).toHaveLength(6);
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('cpi.trento@example.org'))).toHaveLength(1);

    // Re-running the day: the run happens again, finds every delivery recorded, sends nothing.
    expect((await api('post', '/exports/renewals/run', scheduler).send({ date })).status).toBe(202);
    const rerun = await waitForRun(date, (r) => r.runs === 2 && r.status === 'completed');
    expect(rerun.centres[0]).toMatchObject({ status: 'sent', rows: 5 });
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.smtp.messages).toHaveLength(6);

    // The history shows the day.
    const history = await api('get', '/exports/renewals', supervisor);
    expect(history.status).toBe(200);
    const day = history.body.items.find((r: RunView) => r.date === date);
    expect(day).toMatchObject({ date, status: 'completed', trigger: 'manual', requestedBy: 'Pianificatore', runs: 2, rows: 5 });
  });

  it('answers an impossible, malformed or future date with 400 naming date', async () => {
    for (const date of ['2026-02-30', '23/11/2026', '2026-13-01', 20261123, '2999-01-01']) {
      const res = await api('post', '/exports/renewals/run', scheduler).send({ date });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['date']);
    }
    expect((await api('post', '/exports/renewals/run', scheduler).send({})).body.errors[0].field).toBe('date');
  });

  it('refuses operators (403) and anonymous callers (401)', async () => {
    expect((await api('post', '/exports/renewals/run', operator).send({ date: '2026-09-01' })).status).toBe(403);
    expect((await api('get', '/exports/renewals', operator)).status).toBe(403);
    expect((await api('get', '/exports/renewals', await stack.bearer('integrator'))).status).toBe(403);
    expect((await request(stack.app).get('/api/v1/exports/renewals')).status).toBe(401);
  });
});

describe('backfill and operations', () => {
  it('exports a past day explicitly, with that day\'s changes only, and rebuilds the same file later', async () => {
    const date = '2026-09-15';
    const { body } = await api('post', '/renewals', operator).send({ ...entry('Passato', 'BNCGLI90A41H501E', 'Raccolta frutta'), jobCentre: 'CPI-CLES' });
    // As if inserted on 15 September at 09:30 in Rome (CEST, UTC+2).
    await stack.db('history').where({ entity_type: 'renewal', entity_id: body.id }).update({ at: new Date('2026-09-15T07:30:00Z') });

    expect((await api('post', '/exports/renewals/run', supervisor).send({ date })).status).toBe(202);
    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('cpi.cles@example.org') && m.parsed.subject!.includes('15 settembre 2026'), 45_000);
    expect(mail.parsed.subject).toBe('Banca dati rinnovi - variazioni di martedì 15 settembre 2026');
    const rows = parseCsv(mail.parsed.attachments[0].content.toString('utf8').replace(/^\uFEFF/, ''), ';');
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([[body.id, 'Inserimento', '15/09/2026 09:30:00']]);

    const run = await waitForRun(date, (r) => r.status === 'completed');
    // The whole local day: 00:00 to 24:00 in Rome.
    expect(run).toMatchObject({ periodStart: '2026-09-14T22:00:00.000Z', periodEnd: '2026-09-15T22:00:00.000Z', trigger: 'manual', rows: 1 });
    expect(run.centres.find((x) => x.code === 'CPI-CLES')).toMatchObject({ status: 'sent', rows: 1 });

    const again = await api('get', `/exports/renewals/${date}/files/CPI-CLES.csv`, scheduler);
    expect(again.status).toBe(200);
    expect(again.headers['content-disposition']).toContain(`rinnovi_${date}_CPI-CLES.csv`);
    expect(parseCsv(again.text.replace(/^\uFEFF/, ''), ';')).toEqual(rows);
    expect((await api('get', `/exports/renewals/${date}/files/CPI-MARTE.csv`, scheduler)).status).toBe(404);
    expect((await api('get', '/exports/renewals/2026-09-14', scheduler)).status).toBe(404);
  });

  it('shows the progress of a running export from its workflow', async () => {
    const date = '2026-09-16';
    // Hold the deliveries table against writes: the export sends the first centre's email and then
    // waits to record it, so it stays running while we look.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = stack.db.transaction(async (trx: Knex.Transaction) => {
      await trx.raw('lock table renewals_export_deliveries in share row exclusive mode');
      locked();
      await released;
    });
    await isLocked;
    try {
      expect((await api('post', '/exports/renewals/run', scheduler).send({ date })).status).toBe(202);
      await stack.smtp.waitFor((m) => m.envelope.to.includes('cpi.trento@example.org') && m.parsed.subject!.includes('16 settembre 2026'), 45_000);
      const running = await waitForRun(date, (r) => r.status === 'running' && r.progress?.centres[0].status === 'exporting');
      expect(running.progress).toMatchObject({ status: 'running', centresTotal: 6, centresDone: 0 });
      expect(running.centres.every((x) => x.status === 'pending')).toBe(true);
      // Asking again while it runs joins the running export: never two at once.
      expect((await api('post', '/exports/renewals/run', scheduler).send({ date })).status).toBe(202);
    } finally {
      release();
      await holder;
    }
    const done = await waitForRun(date, (r) => r.status === 'completed');
    expect(done.runs).toBe(1);
    expect(done.progress).toBeUndefined();
    expect(stack.smtp.messages.filter((m) => m.parsed.subject!.includes('16 settembre 2026'))).toHaveLength(6);
  });

  it('lists runs newest first, filtered by dates and paginated', async () => {
    const res = await api('get', '/exports/renewals?from=2026-09-01&to=2026-09-30', supervisor);
    expect(res.body.items.map((r: RunView) => r.date)).toEqual(['2026-09-16', '2026-09-15']);
    expect(res.body.total).toBe(2);
    const page = await api('get', '/exports/renewals?from=2026-09-01&to=2026-09-30&limit=1&offset=1', supervisor);
    expect(page.body.items.map((r: RunView) => r.date)).toEqual(['2026-09-15']);
    expect((await api('get', '/exports/renewals?from=2026-02-30', supervisor)).status).toBe(400);
  });
});
