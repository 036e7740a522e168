/**
 * Escalation deadlines on Temporal's time-skipping server, with real activities (PostgreSQL, SMTP).
 * The sample MCTC calendar (Mon-Fri 08:00-17:00 Europe/Rome) with one extra closed Monday.
 */
import { DateTime } from 'luxon';
import { catalogWith, startTimeSkippingStack, TimeSkippingStack } from '../support/harness';
import { contactWorkflow } from '../../workflows/contact';
import {
  ContactInput,
  escalateContactUpdate,
  reassignEscalationUpdate,
  registerContactUpdate,
  returnEscalationUpdate,
  takeChargeUpdate,
  workflowId,
} from '../../workflows/definitions';
import type { Service } from '../../domain/catalog';
import { untilChildStarted } from '../../api/child-lifecycles';

jest.setTimeout(120_000);
const ZONE = 'Europe/Rome';

// A Friday at least a week ahead of the real clock, and the Monday after it closed for a holiday.
const friday = DateTime.now().setZone(ZONE).plus({ weeks: 1 }).startOf('week').plus({ days: 4 }).set({ hour: 16 });
const closedMonday = friday.plus({ days: 3 }).toFormat('yyyy-MM-dd');
const tuesday = friday.plus({ days: 4 }).startOf('day');

let stack: TimeSkippingStack;
let mctc: Service;
const operator = { name: 'Operatore', role: 'operator' };
const officeA = { name: 'Ufficio veicoli', role: 'office', office: 'MCTC-VEICOLI' };

beforeAll(async () => {
  const catalog = catalogWith((data) => {
    const s = data.services.find((x) => x.code === 'MCTC')!;
    s.calendar.closedDates = [closedMonday];
    s.sla = { ...s.sla, takeCharge: 'PT4H', resolve: 'P1D', reminderLead: 'PT1H' };
  });
  mctc = catalog.service('MCTC')!;
  stack = await startTimeSkippingStack({ catalog });
  await stack.env.sleep(friday.toMillis() - (await stack.env.currentTimeMs()));
});
afterAll(async () => {
  await stack?.stop();
});

let counter = 0;
async function openAndEscalate(office = 'MCTC-VEICOLI') {
  const id = `CON-TS-${++counter}`;
  const input: ContactInput = { id, service: 'MCTC', catalogVersion: stack.catalog.version, channel: 'email', origin: 'direct', caller: { email: `citizen${counter}@example.org` }, reason: 'Targa smarrita', actor: operator };
  const handle = await stack.client.workflow.start(contactWorkflow, { workflowId: workflowId.contact(id), taskQueue: stack.taskQueue, args: [input] });
  await handle.executeUpdate(registerContactUpdate, { args: [{}] });
  const escalation = await handle.executeUpdate(escalateContactUpdate, { args: [{ office, actor: operator }] });
  // The update answers as the child's start is asked for: the server may not know the child for a moment.
  const escalationHandle = stack.client.workflow.getHandle(workflowId.escalation(escalation.id));
  await untilChildStarted(() => escalationHandle.describe());
  return { contact: handle, escalation, escalationHandle };
}

const rome = (iso: string | Date) => DateTime.fromJSDate(typeof iso === 'string' ? new Date(iso) : iso).setZone(ZONE).toFormat("ccc yyyy-MM-dd HH:mm");
const historyOf = (id: string) => stack.db('history').where({ entity_type: 'escalation', entity_id: id }).orderBy('seq');
const skipTo = async (t: DateTime) => stack.env.sleep(t.toMillis() - (await stack.env.currentTimeMs()));

it('counts deadlines in business time across a weekend and a holiday, reminds before and flags the breach after', async () => {
  const { escalation } = await openAndEscalate();
  // Friday 16:00 + 4 business hours: 1 h on Friday, Saturday/Sunday/closed Monday skipped, 3 h on Tuesday.
  expect(rome(escalation.takeChargeDueAt)).toBe(`Tue ${tuesday.toFormat('yyyy-MM-dd')} 11:00`);
  // One business day from Friday 16:00 is the next business day at 16:00: Tuesday.
  expect(rome(escalation.resolveDueAt)).toBe(`Tue ${tuesday.toFormat('yyyy-MM-dd')} 16:00`);


  await skipTo(tuesday.set({ hour: 9, minute: 59 }));
  await new Promise((r) => setTimeout(r, 300));
  expect(stack.smtp.messages.filter((m) => String(m.parsed.subject).includes('Promemoria'))).toHaveLength(0);

  await skipTo(tuesday.set({ hour: 10, minute: 0, second: 30 }));
  const reminder = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('Promemoria') && m.parsed.text!.includes(escalation.id));
  expect(reminder.envelope.to).toEqual(['motorizzazione.veicoli@example.org']);
  expect(reminder.parsed.subject).toContain(escalation.contactId);
  expect(reminder.parsed.text).toContain('martedì');
  expect(reminder.parsed.text).toContain('11:00');

  await skipTo(tuesday.set({ hour: 11, minute: 0, second: 30 }));
  const breach = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('Termine superato') && m.parsed.text!.includes(escalation.id));
  expect(breach.envelope.to).toEqual([mctc.mailboxes.supervisor]);

  const rows = await historyOf(escalation.id);
  const actions = rows.map((r: { action: string }) => r.action);
  expect(actions).toEqual(['opened', 'reminder-take-charge', 'breached-take-charge']);
  expect(rome(rows[1].at)).toBe(`Tue ${tuesday.toFormat('yyyy-MM-dd')} 10:00`);
  expect(rome(rows[2].at)).toBe(`Tue ${tuesday.toFormat('yyyy-MM-dd')} 11:00`);
  const row = await stack.db('escalations').where({ id: escalation.id }).first();
  expect(row).toMatchObject({ status: 'open', take_charge_breached: true, resolve_breached: false });
  // One reminder and one breach notice only.
  expect(stack.smtp.messages.filter((m) => m.parsed.text!.includes(escalation.id) && String(m.parsed.subject).includes('Promemoria'))).toHaveLength(1);
});

it('sends the take-charge reminder but not the breach when the office takes charge in time; then the resolve deadline runs', async () => {
  await skipTo(tuesday.plus({ days: 1 }).set({ hour: 9 })); // Wednesday 09:00
  const { escalation, escalationHandle } = await openAndEscalate();
  expect(rome(escalation.takeChargeDueAt)).toBe(`Wed ${tuesday.plus({ days: 1 }).toFormat('yyyy-MM-dd')} 13:00`);
  await skipTo(tuesday.plus({ days: 1 }).set({ hour: 12, minute: 10 }));
  await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('Promemoria') && m.parsed.text!.includes(escalation.id));
  await escalationHandle.executeUpdate(takeChargeUpdate, { args: [{ actor: officeA }] });
  await skipTo(tuesday.plus({ days: 1 }).set({ hour: 13, minute: 30 }));
  await new Promise((r) => setTimeout(r, 300));
  const actions = (await historyOf(escalation.id)).map((r: { action: string }) => r.action);
  expect(actions).toEqual(['opened', 'reminder-take-charge', 'taken-in-charge']);
  // Resolve due Thursday 09:00 (one business day); one business hour before it is Thursday's opening
  // (08:00), the escalation having opened a fraction of a second after 09:00.
  await skipTo(tuesday.plus({ days: 1 }).set({ hour: 16, minute: 59 }));
  await new Promise((r) => setTimeout(r, 300));
  expect(stack.smtp.messages.some((m) => String(m.parsed.subject).includes('risoluzione in scadenza') && m.parsed.text!.includes(escalation.id))).toBe(false);
  await skipTo(tuesday.plus({ days: 2 }).set({ hour: 8, minute: 0, second: 30 }));
  await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('risoluzione in scadenza') && m.parsed.text!.includes(escalation.id));
  const row = await stack.db('escalations').where({ id: escalation.id }).first();
  expect(rome(row.resolve_due_at)).toBe(`Thu ${tuesday.plus({ days: 2 }).toFormat('yyyy-MM-dd')} 09:00`);
});

it('returns an escalation: the contact goes back to triage with the reason', async () => {
  const { contact, escalationHandle } = await openAndEscalate();
  await escalationHandle.executeUpdate(returnEscalationUpdate, { args: [{ reason: 'Non di nostra competenza', actor: officeA }] });
  expect(await escalationHandle.result()).toMatchObject({ outcome: 'returned', returnReason: 'Non di nostra competenza' });
  let row = await stack.db('contacts').where({ id: contact.workflowId.replace('contact:', '') }).first();
  for (let i = 0; i < 50 && row.status !== 'triage'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    row = await stack.db('contacts').where({ id: contact.workflowId.replace('contact:', '') }).first();
  }
  expect(row).toMatchObject({ status: 'triage', office: null });
});

it('reassigns: new office, fresh deadlines from the reassignment, reminders to the new office', async () => {
  const { escalation, escalationHandle } = await openAndEscalate();
  const before = await stack.env.currentTimeMs();
  const moved = await escalationHandle.executeUpdate(reassignEscalationUpdate, { args: [{ office: 'MCTC-PATENTI', actor: { name: 'Supervisore', role: 'supervisor' } }] });
  expect(moved.office).toBe('MCTC-PATENTI');
  expect(Date.parse(moved.takeChargeDueAt)).toBeGreaterThanOrEqual(Date.parse(escalation.takeChargeDueAt));
  const opened = await stack.smtp.waitFor((m) => m.envelope.to.includes('motorizzazione.patenti@example.org') && m.parsed.text!.includes(escalation.id));
  expect(opened.parsed.subject).toContain('Nuova pratica');
  await stack.env.sleep(Date.parse(moved.takeChargeDueAt) - before + 60_000);
  const reminder = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('Promemoria') && m.parsed.text!.includes(escalation.id));
  expect(reminder.envelope.to).toEqual(['motorizzazione.patenti@example.org']);
});
