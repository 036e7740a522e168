import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import type { RouterDeps } from '../app';
import { requireRole } from '../auth';
import { invalidField, parseOr400 } from '../errors';
import type { Service } from '../../domain/catalog';
import { MONTH_PATTERN } from '../../domain/sla';
import { allServicesSlaReport, serviceSlaReport, type SlaRow } from '../../reports/sla';
import { crmReport } from '../../reports/crm';

const monthQuery = z.string({ message: 'required, as YYYY-MM' }).regex(MONTH_PATTERN, 'expected YYYY-MM, e.g. 2026-03');
const reportQuerySchema = z.object({ month: monthQuery, service: z.string().min(1).max(50).optional() });

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

/** Nulls (no calls to measure) become empty cells; booleans true/false. */
function csv(columns: string[], records: unknown[][]): string {
  return stringify(records, { header: true, columns, cast: { boolean: (b) => (b ? 'true' : 'false') } });
}

function wantsCsv(req: Request): boolean {
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

function sendCsv(res: Response, filename: string, body: string): void {
  res.type('text/csv; charset=utf-8').attachment(filename).send(body);
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
    if (service) {
      const report = await serviceSlaReport(deps.stores.calls, service, month);
      if (wantsCsv(req)) return sendCsv(res, `sla-${service.code}-${month}.csv`, csv(SLA_CSV_COLUMNS, [slaCsvRecord(month, report)]));
      return res.json(report);
    }
    const report = await allServicesSlaReport(deps.stores.calls, deps.catalog, month);
    if (wantsCsv(req)) {
      return sendCsv(res, `sla-${month}.csv`, csv(SLA_CSV_COLUMNS, [...report.services, report.totals].map((r) => slaCsvRecord(month, r))));
    }
    res.json(report);
  });

  router.get('/reports/crm', requireRole('supervisor'), async (req, res) => {
    const { month, service } = parseQuery(req);
    const report = await crmReport(deps.stores.crmReport, month, service);
    if (wantsCsv(req)) {
      const columns = ['month', 'service', 'channel', 'registered', 'resolved', 'responseRatePct', 'responseTimeMedianSec', 'responseTimeP90Sec'];
      const records = [
        ...report.channels.map((c) => [month, report.service ?? '', c.channel, c.registered, c.resolved, c.responseRatePct, c.responseTimeSec.median, c.responseTimeSec.p90]),
        [month, report.service ?? '', 'ALL', report.contacts.registered, report.contacts.resolved, report.responseRatePct, report.responseTimeSec.median, report.responseTimeSec.p90],
      ];
      return sendCsv(res, `crm-${month}${service ? `-${service.code}` : ''}.csv`, csv(columns, records));
    }
    res.json(report);
  });

  return router;
}
