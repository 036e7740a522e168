/**
 * Shared, pure definitions of the workflows: task queue, ids, messages and payload types.
 * Imported by the worker, the workflows and the API; no Node APIs here.
 */

/** The default task queue; a deployment may override it with TEMPORAL_TASK_QUEUE. */
export const TASK_QUEUE = 'contact-center';

/** Workflow ids come from business keys: `<kind>:<key>`. */
export const workflowId = {
  ping: (key: string) => `ping:${key}`,
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

export interface PingInput {
  message: string;
}
export interface PingResult {
  echo: string;
  at: number;
}
