/**
 * One escalation of a contact to a back-office office, from opening to resolution or return.
 *
 * Deadlines are business time in the service's calendar: take charge within `sla.takeCharge`
 * and resolve within `sla.resolve`, both counted from the opening (or from a reassignment).
 * A reminder goes to the office mailbox `sla.reminderLead` of business time before each deadline;
 * when a deadline passes, the supervisor is told and the escalation is flagged, and stays open.
 * Every action is an update whose validator refuses impossible transitions synchronously.
 */
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { BusinessCalendar, reminderInstant } from '../domain/business-calendar';
import type { Service } from '../domain/catalog';
import type { EscalationStatus, EscalationView } from '../domain/contacts';
import { durableActivity } from './activity-options';
import { Actor, SYSTEM_ACTOR, workflowId } from './common';
import { DeadlineTimer, PlannedTimer, Rules, childOpening, createRecorder, forbidden, refuse, rulesOf } from './kit';
import {
  EscalationInput,
  EscalationResult,
  addNoteUpdate,
  escalationQuery,
  reassignEscalationUpdate,
  resolveEscalationUpdate,
  returnEscalationUpdate,
  takeChargeUpdate,
} from './escalation.contract';

const { notify } = proxyActivities<Activities>(durableActivity);

type Deadline = 'take-charge' | 'resolve';

/**
 * The opening of an escalation, done by its contact: the view the API answers with, the first
 * transition (written with the contact's) and the start of this workflow.
 */
export function openEscalation(o: Omit<EscalationInput, 'openedAt' | 'takeChargeDueAt' | 'resolveDueAt'> & { rules: Rules }) {
  const { rules, ...ref } = o;
  const now = Date.now();
  const input: EscalationInput = {
    ...ref,
    openedAt: now,
    takeChargeDueAt: rules.calendar.addBusinessTime(now, rules.service.sla.takeCharge),
    resolveDueAt: rules.calendar.addBusinessTime(now, rules.service.sla.resolve),
  };
  const view = escalationView(input, openedEscalation(input));
  const opening = childOpening({
    workflow: escalationWorkflow,
    workflowId: workflowId.escalation(input.id),
    input,
    transition: { entityType: 'escalation', entityId: input.id, action: 'opened', actor: input.actor, at: now, payload: { office: input.office, note: input.note }, projection: { entity: 'escalation', view } },
    searchable: searchableOf(input, view),
  });
  return { view, ...opening };
}

const searchableOf = (input: EscalationInput, v: Pick<EscalationView, 'office' | 'status'>) => ({ service: input.service, office: v.office, status: v.status });

export async function escalationWorkflow(input: EscalationInput): Promise<EscalationResult> {
  // Handlers are set before the rules' lookup (the first await): an office may act at once.
  let service = undefined as unknown as Service;
  let calendar = undefined as unknown as BusinessCalendar;
  let loaded = false;

  const s = {
    ...openedEscalation(input),
    startedAt: input.openedAt,
    reminded: { 'take-charge': false, resolve: false } as Record<Deadline, boolean>,
    closedBy: null as Actor | null,
  };
  const timer = new DeadlineTimer();

  const view = () => escalationView(input, s);
  const recorder = createRecorder({
    entityType: 'escalation',
    entityId: input.id,
    recorded: 1,
    startedWith: searchableOf(input, { office: input.office, status: 'open' }),
    projection: () => ({ entity: 'escalation', view: view() }),
    searchable: () => searchableOf(input, s),
  });
  /** Records an office's or supervisor's action and answers with the new view. */
  const act = async (action: string, actor: Actor, payload: Record<string, unknown> = {}) => {
    timer.replan();
    await recorder.record(action, actor, payload);
    return view();
  };

  const officeName = () => service.offices.find((o) => o.code === s.office)?.name ?? s.office;
  const officeMailbox = () => service.offices.find((o) => o.code === s.office)?.mailbox ?? service.mailboxes.sector;
  const isActive = () => s.status === 'open' || s.status === 'in_charge';
  const mustBeActive = () => {
    if (!isActive()) throw refuse(`escalation ${input.id} is ${s.status}`);
  };
  const mustBeOwnOffice = (actor: Actor) => {
    if (actor.role === 'office' && actor.office !== s.office) throw forbidden(`escalation ${input.id} belongs to office ${s.office}`);
  };
  const mustBeOfficeOfService = (office: string) => {
    if (!service.offices.some((o) => o.code === office)) throw refuse(`office ${office} is not an office of service ${service.code}`);
  };
  const officeAction = {
    validator: ({ actor }: { actor: Actor }) => {
      mustBeActive();
      mustBeOwnOffice(actor);
    },
  };

  // --- the office's actions ---------------------------------------------------------------
  setHandler(
    takeChargeUpdate,
    async ({ actor }) => {
      s.status = 'in_charge';
      s.takenAt = Date.now();
      return act('taken-in-charge', actor);
    },
    {
      validator: ({ actor }) => {
        officeAction.validator({ actor });
        if (s.status === 'in_charge') throw refuse(`escalation ${input.id} is already taken in charge`);
      },
    },
  );

  setHandler(
    addNoteUpdate,
    async ({ text, actor }) => {
      s.notes.push({ at: new Date(Date.now()).toISOString(), by: actor.name, text });
      return act('note-added', actor, { text });
    },
    officeAction,
  );

  setHandler(
    resolveEscalationUpdate,
    async ({ response, actor }) => {
      s.status = 'resolved';
      s.response = response;
      s.resolvedAt = Date.now();
      s.closedBy = actor;
      return act('resolved', actor, { response });
    },
    {
      validator: ({ actor }) => {
        officeAction.validator({ actor });
        if (s.status !== 'in_charge') throw refuse(`escalation ${input.id} must be taken in charge before it is resolved`);
      },
    },
  );

  setHandler(
    returnEscalationUpdate,
    async ({ reason, actor }) => {
      s.status = 'returned';
      s.returnReason = reason;
      s.closedBy = actor;
      return act('returned', actor, { reason });
    },
    officeAction,
  );

  // --- the supervisor's action: another office, with fresh deadlines ------------------------
  setHandler(
    reassignEscalationUpdate,
    async ({ office, actor }) => {
      await condition(() => loaded);
      mustBeOfficeOfService(office);
      mustBeActive();
      const from = s.office;
      const now = Date.now();
      s.office = office;
      s.status = 'open';
      s.startedAt = now;
      s.takenAt = null;
      s.takeChargeDueAt = calendar.addBusinessTime(now, service.sla.takeCharge);
      s.resolveDueAt = calendar.addBusinessTime(now, service.sla.resolve);
      s.breached = { 'take-charge': false, resolve: false };
      s.reminded = { 'take-charge': false, resolve: false };
      const v = await act('reassigned', actor, { from, to: office });
      await notifyOfficeOfOpening(`reassigned-${now}`);
      return v;
    },
    {
      validator: ({ office }) => {
        mustBeActive();
        // Right after the opening the rules may still be on their way: the handler checks then.
        if (loaded) mustBeOfficeOfService(office);
        if (office === s.office) throw refuse(`escalation ${input.id} is already with office ${office}`);
      },
    },
  );

  setHandler(escalationQuery, view);

  const emailBase = () => ({ contactId: input.contactId, serviceName: service.name, zone: service.calendar.zone, escalationId: input.id, officeName: officeName(), reason: input.contact.reason });

  async function notifyOfficeOfOpening(keySuffix: string) {
    await notify({
      key: `${input.id}/${keySuffix}`,
      to: [officeMailbox()],
      template: 'escalation-opened',
      data: { ...emailBase(), category: input.contact.category, caller: input.contact.caller, note: s.note ?? undefined, takeChargeDueAt: s.takeChargeDueAt, resolveDueAt: s.resolveDueAt },
    });
  }

  // --- timers: reminders before each deadline, breach after it -----------------------------
  const dueOf = (deadline: Deadline) => (deadline === 'take-charge' ? s.takeChargeDueAt : s.resolveDueAt);

  const remind = async (deadline: Deadline) => {
    s.reminded[deadline] = true;
    await notify({ key: `${input.id}/reminder-${deadline}-${s.startedAt}`, to: [officeMailbox()], template: 'escalation-reminder', data: { ...emailBase(), deadline, dueAt: dueOf(deadline) } });
    await recorder.record(`reminder-${deadline}`, SYSTEM_ACTOR, { dueAt: new Date(dueOf(deadline)).toISOString() });
  };

  const breach = async (deadline: Deadline) => {
    s.breached[deadline] = true;
    s.reminded[deadline] = true;
    await recorder.record(`breached-${deadline}`, SYSTEM_ACTOR, { dueAt: new Date(dueOf(deadline)).toISOString() });
    await notify({ key: `${input.id}/breach-${deadline}-${s.startedAt}`, to: [service.mailboxes.supervisor], template: 'escalation-breached', data: { ...emailBase(), deadline, dueAt: dueOf(deadline) } });
  };

  const plan = (): PlannedTimer | undefined => {
    const timers: PlannedTimer[] = [];
    const pending: Deadline[] = s.status === 'open' ? ['take-charge', 'resolve'] : s.status === 'in_charge' ? ['resolve'] : [];
    for (const deadline of pending) {
      const due = dueOf(deadline);
      if (!s.reminded[deadline] && !s.breached[deadline]) timers.push({ at: reminderInstant(calendar, s.startedAt, due, service.sla.reminderLead), fire: () => remind(deadline) });
      if (!s.breached[deadline]) timers.push({ at: due, fire: () => breach(deadline) });
    }
    return timers.sort((a, b) => a.at - b.at)[0];
  };

  const rules = await rulesOf(input);
  service = rules.service;
  calendar = rules.calendar;
  loaded = true;
  await notifyOfficeOfOpening('opened');
  await timer.run(plan, () => !isActive());

  await condition(allHandlersFinished);
  return {
    outcome: s.status === 'resolved' ? 'resolved' : 'returned',
    response: s.response ?? undefined,
    returnReason: s.returnReason ?? undefined,
    office: s.office,
    actor: s.closedBy ?? SYSTEM_ACTOR,
  };
}

export interface EscalationState {
  status: EscalationStatus;
  office: string;
  note: string | null;
  createdAt: number;
  takeChargeDueAt: number;
  resolveDueAt: number;
  takenAt: number | null;
  resolvedAt: number | null;
  breached: Record<Deadline, boolean>;
  response: string | null;
  returnReason: string | null;
  notes: { at: string; by: string; text: string }[];
}

/** The state of an escalation when it opens. */
export function openedEscalation(input: EscalationInput): EscalationState {
  return {
    status: 'open',
    office: input.office,
    note: input.note ?? null,
    createdAt: input.openedAt,
    takeChargeDueAt: input.takeChargeDueAt,
    resolveDueAt: input.resolveDueAt,
    takenAt: null,
    resolvedAt: null,
    breached: { 'take-charge': false, resolve: false },
    response: null,
    returnReason: null,
    notes: [],
  };
}

/** What the API shows of an escalation (also built by the contact workflow when it opens one). */
export function escalationView(input: EscalationInput, s: EscalationState): EscalationView {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: input.id,
    contactId: input.contactId,
    service: input.service,
    office: s.office,
    status: s.status,
    note: s.note,
    takeChargeDueAt: new Date(s.takeChargeDueAt).toISOString(),
    resolveDueAt: new Date(s.resolveDueAt).toISOString(),
    takenAt: iso(s.takenAt),
    resolvedAt: iso(s.resolvedAt),
    takeChargeBreached: s.breached['take-charge'],
    resolveBreached: s.breached.resolve,
    response: s.response,
    returnReason: s.returnReason,
    notes: s.notes,
    createdAt: new Date(s.createdAt).toISOString(),
  };
}
