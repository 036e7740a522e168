/**
 * The complaint's deadline clock and inquiry timers on Temporal's time-skipping server, with real
 * activities (PostgreSQL read model, SMTP sink). Sample catalog: URU term P30D, warning at 80 %,
 * inquiry reminder one day before the due date.
 */
import { startTimeSkippingStack, TimeSkippingStack } from '../support/harness';
import { complaintWorkflow } from '../../workflows/complaint';
import { ComplaintInput, answerInquiryUpdate, complaintDeadlineQuery, openInquiryUpdate, requestInfoUpdate, requesterInfoUpdate, respondUpdate, takeChargeComplaintUpdate, workflowId } from '../../workflows/definitions';
import { complaintSettingsFor } from '../../domain/complaints';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const uru = { name: 'Lucia Ferri', role: 'uru' };
const sistemi = { name: 'Esercizio sistemi', role: 'office', office: 'URU-SISTEMI' };

let stack: TimeSkippingStack;
beforeAll(async () => {
  stack = await startTimeSkippingStack();
});
afterAll(async () => {
  await stack?.stop();
});

let counter = 0;
async function register(requesterEmail: string) {
  const reference = `REC-2026-9${String(++counter).padStart(5, '0')}`;
  const registeredAt = await stack.env.currentTimeMs();
  const input: ComplaintInput = {
    reference,
    kind: 'complaint',
    requester: { name: 'Giovanna', surname: 'Esposito', email: requesterEmail },
    subject: 'Accesso negato al portale',
    body: 'Da una settimana non riesco ad accedere con la Carta Provinciale dei Servizi.',
    channel: 'web',
    service: 'TNDIGITALE',
    registeredAt,
    actor: { name: 'Portale', role: 'integrator' },
    settings: complaintSettingsFor(stack.catalog, 'complaint'),
  };
  const handle = await stack.client.workflow.start(complaintWorkflow, { taskQueue: stack.taskQueue, workflowId: workflowId.complaint(reference), args: [input] });
  return { reference, registeredAt, handle };
}

const skipTo = async (t: number) => stack.env.sleep(Math.max(0, t - (await stack.env.currentTimeMs())));
const row = (id: string) => stack.db('complaints').where({ id }).first();
const steps = (id: string) => stack.db('history').where({ entity_type: 'complaint', entity_id: id }).orderBy('seq');
const stepAt = async (id: string, action: string) => {
  const s = (await steps(id)).find((x) => x.action === action);
  if (!s) throw new Error(`no ${action} step in ${id}`);
  return (s.at as Date).getTime();
};
/** Real time for activities the skipped timers started to reach PostgreSQL and the SMTP sink. */
const settle = () => new Promise((r) => setTimeout(r, 500));
const mailsAbout = (ref: string, subjectPart: string) => stack.smtp.messages.filter((m) => String(m.parsed.subject).includes(ref) && String(m.parsed.subject).includes(subjectPart));

it('stops the 30-day clock while the requester is asked for information: 10 days running + 5 suspended puts the deadline 35 days after registration; warning at 80 %, breach to the supervisor', async () => {
  const { reference, registeredAt: t0, handle } = await register('giovanna.esposito@example.org');
  await handle.executeUpdate(takeChargeComplaintUpdate, { args: [{ actor: uru }] });
  const taken = await row(reference);
  expect(taken.status).toBe('in_charge');
  expect(taken.clock).toBe('running');
  expect(taken.deadline_at.getTime()).toBe(t0 + 30 * DAY);

  // Day 10: URU asks the requester for information; the clock stops with 20 days left.
  await skipTo(t0 + 10 * DAY);
  await handle.executeUpdate(requestInfoUpdate, { args: [{ question: 'Quale browser usa?', actor: uru }] });
  const t1 = await stepAt(reference, 'info-requested');
  expect(t1).toBeGreaterThanOrEqual(t0 + 10 * DAY);
  const suspended = await row(reference);
  expect(suspended.status).toBe('awaiting_requester');
  expect(suspended.clock).toBe('suspended');
  expect(suspended.deadline_at).toBeNull();
  expect(Number(suspended.remaining_ms)).toBe(30 * DAY - (t1 - t0));
  expect(suspended.pending_question).toBe('Quale browser usa?');

  // Day 15: the reply arrives; the clock resumes with the time it had left.
  await skipTo(t0 + 15 * DAY);
  await handle.executeUpdate(requesterInfoUpdate, { args: [{ info: 'Firefox 140 su Linux', actor: uru }] });
  const t2 = await stepAt(reference, 'requester-info-received');
  const resumed = await row(reference);
  expect(resumed.clock).toBe('running');
  expect(resumed.status).toBe('in_charge');
  const deadline = t0 + 30 * DAY + (t2 - t1);
  expect(resumed.deadline_at.getTime()).toBe(deadline);
  // 35 days after registration, give or take the real milliseconds between each skip and its update.
  expect(Math.abs(deadline - t0 - 35 * DAY)).toBeLessThan(60_000);
  expect(Number(resumed.suspended_ms)).toBe(t2 - t1);
  expect(await handle.query(complaintDeadlineQuery)).toMatchObject({ deadlineAt: new Date(deadline).toISOString(), clock: 'running', warned: false, breached: false });

  // Day 24 + 1 h would be 80 % without the suspension: nothing yet, the warning moved 5 days on.
  await skipTo(t0 + 24 * DAY + HOUR);
  await settle();
  expect(mailsAbout(reference, "all'80%")).toHaveLength(0);
  expect((await row(reference)).warned_at).toBeNull();

  // 80 % of 30 days = 24 days of running time: 6 days before the deadline.
  await skipTo(deadline - 6 * DAY + HOUR);
  const warning = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(reference) && String(m.parsed.subject).includes("all'80%"));
  expect(warning.envelope.to).toEqual(['uru.settore@example.org']);
  const warnedAt = await stepAt(reference, 'deadline-warning');
  expect(warnedAt).toBeGreaterThanOrEqual(deadline - 6 * DAY);
  expect(warnedAt).toBeLessThan(deadline - 6 * DAY + HOUR + 60_000);

  await skipTo(deadline - 60_000);
  await settle();
  expect(mailsAbout(reference, 'scaduto')).toHaveLength(0);

  await skipTo(deadline + HOUR);
  const breach = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(reference) && String(m.parsed.subject).includes('scaduto'));
  expect(breach.envelope.to.sort()).toEqual(['uru.settore@example.org', 'uru.supervisore@example.org']);
  expect(breach.parsed.to).toMatchObject({ value: [{ address: 'uru.supervisore@example.org' }] });
  const breached = await row(reference);
  expect(breached.breached_at.getTime()).toBeGreaterThanOrEqual(deadline);
  const breachStep = (await steps(reference)).find((s) => s.action === 'deadline-breached');
  expect(breachStep).toMatchObject({ actor_name: 'sistema', actor_role: 'system' });

  // Late, but URU still answers; the file keeps the breach.
  await handle.executeUpdate(respondUpdate, { args: [{ response: 'Il problema di accesso è stato risolto.', outcome: 'upheld', actor: uru }] });
  await expect(handle.result()).resolves.toMatchObject({ reference, outcome: 'upheld', breached: true });
  const closed = await row(reference);
  expect(closed.status).toBe('closed');
  expect(closed.clock).toBe('stopped');
  expect(closed.breached_at).not.toBeNull();
  // Set RECORD_REPLAY_HISTORIES=1 to refresh the history replayed by test/replay/complaint.test.ts.
  if (process.env.RECORD_REPLAY_HISTORIES) await saveHistoryFile(stack.client, workflowId.complaint(reference), 'complaint-suspension-breach.json');
});

it('reminds the structure the day before an inquiry is due and tells URU when it is overdue', async () => {
  const { reference, registeredAt: t0, handle } = await register('paolo.gentile@example.org');
  await handle.executeUpdate(takeChargeComplaintUpdate, { args: [{ actor: uru }] });
  const opened = await handle.executeUpdate(openInquiryUpdate, {
    args: [{ structure: 'URU-SISTEMI', structureName: 'Esercizio sistemi e infrastrutture', structureMailbox: 'esercizio.sistemi@example.org', question: 'Risultano disservizi del portale nella settimana indicata?', dueAt: t0 + 7 * DAY, actor: uru }],
  });
  const inquiryId = `${reference}-1`;
  expect(opened).toEqual({ reference, status: 'investigating', inquiryId });
  await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`Richiesta di istruttoria ${inquiryId}`));

  await skipTo(t0 + 6 * DAY - HOUR);
  await settle();
  expect(mailsAbout(reference, 'Promemoria')).toHaveLength(0);

  await skipTo(t0 + 6 * DAY + HOUR);
  const reminder = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`Promemoria: richiesta di istruttoria ${inquiryId}`));
  expect(reminder.envelope.to).toEqual(['esercizio.sistemi@example.org']);
  expect((await stack.db('inquiries').where({ id: inquiryId }).first()).reminded_at).not.toBeNull();
  expect(mailsAbout(reference, 'scaduta')).toHaveLength(0);

  await skipTo(t0 + 7 * DAY + HOUR);
  const overdue = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`${inquiryId} scaduta senza risposta`));
  expect(overdue.envelope.to.sort()).toEqual(['esercizio.sistemi@example.org', 'uru.settore@example.org']);
  expect(overdue.parsed.to).toMatchObject({ value: [{ address: 'uru.settore@example.org' }] });
  const inquiry = await stack.db('inquiries').where({ id: inquiryId }).first();
  expect(inquiry.status).toBe('open');
  expect(inquiry.overdue_at.getTime()).toBeGreaterThanOrEqual(t0 + 7 * DAY);
  const actions = (await steps(reference)).map((s) => s.action);
  expect(actions).toEqual(expect.arrayContaining(['inquiry-opened', 'inquiry-reminder', 'inquiry-overdue']));
  expect(actions.indexOf('inquiry-reminder')).toBeLessThan(actions.indexOf('inquiry-overdue'));

  // The structure still answers late; the complaint's own clock was never touched by the inquiry.
  await handle.executeUpdate(answerInquiryUpdate, { args: [{ inquiryId, findings: 'Sì, un guasto del 3 e 4 del mese.', actor: sistemi }] });
  expect((await stack.db('inquiries').where({ id: inquiryId }).first()).status).toBe('answered');
  expect((await row(reference)).deadline_at.getTime()).toBe(t0 + 30 * DAY);
});
