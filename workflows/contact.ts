/**
 * One citizen's contact, from intake to its answer.
 *
 * waiting (a voicemail left out of hours, until the window opens) → triage (the operators' queue)
 * → resolved at first level, or escalated to an office (a child escalation workflow) → resolved by
 * the office, or returned by it to triage; or, when a transfer fails, a missed-call form for the
 * office to call back (a child workflow). The citizen receives the answer by email when the
 * contact has an address. Every action is an update whose validator refuses impossible transitions.
 */
import { ChildWorkflowHandle, allHandlersFinished, condition, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ContactStatus, ContactView, EscalationView, MissedCallView, Resolution } from '../domain/contacts';
import { durableActivity } from './activity-options';
import { scheduleSurvey } from './survey';
import { SYSTEM_ACTOR } from './common';
import { createRecorder, refuse, rulesOf } from './kit';
import {
  ContactInput,
  ContactResult,
  addContactNoteUpdate,
  classifyContactUpdate,
  contactQuery,
  escalateContactUpdate,
  missedCallUpdate,
  registerContactUpdate,
  resolveContactUpdate,
} from './contact.contract';
import type { EscalationResult } from './escalation.contract';
import type { MissedCallResult } from './missed-call.contract';
import { escalationWorkflow, openEscalation } from './escalation';
import { missedCallWorkflow, openMissedCall } from './missed-call';

const { notify } = proxyActivities<Activities>(durableActivity);

export async function contactWorkflow(input: ContactInput): Promise<ContactResult> {
  // Set before the first await (the rules' lookup): update-with-start delivers this update at once.
  let registered = false;
  setHandler(registerContactUpdate, async () => {
    await condition(() => registered);
    return view();
  });

  const { service, calendar } = await rulesOf(input);
  const now = Date.now();
  const receivedAt = Math.min(input.receivedAt ?? now, now);
  // IVR choices are configuration: a sub-service with its referent, or an automatic answer.
  const ivr = input.ivrCode ? service.ivrMenu.find((o) => o.code === input.ivrCode) : undefined;
  // A voicemail left out of hours waits for the window to open before operators see it.
  // Its response clock starts there.
  const queuedAt = input.channel === 'voicemail' ? calendar.nextOpening(now) : now;

  const s = {
    status: (queuedAt > now ? 'waiting' : 'triage') as ContactStatus,
    category: input.reopen ? input.reopen.category : (input.category ?? ivr?.category ?? null),
    answer: null as string | null,
    resolution: null as Resolution | null,
    office: ivr?.office ?? null,
    escalationId: null as string | null,
    escalations: input.reopen?.escalations ?? 0,
    resolvedAt: null as number | null,
    escalation: null as Promise<ChildWorkflowHandle<typeof escalationWorkflow>> | null,
    missedCallId: null as string | null,
    missedCalls: input.reopen?.missedCalls ?? 0,
    missedCall: null as Promise<ChildWorkflowHandle<typeof missedCallWorkflow>> | null,
  };

  function view(): ContactView {
    return {
      id: input.id,
      service: input.service,
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
    };
  }
  const recorder = createRecorder({
    entityType: 'contact',
    entityId: input.id,
    recorded: input.reopen?.recorded,
    projection: () => ({ entity: 'contact', view: { ...view(), originDetails: input.originDetails ?? {} } }),
    searchable: () => ({ service: input.service, office: s.office, status: s.status }),
  });

  const mustBeInTriage = () => {
    if (s.status === 'waiting') throw refuse(`contact ${input.id} is not in the operators' queue until ${new Date(queuedAt).toISOString()}`);
    if (s.status !== 'triage') throw refuse(`contact ${input.id} is ${s.status}`);
  };
  const mustBeOfficeOf = (office: string) => {
    if (!service.offices.some((o) => o.code === office)) throw refuse(`office ${office} is not an office of service ${service.code}`);
  };

  setHandler(
    classifyContactUpdate,
    async ({ category, actor }) => {
      const from = s.category;
      s.category = category;
      await recorder.record('classified', actor, { from, to: category });
      return view();
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
    async ({ answer, answerId, answerVersion, actor }) => {
      s.status = 'resolved';
      s.answer = answer;
      s.resolution = 'first_level';
      s.resolvedAt = Date.now();
      // Only data: the same commands as before, so histories without a standard answer replay unchanged.
      const standard = answerId ? { answerId, answerVersion } : {};
      await recorder.record('resolved', actor, { answer, resolution: 'first_level', ...standard });
      return view();
    },
    { validator: (_args: { answer: string }) => mustBeInTriage() },
  );

  // Escalation and missed call: the child's opening is written with this transition, in one
  // transaction, and the child starts meanwhile: the API's answer waits for one round trip only.
  setHandler(
    escalateContactUpdate,
    async ({ office, note, actor }): Promise<EscalationView> => {
      const escalationId = `${input.id}-E${++s.escalations}`;
      s.status = 'escalated';
      s.office = office;
      s.escalationId = escalationId;
      const opening = openEscalation({
        id: escalationId,
        contactId: input.id,
        service: input.service,
        catalogVersion: input.catalogVersion,
        office,
        note,
        contact: { reason: input.reason, category: s.category, caller: input.caller },
        actor,
        rules: { service, calendar },
      });
      s.escalation = opening.start();
      await recorder.record('escalated', actor, { office, note, escalationId }, opening.transition);
      return opening.view;
    },
    {
      validator: ({ office }) => {
        mustBeInTriage();
        mustBeOfficeOf(office);
      },
    },
  );

  setHandler(
    missedCallUpdate,
    async (request): Promise<MissedCallView> => {
      const formId = `${input.id}-M${++s.missedCalls}`;
      s.status = 'callback';
      s.office = request.office;
      s.missedCallId = formId;
      const opening = openMissedCall({ ...request, id: formId, contactId: input.id, service: input.service, catalogVersion: input.catalogVersion, rules: { service, calendar } });
      s.missedCall = opening.start();
      await recorder.record('transfer-failed', request.actor, { office: request.office, personSought: request.personSought, missedCallId: formId }, opening.transition);
      return opening.view;
    },
    {
      validator: ({ office }) => {
        mustBeInTriage();
        mustBeOfficeOf(office);
      },
    },
  );

  // A new handler only: histories without this update replay unchanged (no patch needed).
  setHandler(
    addContactNoteUpdate,
    async ({ text, source, inboundMessage, actor }) => {
      await recorder.record('note-added', actor, { text, source, ...(inboundMessage ? { inboundMessage } : {}) });
      return view();
    },
    {
      validator: (_args: { text: string }) => {
        if (s.status === 'resolved') throw refuse(`contact ${input.id} is resolved`);
      },
    },
  );

  setHandler(contactQuery, view);

  // --- intake --------------------------------------------------------------------------------
  if (input.reopen) await recorder.record('reopened', input.actor, { source: 'email', inboundMessage: input.reopen.inboundMessage, text: input.reopen.text });
  else
    await recorder.record('registered', input.actor, {
      channel: input.channel,
      origin: input.origin,
      ...(input.originDetails ? { originDetails: input.originDetails } : {}),
      ...(input.ivrCode ? { ivrCode: input.ivrCode, ivrAction: ivr?.action ?? 'unknown' } : {}),
    });
  registered = true;

  if (ivr?.action === 'auto-answer' && s.status === 'triage' && !input.reopen) {
    // The IVR's recorded message answered the caller: resolved at first level without an operator.
    s.status = 'resolved';
    s.resolution = 'auto';
    s.answer = ivr.label;
    s.resolvedAt = Date.now();
    await recorder.record('resolved', SYSTEM_ACTOR, { resolution: 'auto', ivrCode: input.ivrCode });
  }

  if (s.status === 'waiting') {
    await sleep(queuedAt - Date.now());
    s.status = 'triage';
    await recorder.record('queued', SYSTEM_ACTOR, { reason: 'service window opened' });
  }

  // --- triage and escalations, until resolved ----------------------------------------------
  while (s.status !== 'resolved') {
    await condition(() => s.status === 'resolved' || s.escalation !== null || s.missedCall !== null);
    if (s.missedCall) {
      // The office's callback closes the contact, whatever its outcome: the form records it.
      const callback: MissedCallResult = await (await s.missedCall).result();
      s.missedCall = null;
      s.status = 'resolved';
      s.resolution = 'back_office';
      s.resolvedAt = Date.now();
      await recorder.record('called-back', callback.actor, { outcome: callback.outcome, note: callback.note, missedCallId: s.missedCallId });
      continue;
    }
    if (!s.escalation) continue;
    const result: EscalationResult = await (await s.escalation).result();
    s.escalation = null;
    if (result.outcome === 'resolved') {
      s.status = 'resolved';
      s.answer = result.response ?? null;
      s.resolution = 'back_office';
      s.resolvedAt = Date.now();
      s.office = result.office;
      await recorder.record('resolved', result.actor, { resolution: 'back_office', escalationId: s.escalationId });
    } else {
      s.status = 'triage';
      s.office = null;
      await recorder.record('returned-to-triage', result.actor, { reason: result.returnReason, escalationId: s.escalationId });
    }
  }

  // --- the answer to the citizen ------------------------------------------------------------
  const email = input.caller.email;
  const written = input.channel === 'email' || input.channel === 'web';
  if (email && s.answer && (s.resolution === 'back_office' || (s.resolution === 'first_level' && written))) {
    const base = { contactId: input.id, serviceName: service.name, zone: service.calendar.zone, reason: input.reason };
    // A reopened contact's new answer is another email (the first answer's key is already sent).
    const answerKey = input.reopen ? `${input.id}/answer-r${input.reopen.recorded}` : `${input.id}/answer`;
    await notify(
      s.resolution === 'back_office'
        ? {
            key: answerKey,
            to: [email],
            template: 'escalation-answer',
            data: { ...base, response: s.answer, officeName: service.offices.find((o) => o.code === s.office)?.name ?? String(s.office) },
          }
        : { key: answerKey, to: [email], template: 'contact-answer', data: { ...base, answer: s.answer } },
    );
    await recorder.record('answer-emailed', SYSTEM_ACTOR, { to: email });
    // Satisfaction survey (added while contacts were running: older histories have no such step).
    if (patched('satisfaction-survey')) {
      await scheduleSurvey({ kind: 'contact', caseId: input.id, service: input.service, serviceName: service.name, channel: input.channel, email });
    }
  }

  await condition(allHandlersFinished);
  return { status: s.status, resolution: s.resolution };
}
