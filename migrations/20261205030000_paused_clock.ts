import type { Knex } from 'knex';

/**
 * The paused clock: an escalation waiting for the citizen (its questions and replies, and the
 * pause with the business time each deadline had left), and a missed-call form whose callback was
 * put off to a new attempt time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('escalations', (t) => {
    t.jsonb('pause'); // {since, until, remainingMs: {takeCharge?, resolve?}} while status = waiting_citizen
    t.jsonb('info_requests').notNullable().defaultTo('[]');
  });
  await knex.schema.alterTable('missed_calls', (t) => {
    t.jsonb('pause'); // {since, until, remainingMs: {callback?}} until the new callback attempt
    t.integer('retries').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('missed_calls', (t) => {
    t.dropColumn('retries');
    t.dropColumn('pause');
  });
  await knex.schema.alterTable('escalations', (t) => {
    t.dropColumn('info_requests');
    t.dropColumn('pause');
  });
}
