/**
 * The paused clock through the API on the real stack (PostgreSQL, Temporal dev server, SMTP sink):
 * `request-info` / `citizen-reply` on an escalation, `not_reachable_retry` on a missed-call callback.
 */
import request from 'supertest';
import { startStack, Stack } from '../support/harness';

jest.setTimeout(120_000);

let stack: Stack;
let operator: string;
let integrator: string;
let supervisor: string;
let veicoli: string;
let patenti: string;

beforeAll(async () => {
  stack = await startStack();
  [operator, integrator, supervisor, veicoli, patenti] = await Promise.all([
    stack.bearer('operator'),
    stack.bearer('integrator'),
    stack.bearer('supervisor'),
    stack.bearer('office', 'MCTC-VEICOLI'),
    stack.bearer('office', 'MCTC-PATENTI'),
  ]);
});
afterAll(async () => {
  await stack.stop();
});
const api = () => request(stack.app);
const fields = (res: request.Response) => (res.body.errors ?? []).map((e: { field: string }) => e.field);

async function escalated(caller: Record<string, string>) {
  const contact = await api().post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'email', caller, reason: 'Duplicato del libretto' });
  expect(contact.status).toBe(201);
  const res = await api().post(`/api/v1/contacts/${contact.body.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' });
  expect(res.status).toBe(201);
  return { contactId: contact.body.id as string, id: res.body.id as string };
}

it('the office asks the citizen by email, the queue shows it waiting with its paused clock, the reply resumes it', async () => {
  const { contactId, id } = await escalated({ surname: 'Verdi', email: 'anna.verdi@example.org' });
  const path = `/api/v1/escalations/${id}`;
  // Not yet taken in charge: 409.
  expect((await api().post(`${path}/request-info`).set('Authorization', veicoli).send({ question: 'Targa?' })).status).toBe(409);
  expect((await api().post(`${path}/take-charge`).set('Authorization', veicoli).send({})).status).toBe(200);

  // Bad input names the field; another office and the operator may not ask.
  const bad = await api().post(`${path}/request-info`).set('Authorization', veicoli).send({ question: '  ' });
  expect(bad.status).toBe(400);
  expect(fields(bad)).toEqual(['question']);
  expect((await api().post(`${path}/request-info`).set('Authorization', patenti).send({ question: 'Targa?' })).status).toBe(403);
  expect((await api().post(`${path}/request-info`).set('Authorization', operator).send({ question: 'Targa?' })).status).toBe(403);
  // Not waiting yet: a reply is 409.
  expect((await api().post(`${path}/citizen-reply`).set('Authorization', operator).send({ reply: 'AB123CD' })).status).toBe(409);

  const asked = await api().post(`${path}/request-info`).set('Authorization', veicoli).send({ question: 'Può indicarci il numero di targa del veicolo?' });
  expect(asked.status).toBe(200);
  expect(asked.body).toMatchObject({ status: 'waiting_citizen', infoRequests: [{ question: 'Può indicarci il numero di targa del veicolo?', reply: null }] });
  expect(asked.body.pause.remainingMs.resolve).toBeGreaterThan(0);
  expect(Date.parse(asked.body.pause.until)).toBeGreaterThan(Date.parse(asked.body.pause.since));
  const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('anna.verdi@example.org') && String(m.parsed.subject).includes('Richiesta di informazioni'));
  expect(mail.parsed.subject).toContain(contactId);
  expect(mail.parsed.text).toContain('Può indicarci il numero di targa del veicolo?');
  expect(mail.parsed.html).toContain('numero di targa');
  expect((await api().post(`${path}/request-info`).set('Authorization', veicoli).send({ question: 'Ancora?' })).status).toBe(409);
  expect((await api().post(`${path}/resolve`).set('Authorization', veicoli).send({ response: 'Fatto' })).status).toBe(409);

  const queue = await api().get('/api/v1/escalations?status=waiting_citizen').set('Authorization', veicoli);
  expect(queue.status).toBe(200);
  const item = queue.body.items.find((e: { id: string }) => e.id === id);
  expect(item).toMatchObject({ status: 'waiting_citizen', pause: asked.body.pause, resolveDueAt: asked.body.resolveDueAt });
  // The time left shown while waiting is the one at the pause: it does not run down.
  expect(item.remaining).toMatchObject({ basis: 'business', dueAt: new Date(asked.body.resolveDueAt).toISOString(), overdue: false });
  expect(item.remaining.businessMinutes).toBe(Math.floor(asked.body.pause.remainingMs.resolve / 60_000));
  expect((await api().get('/api/v1/escalations?status=waiting_citizen').set('Authorization', patenti)).body.items.some((e: { id: string }) => e.id === id)).toBe(false);
  expect((await api().get('/api/v1/escalations?status=sleeping').set('Authorization', veicoli)).status).toBe(400);

  // Reply: another office 403, bad input 400, the integrator (the mail intake's role) records it.
  expect((await api().post(`${path}/citizen-reply`).set('Authorization', patenti).send({ reply: 'AB123CD' })).status).toBe(403);
  const noReply = await api().post(`${path}/citizen-reply`).set('Authorization', integrator).send({});
  expect(noReply.status).toBe(400);
  expect(fields(noReply)).toEqual(['reply']);
  const replied = await api().post(`${path}/citizen-reply`).set('Authorization', integrator).send({ reply: 'La targa è AB123CD' });
  expect(replied.status).toBe(200);
  expect(replied.body).toMatchObject({ status: 'in_charge', pause: null, infoRequests: [{ reply: 'La targa è AB123CD', endedBy: 'reply' }] });
  // Moved by the paused business time: never earlier than before.
  expect(Date.parse(replied.body.resolveDueAt)).toBeGreaterThanOrEqual(Date.parse(asked.body.resolveDueAt));
  expect((await api().post(`${path}/citizen-reply`).set('Authorization', operator).send({ reply: 'Di nuovo' })).status).toBe(409);

  const detail = await api().get(path).set('Authorization', supervisor);
  expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'taken-in-charge', 'info-requested', 'citizen-replied']);
  const row = await stack.db('escalations').where({ id }).first();
  expect(row).toMatchObject({ status: 'in_charge', pause: null });
});

it('a contact without an email address cannot be asked by email: 409 with a clear detail, nothing changes', async () => {
  const { id } = await escalated({ surname: 'Bianchi', phone: '+39 333 0000000' });
  expect((await api().post(`/api/v1/escalations/${id}/take-charge`).set('Authorization', supervisor).send({})).status).toBe(200);
  const res = await api().post(`/api/v1/escalations/${id}/request-info`).set('Authorization', supervisor).send({ question: 'Targa?' });
  expect(res.status).toBe(409);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  expect(res.body.detail).toMatch(/no email address/);
  expect((await stack.db('escalations').where({ id }).first()).status).toBe('in_charge');
});

it('a callback that found nobody: not_reachable_retry keeps the form open with its clock paused until the new attempt', async () => {
  const contact = await api().post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'phone', caller: { surname: 'Rossi', name: 'Giulia', phone: '+39 333 1234567' }, reason: 'Chiede del funzionario' });
  const form = await api().post(`/api/v1/contacts/${contact.body.id}/missed-call`).set('Authorization', operator).send({ personSought: 'Paolo Conti', reason: 'Pratica ferma', office: 'MCTC-VEICOLI' });
  expect(form.status).toBe(201);
  const path = `/api/v1/missed-calls/${form.body.id}/callback`;

  for (const body of [{ outcome: 'not_reachable_retry' }, { outcome: 'not_reachable_retry', retryAt: new Date(Date.now() - 60_000).toISOString() }, { outcome: 'not_reachable_retry', retryAt: 'domani' }, { outcome: 'reached', retryAt: new Date(Date.now() + 3_600_000).toISOString() }]) {
    const res = await api().post(path).set('Authorization', veicoli).send(body);
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['retryAt']);
  }
  const retryAt = new Date(Date.now() + 26 * 3_600_000).toISOString();
  expect((await api().post(path).set('Authorization', patenti).send({ outcome: 'not_reachable_retry', retryAt })).status).toBe(403);
  const retried = await api().post(path).set('Authorization', veicoli).send({ outcome: 'not_reachable_retry', retryAt, note: 'Squilla a vuoto' });
  expect(retried.status).toBe(200);
  expect(retried.body).toMatchObject({ status: 'open', retries: 1, outcome: null, note: 'Squilla a vuoto' });
  // At the requested time, or the office's next opening after it.
  expect(Date.parse(retried.body.pause.until)).toBeGreaterThanOrEqual(Date.parse(retryAt));
  const listed = (await api().get('/api/v1/missed-calls?status=open').set('Authorization', veicoli)).body.items.find((f: { id: string }) => f.id === form.body.id);
  expect(listed).toMatchObject({ retries: 1, pause: retried.body.pause });
  // Put off, the form keeps the time it had left when the attempt failed.
  expect(listed.remaining.businessMinutes).toBe(Math.floor(retried.body.pause.remainingMs.callback / 60_000));

  const closed = await api().post(path).set('Authorization', veicoli).send({ outcome: 'reached' });
  expect(closed.status).toBe(200);
  expect(closed.body).toMatchObject({ status: 'closed', outcome: 'reached', pause: null });
  const detail = await api().get(`/api/v1/missed-calls/${form.body.id}`).set('Authorization', operator);
  // The office's email goes out in the background: before or after the retry.
  const actions = detail.body.history.map((h: { action: string }) => h.action);
  expect(actions.filter((a: string) => a !== 'emailed')).toEqual(['created', 'callback-retry', 'called-back']);
  expect(actions.filter((a: string) => a === 'emailed')).toHaveLength(1);
});
