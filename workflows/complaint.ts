/**
 * One complaint, report or suggestion, from registration to URU's definitive response.
 *
 *   registered → in_charge (acknowledgement to the requester with reference and deadline)
 *     → investigating (inquiries to internal structures, each with a question and a due date)
 *     ⇄ awaiting_requester (the deadline clock is suspended until the requester's reply)
 *     → responded (definitive response emailed) → closed
 *
 * The response term (calendar days, from the registration) is a clock with the time left and a
 * running/suspended flag; timers are `condition(…, ms)` waits that are re-planned after every
 * change, so a suspension simply stops the clock. URU is warned at `warningPct` % of the term and the
 * supervisor is told when it passes; the complaint stays open and can still be answered late.
 * Inquiry due dates are independent of the requester clock: the structure is reminded
 * `inquiryReminderLeadMs` before, URU is told when one is overdue.
 *
 * Intake is an update-with-start: the API starts the workflow with `registerComplaintUpdate` and
 * answers once the registration is recorded. Every action is an update whose validator refuses an
 * impossible transition; the handler mutates the state synchronously, then records history +
 * projection (PostgreSQL) before returning. Emails to the requester go out in the background (a
 * slow relay never blocks URU's action) and are recorded as `email-sent` when delivered; the main
 * flow closes the complaint once the response's email is done, delivered or failed for good.
 */
import { allHandlersFinished, condition, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Transition } from '../activities/db';
import { durableActivity } from './activity-options';
import { scheduleSurvey } from './survey';
import type { ComplaintTemplateData, ComplaintTemplateName } from '../activities/templates/complaints';
import { ComplaintState, InquiryState, daysLeft, deadlineOf, initialComplaintState, remainingAt, resumeClock, stopClock } from '../domain/complaints';
import { Actor, SYSTEM_ACTOR } from './common';
import { DeadlineTimer, PlannedTimer, badInput, createRecorder, forbidden, refuse } from './kit';
import {
  ComplaintInput,
  ComplaintResult,
  ComplaintStatus,
  ComplaintUpdateResult,
  answerInquiryUpdate,
  complaintDeadlineQuery,
  openInquiryUpdate,
  registerComplaintUpdate,
  requestInfoUpdate,
  requesterInfoUpdate,
  respondUpdate,
  takeChargeComplaintUpdate,
} from './complaint.contract';

const { notify } = proxyActivities<Activities>(durableActivity);

const OPEN_STATUSES: ComplaintStatus[] = ['in_charge', 'investigating', 'awaiting_requester'];

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintResult> {
  const ref = input.reference;
  const settings = input.settings;
  const s: ComplaintState = initialComplaintState(input);
  const timer = new DeadlineTimer();
  /** Emails still being sent in the background; the workflow ends only when they are done. */
  let inFlight = 0;
  let registered = false;

  // --- recording: history + projection of the complaint (and of the inquiry concerned) -------
  // The state is copied: later mutations belong to later transitions.
  const recorder = createRecorder({
    entityType: 'complaint',
    entityId: ref,
    projection: () => ({ entity: 'complaint', view: { input, state: JSON.parse(JSON.stringify(s)) as ComplaintState } }),
    searchable: () => ({ service: settings.serviceCode, office: null, status: s.status }),
  });
  const record = async (action: string, actor: Actor, payload: Record<string, unknown> = {}, inquiry?: InquiryState, at = Date.now()) => {
    const t = recorder.transition(action, actor, inquiry ? { inquiryId: inquiry.id, ...payload } : payload, at);
    const also: Transition[] = inquiry
      ? [{ ...t, entityType: 'inquiry', entityId: inquiry.id, payload, projection: { entity: 'inquiry', view: { reference: ref, inquiry: { ...inquiry } } } }]
      : [];
    await recorder.write(t, ...also);
  };

  // Intake: set before anything else, update-with-start delivers it with the start.
  setHandler(registerComplaintUpdate, async () => {
    await condition(() => registered);
    return result();
  });

  const result = (inquiryId?: string): ComplaintUpdateResult => ({ reference: ref, status: s.status, ...(inquiryId ? { inquiryId } : {}) });

  // --- emails ------------------------------------------------------------------------------
  const emailBase = () => ({ reference: ref, kind: input.kind, subject: input.subject, serviceName: settings.serviceName, zone: settings.zone, contactPhone: settings.contactPhone });
  const requesterName = [input.requester.name, input.requester.surname].filter(Boolean).join(' ');
  const requesterEmail = input.requester.email?.trim() || null;

  const send = <T extends ComplaintTemplateName>(key: string, template: T, to: string[], data: ComplaintTemplateData<T>, cc?: string[]) =>
    notify<T>({ key: `complaint:${ref}/${key}`, to, cc, template, data });

  /**
   * An email to the requester, sent in the background and recorded when delivered. Without an
   * email address the letter goes by post: the transition's payload says so and nothing is sent.
   */
  const mailRequester = <T extends ComplaintTemplateName>(key: string, template: T, data: ComplaintTemplateData<T>): Promise<boolean> => {
    if (!requesterEmail) return Promise.resolve(false);
    return background(
      (async () => {
        const sent = await send(key, template, [requesterEmail], data);
        await record('email-sent', SYSTEM_ACTOR, { template, to: requesterEmail, messageId: sent.messageId, status: sent.status });
      })(),
    );
  };

  /** Runs a step in the background; resolves with whether it succeeded (a failure is logged, never thrown). */
  function background(p: Promise<unknown>): Promise<boolean> {
    inFlight++;
    return p
      .then(() => true)
      .catch((err) => {
        log.error('complaint background step failed', { reference: ref, error: String(err) });
        return false;
      })
      .finally(() => {
        inFlight--;
      });
  }
  /** The response's email, awaited by the main flow before it closes the complaint. */
  let responseMail: Promise<boolean> | null = null;

  const delivery = requesterEmail ? 'email' : 'post';

  // --- validators' shared checks -------------------------------------------------------------
  const isOpen = () => OPEN_STATUSES.includes(s.status);
  const mustBeOpen = (what: string) => {
    if (s.status === 'registered') throw refuse(`complaint ${ref} must be taken in charge before ${what}`);
    if (!isOpen()) throw refuse(`complaint ${ref} is ${s.status}`);
  };
  const inquiryOf = (id: string) => s.inquiries.find((q) => q.id === id);

  // --- URU takes the complaint in charge: acknowledgement with reference and deadline ---------
  setHandler(
    takeChargeComplaintUpdate,
    async ({ actor }) => {
      s.status = 'in_charge';
      s.takenAt = Date.now();
      timer.replan();
      const deadlineAt = deadlineOf(s);
      await record('taken-in-charge', actor, { acknowledgement: delivery, deadlineAt: deadlineAt === null ? null : new Date(deadlineAt).toISOString() });
      void mailRequester('acknowledged', 'complaint-acknowledged', { ...emailBase(), requesterName, registeredAt: input.registeredAt, deadlineAt });
      return result();
    },
    {
      validator: (_args) => {
        if (s.status !== 'registered') throw refuse(`complaint ${ref} is already ${s.status === 'closed' || s.status === 'responded' ? s.status : 'taken in charge'}`);
      },
    },
  );

  // --- the investigation: inquiries to internal structures ---------------------------------
  setHandler(
    openInquiryUpdate,
    async (args) => {
      const q: InquiryState = {
        id: `${ref}-${s.inquiries.length + 1}`,
        structure: args.structure,
        structureName: args.structureName,
        structureMailbox: args.structureMailbox,
        question: args.question,
        dueAt: args.dueAt,
        status: 'open',
        openedAt: Date.now(),
        openedBy: args.actor,
        findings: null,
        answeredAt: null,
        answeredBy: null,
        remindedAt: null,
        overdueAt: null,
      };
      s.inquiries.push(q);
      if (s.status === 'in_charge') s.status = 'investigating';
      timer.replan();
      await record('inquiry-opened', args.actor, { structure: q.structure, question: q.question, dueAt: new Date(q.dueAt).toISOString() }, q);
      void background(send(`inquiry/${q.id}/opened`, 'inquiry-opened', [q.structureMailbox], { ...emailBase(), inquiryId: q.id, structureName: q.structureName, question: q.question, dueAt: q.dueAt }));
      return result(q.id);
    },
    {
      validator: (args) => {
        mustBeOpen('an inquiry is opened');
        if (!(args.dueAt > Date.now())) throw badInput('dueAt', 'must be in the future');
      },
    },
  );

  setHandler(
    answerInquiryUpdate,
    async ({ inquiryId, findings, actor }) => {
      const q = inquiryOf(inquiryId) as InquiryState;
      q.status = 'answered';
      q.findings = findings;
      q.answeredAt = Date.now();
      q.answeredBy = actor;
      timer.replan();
      await record('inquiry-answered', actor, { structure: q.structure, findings }, q);
      void background(send(`inquiry/${q.id}/answered`, 'inquiry-answered', [settings.uruMailbox], { ...emailBase(), inquiryId: q.id, structureName: q.structureName, findings }));
      return result(q.id);
    },
    {
      validator: ({ inquiryId, actor }) => {
        const q = inquiryOf(inquiryId);
        if (!q) throw badInput('inquiryId', `no inquiry ${inquiryId} in complaint ${ref}`);
        if (!isOpen()) throw refuse(`complaint ${ref} is ${s.status}`);
        if (q.status === 'answered') throw refuse(`inquiry ${inquiryId} has already been answered`);
        if (q.status !== 'open') throw refuse(`inquiry ${inquiryId} is ${q.status}`);
        if (actor.role === 'office' && actor.office !== q.structure)
          throw forbidden(`inquiry ${inquiryId} is addressed to ${q.structure}`);
      },
    },
  );

  // --- information from the requester: the clock stops until the reply --------------------
  setHandler(
    requestInfoUpdate,
    async ({ question, actor }) => {
      const now = Date.now();
      stopClock(s, now, 'suspended');
      s.infoRequests.push({ question, askedAt: now, info: null, receivedAt: null });
      s.status = 'awaiting_requester';
      timer.replan();
      await record('info-requested', actor, { question, remainingMs: s.remainingMs, delivery });
      const n = s.infoRequests.length;
      void mailRequester(`info-request-${n}`, 'complaint-info-requested', { ...emailBase(), requesterName, question, remainingDays: daysLeft(s.remainingMs) });
      return result();
    },
    {
      validator: (_args) => {
        if (s.status === 'awaiting_requester') throw refuse(`complaint ${ref} is already waiting for the requester`);
        mustBeOpen('information is requested');
      },
    },
  );

  setHandler(
    requesterInfoUpdate,
    async ({ info, actor }) => {
      const now = Date.now();
      resumeClock(s, now);
      const pending = s.infoRequests[s.infoRequests.length - 1];
      pending.info = info;
      pending.receivedAt = now;
      s.status = s.inquiries.length > 0 ? 'investigating' : 'in_charge';
      timer.replan();
      const deadlineAt = deadlineOf(s) as number;
      await record('requester-info-received', actor, { info, deadlineAt: new Date(deadlineAt).toISOString() });
      return result();
    },
    {
      validator: (_args) => {
        if (s.status !== 'awaiting_requester') throw refuse(`complaint ${ref} is not waiting for information from the requester (it is ${s.status})`);
      },
    },
  );

  // --- the definitive response; open inquiries are withdrawn --------------------------------
  setHandler(
    respondUpdate,
    async ({ response, outcome, actor }) => {
      const now = Date.now();
      stopClock(s, now, 'stopped');
      s.status = 'responded';
      s.response = response?.trim() ? response : null;
      s.outcome = outcome ?? (input.kind === 'suggestion' && !s.response ? 'thanked' : 'answered');
      s.respondedAt = now;
      timer.replan();
      // All at once, before any await: no structure may answer once the response is given.
      const withdrawn = s.inquiries.filter((x) => x.status === 'open');
      for (const q of withdrawn) q.status = 'withdrawn';
      for (const q of withdrawn) await record('inquiry-withdrawn', actor, { structure: q.structure }, q);
      await record('responded', actor, { response: s.response, outcome: s.outcome, delivery, late: s.breachedAt !== null });
      responseMail = mailRequester('response', 'complaint-response', { ...emailBase(), requesterName, response: s.response, outcome: s.outcome });
      return result();
    },
    {
      validator: ({ response, outcome }) => {
        mustBeOpen('it is answered');
        const thanks = input.kind === 'suggestion' && (outcome === undefined || outcome === 'thanked');
        if (!response?.trim() && !thanks) throw badInput('response', 'a definitive response is required (only a suggestion may close with the standard thank-you)');
        if (outcome === 'thanked' && input.kind !== 'suggestion') throw badInput('outcome', 'only a suggestion may close with a thank-you');
      },
    },
  );

  setHandler(complaintDeadlineQuery, () => {
    const d = deadlineOf(s);
    return {
      deadlineAt: d === null ? null : new Date(d).toISOString(),
      remainingMs: remainingAt(s, Date.now()),
      clock: s.clock,
      warned: s.warnedAt !== null,
      breached: s.breachedAt !== null,
    };
  });

  // --- timers: 80 % warning and breach of the term; inquiry reminders and overdue notices ----
  const plan = (): PlannedTimer | undefined => {
    const timers: PlannedTimer[] = [];
    const deadlineAt = deadlineOf(s);
    if (deadlineAt !== null && s.status !== 'responded' && s.status !== 'closed') {
      if (s.warnedAt === null && s.breachedAt === null) {
        timers.push({ at: deadlineAt - settings.termMs * (1 - settings.warningPct / 100), fire: () => warn(deadlineAt) });
      }
      if (s.breachedAt === null) timers.push({ at: deadlineAt, fire: () => breach(deadlineAt) });
    }
    for (const q of s.inquiries) {
      if (q.status !== 'open') continue;
      const remindAt = q.dueAt - settings.inquiryReminderLeadMs;
      // A due date closer than the lead gets no reminder: the opening email is the reminder.
      if (q.remindedAt === null && q.overdueAt === null && remindAt > q.openedAt) timers.push({ at: remindAt, fire: () => remindInquiry(q) });
      if (q.overdueAt === null) timers.push({ at: q.dueAt, fire: () => inquiryOverdue(q) });
    }
    return timers.sort((a, b) => a.at - b.at)[0];
  };

  const warn = async (deadlineAt: number) => {
    s.warnedAt = Date.now();
    await record('deadline-warning', SYSTEM_ACTOR, { deadlineAt: new Date(deadlineAt).toISOString(), warningPct: settings.warningPct, notified: settings.uruMailbox });
    await send('warning', 'complaint-deadline-warning', [settings.uruMailbox], { ...emailBase(), deadlineAt, warningPct: settings.warningPct });
  };

  const breach = async (deadlineAt: number) => {
    s.breachedAt = Date.now();
    await record('deadline-breached', SYSTEM_ACTOR, { deadlineAt: new Date(deadlineAt).toISOString(), notified: settings.supervisorMailbox });
    await send('breached', 'complaint-deadline-breached', [settings.supervisorMailbox], { ...emailBase(), deadlineAt }, [settings.uruMailbox]);
  };

  const remindInquiry = async (q: InquiryState) => {
    q.remindedAt = Date.now();
    await record('inquiry-reminder', SYSTEM_ACTOR, { structure: q.structure, dueAt: new Date(q.dueAt).toISOString(), notified: q.structureMailbox }, q);
    await send(`inquiry/${q.id}/reminder`, 'inquiry-reminder', [q.structureMailbox], { ...emailBase(), inquiryId: q.id, structureName: q.structureName, question: q.question, dueAt: q.dueAt });
  };

  const inquiryOverdue = async (q: InquiryState) => {
    q.overdueAt = Date.now();
    await record('inquiry-overdue', SYSTEM_ACTOR, { structure: q.structure, dueAt: new Date(q.dueAt).toISOString(), notified: settings.uruMailbox }, q);
    await send(
      `inquiry/${q.id}/overdue`,
      'inquiry-overdue',
      [settings.uruMailbox],
      { ...emailBase(), inquiryId: q.id, structureName: q.structureName, question: q.question, dueAt: q.dueAt },
      [q.structureMailbox],
    );
  };

  await record('registered', input.actor, { kind: input.kind, channel: input.channel, term: settings.term }, undefined, input.registeredAt);
  registered = true;

  await timer.run(plan, () => s.status === 'responded');

  // Closed once the response's email is done: delivered, or failed for good (then logged), never
  // left open waiting for it.
  await condition(() => responseMail !== null);
  const delivered = await (responseMail as Promise<boolean> | null);
  s.status = 'closed';
  s.closedAt = Date.now();
  await record('closed', SYSTEM_ACTOR, { outcome: s.outcome, ...(requesterEmail ? { emailed: delivered } : {}) });
  // Satisfaction survey (added while complaints were running: older histories have no such step).
  if (requesterEmail && delivered && patched('satisfaction-survey')) {
    await scheduleSurvey({ kind: 'complaint', caseId: ref, service: input.service ?? null, serviceName: settings.serviceName, channel: input.channel, email: requesterEmail });
  }

  await condition(() => inFlight === 0 && allHandlersFinished());
  return { reference: ref, outcome: s.outcome ?? 'answered', respondedAt: s.respondedAt ?? Date.now(), breached: s.breachedAt !== null };
}
