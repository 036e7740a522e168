/**
 * Appointment reminders on Temporal's time-skipping server, with the real API, activities,
 * PostgreSQL and SMTP: the business day before at 09:00 across a weekend and a closed Monday, a
 * reschedule that plans the reminder again, a cancel that drops it, and the offices' daily list.
 */
import request from 'supertest';
import { DateTime } from 'luxon';
import { catalogWith, startTimeSkippingStack, TimeSkippingStack } from '../support/harness';
import { appointmentDailyListWorkflow } from '../../workflows/appointment-daily-list';
import { appointmentDailyListWorkflowId, appointmentWorkflowId } from '../../workflows/appointment.contract';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(180_000);
const ZONE = 'Europe/Rome';
// Week 1 starts at least a week ahead of the real clock; the Monday of week 3 is closed.
const w1 = DateTime.now().setZone(ZONE).plus({ weeks: 1 }).startOf('week');
const w2 = w1.plus({ weeks: 1 });
const w3 = w1.plus({ weeks: 2 });
const at = (day: DateTime, hour: number, minute = 0, second = 0) => day.set({ hour, minute, second, millisecond: 0 });

let stack: TimeSkippingStack;
let operator: string;

beforeAll(async () => {
  const catalog = catalogWith((data) => {
    const apiae = data.services.find((s) => s.code === 'APIAE')!;
    apiae.calendar.closedDates = [w3.toISODate()];
    const energy = apiae.appointments.applicationTypes.find((t: { code: string }) => t.code === 'ENERGIA-RISPARMIO');
    energy.openFrom = w1.minus({ weeks: 4 }).toISODate();
    energy.openTo = w3.plus({ weeks: 4 }).toISODate();
  });
  stack = await startTimeSkippingStack({ catalog });
  operator = await stack.bearer('operator');
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => request(stack.app);
const skipTo = async (t: DateTime) => stack.env.sleep(t.toMillis() - (await stack.env.currentTimeMs()));
const settle = () => new Promise((r) => setTimeout(r, 500));
const mailsTo = (to: string, subject: string) => stack.smtp.messages.filter((m) => m.envelope.to.includes(to) && String(m.parsed.subject).includes(subject));
const statusOf = async (id: string) => (await stack.db('appointments').where({ id }).first()).status;

async function book(start: DateTime, email: string) {
  const res = await api()
    .post('/api/v1/appointments')
    .set('Authorization', operator)
    .send({ service: 'APIAE', applicationType: 'ENERGIA-RISPARMIO', office: 'APIAE-ENERGIA', start: start.toISO(), citizen: { surname: 'Esempio', name: 'Prova', email } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

it('reminds the business day before at 09:00 across a weekend and a holiday, re-plans after a reschedule, and never after a cancel', async () => {
  await skipTo(at(w1.plus({ days: 2 }), 12)); // Wednesday of week 1
  const monday = await book(at(w2, 10), 'lunedi@example.org');
  const afterHoliday = await book(at(w3.plus({ days: 1 }), 10), 'martedi@example.org');
  const moved = await book(at(w2.plus({ days: 3 }), 10), 'spostato@example.org');
  const cancelled = await book(at(w2.plus({ days: 4 }), 10), 'annullato@example.org');
  const reschedule = await api().post(`/api/v1/appointments/${moved}/reschedule`).set('Authorization', operator).send({ start: at(w3.plus({ days: 2 }), 10).toISO() });
  expect(reschedule.status).toBe(200);
  expect((await api().post(`/api/v1/appointments/${cancelled}/cancel`).set('Authorization', operator).send({ reason: 'Rinuncia' })).status).toBe(200);
  await stack.smtp.waitFor((m) => m.envelope.to.includes('annullato@example.org') && String(m.parsed.subject).includes('annullato'));

  // Monday's appointment: Friday 09:00, not a minute earlier.
  await skipTo(at(w1.plus({ days: 4 }), 8, 59));
  await settle();
  expect(mailsTo('lunedi@example.org', 'Promemoria')).toHaveLength(0);
  await skipTo(at(w1.plus({ days: 4 }), 9, 0, 30));
  const reminder = await stack.smtp.waitFor((m) => m.envelope.to.includes('lunedi@example.org') && String(m.parsed.subject).includes('Promemoria'));
  expect(reminder.parsed.subject).toContain(monday);
  expect(reminder.parsed.text).toContain('lunedì');
  expect(reminder.parsed.text).toContain('10:00');
  expect(reminder.parsed.attachments.some((a) => a.filename?.endsWith('.ics'))).toBe(true);
  expect(await statusOf(monday)).toBe('reminded');
  // Booked on Friday after 09:00 for Monday: the business day before is today, so reminded at once.
  const late = await book(at(w2, 11), 'tardi@example.org');
  await stack.smtp.waitFor((m) => m.envelope.to.includes('tardi@example.org') && String(m.parsed.subject).includes('Promemoria'));
  expect(await statusOf(late)).toBe('reminded');

  // The moved appointment is not reminded for its old Thursday, the cancelled one not at all.
  await skipTo(at(w2.plus({ days: 3 }), 9, 30));
  await settle();
  expect(mailsTo('spostato@example.org', 'Promemoria')).toHaveLength(0);
  expect(mailsTo('annullato@example.org', 'Promemoria')).toHaveLength(0);

  // Tuesday after a closed Monday: reminded on the Friday before the weekend.
  await skipTo(at(w2.plus({ days: 4 }), 8, 59));
  await settle();
  expect(mailsTo('martedi@example.org', 'Promemoria')).toHaveLength(0);
  await skipTo(at(w2.plus({ days: 4 }), 9, 0, 30));
  await stack.smtp.waitFor((m) => m.envelope.to.includes('martedi@example.org') && String(m.parsed.subject).includes('Promemoria'));
  expect(await statusOf(afterHoliday)).toBe('reminded');

  // The new Wednesday: reminded on Tuesday (week 3's Monday is closed but Tuesday is open).
  await skipTo(at(w3.plus({ days: 1 }), 9, 0, 30));
  const movedReminder = await stack.smtp.waitFor((m) => m.envelope.to.includes('spostato@example.org') && String(m.parsed.subject).includes('Promemoria'));
  expect(movedReminder.parsed.text).toContain('mercoledì');
  expect(await statusOf(moved)).toBe('reminded');
  // The office records the outcome of the moved appointment: its lifecycle ends there.
  const office = await stack.bearer('office', 'APIAE-ENERGIA');
  const outcome = await api().post(`/api/v1/appointments/${moved}/outcome`).set('Authorization', office).send({ outcome: 'attended' });
  expect([outcome.status, outcome.body.detail]).toEqual([200, undefined]);
  // Polled, not awaited: awaiting a result lets the test server skip time ahead.
  const movedHandle = stack.client.workflow.getHandle(appointmentWorkflowId(moved));
  for (let i = 0; i < 100 && (await movedHandle.describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await movedHandle.describe()).status.name).toBe('COMPLETED');
  expect(await statusOf(moved)).toBe('attended');
  // Booked on the appointment's own day: the confirmation only.
  await book(at(w3.plus({ days: 1 }), 11), 'stessogiorno@example.org');
  await stack.smtp.waitFor((m) => m.envelope.to.includes('stessogiorno@example.org') && String(m.parsed.subject).includes('Conferma'));
  await settle();
  expect(mailsTo('stessogiorno@example.org', 'Promemoria')).toHaveLength(0);
  expect(mailsTo('annullato@example.org', 'Promemoria')).toHaveLength(0);
  expect(mailsTo('lunedi@example.org', 'Promemoria')).toHaveLength(1);
  expect(await statusOf(cancelled)).toBe('cancelled');

  // The offices' list of the Tuesday: once per office and day, and none for the closed Monday.
  // Waited for by polling: awaiting a result would let the test server skip time ahead.
  const run = async (suffix: string) => {
    const handle = await stack.client.workflow.start(appointmentDailyListWorkflow, { workflowId: `${appointmentDailyListWorkflowId('APIAE')}-${suffix}`, taskQueue: stack.taskQueue, args: [{ service: 'APIAE', catalogVersion: stack.catalog.version }] });
    for (let i = 0; i < 100 && (await handle.describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    return handle;
  };
  const first = await run('a');
  await run('b');
  await settle();
  const lists = mailsTo('apiae.energia@example.org', 'Appuntamenti di');
  expect(lists).toHaveLength(1);
  expect(lists[0].parsed.text).toContain(afterHoliday);
  expect(lists[0].parsed.text).not.toContain(moved);
  expect(await first.result()).toEqual({ day: w3.plus({ days: 1 }).toISODate(), offices: ['APIAE-ENERGIA'] });
  // Set RECORD_REPLAY_HISTORIES=1 to refresh the histories (booked, rescheduled, reminded, attended; a daily list) replayed by test/replay.
  if (process.env.RECORD_REPLAY_HISTORIES) {
    await saveHistoryFile(stack.client, appointmentWorkflowId(moved), 'appointment-rescheduled-reminded.json');
    await saveHistoryFile(stack.client, first.workflowId, 'appointment-daily-list.json');
  }
});
