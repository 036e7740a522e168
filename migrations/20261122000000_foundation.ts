import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_keys', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('role').notNullable();
    t.text('office');
    t.text('prefix').notNullable();
    t.text('key_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
  });

  // Every transition of every lifecycle, with its actor; (entity_type, entity_id, seq) makes a retried write a no-op.
  await knex.schema.createTable('history', (t) => {
    t.bigIncrements('id');
    t.text('entity_type').notNullable();
    t.text('entity_id').notNullable();
    t.integer('seq').notNullable();
    t.text('action').notNullable();
    t.text('actor_name').notNullable();
    t.text('actor_role').notNullable();
    t.text('actor_office');
    t.timestamp('at', { useTz: true }).notNullable();
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.unique(['entity_type', 'entity_id', 'seq']);
  });

  // One row per logical email: claimed before sending so a retried activity never sends twice.
  await knex.schema.createTable('sent_emails', (t) => {
    t.text('key').primary();
    t.text('message_id').notNullable();
    t.text('status').notNullable(); // sending | sent | unconfirmed
    t.specificType('recipients', 'text[]').notNullable();
    t.text('subject').notNullable();
    t.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });

  // Idempotency-Key header of POST requests, per key owner.
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('scope').notNullable();
    t.text('key').notNullable();
    t.text('resource_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['scope', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
  await knex.schema.dropTable('sent_emails');
  await knex.schema.dropTable('history');
  await knex.schema.dropTable('api_keys');
}
