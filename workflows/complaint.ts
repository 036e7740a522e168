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
 * Every action is an update whose validator refuses an impossible transition; the handler mutates
 * the state synchronously, then records history + projection (PostgreSQL) before returning. Emails
 * to the requester go out in the background (a slow relay never blocks URU's action) and are
 * recorded as `email-sent` when delivered; the complaint is closed once the response is out.
 */
import { ApplicationFailure, allHandlersFinished, condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import type { ComplaintTemplateData, ComplaintTemplateName } from '../activities/templates/complaints';
import {
  ComplaintState,
  InquiryState,
  complaintRow,
  daysLeft,
  deadlineOf,
  initialComplaintState,
  inquiryRow,
  remainingAt,
  resumeClock,
  stopClock,
} from '../domain/complaints';
import {
  Actor,
  ComplaintInput,
  ComplaintResult,
  ComplaintStatus,
  ComplaintUpdateResult,
  FORBIDDEN,
  INVALID_INPUT,
  INVALID_TRANSITION,
  SYSTEM_ACTOR,
  answerInquiryUpdate,
  complaintDeadlineQuery,
  openInquiryUpdate,
  requestInfoUpdate,
  requesterInfoUpdate,
  respondUpdate,
  takeChargeComplaintUpdate,
} from './definitions';

const { recordTransition, notify } = proxyActivities<Activities>(durableActivity);

const refuse = (message: string) => ApplicationFailure.create({ type: INVALID_TRANSITION, message, nonRetryable: true });
const badInput = (field: string, message: string) => ApplicationFailure.create({ type: INVALID_INPUT, message: `${field}: ${message}`, details: [{ field }], nonRetryable: true });

const OPEN_STATUSES: ComplaintStatus[] = ['in_charge', 'investigating', 'awaiting_requester'];

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintResult> {
  const ref = input.reference;
  const settings = input.settings;
  const s: ComplaintState = initialComplaintState(input);
  let seq = 0;
  /** Bumped by every update so the timer loop re-plans. */
  let changes = 0;
  /** Emails still being sent in the background; the workflow ends only when they are done. */
  let inFlight = 0;

  // --- recording: history + projection, keyed by a per-workflow sequence ---------------------
  const record = async (action: string, actor: Actor, payload: Record<string, unknown> = {}, inquiry?: InquiryState, at = Date.now()) => {
    const n = ++seq;
    // Snapshot now: later mutations belong to later transitions.
    const row = complaintRow(input, s, at);
    const qRow = inquiry ? inquiryRow(ref, inquiry, at) : undefined;
    if (inquiry && qRow) {
      await recordTransition({ entityType: 'inquiry', entityId: inquiry.id, seq: n, action, actor, at, payload, projection: { table: 'inquiries', row: qRow } });
    }
    await recordTransition({
      entityType: 'complaint',
      entityId: ref,
      seq: n,
      action,
      actor,
      at,
      payload: inquiry ? { inquiryId: inquiry.id, ...payload } : payload,
      projection: { table: 'complaints', row },
    });
  };

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
  const mailRequester = <T extends ComplaintTemplateName>(key: string, template: T, data: ComplaintTemplateData<T>, then?: () => Promise<void>) => {
    if (!requesterEmail) {
      if (then) background(then());
      return;
    }
    background(
      (async () => {
        const sent = await send(key, template, [requesterEmail], data);
        await record('email-sent', SYSTEM_ACTOR, { template, to: requesterEmail, messageId: sent.messageId, status: sent.status });
        if (then) await then();
      })(),
    );
  };

  function background(p: Promise<void>) {
    inFlight++;
    changes++;
    p.catch((err) => log.error('complaint background step failed', { reference: ref, error: String(err) })).finally(() => {
      inFlight--;
      changes++;
    });
  }

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
      changes++;
      const deadlineAt = deadlineOf(s);
      await record('taken-in-charge', actor, { acknowledgement: delivery, deadlineAt: deadlineAt === null ? null : new Date(deadlineAt).toISOString() });
      mailRequester('acknowledged', 'complaint-acknowledged', { ...emailBase(), requesterName, registeredAt: input.registeredAt, deadlineAt });
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
      changes++;
      await record('inquiry-opened', args.actor, { structure: q.structure, question: q.question, dueAt: new Date(q.dueAt).toISOString() }, q);
      background(
        send(`inquiry/${q.id}/opened`, 'inquiry-opened', [q.structureMailbox], { ...emailBase(), inquiryId: q.id, structureName: q.structureName, question: q.question, dueAt: q.dueAt }).then(() => undefined),
      );
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
      changes++;
      await record('inquiry-answered', actor, { structure: q.structure, findings }, q);
      background(
        send(`inquiry/${q.id}/answered`, 'inquiry-answered', [settings.uruMailbox], { ...emailBase(), inquiryId: q.id, structureName: q.structureName, findings }).then(() => undefined),
      );
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
          throw ApplicationFailure.create({ type: FORBIDDEN, message: `inquiry ${inquiryId} is addressed to ${q.structure}`, nonRetryable: true });
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
      changes++;
      await record('info-requested', actor, { question, remainingMs: s.remainingMs, delivery });
      const n = s.infoRequests.length;
      mailRequester(`info-request-${n}`, 'complaint-info-requested', { ...emailBase(), requesterName, question, remainingDays: daysLeft(s.remainingMs) });
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
      changes++;
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
      changes++;
      // All at once, before any await: no structure may answer once the response is given.
      const withdrawn = s.inquiries.filter((x) => x.status === 'open');
      for (const q of withdrawn) q.status = 'withdrawn';
      for (const q of withdrawn) await record('inquiry-withdrawn', actor, { structure: q.structure }, q);
      await record('responded', actor, { response: s.response, outcome: s.outcome, delivery, late: s.breachedAt !== null });
      const close = async () => {
        s.status = 'closed';
        s.closedAt = Date.now();
        changes++;
        await record('closed', SYSTEM_ACTOR, { outcome: s.outcome });
      };
      mailRequester('response', 'complaint-response', { ...emailBase(), requesterName, response: s.response, outcome: s.outcome }, close);
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
  type Timer = { at: number; fire: () => Promise<void> };
  const nextTimer = (): Timer | undefined => {
    const timers: Timer[] = [];
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

  // The API has already written this transition (seq 1) so that a read right after the POST sees
  // the complaint; recording it again with the same seq and time is a no-op.
  await record('registered', input.actor, { kind: input.kind, channel: input.channel, term: settings.term }, undefined, input.registeredAt);

  const closed = () => s.status === 'closed';
  while (!closed()) {
    const seen = changes;
    const timer = nextTimer();
    if (!timer) {
      await condition(() => changes !== seen || closed());
      continue;
    }
    const woke = await condition(() => changes !== seen || closed(), Math.max(1, timer.at - Date.now()));
    // Re-check after the wait: an update may have changed the plan while the timer was due.
    if (!woke && !closed() && changes === seen) await timer.fire();
  }

  await condition(() => inFlight === 0 && allHandlersFinished());
  return { reference: ref, outcome: s.outcome ?? 'answered', respondedAt: s.respondedAt ?? Date.now(), breached: s.breachedAt !== null };
}
