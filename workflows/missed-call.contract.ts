/** The missed-call form lifecycle's messages and types (workflows/missed-call.ts). */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from './common';
import type { ServiceRef } from './kit';
import type { CallbackOutcome, MissedCallForm, MissedCallView } from '../domain/contacts';

export { CALLBACK_OUTCOMES } from '../domain/contacts';
export type { CallbackOutcome, MissedCallForm, MissedCallView } from '../domain/contacts';

export interface MissedCallRequest extends MissedCallForm {
  office: string;
  /** The referent's own mailbox, when the operator asked to notify the referent too. */
  referentEmail?: string;
  actor: Actor;
}

export interface MissedCallInput extends MissedCallRequest, ServiceRef {
  id: string;
  contactId: string;
  /** The form's first transition ('created') is recorded with the contact's, at this time. */
  createdAt: number;
  dueAt: number;
}

export interface MissedCallResult {
  outcome: CallbackOutcome;
  note?: string;
  actor: Actor;
}

export const recordCallbackUpdate = defineUpdate<MissedCallView, [{ outcome: CallbackOutcome; note?: string; actor: Actor }]>('recordCallback');
/**
 * A callback attempt that found nobody ("non raggiungibile, riprova"): the form stays open, its
 * clock pauses until `retryAt` (moved to the office's next opening when closed then), when the
 * office is reminded to try again.
 */
export const retryCallbackUpdate = defineUpdate<MissedCallView, [{ retryAt: number; note?: string; actor: Actor }]>('retryCallback');
