/**
 * The retention workflow's contract (pure: imported by the worker's schedule setup and activities).
 * Kinds: contacts, escalations, missedCalls, complaints, inquiries, renewals, sentEmails, audit.
 */
export const RETENTION_KINDS = ['contacts', 'escalations', 'missedCalls', 'complaints', 'inquiries', 'renewals', 'sentEmails', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionInput {
  /** Days a closed record of each kind is kept before it is anonymised (audit rows: deleted). */
  days: Record<RetentionKind, number>;
  /** Records per activity call. */
  batchSize?: number;
}

export interface RetentionResult {
  /** Records anonymised (audit: deleted) per kind by this run. */
  anonymised: Record<RetentionKind, number>;
}

export interface ApplyRetentionInput {
  kind: RetentionKind;
  days: number;
  /** Epoch ms the cut-off is computed from (the workflow's start). */
  asOf: number;
  limit: number;
}

export interface ApplyRetentionResult {
  anonymised: number;
  more: boolean;
}

export const RETENTION_SCHEDULE_ID = 'retention';
/** Prefix of the workflows the schedule starts; the server appends the scheduled time. */
export const RETENTION_SCHEDULE_WORKFLOW_ID = 'retention:scheduled';
export const retentionWorkflowId = (date: string) => `retention:${date}`;
