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
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../infra/db';
import type { Mailer } from '../infra/mailer';
import type { SentEmailStore } from '../infra/stores/sent-emails';
import type { ServiceCatalog } from '../domain/catalog';
import { businessCalendar } from '../domain/business-calendar';
import { addDays, exportPeriod, planScheduledDates } from '../domain/renewals';
import { createExportStore, type ExportDelivery } from '../infra/stores/exports';
import { buildCentreFiles, exportWorkDir, fileNameOf } from '../reports/renewals-export-files';
import { sendEmailOnce } from './mail';
import { renewalsExportEmail } from './templates/renewals-export';
import type {
  CloseRenewalsExportInput,
  ExportCentre,
  ExportCentreInput,
  ExportCentreResult,
  OpenRenewalsExportInput,
  OpenRenewalsExportResult,
  PlanRenewalsExportsInput,
  PlanRenewalsExportsResult,
} from './export.contract';

export interface ExportDeps {
  db: Db;
  mailer: Mailer;
  sentEmails: SentEmailStore;
  catalog: ServiceCatalog;
  /** Send a short "nessuna variazione" email to a centre with no changes (else record it as skipped). */
  sendEmpty: boolean;
}

// The file building moved to reports/ (the API rebuilds past files too); re-exported for the tests.
export { buildCentreFiles, exportWorkDir, fileNameOf, streamChanges, type ExportRow, type BuiltFiles } from '../reports/renewals-export-files';

export const emailKeyOf = (date: string, centre: string) => `renewals-export:${date}:${centre}`;

const CSV_TYPE = 'text/csv; charset=utf-8';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function serviceOf(catalog: ServiceCatalog, code: string) {
  const service = catalog.service(code);
  if (!service) throw ApplicationFailure.nonRetryable(`unknown service ${code}`, 'UnknownService');
  return service;
}

const deliveryResult = (d: ExportDelivery, already: boolean): ExportCentreResult => ({
  centre: d.centre,
  status: d.status,
  alreadyDelivered: already,
  rows: d.rows,
  counts: { inserted: d.inserted, confirmed: d.confirmed, cancelled: d.cancelled },
  messageId: d.messageId,
});

/** Builds and sends one centre's file for one date, unless the delivery is already recorded. */
export async function exportToCentre(deps: ExportDeps, input: ExportCentreInput, onBatch?: (rows: number) => void): Promise<ExportCentreResult> {
  const { date, centre } = input;
  const recorded = await createExportStore(deps.db).findDelivery(date, centre.code);
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
  const stored = await createExportStore(db).recordDelivery({
    date,
    centre: centre.code,
    centreName: centre.name,
    mailbox: centre.mailbox,
    status,
    rows: files.rows,
    ...files.counts,
    emailKey: status === 'skipped' ? null : key,
    messageId,
    attachments: attachments.map((a) => a.filename),
  });
  return deliveryResult(stored, false);
}

/** Starts (or restarts) a date's run; the first run fixes the period, later runs reuse it. */
export async function openRun(deps: ExportDeps, input: OpenRenewalsExportInput): Promise<OpenRenewalsExportResult> {
  const service = serviceOf(deps.catalog, input.service);
  if (service.jobCentres.length === 0) throw ApplicationFailure.nonRetryable(`service ${service.code} has no job centres`, 'NoJobCentres');
  const zone = service.calendar.zone;
  const calendar = businessCalendar(service.calendar);
  const centres: ExportCentre[] = service.jobCentres.map((c) => ({ code: c.code, name: c.name, mailbox: c.mailbox }));
  const opened = await createExportStore(deps.db).openRun(
    { date: input.date, service: service.code, trigger: input.trigger, requestedBy: input.requestedBy, workflowId: input.workflowId, runId: input.runId },
    ({ firstRunAt, recordedEnds }) =>
      exportPeriod({ date: input.date, zone, firstRunAt, isBusinessDay: (d) => calendar.isBusinessDay(d), recordedEnd: (d) => recordedEnds.get(d) }),
    addDays(input.date, -366),
  );
  return { zone, centres, ...opened };
}

export async function closeRun(deps: ExportDeps, input: CloseRenewalsExportInput): Promise<void> {
  await createExportStore(deps.db).closeRun(input);
}

/** The dates a scheduled run exports (see planScheduledDates), from the calendar and the recorded runs. */
export async function planRuns(deps: ExportDeps, input: PlanRenewalsExportsInput): Promise<PlanRenewalsExportsResult> {
  const service = serviceOf(deps.catalog, input.service);
  const calendar = businessCalendar(service.calendar);
  const store = createExportStore(deps.db);
  const [runs, firstExported] = await Promise.all([
    store.runStatuses({ from: addDays(input.today, -input.catchUpDays), to: input.today, also: input.scheduledDate }),
    store.firstRunDate(),
  ]);
  const isBusinessDay = (d: string) => calendar.isBusinessDay(d);
  const dates = planScheduledDates({
    scheduledDate: input.scheduledDate,
    today: input.today,
    catchUpDays: input.catchUpDays,
    isBusinessDay,
    completed: new Set(runs.filter((r) => r.status === 'completed').map((r) => r.date)),
    firstExported,
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
