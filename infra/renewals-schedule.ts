/**
 * The Temporal Schedule of the daily renewals export, created or updated when the worker starts:
 * every worker start converges it to the configuration, and two workers starting together neither
 * fail nor create two schedules (the schedule id is fixed).
 */
import { Client, ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import { ensureSchedule } from './schedules';
import type { ServiceCatalog } from '../domain/catalog';
import { ScheduledRenewalsExportInput, renewalsServiceOf } from '../domain/renewals';
import type { Config } from './config';
import type { Logger } from './logger';
import { connectClient } from './temporal';

export const RENEWALS_EXPORT_SCHEDULE_ID = 'renewals-export';
/** Prefix of the workflows the schedule starts; the server appends the scheduled time. */
export const RENEWALS_EXPORT_SCHEDULE_WORKFLOW_ID = 'renewals-export-scheduled';
/** A day missed while the system was down is still exported when it comes back within this window. */
export const RENEWALS_EXPORT_CATCH_UP_DAYS = 7;

export interface RenewalsScheduleSettings {
  taskQueue: string;
  /** Cron in `zone`, e.g. '30 17 * * 1-5'; non-business days of the service's calendar are skipped by the workflow. */
  cron: string;
  zone: string;
  service: string;
  catchUpDays?: number;
  scheduleId?: string;
}

function scheduleOptions(s: RenewalsScheduleSettings): Omit<ScheduleOptions, 'scheduleId'> {
  const catchUpDays = s.catchUpDays ?? RENEWALS_EXPORT_CATCH_UP_DAYS;
  // The input of scheduledRenewalsExportWorkflow, named by type: infra/ does not import workflows/
  // (test/workflows/renewals-export.test.ts runs this schedule's action end to end).
  const input: ScheduledRenewalsExportInput = { service: s.service, zone: s.zone, catchUpDays };
  return {
    spec: { cronExpressions: [s.cron], timezone: s.zone },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledRenewalsExportWorkflow',
      workflowId: RENEWALS_EXPORT_SCHEDULE_WORKFLOW_ID,
      taskQueue: s.taskQueue,
      args: [input],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${catchUpDays} days` },
  };
}

/** Creates the schedule, or brings an existing one up to date with the configuration. */
export async function ensureRenewalsExportSchedule(client: Client, s: RenewalsScheduleSettings): Promise<'created' | 'updated'> {
  return ensureSchedule(client, s.scheduleId ?? RENEWALS_EXPORT_SCHEDULE_ID, scheduleOptions(s));
}

/** Worker start: connects a client, converges the schedule, and disconnects. */
export async function setupRenewalsExportSchedule(config: Config, catalog: ServiceCatalog, temporalAddress: string, taskQueue: string, logger: Logger): Promise<void> {
  // The service that keeps the renewals database is the catalog's (the one with job centres).
  const service = renewalsServiceOf(catalog);
  if (!service || service.jobCentres.length === 0) {
    logger.info('no service of the catalog has job centres: no renewals export schedule');
    return;
  }
  const client = await connectClient(config, temporalAddress);
  try {
    const outcome = await ensureRenewalsExportSchedule(client, {
      taskQueue,
      cron: config.RENEWALS_EXPORT_CRON,
      zone: config.RENEWALS_EXPORT_ZONE,
      service: service.code,
    });
    logger.info({ scheduleId: RENEWALS_EXPORT_SCHEDULE_ID, cron: config.RENEWALS_EXPORT_CRON, zone: config.RENEWALS_EXPORT_ZONE, outcome }, 'renewals export schedule ready');
  } finally {
    await client.connection.close();
  }
}
