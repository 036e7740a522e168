import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /**
   * Every inbound email as received (raw bytes), before its intake workflow starts: the listener
   * answers 250 only once the row exists, so nothing accepted is lost. `id` is the intake key
   * (a hash of the Message-ID, else of the raw bytes): the same message twice is one row.
   */
  await knex.schema.createTable('inbound_messages', (t) => {
    t.text('id').primary();
    t.text('message_id');
    t.text('via').notNullable();
    t.specificType('recipients', 'text[]').notNullable();
    t.text('envelope_from');
    t.text('service');
    t.binary('raw');
    t.integer('size').notNullable();
    // Filled by the intake's parsing activity.
    t.text('sender');
    t.text('subject');
    t.text('body');
    t.text('in_reply_to');
    t.specificType('reference_ids', 'text[]');
    /** received → contact (a new contact) | reply (joined an item) | discarded. */
    t.text('status').notNullable().defaultTo('received');
    t.text('discard_reason');
    /** The contact it opened or joined; the other item (escalation, complaint) it joined. */
    t.text('contact_id');
    t.text('target_type');
    t.text('target_id');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('processed_at', { useTz: true });
  });
  await knex.raw(`alter table inbound_messages add constraint inbound_messages_status_check check (status in ('received','contact','reply','discarded'))`);
  await knex.raw('create index inbound_messages_contact_idx on inbound_messages (contact_id) where contact_id is not null');
  await knex.raw('create index inbound_messages_sender_idx on inbound_messages (lower(sender)) where sender is not null');

  /** Attachments of inbound emails, listed on their contact; content kept up to a size cap. */
  await knex.schema.createTable('inbound_attachments', (t) => {
    t.text('id').primary(); // <message id>-<n>
    t.text('message_key').notNullable().references('id').inTable('inbound_messages').onDelete('cascade');
    t.integer('position').notNullable();
    t.text('contact_id');
    t.text('filename');
    t.text('content_type').notNullable();
    t.integer('size').notNullable();
    t.text('sha256').notNullable();
    t.binary('content');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create index inbound_attachments_contact_idx on inbound_attachments (contact_id) where contact_id is not null');
  await knex.raw('create index inbound_attachments_message_idx on inbound_attachments (message_key)');
  // Replies are matched by the Message-IDs of our sent emails (In-Reply-To / References).
  await knex.raw('create index sent_emails_message_id_idx on sent_emails (message_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists sent_emails_message_id_idx');
  await knex.schema.dropTableIfExists('inbound_attachments');
  await knex.schema.dropTableIfExists('inbound_messages');
}
