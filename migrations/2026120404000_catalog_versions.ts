import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every catalog a workflow was started with, by content hash: a running workflow keeps its rules
  // after the catalog file changes and the worker restarts.
  await knex.schema.createTable('catalog_versions', (t) => {
    t.text('version').primary();
    t.jsonb('catalog').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('catalog_versions');
}
