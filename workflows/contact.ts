/**
 * One citizen's contact, from intake to its answer.
 *
 * waiting (a voicemail left out of hours, until the window opens) → triage (the operators' queue)
 * → resolved at first level, or escalated to an office (a child escalation workflow) → resolved by
 * the office, or returned by it to triage; or, when a transfer fails, a missed-call form for the
 * office to call back (a child workflow). The citizen receives the answer by email when the
 * contact has an address. Every action is an update whose validator refuses impossible transitions.
 */
import {
  ApplicationFailure,
  ChildWorkflowHandle,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import { businessCalendar } from '../domain/business-calendar';
import {
  Actor,
  ContactInput,
  ContactResult,
  ContactStatus,
  ContactView,
  EscalationInput,
  EscalationResult,
  EscalationView,
  INVALID_TRANSITION,
  MissedCallInput,
  MissedCallResult,
  MissedCallView,
  Resolution,
  SYSTEM_ACTOR,
  classifyContactUpdate,
  contactQuery,
  escalateContactUpdate,
  missedCallUpdate,
  registerContactUpdate,
  resolveContactUpdate,
  workflowId,
} from './definitions';
import { escalationRow, escalationView, escalationWorkflow, openedEscalation } from './escalation';
import { NEW_MISSED_CALL, missedCallRow, missedCallView, missedCallWorkflow } from './missed-call';

const { recordTransition, notify } = proxyActivities<Activities>(durableActivity);

const refuse = (message: string) => ApplicationFailure.create({ type: INVALID_TRANSITION, message, nonRetryable: true });

export async function contactWorkflow(input: ContactInput): Promise<ContactResult> {
  const service = input.service;
  const calendar = businessCalendar(service.calendar);
  const now = Date.now();
  const receivedAt = Math.min(input.receivedAt ?? now, now);
  // IVR choices are configuration: a sub-service with its referent, or an automatic answer.
  const ivr = input.ivrCode ? service.ivrMenu.find((o) => o.code === input.ivrCode) : undefined;
  // A voicemail left out of hours waits for the window to open before operators see it.
  // Its response clock starts there.
  const queuedAt = input.channel === 'voicemail' ? calendar.nextOpening(now) : now;
  let seq = 0;

  const s = {
    status: (queuedAt > now ? 'waiting' : 'triage') as ContactStatus,
    category: input.category ?? ivr?.category ?? null,
    answer: null as string | null,
    resolution: null as Resolution | null,
    office: ivr?.office ?? null,
    escalationId: null as string | null,
    escalations: 0,
    resolvedAt: null as number | null,
    registered: false,
    escalation: null as ChildWorkflowHandle<typeof escalationWorkflow> | null,
    missedCallId: null as string | null,
    missedCalls: 0,
    missedCall: null as ChildWorkflowHandle<typeof missedCallWorkflow> | null,
  };

  const view = (): ContactView => ({
    id: input.id,
    service: service.code,
    channel: input.channel,
    origin: input.origin,
    status: s.status,
    category: s.category,
    callId: input.callId ?? null,
    ivrCode: input.ivrCode ?? null,
    subService: ivr?.subService ?? null,
    referent: ivr?.referent ?? null,
    caller: input.caller,
    reason: input.reason,
    answer: s.answer,
    resolution: s.resolution,
    office: s.office,
    escalationId: s.escalationId,
    missedCallId: s.missedCallId,
    createdAt: new Date(receivedAt).toISOString(),
    queuedAt: new Date(queuedAt).toISOString(),
    resolvedAt: s.resolvedAt ? new Date(s.resolvedAt).toISOString() : null,
  });

  const record = async (action: string, actor: Actor, payload: Record<string, unknown> = {}) => {
    const v = view();
    await recordTransition({
      entityType: 'contact',
      entityId: input.id,
      seq: ++seq,
      action,
      actor,
      at: Date.now(),
      payload,
      projection: {
        table: 'contacts',
        row: {
          id: v.id,
          service: v.service,
          channel: v.channel,
          origin: v.origin,
          status: v.status,
          category: v.category,
          call_id: v.callId,
          ivr_code: v.ivrCode,
          sub_service: v.subService,
          referent: v.referent,
          caller: v.caller,
          reason: v.reason,
          answer: v.answer,
          resolution: v.resolution,
          office: v.office,
          escalation_id: v.escalationId,
          missed_call_id: v.missedCallId,
          origin_details: input.originDetails ?? {},
          created_at: v.createdAt,
          queued_at: v.queuedAt,
          resolved_at: v.resolvedAt,
          updated_at: new Date(Date.now()).toISOString(),
        },
      },
    });
    return view();
  };

  const mustBeInTriage = () => {
    if (s.status === 'waiting') throw refuse(`contact ${input.id} is not in the operators' queue until ${new Date(queuedAt).toISOString()}`);
    if (s.status !== 'triage') throw refuse(`contact ${input.id} is ${s.status}`);
  };

  // Intake: the API starts the workflow together with this update and answers with its result.
  setHandler(registerContactUpdate, async () => {
    await condition(() => s.registered);
    return view();
  });

  setHandler(
    classifyContactUpdate,
    async ({ category, actor }) => {
      const from = s.category;
      s.category = category;
      return record('classified', actor, { from, to: category });
    },
    {
      validator: ({ category }) => {
        mustBeInTriage();
        if (!service.categories.some((c) => c.code === category)) throw refuse(`unknown category ${category} for service ${service.code}`);
      },
    },
  );

  setHandler(
    resolveContactUpdate,
    async ({ answer, actor }) => {
      s.status = 'resolved';
      s.answer = answer;
      s.resolution = 'first_level';
      s.resolvedAt = Date.now();
      return record('resolved', actor, { answer, resolution: 'first_level' });
    },
    { validator: (_args: { answer: string }) => mustBeInTriage() },
  );

  setHandler(
    escalateContactUpdate,
    async ({ office, note, actor }): Promise<EscalationView> => {
      const now = Date.now();
      const escalationId = `${input.id}-E${++s.escalations}`;
      s.status = 'escalated';
      s.office = office;
      s.escalationId = escalationId;
      await record('escalated', actor, { office, note, escalationId });
      const child: EscalationInput = {
        id: escalationId,
        contactId: input.id,
        service,
        office,
        note,
        contact: { reason: input.reason, category: s.category, caller: input.caller },
        openedSeq: 1,
        openedAt: now,
        takeChargeDueAt: calendar.addBusinessTime(now, service.sla.takeCharge),
        resolveDueAt: calendar.addBusinessTime(now, service.sla.resolve),
        actor,
      };
      const opened = escalationView(child, openedEscalation(child));
      // The escalation's first row is written here, so the office's queue shows it as soon as we answer.
      await recordTransition({
        entityType: 'escalation',
        entityId: escalationId,
        seq: 1,
        action: 'opened',
        actor,
        at: now,
        payload: { office, note },
        projection: { table: 'escalations', row: escalationRow(opened) },
      });
      s.escalation = await startChild(escalationWorkflow, {
        workflowId: workflowId.escalation(escalationId),
        args: [child],
        // The escalation outlives nothing: it belongs to its contact.
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      });
      return opened;
    },
    {
      validator: ({ office }) => {
        mustBeInTriage();
        if (!service.offices.some((o) => o.code === office)) throw refuse(`office ${office} is not an office of service ${service.code}`);
      },
    },
  );

  setHandler(
    missedCallUpdate,
    async (request): Promise<MissedCallView> => {
      const now = Date.now();
      const formId = `${input.id}-M${++s.missedCalls}`;
      s.status = 'callback';
      s.office = request.office;
      s.missedCallId = formId;
      await record('transfer-failed', request.actor, { office: request.office, personSought: request.personSought, missedCallId: formId });
      const form: MissedCallInput = {
        ...request,
        id: formId,
        contactId: input.id,
        service,
        createdAt: now,
        dueAt: calendar.addBusinessTime(now, service.sla.callback),
      };
      const created = missedCallView(form, NEW_MISSED_CALL);
      // Written here so the office's list shows the form as soon as the operator gets the answer.
      await recordTransition({
        entityType: 'missed_call',
        entityId: formId,
        seq: 1,
        action: 'created',
        actor: request.actor,
        at: now,
        payload: { office: request.office },
        projection: { table: 'missed_calls', row: missedCallRow(created) },
      });
      s.missedCall = await startChild(missedCallWorkflow, {
        workflowId: workflowId.missedCall(formId),
        args: [form],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      });
      return created;
    },
    {
      validator: ({ office }) => {
        mustBeInTriage();
        if (!service.offices.some((o) => o.code === office)) throw refuse(`office ${office} is not an office of service ${service.code}`);
      },
    },
  );

  setHandler(contactQuery, view);

  // --- intake --------------------------------------------------------------------------------
  await record('registered', input.actor, {
    channel: input.channel,
    origin: input.origin,
    ...(input.originDetails ? { originDetails: input.originDetails } : {}),
    ...(input.ivrCode ? { ivrCode: input.ivrCode, ivrAction: ivr?.action ?? 'unknown' } : {}),
  });
  s.registered = true;

  if (ivr?.action === 'auto-answer' && s.status === 'triage') {
    // The IVR's recorded message answered the caller: resolved at first level without an operator.
    s.status = 'resolved';
    s.resolution = 'auto';
    s.answer = ivr.label;
    s.resolvedAt = Date.now();
    await record('resolved', SYSTEM_ACTOR, { resolution: 'auto', ivrCode: input.ivrCode });
  }

  if (s.status === 'waiting') {
    await sleep(queuedAt - Date.now());
    s.status = 'triage';
    await record('queued', SYSTEM_ACTOR, { reason: 'service window opened' });
  }

  // --- triage and escalations, until resolved ----------------------------------------------
  while (s.status !== 'resolved') {
    await condition(() => s.status === 'resolved' || s.escalation !== null || s.missedCall !== null);
    if (s.missedCall) {
      // The office's callback closes the contact, whatever its outcome: the form records it.
      const callback: MissedCallResult = await s.missedCall.result();
      s.missedCall = null;
      s.status = 'resolved';
      s.resolution = 'back_office';
      s.resolvedAt = Date.now();
      await record('called-back', callback.actor, { outcome: callback.outcome, note: callback.note, missedCallId: s.missedCallId });
      continue;
    }
    if (!s.escalation) continue;
    const result: EscalationResult = await s.escalation.result();
    s.escalation = null;
    if (result.outcome === 'resolved') {
      s.status = 'resolved';
      s.answer = result.response ?? null;
      s.resolution = 'back_office';
      s.resolvedAt = Date.now();
      s.office = result.office;
      await record('resolved', result.actor, { resolution: 'back_office', escalationId: s.escalationId });
    } else {
      s.status = 'triage';
      s.office = null;
      await record('returned-to-triage', result.actor, { reason: result.returnReason, escalationId: s.escalationId });
    }
  }

  // --- the answer to the citizen ------------------------------------------------------------
  const email = input.caller.email;
  const written = input.channel === 'email' || input.channel === 'web';
  if (email && s.answer && (s.resolution === 'back_office' || (s.resolution === 'first_level' && written))) {
    const base = { contactId: input.id, serviceName: service.name, zone: service.calendar.zone, reason: input.reason };
    await notify(
      s.resolution === 'back_office'
        ? {
            key: `${input.id}/answer`,
            to: [email],
            template: 'escalation-answer',
            data: { ...base, response: s.answer, officeName: service.offices.find((o) => o.code === s.office)?.name ?? String(s.office) },
          }
        : { key: `${input.id}/answer`, to: [email], template: 'contact-answer', data: { ...base, answer: s.answer } },
    );
    await record('answer-emailed', SYSTEM_ACTOR, { to: email });
  }

  await condition(allHandlersFinished);
  return { status: s.status, resolution: s.resolution };
}
