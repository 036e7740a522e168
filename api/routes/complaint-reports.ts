import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { requireRole } from '../auth';
import { parseOr400 } from '../errors';
import { complaintsReport } from '../../reports/complaints';
import { operation, type ApiPaths } from '../openapi-kit';

const reportSchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM') });

/**
 * What URU learns from complaints: the month's complaints by service, kind and outcome, with the
 * median response time, as the basis for improvement actions. The month is in the complaints
 * service's time zone.
 */
export function complaintReportsRouter(deps: RouterDeps): Router {
  const router = Router();
  router.get('/reports/complaints', requireRole('supervisor', 'uru'), async (req, res) => {
    const { month } = parseOr400(reportSchema, req.query);
    res.json(await complaintsReport(deps.stores.complaints, deps.catalog, month));
  });
  return router;
}

/** OpenAPI description of the route above. */
export const complaintReportsPaths: ApiPaths = {
  '/reports/complaints': {
    get: operation({ summary: 'The month’s complaints by service, kind and outcome', tag: 'reports', roles: ['supervisor', 'uru'], query: reportSchema, ok: { 200: 'The report' }, example: { query: { month: '2026-03' }, as: { role: 'uru' }, status: 200 } }),
  },
};
