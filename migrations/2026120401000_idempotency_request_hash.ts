import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A hash of the canonical request bound to the key: the same key with another body is refused (422).
  // Null for bindings made before this column and for keys derived from a call id.
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.text('request_hash');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropColumn('request_hash');
  });
}
