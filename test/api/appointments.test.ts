/**
 * Appointments through the API on the real stack: free slots, booking, every refusal, the race for
 * the last desks, reschedule, cancel, outcomes, office scoping, the report, the greeting's notices and
 * a booking made from a contact. The sample APIAE agenda, with its type opened around today, three
 * desks, and a closed weekday one week ahead.
 */
import request from 'supertest';
import { DateTime } from 'luxon';
import { catalogWith, startStack, Stack } from '../support/harness';
import { saveHistoryFile } from '../replay/history-file';
import { appointmentWorkflowId } from '../../workflows/appointment.contract';
import type IcalModule from 'ical.js' with { 'resolution-mode': 'import' };

// ical.js ships its CommonJS build for require(); only its types are ESM-only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL: typeof IcalModule = require('ical.js');

jest.setTimeout(120_000);
const ZONE = 'Europe/Rome';
const today = DateTime.now().setZone(ZONE).startOf('day');
// A weekday one to two weeks ahead, closed by the service calendar (as a patron day would be).
let closedDay = today.plus({ weeks: 1 });
while (closedDay.weekday > 5) closedDay = closedDay.plus({ days: 1 });
const CLOSED = closedDay.toISODate()!;

let stack: Stack;
let operator: string;
let integrator: string;
let energia: string; // office key of APIAE-ENERGIA
let amianto: string; // office key of APIAE-AMIANTO
let supervisor: string;

beforeAll(async () => {
  const catalog = catalogWith((data) => {
    const apiae = data.services.find((s) => s.code === 'APIAE')!;
    apiae.calendar.closedDates = [CLOSED];
    const types = apiae.appointments.applicationTypes;
    const energy = types.find((t: { code: string }) => t.code === 'ENERGIA-RISPARMIO');
    energy.openFrom = today.minus({ days: 30 }).toISODate();
    energy.openTo = today.plus({ days: 60 }).toISODate();
    const asbestos = types.find((t: { code: string }) => t.code === 'AMIANTO');
    asbestos.openFrom = today.plus({ days: 200 }).toISODate();
    asbestos.openTo = today.plus({ days: 300 }).toISODate();
    const pv = types.find((t: { code: string }) => t.code === 'FOTOVOLTAICO');
    pv.openFrom = today.minus({ days: 300 }).toISODate();
    pv.openTo = today.minus({ days: 200 }).toISODate();
    apiae.appointments.agendas.find((a: { office: string }) => a.office === 'APIAE-ENERGIA').desks = 3;
  });
  stack = await startStack({ catalog });
  operator = await stack.bearer('operator', undefined, 'Operatrice Rossi');
  integrator = await stack.bearer('integrator');
  energia = await stack.bearer('office', 'APIAE-ENERGIA');
  amianto = await stack.bearer('office', 'APIAE-AMIANTO');
  supervisor = await stack.bearer('supervisor');
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => request(stack.app);
const from = today.toISODate()!;
const to = today.plus({ days: 20 }).toISODate()!;

interface FreeSlot {
  office: string;
  start: string;
  end: string;
  free: number;
}
async function freeSlots(): Promise<FreeSlot[]> {
  const res = await api().get(`/api/v1/appointments/slots?service=APIAE&applicationType=ENERGIA-RISPARMIO&office=APIAE-ENERGIA&from=${from}&to=${to}`).set('Authorization', operator);
  expect(res.status).toBe(200);
  return res.body.items;
}
const citizen = (n: number, email = true) => ({ surname: 'Esempio', name: `Persona${n}`, ...(email ? { email: `persona${n}@example.org` } : {}) });
const book = (start: string, extra: Record<string, unknown> = {}, key = operator) =>
  api()
    .post('/api/v1/appointments')
    .set('Authorization', key)
    .send({ service: 'APIAE', applicationType: 'ENERGIA-RISPARMIO', office: 'APIAE-ENERGIA', start, citizen: citizen(0), ...extra });
const seatsAt = async (start: string) => Number((await stack.db('appointment_seats').where({ office: 'APIAE-ENERGIA', start_at: new Date(start) }).count({ n: '*' }))[0].n);
const rowCount = async () => Number((await stack.db('appointments').count({ n: '*' }))[0].n);

describe('free slots', () => {
  it('offers only future slots of the desk hours, none on a closed day, with the desks left', async () => {
    const slots = await freeSlots();
    expect(slots.length).toBeGreaterThan(20);
    for (const s of slots) {
      const start = DateTime.fromISO(s.start, { setZone: true });
      expect(start.toMillis()).toBeGreaterThan(Date.now());
      expect(start.toISODate()).not.toBe(CLOSED);
      expect(start.weekday).toBeLessThanOrEqual(5);
      expect(start.toFormat('HH:mm') >= '09:00' && start.toFormat('HH:mm') < '16:00').toBe(true);
      expect(DateTime.fromISO(s.end).diff(start, 'minutes').minutes).toBe(30);
      expect(s.free).toBe(3);
      // Wall-clock local time with the zone's offset of that day (DST-safe).
      expect(start.offset).toBe(start.setZone(ZONE).offset);
    }
  });

  it('refuses bad queries naming the field', async () => {
    const bad = async (query: string, field: string) => {
      const res = await api().get(`/api/v1/appointments/slots?${query}`).set('Authorization', operator);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await bad(`service=APIAE&applicationType=NOPE&from=${from}&to=${to}`, 'applicationType');
    await bad(`service=MCTC&applicationType=X&from=${from}&to=${to}`, 'service');
    await bad(`service=APIAE&applicationType=ENERGIA-RISPARMIO&from=${to}&to=${from}`, 'to');
    await bad(`service=APIAE&applicationType=ENERGIA-RISPARMIO&office=MCTC-VEICOLI&from=${from}&to=${to}`, 'office');
  });

  it('offers nothing for a type that is not open in the period', async () => {
    const res = await api().get(`/api/v1/appointments/slots?service=APIAE&applicationType=AMIANTO&from=${from}&to=${to}`).set('Authorization', operator);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

describe('booking', () => {
  it('books, emails the confirmation with an .ics that parses back, and honours the Idempotency-Key', async () => {
    const [slot] = await freeSlots();
    const res = await book(slot.start, { citizen: citizen(1) }).set('Idempotency-Key', 'booking-1');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'booked', office: 'APIAE-ENERGIA', location: 'Sportello incentivi di Trento', start: slot.start, end: slot.end });
    const again = await book(slot.start, { citizen: citizen(1) }).set('Idempotency-Key', 'booking-1');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
    expect(await seatsAt(slot.start)).toBe(1);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('persona1@example.org') && String(m.parsed.subject).includes('Conferma'));
    expect(mail.parsed.subject).toContain(res.body.id);
    expect(mail.parsed.text).toContain('Documento di identità');
    expect(mail.parsed.html).toContain('Via degli Esempi 12');
    const ics = mail.parsed.attachments.find((a) => a.filename?.endsWith('.ics'))!;
    expect(ics.contentType).toBe('text/calendar');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.content.toString('utf8'))).getFirstSubcomponent('vevent')!);
    expect(event.uid).toBe(`${res.body.id}@contact-center.example.org`);
    expect(event.startDate.toJSDate().getTime()).toBe(Date.parse(slot.start));
    expect(event.endDate.toJSDate().getTime()).toBe(Date.parse(slot.end));
    expect(event.location).toContain('Via degli Esempi 12');
    expect(event.sequence).toBe(0);

    const read = await api().get(`/api/v1/appointments/${res.body.id}`).set('Authorization', energia);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: res.body.id, status: 'booked', start: slot.start, citizen: citizen(1) });
    const history = await stack.db('history').where({ entity_type: 'appointment', entity_id: res.body.id });
    // Booked after 09:00 of the business day before (or in a weekend before), it may be reminded at once.
    expect(history.map((h) => h.action)[0]).toBe('booked');
    expect(history.map((h) => h.action).slice(1).every((a) => a === 'reminded')).toBe(true);
  });

  it('refuses every impossible booking, naming the field, and stores nothing', async () => {
    const slots = await freeSlots();
    const before = await rowCount();
    const refused = async (res: request.Response, status: number, field: string) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await refused(await book(slots[0].start, { applicationType: 'NOPE' }), 400, 'applicationType');
    await refused(await book(slots[0].start, { applicationType: 'FOTOVOLTAICO' }), 422, 'applicationType');
    // AMIANTO is booked at the other office and opens months from now.
    await refused(await book(slots[0].start, { applicationType: 'AMIANTO', office: 'APIAE-AMIANTO' }), 422, 'applicationType');
    const monday = DateTime.fromISO(slots[0].start, { setZone: true });
    await refused(await book(monday.set({ hour: 7, minute: 0 }).toISO()!), 422, 'start');
    await refused(await book(monday.set({ hour: 9, minute: 10 }).toISO()!), 422, 'start');
    await refused(await book(today.minus({ days: 7 }).set({ hour: 9 }).toISO()!), 422, 'start');
    await refused(await book(closedDay.set({ hour: 9 }).toISO()!), 422, 'start');
    await refused(await book(slots[0].start, { office: 'MCTC-VEICOLI' }), 400, 'office');
    await refused(await book(slots[0].start, { citizen: { name: 'Senza cognome' } }), 400, 'citizen.surname');
    await refused(await book(slots[0].start, { service: 'NOPE' }), 400, 'service');
    expect((await book(slots[0].start, {}, energia)).status).toBe(403);
    expect(await rowCount()).toBe(before);
  });

  it('lets exactly three of 24 parallel bookings take the three desks of a slot; the rest get 409 and leave nothing', async () => {
    const slot = (await freeSlots()).find((s) => s.free === 3)!;
    const before = await rowCount();
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => book(slot.start, { citizen: citizen(100 + i, false) }, i % 2 ? operator : integrator)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(21);
    for (const r of results.filter((x) => x.status === 409)) expect(r.headers['content-type']).toContain('application/problem+json');
    expect(await seatsAt(slot.start)).toBe(3);
    expect(await rowCount()).toBe(before + 3);
    const desks = await stack.db('appointment_seats').where({ office: 'APIAE-ENERGIA', start_at: new Date(slot.start) }).orderBy('desk_no').pluck('desk_no');
    expect(desks).toEqual([1, 2, 3]);
    expect((await freeSlots()).some((s) => s.start === slot.start)).toBe(false);
  });
});

describe('changes and outcomes', () => {
  it('reschedules atomically, refuses a full slot, cancels once, and only the own office records the outcome', async () => {
    const slots = (await freeSlots()).filter((s) => s.free === 3);
    const booked = await book(slots[0].start, { citizen: citizen(2) });
    expect(booked.status).toBe(201);
    const id = booked.body.id;

    // The target slot filled by others: the move is refused and nothing moves.
    for (let i = 0; i < 3; i++) expect((await book(slots[1].start, { citizen: citizen(200 + i, false) })).status).toBe(201);
    const full = await api().post(`/api/v1/appointments/${id}/reschedule`).set('Authorization', operator).send({ start: slots[1].start });
    expect(full.status).toBe(409);
    expect(await seatsAt(slots[0].start)).toBe(1);
    expect(await seatsAt(slots[1].start)).toBe(3);

    const badMove = await api().post(`/api/v1/appointments/${id}/reschedule`).set('Authorization', operator).send({ start: closedDay.set({ hour: 9 }).toISO() });
    expect(badMove.status).toBe(422);
    expect(badMove.body.errors[0].field).toBe('start');
    expect((await api().post(`/api/v1/appointments/${id}/reschedule`).set('Authorization', amianto).send({ start: slots[2].start })).status).toBe(403);

    const moved = await api().post(`/api/v1/appointments/${id}/reschedule`).set('Authorization', energia).send({ start: slots[2].start });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'rescheduled', start: slots[2].start, reschedules: 1 });
    expect(await seatsAt(slots[0].start)).toBe(0);
    expect(await seatsAt(slots[2].start)).toBe(1);
    const notice = await stack.smtp.waitFor((m) => m.envelope.to.includes('persona2@example.org') && String(m.parsed.subject).includes('Nuovo orario'));
    const ics = notice.parsed.attachments.find((a) => a.filename?.endsWith('.ics'))!;
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.content.toString('utf8'))).getFirstSubcomponent('vevent')!);
    expect(event.startDate.toJSDate().getTime()).toBe(Date.parse(slots[2].start));
    expect(event.sequence).toBe(1);

    expect((await api().post(`/api/v1/appointments/${id}/cancel`).set('Authorization', amianto).send({ reason: 'x' })).status).toBe(403);
    const cancelled = await api().post(`/api/v1/appointments/${id}/cancel`).set('Authorization', integrator).send({ reason: 'Il cittadino non può venire' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await seatsAt(slots[2].start)).toBe(0);
    await stack.smtp.waitFor((m) => m.envelope.to.includes('persona2@example.org') && String(m.parsed.subject).includes('annullato'));
    expect((await api().post(`/api/v1/appointments/${id}/cancel`).set('Authorization', operator).send({ reason: 'ancora' })).status).toBe(409);
    expect((await api().post(`/api/v1/appointments/${id}/outcome`).set('Authorization', energia).send({ outcome: 'attended' })).status).toBe(409);

    const other = await book(slots[3].start, { citizen: citizen(3, false) });
    const otherId = other.body.id;
    expect((await api().post(`/api/v1/appointments/${otherId}/outcome`).set('Authorization', amianto).send({ outcome: 'attended' })).status).toBe(403);
    expect((await api().post(`/api/v1/appointments/${otherId}/outcome`).set('Authorization', operator).send({ outcome: 'attended' })).status).toBe(403);
    const badOutcome = await api().post(`/api/v1/appointments/${otherId}/outcome`).set('Authorization', energia).send({ outcome: 'maybe' });
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.errors[0].field).toBe('outcome');
    const outcome = await api().post(`/api/v1/appointments/${otherId}/outcome`).set('Authorization', energia).send({ outcome: 'no_show', note: 'Nessuno si è presentato' });
    expect(outcome.status).toBe(200);
    expect(outcome.body.status).toBe('no_show');
    // A no-show keeps its desk: it frees nothing retroactively.
    expect(await seatsAt(slots[3].start)).toBe(1);
    expect(await stack.client.workflow.getHandle(appointmentWorkflowId(otherId)).result()).toEqual({ status: 'no_show' });
    expect(await stack.client.workflow.getHandle(appointmentWorkflowId(id)).result()).toEqual({ status: 'cancelled' });
    // Set RECORD_REPLAY_HISTORIES=1 to refresh the histories replayed by test/replay.
    if (process.env.RECORD_REPLAY_HISTORIES) {
      await saveHistoryFile(stack.client, appointmentWorkflowId(id), 'appointment-rescheduled-cancelled.json');
      await saveHistoryFile(stack.client, appointmentWorkflowId(otherId), 'appointment-no-show.json');
    }

    // Office scoping of the lists.
    const own = await api().get('/api/v1/appointments').set('Authorization', energia);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((a: { office: string }) => a.office === 'APIAE-ENERGIA')).toBe(true);
    expect((await api().get('/api/v1/appointments?office=APIAE-ENERGIA').set('Authorization', amianto)).status).toBe(403);
    expect((await api().get(`/api/v1/appointments/${otherId}`).set('Authorization', amianto)).status).toBe(403);
    expect((await api().get('/api/v1/appointments').set('Authorization', amianto)).body.items).toEqual([]);
    const day = DateTime.fromISO(slots[3].start, { setZone: true }).toISODate();
    const ofDay = await api().get(`/api/v1/appointments?date=${day}&status=no_show`).set('Authorization', supervisor);
    expect(ofDay.body.items.map((a: { id: string }) => a.id)).toEqual([otherId]);

    // The monthly report counts what happened, by office.
    const month = DateTime.fromISO(slots[3].start, { setZone: true }).toFormat('yyyy-MM');
    const report = await api().get(`/api/v1/reports/appointments?month=${month}&office=APIAE-ENERGIA`).set('Authorization', supervisor);
    expect(report.status).toBe(200);
    const row = report.body.items[0];
    expect(row.office).toBe('APIAE-ENERGIA');
    expect(row.noShow).toBe(1);
    expect(row.cancelled).toBeGreaterThanOrEqual(1);
    expect(row.offered).toBeGreaterThan(row.booked);
    expect(row.leadTimeAvgHours).toBeGreaterThan(0);
    expect((await api().get(`/api/v1/reports/appointments?month=${month}&office=APIAE-ENERGIA`).set('Authorization', amianto)).status).toBe(403);
    expect((await api().get('/api/v1/reports/appointments?month=2026-13').set('Authorization', supervisor)).status).toBe(400);
  });
});

describe('IVR and contacts', () => {
  it('announces the application types open now in the greeting', async () => {
    const res = await api().get('/api/v1/services/APIAE/greeting').set('Authorization', operator);
    expect(res.status).toBe(200);
    expect(res.body.notices.map((n: { applicationType: string }) => n.applicationType)).toEqual(['ENERGIA-RISPARMIO']);
    expect(res.body.notices[0].text).toContain('risparmio energetico');
    expect((await api().get('/api/v1/services/MCTC/greeting').set('Authorization', operator)).body.notices).toEqual([]);
  });

  it('turns a contact of the appointment line into a booking and closes the contact with its reference', async () => {
    const contact = await api()
      .post('/api/v1/contacts')
      .set('Authorization', integrator)
      .send({ service: 'APIAE', channel: 'phone', ivrCode: '2', caller: { phone: '0461 000000' }, reason: 'Vuole consegnare la domanda' });
    expect(contact.status).toBe(201);
    expect(contact.body.status).toBe('triage');
    const slot = (await freeSlots()).find((s) => s.free === 3)!;
    const res = await book(slot.start, { contactId: contact.body.id, citizen: citizen(4, false) });
    expect(res.status).toBe(201);
    expect(res.body.contactId).toBe(contact.body.id);
    const closed = await api().get(`/api/v1/contacts/${contact.body.id}`).set('Authorization', operator);
    expect(closed.body.status).toBe('resolved');
    expect(closed.body.answer).toContain(res.body.id);
    // A closed contact cannot be booked twice.
    expect((await book(slot.start, { contactId: contact.body.id, citizen: citizen(5, false) })).status).toBe(409);
    expect((await book(slot.start, { contactId: 'CON-0000-000000' })).status).toBe(400);
  });
});
