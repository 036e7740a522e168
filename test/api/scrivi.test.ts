/**
 * The public channels on the real stack (Temporal dev server, PostgreSQL, SMTP sink): the "Scrivi"
 * form (validation, consent, honeypot, rate limits, contact and complaint with their receipt
 * email), the satisfaction survey after a closing email (once, after the delay; none without an
 * email), the survey links (prefetch-safe GET, vote, change, tampered, expired, after 7 days) and
 * the CRM report's satisfaction figures.
 */
import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { surveyToken, surveyWorkflowId } from '../../infra/survey-token';
import { scriviReceiptWorkflowId } from '../../workflows/scrivi-receipt';
import { workflowId } from '../../workflows/definitions';
import { startStack, Stack, TEST_SURVEY_SECRET } from '../support/harness';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(90_000);

const SURVEY_DELAY_MS = 1500;
let stack: Stack;
const keys: Record<'operator' | 'uru' | 'supervisor', string> = {} as never;

beforeAll(async () => {
  stack = await startStack({
    settings: { survey: { delayMs: SURVEY_DELAY_MS, tokenSecret: TEST_SURVEY_SECRET, publicBaseUrl: 'https://contatti.example.org/' } },
    app: { scriviRateLimitPerHour: 1000 },
  });
  keys.operator = await stack.bearer('operator');
  keys.uru = await stack.bearer('uru');
  keys.supervisor = await stack.bearer('supervisor');
});
afterAll(async () => {
  await stack?.stop();
});

const form = (over: Record<string, unknown> = {}) => ({
  service: 'ADL',
  category: 'COLLOCAMENTO',
  type: 'request',
  name: 'Chiara',
  surname: 'Fontana',
  email: 'chiara.fontana@example.org',
  message: 'Vorrei sapere quali documenti servono per l’iscrizione al collocamento mirato.',
  consent: true,
  ...over,
});
const postJson = (body: unknown, app = stack.app) => request(app).post('/scrivi').set('Accept', 'application/json').send(body as object);
const mails = (to: string, subject: string) => stack.smtp.messages.filter((m) => m.envelope.to.includes(to) && String(m.parsed.subject).includes(subject));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectFieldProblem(res: request.Response, status: number, field: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

describe('GET /scrivi', () => {
  it('is a public Italian page with labelled fields, a privacy notice, a required consent and a hidden honeypot, under the CSP', async () => {
    const res = await request(stack.app).get('/scrivi');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.text).toContain('<html lang="it">');
    for (const f of ['service', 'category', 'name', 'surname', 'email', 'message', 'consent']) expect(res.text).toMatch(new RegExp(`<label for="f-${f}"`));
    expect(res.text).toContain('Richiesta di informazioni');
    expect(res.text).toContain('Reclamo');
    expect(res.text).toContain('Informativa sul trattamento dei dati personali');
    expect(res.text).toMatch(/<div class="hp" aria-hidden="true">.*tabindex="-1"/);
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(res.text).toContain('<script src="/js/scrivi.js" defer></script>');
  });
});

describe('POST /scrivi', () => {
  it('refuses bad input with Italian messages naming each field, and stores nothing', async () => {
    const before = await stack.db('contacts').count({ n: '*' });
    expectFieldProblem(await postJson(form({ email: 'non-una-email' })), 400, 'email');
    expectFieldProblem(await postJson(form({ service: 'NOPE' })), 400, 'service');
    expectFieldProblem(await postJson(form({ category: 'PATENTI' })), 400, 'category');
    expectFieldProblem(await postJson(form({ type: 'altro' })), 400, 'type');
    const many = await postJson(form({ name: '', message: '' }));
    expectFieldProblem(many, 400, 'name');
    expect(many.body.errors.find((e: { field: string }) => e.field === 'message').message).toBe('Indichi il testo del messaggio');
    expectFieldProblem(await postJson(form({ message: 'x'.repeat(4001) })), 400, 'message');
    expect((await stack.db('contacts').count({ n: '*' }))[0]).toEqual(before[0]);
  });

  it('requires the consent', async () => {
    for (const consent of [false, undefined, 'no']) {
      const res = await postJson(form({ consent }));
      expectFieldProblem(res, 400, 'consent');
      expect(res.body.errors[0].message).toMatch(/acconsentire al trattamento/);
    }
    // The form post without the box ticked: the page again, the error beside the box, values kept.
    const page = await request(stack.app).post('/scrivi').type('form').send({ ...form({ consent: undefined }) });
    expect(page.status).toBe(400);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toMatch(/id="f-consent"[^>]*aria-describedby="e-consent" aria-invalid="true"/);
    expect(page.text).toMatch(/<p class="error" id="e-consent">Per inviare il messaggio occorre acconsentire/);
    expect(page.text).toContain('value="Fontana"');
  });

  it('answers a filled honeypot like a success and stores and sends nothing', async () => {
    const contacts = await stack.db('contacts').count({ n: '*' });
    const res = await postJson(form({ website: 'http://spam.example', email: 'robot@example.org' }));
    expect(res.status).toBe(201);
    expect(res.body.reference).toMatch(/^CON-\d{4}-\d{6}$/);
    expect(await stack.db('contacts').where({ id: res.body.reference }).first()).toBeUndefined();
    expect((await stack.db('contacts').count({ n: '*' }))[0]).toEqual(contacts[0]);
    await sleep(1000);
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('robot@example.org'))).toEqual([]);
  });

  it('opens a web contact with a receipt email; once answered, one survey email after the delay', async () => {
    const res = await postJson(form());
    expect(res.status).toBe(201);
    const ref: string = res.body.reference;
    expect(res.body.kind).toBe('request');
    const contact = await request(stack.app).get(`/api/v1/contacts/${ref}`).set('Authorization', keys.operator);
    expect(contact.body).toMatchObject({ channel: 'web', status: 'triage', category: 'COLLOCAMENTO', caller: { name: 'Chiara', surname: 'Fontana', email: 'chiara.fontana@example.org' } });
    expect(contact.body.history[0].actor).toMatchObject({ name: 'scrivi', role: 'integrator' });
    const receipt = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${ref}] Abbiamo ricevuto`));
    expect(receipt.envelope.to).toEqual(['chiara.fontana@example.org']);
    expect(receipt.parsed.text).toContain(ref);
    expect(receipt.parsed.html).toContain(ref);

    const resolved = await request(stack.app).post(`/api/v1/contacts/${ref}/resolve`).set('Authorization', keys.operator).send({ answer: 'Servono il documento di identità e la certificazione di invalidità.' });
    expect(resolved.status).toBe(200);
    const answerAt = Date.now();
    const survey = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${ref}] Com'è andata?`), 20_000);
    expect(Date.now() - answerAt).toBeGreaterThanOrEqual(SURVEY_DELAY_MS - 200);
    const links = String(survey.parsed.text).match(/https:\/\/contatti\.example\.org\/valutazione\?t=[^\s&]+&voto=[1-5]/g) ?? [];
    expect(links.map((l) => l.slice(-1))).toEqual(['1', '2', '3', '4', '5']);
    expect(survey.parsed.html).toContain('&amp;voto=5');
    await stack.client.workflow.getHandle(surveyWorkflowId('contact', ref)).result();
    await sleep(500);
    expect(mails('chiara.fontana@example.org', "Com'è andata?").filter((m) => String(m.parsed.subject).includes(ref))).toHaveLength(1);
    if (process.env.RECORD_REPLAY_HISTORIES) {
      await saveHistoryFile(stack.client, workflowId.contact(ref), 'contact-web-survey.json');
      await saveHistoryFile(stack.client, surveyWorkflowId('contact', ref), 'survey-contact.json');
      await saveHistoryFile(stack.client, scriviReceiptWorkflowId(ref), 'scrivi-receipt.json');
    }

    // --- the links: GET shows the choice and records nothing; POST votes ------------------------
    const token = decodeURIComponent(new URL(links[3]).searchParams.get('t')!);
    const page = await request(stack.app).get('/valutazione').query({ t: token, voto: '4' });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<input type="radio" name="voto" value="4" required checked>/);
    expect(page.text).toContain('Conferma il voto');
    expect((await stack.db('surveys').where({ case_id: ref }).first()).score).toBeNull();

    const vote = await request(stack.app).post('/valutazione').type('form').send({ t: token, voto: '4' });
    expect(vote.status).toBe(200);
    expect(vote.text).toContain('Il voto è stato registrato');
    const changed = await request(stack.app).post('/valutazione').send({ t: token, voto: 2 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ caseId: ref, score: 2, status: 'changed' });
    expect(await stack.db('surveys').where({ case_id: ref }).first()).toMatchObject({ score: 2, votes: 2 });
    // The GET after voting pre-selects the recorded score and says until when it can change.
    expect((await request(stack.app).get('/valutazione').query({ t: token })).text).toMatch(/value="2" required checked/);

    // --- after 7 days from the first vote the link no longer changes it -----------------------
    await stack.db('surveys').where({ case_id: ref }).update({ first_voted_at: new Date(Date.now() - 8 * 86_400_000) });
    const late = await request(stack.app).post('/valutazione').type('form').send({ t: token, voto: '5' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('non è più modificabile');
    expect((await request(stack.app).get('/valutazione').query({ t: token, voto: '5' })).status).toBe(409);
    expect((await stack.db('surveys').where({ case_id: ref }).first()).score).toBe(2);
    // Back within the window for the report below.
    await stack.db('surveys').where({ case_id: ref }).update({ first_voted_at: new Date() });

    // --- tampered and expired links ----------------------------------------------------------
    const [payload, sig] = token.split('.');
    const otherCase = Buffer.from(`contact|${ref.replace(/\d$/, (d) => String((Number(d) + 1) % 10))}|${Date.now() + 86_400_000}`).toString('base64url');
    for (const bad of [`${otherCase}.${sig}`, `${payload}.${sig.slice(0, -2)}AA`, 'garbage', '']) {
      const r = await request(stack.app).get('/valutazione').query({ t: bad, voto: '5' });
      expect(r.status).toBe(400);
      expect(r.text).toContain('Collegamento non valido');
      expect((await request(stack.app).post('/valutazione').type('form').send({ t: bad, voto: '5' })).status).toBe(400);
    }
    const expired = surveyToken(TEST_SURVEY_SECRET, { kind: 'contact', caseId: ref, expiresAt: Date.now() - 1000 });
    const exp = await request(stack.app).get('/valutazione').query({ t: expired, voto: '5' });
    expect(exp.status).toBe(410);
    expect(exp.text).toContain('Collegamento scaduto');
    const expJson = await request(stack.app).post('/valutazione').send({ t: expired, voto: 5 });
    expect(expJson.status).toBe(410);
    expect(expJson.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await stack.db('surveys').where({ case_id: ref }).first()).score).toBe(2);

    // --- the CRM report's satisfaction, per service and month --------------------------------
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit' }).format(new Date());
    const report = await request(stack.app).get('/api/v1/reports/crm').query({ month, service: 'ADL' }).set('Authorization', keys.supervisor);
    expect(report.status).toBe(200);
    expect(report.body.satisfaction).toMatchObject({ responses: 1, average: 2, distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0 } });
    expect(report.body.satisfaction.byChannel).toEqual([{ channel: 'web', responses: 1, average: 2, distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0 } }]);
    expect(report.body.channels.find((c: { channel: string }) => c.channel === 'web')).toMatchObject({ resolved: 1, responseRatePct: expect.any(Number) });
    const other = await request(stack.app).get('/api/v1/reports/crm').query({ month, service: 'MCTC' }).set('Authorization', keys.supervisor);
    expect(other.body.satisfaction).toMatchObject({ responses: 0, average: null });
  });

  it('opens a web complaint with a receipt; its response by email is followed by one survey', async () => {
    const res = await postJson(form({ type: 'complaint', email: 'marco.riva@example.org', name: 'Marco', surname: 'Riva', category: undefined }));
    expect(res.status).toBe(201);
    const ref: string = res.body.reference;
    expect(ref).toMatch(/^REC-\d{4}-\d{6}$/);
    expect(res.body.kind).toBe('complaint');
    const file = await request(stack.app).get(`/api/v1/complaints/${ref}`).set('Authorization', keys.uru);
    expect(file.body).toMatchObject({ kind: 'complaint', channel: 'web', service: 'ADL', status: 'registered' });
    const receipt = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${ref}] Abbiamo ricevuto il suo reclamo`));
    expect(receipt.envelope.to).toEqual(['marco.riva@example.org']);

    expect((await request(stack.app).post(`/api/v1/complaints/${ref}/take-charge`).set('Authorization', keys.uru)).status).toBe(200);
    expect((await request(stack.app).post(`/api/v1/complaints/${ref}/respond`).set('Authorization', keys.uru).send({ response: 'Abbiamo verificato e corretto la pratica.' })).status).toBe(200);
    await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${ref}] Com'è andata?`), 20_000);
    await stack.client.workflow.getHandle(surveyWorkflowId('complaint', ref)).result();
    expect(await stack.db('surveys').where({ id: `complaint:${ref}` }).first()).toMatchObject({ kind: 'complaint', service: 'ADL', channel: 'web', score: null });
    if (process.env.RECORD_REPLAY_HISTORIES) {
      await stack.client.workflow.getHandle(workflowId.complaint(ref)).result();
      await saveHistoryFile(stack.client, workflowId.complaint(ref), 'complaint-web-survey.json');
    }
  });

  it('sends no survey for a phone contact without an email', async () => {
    const created = await request(stack.app).post('/api/v1/contacts').set('Authorization', keys.operator).send({ service: 'ADL', channel: 'phone', caller: { phone: '+39 0461 111222' }, reason: 'Orari' });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect((await request(stack.app).post(`/api/v1/contacts/${id}/resolve`).set('Authorization', keys.operator).send({ answer: 'Dalle 8 alle 12.' })).status).toBe(200);
    await stack.client.workflow.getHandle(workflowId.contact(id)).result();
    await sleep(SURVEY_DELAY_MS + 1000);
    expect(await stack.db('surveys').where({ case_id: id }).first()).toBeUndefined();
    expect(stack.smtp.messages.filter((m) => String(m.parsed.subject).includes(id))).toEqual([]);
  });
});

describe('the form rate limit', () => {
  it('allows N messages an hour per client address (behind TRUST_PROXY) and per email address, then 429 with Retry-After and an Italian message', async () => {
    const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('silent'), scriviRateLimitPerHour: 2, trustProxy: true });
    const from = (ip: string, body: unknown) => postJson(body, app).set('X-Forwarded-For', ip);
    expect((await from('203.0.113.1', form({ email: 'a1@example.org' }))).status).toBe(201);
    expect((await from('203.0.113.1', form({ email: 'a2@example.org' }))).status).toBe(201);
    const blocked = await from('203.0.113.1', form({ email: 'a3@example.org' }));
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(3000);
    expect(blocked.body.detail).toMatch(/^Sono stati inviati troppi messaggi\. Riprovi tra \d+ minuti\.$/);
    // Another address may still write; the same email from other addresses is limited too.
    expect((await from('203.0.113.2', form({ email: 'b@example.org' }))).status).toBe(201);
    expect((await from('203.0.113.3', form({ email: 'b@example.org' }))).status).toBe(201);
    expect((await from('203.0.113.4', form({ email: 'B@Example.org' }))).status).toBe(429);
    // The form post gets the page with the message.
    const page = await request(app).post('/scrivi').set('X-Forwarded-For', '203.0.113.1').type('form').send({ ...form(), consent: 'on' });
    expect(page.status).toBe(429);
    expect(page.text).toContain('Troppi messaggi');
    expect(await stack.db('contacts').whereRaw(`caller->>'email' = ?`, ['a3@example.org']).first()).toBeUndefined();
  });
});

describe('privacy of the public pages', () => {
  it('logs no name, email or message of the form, nor the survey token, at any level', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString('utf8')), done()) });
    const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('trace', 'api', sink), surveyTokenSecret: TEST_SURVEY_SECRET });
    const citizen = { name: 'Ermelinda', surname: 'Scarpazza', email: 'ermelinda.scarpazza@example.org', message: 'testo riservatissimo della cittadina' };
    expect((await postJson(form(citizen), app)).status).toBe(201);
    expect((await postJson(form({ ...citizen, email: 'sbagliata' }), app)).status).toBe(400);
    expect((await request(app).post('/scrivi').type('form').send({ ...form(citizen), consent: 'on' })).status).toBe(201);
    const token = surveyToken(TEST_SURVEY_SECRET, { kind: 'contact', caseId: 'CON-2000-000001', expiresAt: Date.now() + 60_000 });
    await request(app).get('/valutazione').query({ t: token, voto: '3' });
    const text = lines.join('');
    expect(text).toContain('/scrivi');
    for (const secret of ['Ermelinda', 'Scarpazza', 'ermelinda.scarpazza', 'riservatissimo', token.split('.')[1]]) expect(text).not.toContain(secret);
  });

  it('an erasure of the citizen reaches the form’s contact and its receipt email', async () => {
    const res = await postJson(form({ email: 'da.cancellare@example.org', surname: 'Cancellanda' }));
    expect(res.status).toBe(201);
    const ref: string = res.body.reference;
    await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${ref}] Abbiamo ricevuto`));
    await stack.client.workflow.getHandle(scriviReceiptWorkflowId(ref)).result();
    const admin = await stack.bearer('admin');
    const erased = await request(stack.app).post('/api/v1/privacy/erasure').set('Authorization', admin).send({ email: 'da.cancellare@example.org' });
    expect(erased.status).toBe(200);
    expect(JSON.stringify(await stack.db('contacts').where({ id: ref }).first())).not.toMatch(/Cancellanda|da\.cancellare/);
    const receipt = await stack.db('sent_emails').where({ key: `scrivi:${ref}/received` }).first();
    expect(receipt.recipients).not.toContain('da.cancellare@example.org');
  });

  it('refuses control characters in a form post, naming the field', async () => {
    const res = await request(stack.app).post('/scrivi').set('Accept', 'application/json').type('form').send({ ...form({ name: 'Anna\u0007' }), consent: 'on' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/id="e-name">Il testo contiene caratteri non ammessi/);
    const json = await postJson(form({ surname: 'Rossi\u0001' }));
    expectFieldProblem(json, 400, 'surname');
  });
});
