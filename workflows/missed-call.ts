/**
 * One missed-call form ("mancata risposta"): a transfer failed, so the standard form goes by email
 * to the competent office's mailbox (and the referent's own, when asked), and the office calls back.
 *
 * The callback is due within the service's `sla.callback` of business time: a reminder goes to the
 * office `sla.reminderLead` before, and the supervisor is told when it is overdue; the form stays
 * open until the office records the callback's outcome.
 */
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { reminderInstant } from '../domain/business-calendar';
import type { CallbackOutcome, MissedCallView } from '../domain/contacts';
import { durableActivity } from './activity-options';
import { Actor, SYSTEM_ACTOR, workflowId } from './common';
import { DeadlineTimer, PlannedTimer, Rules, childOpening, createRecorder, forbidden, refuse, rulesOf } from './kit';
import { MissedCallInput, MissedCallResult, recordCallbackUpdate } from './missed-call.contract';

const { notify } = proxyActivities<Activities>(durableActivity);

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
  const s = { ...NEW_MISSED_CALL, reminded: false, closedBy: null as Actor | null };
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

  const { service, calendar } = await rulesOf(input);
  const office = service.offices.find((o) => o.code === input.office);
  const officeMailbox = office?.mailbox ?? service.mailboxes.sector;

  // The form itself: one email, however often the activity is retried.
  const form = { contactId: input.contactId, serviceName: service.name, zone: service.calendar.zone, formId: input.id, officeName: office?.name ?? input.office, ...formFields(input), dueAt: input.dueAt };
  await notify({
    key: `${input.id}/form`,
    to: [officeMailbox, ...(input.referentEmail && input.referentEmail !== officeMailbox ? [input.referentEmail] : [])],
    template: 'missed-call-form',
    data: form,
  });
  await recorder.record('emailed', SYSTEM_ACTOR, { to: officeMailbox, referent: input.referentEmail ?? null });

  // Reminder `reminderLead` of business time before the due time, then the supervisor at the due time.
  const dueAt = new Date(input.dueAt).toISOString();
  const plan = (): PlannedTimer | undefined => {
    if (s.status !== 'open' || s.breached) return undefined;
    if (!s.reminded) {
      return {
        at: reminderInstant(calendar, input.createdAt, input.dueAt, service.sla.reminderLead),
        fire: async () => {
          s.reminded = true;
          await notify({ key: `${input.id}/reminder`, to: [officeMailbox], template: 'missed-call-reminder', data: form });
          await recorder.record('reminder', SYSTEM_ACTOR, { dueAt });
        },
      };
    }
    return {
      at: input.dueAt,
      fire: async () => {
        s.breached = true;
        await recorder.record('overdue', SYSTEM_ACTOR, { dueAt });
        await notify({ key: `${input.id}/overdue`, to: [service.mailboxes.supervisor], template: 'missed-call-overdue', data: form });
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
}
const NEW_MISSED_CALL: MissedCallState = { status: 'open', breached: false, outcome: null, note: null, closedAt: null };

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
