import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { actorOf, assertOfficeAccess, requireRole, scopedOffice } from '../auth';
import { conflict, notFound, parseOr400 } from '../errors';
import { inquiryView } from '../../infra/stores/complaints';
import { answerInquiryUpdate, workflowId } from '../../workflows/definitions';

const listSchema = z.object({
  office: z.string().trim().min(1).max(50).optional(),
  status: z.enum(['open', 'answered', 'withdrawn']).optional(),
  complaint: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const answerSchema = z.object({ findings: z.string().trim().min(1, 'must not be empty').max(20_000) }).strict();

/**
 * Inquiries of complaint investigations, as the internal structures see them: an office key sees and
 * answers its own office's inquiries (question and due date), never the complaint file behind them.
 */
export function inquiriesRouter(deps: RouterDeps): Router {
  const router = Router();
  const store = deps.stores.complaints;

  router.get('/inquiries', requireRole('office', 'uru', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const office = scopedOffice(req, q.office);
    res.json(await store.inquiries({ office, status: q.status, complaintId: q.complaint, limit: q.limit, offset: q.offset }, Date.now()));
  });

  router.get('/inquiries/:id', requireRole('office', 'uru', 'supervisor'), async (req, res) => {
    const row = await store.inquiry(String(req.params.id));
    if (!row) throw notFound(`No inquiry ${req.params.id}`);
    assertOfficeAccess(req, row.structure);
    res.json(inquiryView(row, Date.now()));
  });

  router.post('/inquiries/:id/answer', requireRole('office'), async (req, res) => {
    const body = parseOr400(answerSchema, req.body);
    const row = await store.inquiry(String(req.params.id));
    if (!row) throw notFound(`No inquiry ${req.params.id}`);
    assertOfficeAccess(req, row.structure);
    if (row.status !== 'open') throw conflict(`inquiry ${row.id} is ${row.status === 'answered' ? 'already answered' : row.status}`);
    await deps.temporal.workflow
      .getHandle(workflowId.complaint(row.complaint_id))
      .executeUpdate(answerInquiryUpdate, { args: [{ inquiryId: row.id, findings: body.findings, actor: actorOf(req) }] });
    res.json(inquiryView((await store.inquiry(row.id)) ?? row, Date.now()));
  });

  return router;
}
