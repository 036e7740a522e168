import type { Knex } from 'knex';

/**
 * Emails are never lost: a claim records which activity attempt owns it and whether the relay may
 * already have the message (claimed → sending → sent), so an attempt that finds a dead attempt's
 * claim sends again with the same Message-ID and records that a copy may exist.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sent_emails', (t) => {
    t.text('template'); // what kind of email, for the supervisor's in-doubt list
    t.text('owner'); // the activity that holds the claim (null: released, anyone may take it)
    t.integer('attempt'); // the owner's attempt number: a later attempt of the same activity takes over
    t.timestamp('send_started_at', { useTz: true }); // handed to the relay (status 'sending')
    t.boolean('in_doubt').notNullable().defaultTo(false); // sent again after an interrupted send
    t.integer('sends').notNullable().defaultTo(0); // how many times it was handed to the relay
  });
  // The old 'unconfirmed' (a dead attempt's claim counted as sent) may never have left: in doubt.
  await knex('sent_emails').where({ status: 'unconfirmed' }).update({ status: 'sending', in_doubt: true, owner: null });
  await knex.raw(`create index sent_emails_unconfirmed on sent_emails (claimed_at) where status <> 'sent' or in_doubt`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index sent_emails_unconfirmed');
  await knex('sent_emails').where({ status: 'claimed' }).delete();
  await knex('sent_emails').where({ status: 'sending' }).update({ status: 'unconfirmed' });
  await knex.schema.alterTable('sent_emails', (t) => {
    t.dropColumns('template', 'owner', 'attempt', 'send_started_at', 'in_doubt', 'sends');
  });
}
