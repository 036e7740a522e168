import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row per year: REC-YYYY-NNNNNN numbers are allocated by an upsert on this row, so concurrent
  // registrations queue on the row lock and a rolled-back registration gives its number back.
  await knex.schema.createTable('complaint_reference_counters', (t) => {
    t.integer('year').primary();
    t.integer('last_number').notNullable();
  });

  // Read model of the complaint workflow (one row per complaint; `version` = last history seq).
  // It holds the deadline clock as the API shows it, so reads never query the workflow.
  await knex.schema.createTable('complaints', (t) => {
    t.text('id').primary(); // the reference, e.g. REC-2026-000123
    t.integer('version').notNullable();
    t.text('kind').notNullable(); // complaint | report | suggestion
    t.text('status').notNullable(); // registered | in_charge | investigating | awaiting_requester | responded | closed
    t.text('channel').notNullable();
    t.text('service'); // the service complained about, if any
    t.text('contact_id');
    t.jsonb('requester').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.jsonb('registered_by').notNullable();
    t.text('term').notNullable(); // ISO 8601, e.g. P30D
    t.bigInteger('term_ms').notNullable();
    t.text('clock').notNullable(); // running | suspended | stopped
    t.timestamp('clock_since', { useTz: true }).notNullable();
    /** The response deadline (the last one once responded); null while suspended. */
    t.timestamp('deadline_at', { useTz: true });
    /** Term left at clock_since (frozen while suspended; negative once late). */
    t.bigInteger('remaining_ms').notNullable();
    t.bigInteger('suspended_ms').notNullable().defaultTo(0);
    t.text('pending_question');
    t.jsonb('info_requests').notNullable().defaultTo('[]');
    t.timestamp('warned_at', { useTz: true });
    t.timestamp('breached_at', { useTz: true });
    t.text('response');
    t.text('outcome');
    t.timestamp('registered_at', { useTz: true }).notNullable();
    t.timestamp('taken_at', { useTz: true });
    t.timestamp('responded_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'registered_at']);
    t.index(['registered_at']);
  });

  await knex.schema.createTable('inquiries', (t) => {
    t.text('id').primary(); // <reference>-<n>
    t.integer('version').notNullable();
    t.text('complaint_id').notNullable();
    t.text('structure').notNullable(); // office code of the catalog
    t.text('structure_name').notNullable();
    t.text('question').notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.text('status').notNullable(); // open | answered | withdrawn
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.jsonb('opened_by').notNullable();
    t.text('findings');
    t.timestamp('answered_at', { useTz: true });
    t.jsonb('answered_by');
    t.timestamp('reminded_at', { useTz: true });
    t.timestamp('overdue_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['structure', 'status', 'due_at']);
    t.index(['complaint_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('inquiries');
  await knex.schema.dropTable('complaints');
  await knex.schema.dropTable('complaint_reference_counters');
}
