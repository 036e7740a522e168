import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One satisfaction survey per closed case (contact or complaint). No personal data: the case id,
  // its service and channel, and the score; the address the survey went to lives in sent_emails.
  await knex.schema.createTable('surveys', (t) => {
    t.text('id').primary(); // `<kind>:<caseId>`
    t.text('kind').notNullable();
    t.text('case_id').notNullable();
    t.text('service');
    t.text('channel').notNullable();
    t.timestamp('sent_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.smallint('score');
    t.timestamp('first_voted_at', { useTz: true });
    t.timestamp('voted_at', { useTz: true });
    t.integer('votes').notNullable().defaultTo(0);
  });
  await knex.raw(`alter table surveys add constraint surveys_kind_check check (kind in ('contact','complaint'))`);
  await knex.raw(`alter table surveys add constraint surveys_score_check check (score is null or score between 1 and 5)`);
  // The CRM report reads the month's votes per service.
  await knex.raw(`create index surveys_voted_at_idx on surveys (voted_at, service) where score is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('surveys');
}
