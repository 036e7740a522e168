/**
 * One escalation of a contact to a back-office office, from opening to resolution or return.
 *
 * Deadlines are business time in the service's calendar: take charge within `sla.takeCharge`
 * and resolve within `sla.resolve`, both counted from the opening (or from a reassignment).
 * A reminder goes to the office mailbox `sla.reminderLead` of business time before each deadline;
 * when a deadline passes, the supervisor is told and the escalation is flagged, and stays open.
 * Every action is an update whose validator refuses impossible transitions synchronously.
 */
import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { Duration } from 'luxon';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import { businessCalendar } from '../domain/business-calendar';
import {
  Actor,
  EscalationInput,
  EscalationResult,
  EscalationStatus,
  EscalationView,
  FORBIDDEN,
  INVALID_TRANSITION,
  SYSTEM_ACTOR,
  addNoteUpdate,
  escalationQuery,
  reassignEscalationUpdate,
  resolveEscalationUpdate,
  returnEscalationUpdate,
  takeChargeUpdate,
} from './definitions';

const { recordTransition, notify } = proxyActivities<Activities>(durableActivity);

type Deadline = 'take-charge' | 'resolve';

const refuse = (message: string) => ApplicationFailure.create({ type: INVALID_TRANSITION, message, nonRetryable: true });

export async function escalationWorkflow(input: EscalationInput): Promise<EscalationResult> {
  const service = input.service;
  const calendar = businessCalendar(service.calendar);
  const leadMs = Duration.fromISO(service.sla.reminderLead).toMillis();
  let seq = input.openedSeq;

  const s = {
    ...openedEscalation(input),
    startedAt: input.openedAt,
    reminded: { 'take-charge': false, resolve: false } as Record<Deadline, boolean>,
    closedBy: null as Actor | null,
    /** Bumped by every update so the timer loop re-plans. */
    changes: 0,
  };

  const view = () => escalationView(input, s);

  const record = async (action: string, actor: Actor, payload: Record<string, unknown> = {}) => {
    await recordTransition({
      entityType: 'escalation',
      entityId: input.id,
      seq: ++seq,
      action,
      actor,
      at: Date.now(),
      payload,
      projection: { table: 'escalations', row: escalationRow(view()) },
    });
    return view();
  };

  const officeName = () => service.offices.find((o) => o.code === s.office)?.name ?? s.office;
  const officeMailbox = () => service.offices.find((o) => o.code === s.office)?.mailbox ?? service.mailboxes.sector;
  const isActive = () => s.status === 'open' || s.status === 'in_charge';
  const mustBeActive = () => {
    if (!isActive()) throw refuse(`escalation ${input.id} is ${s.status}`);
  };
  const mustBeOwnOffice = (actor: Actor) => {
    if (actor.role === 'office' && actor.office !== s.office)
      throw ApplicationFailure.create({ type: FORBIDDEN, message: `escalation ${input.id} belongs to office ${s.office}`, nonRetryable: true });
  };

  // --- the office's actions ---------------------------------------------------------------
  setHandler(
    takeChargeUpdate,
    async ({ actor }) => {
      s.status = 'in_charge';
      s.takenAt = Date.now();
      s.changes++;
      return record('taken-in-charge', actor);
    },
    {
      validator: ({ actor }) => {
        mustBeActive();
        mustBeOwnOffice(actor);
        if (s.status === 'in_charge') throw refuse(`escalation ${input.id} is already taken in charge`);
      },
    },
  );

  setHandler(
    addNoteUpdate,
    async ({ text, actor }) => {
      s.notes.push({ at: new Date(Date.now()).toISOString(), by: actor.name, text });
      s.changes++;
      return record('note-added', actor, { text });
    },
    {
      validator: ({ actor }) => {
        mustBeActive();
        mustBeOwnOffice(actor);
      },
    },
  );

  setHandler(
    resolveEscalationUpdate,
    async ({ response, actor }) => {
      s.status = 'resolved';
      s.response = response;
      s.resolvedAt = Date.now();
      s.closedBy = actor;
      s.changes++;
      return record('resolved', actor, { response });
    },
    {
      validator: ({ actor }) => {
        mustBeActive();
        mustBeOwnOffice(actor);
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
      s.changes++;
      return record('returned', actor, { reason });
    },
    {
      validator: ({ actor }) => {
        mustBeActive();
        mustBeOwnOffice(actor);
      },
    },
  );

  // --- the supervisor's action: another office, with fresh deadlines ------------------------
  setHandler(
    reassignEscalationUpdate,
    async ({ office, actor }) => {
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
      s.changes++;
      const v = await record('reassigned', actor, { from, to: office });
      await notifyOfficeOfOpening(`reassigned-${seq}`);
      return v;
    },
    {
      validator: ({ office }) => {
        mustBeActive();
        if (!service.offices.some((o) => o.code === office)) throw refuse(`office ${office} is not an office of service ${service.code}`);
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
  /** The instant `leadMs` of business time before `due` (never before the clock started). */
  const reminderAt = (due: number) => {
    const total = calendar.businessTimeBetween(s.startedAt, due);
    if (total <= leadMs) return s.startedAt;
    return calendar.addBusinessTime(s.startedAt, `PT${Math.floor((total - leadMs) / 1000)}S`);
  };

  type Timer = { at: number; kind: 'reminder' | 'breach'; deadline: Deadline };
  const nextTimer = (): Timer | undefined => {
    const timers: Timer[] = [];
    const pending: Deadline[] = s.status === 'open' ? ['take-charge', 'resolve'] : s.status === 'in_charge' ? ['resolve'] : [];
    for (const deadline of pending) {
      const due = deadline === 'take-charge' ? s.takeChargeDueAt : s.resolveDueAt;
      if (!s.reminded[deadline] && !s.breached[deadline]) timers.push({ at: reminderAt(due), kind: 'reminder', deadline });
      if (!s.breached[deadline]) timers.push({ at: due, kind: 'breach', deadline });
    }
    return timers.sort((a, b) => a.at - b.at)[0];
  };

  const fire = async (t: Timer) => {
    const due = t.deadline === 'take-charge' ? s.takeChargeDueAt : s.resolveDueAt;
    if (t.kind === 'reminder') {
      s.reminded[t.deadline] = true;
      await notify({ key: `${input.id}/reminder-${t.deadline}-${s.startedAt}`, to: [officeMailbox()], template: 'escalation-reminder', data: { ...emailBase(), deadline: t.deadline, dueAt: due } });
      await record(`reminder-${t.deadline}`, SYSTEM_ACTOR, { dueAt: new Date(due).toISOString() });
    } else {
      s.breached[t.deadline] = true;
      s.reminded[t.deadline] = true;
      await record(`breached-${t.deadline}`, SYSTEM_ACTOR, { dueAt: new Date(due).toISOString() });
      await notify({ key: `${input.id}/breach-${t.deadline}-${s.startedAt}`, to: [service.mailboxes.supervisor], template: 'escalation-breached', data: { ...emailBase(), deadline: t.deadline, dueAt: due } });
    }
  };

  await notifyOfficeOfOpening('opened');

  while (isActive()) {
    const seen = s.changes;
    const timer = nextTimer();
    if (!timer) {
      await condition(() => s.changes !== seen || !isActive());
      continue;
    }
    const woke = await condition(() => s.changes !== seen || !isActive(), Math.max(1, timer.at - Date.now()));
    // Re-check after the wait: an update may have changed the plan while a timer was due.
    if (!woke && isActive() && s.changes === seen) await fire(timer);
  }

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
    service: input.service.code,
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

/** The projection row of an escalation (also written by the contact workflow when it opens one). */
export function escalationRow(v: EscalationView): Record<string, unknown> {
  return {
    id: v.id,
    contact_id: v.contactId,
    service: v.service,
    office: v.office,
    status: v.status,
    note: v.note,
    take_charge_due_at: v.takeChargeDueAt,
    resolve_due_at: v.resolveDueAt,
    taken_at: v.takenAt,
    resolved_at: v.resolvedAt,
    take_charge_breached: v.takeChargeBreached,
    resolve_breached: v.resolveBreached,
    response: v.response,
    return_reason: v.returnReason,
    notes: v.notes,
    created_at: v.createdAt,
    updated_at: new Date(Date.now()).toISOString(),
  };
}
