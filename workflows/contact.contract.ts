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
}

export interface ContactResult {
  status: ContactStatus;
  resolution: Resolution | null;
}

export const registerContactUpdate = defineUpdate<ContactView, [Record<string, never>]>('registerContact');
export const classifyContactUpdate = defineUpdate<ContactView, [{ category: string; actor: Actor }]>('classifyContact');
export const resolveContactUpdate = defineUpdate<ContactView, [{ answer: string; actor: Actor }]>('resolveContact');
export const escalateContactUpdate = defineUpdate<EscalationView, [{ office: string; note?: string; actor: Actor }]>('escalateContact');
export const missedCallUpdate = defineUpdate<MissedCallView, [MissedCallRequest]>('missedCall');
/** A note joins an open contact (e.g. the citizen's email reply): recorded in its history. */
export const addContactNoteUpdate = defineUpdate<ContactView, [{ text: string; source: 'email' | 'operator'; inboundMessage?: string; actor: Actor }]>('addContactNote');
export const contactQuery = defineQuery<ContactView>('contact');
