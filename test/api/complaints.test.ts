/**
 * Complaints over the API on the real stack (Temporal dev server, PostgreSQL, SMTP sink): every
 * transition and refusal, office isolation, the monthly report, and the whole URU flow with the
 * emails checked at the SMTP receiver.
 */
import request from 'supertest';
import { DateTime } from 'luxon';
import { startStack, Stack } from '../support/harness';
import { workflowId } from '../../workflows/definitions';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(60_000);

const DAY = 24 * 3_600_000;
const ZONE = 'Europe/Rome';

let stack: Stack;
const keys: Record<'operator' | 'integrator' | 'uru' | 'supervisor' | 'sistemi' | 'contratti' | 'scheduler', string> = {} as never;

beforeAll(async () => {
  stack = await startStack();
  keys.operator = await stack.bearer('operator', undefined, 'Operatore Rossi');
  keys.integrator = await stack.bearer('integrator', undefined, 'Portale web');
  keys.uru = await stack.bearer('uru', undefined, 'Lucia Ferri');
  keys.supervisor = await stack.bearer('supervisor', undefined, 'Supervisore');
  keys.sistemi = await stack.bearer('office', 'URU-SISTEMI', 'Beatrice Caruso');
  keys.contratti = await stack.bearer('office', 'URU-CONTRATTI', 'Riccardo Villa');
  keys.scheduler = await stack.bearer('scheduler');
});
afterAll(async () => {
  await stack?.stop();
});

const api = {
  post: (p: string, key: string, body: unknown = {}) => request(stack.app).post(`/api/v1${p}`).set('Authorization', key).send(body as object),
  get: (p: string, key: string) => request(stack.app).get(`/api/v1${p}`).set('Authorization', key),
};

const complaint = (over: Record<string, unknown> = {}) => ({
  kind: 'complaint',
  requester: { name: 'Giovanna', surname: 'Esposito', email: 'giovanna.esposito@example.org', phone: '+39 0461 000111' },
  subject: 'Tessera sanitaria non attivata',
  body: 'Ho chiesto l\'attivazione della Carta Provinciale dei Servizi tre settimane fa e non ho avuto risposta.',
  channel: 'phone',
  service: 'TNDIGITALE',
  ...over,
});

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectProblem(res: request.Response, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.status).toBe(status);
  if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

const italianDate = (t: number) => DateTime.fromMillis(t, { zone: ZONE }).setLocale('it').toFormat('d LLLL yyyy');
const mailTo = (address: string, subjectPart: string) => stack.smtp.waitFor((m) => m.envelope.to.includes(address) && String(m.parsed.subject).includes(subjectPart));

async function registered(body = complaint(), key = keys.operator) {
  const res = await api.post('/complaints', key, body);
  expect(res.status).toBe(201);
  return res.body as { id: string; registeredAt: string; deadline: string };
}

describe('the URU flow end to end', () => {
  it('registers, acknowledges by email, investigates with an inquiry only the right office answers, suspends for the requester, resumes, responds by email and closes with its history', async () => {
    // --- registration (operator) -------------------------------------------------------------
    const created = await api.post('/complaints', keys.operator, complaint());
    expect(created.status).toBe(201);
    const ref: string = created.body.id;
    const year = DateTime.now().setZone(ZONE).year;
    expect(ref).toMatch(new RegExp(`^REC-${year}-\\d{6}$`));
    expect(created.headers.location).toBe(`/api/v1/complaints/${ref}`);
    const registeredAt = Date.parse(created.body.registeredAt);
    expect(created.body).toMatchObject({ reference: ref, kind: 'complaint', status: 'registered', clock: 'running', term: 'P30D', daysLeft: 30, service: 'TNDIGITALE' });
    expect(created.body.deadline).toBe(new Date(registeredAt + 30 * DAY).toISOString());

    // --- the file is for URU and supervisors: an office key, an operator get 403 ----------------
    expectProblem(await api.get(`/complaints/${ref}`, keys.sistemi), 403);
    expectProblem(await api.get(`/complaints/${ref}`, keys.operator), 403);
    expect((await api.get(`/complaints/${ref}`, keys.supervisor)).status).toBe(200);

    // --- impossible before take-charge: 409 --------------------------------------------------
    expectProblem(await api.post(`/complaints/${ref}/respond`, keys.uru, { response: 'Risposta prematura' }), 409);
    expectProblem(await api.post(`/complaints/${ref}/requester-info`, keys.uru, { info: 'Nessuna richiesta pendente' }), 409);

    // --- take charge: acknowledgement with reference and deadline ----------------------------
    const taken = await api.post(`/complaints/${ref}/take-charge`, keys.uru);
    expect(taken.status).toBe(200);
    expect(taken.body.status).toBe('in_charge');
    const ack = await mailTo('giovanna.esposito@example.org', 'Presa in carico');
    expect(ack.parsed.subject).toContain(ref);
    expect(ack.parsed.text).toContain(ref);
    expect(ack.parsed.text).toContain(italianDate(registeredAt + 30 * DAY));
    expect(ack.parsed.html).toContain(ref);
    expectProblem(await api.post(`/complaints/${ref}/take-charge`, keys.uru), 409);

    // --- investigation: an inquiry to URU-SISTEMI ----------------------------------------------
    const dueAt = new Date(Date.now() + 7 * DAY).toISOString();
    const inquiryRes = await api.post(`/complaints/${ref}/inquiries`, keys.uru, { structure: 'URU-SISTEMI', question: 'Risultano richieste di attivazione bloccate?', dueAt });
    expect(inquiryRes.status).toBe(201);
    const inquiryId = `${ref}-1`;
    expect(inquiryRes.body).toMatchObject({ id: inquiryId, complaintId: ref, structure: 'URU-SISTEMI', status: 'open', dueAt, overdue: false });
    const toOffice = await mailTo('esercizio.sistemi@example.org', 'Richiesta di istruttoria');
    expect(toOffice.parsed.text).toContain('Risultano richieste di attivazione bloccate?');
    expect((await api.get(`/complaints/${ref}`, keys.uru)).body.status).toBe('investigating');

    // The office sees its inquiry, not the file; another office sees nothing and may not answer.
    const mine = await api.get('/inquiries', keys.sistemi);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((q: { id: string }) => q.id)).toEqual([inquiryId]);
    expect(mine.body.items[0]).not.toHaveProperty('requester');
    expect(mine.body.items[0]).not.toHaveProperty('body');
    expect((await api.get('/inquiries', keys.contratti)).body).toEqual({ total: 0, items: [] });
    expectProblem(await api.get('/inquiries?office=URU-SISTEMI', keys.contratti), 403);
    expectProblem(await api.get(`/inquiries/${inquiryId}`, keys.contratti), 403);
    expectProblem(await api.post(`/inquiries/${inquiryId}/answer`, keys.contratti, { findings: 'Non di nostra competenza' }), 403);
    expectProblem(await api.post(`/inquiries/${inquiryId}/answer`, keys.uru, { findings: 'URU non risponde per le strutture' }), 403);
    expectProblem(await api.post(`/inquiries/${inquiryId}/answer`, keys.sistemi, { findings: '' }), 400, 'findings');
    expectProblem(await api.get(`/complaints/${ref}`, keys.sistemi), 403);

    const answered = await api.post(`/inquiries/${inquiryId}/answer`, keys.sistemi, { findings: 'Una coda di attivazioni era bloccata dal 2 del mese; sbloccata oggi.' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ id: inquiryId, status: 'answered', answeredBy: { name: 'Beatrice Caruso', role: 'office', office: 'URU-SISTEMI' } });
    expectProblem(await api.post(`/inquiries/${inquiryId}/answer`, keys.sistemi, { findings: 'Seconda risposta' }), 409);
    await mailTo('uru.settore@example.org', `Risposta alla richiesta di istruttoria ${inquiryId}`);

    // --- information from the requester: the clock is suspended --------------------------------
    const asked = await api.post(`/complaints/${ref}/request-info`, keys.uru, { question: 'Può indicarci il numero della sua tessera?' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'awaiting_requester', clock: 'suspended', deadline: null, pendingQuestion: 'Può indicarci il numero della sua tessera?' });
    const suspendedAt = Date.parse(asked.body.history.find((h: { action: string }) => h.action === 'info-requested').at);
    expect(asked.body.remainingMs).toBe(registeredAt + 30 * DAY - suspendedAt);
    expect(asked.body.daysLeft).toBe(30);
    const infoMail = await mailTo('giovanna.esposito@example.org', 'Richiesta di informazioni');
    expect(infoMail.parsed.text).toContain('Può indicarci il numero della sua tessera?');
    const whileSuspended = await api.get(`/complaints/${ref}`, keys.supervisor);
    expect(whileSuspended.body).toMatchObject({ status: 'awaiting_requester', clock: 'suspended', deadline: null });
    expect((await api.get('/complaints?status=awaiting_requester', keys.uru)).body.items.map((c: { id: string }) => c.id)).toContain(ref);
    expectProblem(await api.post(`/complaints/${ref}/request-info`, keys.uru, { question: 'Di nuovo?' }), 409);
    expectProblem(await api.post(`/complaints/${ref}/request-info`, keys.integrator, { question: 'Non autorizzato' }), 403);

    // --- the reply (by the web portal): the clock resumes with the time left -------------------
    const replied = await api.post(`/complaints/${ref}/requester-info`, keys.integrator, { info: 'Tessera n. 80380000000000000001' });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({ id: ref, status: 'investigating', clock: 'running' });
    const resumedFile = (await api.get(`/complaints/${ref}`, keys.uru)).body;
    const resumedAt = Date.parse(resumedFile.history.find((h: { action: string }) => h.action === 'requester-info-received').at);
    expect(resumedFile.deadline).toBe(new Date(registeredAt + 30 * DAY + (resumedAt - suspendedAt)).toISOString());
    expect(resumedFile.suspendedMs).toBe(resumedAt - suspendedAt);
    expect(resumedFile.infoRequests).toEqual([
      { question: 'Può indicarci il numero della sua tessera?', askedAt: new Date(suspendedAt).toISOString(), info: 'Tessera n. 80380000000000000001', receivedAt: new Date(resumedAt).toISOString() },
    ]);
    expectProblem(await api.post(`/complaints/${ref}/requester-info`, keys.uru, { info: 'Ancora' }), 409);

    // --- the definitive response, emailed; then closed ----------------------------------------
    const responseText = 'La sua tessera è stata attivata: la coda bloccata è stata ripristinata. Ci scusiamo per il ritardo.';
    expectProblem(await api.post(`/complaints/${ref}/respond`, keys.operator, { response: responseText }), 403);
    const responded = await api.post(`/complaints/${ref}/respond`, keys.uru, { response: responseText, outcome: 'upheld' });
    expect(responded.status).toBe(200);
    expect(responded.body).toMatchObject({ outcome: 'upheld', response: responseText, clock: 'stopped', daysLeft: null, deadline: resumedFile.deadline, breached: false });
    expect(['responded', 'closed']).toContain(responded.body.status);
    const responseMail = await mailTo('giovanna.esposito@example.org', 'Risposta definitiva');
    expect(responseMail.parsed.subject).toContain(ref);
    expect(responseMail.parsed.text).toContain(responseText);
    expect(responseMail.parsed.text).toContain('accolto');

    const closed = await eventually(
      async () => (await api.get(`/complaints/${ref}`, keys.uru)).body,
      (f) => f.status === 'closed',
      'the complaint to close',
    );
    expect(closed.closedAt).not.toBeNull();
    const steps = closed.history as { seq: number; action: string; actor: { name: string; role: string; office: string | null }; at: string; payload: Record<string, unknown> }[];
    expect(steps.filter((s) => s.action !== 'email-sent').map((s) => [s.action, s.actor.name])).toEqual([
      ['registered', 'Operatore Rossi'],
      ['taken-in-charge', 'Lucia Ferri'],
      ['inquiry-opened', 'Lucia Ferri'],
      ['inquiry-answered', 'Beatrice Caruso'],
      ['info-requested', 'Lucia Ferri'],
      ['requester-info-received', 'Portale web'],
      ['responded', 'Lucia Ferri'],
      ['closed', 'sistema'],
    ]);
    expect(steps.filter((s) => s.action === 'email-sent').map((s) => s.payload.template).sort()).toEqual(['complaint-acknowledged', 'complaint-info-requested', 'complaint-response']);
    for (const s of steps) expect(Date.parse(s.at)).toBeGreaterThanOrEqual(registeredAt);
    expect(steps.map((s) => s.seq)).toEqual([...steps.map((s) => s.seq)].sort((a, b) => a - b));
    expect(closed.inquiries).toEqual([expect.objectContaining({ id: inquiryId, status: 'answered', findings: 'Una coda di attivazioni era bloccata dal 2 del mese; sbloccata oggi.' })]);

    // Nothing more can happen to a closed complaint.
    expectProblem(await api.post(`/complaints/${ref}/respond`, keys.uru, { response: 'Ancora una' }), 409);
    expectProblem(await api.post(`/complaints/${ref}/take-charge`, keys.uru), 409);
    expectProblem(await api.post(`/complaints/${ref}/inquiries`, keys.uru, { structure: 'URU-SISTEMI', question: 'Altro?', dueAt }), 409);
    await expect(stack.client.workflow.getHandle(workflowId.complaint(ref)).result()).resolves.toMatchObject({ reference: ref, outcome: 'upheld', breached: false });

    // Set RECORD_REPLAY_HISTORIES=1 to refresh the history replayed by test/replay/complaint.test.ts.
    if (process.env.RECORD_REPLAY_HISTORIES) await saveHistoryFile(stack.client, workflowId.complaint(ref), 'complaint-full-flow.json');
  });
});

describe('intake', () => {
  it('refuses an unknown kind, an unreachable requester and other bad fields with 400 naming the field, and changes nothing', async () => {
    const count = async () => Number((await stack.db('complaints').count({ n: '*' }))[0].n);
    const before = await count();
    expectProblem(await api.post('/complaints', keys.operator, complaint({ kind: 'praise' })), 400, 'kind');
    expectProblem(await api.post('/complaints', keys.operator, complaint({ requester: { name: 'Anonimo', phone: '0461 000000' } })), 400, 'requester.email');
    expectProblem(await api.post('/complaints', keys.operator, complaint({ requester: { name: 'Mario', email: 'non-una-email' } })), 400, 'requester.email');
    expectProblem(await api.post('/complaints', keys.operator, complaint({ requester: { email: 'senza.nome@example.org' } })), 400, 'requester.name');
    expectProblem(await api.post('/complaints', keys.operator, complaint({ subject: '  ' })), 400, 'subject');
    expectProblem(await api.post('/complaints', keys.operator, complaint({ channel: 'fax' })), 400, 'channel');
    expectProblem(await api.post('/complaints', keys.operator, complaint({ service: 'NOPE' })), 400, 'service');
    expect(await count()).toBe(before);
  });

  it('lets operators, integrators and URU register; no other role', async () => {
    // Operators and integrators, who may not read files, get the summary; URU gets the file.
    expect(await registered(complaint(), keys.operator)).not.toHaveProperty('history');
    expect(await registered(complaint({ channel: 'web' }), keys.integrator)).not.toHaveProperty('history');
    const byUru = await registered(complaint({ channel: 'in_person' }), keys.uru);
    expect(byUru).toMatchObject({ status: 'registered', history: [expect.objectContaining({ seq: 1, action: 'registered', actor: { name: 'Lucia Ferri', role: 'uru', office: null } })] });
    expectProblem(await api.post('/complaints', keys.sistemi, complaint()), 403);
    expectProblem(await api.post('/complaints', keys.supervisor, complaint()), 403);
    expectProblem(await api.post('/complaints', keys.scheduler, complaint()), 403);
    expectProblem(await request(stack.app).post('/api/v1/complaints').send(complaint()), 401);
  });

  it('numbers references sequentially per year and honours Idempotency-Key without using up a number', async () => {
    const a = await registered();
    const n = Number(a.id.slice(-6));
    const keyed = await api.post('/complaints', keys.integrator, complaint()).set('Idempotency-Key', 'portal-4711');
    expect(keyed.status).toBe(201);
    expect(keyed.body.id).toBe(a.id.replace(/\d{6}$/, String(n + 1).padStart(6, '0')));
    const again = await api.post('/complaints', keys.integrator, complaint()).set('Idempotency-Key', 'portal-4711');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(keyed.body.id);
    const next = await registered();
    expect(next.id).toBe(a.id.replace(/\d{6}$/, String(n + 2).padStart(6, '0')));
  });

  it('lists URU\'s queue by status, oldest first, with the deadline', async () => {
    const first = await registered();
    const second = await registered();
    const queue = await api.get('/complaints?status=registered&limit=500', keys.uru);
    expect(queue.status).toBe(200);
    const ids = queue.body.items.map((c: { id: string }) => c.id);
    expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    for (const c of queue.body.items) expect(c).toMatchObject({ status: 'registered', clock: 'running', deadline: expect.any(String), daysLeft: 30 });
    expectProblem(await api.get('/complaints?status=lost', keys.uru), 400);
    expectProblem(await api.get('/complaints', keys.operator), 403);
    expectProblem(await api.get('/complaints/REC-1999-000001', keys.uru), 404);
  });
});

describe('transitions and refusals', () => {
  it('refuses URU actions before take-charge with 409 and bad input with 400; only URU acts', async () => {
    const { id } = await registered();
    const future = new Date(Date.now() + 3 * DAY).toISOString();
    expectProblem(await api.post(`/complaints/${id}/inquiries`, keys.uru, { structure: 'URU-SISTEMI', question: 'Q?', dueAt: future }), 409);
    expectProblem(await api.post(`/complaints/${id}/request-info`, keys.uru, { question: 'Q?' }), 409);
    expectProblem(await api.post(`/complaints/${id}/respond`, keys.uru, { response: 'R' }), 409);
    expectProblem(await api.post(`/complaints/${id}/take-charge`, keys.operator), 403);
    expectProblem(await api.post(`/complaints/${id}/take-charge`, keys.supervisor), 403);
    expectProblem(await api.post(`/complaints/${id}/take-charge`, keys.sistemi), 403);
    expectProblem(await api.post('/complaints/REC-1999-000001/take-charge', keys.uru), 404);

    expect((await api.post(`/complaints/${id}/take-charge`, keys.uru)).status).toBe(200);
    expectProblem(await api.post(`/complaints/${id}/inquiries`, keys.uru, { structure: 'NOPE', question: 'Q?', dueAt: future }), 400, 'structure');
    expectProblem(await api.post(`/complaints/${id}/inquiries`, keys.uru, { structure: 'URU-SISTEMI', question: 'Q?', dueAt: new Date(Date.now() - DAY).toISOString() }), 400, 'dueAt');
    expectProblem(await api.post(`/complaints/${id}/inquiries`, keys.uru, { structure: 'URU-SISTEMI', question: 'Q?', dueAt: '2030-01-01T10:00:00' }), 400, 'dueAt');
    expectProblem(await api.post(`/complaints/${id}/inquiries`, keys.uru, { structure: 'URU-SISTEMI', dueAt: future }), 400, 'question');
    expectProblem(await api.post(`/complaints/${id}/respond`, keys.uru, {}), 400, 'response');
    expectProblem(await api.post(`/complaints/${id}/respond`, keys.uru, { response: 'Grazie', outcome: 'thanked' }), 400, 'outcome');
    expectProblem(await api.post(`/complaints/${id}/respond`, keys.uru, { response: 'R', outcome: 'maybe' }), 400, 'outcome');
    expectProblem(await api.post(`/complaints/${id}/request-info`, keys.uru, {}), 400, 'question');

    // An inquiry to an office of another service is fine: structures are any office of the catalog.
    const other = await api.post(`/complaints/${id}/inquiries`, keys.uru, { structure: 'MCTC-PATENTI', question: 'Pratica ferma?', dueAt: future });
    expect(other.status).toBe(201);
    // Responding withdraws the inquiries still open: the office's queue no longer shows them as open.
    expect((await api.post(`/complaints/${id}/respond`, keys.uru, { response: 'Abbiamo verificato.', outcome: 'not_upheld' })).status).toBe(200);
    const patenti = await stack.bearer('office', 'MCTC-PATENTI');
    expect((await api.get(`/inquiries/${other.body.id}`, patenti)).body.status).toBe('withdrawn');
    expectProblem(await api.post(`/inquiries/${other.body.id}/answer`, patenti, { findings: 'Tardi' }), 409);
    expectProblem(await api.post('/inquiries/REC-1999-000001-1/answer', patenti, { findings: 'x' }), 404);
  });

  it('closes a suggestion with the standard thank-you', async () => {
    const { id } = await registered(complaint({ kind: 'suggestion', subject: 'Orari estesi', requester: { name: 'Carla', email: 'carla.neri@example.org' } }), keys.integrator);
    await api.post(`/complaints/${id}/take-charge`, keys.uru);
    const res = await api.post(`/complaints/${id}/respond`, keys.uru, {});
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('thanked');
    const mail = await mailTo('carla.neri@example.org', 'Risposta definitiva');
    expect(mail.parsed.text).toContain('ringraziamo per il suggerimento');
    await eventually(async () => (await api.get(`/complaints/${id}`, keys.uru)).body.status, (s) => s === 'closed', 'the suggestion to close');
  });

  it('answers a requester with only a postal address by post: no email, the history says so', async () => {
    const { id } = await registered(complaint({ requester: { name: 'Ernesto', surname: 'Bassi', postalAddress: 'Via Roma 1, 38122 Trento' } }));
    await api.post(`/complaints/${id}/take-charge`, keys.uru);
    await api.post(`/complaints/${id}/respond`, keys.uru, { response: 'Risposta inviata per lettera.' });
    const file = await eventually(async () => (await api.get(`/complaints/${id}`, keys.uru)).body, (f) => f.status === 'closed', 'the postal complaint to close');
    expect(file.history.find((h: { action: string }) => h.action === 'taken-in-charge').payload.acknowledgement).toBe('post');
    expect(file.history.find((h: { action: string }) => h.action === 'responded').payload.delivery).toBe('post');
    expect(file.history.some((h: { action: string }) => h.action === 'email-sent')).toBe(false);
    expect(stack.smtp.messages.some((m) => String(m.parsed.subject).includes(id))).toBe(false);
  });
});

describe('GET /reports/complaints', () => {
  async function insert(id: string, kind: string, service: string | null, registeredAt: string, responded?: { at: string; outcome: string; suspendedDays?: number; breached?: boolean }) {
    await stack.db('complaints').insert({
      id,
      version: 1,
      kind,
      status: responded ? 'closed' : 'in_charge',
      channel: 'phone',
      service,
      requester: JSON.stringify({ name: 'Test', email: 'test@example.org' }),
      subject: 's',
      body: 'b',
      registered_by: JSON.stringify({ name: 'op', role: 'operator' }),
      term: 'P30D',
      term_ms: 30 * DAY,
      clock: responded ? 'stopped' : 'running',
      clock_since: registeredAt,
      remaining_ms: 0,
      suspended_ms: (responded?.suspendedDays ?? 0) * DAY,
      outcome: responded?.outcome ?? null,
      breached_at: responded?.breached ? responded.at : null,
      registered_at: registeredAt,
      responded_at: responded?.at ?? null,
      closed_at: responded?.at ?? null,
      updated_at: registeredAt,
    });
  }

  it('counts a month\'s complaints (in Rome time) by service, kind and outcome with the median response time', async () => {
    await insert('REC-2025-900001', 'complaint', 'MCTC', '2025-03-03T09:00:00Z', { at: '2025-03-13T09:00:00Z', outcome: 'upheld' }); // 10 days
    await insert('REC-2025-900002', 'complaint', 'MCTC', '2025-03-10T09:00:00Z', { at: '2025-03-30T09:00:00Z', outcome: 'not_upheld', suspendedDays: 4, breached: true }); // 20 days, 16 net
    await insert('REC-2025-900003', 'suggestion', 'ADL', '2025-03-20T12:00:00Z'); // still open
    await insert('REC-2025-900004', 'complaint', 'ADL', '2025-03-31T22:30:00Z'); // 1 April 00:30 in Rome: April
    await insert('REC-2025-900005', 'report', 'MCTC', '2025-02-28T23:30:00Z', { at: '2025-03-03T23:30:00Z', outcome: 'answered' }); // 1 March 00:30 in Rome; 3 days

    const res = await api.get('/reports/complaints?month=2025-03', keys.supervisor);
    expect(res.status).toBe(200);
    expect(res.body.month).toBe('2025-03');
    // Responses after 10, 20 and 3 days: median 10; net of the 4 suspended days: 10, 16, 3 → 10.
    expect(res.body.total).toEqual({ count: 4, responded: 3, breached: 1, medianResponseDays: 10, medianNetResponseDays: 10 });
    expect(res.body.byService).toEqual([
      { service: 'MCTC', count: 3, responded: 3, breached: 1, medianResponseDays: 10, medianNetResponseDays: 10 },
      { service: 'ADL', count: 1, responded: 0, breached: 0, medianResponseDays: null, medianNetResponseDays: null },
    ]);
    expect(res.body.byKind).toEqual([
      { kind: 'complaint', count: 2, responded: 2, breached: 1, medianResponseDays: 15, medianNetResponseDays: 13 },
      { kind: 'report', count: 1, responded: 1, breached: 0, medianResponseDays: 3, medianNetResponseDays: 3 },
      { kind: 'suggestion', count: 1, responded: 0, breached: 0, medianResponseDays: null, medianNetResponseDays: null },
    ]);
    expect(res.body.byOutcome.map((o: { outcome: string; count: number }) => [o.outcome, o.count])).toEqual([
      ['answered', 1],
      ['not_upheld', 1],
      ['open', 1],
      ['upheld', 1],
    ]);
    expect(res.body.rows.map((r: { service: string; kind: string; outcome: string; count: number }) => [r.service, r.kind, r.outcome, r.count])).toEqual([
      ['ADL', 'suggestion', 'open', 1],
      ['MCTC', 'complaint', 'not_upheld', 1],
      ['MCTC', 'complaint', 'upheld', 1],
      ['MCTC', 'report', 'answered', 1],
    ]);

    const april = await api.get('/reports/complaints?month=2025-04', keys.uru);
    expect(april.body.total.count).toBe(1);
    expect(april.body.byKind).toEqual([expect.objectContaining({ kind: 'complaint', count: 1 })]);
    const empty = await api.get('/reports/complaints?month=2024-01', keys.uru);
    expect(empty.body.total).toEqual({ count: 0, responded: 0, breached: 0, medianResponseDays: null, medianNetResponseDays: null });

    expectProblem(await api.get('/reports/complaints?month=2025-13', keys.supervisor), 400, 'month');
    expectProblem(await api.get('/reports/complaints', keys.supervisor), 400, 'month');
    expectProblem(await api.get('/reports/complaints?month=2025-03', keys.sistemi), 403);
    expectProblem(await api.get('/reports/complaints?month=2025-03', keys.operator), 403);
  });
});
