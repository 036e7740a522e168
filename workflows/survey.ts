/**
 * A closed case's satisfaction survey: started by the case's workflow (activity `scheduleSurvey`)
 * with a start delay, it opens the survey and emails its five links once. Votes arrive through the
 * public pages (api/routes/survey-pages.ts) and are written to PostgreSQL directly: a vote is one
 * row, not a lifecycle.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SurveyInput } from '../activities/survey';
import { durableActivity } from './activity-options';

const { sendSurvey } = proxyActivities<Activities>(durableActivity);

/**
 * How a closing case starts its survey: a LOCAL activity (one start call, idempotent on the survey's
 * workflow id), so a case's history grows by two markers, not by an activity's events and a task.
 */
export const { scheduleSurvey } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function surveyWorkflow(input: SurveyInput): Promise<{ expiresAt: number }> {
  return sendSurvey(input);
}
