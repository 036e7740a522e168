/**
 * A closed case's satisfaction survey: started by the case's workflow (activity `scheduleSurvey`)
 * with a start delay, it opens the survey and emails its five links once. Votes arrive through the
 * public pages (api/routes/survey-pages.ts) and are written to PostgreSQL directly: a vote is one
 * row, not a lifecycle.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SurveyInput } from '../activities/survey';
import { durableActivity } from './activity-options';

const { sendSurvey } = proxyActivities<Activities>(durableActivity);

export async function surveyWorkflow(input: SurveyInput): Promise<{ expiresAt: number }> {
  return sendSurvey(input);
}
