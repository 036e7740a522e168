/**
 * One missed-call form ("mancata risposta"): a transfer failed, so the standard form goes by email
 * to the competent office's mailbox (and the referent's own, when asked), and the office calls back.
 *
 * The callback is due within the service's `sla.callback` of business time: a reminder goes to the
 * office `sla.reminderLead` before, and the supervisor is told when it is overdue; the form stays
 * open until the office records the callback's outcome.
 */
import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { Duration } from 'luxon';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import { businessCalendar } from '../domain/business-calendar';
import {
  Actor,
  FORBIDDEN,
  INVALID_TRANSITION,
  MissedCallInput,
  MissedCallResult,
  MissedCallView,
  SYSTEM_ACTOR,
  CallbackOutcome,
  recordCallbackUpdate,
} from './definitions';

const { recordTransition, notify } = proxyActivities<Activities>(durableActivity);

export async function missedCallWorkflow(input: MissedCallInput): Promise<MissedCallResult> {
  const service = input.service;
  const calendar = businessCalendar(service.calendar);
  const office = service.offices.find((o) => o.code === input.office);
  const officeMailbox = office?.mailbox ?? service.mailboxes.sector;
  let seq = 1; // seq 1 ('created') was recorded by the contact workflow

  const s = { ...NEW_MISSED_CALL, closedBy: null as Actor | null };

  const view = () => missedCallView(input, s);

  const record = async (action: string, actor: Actor, payload: Record<string, unknown> = {}) => {
    await recordTransition({
      entityType: 'missed_call',
      entityId: input.id,
      seq: ++seq,
      action,
      actor,
      at: Date.now(),
      payload,
      projection: { table: 'missed_calls', row: missedCallRow(view()) },
    });
    return view();
  };

  setHandler(
    recordCallbackUpdate,
    async ({ outcome, note, actor }) => {
      s.status = 'closed';
      s.outcome = outcome;
      s.note = note ?? null;
      s.closedAt = Date.now();
      s.closedBy = actor;
      return record('called-back', actor, { outcome, note });
    },
    {
      validator: ({ actor }) => {
        if (s.status !== 'open') throw ApplicationFailure.create({ type: INVALID_TRANSITION, message: `missed-call form ${input.id} is already closed`, nonRetryable: true });
        if (actor.role === 'office' && actor.office !== input.office)
          throw ApplicationFailure.create({ type: FORBIDDEN, message: `missed-call form ${input.id} belongs to office ${input.office}`, nonRetryable: true });
      },
    },
  );

  // The form itself: one email, however often the activity is retried.
  const form = { contactId: input.contactId, serviceName: service.name, zone: service.calendar.zone, formId: input.id, officeName: office?.name ?? input.office, ...formFields(input) };
  await notify({
    key: `${input.id}/form`,
    to: [officeMailbox, ...(input.referentEmail && input.referentEmail !== officeMailbox ? [input.referentEmail] : [])],
    template: 'missed-call-form',
    data: { ...form, dueAt: input.dueAt },
  });
  await record('emailed', SYSTEM_ACTOR, { to: officeMailbox, referent: input.referentEmail ?? null });

  // Reminder `reminderLead` of business time before the due time, then the supervisor at the due time.
  const leadMs = Duration.fromISO(service.sla.reminderLead).toMillis();
  const total = calendar.businessTimeBetween(input.createdAt, input.dueAt);
  const reminderAt = total > leadMs ? calendar.addBusinessTime(input.createdAt, `PT${Math.floor((total - leadMs) / 1000)}S`) : input.createdAt;

  if (!(await condition(() => s.status !== 'open', Math.max(1, reminderAt - Date.now())))) {
    await notify({ key: `${input.id}/reminder`, to: [officeMailbox], template: 'missed-call-reminder', data: { ...form, dueAt: input.dueAt } });
    await record('reminder', SYSTEM_ACTOR, { dueAt: new Date(input.dueAt).toISOString() });
    if (!(await condition(() => s.status !== 'open', Math.max(1, input.dueAt - Date.now())))) {
      s.breached = true;
      await record('overdue', SYSTEM_ACTOR, { dueAt: new Date(input.dueAt).toISOString() });
      await notify({ key: `${input.id}/overdue`, to: [service.mailboxes.supervisor], template: 'missed-call-overdue', data: { ...form, dueAt: input.dueAt } });
    }
  }

  await condition(() => s.status !== 'open');
  await condition(allHandlersFinished);
  return { outcome: s.outcome!, note: s.note ?? undefined, actor: s.closedBy ?? SYSTEM_ACTOR };
}

export interface MissedCallState {
  status: 'open' | 'closed';
  breached: boolean;
  outcome: CallbackOutcome | null;
  note: string | null;
  closedAt: number | null;
}
export const NEW_MISSED_CALL: MissedCallState = { status: 'open', breached: false, outcome: null, note: null, closedAt: null };

/** What the API shows of a form: its input and its state (also built by the contact workflow at creation). */
export function missedCallView(input: MissedCallInput, s: MissedCallState): MissedCallView {
  return {
    id: input.id,
    contactId: input.contactId,
    service: input.service.code,
    office: input.office,
    status: s.status,
    callerSurname: input.callerSurname,
    callerName: input.callerName,
    callAt: new Date(input.callAt).toISOString(),
    personSought: input.personSought,
    reason: input.reason,
    callbackPhone: input.callbackPhone,
    callbackEmail: input.callbackEmail,
    referentEmail: input.referentEmail ?? null,
    dueAt: new Date(input.dueAt).toISOString(),
    breached: s.breached,
    outcome: s.outcome,
    note: s.note,
    createdAt: new Date(input.createdAt).toISOString(),
    closedAt: s.closedAt ? new Date(s.closedAt).toISOString() : null,
  };
}

function formFields(input: MissedCallInput) {
  return {
    callerSurname: input.callerSurname,
    callerName: input.callerName,
    callAt: input.callAt,
    personSought: input.personSought,
    reason: input.reason,
    callbackPhone: input.callbackPhone,
    callbackEmail: input.callbackEmail,
  };
}

/** The projection row of a form (also written by the contact workflow when the form is created). */
export function missedCallRow(v: MissedCallView): Record<string, unknown> {
  return {
    id: v.id,
    contact_id: v.contactId,
    service: v.service,
    office: v.office,
    status: v.status,
    caller_surname: v.callerSurname,
    caller_name: v.callerName,
    call_at: v.callAt,
    person_sought: v.personSought,
    reason: v.reason,
    callback_phone: v.callbackPhone,
    callback_email: v.callbackEmail ?? null,
    referent_email: v.referentEmail,
    due_at: v.dueAt,
    breached: v.breached,
    outcome: v.outcome,
    note: v.note,
    created_at: v.createdAt,
    closed_at: v.closedAt,
    updated_at: new Date(Date.now()).toISOString(),
  };
}
