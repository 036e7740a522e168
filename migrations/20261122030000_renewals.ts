import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Banca dati rinnovi: citizens who put themselves forward for a kind of job. The entry's data never
  // changes after insertion (only its status does), so a past day's export can be rebuilt exactly.
  await knex.schema.createTable('renewals', (t) => {
    t.text('id').primary();
    /** Last history seq of this entry (history rows: entity_type 'renewal'). */
    t.integer('version').notNullable();
    t.text('service').notNullable();
    t.text('surname').notNullable();
    t.text('name').notNullable();
    t.text('tax_code').notNullable();
    t.date('birth_date');
    t.text('job_type').notNullable();
    t.text('job_centre').notNullable();
    t.text('phone');
    t.text('email');
    t.boolean('consent_to_publish').notNullable().defaultTo(false);
    t.text('status').notNullable(); // pending | confirmed | cancelled
    t.text('cancel_reason');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('confirmed_at', { useTz: true });
    t.timestamp('cancelled_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'created_at']);
    t.index(['job_centre', 'status']);
    t.index(['tax_code']);
  });
  // One active (not cancelled) entry per citizen and kind of job; concurrent inserts cannot both win.
  await knex.raw(`create unique index renewals_one_active on renewals (tax_code, job_type) where status <> 'cancelled'`);
  // The daily export reads one day's renewal actions from the shared history table.
  await knex.raw(`create index history_renewal_at on history (at) where entity_type = 'renewal'`);

  // One row per business date exported: the period it covers is fixed by its first run, so a re-run
  // (or a backfill) rebuilds the same files.
  await knex.schema.createTable('renewals_export_runs', (t) => {
    t.date('date').primary();
    t.text('service').notNullable();
    t.text('status').notNullable(); // running | completed | failed
    t.text('trigger').notNullable(); // schedule | manual
    t.text('requested_by').notNullable();
    t.text('workflow_id').notNullable();
    t.text('run_id').notNullable();
    t.timestamp('period_start', { useTz: true }).notNullable();
    t.timestamp('period_end', { useTz: true }).notNullable();
    t.integer('runs').notNullable().defaultTo(1);
    t.timestamp('first_started_at', { useTz: true }).notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    t.text('error');
  });

  // What each job centre received for a date: checked before sending, so a centre gets a day once.
  await knex.schema.createTable('renewals_export_deliveries', (t) => {
    t.date('date').notNullable().references('date').inTable('renewals_export_runs').onDelete('CASCADE');
    t.text('centre').notNullable();
    t.text('centre_name').notNullable();
    t.text('mailbox').notNullable();
    t.text('status').notNullable(); // sent | unconfirmed | skipped
    t.integer('rows').notNullable();
    t.integer('inserted').notNullable();
    t.integer('confirmed').notNullable();
    t.integer('cancelled').notNullable();
    t.text('email_key');
    t.text('message_id');
    t.specificType('attachments', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['date', 'centre']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('renewals_export_deliveries');
  await knex.schema.dropTable('renewals_export_runs');
  await knex.raw('drop index if exists history_renewal_at');
  await knex.schema.dropTable('renewals');
}
