import { Router, Request } from 'express';
import { z } from 'zod';
import { untilChildStarted } from '../child-lifecycles';
import type { RouterDeps } from '../app';
import { actorOf, assertOfficeAccess, requireRole, scopedOffice } from '../auth';
import { invalidField, notFound, parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import { listTextQuery, olderThanHoursQuery, remainingOn } from '../list-query';
import {
  addNoteUpdate,
  citizenReplyUpdate,
  reassignEscalationUpdate,
  requestCitizenInfoUpdate,
  resolveEscalationUpdate,
  returnEscalationUpdate,
  takeChargeUpdate,
  workflowId,
} from '../../workflows/definitions';
import { idPath, operation, type ApiPaths } from '../openapi-kit';

const text = (max: number) => z.string().trim().min(1).max(max);

const listSchema = paginationSchema.extend({
  office: text(50).optional(),
  status: z.enum(['open', 'in_charge', 'waiting_citizen', 'resolved', 'returned']).optional(),
  breached: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  service: text(50).optional(),
  q: listTextQuery,
  olderThanHours: olderThanHoursQuery,
});
const emptySchema = z.object({}).strict();
const noteSchema = z.object({ text: text(4000) }).strict();
const resolveSchema = z.object({ response: text(8000) }).strict();
const returnSchema = z.object({ reason: text(4000) }).strict();
const reassignSchema = z.object({ office: text(50) }).strict();
const requestInfoSchema = z.object({ question: text(4000) }).strict();
const citizenReplySchema = z.object({ reply: text(8000) }).strict();

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
    const { limit, offset, ...filter } = q;
    const [items, total] = await Promise.all([contacts.listEscalations({ ...q, office }), contacts.countEscalations({ ...filter, office })]);
    const now = Date.now();
    // The deadline that runs now, in the service's business time: take charge while open, resolution after.
    const due = (e: (typeof items)[number]) => (e.status === 'open' ? e.takeChargeDueAt : e.status === 'in_charge' ? e.resolveDueAt : null);
    // While waiting for the citizen the clock stands still: the time left is the one at the pause.
    const remaining = (e: (typeof items)[number]) =>
      e.status === 'waiting_citizen' && e.pause ? remainingOn(deps.catalog, e.service, e.resolveDueAt, Date.parse(e.pause.since)) : remainingOn(deps.catalog, e.service, due(e), now);
    res.json({ items: items.map((e) => ({ ...e, remaining: remaining(e) })), total, limit, offset });
  });

  router.get('/escalations/:id', requireRole('office', 'supervisor'), async (req, res) => {
    // Read together; the history is only sent once the office check has passed.
    const [escalation, events] = await Promise.all([load(req), history.list('escalation', String(req.params.id))]);
    res.json({ ...escalation, history: events });
  });

  router.post('/escalations/:id/take-charge', requireRole('office', 'supervisor'), async (req, res) => {
    parseOr400(emptySchema, req.body ?? {});
    const e = await load(req);
    res.json(await untilChildStarted(() => handleOf(e.id).executeUpdate(takeChargeUpdate, { args: [{ actor: actorOf(req) }] })));
  });

  router.post('/escalations/:id/notes', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(noteSchema, req.body);
    const e = await load(req);
    res.status(201).json(await untilChildStarted(() => handleOf(e.id).executeUpdate(addNoteUpdate, { args: [{ text: body.text, actor: actorOf(req) }] })));
  });

  router.post('/escalations/:id/resolve', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(resolveSchema, req.body);
    const e = await load(req);
    res.json(await untilChildStarted(() => handleOf(e.id).executeUpdate(resolveEscalationUpdate, { args: [{ response: body.response, actor: actorOf(req) }] })));
  });

  router.post('/escalations/:id/return', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(returnSchema, req.body);
    const e = await load(req);
    res.json(await untilChildStarted(() => handleOf(e.id).executeUpdate(returnEscalationUpdate, { args: [{ reason: body.reason, actor: actorOf(req) }] })));
  });

  // Reassigning is a supervisor's decision: an office returns work, it does not hand it over.
  router.post('/escalations/:id/reassign', requireRole('supervisor'), async (req, res) => {
    const body = parseOr400(reassignSchema, req.body);
    const e = await load(req);
    if (!deps.catalog.office(e.service, body.office)) throw invalidField('office', `unknown office ${body.office} for service ${e.service}`);
    res.json(await untilChildStarted(() => handleOf(e.id).executeUpdate(reassignEscalationUpdate, { args: [{ office: body.office, actor: actorOf(req) }] })));
  });

  // The paused clock: the office asks the citizen (by email; 409 when the contact left none), the reply resumes it.
  router.post('/escalations/:id/request-info', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(requestInfoSchema, req.body);
    const e = await load(req);
    res.json(await untilChildStarted(() => handleOf(e.id).executeUpdate(requestCitizenInfoUpdate, { args: [{ question: body.question, actor: actorOf(req) }] })));
  });

  router.post('/escalations/:id/citizen-reply', requireRole('operator', 'integrator', 'office', 'supervisor'), async (req, res) => {
    const body = parseOr400(citizenReplySchema, req.body);
    const e = await load(req);
    res.json(await untilChildStarted(() => handleOf(e.id).executeUpdate(citizenReplyUpdate, { args: [{ reply: body.reply, actor: actorOf(req) }] })));
  });

  return router;
}

const op = { tag: 'escalations', path: idPath, errors: [404, 409] } as const;
const asSupervisor = { role: 'supervisor' } as const;
/** OpenAPI description of the routes above. */
export const escalationsPaths: ApiPaths = {
  '/escalations': {
    get: operation({ tag: 'escalations', summary: 'An office’s escalation queue with due times', roles: ['office', 'supervisor'], query: listSchema, ok: { 200: '`{items}`' }, example: { query: { office: 'ADL-SPORTELLO', status: 'open' }, as: asSupervisor, status: 200 } }),
  },
  '/escalations/{id}': {
    get: operation({ ...op, summary: 'An escalation with its history', roles: ['office', 'supervisor'], ok: { 200: 'The escalation' }, example: { path: { id: 'no-such-escalation' }, as: asSupervisor, status: 404 } }),
  },
  '/escalations/{id}/take-charge': {
    post: operation({ ...op, summary: 'Take charge of an escalation', roles: ['office', 'supervisor'], body: emptySchema, ok: { 200: 'The escalation' }, example: { path: { id: 'no-such-escalation' }, body: {}, as: asSupervisor, status: 404 } }),
  },
  '/escalations/{id}/notes': {
    post: operation({ ...op, summary: 'Add a note', roles: ['office', 'supervisor'], body: noteSchema, ok: { 201: 'The note' }, example: { path: { id: 'no-such-escalation' }, body: { text: 'Richiamato il cittadino' }, as: asSupervisor, status: 404 } }),
  },
  '/escalations/{id}/resolve': {
    post: operation({ ...op, summary: 'Resolve with a response', roles: ['office', 'supervisor'], body: resolveSchema, ok: { 200: 'The escalation' }, example: { path: { id: 'no-such-escalation' }, body: { response: 'Pratica completata.' }, as: asSupervisor, status: 404 } }),
  },
  '/escalations/{id}/return': {
    post: operation({ ...op, summary: 'Return to the contact center', roles: ['office', 'supervisor'], body: returnSchema, ok: { 200: 'The escalation' }, example: { path: { id: 'no-such-escalation' }, body: { reason: 'Non di nostra competenza' }, as: asSupervisor, status: 404 } }),
  },
  '/escalations/{id}/reassign': {
    post: operation({ ...op, summary: 'Reassign to another office with fresh deadlines', roles: ['supervisor'], body: reassignSchema, ok: { 200: 'The escalation' }, example: { path: { id: 'no-such-escalation' }, body: { office: 'ADL-MOBILITA' }, as: asSupervisor, status: 404 } }),
  },
  '/escalations/{id}/request-info': {
    post: operation({ ...op, summary: 'Ask the citizen (by email) for information: status `waiting_citizen`, deadlines paused; 409 when not in charge or the contact has no email', roles: ['office', 'supervisor'], body: requestInfoSchema, ok: { 200: 'The escalation' }, example: { path: { id: 'no-such-escalation' }, body: { question: 'Può indicarci il numero di targa?' }, as: asSupervisor, status: 404 } }),
  },
  '/escalations/{id}/citizen-reply': {
    post: operation({ ...op, summary: 'The citizen’s reply: back to `in_charge`, deadlines moved by the paused business time', roles: ['operator', 'integrator', 'office', 'supervisor'], body: citizenReplySchema, ok: { 200: 'The escalation' }, example: { path: { id: 'no-such-escalation' }, body: { reply: 'La targa è AB123CD' }, as: { role: 'operator' }, status: 404 } }),
  },
};
