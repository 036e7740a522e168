/**
 * The complaint lifecycle's messages and types (workflows/complaint.ts): URU takes a complaint,
 * report or suggestion in charge, investigates with internal structures (inquiries) and sends the
 * definitive response.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './common';
import type { ComplaintClock, ComplaintOutcome, ComplaintStatus } from '../domain/complaints';

export { COMPLAINT_CHANNELS, COMPLAINT_KINDS, COMPLAINT_OUTCOMES } from '../domain/complaints';
export type {
  ComplaintChannel,
  ComplaintClock,
  ComplaintInput,
  ComplaintKind,
  ComplaintOutcome,
  ComplaintSettings,
  ComplaintStatus,
  Requester,
} from '../domain/complaints';

export interface ComplaintResult {
  reference: string;
  outcome: ComplaintOutcome;
  respondedAt: number;
  breached: boolean;
}

export interface OpenInquiryArgs {
  /** Office code from the catalog, with its name and mailbox resolved by the API. */
  structure: string;
  structureName: string;
  structureMailbox: string;
  question: string;
  /** Epoch ms. */
  dueAt: number;
  actor: Actor;
}

/** What an update returns; the API answers with the PostgreSQL read model, which holds the same. */
export interface ComplaintUpdateResult {
  reference: string;
  status: ComplaintStatus;
  inquiryId?: string;
}

export interface ComplaintDeadline {
  deadlineAt: string | null;
  remainingMs: number;
  clock: ComplaintClock;
  warned: boolean;
  breached: boolean;
}

/** Intake: the API starts the workflow together with this update (update-with-start). */
export const registerComplaintUpdate = defineUpdate<ComplaintUpdateResult, [Record<string, never>]>('registerComplaint');
export const takeChargeComplaintUpdate = defineUpdate<ComplaintUpdateResult, [{ actor: Actor }]>('takeChargeComplaint');
export const openInquiryUpdate = defineUpdate<ComplaintUpdateResult, [OpenInquiryArgs]>('openInquiry');
export const answerInquiryUpdate = defineUpdate<ComplaintUpdateResult, [{ inquiryId: string; findings: string; actor: Actor }]>('answerInquiry');
export const requestInfoUpdate = defineUpdate<ComplaintUpdateResult, [{ question: string; actor: Actor }]>('requestComplaintInfo');
export const requesterInfoUpdate = defineUpdate<ComplaintUpdateResult, [{ info: string; actor: Actor }]>('requesterInfo');
export const respondUpdate = defineUpdate<ComplaintUpdateResult, [{ response?: string; outcome?: ComplaintOutcome; actor: Actor }]>('respondComplaint');
export const complaintDeadlineQuery = defineQuery<ComplaintDeadline>('complaintDeadline');
