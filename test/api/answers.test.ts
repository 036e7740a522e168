/**
 * Standard answers: written by supervisors with a validity window and kept versions, searched by
 * operators (Italian full-text, accent-insensitive, ranked), used to resolve contacts (the email to
 * a written contact carries the answer; each use is counted per answer and version), and the
 * knowledge report over them.
 */
import request from 'supertest';
import { DateTime } from 'luxon';
import { startStack, Stack } from '../support/harness';

// One scenario drives a dozen contact workflows and waits for their emails: room for a loaded machine.
jest.setTimeout(180_000);
let stack: Stack;
let operator: string;
let supervisor: string;
let office: string;
let admin: string;

beforeAll(async () => {
  stack = await startStack();
  operator = await stack.bearer('operator', undefined, 'Operatrice Rossi');
  supervisor = await stack.bearer('supervisor', undefined, 'Supervisora Neri');
  office = await stack.bearer('office', 'ADL-SPORTELLO');
  admin = await stack.bearer('admin');
});
afterAll(async () => {
  await stack.stop();
});

const api = () => request(stack.app);
const DAY = 24 * 3600 * 1000;
const isoDay = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/Rome' }).toISODate()!;

async function write(body: Record<string, unknown>, as = supervisor) {
  const res = await api().post('/api/v1/answers').set('Authorization', as).send({ service: 'ADL', ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number; status: string; title: string; body: string; validFrom: string | null; validTo: string | null };
}

const search = async (query: Record<string, string>, as = operator) => {
  const res = await api().get('/api/v1/answers').query(query).set('Authorization', as);
  expect(res.status).toBe(200);
  return res.body as { items: { id: string; title: string; status: string; version: number; rank?: number }[]; total: number };
};

async function openContact(body: Record<string, unknown> = {}) {
  const res = await api()
    .post('/api/v1/contacts')
    .set('Authorization', operator)
    .send({ service: 'ADL', channel: 'email', caller: { email: 'lavoratore@example.org' }, reason: 'Informazioni sulla raccolta della frutta', ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe('writing answers', () => {
  it('lets supervisors and admins write; operators and offices may not; bad input is a 400 naming the field and stores nothing', async () => {
    const before = (await search({ service: 'ADL' }, supervisor)).total;
    expect((await api().post('/api/v1/answers').set('Authorization', operator).send({ service: 'ADL', title: 'x', body: 'y' })).status).toBe(403);
    expect((await api().post('/api/v1/answers').set('Authorization', office).send({ service: 'ADL', title: 'x', body: 'y' })).status).toBe(403);
    expect((await api().get('/api/v1/answers').set('Authorization', office)).status).toBe(403);

    const bad: [Record<string, unknown>, string][] = [
      [{ service: 'NOPE', title: 'Orari', body: 'Dalle 8' }, 'service'],
      [{ service: 'ADL', category: 'VEICOLI', title: 'Orari', body: 'Dalle 8' }, 'category'],
      [{ service: 'ADL', title: '   ', body: 'Dalle 8' }, 'title'],
      [{ service: 'ADL', title: 'Orari', body: '' }, 'body'],
      [{ service: 'ADL', title: 'Orari', body: 'Dalle 8', validFrom: '2026-09-10', validTo: '2026-09-01' }, 'validTo'],
      [{ service: 'ADL', title: 'Orari', body: 'Dalle 8', validFrom: 'domani' }, 'validFrom'],
      [{ service: 'ADL', title: 'Orari', body: 'Dalle 8', extra: 1 }, '(body)'],
    ];
    for (const [body, field] of bad) {
      const res = await api().post('/api/v1/answers').set('Authorization', supervisor).send(body);
      expect({ field, status: res.status, type: res.headers['content-type'] }).toEqual({ field, status: 400, type: expect.stringMatching(/problem\+json/) });
      if (field !== '(body)') expect(fieldsOf(res.body)).toContain(field);
    }
    expect((await search({ service: 'ADL' }, supervisor)).total).toBe(before);

    const byAdmin = await write({ title: 'Scritta da admin', body: 'Testo di prova' }, admin);
    expect(byAdmin).toMatchObject({ version: 1, status: 'valid' });
  });
});

describe('validity window, versions and retirement', () => {
  it('shows operators only what is valid now; supervisors see every window; a day-bounded window covers whole days in the service zone', async () => {
    const now = Date.now();
    const current = await write({ category: 'INIZIATIVE', title: 'Vendemmia: candidature', body: 'Le candidature per la vendemmia si presentano online.', validFrom: isoDay(now - 10 * DAY), validTo: isoDay(now + 10 * DAY) });
    const future = await write({ category: 'INIZIATIVE', title: 'Vendemmia: graduatoria', body: 'La graduatoria della vendemmia esce a fine stagione.', validFrom: isoDay(now + 30 * DAY), validTo: isoDay(now + 60 * DAY) });
    const past = await write({ category: 'INIZIATIVE', title: 'Vendemmia: scorsa stagione', body: 'La vendemmia della scorsa stagione è chiusa.', validTo: isoDay(now - 5 * DAY) });
    expect(current.status).toBe('valid');
    expect(future.status).toBe('scheduled');
    expect(past.status).toBe('expired');
    // validTo as a day includes that day: the window ends at the next midnight in Rome.
    const end = DateTime.fromISO(current.validTo!, { zone: 'Europe/Rome' });
    expect(end.toFormat('HH:mm')).toBe('00:00');
    expect(end.minus({ days: 1 }).toISODate()).toBe(isoDay(now + 10 * DAY));

    const asOperator = await search({ service: 'ADL', q: 'vendemmia' });
    expect(asOperator.items.map((a) => a.id)).toEqual([current.id]);
    const later = await search({ service: 'ADL', q: 'vendemmia', at: isoDay(now + 40 * DAY) });
    expect(later.items.map((a) => a.id)).toEqual([future.id]);
    const asSupervisor = await search({ service: 'ADL', q: 'vendemmia', category: 'INIZIATIVE' }, supervisor);
    expect(asSupervisor.items.map((a) => a.id).sort()).toEqual([current.id, future.id, past.id].sort());
    expect(Object.fromEntries(asSupervisor.items.map((a) => [a.id, a.status]))).toEqual({ [current.id]: 'valid', [future.id]: 'scheduled', [past.id]: 'expired' });
    expect((await api().get('/api/v1/answers').query({ service: 'ADL', category: 'VEICOLI' }).set('Authorization', operator)).status).toBe(400);
  });

  it('keeps every version readable; a PUT makes a new one; retiring hides it from operators and freezes it', async () => {
    const answer = await write({ category: 'SEDI-ORARI', title: 'Orari della sede centrale', body: 'La sede apre alle 8.30.' });
    const put = await api().put(`/api/v1/answers/${answer.id}`).set('Authorization', supervisor).send({ category: 'SEDI-ORARI', title: 'Orari della sede centrale (estate)', body: 'In estate la sede apre alle 8.' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: answer.id, version: 2, title: 'Orari della sede centrale (estate)' });
    expect((await api().put(`/api/v1/answers/${answer.id}`).set('Authorization', operator).send({ title: 'x', body: 'y' })).status).toBe(403);
    const wrongService = await api().put(`/api/v1/answers/${answer.id}`).set('Authorization', supervisor).send({ service: 'MCTC', title: 'x', body: 'y' });
    expect(wrongService.status).toBe(400);
    expect(fieldsOf(wrongService.body)).toEqual(['service']);

    const read = await api().get(`/api/v1/answers/${answer.id}`).set('Authorization', operator);
    expect(read.status).toBe(200);
    expect(read.body.version).toBe(2);
    expect(read.body.versions.map((v: { version: number; title: string; body: string; createdBy: string }) => [v.version, v.title, v.body, v.createdBy])).toEqual([
      [2, 'Orari della sede centrale (estate)', 'In estate la sede apre alle 8.', 'Supervisora Neri'],
      [1, 'Orari della sede centrale', 'La sede apre alle 8.30.', 'Supervisora Neri'],
    ]);
    // The old text no longer matches: operators search the current version.
    expect((await search({ service: 'ADL', q: '8.30 sede' })).items.map((a) => a.id)).not.toContain(answer.id);
    expect((await search({ service: 'ADL', q: 'estate sede' })).items.map((a) => a.id)).toContain(answer.id);

    expect((await api().post(`/api/v1/answers/${answer.id}/retire`).set('Authorization', operator).send({})).status).toBe(403);
    const retired = await api().post(`/api/v1/answers/${answer.id}/retire`).set('Authorization', supervisor).send({});
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ status: 'retired', retiredBy: 'Supervisora Neri' });
    expect((await search({ service: 'ADL', q: 'estate sede' })).items.map((a) => a.id)).not.toContain(answer.id);
    expect((await search({ service: 'ADL', q: 'estate sede' }, supervisor)).items.map((a) => a.id)).not.toContain(answer.id);
    expect((await search({ service: 'ADL', q: 'estate sede', includeRetired: 'true' }, supervisor)).items.map((a) => a.id)).toContain(answer.id);
    expect((await api().get('/api/v1/answers').query({ includeRetired: 'true' }).set('Authorization', operator)).status).toBe(403);
    expect((await api().put(`/api/v1/answers/${answer.id}`).set('Authorization', supervisor).send({ title: 'x', body: 'y' })).status).toBe(409);
    expect((await api().get(`/api/v1/answers/${answer.id}`).set('Authorization', operator)).body.versions).toHaveLength(2);
    expect((await api().get('/api/v1/answers/ANS-424242').set('Authorization', operator)).status).toBe(404);
  });
});

describe('search', () => {
  it('ranks title matches above body matches, ignores accents, stems Italian words and matches half-typed words', async () => {
    const inBody = await write({ title: 'Tirocini estivi', body: 'Per i tirocini estivi serve l’iscrizione al corso di orientamento universitario.' });
    const inTitle = await write({ title: 'Orientamento universitario', body: 'Gli incontri si tengono ogni martedì.' });
    const accented = await write({ title: 'Iscrizione all’Università della Terza Età', body: 'Le iscrizioni si aprono a settembre.' });
    const picking = await write({ category: 'INIZIATIVE', title: 'Raccolta delle mele', body: 'Le aziende agricole cercano raccoglitori per la stagione.' });
    const other = await api().post('/api/v1/answers').set('Authorization', supervisor).send({ service: 'MCTC', title: 'Orientamento per la patente', body: 'Orientamento universitario escluso.' });
    expect(other.status).toBe(201);

    const ranked = await search({ service: 'ADL', q: 'orientamento universitario' });
    expect(ranked.items.map((a) => a.id)).toEqual([inTitle.id, inBody.id]);
    expect(ranked.items[0].rank!).toBeGreaterThan(ranked.items[1].rank!);

    // No accents typed, accents stored: and the other way round.
    expect((await search({ service: 'ADL', q: 'universita eta' })).items.map((a) => a.id)).toEqual([accented.id]);
    expect((await search({ service: 'ADL', q: 'Mèle' })).items.map((a) => a.id)).toEqual([picking.id]);
    // Italian stemming: plural and singular, verb and noun forms meet.
    expect((await search({ service: 'ADL', q: 'raccolte' })).items.map((a) => a.id)).toEqual([picking.id]);
    expect((await search({ service: 'ADL', q: 'iscrizioni università' })).items[0].id).toBe(accented.id);
    // Search as you type: the words typed so far are prefixes.
    expect((await search({ service: 'ADL', q: 'racc' })).items.map((a) => a.id)).toEqual([picking.id]);
    // Without a service, every service's answers; tsquery syntax is just text.
    expect((await search({ q: 'orientamento universitario' })).items.map((a) => a.id)).toContain(other.body.id);
    expect((await search({ service: 'ADL', q: "mele & !'|:*" })).items.map((a) => a.id)).toEqual([picking.id]);
    const page = await search({ service: 'ADL', q: 'orientamento', limit: '1', offset: '1' });
    expect(page.total).toBe(2);
    expect(page.items.map((a) => a.id)).toEqual([inBody.id]);

    // The search is served by the GIN index (when the planner is told to avoid a scan of the table).
    const plan = await stack.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const { rows } = await trx.raw("explain select id from standard_answers where search @@ to_tsquery('italian_unaccent', 'mele')");
      return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/standard_answers_search/);
  });
});

describe('resolving with a standard answer', () => {
  it('emails the standard answer (completed by the operator’s words), records the answer and version, counts each use once, and reports it', async () => {
    const answer = await write({ category: 'INIZIATIVE', title: 'Raccolta della frutta: come candidarsi', body: 'Per la raccolta della frutta ci si candida al Centro per l’Impiego più vicino con un documento di identità.' });
    await api().put(`/api/v1/answers/${answer.id}`).set('Authorization', supervisor).send({ category: 'INIZIATIVE', title: 'Raccolta della frutta: candidature', body: 'Per la raccolta della frutta ci si candida online sul portale del lavoro.' }).expect(200);

    // At least one of answer and answerId.
    const c0 = await openContact();
    const neither = await api().post(`/api/v1/contacts/${c0.id}/resolve`).set('Authorization', operator).send({});
    expect(neither.status).toBe(400);
    expect(fieldsOf(neither.body)).toEqual(['answer']);
    // Another service's answer, an unknown one, a retired or not yet valid one: 4xx naming answerId.
    const mctc = await api().post('/api/v1/answers').set('Authorization', supervisor).send({ service: 'MCTC', title: 'Revisione', body: 'La revisione si prenota online.' });
    const notYet = await write({ title: 'Bando futuro', body: 'Non ancora.', validFrom: isoDay(Date.now() + 20 * DAY) });
    const gone = await write({ title: 'Bando ritirato', body: 'Ritirato.' });
    await api().post(`/api/v1/answers/${gone.id}/retire`).set('Authorization', supervisor).send({}).expect(200);
    for (const [answerId, status] of [[mctc.body.id, 400], ['ANS-424242', 400], [notYet.id, 422], [gone.id, 422]] as const) {
      const res = await api().post(`/api/v1/contacts/${c0.id}/resolve`).set('Authorization', operator).send({ answerId });
      expect({ answerId, status: res.status }).toEqual({ answerId, status });
      expect(fieldsOf(res.body)).toEqual(['answerId']);
    }
    expect((await api().get(`/api/v1/contacts/${c0.id}`).set('Authorization', operator)).body.status).toBe('triage');

    // The standard answer alone: its current version (2) is the email's text.
    const c1 = await openContact({ caller: { email: 'primo@example.org' } });
    const r1 = await api().post(`/api/v1/contacts/${c1.id}/resolve`).set('Authorization', operator).send({ answerId: answer.id });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ status: 'resolved', answer: 'Per la raccolta della frutta ci si candida online sul portale del lavoro.', standardAnswer: { id: answer.id, version: 2 } });
    const mail1 = await stack.smtp.waitFor((m) => m.envelope.to.includes('primo@example.org'));
    expect(String(mail1.parsed.text)).toContain('Per la raccolta della frutta ci si candida online sul portale del lavoro.');
    expect(String(mail1.parsed.text)).not.toContain('documento di identità');

    // Both: the operator's words complete the standard answer.
    const c2 = await openContact({ caller: { email: 'secondo@example.org' } });
    const r2 = await api().post(`/api/v1/contacts/${c2.id}/resolve`).set('Authorization', operator).send({ answerId: answer.id, answer: 'Il suo CPI è quello di Rovereto.' });
    expect(r2.status).toBe(200);
    const mail2 = await stack.smtp.waitFor((m) => m.envelope.to.includes('secondo@example.org'));
    expect(String(mail2.parsed.text)).toMatch(/candida online sul portale del lavoro\.\s+Il suo CPI è quello di Rovereto\./);

    // A retried resolve is refused (already resolved) and counts nothing more.
    expect((await api().post(`/api/v1/contacts/${c2.id}/resolve`).set('Authorization', operator).send({ answerId: answer.id })).status).toBe(409);

    // The resolved transition names the answer and version.
    const history = (await api().get(`/api/v1/contacts/${c1.id}`).set('Authorization', supervisor)).body.history as { action: string; payload: Record<string, unknown> }[];
    expect(history.find((h) => h.action === 'resolved')?.payload).toMatchObject({ answerId: answer.id, answerVersion: 2, resolution: 'first_level' });

    // A free-text resolution and an escalation, for the report.
    const c3 = await openContact({ caller: {} });
    await api().post(`/api/v1/contacts/${c3.id}/resolve`).set('Authorization', operator).send({ answer: 'Risposta libera.' }).expect(200);
    const c4 = await openContact({ caller: {}, category: 'COLLOCAMENTO' });
    await api().post(`/api/v1/contacts/${c4.id}/escalate`).set('Authorization', operator).send({ office: 'ADL-COLLOCAMENTO' }).expect(201);
    const c5 = await openContact({ caller: {}, category: 'COLLOCAMENTO' });
    await api().post(`/api/v1/contacts/${c5.id}/escalate`).set('Authorization', operator).send({ office: 'ADL-COLLOCAMENTO' }).expect(201);
    const c6 = await openContact({ caller: {}, category: 'MOBILITA' });
    await api().post(`/api/v1/contacts/${c6.id}/escalate`).set('Authorization', operator).send({ office: 'ADL-MOBILITA' }).expect(201);

    const detail = await api().get(`/api/v1/answers/${answer.id}`).set('Authorization', supervisor);
    expect(detail.body.versions.map((v: { version: number; uses: number }) => [v.version, v.uses])).toEqual([
      [2, 2],
      [1, 0],
    ]);

    const month = DateTime.now().setZone('Europe/Rome').toFormat('yyyy-MM');
    expect((await api().get('/api/v1/reports/knowledge').query({ month }).set('Authorization', operator)).status).toBe(403);
    const badMonth = await api().get('/api/v1/reports/knowledge').query({ month: '2026-13' }).set('Authorization', supervisor);
    expect(badMonth.status).toBe(400);
    expect(fieldsOf(badMonth.body)).toEqual(['month']);
    const report = await api().get('/api/v1/reports/knowledge').query({ month, service: 'ADL' }).set('Authorization', supervisor);
    expect(report.status).toBe(200);
    expect(report.body.answers).toEqual([{ id: answer.id, version: 2, service: 'ADL', title: 'Raccolta della frutta: candidature', uses: 2 }]);
    expect(report.body.firstLevel).toEqual({ total: 3, withStandardAnswer: 2, withoutStandardAnswer: 1, withStandardAnswerPct: 66.67 });
    expect(report.body.escalatedCategories).toEqual([
      {
        service: 'ADL',
        categories: [
          { category: 'COLLOCAMENTO', name: 'Collocamento mirato e obbligatorio', escalations: 2 },
          { category: 'MOBILITA', name: 'Liste di mobilità e indennità regionale', escalations: 1 },
        ],
      },
    ]);
    const otherService = await api().get('/api/v1/reports/knowledge').query({ month, service: 'MCTC' }).set('Authorization', supervisor);
    expect(otherService.body).toMatchObject({ answers: [], firstLevel: { total: 0, withStandardAnswer: 0 }, escalatedCategories: [] });
    const lastYear = await api().get('/api/v1/reports/knowledge').query({ month: DateTime.now().minus({ years: 1 }).toFormat('yyyy-MM') }).set('Authorization', supervisor);
    expect(lastYear.body.firstLevel.total).toBe(0);
  });
});
