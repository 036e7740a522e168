import { Router, Request, Response } from 'express';
import { z } from 'zod';
import { breachedQuery, listTextQuery, olderThanHoursQuery, remainingOn } from '../list-query';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RouterDeps } from '../app';
import { actorOf, auth, requireRole } from '../auth';
import { Problem, conflict, invalidField, notFound, parseOr400 } from '../errors';
import { isoTimeWithin } from '../schemas';
import { idempotencyKeyOf, requestHashOf, resolveIdempotentId } from '../idempotency';
import { complaintReference, complaintSettingsFor, isReachable, referenceYear } from '../../domain/complaints';
import { allocateComplaintNumber, ComplaintRow, complaintSummary, inquiryView } from '../../infra/stores/complaints';
import { complaintWorkflow } from '../../workflows/complaint';
import {
  COMPLAINT_CHANNELS,
  COMPLAINT_KINDS,
  COMPLAINT_OUTCOMES,
  ComplaintInput,
  openInquiryUpdate,
  registerComplaintUpdate,
  requestInfoUpdate,
  requesterInfoUpdate,
  respondUpdate,
  takeChargeComplaintUpdate,
  workflowId,
} from '../../workflows/definitions';
import { idPath, operation, type ApiPaths } from '../openapi-kit';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const requesterSchema = z
  .object({
    name: text(200),
    surname: text(200).optional(),
    email: z.email().max(320).optional(),
    postalAddress: text(500).optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ()./-]{3,30}$/, 'expected a phone number').optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!isReachable(r)) ctx.addIssue({ code: 'custom', path: ['email'], message: 'an email or a postal address (postalAddress) is required to send the response' });
  });

const createSchema = z.object({
  kind: z.enum(COMPLAINT_KINDS),
  requester: requesterSchema,
  subject: text(300),
  body: text(20_000),
  channel: z.enum(COMPLAINT_CHANNELS),
  /** The service the complaint is about (a catalog code). */
  service: z.string().trim().min(1).max(50).optional(),
  contactId: z.string().trim().min(1).max(100).optional(),
}).strict();

const listSchema = z.object({
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(['registered', 'in_charge', 'investigating', 'awaiting_requester', 'responded', 'closed'])).optional()),
  kind: z.enum(COMPLAINT_KINDS).optional(),
  service: z.string().max(50).optional(),
  q: listTextQuery,
  breached: breachedQuery,
  olderThanHours: olderThanHoursQuery,
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const inquirySchema = z
  .object({
    structure: z.string().trim().min(1).max(50),
    question: text(5_000),
    dueAt: isoTimeWithin({ pastYears: 1, futureYears: 2 }),
  })
  .strict();
const requestInfoSchema = z.object({ question: text(5_000) }).strict();
const requesterInfoSchema = z.object({ info: text(20_000) }).strict();
const respondSchema = z.object({ response: text(20_000).optional(), outcome: z.enum(COMPLAINT_OUTCOMES).optional() }).strict();

/**
 * Complaints, reports and suggestions handled by URU. Intake by operators, integrators and URU;
 * the file (deadline, inquiries, history) is for URU and supervisors only, never for an office.
 */
export function complaintsRouter(deps: RouterDeps): Router {
  const router = Router();
  const store = deps.stores.complaints;
  const handle = (id: string) => deps.temporal.workflow.getHandle(workflowId.complaint(id));

  /** The complaint's row, or 404; a closed complaint refuses every action with 409. */
  async function openRow(req: Request): Promise<ComplaintRow> {
    const row = await store.row(String(req.params.id));
    if (!row) throw notFound(`No complaint ${req.params.id}`);
    if (row.status === 'closed' || row.status === 'responded') throw conflict(`complaint ${row.id} is ${row.status}`);
    return row;
  }

  async function sendFile(res: Response, id: string, status = 200) {
    const file = await store.file(id, Date.now());
    if (!file) throw notFound(`No complaint ${id}`);
    res.status(status).json(file);
  }

  /** 201 with the file for URU; operators and integrators, who may not read files, get the summary. */
  async function sendCreated(req: Request, res: Response, id: string) {
    res.location(`/api/v1/complaints/${id}`);
    if (auth(req).role === 'uru' || auth(req).role === 'admin') return sendFile(res, id, 201);
    const row = await store.row(id);
    if (!row) throw notFound(`No complaint ${id}`);
    res.status(201).json(complaintSummary(row, Date.now()));
  }

  router.post('/complaints', requireRole('operator', 'integrator', 'uru'), async (req, res) => {
    const body = parseOr400(createSchema, req.body);
    if (body.service && !deps.catalog.service(body.service)) throw invalidField('service', `unknown service ${body.service}`);
    const idemKey = idempotencyKeyOf(req);
    let settings;
    try {
      settings = complaintSettingsFor(deps.catalog, body.kind);
    } catch (err) {
      // This deployment's catalog has no complaints service: a configuration matter, not bad input.
      throw new Problem(503, 'Service Unavailable', (err as Error).message);
    }
    const registeredAt = Date.now();
    const scope = `complaints:${auth(req).keyId}`;

    // The number and the Idempotency-Key binding commit together: a replayed key rolls back, so
    // it never uses up a number.
    let reference: string;
    let replay = false;
    try {
      reference = await deps.db.transaction(async (trx) => {
        const n = await allocateComplaintNumber(trx, referenceYear(registeredAt, settings.zone));
        const ref = complaintReference(referenceYear(registeredAt, settings.zone), n);
        if (idemKey) {
          const bound = await resolveIdempotentId(trx, scope, idemKey, ref, requestHashOf(req));
          if (bound.replay) throw new ReplayOf(bound.id);
        }
        return ref;
      });
    } catch (err) {
      if (!(err instanceof ReplayOf)) throw err;
      reference = err.reference;
      replay = true;
    }

    const input: ComplaintInput = {
      reference,
      kind: body.kind,
      requester: body.requester,
      subject: body.subject,
      body: body.body,
      channel: body.channel,
      service: body.service ?? null,
      contactId: body.contactId ?? null,
      registeredAt,
      actor: actorOf(req),
      settings,
    };
    if (replay) {
      const existing = await store.row(reference);
      if (existing) {
        res.setHeader('Idempotent-Replayed', 'true');
        return sendCreated(req, res, reference);
      }
      // The first attempt bound the key but did not get as far as starting: start it now.
    }
    // Update-with-start: the answer waits until the workflow has recorded the registration.
    try {
      await deps.temporal.workflow.executeUpdateWithStart(registerComplaintUpdate, {
        args: [{}],
        startWorkflowOperation: new WithStartWorkflowOperation(complaintWorkflow, {
          workflowId: workflowId.complaint(reference),
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      });
    } catch (err) {
      // Already finished (a replayed key of a closed complaint): the recorded complaint is the answer.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError || (err as Error).name === 'WorkflowExecutionAlreadyStartedError')) throw err;
    }
    if (replay) res.setHeader('Idempotent-Replayed', 'true');
    await sendCreated(req, res, reference);
  });

  router.get('/complaints', requireRole('uru', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const now = Date.now();
    const { items, total } = await store.list(q, now);
    // Complaint terms are calendar days: the remaining time is elapsed time, paused while the clock is stopped.
    res.json({ items: items.map((c) => ({ ...c, remaining: c.clock === 'running' ? remainingOn(null, c.service ?? '', c.deadline, now) : null })), total, limit: q.limit, offset: q.offset });
  });

  router.get('/complaints/:id', requireRole('uru', 'supervisor'), async (req, res) => {
    await sendFile(res, String(req.params.id));
  });

  router.post('/complaints/:id/take-charge', requireRole('uru'), async (req, res) => {
    const row = await openRow(req);
    await handle(row.id).executeUpdate(takeChargeComplaintUpdate, { args: [{ actor: actorOf(req) }] });
    await sendFile(res, row.id);
  });

  router.post('/complaints/:id/inquiries', requireRole('uru'), async (req, res) => {
    const body = parseOr400(inquirySchema, req.body);
    const office = deps.catalog.findOffice(body.structure);
    if (!office) throw invalidField('structure', `unknown office ${body.structure}`);
    const dueAt = Date.parse(body.dueAt);
    if (dueAt <= Date.now()) throw invalidField('dueAt', 'must be in the future');
    const row = await openRow(req);
    const result = await handle(row.id).executeUpdate(openInquiryUpdate, {
      args: [{ structure: office.code, structureName: office.name, structureMailbox: office.mailbox, question: body.question, dueAt, actor: actorOf(req) }],
    });
    const inquiry = await store.inquiry(result.inquiryId as string);
    if (!inquiry) throw new Problem(500, 'Internal Server Error', `inquiry ${result.inquiryId} was not recorded`);
    res.status(201).location(`/api/v1/inquiries/${inquiry.id}`).json(inquiryView(inquiry, Date.now()));
  });

  router.post('/complaints/:id/request-info', requireRole('uru'), async (req, res) => {
    const body = parseOr400(requestInfoSchema, req.body);
    const row = await openRow(req);
    await handle(row.id).executeUpdate(requestInfoUpdate, { args: [{ question: body.question, actor: actorOf(req) }] });
    await sendFile(res, row.id);
  });

  router.post('/complaints/:id/requester-info', requireRole('uru', 'integrator'), async (req, res) => {
    const body = parseOr400(requesterInfoSchema, req.body);
    const row = await openRow(req);
    await handle(row.id).executeUpdate(requesterInfoUpdate, { args: [{ info: body.info, actor: actorOf(req) }] });
    // An integrator records the requester's reply but may not read the file.
    if (auth(req).role === 'integrator') {
      const after = await store.row(row.id);
      res.json({ id: row.id, status: after?.status, clock: after?.clock, deadline: after?.deadline_at?.toISOString() ?? null });
      return;
    }
    await sendFile(res, row.id);
  });

  router.post('/complaints/:id/respond', requireRole('uru'), async (req, res) => {
    const body = parseOr400(respondSchema, req.body);
    const row = await openRow(req);
    // Checked here as well as in the workflow, so bad input is a 400 before anything is sent.
    if (body.outcome === 'thanked' && row.kind !== 'suggestion') throw invalidField('outcome', 'only a suggestion may close with a thank-you');
    if (!body.response && !(row.kind === 'suggestion' && (body.outcome ?? 'thanked') === 'thanked')) {
      throw invalidField('response', 'a definitive response is required (only a suggestion may close with the standard thank-you)');
    }
    await handle(row.id).executeUpdate(respondUpdate, { args: [{ response: body.response, outcome: body.outcome, actor: actorOf(req) }] });
    await sendFile(res, row.id);
  });

  return router;
}

class ReplayOf extends Error {
  constructor(readonly reference: string) {
    super(`Idempotency-Key already bound to ${reference}`);
  }
}

const asUru = { role: 'uru' } as const;
const byId = { tag: 'complaints', path: idPath, errors: [404, 409] } as const;
/** OpenAPI description of the routes above. */
export const complaintsPaths: ApiPaths = {
  '/complaints': {
    post: operation({ tag: 'complaints', summary: 'Register a complaint, report or suggestion', roles: ['operator', 'integrator', 'uru'], body: createSchema, ok: { 201: 'The complaint' }, example: { body: { kind: 'complaint', requester: { name: 'Anna', surname: 'Verdi', email: 'anna.verdi@example.org' }, subject: 'Attesa allo sportello', body: 'Ho atteso due ore.', channel: 'web' }, as: asUru, status: 201 } }),
    get: operation({ tag: 'complaints', summary: 'Complaints by status (comma-separated), kind and service', roles: ['uru', 'supervisor'], query: listSchema, ok: { 200: 'The complaints' }, example: { query: { status: 'registered,in_charge', kind: 'complaint' }, as: asUru, status: 200 } }),
  },
  '/complaints/{id}': {
    get: operation({ ...byId, summary: 'A complaint file', roles: ['uru', 'supervisor'], ok: { 200: 'The file' }, example: { path: { id: 'no-such-complaint' }, as: asUru, status: 404 } }),
  },
  '/complaints/{id}/take-charge': {
    post: operation({ ...byId, summary: 'Take charge of a complaint', roles: ['uru'], ok: { 200: 'The file' }, example: { path: { id: 'no-such-complaint' }, as: asUru, status: 404 } }),
  },
  '/complaints/{id}/inquiries': {
    post: operation({ ...byId, summary: 'Open an inquiry with an internal structure', roles: ['uru'], body: inquirySchema, ok: { 201: 'The inquiry' }, example: { path: { id: 'no-such-complaint' }, body: { structure: 'URU-SERVIZI', question: 'Cosa è successo?', dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString() }, as: asUru, status: 404 } }),
  },
  '/complaints/{id}/request-info': {
    post: operation({ ...byId, summary: 'Ask the requester for more information (the term is suspended)', roles: ['uru'], body: requestInfoSchema, ok: { 200: 'The file' }, example: { path: { id: 'no-such-complaint' }, body: { question: 'In quale giorno?' }, as: asUru, status: 404 } }),
  },
  '/complaints/{id}/requester-info': {
    post: operation({ ...byId, summary: 'The requester’s information arrived', roles: ['uru', 'integrator'], body: requesterInfoSchema, ok: { 200: 'The file' }, example: { path: { id: 'no-such-complaint' }, body: { info: 'Il 2 marzo.' }, as: asUru, status: 404 } }),
  },
  '/complaints/{id}/respond': {
    post: operation({ ...byId, summary: 'Send the response and close', roles: ['uru'], body: respondSchema, ok: { 200: 'The file' }, example: { path: { id: 'no-such-complaint' }, body: { response: 'Ci scusiamo per l’attesa.', outcome: 'upheld' }, as: asUru, status: 404 } }),
  },
};
