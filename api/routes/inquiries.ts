import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { actorOf, assertOfficeAccess, requireRole, scopedOffice } from '../auth';
import { conflict, notFound, parseOr400 } from '../errors';
import { inquiryView } from '../../infra/stores/complaints';
import { answerInquiryUpdate, workflowId } from '../../workflows/definitions';
import { idPath, operation, type ApiPaths } from '../openapi-kit';

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

/** OpenAPI description of the routes above. */
export const inquiriesPaths: ApiPaths = {
  '/inquiries': {
    get: operation({ tag: 'complaints', summary: 'Inquiries of complaint investigations', roles: ['office', 'uru', 'supervisor'], query: listSchema, ok: { 200: 'The inquiries' }, example: { query: { status: 'open' }, as: { role: 'uru' }, status: 200 } }),
  },
  '/inquiries/{id}': {
    get: operation({ tag: 'complaints', summary: 'One inquiry', roles: ['office', 'uru', 'supervisor'], path: idPath, ok: { 200: 'The inquiry' }, errors: [404], example: { path: { id: 'no-such-inquiry' }, as: { role: 'uru' }, status: 404 } }),
  },
  '/inquiries/{id}/answer': {
    post: operation({ tag: 'complaints', summary: 'Answer an inquiry (the office’s findings)', roles: ['office'], path: idPath, body: answerSchema, ok: { 200: 'The inquiry' }, errors: [404, 409], example: { path: { id: 'no-such-inquiry' }, body: { findings: 'Verificato: la pratica è stata evasa.' }, as: { role: 'office', office: 'URU-SERVIZI' }, status: 404 } }),
  },
};
