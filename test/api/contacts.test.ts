import request from 'supertest';
import { startStack, Stack } from '../support/harness';

let stack: Stack;
let operator: string;
let officeA: string; // MCTC-VEICOLI
let officeB: string; // MCTC-PATENTI
let supervisor: string;

beforeAll(async () => {
  stack = await startStack();
  operator = await stack.bearer('operator', undefined, 'Operatrice Bianchi');
  officeA = await stack.bearer('office', 'MCTC-VEICOLI', 'Ufficio veicoli');
  officeB = await stack.bearer('office', 'MCTC-PATENTI', 'Ufficio patenti');
  supervisor = await stack.bearer('supervisor');
});
afterAll(async () => {
  await stack.stop();
});

const api = () => request(stack.app);

async function openContact(body: Record<string, unknown> = {}) {
  const res = await api()
    .post('/api/v1/contacts')
    .set('Authorization', operator)
    .send({ service: 'MCTC', channel: 'email', caller: { surname: 'Verdi', name: 'Anna', email: 'anna.verdi@example.org' }, reason: 'Duplicato del libretto di circolazione', ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; status: string };
}

describe('the issue bar: Motorizzazione Civile contact escalated to office A', () => {
  it('opens, classifies, escalates; A sees it, B is refused; A takes charge and resolves; the citizen gets the answer; history lists every step', async () => {
    const contact = await openContact();
    expect(contact.status).toBe('triage');
    expect(contact.id).toMatch(/^CON-\d{4}-\d{6}$/);

    const classified = await api().post(`/api/v1/contacts/${contact.id}/classify`).set('Authorization', operator).send({ category: 'VEICOLI' });
    expect(classified.status).toBe(200);
    expect(classified.body.category).toBe('VEICOLI');

    const escalated = await api().post(`/api/v1/contacts/${contact.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI', note: 'Serve verifica in archivio' });
    expect(escalated.status).toBe(201);
    const escalationId = escalated.body.id;
    // Sample SLA: take charge PT4H, resolve P3D of business time, both after the opening.
    expect(Date.parse(escalated.body.takeChargeDueAt)).toBeGreaterThan(Date.parse(escalated.body.createdAt));
    expect(Date.parse(escalated.body.resolveDueAt)).toBeGreaterThan(Date.parse(escalated.body.takeChargeDueAt));

    const queueA = await api().get('/api/v1/escalations').set('Authorization', officeA);
    expect(queueA.status).toBe(200);
    const item = queueA.body.items.find((e: { id: string }) => e.id === escalationId);
    expect(item).toMatchObject({ office: 'MCTC-VEICOLI', status: 'open', takeChargeBreached: false, resolveBreached: false });
    expect(item.takeChargeDueAt).toBe(escalated.body.takeChargeDueAt);
    expect(item.contact.reason).toBe('Duplicato del libretto di circolazione');

    expect((await api().get('/api/v1/escalations?office=MCTC-VEICOLI').set('Authorization', officeB)).status).toBe(403);
    expect((await api().get(`/api/v1/escalations/${escalationId}`).set('Authorization', officeB)).status).toBe(403);
    expect((await api().post(`/api/v1/escalations/${escalationId}/take-charge`).set('Authorization', officeB).send({})).status).toBe(403);
    const queueB = await api().get('/api/v1/escalations').set('Authorization', officeB);
    expect(queueB.body.items.some((e: { id: string }) => e.id === escalationId)).toBe(false);

    // The office was told by email.
    await stack.smtp.waitFor((m) => m.envelope.to.includes('motorizzazione.veicoli@example.org') && String(m.parsed.subject).includes(contact.id));

    const early = await api().post(`/api/v1/escalations/${escalationId}/resolve`).set('Authorization', officeA).send({ response: 'x' });
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toMatch(/problem\+json/);

    const taken = await api().post(`/api/v1/escalations/${escalationId}/take-charge`).set('Authorization', officeA).send({});
    expect(taken.status).toBe(200);
    expect(taken.body.status).toBe('in_charge');
    expect((await api().post(`/api/v1/escalations/${escalationId}/notes`).set('Authorization', officeA).send({ text: 'Pratica trovata' })).status).toBe(201);
    const resolved = await api()
      .post(`/api/v1/escalations/${escalationId}/resolve`)
      .set('Authorization', officeA)
      .send({ response: 'Il duplicato è pronto: può ritirarlo allo sportello 3.' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('anna.verdi@example.org'));
    expect(mail.parsed.subject).toContain(contact.id);
    expect(mail.parsed.text).toContain('Il duplicato è pronto: può ritirarlo allo sportello 3.');
    expect(mail.parsed.html).toContain('sportello 3');

    // The contact closes once the workflow has recorded the resolution.
    let detail = await api().get(`/api/v1/contacts/${contact.id}`).set('Authorization', operator);
    for (let i = 0; i < 50 && !detail.body.history.some((h: { action: string }) => h.action === 'answer-emailed'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      detail = await api().get(`/api/v1/contacts/${contact.id}`).set('Authorization', operator);
    }
    expect(detail.body.status).toBe('resolved');
    expect(detail.body.resolution).toBe('back_office');
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(['registered', 'classified', 'escalated', 'resolved', 'answer-emailed']);
    expect(detail.body.history[1].actor).toEqual({ name: 'Operatrice Bianchi', role: 'operator', office: null });
    const escalationHistory = await api().get(`/api/v1/escalations/${escalationId}`).set('Authorization', officeA);
    expect(escalationHistory.body.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'taken-in-charge', 'note-added', 'resolved']);
    expect(escalationHistory.body.history[3].actor).toMatchObject({ name: 'Ufficio veicoli', role: 'office', office: 'MCTC-VEICOLI' });

    // Acting on a closed escalation or contact is a conflict.
    expect((await api().post(`/api/v1/escalations/${escalationId}/return`).set('Authorization', officeA).send({ reason: 'no' })).status).toBe(409);
    expect((await api().post(`/api/v1/contacts/${contact.id}/resolve`).set('Authorization', operator).send({ answer: 'again' })).status).toBe(409);
    // Exactly one answer email.
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('anna.verdi@example.org'))).toHaveLength(1);
  });
});

describe('a just-opened escalation', () => {
  it('is taken in charge right after the escalate answer, even before the server has started its workflow', async () => {
    // Back to back, as an office client polling its queue does: the child may still be starting.
    const taken = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const contact = await openContact();
        const escalated = await api().post(`/api/v1/contacts/${contact.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' });
        expect(escalated.status).toBe(201);
        return api().post(`/api/v1/escalations/${escalated.body.id}/take-charge`).set('Authorization', officeA).send({});
      }),
    );
    expect(taken.map((r) => [r.status, r.body.status])).toEqual(Array.from({ length: 8 }, () => [200, 'in_charge']));
  });
});

describe('intake', () => {
  it('gives the same contact for the same Idempotency-Key and never a second workflow', async () => {
    const body = { service: 'MCTC', channel: 'phone', caller: { phone: '0461 000000' }, reason: 'Orari sportello' };
    const first = await api().post('/api/v1/contacts').set('Authorization', operator).set('Idempotency-Key', 'cti-call-4711').send(body);
    const second = await api().post('/api/v1/contacts').set('Authorization', operator).set('Idempotency-Key', 'cti-call-4711').send(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(await stack.db('contacts').where({ reason: 'Orari sportello' }).count('* as n').first()).toEqual({ n: '1' });
    const third = await api().post('/api/v1/contacts').set('Authorization', operator).set('Idempotency-Key', 'cti-call-4712').send(body);
    expect(third.body.id).not.toBe(first.body.id);
  });

  it('refuses unknown service, category, IVR code and bad fields with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ service: 'NOPE', channel: 'phone', reason: 'x' }, 'service'],
      [{ service: 'MCTC', channel: 'phone', reason: 'x', category: 'NOPE' }, 'category'],
      [{ service: 'MCTC', channel: 'fax', reason: 'x' }, 'channel'],
      [{ service: 'MCTC', channel: 'phone' }, 'reason'],
      [{ service: 'APIAE', channel: 'phone', reason: 'x', ivrCode: '7' }, 'ivrCode'],
      [{ service: 'MCTC', channel: 'email', reason: 'x', caller: { email: 'not-an-address' } }, 'caller.email'],
    ];
    const before = await stack.db('contacts').count('* as n').first();
    for (const [body, field] of cases) {
      const res = await api().post('/api/v1/contacts').set('Authorization', operator).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await stack.db('contacts').count('* as n').first()).toEqual(before);
  });

  it('resolves APIAE IVR code 1 automatically at first level', async () => {
    const res = await api().post('/api/v1/contacts').set('Authorization', await stack.bearer('integrator')).send({ service: 'APIAE', channel: 'phone', ivrCode: '1', callId: 'ivr-1', reason: 'Orari' });
    expect(res.status).toBe(201);
    let row = await stack.db('contacts').where({ id: res.body.id }).first();
    for (let i = 0; i < 50 && row.status !== 'resolved'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = await stack.db('contacts').where({ id: res.body.id }).first();
    }
    expect(row).toMatchObject({ status: 'resolved', resolution: 'auto', call_id: 'ivr-1' });
  });

  it('routes Trentino Digitale IVR codes to the sub-service and its referent', async () => {
    const res = await api().post('/api/v1/contacts').set('Authorization', operator).send({ service: 'TNDIGITALE', channel: 'phone', ivrCode: '2', reason: 'Accesso al portale' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'triage', subService: 'TRENTINO-IN-RETE', referent: 'Federica Lombardi', office: 'TD-RETE' });
  });

  it('keeps roles apart: office keys cannot open contacts, integrators cannot read them', async () => {
    expect((await api().post('/api/v1/contacts').set('Authorization', officeA).send({ service: 'MCTC', channel: 'phone', reason: 'x' })).status).toBe(403);
    expect((await api().get('/api/v1/contacts').set('Authorization', await stack.bearer('integrator'))).status).toBe(403);
    expect((await api().get('/api/v1/contacts/CON-1999-000001').set('Authorization', operator)).status).toBe(404);
  });
});

describe('triage', () => {
  it('lists the triage queue of a service oldest first', async () => {
    const a = await openContact({ service: 'SVA', reason: 'prima' });
    const b = await openContact({ service: 'SVA', reason: 'seconda' });
    const res = await api().get('/api/v1/contacts?status=triage&service=SVA').set('Authorization', operator);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((c: { id: string }) => c.id);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
    expect(res.body.items.every((c: { status: string; service: string }) => c.status === 'triage' && c.service === 'SVA')).toBe(true);
    expect((await api().get('/api/v1/contacts?status=bogus').set('Authorization', operator)).status).toBe(400);
  });

  it('resolves at first level and emails the answer to a written contact', async () => {
    const c = await openContact({ service: 'ADL', channel: 'web', caller: { email: 'mario.neri@example.org' }, reason: 'Orari sportello' });
    const res = await api().post(`/api/v1/contacts/${c.id}/resolve`).set('Authorization', operator).send({ answer: 'Lo sportello è aperto dalle 8 alle 17.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', resolution: 'first_level' });
    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('mario.neri@example.org'));
    expect(mail.parsed.subject).toContain(c.id);
    expect(mail.parsed.text).toContain('Lo sportello è aperto dalle 8 alle 17.');
  });

  it('does not email a phone contact answered at first level', async () => {
    const c = await openContact({ channel: 'phone', caller: { email: 'phone.only@example.org' } });
    expect((await api().post(`/api/v1/contacts/${c.id}/resolve`).set('Authorization', operator).send({ answer: 'Detto al telefono.' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.smtp.messages.some((m) => m.envelope.to.includes('phone.only@example.org'))).toBe(false);
  });

  it('refuses an unknown category or office with 400 and changes nothing', async () => {
    const c = await openContact();
    const cat = await api().post(`/api/v1/contacts/${c.id}/classify`).set('Authorization', operator).send({ category: 'NOPE' });
    expect(cat.status).toBe(400);
    expect(cat.body.errors[0].field).toBe('category');
    const esc = await api().post(`/api/v1/contacts/${c.id}/escalate`).set('Authorization', operator).send({ office: 'MI-ANAGRAFE' });
    expect(esc.status).toBe(400);
    expect(esc.body.errors[0].field).toBe('office');
    const detail = await api().get(`/api/v1/contacts/${c.id}`).set('Authorization', operator);
    expect(detail.body).toMatchObject({ status: 'triage', category: null });
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(['registered']);
  });
});

describe('return and reassign', () => {
  it('returns an escalation to triage with the reason, once; a supervisor reassigns another', async () => {
    const c = await openContact();
    const e = (await api().post(`/api/v1/contacts/${c.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' })).body;
    const ret = await api().post(`/api/v1/escalations/${e.id}/return`).set('Authorization', officeA).send({ reason: 'Competenza dell\'ufficio patenti' });
    expect(ret.status).toBe(200);
    expect(ret.body).toMatchObject({ status: 'returned', returnReason: "Competenza dell'ufficio patenti" });
    expect((await api().post(`/api/v1/escalations/${e.id}/return`).set('Authorization', officeA).send({ reason: 'twice' })).status).toBe(409);
    let contact = (await api().get(`/api/v1/contacts/${c.id}`).set('Authorization', operator)).body;
    for (let i = 0; i < 50 && contact.status !== 'triage'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      contact = (await api().get(`/api/v1/contacts/${c.id}`).set('Authorization', operator)).body;
    }
    expect(contact.status).toBe('triage');
    expect(contact.history.at(-1)).toMatchObject({ action: 'returned-to-triage', payload: { reason: "Competenza dell'ufficio patenti" } });

    // Escalate again (second escalation of the same contact), then the supervisor reassigns it to B.
    const e2 = (await api().post(`/api/v1/contacts/${c.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' })).body;
    expect(e2.id).toBe(`${c.id}-E2`);
    expect((await api().post(`/api/v1/escalations/${e2.id}/reassign`).set('Authorization', officeA).send({ office: 'MCTC-PATENTI' })).status).toBe(403);
    expect((await api().post(`/api/v1/escalations/${e2.id}/reassign`).set('Authorization', supervisor).send({ office: 'NOPE' })).status).toBe(400);
    const moved = await api().post(`/api/v1/escalations/${e2.id}/reassign`).set('Authorization', supervisor).send({ office: 'MCTC-PATENTI' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ office: 'MCTC-PATENTI', status: 'open' });
    expect((await api().post(`/api/v1/escalations/${e2.id}/take-charge`).set('Authorization', officeA).send({})).status).toBe(403);
    expect((await api().post(`/api/v1/escalations/${e2.id}/take-charge`).set('Authorization', officeB).send({})).status).toBe(200);
    const queueB = await api().get('/api/v1/escalations?status=in_charge').set('Authorization', officeB);
    expect(queueB.body.items.map((x: { id: string }) => x.id)).toContain(e2.id);
  });
});
