import { Router, Request } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { actorOf, assertOfficeAccess, requireRole, scopedOffice } from '../auth';
import { invalidField, notFound, parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import {
  addNoteUpdate,
  reassignEscalationUpdate,
  resolveEscalationUpdate,
  returnEscalationUpdate,
  takeChargeUpdate,
  workflowId,
} from '../../workflows/definitions';

const text = (max: number) => z.string().trim().min(1).max(max);

const listSchema = paginationSchema.extend({
  office: text(50).optional(),
  status: z.enum(['open', 'in_charge', 'resolved', 'returned']).optional(),
  breached: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
const emptySchema = z.object({}).strict();
const noteSchema = z.object({ text: text(4000) }).strict();
const resolveSchema = z.object({ response: text(8000) }).strict();
const returnSchema = z.object({ reason: text(4000) }).strict();
const reassignSchema = z.object({ office: text(50) }).strict();

export function escalationsRouter(deps: RouterDeps): Router {
  const router = Router();
  const { contacts, history } = deps.stores;

  /** The escalation, if this key may see it: an office key only its own office's. */
  const load = async (req: Request) => {
    const escalation = await contacts.getEscalation(String(req.params.id));
    if (!escalation) throw notFound(`No escalation ${req.params.id}`);
    assertOfficeAccess(req, escalation.office);
    return escalation;
  };
  const handleOf = (id: string) => deps.temporal.workflow.getHandle(workflowId.escalation(id));

  router.get('/escalations', requireRole('office', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const office = scopedOffice(req, q.office);
    res.json({ items: await contacts.listEscalations({ ...q, office }) });
  });

  router.get('/escalations/:id', requireRole('office', 'supervisor'), async (req, res) => {
    // Read together; the history is only sent once the office check has passed.
    const [escalation, events] = await Promise.all([load(req), history.list('escalation', String(req.params.id))]);
    res.json({ ...escalation, history: events });
  });

  router.post('/escalations/:id/take-charge', requireRole('office', 'supervisor'), async (req, res) => {
    parseOr400(emptySchema, req.body ?? {});
    const e = await load(req);
    res.json(await handleOf(e.id).executeUpdate(takeChargeUpdate, { args: [{ actor: actorOf(req) }] }));
  });

  router.post('/escalations/:id/notes', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(noteSchema, req.body);
    const e = await load(req);
    res.status(201).json(await handleOf(e.id).executeUpdate(addNoteUpdate, { args: [{ text: body.text, actor: actorOf(req) }] }));
  });

  router.post('/escalations/:id/resolve', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(resolveSchema, req.body);
    const e = await load(req);
    res.json(await handleOf(e.id).executeUpdate(resolveEscalationUpdate, { args: [{ response: body.response, actor: actorOf(req) }] }));
  });

  router.post('/escalations/:id/return', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(returnSchema, req.body);
    const e = await load(req);
    res.json(await handleOf(e.id).executeUpdate(returnEscalationUpdate, { args: [{ reason: body.reason, actor: actorOf(req) }] }));
  });

  // Reassigning is a supervisor's decision: an office returns work, it does not hand it over.
  router.post('/escalations/:id/reassign', requireRole('supervisor'), async (req, res) => {
    const body = parseOr400(reassignSchema, req.body);
    const e = await load(req);
    if (!deps.catalog.office(e.service, body.office)) throw invalidField('office', `unknown office ${body.office} for service ${e.service}`);
    res.json(await handleOf(e.id).executeUpdate(reassignEscalationUpdate, { args: [{ office: body.office, actor: actorOf(req) }] }));
  });

  return router;
}
