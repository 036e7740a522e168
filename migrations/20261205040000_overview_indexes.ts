import type { Knex } from 'knex';

/**
 * Partial indexes for the supervisor's overview of open work (`GET /overview`): open work is a
 * small part of each table, so the overview reads only the open rows, grouped by office. The
 * predicates are the overview's own (infra/stores/overview.ts), so the planner can use them.
 * Built CONCURRENTLY (outside a transaction), like the queue indexes.
 */
export const config = { transaction: false };

const INDEXES: [name: string, definition: string][] = [
  ['escalations_open_work', "escalations (office, created_at) where status not in ('resolved', 'returned')"],
  ['missed_calls_open_work', "missed_calls (office, created_at) where status = 'open'"],
  ['inquiries_open_work', "inquiries (structure, opened_at) where status = 'open'"],
  ['complaints_open_work', "complaints (service, registered_at) where status not in ('responded', 'closed')"],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, definition] of INDEXES) await knex.raw(`create index concurrently if not exists ${name} on ${definition}`);
  await knex.raw('analyze escalations, missed_calls, inquiries, complaints');
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`drop index concurrently if exists ${name}`);
}
