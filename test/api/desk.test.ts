import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { businessCalendar } from '../../domain/business-calendar';

let stack: Stack;
let operator: string;
let supervisor: string;
let uru: string;
let officeVeicoli: string;

beforeAll(async () => {
  stack = await startStack();
  operator = await stack.bearer('operator', undefined, 'Operatrice Desk');
  supervisor = await stack.bearer('supervisor', undefined, 'Supervisora Desk');
  uru = await stack.bearer('uru', undefined, 'URU Desk');
  officeVeicoli = await stack.bearer('office', 'MCTC-VEICOLI', 'Ufficio veicoli');
});
afterAll(async () => {
  await stack.stop();
});

const api = () => request(stack.app);

async function openContact(surname: string, reason: string, service = 'MCTC') {
  const res = await api()
    .post('/api/v1/contacts')
    .set('Authorization', operator)
    .send({ service, channel: 'phone', caller: { surname, name: 'Anna', phone: '+39 0461 000000' }, reason });
  expect(res.status).toBe(201);
  return res.body as { id: string; status: string };
}

describe('GET /contacts filters', () => {
  it('accepts every status a contact can have, callback included, and lists the contact waiting for a callback', async () => {
    const c = await openContact('Callback', 'Cercava il dottor Neri');
    const form = await api()
      .post(`/api/v1/contacts/${c.id}/missed-call`)
      .set('Authorization', operator)
      .send({ personSought: 'Dott. Neri', reason: 'Informazioni sulla pratica', office: 'MCTC-VEICOLI', callbackPhone: '+39 0461 000000' });
    expect(form.status).toBe(201);
    const res = await api().get('/api/v1/contacts?status=callback').set('Authorization', operator);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toContain(c.id);
    for (const status of ['waiting', 'triage', 'escalated', 'callback', 'resolved']) {
      expect((await api().get(`/api/v1/contacts?status=${status}`).set('Authorization', operator)).status).toBe(200);
    }
    const bad = await api().get('/api/v1/contacts?status=lost').set('Authorization', operator);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('status');
  });

  it('pages with a total and honours q (reference, name, request text) instead of ignoring it', async () => {
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await openContact(`Paginato${i}`, `Richiesta numero ${i} sul bollo auto`));
    const page = await api().get('/api/v1/contacts?status=triage&q=bollo%20auto&limit=3&offset=3').set('Authorization', operator);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 7, limit: 3, offset: 3 });
    expect(page.body.items).toHaveLength(3);
    expect(page.body.items.map((i: { id: string }) => i.id)).toEqual(made.slice(3, 6).map((c) => c.id));

    const byName = await api().get('/api/v1/contacts?q=paginato4').set('Authorization', operator);
    expect(byName.body.items.map((i: { id: string }) => i.id)).toEqual([made[4].id]);
    const byRef = await api().get(`/api/v1/contacts?q=${made[2].id}`).set('Authorization', operator);
    expect(byRef.body.items.map((i: { id: string }) => i.id)).toEqual([made[2].id]);
    // A % in the text is a literal character, not a wildcard.
    expect((await api().get('/api/v1/contacts?q=%25').set('Authorization', operator)).body.total).toBe(0);
    const tooOld = await api().get('/api/v1/contacts?q=bollo&olderThanHours=48').set('Authorization', operator);
    expect(tooOld.body.total).toBe(0);
    const bad = await api().get('/api/v1/contacts?olderThanHours=-1').set('Authorization', operator);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('olderThanHours');
  });
});

describe('remaining time in business time on the lists', () => {
  it('gives each open escalation and missed-call form its remaining business time, and filters them by text and service', async () => {
    const c = await openContact('Scadenza', 'Targa smarrita da verificare');
    const esc = await api().post(`/api/v1/contacts/${c.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' });
    expect(esc.status).toBe(201);
    const before = Date.now();
    const res = await api().get('/api/v1/escalations?q=targa%20smarrita&service=MCTC').set('Authorization', officeVeicoli);
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    const item = res.body.items[0];
    expect(item.id).toBe(esc.body.id);
    const cal = businessCalendar(stack.catalog.service('MCTC')!.calendar);
    const due = Date.parse(item.takeChargeDueAt);
    const expectedMax = Math.floor(cal.businessTimeBetween(before, due) / 60_000);
    const expectedMin = Math.floor(cal.businessTimeBetween(after, due) / 60_000);
    expect(item.remaining.basis).toBe('business');
    expect(item.remaining.dueAt).toBe(new Date(due).toISOString());
    expect(item.remaining.businessMinutes).toBeGreaterThanOrEqual(expectedMin);
    expect(item.remaining.businessMinutes).toBeLessThanOrEqual(expectedMax);
    // Take charge is PT4H of business time: never a day or more, whatever the weekday.
    expect(item.remaining.days).toBe(0);
    expect(item.remaining.hours * 60 + item.remaining.minutes).toBe(item.remaining.businessMinutes);
    expect((await api().get('/api/v1/escalations?q=targa%20smarrita&service=APIAE').set('Authorization', supervisor)).body.total).toBe(0);

    const m = await openContact('Richiamo', 'Richiamare per la revisione');
    await api().post(`/api/v1/contacts/${m.id}/missed-call`).set('Authorization', operator).send({ personSought: 'Sig. Blu', reason: 'Revisione straordinaria', office: 'MCTC-VEICOLI', callbackPhone: '+39 0461 111111' });
    const forms = await api().get('/api/v1/missed-calls?q=revisione%20straordinaria&breached=false').set('Authorization', operator);
    expect(forms.status).toBe(200);
    expect(forms.body.total).toBe(1);
    expect(forms.body.items[0].remaining).toMatchObject({ basis: 'business', overdue: false });
    expect((await api().get('/api/v1/missed-calls?q=revisione%20straordinaria&breached=true').set('Authorization', operator)).body.total).toBe(0);
  });
});

describe('complaints registered by hand and their list filters', () => {
  it('lets URU register a complaint that arrived by letter or at the desk, and finds it by text', async () => {
    for (const channel of ['letter', 'in_person']) {
      const res = await api()
        .post('/api/v1/complaints')
        .set('Authorization', uru)
        .send({ kind: 'complaint', requester: { surname: 'Lettera', name: 'Luca', email: 'luca.lettera@example.org' }, subject: `Reclamo via ${channel}`, body: 'Sportello chiuso in orario di apertura.', channel, service: 'MCTC' });
      expect(res.status).toBe(201);
    }
    const list = await api().get('/api/v1/complaints?q=lettera').set('Authorization', uru);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.map((c: { channel: string }) => c.channel).sort()).toEqual(['in_person', 'letter']);
    expect(list.body.items[0].remaining).toMatchObject({ basis: 'calendar', overdue: false, days: 29 });
  });
});

describe('GET /overview', () => {
  it('gives the supervisor all open work by office with ages and breaches; other roles get 403', async () => {
    const res = await api().get('/api/v1/overview').set('Authorization', supervisor);
    expect(res.status).toBe(200);
    const veicoli = res.body.offices.find((o: { office: string }) => o.office === 'MCTC-VEICOLI');
    expect(veicoli).toMatchObject({ service: 'MCTC', officeName: 'Ufficio veicoli e immatricolazioni' });
    expect(veicoli.escalations.open).toBeGreaterThanOrEqual(1);
    expect(veicoli.missedCalls.open).toBeGreaterThanOrEqual(2);
    expect(typeof veicoli.escalations.breached).toBe('number');
    expect(veicoli.oldestAt).toBeTruthy();
    expect(res.body.totals.escalations.open).toBeGreaterThanOrEqual(1);
    expect(res.body.items.some((i: { kind: string; office: string; ageMinutes: number }) => i.kind === 'escalation' && i.office === 'MCTC-VEICOLI' && i.ageMinutes >= 0)).toBe(true);
    const filtered = await api().get('/api/v1/overview?office=MCTC-PATENTI').set('Authorization', supervisor);
    expect(filtered.body.items.every((i: { office: string }) => i.office === 'MCTC-PATENTI')).toBe(true);

    expect((await api().get('/api/v1/overview').set('Authorization', officeVeicoli)).status).toBe(403);
    expect((await api().get('/api/v1/overview').set('Authorization', operator)).status).toBe(403);
    expect((await api().get('/api/v1/overview')).status).toBe(401);
    const bad = await api().get('/api/v1/overview?breached=maybe').set('Authorization', supervisor);
    expect(bad.status).toBe(400);
  });
});

describe('the SLA report says how many answered calls have a linked contact', () => {
  it('gives linkedContacts per service and in the totals, keeping firstLevelResolvedPct as contracted', async () => {
    const integrator = await stack.bearer('integrator');
    const callId = `desk-call-${Date.now()}`;
    const posted = await api()
      .post('/api/v1/calls')
      .set('Authorization', integrator)
      .send([{ callId, service: 'MCTC', registeredAt: '2026-11-10T10:00:00+01:00', answeredAt: '2026-11-10T10:00:12+01:00', endedAt: '2026-11-10T10:04:00+01:00' }]);
    expect(posted.status).toBeLessThan(300);
    const before = await api().get('/api/v1/reports/sla?month=2026-11&service=MCTC').set('Authorization', supervisor);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ linkedContacts: 0, firstLevelResolvedPct: 0, calls: { answered: 1 } });

    const linked = await api().post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'phone', callId, caller: {}, reason: 'Orari della motorizzazione' });
    expect(linked.status).toBe(201);
    const after = await api().get('/api/v1/reports/sla?month=2026-11&service=MCTC').set('Authorization', supervisor);
    expect(after.body.linkedContacts).toBe(1);
    const all = await api().get('/api/v1/reports/sla?month=2026-11').set('Authorization', supervisor);
    expect(all.body.totals.linkedContacts).toBe(1);
    expect(all.body.services.find((s: { service: string }) => s.service === 'MCTC').linkedContacts).toBe(1);
  });
});

describe('a contact an office sent back', () => {
  it('carries the office, the return reason and its time on the triage list, and every step in its history', async () => {
    const c = await openContact('Restituito', 'Domanda sul foglio rosa');
    const esc = await api().post(`/api/v1/contacts/${c.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' });
    expect(esc.status).toBe(201);
    const back = await api().post(`/api/v1/escalations/${esc.body.id}/return`).set('Authorization', officeVeicoli).send({ reason: 'Di competenza dell’ufficio patenti' });
    expect(back.status).toBe(200);
    // The contact hears of the return from its escalation (a child workflow) a moment later.
    let list = await api().get(`/api/v1/contacts?status=triage&q=${c.id}`).set('Authorization', operator);
    for (let i = 0; i < 50 && list.body.items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      list = await api().get(`/api/v1/contacts?status=triage&q=${c.id}`).set('Authorization', operator);
    }
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].returned).toMatchObject({ escalationId: esc.body.id, office: 'MCTC-VEICOLI', reason: 'Di competenza dell’ufficio patenti' });
    const detail = await api().get(`/api/v1/contacts/${c.id}`).set('Authorization', operator);
    expect(detail.body.history.map((s: { action: string }) => s.action)).toEqual(['registered', 'escalated', 'returned-to-triage']);
    expect(detail.body.history[2].actor).toMatchObject({ role: 'office', office: 'MCTC-VEICOLI' });
  });
});
