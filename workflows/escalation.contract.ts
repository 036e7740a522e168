/** The escalation lifecycle's messages and types (workflows/escalation.ts). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './common';
import type { ServiceRef } from './kit';
import type { Caller, EscalationView } from '../domain/contacts';

export type { EscalationStatus, EscalationView } from '../domain/contacts';

export interface EscalationInput extends ServiceRef {
  id: string;
  contactId: string;
  office: string;
  note?: string;
  /** Caller and reason, for the office's emails. */
  contact: { reason: string; category: string | null; caller: Caller };
  /** The escalation's first transition ('opened') is recorded with the contact's, at this time. */
  openedAt: number;
  takeChargeDueAt: number;
  resolveDueAt: number;
  actor: Actor;
}

export interface EscalationResult {
  outcome: 'resolved' | 'returned';
  response?: string;
  returnReason?: string;
  office: string;
  actor: Actor;
}

export const takeChargeUpdate = defineUpdate<EscalationView, [{ actor: Actor }]>('takeCharge');
export const addNoteUpdate = defineUpdate<EscalationView, [{ text: string; actor: Actor }]>('addNote');
export const resolveEscalationUpdate = defineUpdate<EscalationView, [{ response: string; actor: Actor }]>('resolveEscalation');
export const returnEscalationUpdate = defineUpdate<EscalationView, [{ reason: string; actor: Actor }]>('returnEscalation');
export const reassignEscalationUpdate = defineUpdate<EscalationView, [{ office: string; actor: Actor }]>('reassignEscalation');
export const escalationQuery = defineQuery<EscalationView>('escalation');
/** The office asks the citizen something: the clock pauses until the reply (or the wait limit). */
export const requestCitizenInfoUpdate = defineUpdate<EscalationView, [{ question: string; actor: Actor }]>('requestInfo');
/** The citizen's reply (recorded by an operator, an integrator, the office, or the mail intake): the clock resumes. */
export const citizenReplyUpdate = defineUpdate<EscalationView, [{ reply: string; actor: Actor }]>('citizenReply');
