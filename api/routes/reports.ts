import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { requireRole } from '../auth';
import { invalidField, parseOr400 } from '../errors';
import type { Service } from '../../domain/catalog';
import { MONTH_PATTERN, monthBounds } from '../../domain/sla';
import { allServicesSlaReport, serviceSlaReport, type SlaRow } from '../../reports/sla';
import { crmReport } from '../../reports/crm';
import { reportFormat, sendTable } from '../report-formats';
import { operation, type ApiPaths } from '../openapi-kit';

const monthQuery = z.string({ message: 'required, as YYYY-MM' }).regex(MONTH_PATTERN, 'expected YYYY-MM, e.g. 2026-03');
const reportQuerySchema = z.object({ month: monthQuery, service: z.string().min(1).max(50).optional(), format: z.enum(['json', 'csv', 'xlsx']).optional() });

const SLA_CSV_COLUMNS = [
  'month',
  'service',
  'answerTimeAvgSec',
  'abandonedPct',
  'firstLevelResolvedPct',
  'registered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'outOfWindow',
  'firstLevelResolved',
  'answerTimeTargetSec',
  'abandonedPctTarget',
  'firstLevelResolvedPctTarget',
  'answerTimeMet',
  'abandonedMet',
  'firstLevelResolvedMet',
];

function slaCsvRecord(month: string, r: SlaRow): unknown[] {
  return [
    month,
    r.service ?? 'TOTAL',
    r.answerTimeAvgSec,
    r.abandonedPct,
    r.firstLevelResolvedPct,
    r.calls.registered,
    r.calls.answered,
    r.calls.abandoned,
    r.calls.shortAbandoned,
    r.calls.outOfWindow,
    r.calls.firstLevelResolved,
    r.targets.answerTimeAvgSec,
    r.targets.abandonedPct,
    r.targets.firstLevelResolvedPct,
    r.met.answerTime,
    r.met.abandoned,
    r.met.firstLevelResolved,
  ];
}


/** Monthly reports for supervisors (admin too, as everywhere). */
export function reportsRouter(deps: RouterDeps): Router {
  const router = Router();

  const parseQuery = (req: Request) => {
    const q = parseOr400(reportQuerySchema, req.query);
    let service: Service | undefined;
    if (q.service !== undefined) {
      service = deps.catalog.service(q.service);
      if (!service) throw invalidField('service', `unknown service ${q.service}`);
    }
    return { month: q.month, service };
  };

  router.get('/reports/sla', requireRole('supervisor'), async (req, res) => {
    const { month, service } = parseQuery(req);
    const format = reportFormat(req);
    // Answered calls with a linked contact: without any, the first-level figure measures nothing.
    const linked = (s: Service) => {
      const { start, end } = monthBounds(month, s.calendar.zone);
      return deps.stores.calls.linkedCallCount({ service: s.code, from: start, to: end });
    };
    if (service) {
      if (format !== 'json') return sendTable(res, format, `sla-${service.code}-${month}`, SLA_CSV_COLUMNS, [slaCsvRecord(month, await serviceSlaReport(deps.stores.calls, service, month))]);
      const [report, linkedContacts] = await Promise.all([serviceSlaReport(deps.stores.calls, service, month), linked(service)]);
      return res.json({ ...report, linkedContacts });
    }
    const report = await allServicesSlaReport(deps.stores.calls, deps.catalog, month);
    if (format !== 'json') {
      return sendTable(res, format, `sla-${month}`, SLA_CSV_COLUMNS, [...report.services, report.totals].map((r) => slaCsvRecord(month, r)));
    }
    const counts = await Promise.all(deps.catalog.services.map(linked));
    res.json({
      ...report,
      services: report.services.map((r, i) => ({ ...r, linkedContacts: counts[i] })),
      totals: { ...report.totals, linkedContacts: counts.reduce((a, b) => a + b, 0) },
    });
  });

  router.get('/reports/crm', requireRole('supervisor'), async (req, res) => {
    const { month, service } = parseQuery(req);
    const format = reportFormat(req);
    const report = await crmReport(deps.stores.crmReport, month, service);
    if (format !== 'json') {
      const columns = ['month', 'service', 'channel', 'registered', 'resolved', 'responseRatePct', 'responseTimeMedianSec', 'responseTimeP90Sec'];
      const records = [
        ...report.channels.map((c) => [month, report.service ?? '', c.channel, c.registered, c.resolved, c.responseRatePct, c.responseTimeSec.median, c.responseTimeSec.p90]),
        [month, report.service ?? '', 'ALL', report.contacts.registered, report.contacts.resolved, report.responseRatePct, report.responseTimeSec.median, report.responseTimeSec.p90],
      ];
      return sendTable(res, format, `crm-${month}${service ? `-${service.code}` : ''}`, columns, records);
    }
    res.json(report);
  });

  return router;
}

/** OpenAPI description of the routes above. */
export const reportsPaths: ApiPaths = {
  '/reports/sla': {
    get: operation({ tag: 'reports', summary: 'The month’s SLA report, all services or one; CSV (`;`, BOM) or XLSX by Accept or ?format=', roles: ['supervisor'], query: reportQuerySchema, ok: { 200: 'The report' }, alsoProduces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], example: { query: { month: '2026-03', service: 'ADL' }, as: { role: 'supervisor' }, status: 200 } }),
  },
  '/reports/crm': {
    get: operation({ tag: 'reports', summary: 'The month’s CRM report by channel; CSV (`;`, BOM) or XLSX by Accept or ?format=', roles: ['supervisor'], query: reportQuerySchema, ok: { 200: 'The report' }, alsoProduces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], example: { query: { month: '2026-03' }, as: { role: 'supervisor' }, status: 200 } }),
  },
};
