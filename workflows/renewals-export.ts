/**
 * The daily renewals export: one workflow per business date (`renewals-export:<date>`), started by
 * the schedule (through scheduledRenewalsExportWorkflow) or by a scheduler's run/re-run.
 *
 * open the date's run (the first run fixes the period) → for each job centre: build its file and
 * email it, unless the delivery is already recorded → close the run. A re-run walks the same steps
 * and finds every delivery recorded: nothing is sent twice.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  executeChild,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { SearchAttributeType, WorkflowExecutionAlreadyStartedError, defineSearchAttributeKey } from '@temporalio/common';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import { isIsoDate, localDateOf, scheduledDateOf } from '../domain/renewals';
import { INVALID_INPUT, workflowId } from './common';
import {
  RenewalsExportInput,
  RenewalsExportProgress,
  RenewalsExportResult,
  ScheduledRenewalsExportResult,
  renewalsExportProgressQuery,
} from './renewals-export.contract';
import type { ScheduledRenewalsExportInput } from '../domain/renewals';

const { planRenewalsExports, openRenewalsExport, closeRenewalsExport } = proxyActivities<Activities>(durableActivity);

// A centre's file: retried for hours (a relay can be down that long); heartbeats detect a dead worker early.
const { exportRenewalsToCentre } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '5 minutes',
  scheduleToCloseTimeout: '12 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['UnknownService', 'NoJobCentres', 'NoRecipient'] },
});

/** Set by the server on every workflow a schedule starts: the time the action was scheduled for. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export async function renewalsExportWorkflow(input: RenewalsExportInput): Promise<RenewalsExportResult> {
  if (!isIsoDate(input.date)) throw ApplicationFailure.create({ type: INVALID_INPUT, nonRetryable: true, message: `invalid date ${input.date}`, details: [{ field: 'date' }] });
  const info = workflowInfo();
  const progress: RenewalsExportProgress = { date: input.date, status: 'starting', centresTotal: 0, centresDone: 0, rows: 0, centres: [] };
  setHandler(renewalsExportProgressQuery, () => progress);

  const run = await openRenewalsExport({ ...input, workflowId: info.workflowId, runId: info.runId });
  progress.status = 'running';
  progress.centresTotal = run.centres.length;
  progress.centres = run.centres.map((c) => ({ code: c.code, status: 'pending', rows: null, alreadyDelivered: false }));

  try {
    for (const [i, centre] of run.centres.entries()) {
      progress.centres[i].status = 'exporting';
      const result = await exportRenewalsToCentre({
        date: input.date,
        service: input.service,
        zone: run.zone,
        periodStart: run.periodStart,
        periodEnd: run.periodEnd,
        centre,
      });
      progress.centres[i] = { code: centre.code, status: result.status, rows: result.rows, alreadyDelivered: result.alreadyDelivered };
      progress.centresDone++;
      progress.rows += result.rows;
    }
  } catch (err) {
    progress.status = 'failed';
    await closeRenewalsExport({ date: input.date, runId: info.runId, status: 'failed', error: (err as Error).message });
    throw err;
  }
  await closeRenewalsExport({ date: input.date, runId: info.runId, status: 'completed' });
  progress.status = 'completed';
  return progress;
}

/**
 * The schedule's action. Its business date is the local date of the scheduled time (so a catch-up
 * after an outage exports the day that was missed, not the day it runs); it also takes the dates
 * the plan finds missing (overlap SKIP starts only one of several missed actions). Each date runs as
 * its own `renewals-export:<date>` workflow; one already running (a scheduler's re-run) is left to finish.
 */
export async function scheduledRenewalsExportWorkflow(input: ScheduledRenewalsExportInput): Promise<ScheduledRenewalsExportResult> {
  const info = workflowInfo();
  const scheduledStart = info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.searchAttributes?.TemporalScheduledStartTime?.[0];
  const scheduledDate = input.date ?? scheduledDateOf(scheduledStart as Date | string | undefined, input.zone);
  if (!scheduledDate || !isIsoDate(scheduledDate)) {
    throw ApplicationFailure.create({ type: INVALID_INPUT, nonRetryable: true, message: 'no date: start this workflow from the schedule, or give a date' });
  }
  const plan = await planRenewalsExports({ service: input.service, scheduledDate, today: localDateOf(Date.now(), input.zone), catchUpDays: input.catchUpDays });
  if (!plan.scheduledDateIsBusinessDay) log.info('not a business day of the service: nothing scheduled for it', { date: scheduledDate });

  const runs: ScheduledRenewalsExportResult['runs'] = [];
  for (const date of plan.dates) {
    try {
      const result = await executeChild(renewalsExportWorkflow, {
        workflowId: workflowId.renewalsExport(date),
        args: [{ date, service: input.service, trigger: 'schedule', requestedBy: 'schedule' }],
        // An export must finish even if this launcher is terminated; a completed date may run again (it sends nothing new).
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      runs.push({ date, status: result.status });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        runs.push({ date, status: 'already-running' });
        continue;
      }
      // Other dates still go out; the failure is reported below and recorded on the date's run.
      log.error('renewals export failed', { date, error: (err as Error).message });
      runs.push({ date, status: 'failed' });
    }
  }
  const failed = runs.filter((r) => r.status === 'failed').map((r) => r.date);
  if (failed.length > 0) throw ApplicationFailure.create({ nonRetryable: true, message: `renewals export failed for ${failed.join(', ')}` });
  return { scheduledDate, scheduledDateIsBusinessDay: plan.scheduledDateIsBusinessDay, runs };
}
