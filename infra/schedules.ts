import { Client, ScheduleAlreadyRunning, ScheduleOptions } from '@temporalio/client';

/**
 * Creates a Temporal Schedule, or brings an existing one up to date with what configuration owns
 * (spec, action, policies), keeping its state (pause, notes, recent actions).
 */
export async function ensureSchedule(client: Client, scheduleId: string, options: Omit<ScheduleOptions, 'scheduleId'>): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({ scheduleId, ...options });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...options, policies: { ...previous.policies, ...options.policies } }));
  return 'updated';
}
