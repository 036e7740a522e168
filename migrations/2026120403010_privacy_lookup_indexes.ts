import type { Knex } from 'knex';

/**
 * Erasure and export find a person by email, phone or tax code (infra/stores/privacy.ts): expression
 * indexes on the same expressions, so a lookup does not scan the contacts of years. The phone
 * expression is sqlNormalizedPhone of domain/privacy.ts, written out: a migration never changes with the code.
 */
const phone = (column: string) =>
  `regexp_replace(regexp_replace(regexp_replace(coalesce(${column}, ''), '[^0-9+]', '', 'g'), '^00', '+'), '^\\+39', '')`;

const INDEXES: [string, string, string][] = [
  ['contacts_caller_email_idx', 'contacts', `lower(caller->>'email')`],
  ['contacts_caller_phone_idx', 'contacts', phone(`caller->>'phone'`)],
  ['complaints_requester_email_idx', 'complaints', `lower(requester->>'email')`],
  ['complaints_requester_phone_idx', 'complaints', phone(`requester->>'phone'`)],
  ['complaints_contact_id_idx', 'complaints', 'contact_id'],
  ['missed_calls_callback_email_idx', 'missed_calls', 'lower(callback_email)'],
  ['missed_calls_callback_phone_idx', 'missed_calls', phone('callback_phone')],
  ['renewals_email_idx', 'renewals', 'lower(email)'],
  ['renewals_phone_idx', 'renewals', phone('phone')],
  ['renewals_upper_tax_code_idx', 'renewals', 'upper(tax_code)'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, table, expression] of INDEXES) await knex.raw(`create index ${name} on ${table} ((${expression}))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`drop index if exists ${name}`);
}
