import { Router } from 'express';
import { z } from 'zod';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AppDeps } from '../app';
import { actorOf, auth, requireRole } from '../auth';
import { invalidField, notFound, parseOr400 } from '../errors';
import { idempotencyKeyOf, resolveIdempotentId } from '../idempotency';
import { paginationSchema } from '../pagination';
import { createContactStore } from '../../infra/stores/contacts';
import { createHistoryStore } from '../../infra/stores/history';
import {
  CHANNELS,
  ContactInput,
  classifyContactUpdate,
  escalateContactUpdate,
  registerContactUpdate,
  resolveContactUpdate,
  workflowId,
} from '../../workflows/definitions';
import { contactWorkflow } from '../../workflows/contact';

const text = (max: number) => z.string().trim().min(1).max(max);

export const callerSchema = z
  .object({
    surname: text(100).optional(),
    name: text(100).optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ./-]{3,30}$/, 'expected a phone number').optional(),
    email: z.email().optional(),
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

const listSchema = paginationSchema.extend({
  status: z.enum(['waiting', 'triage', 'escalated', 'resolved']).optional(),
  service: text(50).optional(),
});
const classifySchema = z.object({ category: text(50) }).strict();
const resolveSchema = z.object({ answer: text(8000) }).strict();
const escalateSchema = z.object({ office: text(50), note: text(4000).optional() }).strict();

export function contactsRouter(deps: AppDeps): Router {
  const router = Router();
  const contacts = createContactStore(deps.db);
  const history = createHistoryStore(deps.db);

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

    const key = idempotencyKeyOf(req);
    let id = await contacts.nextContactId(new Date());
    if (key) {
      const bound = await resolveIdempotentId(deps.db, `contacts:${auth(req).keyId}`, key, id);
      id = bound.id;
      const existing = bound.replay ? await contacts.get(id) : undefined;
      if (existing) {
        res.status(200).setHeader('Idempotent-Replayed', 'true').json(existing);
        return;
      }
    }
    const input: ContactInput = { id, service, channel: body.channel, origin: body.channel === 'voicemail' ? 'voicemail' : 'direct', callId: body.callId, ivrCode: body.ivrCode, caller: body.caller, reason: body.reason, category: body.category, actor: actorOf(req) };
    res.status(201).json(await startContact(deps, input));
  });

  router.get('/contacts', requireRole('operator', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    res.json({ items: await contacts.list(q) });
  });

  router.get('/contacts/:id', requireRole('operator', 'supervisor'), async (req, res) => {
    const contact = await loadContact(req.params.id);
    const escalations = await contacts.listEscalations({ contactId: contact.id, limit: 100, offset: 0 });
    res.json({ ...contact, escalations, history: await history.list('contact', contact.id) });
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
    const contact = await loadContact(req.params.id);
    const handle = deps.temporal.workflow.getHandle(workflowId.contact(contact.id));
    res.json(await handle.executeUpdate(resolveContactUpdate, { args: [{ answer: body.answer, actor: actorOf(req) }] }));
  });

  router.post('/contacts/:id/escalate', requireRole('operator'), async (req, res) => {
    const body = parseOr400(escalateSchema, req.body);
    const contact = await loadContact(req.params.id);
    if (!deps.catalog.office(contact.service, body.office)) throw invalidField('office', `unknown office ${body.office} for service ${contact.service}`);
    const handle = deps.temporal.workflow.getHandle(workflowId.contact(contact.id));
    res.status(201).json(await handle.executeUpdate(escalateContactUpdate, { args: [{ office: body.office, note: body.note, actor: actorOf(req) }] }));
  });

  return router;
}

/**
 * Starts a contact workflow and waits for its intake to be recorded (update-with-start), so the
 * answer reflects PostgreSQL. The id is a business key: starting it twice never makes a second workflow.
 */
export async function startContact(deps: AppDeps, input: ContactInput) {
  try {
    return await deps.temporal.workflow.executeUpdateWithStart(registerContactUpdate, {
      args: [{}],
      startWorkflowOperation: new WithStartWorkflowOperation(contactWorkflow, {
        workflowId: workflowId.contact(input.id),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    });
  } catch (err) {
    // Already finished (e.g. answered by the IVR): the recorded contact is the answer.
    if (err instanceof WorkflowExecutionAlreadyStartedError || (err as Error).name === 'WorkflowExecutionAlreadyStartedError') {
      const existing = await createContactStore(deps.db).get(input.id);
      if (existing) return existing;
    }
    throw err;
  }
}
