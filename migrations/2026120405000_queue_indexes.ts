import type { Knex } from 'knex';

/**
 * Indexes that serve every queue and list query of the API in its own order (filter columns
 * first, then the sort keys, the id last as the tie-break), so a page of a queue is an index range
 * read, not a sort of the whole table: checked by bench/explain-queues.ts on 300,000 contacts.
 * The escalation queue sorts by the deadline that matters now (take-charge while open, resolution
 * after): an expression index carries the same CASE expression as the query.
 *
 * Built CONCURRENTLY (outside a transaction) so a live database keeps taking writes meanwhile.
 */
export const config = { transaction: false };

const ESCALATION_DUE = `(case when status = 'open' then take_charge_due_at else resolve_due_at end)`;

const INDEXES: [name: string, definition: string][] = [
  ['contacts_queue_status_service', 'contacts (status, service, queued_at, id)'],
  ['contacts_queue_status', 'contacts (status, queued_at, id)'],
  ['contacts_queue_service', 'contacts (service, queued_at, id)'],
  ['contacts_queue', 'contacts (queued_at, id)'],
  ['escalations_queue_office_status', `escalations (office, status, ${ESCALATION_DUE}, id)`],
  ['escalations_queue_office', `escalations (office, ${ESCALATION_DUE}, id)`],
  ['escalations_queue_status', `escalations (status, ${ESCALATION_DUE}, id)`],
  ['escalations_queue', `escalations (${ESCALATION_DUE}, id)`],
  ['missed_calls_queue_office_status', 'missed_calls (office, status, due_at, id)'],
  ['missed_calls_queue_office', 'missed_calls (office, due_at, id)'],
  ['missed_calls_queue_status', 'missed_calls (status, due_at, id)'],
  ['missed_calls_queue', 'missed_calls (due_at, id)'],
  ['renewals_list', 'renewals (created_at desc, id)'],
  ['renewals_list_status', 'renewals (status, created_at desc, id)'],
  ['renewals_list_centre', 'renewals (job_centre, created_at desc, id)'],
];

/** Replaced by the wider indexes above (same leading columns), so they stop costing writes. */
const REPLACED: [name: string, definition: string][] = [
  ['contacts_status_service_queued_at_index', 'contacts (status, service, queued_at)'],
  ['escalations_office_status_index', 'escalations (office, status)'],
  ['missed_calls_office_status_due_at_index', 'missed_calls (office, status, due_at)'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, definition] of INDEXES) await knex.raw(`create index concurrently if not exists ${name} on ${definition}`);
  for (const [name] of REPLACED) await knex.raw(`drop index concurrently if exists ${name}`);
  await knex.raw('analyze contacts, escalations, missed_calls, renewals');
}

export async function down(knex: Knex): Promise<void> {
  for (const [name, definition] of REPLACED) await knex.raw(`create index concurrently if not exists ${name} on ${definition}`);
  for (const [name] of INDEXES) await knex.raw(`drop index concurrently if exists ${name}`);
}
