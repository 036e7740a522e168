/**
 * One escalation of a contact to a back-office office, from opening to resolution or return.
 *
 * Deadlines are business time in the service's calendar: take charge within `sla.takeCharge`
 * and resolve within `sla.resolve`, both counted from the opening (or from a reassignment).
 * A reminder goes to the office mailbox `sla.reminderLead` of business time before each deadline;
 * when a deadline passes, the supervisor is told and the escalation is flagged, and stays open.
 * Every action is an update whose validator refuses impossible transitions synchronously.
 */
import { allHandlersFinished, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { BusinessCalendar, reminderInstant } from '../domain/business-calendar';
import type { Service } from '../domain/catalog';
import type { EscalationStatus, EscalationView, InfoRequest } from '../domain/contacts';
import { DEFAULT_CITIZEN_REPLY_LIMIT, remainingAt, resumedDue } from '../domain/paused-clock';
import { durableActivity } from './activity-options';
import { Actor, SYSTEM_ACTOR, workflowId } from './common';
import { DeadlineTimer, PlannedTimer, Rules, childOpening, createRecorder, forbidden, refuse, rulesOf } from './kit';
import {
  EscalationInput,
  EscalationResult,
  addNoteUpdate,
  citizenReplyUpdate,
  escalationQuery,
  reassignEscalationUpdate,
  requestCitizenInfoUpdate,
  resolveEscalationUpdate,
  returnEscalationUpdate,
  takeChargeUpdate,
} from './escalation.contract';

const { notify } = proxyActivities<Activities>(durableActivity);

type Deadline = 'take-charge' | 'resolve';

/**
 * Marks the histories of escalations that paused their clock for the citizen. The pause is only
 * reachable through the new `requestInfo` update, so histories recorded before it replay unchanged.
 */
const PAUSED_CLOCK_PATCH = 'escalation-paused-clock';

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
  const isActive = () => s.status === 'open' || s.status === 'in_charge' || s.status === 'waiting_citizen';
  const citizenEmail = () => input.contact.caller.email?.trim() || null;
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
        if (s.status === 'in_charge' || s.status === 'waiting_citizen') throw refuse(`escalation ${input.id} is already taken in charge`);
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
        if (s.status === 'waiting_citizen') throw refuse(`escalation ${input.id} is waiting for the citizen's reply: record the reply first`);
        if (s.status !== 'in_charge') throw refuse(`escalation ${input.id} must be taken in charge before it is resolved`);
      },
    },
  );

  setHandler(
    returnEscalationUpdate,
    async ({ reason, actor }) => {
      s.status = 'returned';
      s.pause = null;
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
      if (s.status === 'waiting_citizen') throw refuse(`escalation ${input.id} is waiting for the citizen's reply: record the reply first`);
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
        if (s.status === 'waiting_citizen') throw refuse(`escalation ${input.id} is waiting for the citizen's reply: record the reply first`);
      },
    },
  );

  // --- the paused clock: a question to the citizen, and the reply ---------------------------
  /** The deadlines still running in a status: their business time left is kept while paused. */
  const pendingIn = (status: EscalationStatus): Deadline[] =>
    (status === 'open' ? (['take-charge', 'resolve'] as Deadline[]) : status === 'in_charge' ? (['resolve'] as Deadline[]) : []).filter((d) => !s.breached[d]);

  /** Back to the status before the pause; every pending deadline the business time it had left after `now`. */
  const resume = (now: number, endedBy: InfoRequest['endedBy'], reply: string | null) => {
    const pause = s.pause!;
    for (const [deadline, ms] of Object.entries(pause.remainingMs) as [Deadline, number][]) {
      if (deadline === 'take-charge') s.takeChargeDueAt = resumedDue(calendar, now, ms);
      else s.resolveDueAt = resumedDue(calendar, now, ms);
    }
    s.status = pause.resumeStatus;
    s.pause = null;
    const asked = s.infoRequests[s.infoRequests.length - 1];
    asked.reply = reply;
    asked.repliedAt = reply === null ? null : new Date(now).toISOString();
    asked.endedBy = endedBy;
    timer.replan();
  };
  const dueTimes = () => ({ takeChargeDueAt: new Date(s.takeChargeDueAt).toISOString(), resolveDueAt: new Date(s.resolveDueAt).toISOString() });

  setHandler(
    requestCitizenInfoUpdate,
    async ({ question, actor }) => {
      if (!loaded) {
        await condition(() => loaded);
        if (s.status !== 'in_charge') throw refuse(`escalation ${input.id} is ${s.status}`);
      }
      patched(PAUSED_CLOCK_PATCH);
      const now = Date.now();
      const pending = pendingIn(s.status);
      const dues = Object.fromEntries(pending.map((d) => [d, dueOf(d)])) as Record<Deadline, number>;
      const until = calendar.addBusinessTime(now, service.sla.citizenReplyLimit ?? DEFAULT_CITIZEN_REPLY_LIMIT);
      s.pause = { since: now, until, remainingMs: remainingAt(calendar, now, dues), resumeStatus: s.status };
      s.status = 'waiting_citizen';
      s.infoRequests.push({ question, askedAt: new Date(now).toISOString(), askedBy: actor.name, reply: null, repliedAt: null, endedBy: null });
      const n = s.infoRequests.length;
      const v = await act('info-requested', actor, { question, waitLimitAt: new Date(until).toISOString(), remainingMs: s.pause.remainingMs });
      await notify({
        key: `${input.id}/info-request-${n}`,
        to: [citizenEmail()!],
        template: 'escalation-info-request',
        data: { ...emailBase(), question, waitLimitAt: until, phone: service.phoneNumbers[0] },
      });
      return v;
    },
    {
      validator: ({ actor }) => {
        mustBeOwnOffice(actor);
        if (s.status === 'waiting_citizen') throw refuse(`escalation ${input.id} is already waiting for the citizen's reply`);
        if (s.status !== 'in_charge') throw refuse(`escalation ${input.id} must be taken in charge (it is ${s.status}) before the citizen is asked`);
        if (!citizenEmail()) throw refuse(`the citizen of escalation ${input.id} left no email address: call them and add a note instead`);
      },
    },
  );

  setHandler(
    citizenReplyUpdate,
    async ({ reply, actor }) => {
      // Waiting for the citizen implies the rules were loaded (the question needed them).
      patched(PAUSED_CLOCK_PATCH);
      resume(Date.now(), 'reply', reply);
      return act('citizen-replied', actor, { reply, ...dueTimes() });
    },
    {
      validator: ({ actor }) => {
        mustBeOwnOffice(actor);
        if (s.status !== 'waiting_citizen') throw refuse(`escalation ${input.id} is not waiting for the citizen's reply (it is ${s.status})`);
      },
    },
  );

  /** No reply within the limit: back to the office with its clock running, and a notice to it. */
  const waitLimitReached = async () => {
    const n = s.infoRequests.length;
    resume(Date.now(), 'wait-limit', null);
    await recorder.record('wait-limit-reached', SYSTEM_ACTOR, dueTimes());
    await notify({ key: `${input.id}/wait-limit-${n}`, to: [officeMailbox()], template: 'escalation-wait-expired', data: { ...emailBase(), question: s.infoRequests[n - 1].question, resolveDueAt: s.resolveDueAt } });
  };

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
    // While the citizen is asked, no reminder nor breach: only the wait limit.
    if (s.status === 'waiting_citizen' && s.pause) timers.push({ at: s.pause.until, fire: waitLimitReached });
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
  /** While waiting for the citizen: the pause, the wait limit and the status to go back to. */
  pause: { since: number; until: number; remainingMs: Partial<Record<Deadline, number>>; resumeStatus: EscalationStatus } | null;
  infoRequests: InfoRequest[];
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
    pause: null,
    infoRequests: [],
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
    pause: s.pause
      ? {
          since: new Date(s.pause.since).toISOString(),
          until: new Date(s.pause.until).toISOString(),
          remainingMs: Object.fromEntries(Object.entries(s.pause.remainingMs).map(([d, ms]) => [d === 'take-charge' ? 'takeCharge' : d, ms])),
        }
      : null,
    infoRequests: s.infoRequests.map((r) => ({ ...r })),
  };
}
