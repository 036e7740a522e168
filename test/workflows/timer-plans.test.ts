/**
 * Every timer plan of the lifecycles on Temporal's time-skipping server with FAKE activities (no
 * PostgreSQL, no SMTP): the recorder, the catalog lookup and the emails are in-memory fakes, so
 * these tests read the workflows' decisions only. The catalog is the sample one made 24/7 with
 * short SLA durations, so business time is elapsed time.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { TEMPORAL_TEST_SERVER } from '../../infra/temporal-binaries';
import { fastCatalog, registerSearchAttributes, sampleCatalog, workflowBundle } from '../support/harness';
import { calendarOf } from '../../domain/business-calendar';
import type { RecordTransitionsInput, Transition } from '../../activities/db';
import type { NotifyInput } from '../../activities/notify';
import type { ServiceRulesInput } from '../../activities/catalog';
import { complaintSettingsFor } from '../../domain/complaints';
import { workflowId } from '../../workflows/common';
import { contactWorkflow } from '../../workflows/contact';
import { escalationWorkflow } from '../../workflows/escalation';
import { missedCallWorkflow } from '../../workflows/missed-call';
import { complaintWorkflow } from '../../workflows/complaint';
import { registerContactUpdate } from '../../workflows/contact.contract';
import { reassignEscalationUpdate, takeChargeUpdate, resolveEscalationUpdate } from '../../workflows/escalation.contract';
import { recordCallbackUpdate } from '../../workflows/missed-call.contract';
import { registerComplaintUpdate, requestInfoUpdate, requesterInfoUpdate, respondUpdate, takeChargeComplaintUpdate } from '../../workflows/complaint.contract';

jest.setTimeout(120_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const catalog = fastCatalog({ takeCharge: 'PT4H', resolve: 'PT8H', reminderLead: 'PT1H', callback: 'PT2H' });
/** The sample catalog as is: MCTC open Mon-Fri 08:00-17:00 in Rome. */
const windowedCatalog = sampleCatalog();
const catalogs = new Map([catalog, windowedCatalog].map((c) => [c.version, c]));
const transitions: Transition[] = [];
/** The fake relay refuses this address for good (a non-retryable failure). */
const UNDELIVERABLE = 'nessuno@example.org';
const emails: NotifyInput[] = [];

const fakeActivities = {
  async recordTransitions(input: RecordTransitionsInput): Promise<void> {
    transitions.push(...input.transitions);
  },
  async serviceRules(input: ServiceRulesInput) {
    return catalogs.get(input.catalogVersion)!.service(input.service)!;
  },
  async notify(input: NotifyInput) {
    if (input.to.includes(UNDELIVERABLE)) throw ApplicationFailure.nonRetryable('mailbox refused', 'NoRecipient');
    emails.push(input);
    return { status: 'sent' as const, messageId: `<${input.key}@test>` };
  },
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `fake-${randomUUID()}`;

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

const actionsOf = (entityId: string) => transitions.filter((t) => t.entityId === entityId).map((t) => t.action);
/** The workflow task after a timer runs just after the skip: wait (briefly) for its transitions. */
async function expectActions(entityId: string, expected: string[]) {
  for (let i = 0; i < 100 && actionsOf(entityId).length < expected.length; i++) await new Promise((r) => setTimeout(r, 50));
  expect(actionsOf(entityId)).toEqual(expected);
}
const templatesOf = (key: string) => emails.filter((e) => e.key.startsWith(key)).map((e) => e.template);
const skip = (ms: number) => env.sleep(ms);
const system = { name: 'Operatore', role: 'operator' };
const office = { name: 'Ufficio veicoli', role: 'office', office: 'MCTC-VEICOLI' };
const ref = { service: 'MCTC', catalogVersion: catalog.version };

async function startEscalation(id: string) {
  const now = await env.currentTimeMs();
  return env.client.workflow.start(escalationWorkflow, {
    taskQueue,
    workflowId: workflowId.escalation(id),
    args: [{ ...ref, id, contactId: id.replace(/-E1$/, ''), office: 'MCTC-VEICOLI', contact: { reason: 'Targa', category: null, caller: {} }, openedAt: now, takeChargeDueAt: now + 4 * HOUR, resolveDueAt: now + 8 * HOUR, actor: system }],
  });
}

describe('escalation', () => {
  it('reminds an hour before each deadline and flags each breach, in order', async () => {
    const handle = await startEscalation('CON-F-1-E1');
    await skip(3 * HOUR - MINUTE);
    expect(actionsOf('CON-F-1-E1')).toEqual([]);
    await skip(2 * MINUTE);
    await expectActions('CON-F-1-E1', ['reminder-take-charge']);
    await skip(HOUR);
    await expectActions('CON-F-1-E1', ['reminder-take-charge', 'breached-take-charge']);
    await skip(4 * HOUR);
    await expectActions('CON-F-1-E1', ['reminder-take-charge', 'breached-take-charge', 'reminder-resolve', 'breached-resolve']);
    expect(templatesOf('CON-F-1-E1/')).toEqual(['escalation-opened', 'escalation-reminder', 'escalation-breached', 'escalation-reminder', 'escalation-breached']);
    await handle.executeUpdate(takeChargeUpdate, { args: [{ actor: office }] });
    await handle.executeUpdate(resolveEscalationUpdate, { args: [{ response: 'Fatto', actor: office }] });
    expect(await handle.result()).toMatchObject({ outcome: 'resolved', response: 'Fatto' });
  });

  it('re-plans on reassignment: fresh deadlines counted from the reassignment, the new office told', async () => {
    const handle = await startEscalation('CON-F-2-E1');
    await skip(2 * HOUR);
    const view = await handle.executeUpdate(reassignEscalationUpdate, { args: [{ office: 'MCTC-PATENTI', actor: { name: 'Capo', role: 'supervisor' } }] });
    expect(Date.parse(view.takeChargeDueAt) - (await env.currentTimeMs())).toBeGreaterThan(4 * HOUR - MINUTE);
    // The old plan (reminder at 3 h from the opening) no longer holds.
    await skip(90 * MINUTE);
    await expectActions('CON-F-2-E1', ['reassigned']);
    await skip(2 * HOUR);
    await expectActions('CON-F-2-E1', ['reassigned', 'reminder-take-charge']);
    expect(emails.filter((e) => e.key.startsWith('CON-F-2-E1/reassigned')).map((e) => e.to)).toEqual([['motorizzazione.patenti@example.org']]);
    await handle.executeUpdate(takeChargeUpdate, { args: [{ actor: { ...office, office: 'MCTC-PATENTI' } }] });
    // Taken in charge: the take-charge breach is off the plan, the resolution's reminder is next.
    await skip(HOUR);
    await expectActions('CON-F-2-E1', ['reassigned', 'reminder-take-charge', 'taken-in-charge']);
    // Resolution due 8 h after the reassignment: reminded at 7 h, i.e. 2 h from now.
    await skip(3 * HOUR);
    await expectActions('CON-F-2-E1', ['reassigned', 'reminder-take-charge', 'taken-in-charge', 'reminder-resolve']);
    await handle.terminate();
  });
});

describe('missed call', () => {
  it('reminds the office before the callback is due, then tells the supervisor', async () => {
    const now = await env.currentTimeMs();
    const id = 'CON-F-3-M1';
    const handle = await env.client.workflow.start(missedCallWorkflow, {
      taskQueue,
      workflowId: workflowId.missedCall(id),
      args: [{ ...ref, id, contactId: 'CON-F-3', office: 'MCTC-VEICOLI', callerSurname: 'Verdi', callerName: 'Anna', callAt: now, personSought: 'Rossi', reason: 'Targa', callbackPhone: '0461 1', actor: system, createdAt: now, dueAt: now + 2 * HOUR }],
    });
    await skip(MINUTE);
    await expectActions(id, ['emailed']);
    await skip(HOUR);
    await expectActions(id, ['emailed', 'reminder']);
    await skip(HOUR);
    await expectActions(id, ['emailed', 'reminder', 'overdue']);
    expect(templatesOf(`${id}/`)).toEqual(['missed-call-form', 'missed-call-reminder', 'missed-call-overdue']);
    await handle.executeUpdate(recordCallbackUpdate, { args: [{ outcome: 'reached', actor: office }] });
    expect(await handle.result()).toMatchObject({ outcome: 'reached' });
  });
});

describe('voicemail', () => {
  it('waits out of hours and enters the operators\' queue when the window opens', async () => {
    const calendar = calendarOf(windowedCatalog.service('MCTC')!.calendar);
    let now = await env.currentTimeMs();
    if (calendar.isOpen(now)) {
      await skip(calendar.nextClosing(now) - now + MINUTE);
      now = await env.currentTimeMs();
    }
    const opening = calendar.nextOpening(now);
    const id = 'CON-F-4';
    const handle = await env.client.workflow.start(contactWorkflow, {
      taskQueue,
      workflowId: workflowId.contact(id),
      args: [{ service: 'MCTC', catalogVersion: windowedCatalog.version, id, channel: 'voicemail', origin: 'voicemail', caller: { phone: '0461 2' }, reason: 'Messaggio', actor: system }],
    });
    const view = await handle.executeUpdate(registerContactUpdate, { args: [{}] });
    expect(view.status).toBe('waiting');
    expect(Date.parse(view.queuedAt)).toBe(opening);
    await skip(opening - (await env.currentTimeMs()) - MINUTE);
    expect(actionsOf(id)).toEqual(['registered']);
    await skip(2 * MINUTE);
    await expectActions(id, ['registered', 'queued']);
    await handle.terminate();
  });
});

describe('complaint', () => {
  const settings = { ...complaintSettingsFor(catalog, 'complaint'), term: 'P10D', termMs: 10 * DAY };
  async function register(reference: string, requester: { name: string; email?: string; postalAddress?: string } = { name: 'Anna', postalAddress: 'Via Roma 1' }) {
    const registeredAt = await env.currentTimeMs();
    const handle = await env.client.workflow.start(complaintWorkflow, {
      taskQueue,
      workflowId: workflowId.complaint(reference),
      args: [{ reference, kind: 'complaint', requester, subject: 'Ritardo', body: 'Attendo da mesi', channel: 'letter', registeredAt, actor: system, settings }],
    });
    await handle.executeUpdate(registerComplaintUpdate, { args: [{}] });
    await handle.executeUpdate(takeChargeComplaintUpdate, { args: [{ actor: system }] });
    return handle;
  }

  it('warns at 80 % of the term and tells the supervisor at the breach; the response closes it', async () => {
    const handle = await register('REC-2026-900001');
    await skip(8 * DAY - HOUR);
    await expectActions('REC-2026-900001', ['registered', 'taken-in-charge']);
    await skip(2 * HOUR);
    await expectActions('REC-2026-900001', ['registered', 'taken-in-charge', 'deadline-warning']);
    await skip(2 * DAY);
    await expectActions('REC-2026-900001', ['registered', 'taken-in-charge', 'deadline-warning', 'deadline-breached']);
    await handle.executeUpdate(respondUpdate, { args: [{ response: 'Risolto', outcome: 'upheld', actor: system }] });
    expect(await handle.result()).toMatchObject({ outcome: 'upheld', breached: true });
    expect(actionsOf('REC-2026-900001').slice(-2)).toEqual(['responded', 'closed']);
  });

  it('suspends the term while the requester is asked: the warning moves by the suspension', async () => {
    const handle = await register('REC-2026-900002');
    await skip(2 * DAY);
    await handle.executeUpdate(requestInfoUpdate, { args: [{ question: 'Quale pratica?', actor: system }] });
    await skip(10 * DAY);
    await expectActions('REC-2026-900002', ['registered', 'taken-in-charge', 'info-requested']);
    await handle.executeUpdate(requesterInfoUpdate, { args: [{ info: 'La 42', actor: system }] });
    // 2 days ran before the suspension: the 80 % warning is 6 days after the reply.
    await skip(6 * DAY - HOUR);
    await expectActions('REC-2026-900002', ['registered', 'taken-in-charge', 'info-requested', 'requester-info-received']);
    await skip(2 * HOUR);
    await expectActions('REC-2026-900002', ['registered', 'taken-in-charge', 'info-requested', 'requester-info-received', 'deadline-warning']);
    await handle.terminate();
  });

  it('closes even when the response email fails for good', async () => {
    const handle = await register('REC-2026-900003', { name: 'Anna', email: UNDELIVERABLE });
    await handle.executeUpdate(respondUpdate, { args: [{ response: 'Risolto', actor: system }] });
    expect(await handle.result()).toMatchObject({ reference: 'REC-2026-900003', outcome: 'answered' });
    const closed = transitions.find((t) => t.entityId === 'REC-2026-900003' && t.action === 'closed');
    expect(closed?.payload).toEqual({ outcome: 'answered', emailed: false });
    expect(actionsOf('REC-2026-900003')).not.toContain('email-sent');
  });
});
