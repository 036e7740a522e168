/**
 * Voicemails and missed-call callbacks on the time-skipping server with real activities:
 * a Friday-evening voicemail enters the queue on Monday at 08:00, one left before a holiday on the
 * day after it; a form nobody handles gets a reminder to the office, then a notice to the supervisor.
 */
import { DateTime } from 'luxon';
import { catalogWith, startTimeSkippingStack, TimeSkippingStack } from '../support/harness';
import { contactWorkflow } from '../../workflows/contact';
import { ContactInput, missedCallUpdate, registerContactUpdate, workflowId } from '../../workflows/definitions';
import type { Service } from '../../domain/catalog';

jest.setTimeout(120_000);
const ZONE = 'Europe/Rome';
// A Friday two weeks ahead; the Monday of the week after it is closed (a holiday for this test).
const friday = DateTime.now().setZone(ZONE).plus({ weeks: 2 }).startOf('week').plus({ days: 4 });
const closedMonday = friday.plus({ days: 10 });

let stack: TimeSkippingStack;
let adl: Service;
beforeAll(async () => {
  const catalog = catalogWith((data) => {
    const s = data.services.find((x) => x.code === 'ADL')!;
    s.calendar.closedDates = [closedMonday.toFormat('yyyy-MM-dd')];
    s.sla = { ...s.sla, callback: 'PT4H', reminderLead: 'PT1H' };
  });
  adl = catalog.service('ADL')!;
  stack = await startTimeSkippingStack({ catalog });
});
afterAll(async () => {
  await stack?.stop();
});

const skipTo = async (t: DateTime) => stack.env.sleep(t.toMillis() - (await stack.env.currentTimeMs()));
const rome = (d: Date | string) => DateTime.fromJSDate(new Date(d)).setZone(ZONE).toFormat('ccc yyyy-MM-dd HH:mm');
let n = 0;
async function start(channel: ContactInput['channel']) {
  const id = `CON-VM-${++n}`;
  const handle = await stack.client.workflow.start(contactWorkflow, {
    workflowId: workflowId.contact(id),
    taskQueue: stack.taskQueue,
    args: [{ id, service: adl.code, catalogVersion: stack.catalog.version, channel, origin: channel === 'voicemail' ? 'voicemail' : 'direct', caller: { surname: 'Neri', name: 'Carla', phone: '0461 222333' }, reason: 'Messaggio in segreteria', actor: { name: 'centralino', role: 'integrator' } }],
  });
  return { id, view: await handle.executeUpdate(registerContactUpdate, { args: [{}] }), handle };
}
const statusOf = async (id: string) => (await stack.db('contacts').where({ id }).first()).status;

it('releases a Friday-evening voicemail into the triage queue on Monday at 08:00', async () => {
  await skipTo(friday.set({ hour: 19, minute: 30 }));
  const { id, view } = await start('voicemail');
  expect(view.status).toBe('waiting');
  expect(rome(view.queuedAt)).toBe(`Mon ${friday.plus({ days: 3 }).toFormat('yyyy-MM-dd')} 08:00`);
  await skipTo(friday.plus({ days: 3 }).set({ hour: 7, minute: 59 }));
  await new Promise((r) => setTimeout(r, 300));
  expect(await statusOf(id)).toBe('waiting');
  await skipTo(friday.plus({ days: 3 }).set({ hour: 8, minute: 0, second: 5 }));
  for (let i = 0; i < 50 && (await statusOf(id)) !== 'triage'; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await statusOf(id)).toBe('triage');
  const queued = await stack.db('history').where({ entity_type: 'contact', entity_id: id, action: 'queued' }).first();
  expect(rome(queued.at)).toBe(`Mon ${friday.plus({ days: 3 }).toFormat('yyyy-MM-dd')} 08:00`);
});

it('holds a voicemail left before a holiday until the next business day', async () => {
  await skipTo(friday.plus({ days: 7 }).set({ hour: 18 })); // the Friday before the closed Monday
  const { view } = await start('voicemail');
  expect(rome(view.queuedAt)).toBe(`Tue ${closedMonday.plus({ days: 1 }).toFormat('yyyy-MM-dd')} 08:00`);
});

it('lets a voicemail left inside the window enter at once', async () => {
  await skipTo(closedMonday.plus({ days: 1 }).set({ hour: 10 }));
  const { view } = await start('voicemail');
  expect(view.status).toBe('triage');
  expect(view.queuedAt).toBe(view.createdAt);
});

it('reminds the office before the callback is due and tells the supervisor when it is overdue', async () => {
  const wednesday = closedMonday.plus({ days: 2 });
  await skipTo(wednesday.set({ hour: 14 }));
  const { id, handle } = await start('phone');
  const form = await handle.executeUpdate(missedCallUpdate, {
    args: [{ office: 'ADL-RINNOVI', callerSurname: 'Neri', callerName: 'Carla', callAt: wednesday.set({ hour: 14 }).toMillis(), personSought: 'Ufficio rinnovi', reason: 'Iscrizione banca dati', callbackPhone: '0461 222333', actor: { name: 'op', role: 'operator' } }],
  });
  // 14:00 + 4 business hours: 3 h on Wednesday, 1 h on Thursday: Thursday 09:00. One business hour
  // before it is Wednesday's closing, i.e. Thursday's opening (the form opened a moment after 14:00).
  expect(rome(form.dueAt)).toBe(`Thu ${wednesday.plus({ days: 1 }).toFormat('yyyy-MM-dd')} 09:00`);
  const office = adl.offices.find((o) => o.code === 'ADL-RINNOVI')!;
  await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('Mancata risposta') && m.parsed.text!.includes(id));

  await skipTo(wednesday.set({ hour: 16, minute: 59 }));
  await new Promise((r) => setTimeout(r, 300));
  expect(stack.smtp.messages.some((m) => String(m.parsed.subject).includes('richiamo in scadenza') && m.parsed.text!.includes(id))).toBe(false);
  await skipTo(wednesday.plus({ days: 1 }).set({ hour: 8, minute: 0, second: 30 }));
  const reminder = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('richiamo in scadenza') && m.parsed.text!.includes(id));
  expect(reminder.envelope.to).toEqual([office.mailbox]);

  await skipTo(wednesday.plus({ days: 1 }).set({ hour: 9, minute: 0, second: 30 }));
  const overdue = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('Richiamo non effettuato') && m.parsed.text!.includes(id));
  expect(overdue.envelope.to).toEqual([adl.mailboxes.supervisor]);
  const row = await stack.db('missed_calls').where({ id: form.id }).first();
  expect(row).toMatchObject({ status: 'open', breached: true });
});
