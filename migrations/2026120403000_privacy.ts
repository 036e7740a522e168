import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The salt of the erased subjects' hashes: made once per database, never leaves it.
  await knex.schema.createTable('privacy_settings', (t) => {
    t.integer('id').primary();
    t.text('subject_salt').notNullable();
  });
  await knex.raw('alter table privacy_settings add constraint privacy_settings_one_row check (id = 1)');
  await knex('privacy_settings').insert({ id: 1, subject_salt: randomBytes(32).toString('hex') });

  /** People erased on request: a salted hash of the normalised email, phone or tax code, never the value. */
  await knex.schema.createTable('erased_subjects', (t) => {
    t.text('subject_hash').primary();
    t.text('kind').notNullable(); // email | phone | taxCode
    t.timestamp('erased_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  /** Records anonymised (erasure or retention): a later write of a running workflow is anonymised again. */
  await knex.schema.createTable('erased_records', (t) => {
    t.text('entity_type').notNullable(); // history entity type: contact, escalation, missed_call, complaint, inquiry, renewal
    t.text('entity_id').notNullable();
    t.text('reason').notNullable(); // erasure | retention
    t.timestamp('erased_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['entity_type', 'entity_id']);
  });

  /** Who read or changed a citizen's record through the API, and when. */
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('key_id').notNullable();
    t.text('key_name').notNullable();
    t.text('key_role').notNullable();
    t.text('key_office');
    t.text('action').notNullable(); // read | change | export | erase
    t.text('entity_type').notNullable();
    t.text('entity_id').notNullable();
    t.text('method').notNullable();
    t.text('path').notNullable(); // without the query string
    t.index(['entity_type', 'entity_id', 'at']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('erased_records');
  await knex.schema.dropTable('erased_subjects');
  await knex.schema.dropTable('privacy_settings');
}
