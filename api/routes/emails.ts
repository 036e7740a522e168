import { Router } from 'express';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import { createSentEmailStore } from '../../infra/stores/sent-emails';

/**
 * `GET /emails/in-doubt`: emails not confirmed sent (a claim whose send was interrupted, or one
 * waiting for the relay) and emails sent again after an interrupted send (the receiver may hold an
 * identical copy). Reference, template, times and state only: no recipient, subject or body.
 */
export function emailsRouter(deps: Pick<AppDeps, 'db'>): Router {
  const store = createSentEmailStore(deps.db);
  const router = Router();
  router.get('/emails/in-doubt', requireRole('supervisor'), async (req, res) => {
    const page = parseOr400(paginationSchema.strict(), req.query);
    res.json({ items: await store.listInDoubt(page), limit: page.limit, offset: page.offset });
  });
  return router;
}
