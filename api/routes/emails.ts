import { Router } from 'express';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import { createSentEmailStore } from '../../infra/stores/sent-emails';
import { operation, type ApiPaths } from '../openapi-kit';

const inDoubtQuerySchema = paginationSchema.strict();

/**
 * `GET /emails/in-doubt`: emails not confirmed sent (a claim whose send was interrupted, or one
 * waiting for the relay) and emails sent again after an interrupted send (the receiver may hold an
 * identical copy). Reference, template, times and state only: no recipient, subject or body.
 */
export function emailsRouter(deps: Pick<AppDeps, 'db'>): Router {
  const store = createSentEmailStore(deps.db);
  const router = Router();
  router.get('/emails/in-doubt', requireRole('supervisor'), async (req, res) => {
    const page = parseOr400(inDoubtQuerySchema, req.query);
    res.json({ items: await store.listInDoubt(page), limit: page.limit, offset: page.offset });
  });
  return router;
}

/** OpenAPI description of the routes above. */
export const emailsPaths: ApiPaths = {
  '/emails/in-doubt': {
    get: operation({ tag: 'emails', summary: 'Emails not confirmed sent, or sent again after an interrupted send (reference, template, times and state only)', roles: ['supervisor'], query: inDoubtQuerySchema, ok: { 200: 'The emails in doubt' }, example: { query: { limit: '50' }, as: { role: 'supervisor' }, status: 200 } }),
  },
};
