/**
 * One Temporal Schedule per service with appointments: each morning at its `dailyListAt` (local time
 * of the service calendar) the offices open that day get the day's list. Converged at every worker
 * start like the renewals export schedule; fixed ids, so two workers never make two schedules.
 */
import { Client, ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Service, ServiceCatalog } from '../domain/catalog';
import type { Config } from './config';
import type { Logger } from './logger';
import { connectClient } from './temporal';
import { ensureSchedule } from './schedules';

export const appointmentDailyListScheduleId = (service: string) => `appointment-daily-list-${service}`;

function scheduleOptions(service: Service, catalogVersion: string, taskQueue: string): Omit<ScheduleOptions, 'scheduleId'> {
  const [hour, minute] = service.appointments!.dailyListAt.split(':').map(Number);
  // The input of appointmentDailyListWorkflow, named by type: infra/ does not import workflows/.
  const input = { service: service.code, catalogVersion };
  return {
    // Every day: the workflow skips offices whose agenda is closed that day (weekends, holidays).
    spec: { cronExpressions: [`${minute} ${hour} * * *`], timezone: service.calendar.zone },
    action: { type: 'startWorkflow', workflowType: 'appointmentDailyListWorkflow', workflowId: `appointment-daily-list:${service.code}`, taskQueue, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
  };
}

export async function ensureAppointmentDailyListSchedule(client: Client, service: Service, catalogVersion: string, taskQueue: string): Promise<void> {
  await ensureSchedule(client, appointmentDailyListScheduleId(service.code), scheduleOptions(service, catalogVersion, taskQueue));
}

/** Worker start: a schedule for every service with appointments. */
export async function setupAppointmentSchedules(config: Config, catalog: ServiceCatalog, temporalAddress: string, taskQueue: string, logger: Logger): Promise<void> {
  const services = catalog.services.filter((s) => s.appointments);
  if (services.length === 0) return;
  const client = await connectClient(config, temporalAddress);
  try {
    for (const service of services) await ensureAppointmentDailyListSchedule(client, service, catalog.version, taskQueue);
    logger.info({ services: services.map((s) => s.code) }, 'appointment daily list schedules ready');
  } finally {
    await client.connection.close();
  }
}
