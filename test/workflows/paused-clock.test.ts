/**
 * The paused clock on Temporal's time-skipping server with FAKE activities (in-memory recorder,
 * catalog and emails): an escalation waiting for the citizen, and a missed-call callback put off to
 * a new attempt. The sample MCTC calendar: Mon-Fri 08:00-17:00 Europe/Rome, Italian holidays closed.
 * With RECORD_REPLAY_HISTORIES=1 the finished runs' histories are written for the replay test.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { TEMPORAL_TEST_SERVER } from '../../infra/temporal-binaries';
import { catalogWith, registerSearchAttributes, workflowBundle } from '../support/harness';
import { calendarOf } from '../../domain/business-calendar';
import { DEFAULT_CITIZEN_REPLY_LIMIT } from '../../domain/paused-clock';
import type { RecordTransitionsInput, Transition } from '../../activities/db';
import { renderTemplate, type NotifyInput } from '../../activities/notify';
import type { ServiceRulesInput } from '../../activities/catalog';
import { workflowId } from '../../workflows/common';
import { escalationWorkflow } from '../../workflows/escalation';
import { missedCallWorkflow } from '../../workflows/missed-call';
import { citizenReplyUpdate, requestCitizenInfoUpdate, resolveEscalationUpdate, takeChargeUpdate } from '../../workflows/escalation.contract';
import { recordCallbackUpdate, retryCallbackUpdate } from '../../workflows/missed-call.contract';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(180_000);

const ZONE = 'Europe/Rome';
const HOUR = 3_600_000;
const catalog = catalogWith((data) => {
  const s = data.services.find((x) => x.code === 'MCTC')!;
  s.sla = { ...s.sla, takeCharge: 'PT4H', resolve: 'P1D', reminderLead: 'PT1H', callback: 'PT4H' };
  // No citizenReplyLimit: the default applies.
  delete s.sla.citizenReplyLimit;
});
const mctc = catalog.service('MCTC')!;
const calendar = calendarOf(mctc.calendar);
const transitions: Transition[] = [];
const emails: NotifyInput[] = [];

const fakeActivities = {
  async recordTransitions(input: RecordTransitionsInput): Promise<void> {
    transitions.push(...input.transitions);
  },
  async serviceRules(input: ServiceRulesInput) {
    return catalog.service(input.service)!;
  },
  async notify(input: NotifyInput) {
    emails.push(input);
    return { status: 'sent' as const, messageId: `<${input.key}@test>` };
  },
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `paused-${randomUUID()}`;

// A Monday two weeks ahead of the real clock with no public holiday in the four weeks from it (the sample calendar closes them).
let monday = DateTime.now().setZone(ZONE).plus({ weeks: 2 }).startOf('week');
const WEEKDAYS_OF_FOUR_WEEKS = [0, 7, 14, 21].flatMap((w) => [0, 1, 2, 3, 4].map((d) => w + d));
while (!WEEKDAYS_OF_FOUR_WEEKS.every((d) => calendar.isBusinessDay(monday.plus({ days: d }).toFormat('yyyy-MM-dd')))) monday = monday.plus({ weeks: 1 });
const at = (days: number, hour: number, minute = 0) => monday.plus({ days }).set({ hour, minute, second: 0, millisecond: 0 });
const rome = (t: number | string) => DateTime.fromMillis(typeof t === 'string' ? Date.parse(t) : t).setZone(ZONE).toFormat('ccc HH:mm');

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER } } });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, workflowBundle: workflowBundle(), activities: fakeActivities });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const skipTo = async (t: DateTime) => env.sleep(Math.max(1, t.toMillis() - (await env.currentTimeMs())));
const actionsOf = (entityId: string) => transitions.filter((t) => t.entityId === entityId).map((t) => t.action);
async function expectActions(entityId: string, expected: string[]) {
  for (let i = 0; i < 100 && actionsOf(entityId).length < expected.length; i++) await new Promise((r) => setTimeout(r, 50));
  expect(actionsOf(entityId)).toEqual(expected);
}
/** A moment for the workflow task after a skip (nothing new may appear). */
const settle = () => new Promise((r) => setTimeout(r, 400));
/**
 * Waits for a workflow to finish without `result()`, whose long poll lets the time-skipping
 * server jump years ahead once nothing is pending (the next tests need the clock where it is).
 */
async function closed(handle: { describe(): Promise<{ status: { name: string } }> }) {
  for (let i = 0; i < 100 && (await handle.describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await handle.describe()).status.name).toBe('COMPLETED');
}
/** The message of an update's refusal (the validator's failure is the cause of the update error). */
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: { message: string; cause?: { message?: string } }) => e.cause?.message ?? e.message,
  );
const operator = { name: 'Operatore', role: 'operator' };
const office = { name: 'Ufficio veicoli', role: 'office', office: 'MCTC-VEICOLI' };
const otherOffice = { name: 'Ufficio patenti', role: 'office', office: 'MCTC-PATENTI' };
const ref = { service: 'MCTC', catalogVersion: catalog.version };

async function startEscalation(id: string, caller: { email?: string } = { email: 'anna.verdi@example.org' }) {
  const now = await env.currentTimeMs();
  const handle = await env.client.workflow.start(escalationWorkflow, {
    taskQueue,
    workflowId: workflowId.escalation(id),
    args: [
      {
        ...ref,
        id,
        contactId: id.replace(/-E1$/, ''),
        office: 'MCTC-VEICOLI',
        contact: { reason: 'Targa', category: null, caller },
        openedAt: now,
        takeChargeDueAt: calendar.addBusinessTime(now, mctc.sla.takeCharge),
        resolveDueAt: calendar.addBusinessTime(now, mctc.sla.resolve),
        actor: operator,
      },
    ],
  });
  await handle.executeUpdate(takeChargeUpdate, { args: [{ actor: office }] });
  return handle;
}

describe('escalation waiting for the citizen', () => {
  it('a pause over a weekend moves the deadline by exactly the paused business time; no reminder nor breach meanwhile', async () => {
    await skipTo(at(3, 15)); // Thursday 15:00: resolve due Friday 15:00
    const id = 'CON-P-1-E1';
    const handle = await startEscalation(id);
    await skipTo(at(4, 13)); // Friday 13:00: 2 business hours left
    const paused = await handle.executeUpdate(requestCitizenInfoUpdate, { args: [{ question: 'Qual è il numero di targa?', actor: office }] });
    const pausedAt = Date.parse(paused.pause!.since);
    const dueBefore = Date.parse(paused.resolveDueAt);
    expect(rome(dueBefore)).toBe('Fri 15:00');
    expect(paused).toMatchObject({ status: 'waiting_citizen', pause: { remainingMs: { resolve: calendar.businessTimeBetween(pausedAt, dueBefore) } } });
    expect(paused.pause!.remainingMs.resolve).toBeGreaterThan(2 * HOUR - 60_000);
    expect(Date.parse(paused.pause!.until)).toBe(calendar.addBusinessTime(pausedAt, DEFAULT_CITIZEN_REPLY_LIMIT));
    expect(paused.infoRequests).toEqual([expect.objectContaining({ question: 'Qual è il numero di targa?', reply: null })]);
    const question = emails.find((e) => e.key === `${id}/info-request-1`)!;
    expect(question).toMatchObject({ to: ['anna.verdi@example.org'], template: 'escalation-info-request' });

    // The reminder (Friday 14:00) and the breach (15:00) would have come; the weekend passes too.
    await skipTo(at(7, 11)); // Monday 11:00
    await settle();
    expect(actionsOf(id)).toEqual(['taken-in-charge', 'info-requested']);

    // An office of another office may not record the reply; nor can the office resolve meanwhile.
    expect(await refusal(handle.executeUpdate(citizenReplyUpdate, { args: [{ reply: 'AB123CD', actor: otherOffice }] }))).toMatch(/belongs to office/);
    expect(await refusal(handle.executeUpdate(resolveEscalationUpdate, { args: [{ response: 'Fatto', actor: office }] }))).toMatch(/waiting for the citizen/);

    const resumed = await handle.executeUpdate(citizenReplyUpdate, { args: [{ reply: 'La targa è AB123CD', actor: operator }] });
    const repliedAt = Date.parse(resumed.infoRequests![0].repliedAt!);
    const dueAfter = Date.parse(resumed.resolveDueAt);
    expect(resumed).toMatchObject({ status: 'in_charge', pause: null, infoRequests: [expect.objectContaining({ reply: 'La targa è AB123CD', endedBy: 'reply' })] });
    // Exactly the paused business time (Friday 13-17 and Monday 8-11: 7 h), not the 70 calendar hours.
    expect(calendar.businessTimeBetween(dueBefore, dueAfter)).toBe(calendar.businessTimeBetween(pausedAt, repliedAt));
    expect(calendar.businessTimeBetween(repliedAt, dueAfter)).toBe(paused.pause!.remainingMs.resolve);
    expect(rome(dueAfter)).toBe('Mon 13:00');

    // The clock runs again: reminder an hour before the new due time, breach at it.
    await skipTo(at(7, 12, 1));
    await expectActions(id, ['taken-in-charge', 'info-requested', 'citizen-replied', 'reminder-resolve']);
    await skipTo(at(7, 13, 1));
    await expectActions(id, ['taken-in-charge', 'info-requested', 'citizen-replied', 'reminder-resolve', 'breached-resolve']);
    const breach = transitions.find((t) => t.entityId === id && t.action === 'breached-resolve')!;
    expect(breach.payload?.dueAt).toBe(new Date(dueAfter).toISOString());

    await handle.executeUpdate(resolveEscalationUpdate, { args: [{ response: 'Fatto', actor: office }] });
    await closed(handle);
    if (process.env.RECORD_REPLAY_HISTORIES) await saveHistoryFile(env.client, workflowId.escalation(id), 'escalation-paused-clock.json');
  });

  it('refuses to ask when not in charge, twice, or when the citizen left no email', async () => {
    const id = 'CON-P-2-E1';
    const handle = await startEscalation(id, {});
    expect(await refusal(handle.executeUpdate(requestCitizenInfoUpdate, { args: [{ question: 'Targa?', actor: office }] }))).toMatch(/no email address/);
    expect(await refusal(handle.executeUpdate(citizenReplyUpdate, { args: [{ reply: 'AB123CD', actor: operator }] }))).toMatch(/not waiting/);
    await handle.terminate();
  });

  it('past the wait limit it goes back to the office with its clock running, a notice and a recorded transition', async () => {
    await skipTo(at(7, 14)); // Monday 14:00: resolve due Tuesday 14:00
    const id = 'CON-P-3-E1';
    const handle = await startEscalation(id);
    const paused = await handle.executeUpdate(requestCitizenInfoUpdate, { args: [{ question: 'Ci invii il libretto', actor: office }] });
    const until = Date.parse(paused.pause!.until);
    // Ten business days: Monday 14:00 two weeks later.
    expect(DateTime.fromMillis(until).setZone(ZONE).toFormat('ccc yyyy-MM-dd HH:mm')).toBe(at(21, 14).toFormat('ccc yyyy-MM-dd HH:mm'));
    await env.sleep(until - (await env.currentTimeMs()) - 60_000);
    await settle();
    expect(actionsOf(id)).toEqual(['taken-in-charge', 'info-requested']);
    await env.sleep(120_000);
    await expectActions(id, ['taken-in-charge', 'info-requested', 'wait-limit-reached']);
    const notice = emails.find((e) => e.key === `${id}/wait-limit-1`)!;
    expect(notice).toMatchObject({ to: ['motorizzazione.veicoli@example.org'], template: 'escalation-wait-expired' });
    const view = await handle.query('escalation');
    expect(view).toMatchObject({ status: 'in_charge', pause: null, infoRequests: [expect.objectContaining({ endedBy: 'wait-limit', reply: null })] });
    // Resumed when the timer fired (a moment after the limit, as the clock of the run goes).
    const resumedAt = transitions.find((t) => t.entityId === id && t.action === 'wait-limit-reached')!.at;
    expect(resumedAt - until).toBeLessThan(60_000);
    expect(calendar.businessTimeBetween(resumedAt, Date.parse((view as { resolveDueAt: string }).resolveDueAt))).toBe(paused.pause!.remainingMs.resolve);
    await handle.terminate();
  });
});

describe('missed call: not reachable, retry', () => {
  it('pauses until the new attempt (moved to the next opening), reminds the office then, and moves the due time', async () => {
    await skipTo(at(22, 15)); // Tuesday 15:00: callback due Wednesday 10:00 (reminder at 09:00)
    const id = 'CON-P-4-M1';
    const now = await env.currentTimeMs();
    const handle = await env.client.workflow.start(missedCallWorkflow, {
      taskQueue,
      workflowId: workflowId.missedCall(id),
      args: [{ ...ref, id, contactId: 'CON-P-4', office: 'MCTC-VEICOLI', callerSurname: 'Verdi', callerName: 'Anna', callAt: now, personSought: 'Rossi', reason: 'Targa', callbackPhone: '0461 1', actor: operator, createdAt: now, dueAt: calendar.addBusinessTime(now, mctc.sla.callback) }],
    });
    await expectActions(id, ['emailed']);
    await skipTo(at(22, 16));
    expect(await refusal(handle.executeUpdate(retryCallbackUpdate, { args: [{ retryAt: (await env.currentTimeMs()) - 1, actor: office }] }))).toMatch(/retryAt: must be in the future/);
    expect(await refusal(handle.executeUpdate(retryCallbackUpdate, { args: [{ retryAt: at(23, 9).toMillis(), actor: otherOffice }] }))).toMatch(/belongs to office/);
    // Asked for 19:00, after closing: the attempt is moved to Wednesday's opening, 08:00.
    const first = await handle.executeUpdate(retryCallbackUpdate, { args: [{ retryAt: at(22, 19).toMillis(), note: 'Squilla a vuoto', actor: office }] });
    expect(first).toMatchObject({ status: 'open', retries: 1, note: 'Squilla a vuoto' });
    expect(rome(first.pause!.until)).toBe('Wed 08:00');
    const dueBefore = Date.parse(first.dueAt);
    expect(rome(dueBefore)).toBe('Wed 10:00');
    const left = first.pause!.remainingMs.callback!;
    expect(left).toBe(calendar.businessTimeBetween(Date.parse(first.pause!.since), dueBefore));
    // Put off again, to Wednesday noon: the time left stays the one of the first pause.
    const second = await handle.executeUpdate(retryCallbackUpdate, { args: [{ retryAt: at(23, 12).toMillis(), actor: office }] });
    expect(second).toMatchObject({ retries: 2, pause: { since: first.pause!.since, remainingMs: { callback: left } } });
    expect(rome(second.pause!.until)).toBe('Wed 12:00');

    // The reminder (Wednesday 09:00) and the overdue notice (10:00) do not come while paused.
    await skipTo(at(23, 11, 59));
    await settle();
    expect(actionsOf(id)).toEqual(['emailed', 'callback-retry', 'callback-retry']);
    await skipTo(at(23, 12, 1));
    await expectActions(id, ['emailed', 'callback-retry', 'callback-retry', 'retry-due']);
    const retry = emails.find((e) => e.key === `${id}/retry-2`)!;
    expect(retry).toMatchObject({ to: ['motorizzazione.veicoli@example.org'], template: 'missed-call-retry' });
    const resumed = transitions.find((t) => t.entityId === id && t.action === 'retry-due')!;
    const newDue = Date.parse(resumed.payload?.dueAt as string);
    // Moved by exactly the paused business time (Tuesday 16-17, Wednesday 8-12): 15:00.
    expect(calendar.businessTimeBetween(dueBefore, newDue)).toBe(calendar.businessTimeBetween(Date.parse(first.pause!.since), resumed.at));
    expect(calendar.businessTimeBetween(resumed.at, newDue)).toBe(left);
    // (Within the minute: the pause began and the timer fired a few moments after the hour.)
    expect(Math.abs(newDue - at(23, 15).toMillis())).toBeLessThan(60_000);
    await skipTo(at(23, 15, 1));
    await expectActions(id, ['emailed', 'callback-retry', 'callback-retry', 'retry-due', 'reminder', 'overdue']);

    await handle.executeUpdate(recordCallbackUpdate, { args: [{ outcome: 'reached', actor: office }] });
    await closed(handle);
    expect(await handle.result()).toMatchObject({ outcome: 'reached' });
    if (process.env.RECORD_REPLAY_HISTORIES) await saveHistoryFile(env.client, workflowId.missedCall(id), 'missed-call-retry.json');
  });
});

describe('the paused clock\'s emails', () => {
  it('render in Italian, text and HTML', () => {
    const base = { contactId: 'CON-2026-000001', serviceName: 'Motorizzazione', zone: ZONE, escalationId: 'CON-2026-000001-E1', officeName: 'Ufficio veicoli', reason: 'Targa' };
    const ask = renderTemplate('escalation-info-request', { ...base, question: 'Qual è la targa?', waitLimitAt: at(7, 14).toMillis(), phone: '800 123 456' });
    expect(ask.subject).toBe('[CON-2026-000001] Richiesta di informazioni - Motorizzazione');
    expect(ask.text).toContain('Qual è la targa?');
    expect(ask.html).toContain('Qual è la targa?');
    const back = renderTemplate('escalation-wait-expired', { ...base, question: 'Qual è la targa?', resolveDueAt: at(7, 14).toMillis() });
    expect(back.text.startsWith('Ufficio veicoli,')).toBe(true);
    expect(back.text).toContain('Risoluzione entro');
    const retry = renderTemplate('missed-call-retry', { contactId: 'CON-1', formId: 'CON-1-M1', serviceName: 'Motorizzazione', officeName: 'Veicoli', zone: ZONE, callerSurname: 'Verdi', callerName: 'Anna', personSought: 'Rossi', reason: 'Targa', callbackPhone: '0461 1', retryAt: at(23, 8).toMillis(), dueAt: at(23, 9).toMillis() });
    expect(retry.text.startsWith('Ufficio Veicoli,')).toBe(true);
    expect(retry.html).toContain('Nuovo tentativo');
  });
});
