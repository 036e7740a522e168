import { Context, log } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Db } from '../infra/db';
import { createSurveyStore } from '../infra/stores/surveys';
import { surveyLinkMs, surveyToken, surveyWorkflowId, type SurveyKind } from '../infra/survey-token';
import type { NotifyInput } from './notify';

export interface SurveySettings {
  /** Wait between the case's closing email and the survey (SURVEY_DELAY_MINUTES). */
  delayMs: number;
  /** HMAC secret of the survey links (SURVEY_TOKEN_SECRET). */
  tokenSecret: string;
  /** Where citizens reach the public pages, e.g. https://contact.example.org (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
}

export interface SurveyInput {
  kind: SurveyKind;
  caseId: string;
  service: string | null;
  serviceName: string;
  /** The case's channel: satisfaction is reported per channel too. */
  channel: string;
  email: string;
}

/** The five links of a survey email, one per score; each opens a confirmation page (never a vote on GET). */
export function surveyLinks(settings: Pick<SurveySettings, 'publicBaseUrl'>, token: string): string[] {
  const base = settings.publicBaseUrl.replace(/\/+$/, '');
  return [1, 2, 3, 4, 5].map((score) => `${base}/valutazione?t=${encodeURIComponent(token)}&voto=${score}`);
}

export function createSurveyActivities(deps: {
  db: Db;
  settings?: SurveySettings;
  notify: (input: NotifyInput<'survey-request'>) => Promise<unknown>;
}) {
  const store = createSurveyStore(deps.db);
  return {
    /**
     * Starts the case's survey workflow, which waits the configured delay (the start's own delay:
     * the calling workflow stays deterministic and finishes now). Once per case: a second start finds it.
     */
    async scheduleSurvey(input: SurveyInput): Promise<{ workflowId: string; started: boolean }> {
      const workflowId = surveyWorkflowId(input.kind, input.caseId);
      if (!deps.settings) {
        log.warn('satisfaction surveys are not configured on this worker: none scheduled', { workflowId });
        return { workflowId, started: false };
      }
      const ctx = Context.current();
      try {
        await ctx.client.workflow.start('surveyWorkflow', {
          workflowId,
          taskQueue: ctx.info.taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          ...(deps.settings.delayMs > 0 ? { startDelay: deps.settings.delayMs } : {}),
        });
        return { workflowId, started: true };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError || (err as Error).name === 'WorkflowExecutionAlreadyStartedError') return { workflowId, started: false };
        throw err;
      }
    },

    /** Opens the case's survey (once) and emails its five links (once per case). */
    async sendSurvey(input: SurveyInput): Promise<{ expiresAt: number }> {
      if (!deps.settings) throw new Error('satisfaction surveys are not configured on this worker');
      const now = Date.now();
      const row = await store.open({ kind: input.kind, caseId: input.caseId, service: input.service, channel: input.channel, sentAt: now, expiresAt: now + surveyLinkMs });
      const token = surveyToken(deps.settings.tokenSecret, { kind: input.kind, caseId: input.caseId, expiresAt: row.expiresAt.getTime() });
      // Keyed on the case id, like its other emails: an erasure of the person finds it.
      await deps.notify({
        key: `survey:${input.caseId}/request`,
        to: [input.email],
        template: 'survey-request',
        data: { reference: input.caseId, serviceName: input.serviceName, links: surveyLinks(deps.settings, token) },
      });
      return { expiresAt: row.expiresAt.getTime() };
    },
  };
}
