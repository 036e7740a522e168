import type { Knex } from 'knex';

/**
 * Erasure and export find a person's appointments by the citizen's email, phone or tax code, or by
 * the contact they were booked from (infra/stores/privacy.ts): expression indexes on the same
 * expressions. The phone expression is sqlNormalizedPhone of domain/privacy.ts, written out.
 */
const phone = (column: string) =>
  `regexp_replace(regexp_replace(regexp_replace(coalesce(${column}, ''), '[^0-9+]', '', 'g'), '^00', '+'), '^\\+39', '')`;

const INDEXES: [string, string, string][] = [
  ['appointments_citizen_email_idx', 'appointments', `lower(citizen->>'email')`],
  ['appointments_citizen_phone_idx', 'appointments', phone(`citizen->>'phone'`)],
  ['appointments_citizen_tax_code_idx', 'appointments', `upper(citizen->>'taxCode')`],
  ['appointments_contact_id_idx', 'appointments', 'contact_id'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, table, expression] of INDEXES) await knex.raw(`create index ${name} on ${table} ((${expression}))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`drop index if exists ${name}`);
}
