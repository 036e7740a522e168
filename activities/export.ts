/**
 * The daily renewals export: one file per job centre with the day's actions (inserted, confirmed,
 * cancelled), as CSV for Italian Excel and as XLSX, emailed to the centre's mailbox exactly once per
 * date and centre.
 *
 * Exactly once: the delivery row (date, centre) is checked before anything is built; the email goes
 * through sendEmailOnce with the key `renewals-export:<date>:<centre>`, so a retry after the email
 * left (but before the delivery row was written), or after a crash mid-send, does not send again, and
 * the Message-ID is the same for every attempt.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import type { Db } from '../infra/db';
import type { Mailer } from '../infra/mailer';
import type { SentEmailStore } from '../infra/stores/sent-emails';
import type { ServiceCatalog } from '../domain/catalog';
import { businessCalendar } from '../domain/business-calendar';
import { addDays, exportPeriod, planScheduledDates } from '../domain/renewals';
import { RENEWAL_WRITE_LOCK } from '../infra/stores/renewals';
import { sendEmailOnce } from './mail';
import { ACTION_LABELS, EXPORT_HEADINGS, renewalsExportEmail } from './templates/renewals-export';
import type {
  CloseRenewalsExportInput,
  ExportCentre,
  ExportCentreInput,
  ExportCentreResult,
  OpenRenewalsExportInput,
  OpenRenewalsExportResult,
  PlanRenewalsExportsInput,
  PlanRenewalsExportsResult,
} from '../workflows/definitions';

export interface ExportDeps {
  db: Db;
  mailer: Mailer;
  sentEmails: SentEmailStore;
  catalog: ServiceCatalog;
  /** Send a short "nessuna variazione" email to a centre with no changes (else record it as skipped). */
  sendEmpty: boolean;
}

/** One action of one entry, as exported. */
export interface ExportRow {
  eventId: string;
  renewalId: string;
  action: string;
  at: Date;
  surname: string;
  name: string;
  taxCode: string;
  birthDate: string | null;
  jobType: string;
  phone: string | null;
  email: string | null;
  consentToPublish: boolean;
  reason: string | null;
}

export const emailKeyOf = (date: string, centre: string) => `renewals-export:${date}:${centre}`;
export const fileNameOf = (date: string, centre: string, ext: 'csv' | 'xlsx') => `rinnovi_${date}_${centre}.${ext}`;

const CSV_TYPE = 'text/csv; charset=utf-8';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function serviceOf(catalog: ServiceCatalog, code: string) {
  const service = catalog.service(code);
  if (!service) throw ApplicationFailure.nonRetryable(`unknown service ${code}`, 'UnknownService');
  return service;
}

/** The centre's actions in [start, end), oldest first; the query both the export and its reproduction run. */
function changesQuery(db: Knex, p: { start: number; end: number; centre: string }) {
  return db('history as h')
    .join('renewals as r', 'r.id', 'h.entity_id')
    .where('h.entity_type', 'renewal')
    .where('h.at', '>=', new Date(p.start))
    .where('h.at', '<', new Date(p.end))
    .where('r.job_centre', p.centre)
    .orderBy([{ column: 'h.at' }, { column: 'h.id' }])
    .select(
      'h.id as event_id',
      'h.action',
      'h.at',
      db.raw(`h.payload->>'reason' as reason`),
      'r.id as renewal_id',
      'r.surname',
      'r.name',
      'r.tax_code',
      db.raw('r.birth_date::text as birth_date'),
      'r.job_type',
      'r.phone',
      'r.email',
      'r.consent_to_publish',
    );
}

/**
 * Reads the centre's changes through a server-side cursor, `batchSize` rows at a time: memory stays
 * flat however many rows the day has.
 */
export async function* streamChanges(db: Db, p: { start: number; end: number; centre: string }, batchSize = 1000): AsyncGenerator<ExportRow[]> {
  const trx = await db.transaction(undefined, { readOnly: true });
  try {
    const { sql, bindings } = changesQuery(trx, p).toSQL();
    await trx.raw(`declare renewals_export no scroll cursor for ${sql}`, bindings as Knex.RawBinding[]);
    for (;;) {
      const { rows } = await trx.raw(`fetch ${Math.max(1, Math.floor(batchSize))} from renewals_export`);
      if (rows.length === 0) break;
      yield rows.map(
        (r: Record<string, unknown>): ExportRow => ({
          eventId: String(r.event_id),
          renewalId: r.renewal_id as string,
          action: r.action as string,
          at: r.at as Date,
          surname: r.surname as string,
          name: r.name as string,
          taxCode: r.tax_code as string,
          birthDate: (r.birth_date as string | null) ?? null,
          jobType: r.job_type as string,
          phone: (r.phone as string | null) ?? null,
          email: (r.email as string | null) ?? null,
          consentToPublish: r.consent_to_publish as boolean,
          reason: (r.reason as string | null) ?? null,
        }),
      );
    }
    await trx.commit();
  } finally {
    if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
  }
}

/** A private temporary folder for one export's files; the caller removes it when done. */
export function exportWorkDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'renewals-export-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Local wall-clock time in `zone`, as a Date whose UTC fields are the local ones (what Excel dates
 * are: they have no zone). The zone's offset is looked up once per quarter of an hour of UTC time:
 * a day's file has at most ~100 lookups, however many rows it has.
 */
function wallClock(zone: string): (d: Date) => Date {
  const offsets = new Map<number, number>();
  return (d) => {
    const slot = Math.floor(d.getTime() / 900_000);
    let offset = offsets.get(slot);
    if (offset === undefined) {
      offset = DateTime.fromMillis(d.getTime(), { zone }).offset * 60_000;
      offsets.set(slot, offset);
    }
    return new Date(d.getTime() + offset);
  };
}
const pad = (n: number) => String(n).padStart(2, '0');
/** 'dd/MM/yyyy HH:mm:ss' of a wall-clock Date. */
const itDateTime = (w: Date) => `${pad(w.getUTCDate())}/${pad(w.getUTCMonth() + 1)}/${w.getUTCFullYear()} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
const itDate = (iso: string | null) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');

export interface BuiltFiles {
  /** The files on disk, in the folder the caller gave: memory stays flat however many rows. */
  csvPath: string;
  xlsxPath: string;
  rows: number;
  counts: { inserted: number; confirmed: number; cancelled: number };
}

/**
 * Builds the centre's CSV (UTF-8 with BOM, `;`, CRLF, formulas neutralised: what Italian Excel opens
 * correctly) and XLSX (streaming writer) in one pass over the cursor.
 */
export async function buildCentreFiles(
  db: Db,
  p: { date: string; zone: string; start: number; end: number; centre: string },
  opts: { dir: string; batchSize?: number; onBatch?: (rows: number) => void },
): Promise<BuiltFiles> {
  const csvPath = path.join(opts.dir, fileNameOf(p.date, p.centre, 'csv'));
  const xlsxPath = path.join(opts.dir, fileNameOf(p.date, p.centre, 'xlsx'));
  const csvFile = createWriteStream(csvPath);
  const csv = stringify({ delimiter: ';', bom: true, record_delimiter: 'windows', escape_formulas: true, header: true, columns: [...EXPORT_HEADINGS] });
  csv.pipe(csvFile);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsxPath, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Contact Center';
  const sheet = workbook.addWorksheet('Variazioni', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { width: 38 },
    { width: 15 },
    { width: 20, style: { numFmt: 'dd/mm/yyyy hh:mm:ss' } },
    { width: 22 },
    { width: 22 },
    { width: 20 },
    { width: 14, style: { numFmt: 'dd/mm/yyyy' } },
    { width: 28 },
    { width: 18 },
    { width: 30 },
    { width: 14 },
    { width: 30 },
  ];
  const header = sheet.addRow([...EXPORT_HEADINGS]);
  header.font = { bold: true };
  header.commit();

  const local = wallClock(p.zone);
  const counts = { inserted: 0, confirmed: 0, cancelled: 0 };
  let rows = 0;
  for await (const batch of streamChanges(db, p, opts.batchSize)) {
    for (const r of batch) {
      const action = ACTION_LABELS[r.action] ?? r.action;
      const consent = r.consentToPublish ? 'Sì' : 'No';
      const at = local(r.at);
      // Respect back-pressure so a slow disk never buffers the day in memory.
      if (!csv.write([r.renewalId, action, itDateTime(at), r.surname, r.name, r.taxCode, itDate(r.birthDate), r.jobType, r.phone ?? '', r.email ?? '', consent, r.reason ?? ''])) await once(csv, 'drain');
      sheet
        .addRow([
          r.renewalId,
          action,
          at,
          r.surname,
          r.name,
          r.taxCode,
          r.birthDate ? new Date(`${r.birthDate}T00:00:00Z`) : null,
          r.jobType,
          r.phone ?? '',
          r.email ?? '',
          consent,
          r.reason ?? '',
        ])
        .commit();
      if (r.action in counts) counts[r.action as keyof typeof counts]++;
      rows++;
    }
    opts.onBatch?.(rows);
  }
  csv.end();
  sheet.commit();
  await Promise.all([workbook.commit(), finished(csvFile)]);
  return { csvPath, xlsxPath, rows, counts };
}

type DeliveryRow = {
  centre: string;
  status: ExportCentreResult['status'];
  rows: number;
  inserted: number;
  confirmed: number;
  cancelled: number;
  message_id: string | null;
};

const deliveryResult = (d: DeliveryRow, already: boolean): ExportCentreResult => ({
  centre: d.centre,
  status: d.status,
  alreadyDelivered: already,
  rows: d.rows,
  counts: { inserted: d.inserted, confirmed: d.confirmed, cancelled: d.cancelled },
  messageId: d.message_id,
});

/** Builds and sends one centre's file for one date, unless the delivery is already recorded. */
export async function exportToCentre(deps: ExportDeps, input: ExportCentreInput, onBatch?: (rows: number) => void): Promise<ExportCentreResult> {
  const { db } = deps;
  const { date, centre } = input;
  const recorded = (await db('renewals_export_deliveries').where({ date, centre: centre.code }).first()) as DeliveryRow | undefined;
  if (recorded) return deliveryResult(recorded, true);
  const work = exportWorkDir();
  try {
    return await buildAndSend(deps, input, work.dir, onBatch);
  } finally {
    work.remove();
  }
}

async function buildAndSend(deps: ExportDeps, input: ExportCentreInput, dir: string, onBatch?: (rows: number) => void): Promise<ExportCentreResult> {
  const { db } = deps;
  const { date, centre } = input;
  const service = serviceOf(deps.catalog, input.service);
  const files = await buildCentreFiles(db, { date, zone: input.zone, start: input.periodStart, end: input.periodEnd, centre: centre.code }, { dir, onBatch });
  const key = emailKeyOf(date, centre.code);
  // Attached from disk: nodemailer streams them to the relay.
  const attachments =
    files.rows === 0
      ? []
      : [
          { filename: fileNameOf(date, centre.code, 'csv'), path: files.csvPath, contentType: CSV_TYPE },
          { filename: fileNameOf(date, centre.code, 'xlsx'), path: files.xlsxPath, contentType: XLSX_TYPE },
        ];

  let status: ExportCentreResult['status'] = 'skipped';
  let messageId: string | null = null;
  if (files.rows > 0 || deps.sendEmpty) {
    const email = renewalsExportEmail({
      date,
      zone: input.zone,
      serviceName: service.name,
      centreName: centre.name,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      counts: files.counts,
      rows: files.rows,
      attachments: attachments.map((a) => a.filename),
    });
    const sent = await sendEmailOnce({ mailer: deps.mailer, sentEmails: deps.sentEmails }, { key, to: [centre.mailbox], template: 'renewals-export', ...email, attachments });
    status = 'sent';
    messageId = sent.messageId;
  }
  const row = {
    date,
    centre: centre.code,
    centre_name: centre.name,
    mailbox: centre.mailbox,
    status,
    rows: files.rows,
    ...files.counts,
    email_key: status === 'skipped' ? null : key,
    message_id: messageId,
    attachments: attachments.map((a) => a.filename),
  };
  await db('renewals_export_deliveries').insert(row).onConflict(['date', 'centre']).ignore();
  const stored = (await db('renewals_export_deliveries').where({ date, centre: centre.code }).first()) as DeliveryRow;
  return deliveryResult(stored, false);
}

/** Starts (or restarts) a date's run; the first run fixes the period, later runs reuse it. */
export async function openRun(deps: ExportDeps, input: OpenRenewalsExportInput): Promise<OpenRenewalsExportResult> {
  const service = serviceOf(deps.catalog, input.service);
  if (service.jobCentres.length === 0) throw ApplicationFailure.nonRetryable(`service ${service.code} has no job centres`, 'NoJobCentres');
  const zone = service.calendar.zone;
  const calendar = businessCalendar(service.calendar);
  const centres: ExportCentre[] = service.jobCentres.map((c) => ({ code: c.code, name: c.name, mailbox: c.mailbox }));
  const fields = {
    status: 'running',
    trigger: input.trigger,
    requested_by: input.requestedBy,
    workflow_id: input.workflowId,
    run_id: input.runId,
    finished_at: null,
    error: null,
  };

  return deps.db.transaction(async (trx) => {
    const existing = await trx('renewals_export_runs').where({ date: input.date }).forUpdate().first('run_id', 'period_start', 'period_end', 'runs');
    if (existing) {
      // A retry of this activity is the same run: count a run once.
      const runs = existing.run_id === input.runId ? existing.runs : existing.runs + 1;
      await trx('renewals_export_runs').where({ date: input.date }).update({ ...fields, runs, started_at: trx.fn.now() });
      return { zone, centres, periodStart: existing.period_start.getTime(), periodEnd: existing.period_end.getTime(), runs };
    }
    // Fixing the cut-off: wait for renewal writes in flight, so none lands before it unread.
    const { rows } = await trx.raw(`select pg_advisory_xact_lock(?), date_trunc('milliseconds', clock_timestamp()) as now`, [RENEWAL_WRITE_LOCK]);
    const now = rows[0].now as Date;
    const earlier = await trx('renewals_export_runs')
      .where('date', '<', input.date)
      .where('date', '>=', addDays(input.date, -366))
      .select(trx.raw('date::text as date'), 'period_end');
    const ends = new Map<string, number>(earlier.map((r: { date: string; period_end: Date }) => [r.date, r.period_end.getTime()]));
    const period = exportPeriod({ date: input.date, zone, firstRunAt: now.getTime(), isBusinessDay: (d) => calendar.isBusinessDay(d), recordedEnd: (d) => ends.get(d) });
    await trx('renewals_export_runs').insert({
      date: input.date,
      service: service.code,
      ...fields,
      period_start: new Date(period.start),
      period_end: new Date(period.end),
      runs: 1,
      first_started_at: now,
      started_at: now,
    });
    return { zone, centres, periodStart: period.start, periodEnd: period.end, runs: 1 };
  });
}

export async function closeRun(deps: ExportDeps, input: CloseRenewalsExportInput): Promise<void> {
  await deps.db('renewals_export_runs')
    .where({ date: input.date, run_id: input.runId })
    .update({ status: input.status, error: input.error ?? null, finished_at: deps.db.fn.now() });
}

/** The dates a scheduled run exports (see planScheduledDates), from the calendar and the recorded runs. */
export async function planRuns(deps: ExportDeps, input: PlanRenewalsExportsInput): Promise<PlanRenewalsExportsResult> {
  const service = serviceOf(deps.catalog, input.service);
  const calendar = businessCalendar(service.calendar);
  const runs = (await deps.db('renewals_export_runs')
    .where((q) => q.whereBetween('date', [addDays(input.today, -input.catchUpDays), input.today]).orWhere('date', input.scheduledDate))
    .select(deps.db.raw('date::text as date'), 'status')) as { date: string; status: string }[];
  const first = (await deps.db('renewals_export_runs').first(deps.db.raw('min(date)::text as first'))) as { first: string | null } | undefined;
  const isBusinessDay = (d: string) => calendar.isBusinessDay(d);
  const dates = planScheduledDates({
    scheduledDate: input.scheduledDate,
    today: input.today,
    catchUpDays: input.catchUpDays,
    isBusinessDay,
    completed: new Set(runs.filter((r) => r.status === 'completed').map((r) => r.date)),
    firstExported: first?.first ?? undefined,
  });
  return { dates, scheduledDateIsBusinessDay: isBusinessDay(input.scheduledDate) };
}

export function createExportActivities(deps: ExportDeps) {
  return {
    async planRenewalsExports(input: PlanRenewalsExportsInput): Promise<PlanRenewalsExportsResult> {
      return planRuns(deps, input);
    },
    async openRenewalsExport(input: OpenRenewalsExportInput): Promise<OpenRenewalsExportResult> {
      return openRun(deps, input);
    },
    async exportRenewalsToCentre(input: ExportCentreInput): Promise<ExportCentreResult> {
      // Heartbeats let a dead worker's attempt be retried within the heartbeat timeout, not the whole timeout.
      return exportToCentre(deps, input, (rows) => Context.current().heartbeat({ rows }));
    },
    async closeRenewalsExport(input: CloseRenewalsExportInput): Promise<void> {
      await closeRun(deps, input);
    },
  };
}
