/**
 * Retention: once a day (Temporal Schedule `retention`), every kind's closed records older than the
 * configured number of days are anonymised, a batch per activity call, until none is left. A re-run
 * finds nothing more to do: anonymised records are skipped.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import { RETENTION_KINDS, RetentionInput, RetentionResult } from './retention-contract';

const { applyRetention } = proxyActivities<Activities>(durableActivity);

export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  const asOf = Date.now();
  const limit = input.batchSize ?? 500;
  const anonymised = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])) as RetentionResult['anonymised'];
  for (const kind of RETENTION_KINDS) {
    const days = input.days[kind];
    if (days === undefined || days <= 0) continue; // 0 or absent: kept without limit
    for (;;) {
      const batch = await applyRetention({ kind, days, asOf, limit });
      anonymised[kind] += batch.anonymised;
      if (!batch.more) break;
    }
  }
  return { anonymised };
}
