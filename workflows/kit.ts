/**
 * The workflow kit every lifecycle uses: the recorder (history + projection in one transaction, as
 * a local activity: no extra workflow task per write), the refusals update validators throw, and
 * a re-plannable deadline timer.
 */
import { ApplicationFailure, ParentClosePolicy, condition, proxyLocalActivities, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Projection, Transition } from '../activities/db';
import type { Actor } from '../domain/actor';
import { Searchable, searchAttributesOf, searchableFromAttributes } from '../domain/search-attributes';
import type { Service } from '../domain/catalog';
import { BusinessCalendar, calendarOf } from '../domain/business-calendar';
import { FORBIDDEN, INVALID_INPUT, INVALID_TRANSITION } from './common';

// A database outage is waited out with backoff and no attempt limit (the write is idempotent).
const { recordTransitions, serviceRules } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['UnknownCatalogVersion'] },
});

/** What a lifecycle carries of the catalog: a service code and the catalog version it started with. */
export interface ServiceRef {
  service: string;
  catalogVersion: string;
}

/** The rules a workflow started with (its service in its catalog version), fetched once at start. */
export interface Rules {
  service: Service;
  calendar: BusinessCalendar;
}

export async function rulesOf(ref: ServiceRef): Promise<Rules> {
  const service = await serviceRules({ service: ref.service, catalogVersion: ref.catalogVersion });
  return { service, calendar: calendarOf(service.calendar) };
}

/** An impossible transition (409). */
export const refuse = (message: string) => ApplicationFailure.create({ type: INVALID_TRANSITION, message, nonRetryable: true });
/** An actor acting outside its office (403). */
export const forbidden = (message: string) => ApplicationFailure.create({ type: FORBIDDEN, message, nonRetryable: true });
/** Input the workflow cannot accept (422), naming the field. */
export const badInput = (field: string, message: string) =>
  ApplicationFailure.create({ type: INVALID_INPUT, message: `${field}: ${message}`, details: [{ field }], nonRetryable: true });

export interface RecorderOptions {
  entityType: string;
  entityId: string;
  /** Transitions already recorded for this entity (a child's opening, written by its parent). */
  recorded?: number;
  /** The search attributes the workflow was started with (default: read from its start). */
  startedWith?: Searchable;
  /** The entity's view after each transition. */
  projection: () => Projection;
  searchable: () => Searchable;
}

/** Records a lifecycle's transitions, numbered by a per-entity sequence. */
export function createRecorder(opts: RecorderOptions) {
  let seq = opts.recorded ?? 0;
  const key = ({ service, office, status }: Partial<Searchable>) => JSON.stringify([service, office, status]);
  // A lifecycle started with its search attributes (a child by its parent, a contact by the API)
  // upserts only a change; one started without them upserts at its first write. Both read history.
  let searched = key(opts.startedWith ?? searchableFromAttributes((workflowInfo().searchAttributes ?? {}) as Record<string, unknown[]>));

  /** The next transition of this entity (its view taken now). */
  const transition = (action: string, actor: Actor, payload: Record<string, unknown> = {}, at = Date.now()): Transition => ({
    entityType: opts.entityType,
    entityId: opts.entityId,
    seq: ++seq,
    action,
    actor,
    at,
    payload,
    projection: opts.projection(),
  });

  /** Writes transitions in one transaction; search attributes follow the entity's state. */
  const write = async (...transitions: Transition[]): Promise<void> => {
    const searchable = opts.searchable();
    // Only a change is upserted: each upsert is one more history event.
    if (key(searchable) !== searched) {
      searched = key(searchable);
      upsertSearchAttributes(searchAttributesOf(searchable));
    }
    await recordTransitions({ transitions });
  };

  return {
    transition,
    write,
    /** Records one transition of this entity, and others in the same transaction. */
    record: (action: string, actor: Actor, payload: Record<string, unknown> = {}, ...also: Transition[]) => write(transition(action, actor, payload), ...also),
  };
}

export type Recorder = ReturnType<typeof createRecorder>;

/**
 * A child lifecycle's opening, done by its parent: the child's first transition (seq 1, written
 * with the parent's in one transaction) and its start, with its search attributes. The child
 * belongs to its parent (terminated with it).
 */
export function childOpening<I, R>(o: {
  workflow: (input: I) => Promise<R>;
  workflowId: string;
  input: I;
  transition: Omit<Transition, 'seq'>;
  searchable: Searchable;
}) {
  return {
    transition: { ...o.transition, seq: 1 } as Transition,
    start: () =>
      startChild(o.workflow, {
        workflowId: o.workflowId,
        args: [o.input],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
        searchAttributes: searchAttributesOf(o.searchable),
      } as never),
  };
}

/** A timer the plan of which may change while it waits. */
export interface PlannedTimer {
  at: number;
  fire: () => Promise<void>;
}

/**
 * A re-plannable deadline timer, in the spirit of the Temporal samples' UpdatableTimer: `run`
 * waits for the earliest timer of `plan()`, fires it, and asks again; `replan()` (after any change
 * of state) wakes it so that the plan is computed afresh. It returns once `done()` holds.
 */
export class DeadlineTimer {
  private version = 0;

  replan(): void {
    this.version++;
  }

  async run(plan: () => PlannedTimer | undefined, done: () => boolean): Promise<void> {
    while (!done()) {
      const seen = this.version;
      const changed = () => this.version !== seen || done();
      const timer = plan();
      if (!timer) {
        await condition(changed);
        continue;
      }
      const woke = await condition(changed, Math.max(1, timer.at - Date.now()));
      // Re-check after the wait: an update may have changed the plan while the timer was due.
      if (!woke && !done() && this.version === seen) await timer.fire();
    }
  }
}
