/**
 * One missed-call form ("mancata risposta"): a transfer failed, so the standard form goes by email
 * to the competent office's mailbox (and the referent's own, when asked), and the office calls back.
 *
 * The callback is due within the service's `sla.callback` of business time: a reminder goes to the
 * office `sla.reminderLead` before, and the supervisor is told when it is overdue; the form stays
 * open until the office records the callback's outcome.
 */
import { allHandlersFinished, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { BusinessCalendar, reminderInstant } from '../domain/business-calendar';
import type { Service } from '../domain/catalog';
import type { CallbackOutcome, MissedCallView } from '../domain/contacts';
import { MAX_RETRY_DAYS, resumedDue, retryInstant } from '../domain/paused-clock';
import { durableActivity } from './activity-options';
import { Actor, SYSTEM_ACTOR, workflowId } from './common';
import { DeadlineTimer, PlannedTimer, Rules, badInput, childOpening, createRecorder, forbidden, refuse, rulesOf } from './kit';
import { MissedCallInput, MissedCallResult, recordCallbackUpdate, retryCallbackUpdate } from './missed-call.contract';

const { notify } = proxyActivities<Activities>(durableActivity);

/**
 * Marks the histories of forms whose callback was put off. The retry is only reachable through the
 * new `retryCallback` update, so histories recorded before it replay unchanged.
 */
const CALLBACK_RETRY_PATCH = 'missed-call-retry';

/**
 * The creation of a form, done by its contact: the view the API answers with, the first
 * transition (written with the contact's) and the start of this workflow.
 */
export function openMissedCall(o: Omit<MissedCallInput, 'createdAt' | 'dueAt'> & { rules: Rules }) {
  const { rules, ...request } = o;
  const now = Date.now();
  const input: MissedCallInput = { ...request, createdAt: now, dueAt: rules.calendar.addBusinessTime(now, rules.service.sla.callback) };
  const view = missedCallView(input, NEW_MISSED_CALL);
  const opening = childOpening({
    workflow: missedCallWorkflow,
    workflowId: workflowId.missedCall(input.id),
    input,
    transition: { entityType: 'missed_call', entityId: input.id, action: 'created', actor: input.actor, at: now, payload: { office: input.office }, projection: { entity: 'missed_call', view } },
    searchable: { service: input.service, office: input.office, status: 'open' },
  });
  return { view, ...opening };
}

export async function missedCallWorkflow(input: MissedCallInput): Promise<MissedCallResult> {
  const s = { ...NEW_MISSED_CALL, dueAt: input.dueAt, reminded: false, closedBy: null as Actor | null };
  let service = undefined as unknown as Service;
  let calendar = undefined as unknown as BusinessCalendar;
  let loaded = false;
  const timer = new DeadlineTimer();
  const view = () => missedCallView(input, s);
  const recorder = createRecorder({
    entityType: 'missed_call',
    entityId: input.id,
    recorded: 1,
    startedWith: { service: input.service, office: input.office, status: 'open' },
    projection: () => ({ entity: 'missed_call', view: view() }),
    searchable: () => ({ service: input.service, office: input.office, status: s.status }),
  });

  // Set before the rules' lookup (the first await): the office may call back at once.
  setHandler(
    recordCallbackUpdate,
    async ({ outcome, note, actor }) => {
      s.status = 'closed';
      s.outcome = outcome;
      s.note = note ?? null;
      s.closedAt = Date.now();
      s.closedBy = actor;
      s.pause = null;
      timer.replan();
      await recorder.record('called-back', actor, { outcome, note });
      return view();
    },
    {
      validator: ({ actor }) => {
        if (s.status !== 'open') throw refuse(`missed-call form ${input.id} is already closed`);
        if (actor.role === 'office' && actor.office !== input.office) throw forbidden(`missed-call form ${input.id} belongs to office ${input.office}`);
      },
    },
  );

  // --- "not reachable, retry": the clock pauses until the new attempt -------------------------
  setHandler(
    retryCallbackUpdate,
    async ({ retryAt, note, actor }) => {
      if (!loaded) await condition(() => loaded);
      if (s.status !== 'open') throw refuse(`missed-call form ${input.id} is already closed`);
      patched(CALLBACK_RETRY_PATCH);
      const now = Date.now();
      const until = retryInstant(calendar, retryAt);
      // A second retry while paused moves the attempt; the time left stays the one of the first pause.
      const remainingMs = s.pause ? s.pause.remainingMs : s.breached ? {} : { callback: calendar.businessTimeBetween(now, s.dueAt) };
      s.pause = { since: s.pause?.since ?? now, until, remainingMs };
      s.retries++;
      s.note = note ?? s.note;
      timer.replan();
      await recorder.record('callback-retry', actor, { retryAt: new Date(until).toISOString(), requestedAt: new Date(retryAt).toISOString(), note });
      return view();
    },
    {
      validator: ({ retryAt, actor }) => {
        if (s.status !== 'open') throw refuse(`missed-call form ${input.id} is already closed`);
        if (actor.role === 'office' && actor.office !== input.office) throw forbidden(`missed-call form ${input.id} belongs to office ${input.office}`);
        if (!(retryAt > Date.now())) throw badInput('retryAt', 'must be in the future');
        if (retryAt > Date.now() + MAX_RETRY_DAYS * 86_400_000) throw badInput('retryAt', `must be within ${MAX_RETRY_DAYS} days`);
      },
    },
  );

  ({ service, calendar } = await rulesOf(input));
  loaded = true;
  const office = service.offices.find((o) => o.code === input.office);
  const officeMailbox = office?.mailbox ?? service.mailboxes.sector;

  // The form itself: one email, however often the activity is retried.
  const form = { contactId: input.contactId, serviceName: service.name, zone: service.calendar.zone, formId: input.id, officeName: office?.name ?? input.office, ...formFields(input), dueAt: input.dueAt };
  /** The form's data with the due time as it is now (moved by retries). */
  const formNow = () => ({ ...form, dueAt: s.dueAt });
  await notify({
    key: `${input.id}/form`,
    to: [officeMailbox, ...(input.referentEmail && input.referentEmail !== officeMailbox ? [input.referentEmail] : [])],
    template: 'missed-call-form',
    data: form,
  });
  await recorder.record('emailed', SYSTEM_ACTOR, { to: officeMailbox, referent: input.referentEmail ?? null });

  // At the new attempt time: the clock resumes with the business time it had left, the office is reminded.
  const retryDue = async () => {
    const pause = s.pause!;
    const now = Date.now();
    if (pause.remainingMs.callback !== undefined) s.dueAt = resumedDue(calendar, now, pause.remainingMs.callback);
    s.pause = null;
    const n = s.retries;
    await recorder.record('retry-due', SYSTEM_ACTOR, { dueAt: new Date(s.dueAt).toISOString() });
    await notify({ key: `${input.id}/retry-${n}`, to: [officeMailbox], template: 'missed-call-retry', data: { ...formNow(), retryAt: pause.until } });
  };

  // Reminder `reminderLead` of business time before the due time, then the supervisor at the due time.
  const plan = (): PlannedTimer | undefined => {
    if (s.status !== 'open') return undefined;
    // Paused until the new attempt: no reminder, no overdue notice meanwhile.
    if (s.pause) return { at: s.pause.until, fire: retryDue };
    if (s.breached) return undefined;
    const dueAt = new Date(s.dueAt).toISOString();
    if (!s.reminded) {
      return {
        at: reminderInstant(calendar, input.createdAt, s.dueAt, service.sla.reminderLead),
        fire: async () => {
          s.reminded = true;
          await notify({ key: `${input.id}/reminder`, to: [officeMailbox], template: 'missed-call-reminder', data: formNow() });
          await recorder.record('reminder', SYSTEM_ACTOR, { dueAt });
        },
      };
    }
    return {
      at: s.dueAt,
      fire: async () => {
        s.breached = true;
        await recorder.record('overdue', SYSTEM_ACTOR, { dueAt });
        await notify({ key: `${input.id}/overdue`, to: [service.mailboxes.supervisor], template: 'missed-call-overdue', data: formNow() });
      },
    };
  };
  await timer.run(plan, () => s.status !== 'open');

  await condition(allHandlersFinished);
  return { outcome: s.outcome!, note: s.note ?? undefined, actor: s.closedBy ?? SYSTEM_ACTOR };
}

export interface MissedCallState {
  status: 'open' | 'closed';
  breached: boolean;
  outcome: CallbackOutcome | null;
  note: string | null;
  closedAt: number | null;
  /** The current due time (the input's, moved by retries). */
  dueAt?: number;
  /** Paused until a new callback attempt: the business time the clock had left (none once overdue). */
  pause?: { since: number; until: number; remainingMs: { callback?: number } } | null;
  retries?: number;
}
const NEW_MISSED_CALL = { status: 'open', breached: false, outcome: null, note: null, closedAt: null, pause: null, retries: 0 } as MissedCallState & { pause: MissedCallState['pause']; retries: number };

/** What the API shows of a form: its input and its state (also built by the contact workflow at creation). */
function missedCallView(input: MissedCallInput, s: MissedCallState): MissedCallView {
  return {
    id: input.id,
    contactId: input.contactId,
    service: input.service,
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
    dueAt: new Date(s.dueAt ?? input.dueAt).toISOString(),
    breached: s.breached,
    outcome: s.outcome,
    note: s.note,
    createdAt: new Date(input.createdAt).toISOString(),
    closedAt: s.closedAt ? new Date(s.closedAt).toISOString() : null,
    pause: s.pause ? { since: new Date(s.pause.since).toISOString(), until: new Date(s.pause.until).toISOString(), remainingMs: { ...s.pause.remainingMs } } : null,
    retries: s.retries ?? 0,
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
