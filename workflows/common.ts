/**
 * What every lifecycle shares: the task queue, workflow ids, the actor and the failure types the
 * API maps to problem+json. Pure; imported by the worker, the workflows and the API.
 */
export type { Actor } from '../domain/actor';
export { SYSTEM_ACTOR } from '../domain/actor';

/** The default task queue; a deployment may override it with TEMPORAL_TASK_QUEUE. */
export const TASK_QUEUE = 'contact-center';

/** Workflow ids come from business keys: `<kind>:<key>`. */
export const workflowId = {
  ping: (key: string) => `ping:${key}`,
  /** One renewals export per business date ('YYYY-MM-DD'). */
  renewalsExport: (date: string) => `renewals-export:${date}`,
  contact: (contactId: string) => `contact:${contactId}`,
  escalation: (escalationId: string) => `escalation:${escalationId}`,
  missedCall: (formId: string) => `missed-call:${formId}`,
  complaint: (reference: string) => `complaint:${reference}`,
  /** One intake per inbound email (key: a hash of its Message-ID or bytes; infra/inbound-sink.ts). */
  inboundMail: (key: string) => `inbound-mail:${key}`,
};

/** ApplicationFailure type used by update validators; the API maps it to 409. */
export const INVALID_TRANSITION = 'InvalidTransition';
/** ApplicationFailure type for input the workflow cannot accept; the API maps it to 400/422. */
export const INVALID_INPUT = 'InvalidInput';
/** ApplicationFailure type for an actor acting outside its office; the API maps it to 403. */
export const FORBIDDEN = 'Forbidden';
/** ApplicationFailure type of a database error that no retry can fix (activities/pg-errors.ts); the API maps it to 400. */
export const BAD_DATA = 'BadData';
