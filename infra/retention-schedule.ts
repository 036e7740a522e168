/**
 * The Temporal Schedule of the daily retention run, created or updated when the worker starts (like
 * the renewals export's): the retention durations of the configuration travel in the schedule's
 * action, so a worker started with new durations converges the schedule to them.
 */
import { Client, ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import type { RetentionDays } from '../domain/privacy';
import { ensureSchedule } from './schedules';
import type { Config } from './config';
import type { Logger } from './logger';
import { connectClient } from './temporal';

export const RETENTION_SCHEDULE_ID = 'retention';
/** Prefix of the workflows the schedule starts; the server appends the scheduled time. */
export const RETENTION_SCHEDULE_WORKFLOW_ID = 'retention:scheduled';

export interface RetentionScheduleSettings {
  taskQueue: string;
  cron: string;
  zone: string;
  days: RetentionDays;
  scheduleId?: string;
}

/** The retention durations per kind, from RETENTION_DAYS_<KIND>. */
export function retentionDaysOf(config: Config): RetentionDays {
  return {
    contacts: config.RETENTION_DAYS_CONTACTS,
    escalations: config.RETENTION_DAYS_ESCALATIONS,
    missedCalls: config.RETENTION_DAYS_MISSED_CALLS,
    complaints: config.RETENTION_DAYS_COMPLAINTS,
    inquiries: config.RETENTION_DAYS_INQUIRIES,
    renewals: config.RETENTION_DAYS_RENEWALS,
    appointments: config.RETENTION_DAYS_APPOINTMENTS,
    sentEmails: config.RETENTION_DAYS_SENT_EMAILS,
    audit: config.RETENTION_DAYS_AUDIT,
  };
}

function scheduleOptions(s: RetentionScheduleSettings): Omit<ScheduleOptions, 'scheduleId'> {
  // The input of retentionWorkflow, named by type: infra/ does not import workflows/.
  const input = { days: s.days };
  return {
    spec: { cronExpressions: [s.cron], timezone: s.zone },
    action: { type: 'startWorkflow', workflowType: 'retentionWorkflow', workflowId: RETENTION_SCHEDULE_WORKFLOW_ID, taskQueue: s.taskQueue, args: [input] },
    // A day missed while the system was down is made up by the next run: no catch-up needed.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

/** Creates the schedule, or brings an existing one up to date with the configuration. */
export async function ensureRetentionSchedule(client: Client, s: RetentionScheduleSettings): Promise<'created' | 'updated'> {
  return ensureSchedule(client, s.scheduleId ?? RETENTION_SCHEDULE_ID, scheduleOptions(s));
}

/** Worker start: connects a client, converges the schedule, and disconnects. */
export async function setupRetentionSchedule(config: Config, temporalAddress: string, taskQueue: string, logger: Logger): Promise<void> {
  const client = await connectClient(config, temporalAddress);
  try {
    const days = retentionDaysOf(config);
    const outcome = await ensureRetentionSchedule(client, { taskQueue, cron: config.RETENTION_CRON, zone: config.RETENTION_ZONE, days });
    logger.info({ scheduleId: RETENTION_SCHEDULE_ID, cron: config.RETENTION_CRON, zone: config.RETENTION_ZONE, days, outcome }, 'retention schedule ready');
  } finally {
    await client.connection.close();
  }
}
