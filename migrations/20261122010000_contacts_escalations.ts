import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create sequence contact_number_seq');
  // Read model of the contact workflow (one row per contact; `version` = last history seq).
  await knex.schema.createTable('contacts', (t) => {
    t.text('id').primary();
    t.integer('version').notNullable();
    t.text('service').notNullable();
    t.text('channel').notNullable(); // phone | email | web | voicemail
    t.text('origin').notNullable().defaultTo('direct'); // direct | ricaduta | voicemail
    t.text('status').notNullable(); // waiting | triage | escalated | resolved
    t.text('category');
    t.text('call_id');
    t.text('ivr_code');
    t.text('sub_service');
    t.text('referent');
    t.jsonb('caller').notNullable().defaultTo('{}');
    t.text('reason').notNullable();
    t.text('answer');
    t.text('resolution'); // first_level | auto | back_office
    t.text('office');
    t.text('escalation_id');
    t.jsonb('origin_details').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable();
    /** When the contact entered (or will enter) the operators' queue: a voicemail left out of hours waits for the window. */
    t.timestamp('queued_at', { useTz: true }).notNullable();
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'service', 'queued_at']);
    t.index(['call_id']);
    t.index(['created_at']);
  });
  await knex.schema.createTable('escalations', (t) => {
    t.text('id').primary();
    t.integer('version').notNullable();
    t.text('contact_id').notNullable();
    t.text('service').notNullable();
    t.text('office').notNullable();
    t.text('status').notNullable(); // open | in_charge | resolved | returned
    t.text('note');
    t.timestamp('take_charge_due_at', { useTz: true }).notNullable();
    t.timestamp('resolve_due_at', { useTz: true }).notNullable();
    t.timestamp('taken_at', { useTz: true });
    t.timestamp('resolved_at', { useTz: true });
    t.boolean('take_charge_breached').notNullable().defaultTo(false);
    t.boolean('resolve_breached').notNullable().defaultTo(false);
    t.text('response');
    t.text('return_reason');
    t.jsonb('notes').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['office', 'status']);
    t.index(['contact_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('escalations');
  await knex.schema.dropTable('contacts');
  await knex.raw('drop sequence contact_number_seq');
}
