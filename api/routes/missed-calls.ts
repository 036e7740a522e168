import { Router, Request } from 'express';
import { z } from 'zod';
import { untilChildStarted } from '../child-lifecycles';
import type { RouterDeps } from '../app';
import { actorOf, assertOfficeAccess, requireRole, scopedOffice } from '../auth';
import { notFound, parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import { CALLBACK_OUTCOMES, recordCallbackUpdate, retryCallbackUpdate, workflowId } from '../../workflows/definitions';
import { RETRY_OUTCOME } from '../../domain/contacts';
import { MAX_RETRY_DAYS } from '../../domain/paused-clock';
import { breachedQuery, listTextQuery, olderThanHoursQuery, remainingOn } from '../list-query';
import { idPath, operation, type ApiPaths } from '../openapi-kit';

const listSchema = paginationSchema.extend({
  office: z.string().trim().min(1).max(50).optional(),
  status: z.enum(['open', 'closed']).optional(),
  service: z.string().trim().min(1).max(50).optional(),
  breached: breachedQuery,
  q: listTextQuery,
  olderThanHours: olderThanHoursQuery,
});
/**
 * A closing outcome, or `not_reachable_retry` with the new attempt time (`retryAt`, in the future
 * and within MAX_RETRY_DAYS; moved to the office's next opening when it falls outside its hours).
 */
const callbackSchema = z
  .object({
    outcome: z.enum([...CALLBACK_OUTCOMES, RETRY_OUTCOME]),
    note: z.string().trim().min(1).max(4000).optional(),
    retryAt: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time with offset, e.g. 2026-03-02T09:15:00+01:00' }).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.outcome !== RETRY_OUTCOME) {
      if (b.retryAt !== undefined) ctx.addIssue({ code: 'custom', path: ['retryAt'], message: `only with outcome ${RETRY_OUTCOME}` });
      return;
    }
    if (b.retryAt === undefined) return ctx.addIssue({ code: 'custom', path: ['retryAt'], message: `required with outcome ${RETRY_OUTCOME}` });
    const at = Date.parse(b.retryAt);
    if (Number.isNaN(at)) return; // the format check above has already named the field
    if (!(at > Date.now())) ctx.addIssue({ code: 'custom', path: ['retryAt'], message: 'must be in the future' });
    else if (at > Date.now() + MAX_RETRY_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['retryAt'], message: `must be within ${MAX_RETRY_DAYS} days` });
  });

export function missedCallsRouter(deps: RouterDeps): Router {
  const router = Router();
  const { missedCalls: forms, history } = deps.stores;

  const load = async (req: Request) => {
    const form = await forms.get(String(req.params.id));
    if (!form) throw notFound(`No missed-call form ${req.params.id}`);
    assertOfficeAccess(req, form.office);
    return form;
  };

  router.get('/missed-calls', requireRole('office', 'supervisor', 'operator'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const { limit, offset, ...filter } = q;
    const office = scopedOffice(req, q.office);
    const [items, total] = await Promise.all([forms.list({ ...q, office }), forms.count({ ...filter, office })]);
    const now = Date.now();
    // A callback put off ("non raggiungibile, riprova") keeps the time it had left when it was put off.
    const at = (f: (typeof items)[number]) => (f.pause ? Date.parse(f.pause.since) : now);
    res.json({ items: items.map((f) => ({ ...f, remaining: f.status === 'open' ? remainingOn(deps.catalog, f.service, f.dueAt, at(f)) : null })), total, limit, offset });
  });

  router.get('/missed-calls/:id', requireRole('office', 'supervisor', 'operator'), async (req, res) => {
    // Read together; the history is only sent once the office check has passed.
    const [form, events] = await Promise.all([load(req), history.list('missed_call', String(req.params.id))]);
    res.json({ ...form, history: events });
  });

  router.post('/missed-calls/:id/callback', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(callbackSchema, req.body);
    const form = await load(req);
    const handle = deps.temporal.workflow.getHandle(workflowId.missedCall(form.id));
    if (body.outcome === RETRY_OUTCOME) {
      const retryAt = Date.parse(body.retryAt!);
      res.json(await untilChildStarted(() => handle.executeUpdate(retryCallbackUpdate, { args: [{ retryAt, note: body.note, actor: actorOf(req) }] })));
      return;
    }
    const outcome = body.outcome;
    res.json(await untilChildStarted(() => handle.executeUpdate(recordCallbackUpdate, { args: [{ outcome, note: body.note, actor: actorOf(req) }] })));
  });

  return router;
}

/** OpenAPI description of the routes above. */
export const missedCallsPaths: ApiPaths = {
  '/missed-calls': {
    get: operation({ tag: 'missed-calls', summary: 'Missed-call forms', roles: ['office', 'supervisor', 'operator'], query: listSchema, ok: { 200: '`{items}`' }, example: { query: { status: 'open' }, as: { role: 'operator' }, status: 200 } }),
  },
  '/missed-calls/{id}': {
    get: operation({ tag: 'missed-calls', summary: 'A missed-call form with its history', roles: ['office', 'supervisor', 'operator'], path: idPath, ok: { 200: 'The form' }, errors: [404], example: { path: { id: 'no-such-form' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/missed-calls/{id}/callback': {
    post: operation({ tag: 'missed-calls', summary: 'Record the callback (or `not_reachable_retry` with `retryAt`: the form stays open, its clock paused until then)', roles: ['office', 'supervisor'], path: idPath, body: callbackSchema, ok: { 200: 'The form' }, errors: [404, 409], example: { path: { id: 'no-such-form' }, body: { outcome: 'reached', note: 'Richiamato alle 10' }, as: { role: 'supervisor' }, status: 404 } }),
  },
};
