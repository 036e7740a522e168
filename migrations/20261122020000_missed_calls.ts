import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Read model of the missed-call form workflow ("mancata risposta").
  await knex.schema.createTable('missed_calls', (t) => {
    t.text('id').primary();
    t.integer('version').notNullable();
    t.text('contact_id').notNullable();
    t.text('service').notNullable();
    t.text('office').notNullable();
    t.text('status').notNullable(); // open | closed
    t.text('caller_surname').notNullable();
    t.text('caller_name').notNullable();
    t.timestamp('call_at', { useTz: true }).notNullable();
    t.text('person_sought').notNullable();
    t.text('reason').notNullable();
    t.text('callback_phone').notNullable();
    t.text('callback_email');
    t.text('referent_email');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.boolean('breached').notNullable().defaultTo(false);
    t.text('outcome'); // reached | unreachable | not_needed
    t.text('note');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['office', 'status', 'due_at']);
    t.index(['contact_id']);
  });
  await knex.schema.alterTable('contacts', (t) => {
    t.text('missed_call_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contacts', (t) => {
    t.dropColumn('missed_call_id');
  });
  await knex.schema.dropTable('missed_calls');
}
