/**
 * The retention workflow's contract (pure: imported by the workflow, its activities and tests).
 * Kinds: contacts, escalations, missedCalls, complaints, inquiries, renewals, appointments, sentEmails, audit.
 */
import { RETENTION_KINDS, type RetentionDays, type RetentionKind } from '../domain/privacy';

export { RETENTION_KINDS, type RetentionKind };

export interface RetentionInput {
  /** Days a closed record of each kind is kept before it is anonymised (audit rows: deleted). */
  days: RetentionDays;
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

export const retentionWorkflowId = (date: string) => `retention:${date}`;
