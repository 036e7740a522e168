import { ApplicationFailure } from '@temporalio/activity';
import { complaintTemplates, ComplaintTemplateData, ComplaintTemplateName } from './templates/complaints';
import { sendEmailOnce, MailDeps, SendEmailResult } from './mail';

export interface SendComplaintEmailInput<T extends ComplaintTemplateName = ComplaintTemplateName> {
  /** One key per logical email, e.g. `complaint:REC-2026-000001/acknowledged`. */
  key: string;
  to: string[];
  cc?: string[];
  template: T;
  data: ComplaintTemplateData<T>;
}

/** Complaint emails: the workflow names a template and passes its data; recipients were resolved at intake. */
export function createComplaintActivities(deps: MailDeps) {
  return {
    async sendComplaintEmail<T extends ComplaintTemplateName>(input: SendComplaintEmailInput<T>): Promise<SendEmailResult> {
      const render = complaintTemplates[input.template] as ((d: ComplaintTemplateData<T>) => ReturnType<(typeof complaintTemplates)[T]>) | undefined;
      if (!render) throw ApplicationFailure.nonRetryable(`unknown complaint email template ${String(input.template)}`, 'UnknownTemplate');
      const email = render(input.data);
      return sendEmailOnce(deps, { key: input.key, to: input.to, cc: input.cc, ...email });
    },
  };
}
