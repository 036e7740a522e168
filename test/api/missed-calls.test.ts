import request from 'supertest';
import { startStack, Stack } from '../support/harness';

let stack: Stack;
let operator: string;
let veicoli: string;
let patenti: string;

beforeAll(async () => {
  stack = await startStack();
  operator = await stack.bearer('operator');
  veicoli = await stack.bearer('office', 'MCTC-VEICOLI');
  patenti = await stack.bearer('office', 'MCTC-PATENTI');
});
afterAll(async () => {
  await stack.stop();
});
const api = () => request(stack.app);

async function phoneContact(caller: Record<string, string> = { surname: 'Rossi', name: 'Giulia', phone: '+39 333 1234567' }) {
  const res = await api().post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'phone', caller, reason: 'Chiede del funzionario' });
  expect(res.status).toBe(201);
  return res.body as { id: string; createdAt: string };
}

it('the bar: a failed transfer sends exactly one email with every field; the office lists the form and closes it with a callback', async () => {
  const contact = await phoneContact();
  const started = Date.now();
  const res = await api()
    .post(`/api/v1/contacts/${contact.id}/missed-call`)
    .set('Authorization', operator)
    .send({ personSought: 'Paolo Conti', reason: 'Pratica di immatricolazione ferma', office: 'MCTC-VEICOLI', callbackEmail: 'giulia.rossi@example.org' });
  expect(res.status).toBe(201);
  const form = res.body;
  expect(form).toMatchObject({ status: 'open', office: 'MCTC-VEICOLI', callerSurname: 'Rossi', callerName: 'Giulia', callbackPhone: '+39 333 1234567', callAt: contact.createdAt });

  const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('motorizzazione.veicoli@example.org') && String(m.parsed.subject).includes('Mancata risposta'), 5000);
  expect(Date.now() - started).toBeLessThan(5000);
  const text = mail.parsed.text!;
  const callAt = new Date(contact.createdAt);
  const romeTime = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(callAt);
  for (const expected of ['Cognome: Rossi', 'Nome: Giulia', 'Persona cercata: Paolo Conti', 'Motivo della chiamata: Pratica di immatricolazione ferma', 'Telefono per il richiamo: +39 333 1234567', 'Email: giulia.rossi@example.org', `Ora della chiamata: ${romeTime}`, contact.id]) {
    expect(text).toContain(expected);
  }
  expect(mail.parsed.subject).toContain(contact.id);

  const list = await api().get('/api/v1/missed-calls?status=open').set('Authorization', veicoli);
  expect(list.status).toBe(200);
  expect(list.body.items.map((f: { id: string }) => f.id)).toContain(form.id);
  // Office B sees nothing of it and may not act.
  expect((await api().get('/api/v1/missed-calls').set('Authorization', patenti)).body.items.map((f: { id: string }) => f.id)).not.toContain(form.id);
  expect((await api().get('/api/v1/missed-calls?office=MCTC-VEICOLI').set('Authorization', patenti)).status).toBe(403);
  expect((await api().post(`/api/v1/missed-calls/${form.id}/callback`).set('Authorization', patenti).send({ outcome: 'reached' })).status).toBe(403);
  expect((await api().post(`/api/v1/missed-calls/${form.id}/callback`).set('Authorization', veicoli).send({ outcome: 'maybe' })).status).toBe(400);

  const closed = await api().post(`/api/v1/missed-calls/${form.id}/callback`).set('Authorization', veicoli).send({ outcome: 'reached', note: 'Richiamata alle 11, pratica sbloccata' });
  expect(closed.status).toBe(200);
  expect(closed.body).toMatchObject({ status: 'closed', outcome: 'reached', note: 'Richiamata alle 11, pratica sbloccata' });
  expect((await api().post(`/api/v1/missed-calls/${form.id}/callback`).set('Authorization', veicoli).send({ outcome: 'reached' })).status).toBe(409);
  expect((await api().get('/api/v1/missed-calls?status=open').set('Authorization', veicoli)).body.items.map((f: { id: string }) => f.id)).not.toContain(form.id);

  // The contact closes with the callback, and exactly one form email was sent.
  let detail = (await api().get(`/api/v1/contacts/${contact.id}`).set('Authorization', operator)).body;
  for (let i = 0; i < 50 && detail.status !== 'resolved'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    detail = (await api().get(`/api/v1/contacts/${contact.id}`).set('Authorization', operator)).body;
  }
  expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['registered', 'transfer-failed', 'called-back']);
  expect(stack.smtp.messages.filter((m) => String(m.parsed.subject).includes('Mancata risposta') && m.parsed.text!.includes(contact.id))).toHaveLength(1);
});

it('a form without a reason is 400 naming reason; nothing is stored or sent', async () => {
  const contact = await phoneContact();
  const before = stack.smtp.messages.length;
  const res = await api().post(`/api/v1/contacts/${contact.id}/missed-call`).set('Authorization', operator).send({ personSought: 'Paolo Conti' });
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
  await new Promise((r) => setTimeout(r, 300));
  expect(await stack.db('missed_calls').where({ contact_id: contact.id })).toHaveLength(0);
  expect(stack.smtp.messages.length).toBe(before);
});

it('needs a callback phone; says "non indicato" for a caller who gave no name; takes the fields from the request', async () => {
  const contact = await phoneContact({});
  const noPhone = await api().post(`/api/v1/contacts/${contact.id}/missed-call`).set('Authorization', operator).send({ personSought: 'X', reason: 'Y' });
  expect(noPhone.status).toBe(400);
  expect(noPhone.body.errors[0].field).toBe('callbackPhone');
  const anonymous = await api().post(`/api/v1/contacts/${contact.id}/missed-call`).set('Authorization', operator).send({ personSought: 'X', reason: 'Y', callbackPhone: '0461 111111' });
  expect(anonymous.status).toBe(201);
  expect(anonymous.body).toMatchObject({ callerSurname: 'non indicato', callerName: 'non indicato', callbackPhone: '0461 111111' });
  // No office given and no category: the service's default office.
  expect(anonymous.body.office).toBe('MCTC-SEGRETERIA');
  const other = await phoneContact({});
  const named = await api()
    .post(`/api/v1/contacts/${other.id}/missed-call`)
    .set('Authorization', operator)
    .send({ personSought: 'X', reason: 'Y', callerSurname: 'Bruni', callerName: 'Ada', callbackPhone: '0461 111111' });
  expect(named.status).toBe(201);
  expect(named.body).toMatchObject({ callerSurname: 'Bruni', callerName: 'Ada' });
});

it('also notifies the referent when asked, and refuses an unknown referent', async () => {
  const contact = await phoneContact();
  const bad = await api().post(`/api/v1/contacts/${contact.id}/missed-call`).set('Authorization', operator).send({ personSought: 'Nessuno Qui', reason: 'Y', office: 'MCTC-VEICOLI', alsoNotifyReferent: true });
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].field).toBe('alsoNotifyReferent');
  const veicoliOffice = stack.catalog.office('MCTC', 'MCTC-VEICOLI')!;
  const referent = veicoliOffice.referents[0];
  const ok = await api().post(`/api/v1/contacts/${contact.id}/missed-call`).set('Authorization', operator).send({ personSought: referent.name, reason: 'Y', office: 'MCTC-VEICOLI', alsoNotifyReferent: true });
  expect(ok.status).toBe(201);
  const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes(referent.email) && m.parsed.text!.includes(contact.id));
  expect(mail.envelope.to).toEqual(expect.arrayContaining([veicoliOffice.mailbox, referent.email]));
});

it('turns a ricaduta into a contact in triage with its origin recorded', async () => {
  const integrator = await stack.bearer('integrator');
  const res = await api()
    .post('/api/v1/rollovers')
    .set('Authorization', integrator)
    .send({ service: 'MCTC', internalNumber: '0461 492010', office: 'MCTC-PATENTI', callerPhone: '+39 340 0000001', at: new Date().toISOString(), rings: 4, callId: 'pbx-991' });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ origin: 'ricaduta', channel: 'phone', callId: 'pbx-991', caller: { phone: '+39 340 0000001' } });
  const row = await stack.db('contacts').where({ id: res.body.id }).first();
  expect(row.origin_details).toMatchObject({ internalNumber: '0461 492010', office: 'MCTC-PATENTI', rings: 4 });
  // The same call posted again is the same contact.
  const again = await api().post('/api/v1/rollovers').set('Authorization', integrator).send({ service: 'MCTC', internalNumber: '0461 492010', callerPhone: '+39 340 0000001', at: new Date().toISOString(), callId: 'pbx-991' });
  expect(again.status).toBe(200);
  expect(again.body.id).toBe(res.body.id);
  const bad = await api().post('/api/v1/rollovers').set('Authorization', integrator).send({ service: 'MCTC', internalNumber: '1', callerPhone: 'abc', at: 'yesterday' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['at', 'callerPhone']);
});

it('says which greeting applies now', async () => {
  const res = await api().get('/api/v1/services/MCTC/greeting').set('Authorization', await stack.bearer('integrator'));
  expect(res.status).toBe(200);
  expect(['welcome', 'out-of-hours']).toContain(res.body.message);
  expect(res.body.window).toBe('dal lunedì al venerdì, dalle 08:00 alle 17:00');
  expect((await api().get('/api/v1/services/NOPE/greeting').set('Authorization', operator)).status).toBe(404);
});
