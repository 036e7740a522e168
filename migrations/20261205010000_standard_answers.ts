import type { Knex } from 'knex';

/**
 * Standard answers agreed with each office, per service and optional category, with a validity
 * window; every edit is a new version and the old ones stay. `standard_answers` holds the current
 * version (what operators search), `standard_answer_versions` every version. `standard_answer_uses`
 * counts one use per contact resolved with an answer (written with the contact's `resolved`
 * transition, so a retried write counts once).
 *
 * Search: a text search configuration `italian_unaccent` = the Italian one with `unaccent` before
 * the Snowball stemmer, so "università" and "universita", "raccolta" and "raccolte" meet; the title
 * weighs A, the body B; a generated tsvector column under a GIN index.
 */
export async function up(knex: Knex): Promise<void> {
  // unaccent is a trusted contrib extension (PostgreSQL 13+): a database owner may create it.
  await knex.raw('create extension if not exists unaccent');
  await knex.raw(`
    do $$ begin
      if not exists (select 1 from pg_ts_config where cfgname = 'italian_unaccent') then
        create text search configuration italian_unaccent (copy = italian);
        alter text search configuration italian_unaccent
          alter mapping for hword, hword_part, word with unaccent, italian_stem;
      end if;
    end $$`);
  await knex.raw('create sequence standard_answer_number_seq');
  await knex.schema.createTable('standard_answers', (t) => {
    t.text('id').primary();
    t.text('service').notNullable();
    t.text('category');
    t.integer('version').notNullable();
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.timestamp('valid_from', { useTz: true });
    t.timestamp('valid_to', { useTz: true });
    t.timestamp('retired_at', { useTz: true });
    t.text('retired_by');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['service', 'category', 'title']);
  });
  await knex.raw(`
    alter table standard_answers add column search tsvector generated always as (
      setweight(to_tsvector('italian_unaccent'::regconfig, title), 'A') ||
      setweight(to_tsvector('italian_unaccent'::regconfig, body), 'B')
    ) stored`);
  await knex.raw('create index standard_answers_search on standard_answers using gin (search)');
  await knex.schema.createTable('standard_answer_versions', (t) => {
    t.text('answer_id').notNullable().references('standard_answers.id');
    t.integer('version').notNullable();
    t.text('category');
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.timestamp('valid_from', { useTz: true });
    t.timestamp('valid_to', { useTz: true });
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['answer_id', 'version']);
  });
  await knex.schema.createTable('standard_answer_uses', (t) => {
    t.text('contact_id').primary();
    t.text('answer_id').notNullable();
    t.integer('answer_version').notNullable();
    t.text('service').notNullable();
    t.timestamp('used_at', { useTz: true }).notNullable();
    t.index(['service', 'used_at']);
    t.index(['used_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('standard_answer_uses');
  await knex.schema.dropTable('standard_answer_versions');
  await knex.schema.dropTable('standard_answers');
  await knex.raw('drop sequence standard_answer_number_seq');
  await knex.raw('drop text search configuration if exists italian_unaccent');
  // unaccent stays: another schema object may use it, and keeping it is harmless.
}
