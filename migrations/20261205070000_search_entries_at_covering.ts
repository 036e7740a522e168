import type { Knex } from 'knex';

/**
 * The search walks `search_entries` backwards along `at` for a frequent name (infra/stores/search.ts):
 * with the names, the reference and the office in the `at` index itself, that walk checks each entry
 * in the index (an index-only scan) instead of reading its row, and reads rows for the page only.
 * It replaces the plain `at` index (same key columns), so writes keep one index on `at`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index search_entries_at_covering on search_entries (at, kind, id) include (names, ref, office)');
  await knex.raw('drop index search_entries_at');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index search_entries_at on search_entries (at, kind, id)');
  await knex.raw('drop index search_entries_at_covering');
}
