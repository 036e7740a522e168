/** The contact lifecycle's messages and types (workflows/contact.ts). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './common';
import type { ServiceRef } from './kit';
import type { Caller, Channel, ContactOrigin, ContactStatus, ContactView, EscalationView, MissedCallView, Resolution } from '../domain/contacts';
import type { MissedCallRequest } from './missed-call.contract';

export { CHANNELS } from '../domain/contacts';
export type { Caller, Channel, ContactOrigin, ContactStatus, ContactView, Resolution } from '../domain/contacts';

export interface ContactInput extends ServiceRef {
  id: string;
  channel: Channel;
  origin: ContactOrigin;
  /** Extra facts of the origin: the rolled-over office number, the voicemail recording. */
  originDetails?: Record<string, unknown>;
  callId?: string;
  ivrCode?: string;
  caller: Caller;
  reason: string;
  category?: string;
  /** When the contact really happened (a voicemail's recording time), if earlier than its intake. */
  receivedAt?: number;
  actor: Actor;
  /**
   * A closed contact reopened by the citizen's reply (INBOUND_REPLY_TO_CLOSED=reopen): a new run of
   * the same workflow id that goes on from the recorded history (its numbering, escalations, forms).
   */
  reopen?: ContactReopening;
}

export interface ContactReopening {
  /** Transitions already recorded for the contact. */
  recorded: number;
  escalations: number;
  missedCalls: number;
  category: string | null;
  /** The reply that reopens it (inbound_messages id) and its text. */
  inboundMessage: string;
  text: string;
}

export interface ContactResult {
  status: ContactStatus;
  resolution: Resolution | null;
}

export const registerContactUpdate = defineUpdate<ContactView, [Record<string, never>]>('registerContact');
export const classifyContactUpdate = defineUpdate<ContactView, [{ category: string; actor: Actor }]>('classifyContact');
/** `answerId` + `answerVersion`: the standard answer the text comes from (recorded with the transition). */
export const resolveContactUpdate = defineUpdate<ContactView, [{ answer: string; answerId?: string; answerVersion?: number; actor: Actor }]>('resolveContact');
export const escalateContactUpdate = defineUpdate<EscalationView, [{ office: string; note?: string; actor: Actor }]>('escalateContact');
export const missedCallUpdate = defineUpdate<MissedCallView, [MissedCallRequest]>('missedCall');
/** A note joins an open contact (e.g. the citizen's email reply): recorded in its history. */
export const addContactNoteUpdate = defineUpdate<ContactView, [{ text: string; source: 'email' | 'operator'; inboundMessage?: string; actor: Actor }]>('addContactNote');
export const contactQuery = defineQuery<ContactView>('contact');
