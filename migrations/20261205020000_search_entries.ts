import type { Knex } from 'knex';

/**
 * One search over every kind of record that holds a citizen (GET /search, GET /citizens/timeline).
 *
 * `search_entries` is derived data: one row per record, rebuilt by PostgreSQL triggers on the
 * projection tables from one view per kind (`search_source_<kind>`). So every writer (the
 * transition recorder, the API-written renewals and complaints, the privacy erasure and retention)
 * keeps it right without a code path of its own, and an anonymised record leaves the search at
 * the same commit. The view is also how the table is (re)built in bulk: `search_rebuild()`.
 *
 * Keys are stored normalised the way domain/privacy.ts normalises them (lower email, phone
 * digits without the Italian prefix, upper tax code); names folded (lower, no accents) for
 * trigram matching of partial names; free text as an Italian tsvector. The erased marker
 * ('[cancellato]') counts as no value, so an erased person is not found by it.
 */

const KINDS: { kind: string; table: string; view: string }[] = [
  { kind: 'contact', table: 'contacts', view: 'search_source_contact' },
  { kind: 'escalation', table: 'escalations', view: 'search_source_escalation' },
  { kind: 'missed-call', table: 'missed_calls', view: 'search_source_missed_call' },
  { kind: 'complaint', table: 'complaints', view: 'search_source_complaint' },
  { kind: 'renewal', table: 'renewals', view: 'search_source_renewal' },
  { kind: 'appointment', table: 'appointments', view: 'search_source_appointment' },
];

const COLUMNS = 'kind, id, ref, service, office, status, at, title, contact_id, email, phone, tax_code, names, doc';
const UPSERT_SET = COLUMNS.split(', ')
  .filter((c) => c !== 'kind' && c !== 'id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** The columns of an entry from a record's parts (SQL expressions over the view's FROM). */
function entry(p: {
  kind: string;
  id: string;
  service: string;
  office: string;
  status: string;
  at: string;
  label: string;
  contactId: string;
  surname: string;
  name: string;
  email: string;
  phone: string;
  taxCode: string;
  text: string;
}): string {
  return `select '${p.kind}'::text as kind, ${p.id} as id, lower(${p.id}) as ref, ${p.service}::text as service, ${p.office}::text as office,
    ${p.status} as status, ${p.at} as at,
    coalesce(nullif(btrim(concat_ws(' ', search_clean(${p.surname}), search_clean(${p.name}))), ''), 'Senza nome') || ' · ' || ${p.label} as title,
    ${p.contactId}::text as contact_id,
    lower(search_clean(${p.email})) as email, search_phone(${p.phone}) as phone, upper(regexp_replace(search_clean(${p.taxCode}), '\\s', '', 'g')) as tax_code,
    nullif(search_fold(concat_ws(' ', search_clean(${p.surname}), search_clean(${p.name}))), '') as names,
    to_tsvector('italian', search_fold(concat_ws(' ', ${p.text.split(',').map((t) => `search_clean(${t.trim()})`).join(', ')}))) as doc`;
}

const VIEWS: Record<string, string> = {
  search_source_contact: `${entry({
    kind: 'contact', id: 'c.id', service: 'c.service', office: 'null', status: 'c.status', at: 'c.created_at',
    label: `'Contatto ' || c.service`, contactId: 'c.id',
    surname: `c.caller->>'surname'`, name: `c.caller->>'name'`, email: `c.caller->>'email'`, phone: `c.caller->>'phone'`, taxCode: 'null',
    text: `c.reason, c.category`,
  })} from contacts c`,
  search_source_escalation: `${entry({
    kind: 'escalation', id: 'e.id', service: 'e.service', office: 'e.office', status: 'e.status', at: 'e.created_at',
    label: `'Inoltro ' || e.service || ' → ' || e.office`, contactId: 'e.contact_id',
    surname: `c.caller->>'surname'`, name: `c.caller->>'name'`, email: `c.caller->>'email'`, phone: `c.caller->>'phone'`, taxCode: 'null',
    text: `c.reason, c.category, e.note`,
  })} from escalations e left join contacts c on c.id = e.contact_id`,
  search_source_missed_call: `${entry({
    kind: 'missed-call', id: 'm.id', service: 'm.service', office: 'm.office', status: 'm.status', at: 'm.created_at',
    label: `'Mancata risposta ' || m.service || ' → ' || m.office`, contactId: 'm.contact_id',
    surname: 'm.caller_surname', name: 'm.caller_name', email: 'm.callback_email', phone: 'm.callback_phone', taxCode: 'null',
    text: `m.reason, m.person_sought`,
  })} from missed_calls m`,
  search_source_complaint: `${entry({
    kind: 'complaint', id: 'r.id', service: 'r.service', office: 'null', status: 'r.status', at: 'r.registered_at',
    label: `(case r.kind when 'report' then 'Segnalazione' when 'suggestion' then 'Suggerimento' else 'Reclamo' end) || ' ' || r.id`, contactId: 'r.contact_id',
    surname: `r.requester->>'surname'`, name: `r.requester->>'name'`, email: `r.requester->>'email'`, phone: `r.requester->>'phone'`, taxCode: `r.requester->>'taxCode'`,
    text: `r.subject, r.body`,
  })} from complaints r`,
  search_source_renewal: `${entry({
    kind: 'renewal', id: 'n.id', service: 'n.service', office: 'null', status: 'n.status', at: 'n.created_at',
    label: `'Rinnovo ' || n.job_type`, contactId: 'null',
    surname: 'n.surname', name: 'n.name', email: 'n.email', phone: 'n.phone', taxCode: 'n.tax_code',
    text: `n.job_type, n.job_centre`,
  })} from renewals n`,
  search_source_appointment: `${entry({
    kind: 'appointment', id: 'a.id', service: 'a.service', office: 'a.office', status: 'a.status', at: 'a.start_at',
    label: `'Appuntamento ' || a.service || ' → ' || a.office`, contactId: 'a.contact_id',
    surname: `a.citizen->>'surname'`, name: `a.citizen->>'name'`, email: `a.citizen->>'email'`, phone: `a.citizen->>'phone'`, taxCode: `a.citizen->>'taxCode'`,
    text: `a.application_type, a.note`,
  })} from appointments a`,
};

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw('create extension if not exists unaccent');

  // A value as the search sees it: blank and the erased marker are no value.
  await knex.raw(`create function search_clean(t text) returns text language sql immutable as
    $$ select nullif(nullif(btrim(t), ''), '[cancellato]') $$`);
  // sqlNormalizedPhone of domain/privacy.ts, written out (a migration never changes with the code).
  await knex.raw(`create function search_phone(t text) returns text language sql immutable as
    $$ select nullif(regexp_replace(regexp_replace(regexp_replace(coalesce(search_clean(t), ''), '[^0-9+]', '', 'g'), '^00', '+'), '^\\+39', ''), '') $$`);
  // unaccent() is only STABLE (its dictionary may change): the folded text is stored, never indexed as an expression.
  await knex.raw(`create function search_fold(t text) returns text language sql stable as
    $$ select lower(unaccent(coalesce(t, ''))) $$`);

  await knex.schema.createTable('search_entries', (t) => {
    t.text('kind').notNullable();
    t.text('id').notNullable();
    t.text('ref').notNullable();
    t.text('service');
    t.text('office');
    t.text('status').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('title').notNullable();
    t.text('contact_id');
    t.text('email');
    t.text('phone');
    t.text('tax_code');
    t.text('names');
    t.specificType('doc', 'tsvector').notNullable();
    t.primary(['kind', 'id']);
  });
  await knex.raw('create index search_entries_ref on search_entries (ref)');
  // Newest first: a frequent name or word is read backwards along `at` until the page is full.
  await knex.raw('create index search_entries_at on search_entries (at, kind, id)');
  await knex.raw('create index search_entries_office_at on search_entries (office, at) where office is not null');
  await knex.raw('create index search_entries_email on search_entries (email) where email is not null');
  await knex.raw('create index search_entries_phone on search_entries (phone) where phone is not null');
  await knex.raw('create index search_entries_tax_code on search_entries (tax_code) where tax_code is not null');
  await knex.raw('create index search_entries_contact on search_entries (contact_id) where contact_id is not null');
  await knex.raw('create index search_entries_names on search_entries using gin (names gin_trgm_ops)');
  await knex.raw('create index search_entries_doc on search_entries using gin (doc)');

  for (const [view, sql] of Object.entries(VIEWS)) await knex.raw(`create view ${view} as ${sql}`);

  // One trigger function per kind: rebuild the record's entry from its view (an AFTER trigger sees the new row).
  for (const k of KINDS) {
    const fn = `${k.view.replace('search_source_', 'search_sync_')}`;
    const extra =
      k.kind === 'contact'
        ? // An escalation's entry carries its contact's caller and reason: rebuilt when they change
          // (an erasure), not on every transition of the contact, so a contact's write never waits on its escalation's.
          `if tg_op = 'UPDATE' and (new.caller is distinct from old.caller or new.reason is distinct from old.reason or new.category is distinct from old.category) then
             insert into search_entries (${COLUMNS}) select ${COLUMNS} from search_source_escalation where contact_id = new.id
               on conflict (kind, id) do update set ${UPSERT_SET};
           end if;`
        : '';
    await knex.raw(`create function ${fn}() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          delete from search_entries where kind = '${k.kind}' and id = old.id;
          return old;
        end if;
        if tg_op = 'UPDATE' and new.id <> old.id then
          delete from search_entries where kind = '${k.kind}' and id = old.id;
        end if;
        insert into search_entries (${COLUMNS}) select ${COLUMNS} from ${k.view} where id = new.id
          on conflict (kind, id) do update set ${UPSERT_SET};
        ${extra}
        return new;
      end $$`);
    await knex.raw(`create trigger ${k.table}_search after insert or update or delete on ${k.table} for each row execute function ${fn}()`);
  }

  // Bulk (re)build from the views: the backfill below, and a bench loading rows with triggers off.
  await knex.raw(`create function search_rebuild() returns bigint language plpgsql as $$
    declare n bigint;
    begin
      truncate search_entries;
      ${KINDS.map((k) => `insert into search_entries (${COLUMNS}) select ${COLUMNS} from ${k.view};`).join('\n      ')}
      select count(*) into n from search_entries;
      return n;
    end $$`);
  // The planner reads a frequent word or name backwards along `at`, a rare one through its GIN
  // index: a word missing from the statistics is estimated from the rarest one kept, so keep many,
  // or a word that is nowhere would be looked for along the whole table.
  await knex.raw('alter table search_entries alter column doc set statistics 1000');
  await knex.raw('alter table search_entries alter column names set statistics 1000');
  await knex.raw('select search_rebuild()');
  await knex.raw('analyze search_entries');
}

export async function down(knex: Knex): Promise<void> {
  for (const k of KINDS) {
    await knex.raw(`drop trigger if exists ${k.table}_search on ${k.table}`);
    await knex.raw(`drop function if exists ${k.view.replace('search_source_', 'search_sync_')}()`);
  }
  await knex.raw('drop function if exists search_rebuild()');
  for (const view of Object.keys(VIEWS)) await knex.raw(`drop view if exists ${view}`);
  await knex.schema.dropTableIfExists('search_entries');
  await knex.raw('drop function if exists search_fold(text)');
  await knex.raw('drop function if exists search_phone(text)');
  await knex.raw('drop function if exists search_clean(text)');
  // The extensions stay: other features may use them.
}
