import { Router, Request } from 'express';
import { z } from 'zod';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RouterDeps } from '../app';
import { actorOf, auth, requireRole } from '../auth';
import { invalidField, notFound, parseOr400, toProblem } from '../errors';
import { idempotencyKeyOf, releaseIdempotentId, requestHashOf, resolveIdempotentId } from '../idempotency';
import { paginationSchema } from '../pagination';
import { listTextQuery, olderThanHoursQuery } from '../list-query';
import { isoTimeWithin } from '../schemas';
import {
  CHANNELS,
  ContactInput,
  ContactStatus,
  ContactView,
  classifyContactUpdate,
  escalateContactUpdate,
  missedCallUpdate,
  registerContactUpdate,
  resolveContactUpdate,
  workflowId,
} from '../../workflows/definitions';
import { contactWorkflow } from '../../workflows/contact';
import { idPath, operation, type ApiPaths } from '../openapi-kit';
import { composeAnswer, standardAnswerFor } from './answers';
import { createInboundMailStore } from '../../infra/stores/inbound-mail';
import { searchAttributesOf } from '../../domain/search-attributes';

const text = (max: number) => z.string().trim().min(1).max(max);

export const callerSchema = z
  .object({
    surname: text(100).optional(),
    name: text(100).optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ./-]{3,30}$/, 'expected a phone number').optional(),
    email: z.email().max(320).optional(),
  })
  .strict();

const createContactSchema = z
  .object({
    service: text(50),
    channel: z.enum(CHANNELS),
    callId: text(100).optional(),
    ivrCode: text(10).optional(),
    caller: callerSchema.default({}),
    reason: text(4000),
    category: text(50).optional(),
  })
  .strict();

/** Every status a contact can have is a valid filter (the compiler checks the list is complete). */
const CONTACT_STATUSES = ['waiting', 'triage', 'escalated', 'callback', 'resolved'] as const satisfies readonly ContactStatus[];
type MissingStatus = Exclude<ContactStatus, (typeof CONTACT_STATUSES)[number]>;
const allStatuses: MissingStatus extends never ? true : false = true;
void allStatuses;
const listSchema = paginationSchema.extend({
  status: z.enum(CONTACT_STATUSES).optional(),
  service: text(50).optional(),
  channel: z.enum(CHANNELS).optional(),
  q: listTextQuery,
  olderThanHours: olderThanHoursQuery,
});
const classifySchema = z.object({ category: text(50) }).strict();
/** At least one: `answerId` names a standard answer (its current version); `answer` completes it or stands alone. */
const resolveSchema = z.object({ answer: text(8000).optional(), answerId: text(50).optional() }).strict();
const escalateSchema = z.object({ office: text(50), note: text(4000).optional() }).strict();
const phone = z.string().trim().regex(/^\+?[0-9 ./-]{3,30}$/, 'expected a phone number');
const missedCallSchema = z
  .object({
    personSought: text(200),
    reason: text(4000),
    office: text(50).optional(),
    callbackPhone: phone.optional(),
    callbackEmail: z.email().optional(),
    alsoNotifyReferent: z.boolean().default(false),
    /** The referent to notify, when not the person sought; defaults to the IVR's referent. */
    referent: text(200).optional(),
    callerSurname: text(100).optional(),
    callerName: text(100).optional(),
  })
  .strict();
const voicemailSchema = z
  .object({
    service: text(50),
    callerPhone: phone,
    recording: text(1000),
    leftAt: isoTimeWithin({ pastYears: 1, futureYears: 1 }),
    callId: text(100).optional(),
  })
  .strict();
const rolloverSchema = z
  .object({
    service: text(50),
    /** The internal number that did not answer, and its office when the integrator knows it. */
    internalNumber: text(50),
    office: text(50).optional(),
    callerPhone: phone,
    at: isoTimeWithin({ pastYears: 1, futureYears: 1 }),
    rings: z.number().int().min(1).max(20).optional(),
    callId: text(100).optional(),
  })
  .strict();

export function contactsRouter(deps: RouterDeps): Router {
  const router = Router();
  const { contacts, history } = deps.stores;
  const inboundMail = createInboundMailStore(deps.db);

  const loadContact = async (id: string | string[]) => {
    if (Array.isArray(id)) throw notFound('No such contact');
    const contact = await contacts.get(id);
    if (!contact) throw notFound(`No contact ${id}`);
    return contact;
  };

  router.post('/contacts', requireRole('operator', 'integrator'), async (req, res) => {
    const body = parseOr400(createContactSchema, req.body);
    const service = deps.catalog.service(body.service);
    if (!service) throw invalidField('service', `unknown service ${body.service}`);
    if (body.category && !service.categories.some((c) => c.code === body.category))
      throw invalidField('category', `unknown category ${body.category} for service ${service.code}`);
    if (body.ivrCode && !service.ivrMenu.some((o) => o.code === body.ivrCode))
      throw invalidField('ivrCode', `service ${service.code} has no IVR choice ${body.ivrCode}`);

    const { id, existing, releaseIfRefused } = await idempotentId(req);
    if (existing) {
      res.status(200).setHeader('Idempotent-Replayed', 'true').json(existing);
      return;
    }
    const input: ContactInput = { id, service: service.code, catalogVersion: deps.catalog.version, channel: body.channel, origin: body.channel === 'voicemail' ? 'voicemail' : 'direct', callId: body.callId, ivrCode: body.ivrCode, caller: body.caller, reason: body.reason, category: body.category, actor: actorOf(req) };
    res.status(201).json(await startContact(deps, input).catch(releaseIfRefused));
  });

  router.get('/contacts', requireRole('operator', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const { limit, offset, ...filter } = q;
    const [items, total] = await Promise.all([contacts.list(q), contacts.count(filter)]);
    res.json({ items, total, limit, offset });
  });

  router.get('/contacts/:id', requireRole('operator', 'supervisor'), async (req, res) => {
    const id = req.params.id;
    if (Array.isArray(id)) throw notFound('No such contact');
    // Independent reads, at once: the answer waits for the slowest, not for their sum.
    const [contact, escalations, events, attachments] = await Promise.all([
      contacts.get(id),
      contacts.listEscalations({ contactId: id, limit: 100, offset: 0 }),
      history.list('contact', id),
      // The files of the citizen's emails (channel email): name, type, size, SHA-256.
      inboundMail.attachmentsOfContact(id),
    ]);
    if (!contact) throw notFound(`No contact ${id}`);
    res.json({ ...contact, escalations, history: events, attachments });
  });

  router.post('/contacts/:id/classify', requireRole('operator'), async (req, res) => {
    const body = parseOr400(classifySchema, req.body);
    const contact = await loadContact(req.params.id);
    if (!deps.catalog.service(contact.service)?.categories.some((c) => c.code === body.category))
      throw invalidField('category', `unknown category ${body.category} for service ${contact.service}`);
    const handle = deps.temporal.workflow.getHandle(workflowId.contact(contact.id));
    res.json(await handle.executeUpdate(classifyContactUpdate, { args: [{ category: body.category, actor: actorOf(req) }] }));
  });

  router.post('/contacts/:id/resolve', requireRole('operator'), async (req, res) => {
    const body = parseOr400(resolveSchema, req.body);
    if (!body.answer && !body.answerId) throw invalidField('answer', 'required: the answer, or answerId of a standard answer');
    const contact = await loadContact(req.params.id);
    const standard = body.answerId ? await standardAnswerFor(deps.stores.standardAnswers, body.answerId, contact.service, Date.now()) : undefined;
    const ref = standard ? { answerId: standard.id, answerVersion: standard.version } : {};
    const handle = deps.temporal.workflow.getHandle(workflowId.contact(contact.id));
    const resolved = await handle.executeUpdate(resolveContactUpdate, { args: [{ answer: composeAnswer(standard, body.answer), ...ref, actor: actorOf(req) }] });
    res.json(standard ? { ...resolved, standardAnswer: { id: standard.id, version: standard.version } } : resolved);
  });

  router.post('/contacts/:id/escalate', requireRole('operator'), async (req, res) => {
    const body = parseOr400(escalateSchema, req.body);
    const contact = await loadContact(req.params.id);
    if (!deps.catalog.office(contact.service, body.office)) throw invalidField('office', `unknown office ${body.office} for service ${contact.service}`);
    const handle = deps.temporal.workflow.getHandle(workflowId.contact(contact.id));
    res.status(201).json(await handle.executeUpdate(escalateContactUpdate, { args: [{ office: body.office, note: body.note, actor: actorOf(req) }] }));
  });

  // A transfer failed: the standard form goes to the office that should call back.
  router.post('/contacts/:id/missed-call', requireRole('operator'), async (req, res) => {
    const body = parseOr400(missedCallSchema, req.body);
    const contact = await loadContact(req.params.id);
    const service = deps.catalog.service(contact.service)!;
    const officeCode = body.office ?? service.categories.find((c) => c.code === contact.category)?.office ?? contact.office ?? service.defaultOffice;
    const office = service.offices.find((o) => o.code === officeCode);
    if (!office) throw invalidField('office', `unknown office ${officeCode} for service ${service.code}`);
    // A caller may decline to give a name; the form says so rather than being refused.
    const callerSurname = body.callerSurname ?? contact.caller.surname ?? 'non indicato';
    const callerName = body.callerName ?? contact.caller.name ?? 'non indicato';
    const callbackPhone = body.callbackPhone ?? contact.caller.phone;
    if (!callbackPhone) throw invalidField('callbackPhone', 'a phone number to call back is required (not known from the contact)');
    let referentEmail: string | undefined;
    if (body.alsoNotifyReferent) {
      const wanted = (body.referent ?? contact.referent ?? body.personSought).toLowerCase();
      const referent = office.referents.find((r) => r.name.toLowerCase() === wanted);
      if (!referent) throw invalidField('alsoNotifyReferent', `office ${office.code} has no referent named ${body.referent ?? contact.referent ?? body.personSought}`);
      referentEmail = referent.email;
    }
    const handle = deps.temporal.workflow.getHandle(workflowId.contact(contact.id));
    const form = await handle.executeUpdate(missedCallUpdate, {
      args: [
        {
          office: office.code,
          callerSurname,
          callerName,
          callAt: Date.parse(contact.createdAt),
          personSought: body.personSought,
          reason: body.reason,
          callbackPhone,
          callbackEmail: body.callbackEmail ?? contact.caller.email,
          referentEmail,
          actor: actorOf(req),
        },
      ],
    });
    res.status(201).json(form);
  });

  // A voicemail: it enters the operators' queue when the service window next opens.
  router.post('/voicemails', requireRole('integrator', 'operator'), async (req, res) => {
    const body = parseOr400(voicemailSchema, req.body);
    const service = deps.catalog.service(body.service);
    if (!service) throw invalidField('service', `unknown service ${body.service}`);
    const leftAt = Date.parse(body.leftAt);
    if (leftAt > Date.now() + 60_000) throw invalidField('leftAt', 'is in the future');
    const id = await idempotentId(req, body.callId);
    if (id.existing) return void res.status(200).json(id.existing);
    res.status(201).json(
      await startContact(deps, {
        id: id.id,
        service: service.code,
        catalogVersion: deps.catalog.version,
        channel: 'voicemail',
        origin: 'voicemail',
        originDetails: { recording: body.recording, leftAt: body.leftAt },
        callId: body.callId,
        caller: { phone: body.callerPhone },
        reason: 'Messaggio in segreteria',
        receivedAt: leftAt,
        actor: actorOf(req),
      }).catch(id.releaseIfRefused),
    );
  });

  // A "ricaduta": an internal number did not answer and the call rolled over to the contact center.
  router.post('/rollovers', requireRole('integrator', 'operator'), async (req, res) => {
    const body = parseOr400(rolloverSchema, req.body);
    const service = deps.catalog.service(body.service);
    if (!service) throw invalidField('service', `unknown service ${body.service}`);
    if (body.office && !service.offices.some((o) => o.code === body.office)) throw invalidField('office', `unknown office ${body.office} for service ${service.code}`);
    const id = await idempotentId(req, body.callId);
    if (id.existing) return void res.status(200).json(id.existing);
    res.status(201).json(
      await startContact(deps, {
        id: id.id,
        service: service.code,
        catalogVersion: deps.catalog.version,
        channel: 'phone',
        origin: 'ricaduta',
        originDetails: { internalNumber: body.internalNumber, office: body.office ?? null, rings: body.rings ?? null, at: body.at },
        callId: body.callId,
        caller: { phone: body.callerPhone },
        reason: `Chiamata in ricaduta dall'interno ${body.internalNumber}`,
        receivedAt: Date.parse(body.at),
        actor: actorOf(req),
      }).catch(id.releaseIfRefused),
    );
  });

  /**
   * A new contact id, or the one already bound to the Idempotency-Key (or the call id) of this key.
   * `releaseIfRefused` rethrows a start failure, first unbinding a new key when the failure is a
   * refusal (4xx): a refused request stores nothing. After an outage the binding stays, so a retry
   * with the same key cannot make a second contact.
   */
  async function idempotentId(req: Request, callId?: string): Promise<{ id: string; existing?: ContactView; releaseIfRefused: (err: unknown) => never | Promise<never> }> {
    const headerKey = idempotencyKeyOf(req);
    const key = headerKey ?? (callId ? `call:${callId}` : undefined);
    const newId = () => contacts.nextContactId(new Date());
    const rethrow = (err: unknown): never => {
      throw err;
    };
    if (!key) return { id: await newId(), releaseIfRefused: rethrow };
    const scope = `contacts:${auth(req).keyId}`;
    const bound = await resolveIdempotentId(deps.db, scope, key, newId, headerKey ? requestHashOf(req) : undefined);
    const releaseIfRefused = async (err: unknown): Promise<never> => {
      const status = toProblem(err).status;
      if (!bound.replay && status >= 400 && status < 500) await releaseIdempotentId(deps.db, scope, key, bound.id).catch(() => undefined);
      throw err;
    };
    return { id: bound.id, existing: bound.replay ? await contacts.get(bound.id) : undefined, releaseIfRefused };
  }

  return router;
}

/** The office an IVR choice sends the contact to (the workflow sets the same). */
const ivrOffice = (deps: RouterDeps, input: ContactInput) => (input.ivrCode ? (deps.catalog.service(input.service)?.ivrMenu.find((o) => o.code === input.ivrCode)?.office ?? null) : null);

/**
 * Starts a contact workflow and waits for its intake to be recorded (update-with-start), so the
 * answer reflects PostgreSQL. The id is a business key: starting it twice never makes a second workflow.
 */
export async function startContact(deps: RouterDeps, input: ContactInput) {
  try {
    return await deps.temporal.workflow.executeUpdateWithStart(registerContactUpdate, {
      args: [{}],
      startWorkflowOperation: new WithStartWorkflowOperation(contactWorkflow, {
        workflowId: workflowId.contact(input.id),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // As the contact will be in the operators' queue: its first write then upserts nothing (one
        // history event less per contact); a voicemail left out of hours upserts `waiting` itself.
        searchAttributes: searchAttributesOf({ service: input.service, office: ivrOffice(deps, input), status: 'triage' }),
      }),
    });
  } catch (err) {
    // Already finished (e.g. answered by the IVR): the recorded contact is the answer.
    if (err instanceof WorkflowExecutionAlreadyStartedError || (err as Error).name === 'WorkflowExecutionAlreadyStartedError') {
      const existing = await deps.stores.contacts.get(input.id);
      if (existing) return existing;
    }
    throw err;
  }
}

const op = { tag: 'contacts' } as const;
/** OpenAPI description of the routes above. */
export const contactsPaths: ApiPaths = {
  '/contacts': {
    post: operation({ ...op, summary: 'Open a contact (Idempotency-Key header honoured)', roles: ['operator', 'integrator'], body: createContactSchema, ok: { 201: 'The contact', 200: 'Replayed for the same Idempotency-Key' }, errors: [422], example: { body: { service: 'ADL', channel: 'email', caller: { email: 'cittadina@example.org' }, reason: 'Orari dello sportello' }, as: { role: 'operator' }, status: 201 } }),
    get: operation({ ...op, summary: 'Contacts by status and service, oldest first', roles: ['operator', 'supervisor'], query: listSchema, ok: { 200: '`{items}`' }, example: { query: { status: 'triage', service: 'ADL', limit: '20' }, as: { role: 'supervisor' }, status: 200 } }),
  },
  '/contacts/{id}': {
    get: operation({ ...op, summary: 'A contact with its escalations, history and the attachments of its emails', roles: ['operator', 'supervisor'], path: idPath, ok: { 200: 'The contact' }, errors: [404], example: { path: { id: 'no-such-contact' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/contacts/{id}/classify': {
    post: operation({ ...op, summary: 'Classify a contact', roles: ['operator'], path: idPath, body: classifySchema, ok: { 200: 'The contact' }, errors: [404, 409], example: { path: { id: 'no-such-contact' }, body: { category: 'COLLOCAMENTO' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/contacts/{id}/resolve': {
    post: operation({ ...op, summary: 'First-level resolution: the answer text, a standard answer (`answerId`), or both (the text completes the standard answer)', roles: ['operator'], path: idPath, body: resolveSchema, ok: { 200: 'The contact' }, errors: [404, 409, 422], example: { path: { id: 'no-such-contact' }, body: { answer: 'Lo sportello apre alle 8.' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/contacts/{id}/escalate': {
    post: operation({ ...op, summary: 'Escalate to an office', roles: ['operator'], path: idPath, body: escalateSchema, ok: { 201: 'The escalation' }, errors: [404, 409], example: { path: { id: 'no-such-contact' }, body: { office: 'ADL-SPORTELLO', note: 'Serve il referente' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/contacts/{id}/missed-call': {
    post: operation({ ...op, summary: 'Transfer failed: the missed-call form is emailed', roles: ['operator'], path: idPath, body: missedCallSchema, ok: { 201: 'The missed-call form' }, errors: [404, 409], example: { path: { id: 'no-such-contact' }, body: { personSought: 'Mario Bianchi', reason: 'Richiesta di richiamata', callbackPhone: '+39 0461 000000' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/voicemails': {
    post: operation({ ...op, summary: 'A voicemail left out of hours opens a contact', roles: ['integrator', 'operator'], body: voicemailSchema, ok: { 201: 'The contact', 200: 'Already recorded' }, example: { body: { service: 'NOPE', callerPhone: '+39 333 0000000', recording: 'rec/2026-03-02/0001.wav', leftAt: '2026-03-02T19:15:00+01:00' }, as: { role: 'integrator' }, status: 400 } }),
  },
  '/rollovers': {
    post: operation({ ...op, summary: 'A call that rolled over from an internal number', roles: ['integrator', 'operator'], body: rolloverSchema, ok: { 201: 'The contact', 200: 'Already recorded' }, example: { body: { service: 'NOPE', internalNumber: '4321', callerPhone: '+39 333 0000000', at: '2026-03-02T10:15:00+01:00' }, as: { role: 'integrator' }, status: 400 } }),
  },
};
