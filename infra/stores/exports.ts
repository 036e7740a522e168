import type { Db } from '../db';
import { RENEWAL_WRITE_LOCK } from './renewals';

export type ExportRunStatus = 'running' | 'completed' | 'failed';
export type DeliveryStatus = 'sent' | 'unconfirmed' | 'skipped';

/** One date's renewals export run (a re-run updates it; the period is fixed by the first run). */
export interface ExportRun {
  date: string;
  service: string;
  status: string;
  trigger: string;
  requestedBy: string;
  workflowId: string;
  runId: string;
  periodStart: Date;
  periodEnd: Date;
  runs: number;
  firstStartedAt: Date;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** One centre's file of one date, recorded once it was sent (or skipped, when empty). */
export interface ExportDelivery {
  date: string;
  centre: string;
  centreName: string;
  mailbox: string;
  status: DeliveryStatus;
  rows: number;
  inserted: number;
  confirmed: number;
  cancelled: number;
  emailKey: string | null;
  messageId: string | null;
  attachments: string[];
  recordedAt: Date;
}

export interface OpenRunInput {
  date: string;
  service: string;
  trigger: string;
  requestedBy: string;
  workflowId: string;
  runId: string;
}

export interface ExportStore {
  listRuns(q: { from?: string; to?: string; limit: number; offset: number }): Promise<{ items: ExportRun[]; total: number }>;
  getRun(date: string): Promise<ExportRun | undefined>;
  deliveriesOf(dates: string[]): Promise<ExportDelivery[]>;
  findDelivery(date: string, centre: string): Promise<ExportDelivery | undefined>;
  /** Records a delivery unless one is recorded for (date, centre); returns the recorded one. */
  recordDelivery(d: Omit<ExportDelivery, 'recordedAt'>): Promise<ExportDelivery>;
  /**
   * Starts (or restarts) a date's run. A new date's period is chosen by `periodOf` from the moment
   * the run is fixed (after renewal writes in flight have committed) and the recorded ends of the
   * runs of the year before; a known date keeps its period. A retry with the same runId counts once.
   */
  openRun(
    input: OpenRunInput,
    periodOf: (p: { firstRunAt: number; recordedEnds: Map<string, number> }) => { start: number; end: number },
    earliestDate: string,
  ): Promise<{ periodStart: number; periodEnd: number; runs: number }>;
  closeRun(input: { date: string; runId: string; status: ExportRunStatus; error?: string | null }): Promise<void>;
  /** Status of the runs of `dates` between `from` and `to` (inclusive) and of `also`. */
  runStatuses(q: { from: string; to: string; also: string }): Promise<{ date: string; status: string }[]>;
  firstRunDate(): Promise<string | undefined>;
}

type RunRow = {
  date: string;
  service: string;
  status: string;
  trigger: string;
  requested_by: string;
  workflow_id: string;
  run_id: string;
  period_start: Date;
  period_end: Date;
  runs: number;
  first_started_at: Date;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
};
type DeliveryRow = {
  date: string;
  centre: string;
  centre_name: string;
  mailbox: string;
  status: DeliveryStatus;
  rows: number;
  inserted: number;
  confirmed: number;
  cancelled: number;
  email_key: string | null;
  message_id: string | null;
  attachments: string[];
  recorded_at: Date;
};

// `date` is read as text: node-pg would turn a date into a local-midnight Date.
const RUN_COLUMNS = ['service', 'status', 'trigger', 'requested_by', 'workflow_id', 'run_id', 'period_start', 'period_end', 'runs', 'first_started_at', 'started_at', 'finished_at', 'error'];
const DELIVERY_COLUMNS = ['centre', 'centre_name', 'mailbox', 'status', 'rows', 'inserted', 'confirmed', 'cancelled', 'email_key', 'message_id', 'attachments', 'recorded_at'];

const runOf = (r: RunRow): ExportRun => ({
  date: r.date,
  service: r.service,
  status: r.status,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  workflowId: r.workflow_id,
  runId: r.run_id,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  runs: r.runs,
  firstStartedAt: r.first_started_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
});
const deliveryOf = (d: DeliveryRow): ExportDelivery => ({
  date: d.date,
  centre: d.centre,
  centreName: d.centre_name,
  mailbox: d.mailbox,
  status: d.status,
  rows: d.rows,
  inserted: d.inserted,
  confirmed: d.confirmed,
  cancelled: d.cancelled,
  emailKey: d.email_key,
  messageId: d.message_id,
  attachments: d.attachments,
  recordedAt: d.recorded_at,
});

/** The renewals export's runs (one per date) and deliveries (one per date and centre). */
export function createExportStore(db: Db): ExportStore {
  const runs = () => db('renewals_export_runs').select([...RUN_COLUMNS, db.raw('date::text as date')]);
  const deliveries = () => db('renewals_export_deliveries').select([...DELIVERY_COLUMNS, db.raw('date::text as date')]);
  return {
    async listRuns(q) {
      const range = (qb: ReturnType<typeof db>) => {
        if (q.from) qb.where('date', '>=', q.from);
        if (q.to) qb.where('date', '<=', q.to);
      };
      const [[{ count }], rows] = await Promise.all([
        db('renewals_export_runs').modify(range).count({ count: '*' }),
        runs().modify(range).orderBy('renewals_export_runs.date', 'desc').limit(q.limit).offset(q.offset),
      ]);
      return { items: (rows as RunRow[]).map(runOf), total: Number(count) };
    },
    async getRun(date) {
      const row = (await runs().where('renewals_export_runs.date', date).first()) as RunRow | undefined;
      return row ? runOf(row) : undefined;
    },
    async deliveriesOf(dates) {
      if (dates.length === 0) return [];
      return ((await deliveries().whereIn('date', dates)) as DeliveryRow[]).map(deliveryOf);
    },
    async findDelivery(date, centre) {
      const row = (await deliveries().where({ date, centre }).first()) as DeliveryRow | undefined;
      return row ? deliveryOf(row) : undefined;
    },
    async recordDelivery(d) {
      await db('renewals_export_deliveries')
        .insert({
          date: d.date,
          centre: d.centre,
          centre_name: d.centreName,
          mailbox: d.mailbox,
          status: d.status,
          rows: d.rows,
          inserted: d.inserted,
          confirmed: d.confirmed,
          cancelled: d.cancelled,
          email_key: d.emailKey,
          message_id: d.messageId,
          attachments: d.attachments,
        })
        .onConflict(['date', 'centre'])
        .ignore();
      return deliveryOf((await deliveries().where({ date: d.date, centre: d.centre }).first()) as DeliveryRow);
    },
    openRun(input, periodOf, earliestDate) {
      const fields = {
        status: 'running',
        trigger: input.trigger,
        requested_by: input.requestedBy,
        workflow_id: input.workflowId,
        run_id: input.runId,
        finished_at: null,
        error: null,
      };
      return db.transaction(async (trx) => {
        const existing = await trx('renewals_export_runs').where({ date: input.date }).forUpdate().first('run_id', 'period_start', 'period_end', 'runs');
        if (existing) {
          // A retry of this activity is the same run: count a run once.
          const runs = existing.run_id === input.runId ? existing.runs : existing.runs + 1;
          await trx('renewals_export_runs').where({ date: input.date }).update({ ...fields, runs, started_at: trx.fn.now() });
          return { periodStart: existing.period_start.getTime(), periodEnd: existing.period_end.getTime(), runs };
        }
        // Fixing the cut-off: wait for renewal writes in flight, so none lands before it unread.
        const { rows } = await trx.raw(`select pg_advisory_xact_lock(?), date_trunc('milliseconds', clock_timestamp()) as now`, [RENEWAL_WRITE_LOCK]);
        const now = rows[0].now as Date;
        const earlier = await trx('renewals_export_runs').where('date', '<', input.date).where('date', '>=', earliestDate).select(trx.raw('date::text as date'), 'period_end');
        const recordedEnds = new Map<string, number>(earlier.map((r: { date: string; period_end: Date }) => [r.date, r.period_end.getTime()]));
        const period = periodOf({ firstRunAt: now.getTime(), recordedEnds });
        await trx('renewals_export_runs').insert({
          date: input.date,
          service: input.service,
          ...fields,
          period_start: new Date(period.start),
          period_end: new Date(period.end),
          runs: 1,
          first_started_at: now,
          started_at: now,
        });
        return { periodStart: period.start, periodEnd: period.end, runs: 1 };
      });
    },
    async closeRun(input) {
      await db('renewals_export_runs')
        .where({ date: input.date, run_id: input.runId })
        .update({ status: input.status, error: input.error ?? null, finished_at: db.fn.now() });
    },
    async runStatuses(q) {
      return (await db('renewals_export_runs')
        .where((w) => w.whereBetween('date', [q.from, q.to]).orWhere('date', q.also))
        .select(db.raw('date::text as date'), 'status')) as { date: string; status: string }[];
    },
    async firstRunDate() {
      const row = (await db('renewals_export_runs').first(db.raw('min(date)::text as first'))) as { first: string | null } | undefined;
      return row?.first ?? undefined;
    },
  };
}
