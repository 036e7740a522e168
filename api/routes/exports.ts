import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { actorOf, requireRole } from '../auth';
import { Problem, invalidField, notFound, parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import { auditEntries } from '../audit';
import { createAuditStore } from '../../infra/stores/audit';
import { businessCalendar } from '../../domain/business-calendar';
import { isIsoDate, localDateOf, renewalsServiceOf } from '../../domain/renewals';
import { buildCentreFiles, exportWorkDir, fileNameOf } from '../../reports/renewals-export-files';
import type { ExportRun } from '../../infra/stores/exports';
import { RenewalsExportProgress, renewalsExportProgressQuery, workflowId } from '../../workflows/definitions';
import { renewalsExportWorkflow } from '../../workflows/renewals-export';
import { operation, type ApiPaths } from '../openapi-kit';

const dateField = z.string().refine(isIsoDate, 'expected an existing date YYYY-MM-DD');
const runSchema = z.object({ date: dateField }).strict();
const listSchema = paginationSchema.extend({ from: dateField.optional(), to: dateField.optional() });

const PROGRESS_TIMEOUT_MS = 2000;

/** The renewals export history, and a scheduler's run or re-run (backfill) of one day. */
export function exportsRouter(deps: RouterDeps): Router {
  const router = Router();
  const audit = createAuditStore(deps.db);
  const who = requireRole('scheduler', 'supervisor');
  const service = () => {
    const s = renewalsServiceOf(deps.catalog);
    if (!s) throw new Problem(503, 'Service Unavailable', 'No service of the catalog keeps the renewals database (no job centres configured)');
    return s;
  };

  /** A running export's progress, from its workflow; absent if the workflow does not answer quickly. */
  const progressOf = async (row: ExportRun): Promise<RenewalsExportProgress | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        deps.temporal.workflow.getHandle(row.workflowId, row.runId).query(renewalsExportProgressQuery),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), PROGRESS_TIMEOUT_MS);
        }),
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  const views = async (rows: ExportRun[]) => {
    const s = service();
    const deliveries = await deps.stores.exports.deliveriesOf(rows.map((r) => r.date));
    return Promise.all(
      rows.map(async (r) => {
        const mine = deliveries.filter((d) => d.date === r.date);
        // Every configured centre is listed; one without a delivery row has not been exported yet.
        const codes = [...s.jobCentres.map((c) => c.code), ...mine.map((d) => d.centre).filter((c) => !s.jobCentres.some((j) => j.code === c))];
        const centres = codes.map((code) => {
          const d = mine.find((x) => x.centre === code);
          const c = s.jobCentres.find((x) => x.code === code);
          return d
            ? { code, name: d.centreName, mailbox: d.mailbox, status: d.status, rows: d.rows, inserted: d.inserted, confirmed: d.confirmed, cancelled: d.cancelled, sentAt: d.status === 'skipped' ? null : d.recordedAt.toISOString(), messageId: d.messageId, attachments: d.attachments }
            : { code, name: c?.name ?? code, mailbox: c?.mailbox ?? null, status: 'pending', rows: null, inserted: null, confirmed: null, cancelled: null, sentAt: null, messageId: null, attachments: [] };
        });
        const progress = r.status === 'running' ? await progressOf(r) : undefined;
        return {
          date: r.date,
          service: r.service,
          status: r.status,
          trigger: r.trigger,
          requestedBy: r.requestedBy,
          workflowId: r.workflowId,
          periodStart: r.periodStart.toISOString(),
          periodEnd: r.periodEnd.toISOString(),
          runs: r.runs,
          firstStartedAt: r.firstStartedAt.toISOString(),
          startedAt: r.startedAt.toISOString(),
          finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
          error: r.error,
          rows: mine.reduce((n, d) => n + d.rows, 0),
          centres,
          ...(progress ? { progress } : {}),
        };
      }),
    );
  };

  router.get('/exports/renewals', who, async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const { items, total } = await deps.stores.exports.listRuns(q);
    res.json({ items: await views(items), total, limit: q.limit, offset: q.offset });
  });

  router.get('/exports/renewals/:date', who, async (req, res) => {
    const date = parseOr400(dateField, req.params.date, 'date');
    const row = await deps.stores.exports.getRun(date);
    if (!row) throw notFound(`No renewals export for ${date}`);
    res.json((await views([row]))[0]);
  });

  /** Rebuilds a centre's file of a past run from the recorded period: the export is reproducible. */
  router.get('/exports/renewals/:date/files/:file', who, async (req, res) => {
    const date = parseOr400(dateField, req.params.date, 'date');
    const match = /^(.+)\.(csv|xlsx)$/.exec(req.params.file as string);
    if (!match) throw invalidField('file', 'expected <centre>.csv or <centre>.xlsx');
    const [, centre, ext] = match;
    const row = await deps.stores.exports.getRun(date);
    if (!row) throw notFound(`No renewals export for ${date}`);
    const s = service();
    const c = s.jobCentres.find((x) => x.code === centre);
    if (!c) throw notFound(`No job centre ${centre}`);
    // A list of citizens: who downloads it is audited before it streams (a refused request writes nothing).
    await audit.record(auditEntries(req, 'read', [['renewals_export', `${date}/${req.params.file as string}`]]));
    const work = exportWorkDir();
    try {
      const files = await buildCentreFiles(deps.db, { date, zone: s.calendar.zone, start: row.periodStart.getTime(), end: row.periodEnd.getTime(), centre }, { dir: work.dir });
      const name = fileNameOf(date, centre, ext as 'csv' | 'xlsx');
      res.type(ext === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      await new Promise<void>((resolve, reject) => res.download(ext === 'csv' ? files.csvPath : files.xlsxPath, name, (err) => (err ? reject(err) : resolve())));
    } finally {
      work.remove();
    }
  });

  router.post('/exports/renewals/run', who, async (req, res) => {
    const { date } = parseOr400(runSchema, req.body);
    const s = service();
    const today = localDateOf(Date.now(), s.calendar.zone);
    if (date > today) throw invalidField('date', `a future date cannot be exported (today is ${today})`);
    if (!businessCalendar(s.calendar).isBusinessDay(date)) {
      throw invalidField('date', 'not a business day of the service: its changes are exported with the next business day');
    }
    const id = workflowId.renewalsExport(date);
    // One workflow per date: a running one is joined (never two at once), a finished one runs again
    // and finds its deliveries recorded, so nothing is sent twice.
    const handle = await deps.temporal.workflow.start(renewalsExportWorkflow, {
      taskQueue: deps.taskQueue,
      workflowId: id,
      args: [{ date, service: s.code, trigger: 'manual', requestedBy: actorOf(req).name }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    res.status(202).location(`/api/v1/exports/renewals/${date}`).json({ date, status: 'running', workflowId: id, runId: handle.firstExecutionRunId });
  });

  return router;
}

const datePath = z.object({ date: dateField });
const asScheduler = { role: 'scheduler' } as const;
/** OpenAPI description of the routes above. */
export const exportsPaths: ApiPaths = {
  '/exports/renewals': {
    get: operation({ tag: 'exports', summary: 'Renewals export runs, newest first', roles: ['scheduler', 'supervisor'], query: listSchema, ok: { 200: '`{items,total,limit,offset}`' }, example: { query: { from: '2026-03-01', to: '2026-03-31' }, as: asScheduler, status: 200 } }),
  },
  '/exports/renewals/{date}': {
    get: operation({ tag: 'exports', summary: 'One day’s export run with its deliveries', roles: ['scheduler', 'supervisor'], path: datePath, ok: { 200: 'The run' }, errors: [404], example: { path: { date: '2026-03-02' }, as: asScheduler, status: 404 } }),
  },
  '/exports/renewals/{date}/files/{file}': {
    get: operation({ tag: 'exports', summary: 'A centre’s file of a past run, rebuilt (`<centre>.csv` or `<centre>.xlsx`)', roles: ['scheduler', 'supervisor'], path: datePath.extend({ file: z.string().min(1).max(100) }), ok: { 200: 'The file' }, alsoProduces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], errors: [404], example: { path: { date: '2026-03-02', file: 'CPI-TRENTO.csv' }, as: asScheduler, status: 404 } }),
  },
  '/exports/renewals/run': {
    post: operation({ tag: 'exports', summary: 'Run (or join) the export of a business day', roles: ['scheduler', 'supervisor'], body: runSchema, ok: { 202: 'The run started' }, example: { body: { date: '2999-01-04' }, as: asScheduler, status: 400 } }),
  },
};
