import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Read model of the appointment workflows (projection rows, `version` = the workflow's seq).
  await knex.schema.createTable('appointments', (t) => {
    t.text('id').primary();
    t.text('service').notNullable();
    t.text('application_type').notNullable();
    t.text('office').notNullable();
    t.text('location').notNullable();
    t.text('address').notNullable();
    t.timestamp('start_at', { useTz: true }).notNullable();
    t.timestamp('end_at', { useTz: true }).notNullable();
    t.text('status').notNullable();
    t.jsonb('citizen').notNullable();
    t.text('note');
    t.text('contact_id');
    t.text('outcome_note');
    t.text('cancel_reason');
    t.integer('reschedules').notNullable().defaultTo(0);
    t.timestamp('booked_at', { useTz: true }).notNullable();
    t.timestamp('reminded_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.integer('version').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table appointments add constraint appointments_status_check
    check (status in ('booked','reminded','rescheduled','attended','no_show','incomplete','cancelled'))`);
  // The office's agenda of a day and the monthly report read by office and start.
  await knex.raw('create index appointments_office_start_idx on appointments (office, start_at) include (status)');

  /**
   * One row per desk taken in a slot: the primary key makes a double booking impossible whatever
   * the API does, and an appointment holds at most one desk. A cancel deletes its row; an outcome keeps it.
   */
  await knex.schema.createTable('appointment_seats', (t) => {
    t.text('office').notNullable();
    t.timestamp('start_at', { useTz: true }).notNullable();
    t.integer('desk_no').notNullable();
    t.text('appointment_id').notNullable().unique().references('id').inTable('appointments').onDelete('CASCADE');
    t.primary(['office', 'start_at', 'desk_no']);
  });
  await knex.raw('alter table appointment_seats add constraint appointment_seats_desk_check check (desk_no >= 1)');

  // Sequence of appointment numbers (A-YYYY-NNNNNN).
  await knex.raw('create sequence appointment_number_seq');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop sequence if exists appointment_number_seq');
  await knex.schema.dropTableIfExists('appointment_seats');
  await knex.schema.dropTableIfExists('appointments');
}
