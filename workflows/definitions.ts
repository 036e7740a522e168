/**
 * Shared, pure definitions of the workflows: task queue, ids, messages and payload types.
 * Imported by the worker, the workflows and the API; no Node APIs here.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Service } from '../domain/catalog';

/** The default task queue; a deployment may override it with TEMPORAL_TASK_QUEUE. */
export const TASK_QUEUE = 'contact-center';

/** Workflow ids come from business keys: `<kind>:<key>`. */
export const workflowId = {
  ping: (key: string) => `ping:${key}`,
  contact: (contactId: string) => `contact:${contactId}`,
  escalation: (escalationId: string) => `escalation:${escalationId}`,
};

export interface Actor {
  name: string;
  role: string;
  office?: string | null;
}

/** Who the system itself acts as (timers, schedules). */
export const SYSTEM_ACTOR: Actor = { name: 'sistema', role: 'system' };

/** ApplicationFailure type used by update validators; the API maps it to 409. */
export const INVALID_TRANSITION = 'InvalidTransition';
/** ApplicationFailure type for input the workflow cannot accept; the API maps it to 400/422. */
export const INVALID_INPUT = 'InvalidInput';
/** ApplicationFailure type for an actor acting outside its office; the API maps it to 403. */
export const FORBIDDEN = 'Forbidden';

export interface PingInput {
  message: string;
}
export interface PingResult {
  echo: string;
  at: number;
}

// ---------------------------------------------------------------------------------------------
// Contacts and escalations (workflows/contact.ts, workflows/escalation.ts)
// ---------------------------------------------------------------------------------------------
export const CHANNELS = ['phone', 'email', 'web', 'voicemail'] as const;
export type Channel = (typeof CHANNELS)[number];
export type ContactOrigin = 'direct' | 'ricaduta' | 'voicemail';
export type ContactStatus = 'waiting' | 'triage' | 'escalated' | 'resolved';
export type Resolution = 'first_level' | 'auto' | 'back_office';

export interface Caller {
  surname?: string;
  name?: string;
  phone?: string;
  email?: string;
}

export interface ContactInput {
  id: string;
  /** The service's catalog entry at intake: the workflow keeps using this snapshot. */
  service: Service;
  channel: Channel;
  origin: ContactOrigin;
  /** Extra facts of the origin: the rolled-over office number, the voicemail recording. */
  originDetails?: Record<string, unknown>;
  callId?: string;
  ivrCode?: string;
  caller: Caller;
  reason: string;
  category?: string;
  actor: Actor;
}

export interface ContactView {
  id: string;
  service: string;
  channel: Channel;
  origin: ContactOrigin;
  status: ContactStatus;
  category: string | null;
  callId: string | null;
  ivrCode: string | null;
  subService: string | null;
  referent: string | null;
  caller: Caller;
  reason: string;
  answer: string | null;
  resolution: Resolution | null;
  office: string | null;
  escalationId: string | null;
  createdAt: string;
  queuedAt: string;
  resolvedAt: string | null;
}

export interface ContactResult {
  status: ContactStatus;
  resolution: Resolution | null;
}

export const registerContactUpdate = defineUpdate<ContactView, [Record<string, never>]>('registerContact');
export const classifyContactUpdate = defineUpdate<ContactView, [{ category: string; actor: Actor }]>('classifyContact');
export const resolveContactUpdate = defineUpdate<ContactView, [{ answer: string; actor: Actor }]>('resolveContact');
export const escalateContactUpdate = defineUpdate<EscalationView, [{ office: string; note?: string; actor: Actor }]>('escalateContact');
export const contactQuery = defineQuery<ContactView>('contact');

export type EscalationStatus = 'open' | 'in_charge' | 'resolved' | 'returned';

export interface EscalationInput {
  id: string;
  contactId: string;
  service: Service;
  office: string;
  note?: string;
  /** Caller and reason, for the office's emails. */
  contact: { reason: string; category: string | null; caller: Caller };
  /** The escalation's first transition ('opened') is recorded by the contact workflow with this seq. */
  openedSeq: number;
  openedAt: number;
  takeChargeDueAt: number;
  resolveDueAt: number;
  actor: Actor;
}

export interface EscalationView {
  id: string;
  contactId: string;
  service: string;
  office: string;
  status: EscalationStatus;
  note: string | null;
  takeChargeDueAt: string;
  resolveDueAt: string;
  takenAt: string | null;
  resolvedAt: string | null;
  takeChargeBreached: boolean;
  resolveBreached: boolean;
  response: string | null;
  returnReason: string | null;
  notes: { at: string; by: string; text: string }[];
  createdAt: string;
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
