/**
 * The receipt of a message written through the public "Scrivi" form: one email with the reference
 * of the contact or complaint it opened. A workflow of its own (`scrivi-receipt:<reference>`), so
 * the form answers at once and the email is retried through relay outages, never sent twice.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';

const { notify } = proxyActivities<Activities>(durableActivity);

export interface ScriviReceiptInput {
  reference: string;
  kind: 'request' | 'complaint';
  serviceName: string;
  email: string;
}

export const scriviReceiptWorkflowId = (reference: string) => `scrivi-receipt:${reference}`;

export async function scriviReceiptWorkflow(input: ScriviReceiptInput): Promise<void> {
  await notify({
    key: `scrivi:${input.reference}/received`,
    to: [input.email],
    template: 'scrivi-received',
    data: { reference: input.reference, kind: input.kind, serviceName: input.serviceName },
  });
}
