import { ApplicationFailure } from '@temporalio/activity';
import type { RenderedEmail } from './templates/layout';
import { contactTemplates } from './templates/contacts';
import { missedCallTemplates } from './templates/missed-calls';
import { complaintTemplates } from './templates/complaints';
import { appointmentTemplates } from './templates/appointments';
import { pausedClockTemplates } from './templates/paused-clock';
import { surveyTemplates } from './templates/surveys';
import { inboundMailTemplates } from './templates/inbound-mail';
import { sendEmailOnce, MailDeps, SendEmailResult } from './mail';
import { withoutErasedRecipients, SuppressedEmail } from './privacy';
import type { PrivacyStore } from '../infra/stores/privacy';

/** Every template an activity can render; workflows name one and pass its data. */
const templates = { ...contactTemplates, ...missedCallTemplates, ...complaintTemplates, ...appointmentTemplates, ...pausedClockTemplates, ...surveyTemplates, ...inboundMailTemplates } as const;

export type TemplateName = keyof typeof templates;
export type TemplateData<T extends TemplateName> = Parameters<(typeof templates)[T]>[0];

export interface NotifyInput<T extends TemplateName = TemplateName> {
  /** Idempotency key of this email (see sendEmail). */
  key: string;
  to: string[];
  cc?: string[];
  template: T;
  data: TemplateData<T>;
}

export function renderTemplate<T extends TemplateName>(template: T, data: TemplateData<T>): RenderedEmail {
  const render = templates[template] as ((d: TemplateData<T>) => RenderedEmail) | undefined;
  if (!render) throw ApplicationFailure.nonRetryable(`unknown email template ${String(template)}`, 'UnknownTemplate');
  return render(data);
}

export function createNotifyActivities(deps: MailDeps & { privacy?: PrivacyStore }) {
  return {
    /** Renders an Italian template (text + HTML) and sends it once per key. */
    async notify<T extends TemplateName>(notifyInput: NotifyInput<T>): Promise<SendEmailResult | SuppressedEmail> {
      const { input, suppressed } = await withoutErasedRecipients(deps.privacy, notifyInput);
      if (suppressed) return suppressed;
      const email = renderTemplate(input.template, input.data);
      return sendEmailOnce(deps, { key: input.key, to: input.to, cc: input.cc, template: String(input.template), ...email });
    },
  };
}
