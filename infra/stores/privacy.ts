/**
 * Where the product keeps a person, and how each place is anonymised: the one registry used by the
 * erasure on request, the export of a person's data, the retention job and the guard that keeps an
 * anonymised record anonymised when a running workflow writes it again.
 *
 * Anonymising keeps what reports count (times, statuses, outcomes, services, categories, channels,
 * call ids, resolutions): the SLA and CRM figures of a month do not change.
 */
import { createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db';
import {
  ERASED_TEXT,
  SubjectIdentifiers,
  SubjectKind,
  addIdentifier,
  emptyIdentifiers,
  normalizeSubject,
  scrubJson,
  sqlNormalizedPhone,
} from '../../domain/privacy';

/**
 * Transitions hold this advisory lock in shared mode when they check for erased records; an erasure
 * holds it exclusively: a transition committed during an erasure is either seen by it or sees it.
 */
export const ERASURE_LOCK = 7_305_202_612;

interface PersonalKind {
  /** Name in `{erased: {...}}` and in the export. */
  kind: string;
  table: string;
  /** Entity type of its history rows (and of erased_records). */
  entityType: string;
  /** Text columns replaced by ERASED_TEXT (null stays null). */
  text: string[];
  /** Columns set to null. */
  nullify: string[];
  /** JSON columns anonymised with scrubJson. */
  json: string[];
  /** Other columns with an SQL expression (e.g. a unique column that needs a distinct value). */
  raw?: Record<string, string>;
  /** The record this one belongs to: anonymised with it, and a later child of an erased parent is anonymised too. */
  parent?: { column: string; entityType: string };
  /** When a record is closed, for retention (SQL over the table's columns). */
  closedAt: string;
  closedWhere: string;
}

/** Every kind of record that holds a person. A new kind of record is one entry here. */
export const PERSONAL_KINDS: PersonalKind[] = [
  {
    kind: 'contacts',
    table: 'contacts',
    entityType: 'contact',
    text: ['reason', 'answer'],
    nullify: [],
    json: ['caller', 'origin_details'],
    closedAt: 'resolved_at',
    closedWhere: `status = 'resolved'`,
  },
  {
    kind: 'escalations',
    table: 'escalations',
    entityType: 'escalation',
    text: ['note', 'response', 'return_reason'],
    nullify: [],
    json: ['notes', 'info_requests'],
    parent: { column: 'contact_id', entityType: 'contact' },
    closedAt: 'coalesce(resolved_at, updated_at)',
    closedWhere: `status in ('resolved', 'returned')`,
  },
  {
    kind: 'missedCalls',
    table: 'missed_calls',
    entityType: 'missed_call',
    text: ['caller_surname', 'caller_name', 'reason', 'callback_phone', 'note'],
    nullify: ['callback_email'],
    json: [],
    parent: { column: 'contact_id', entityType: 'contact' },
    closedAt: 'closed_at',
    closedWhere: `status = 'closed'`,
  },
  {
    kind: 'complaints',
    table: 'complaints',
    entityType: 'complaint',
    text: ['subject', 'body', 'pending_question', 'response'],
    nullify: [],
    json: ['requester', 'info_requests'],
    closedAt: 'coalesce(closed_at, responded_at)',
    closedWhere: `status in ('responded', 'closed')`,
  },
  {
    kind: 'inquiries',
    table: 'inquiries',
    entityType: 'inquiry',
    text: ['question', 'findings'],
    nullify: [],
    json: [],
    parent: { column: 'complaint_id', entityType: 'complaint' },
    closedAt: 'coalesce(answered_at, updated_at)',
    closedWhere: `status in ('answered', 'withdrawn')`,
  },
  {
    kind: 'renewals',
    table: 'renewals',
    entityType: 'renewal',
    text: ['surname', 'name'],
    nullify: ['birth_date', 'phone', 'email', 'cancel_reason'],
    json: [],
    // Unique among active entries (tax code, job type): each anonymised entry gets its own value.
    raw: { tax_code: `'${ERASED_TEXT} ' || id` },
    closedAt: 'cancelled_at',
    closedWhere: `status = 'cancelled'`,
  },
  {
    // Office, times, status, application type and service stay: the appointments report counts them.
    kind: 'appointments',
    table: 'appointments',
    entityType: 'appointment',
    text: ['note', 'outcome_note', 'cancel_reason'],
    nullify: [],
    json: ['citizen'],
    closedAt: 'coalesce(closed_at, updated_at)',
    closedWhere: `status in ('attended', 'no_show', 'incomplete', 'cancelled')`,
  },
  {
    // Inbound emails (infra/inbound-sink.ts): the raw message and its sender go, status and times stay.
    kind: 'inboundMessages',
    table: 'inbound_messages',
    entityType: 'inbound_message',
    text: ['subject', 'body'],
    nullify: ['raw', 'sender', 'envelope_from', 'in_reply_to', 'reference_ids'],
    json: [],
    parent: { column: 'contact_id', entityType: 'contact' },
    closedAt: 'coalesce(processed_at, received_at)',
    closedWhere: `status <> 'received'`,
  },
  {
    kind: 'inboundAttachments',
    table: 'inbound_attachments',
    entityType: 'inbound_attachment',
    text: ['filename'],
    nullify: ['content'],
    json: [],
    parent: { column: 'contact_id', entityType: 'contact' },
    closedAt: 'created_at',
    closedWhere: 'true',
  },
];

const kindByEntity = new Map(PERSONAL_KINDS.map((k) => [k.entityType, k]));

/** Tables that hold no person (or are handled above); every other table gets the literal scrub of an erasure. */
const NOT_PERSONAL_TABLES = new Set([
  ...PERSONAL_KINDS.map((k) => k.table),
  'history',
  'sent_emails',
  'knex_migrations',
  'knex_migrations_lock',
  'api_keys',
  'calls',
  'audit_log',
  'erased_records',
  'erased_subjects',
  'privacy_settings',
  'complaint_reference_counters',
  'renewals_export_runs',
  'renewals_export_deliveries',
  'appointment_seats',
  // Derived from the kinds above by triggers: anonymising a record rebuilds its entry.
  'search_entries',
]);

export type RecordIds = Record<string, string[]>;
interface FoundRecords {
  ids: RecordIds;
  identifiers: SubjectIdentifiers;
  literals: Set<string>;
}

export interface PrivacyStore {
  /** Every record of the person (the identifiers found together in one record are the same person). */
  findRecords(subject: { kind: SubjectKind; value: string }): Promise<{ ids: RecordIds; identifiers: SubjectIdentifiers; literals: Set<string> }>;
  erase(subject: { kind: SubjectKind; value: string }): Promise<Record<string, number>>;
  export(subject: { kind: SubjectKind; value: string }): Promise<{ subject: { kind: SubjectKind; value: string }; records: Record<string, unknown[]>; recordIds: RecordIds }>;
  /** Anonymises up to `limit` records of one kind closed before `before`; returns how many. */
  applyRetention(input: { kind: string; before: Date; limit: number }): Promise<number>;
  subjectHash(kind: SubjectKind, value: string): Promise<string>;
  /** Addresses (of `emails`) whose person was erased. */
  erasedEmails(emails: string[]): Promise<Set<string>>;
}

const saltCache = new WeakMap<Db, Promise<string>>();
function saltOf(db: Db): Promise<string> {
  let salt = saltCache.get(db);
  if (!salt) {
    salt = db('privacy_settings')
      .where({ id: 1 })
      .first('subject_salt')
      .then((r: { subject_salt: string } | undefined) => {
        if (!r) throw new Error('privacy_settings has no salt: run the migrations');
        return r.subject_salt;
      });
    salt.catch(() => saltCache.delete(db));
    saltCache.set(db, salt);
  }
  return salt;
}

const hmac = (salt: string, kind: SubjectKind, normalized: string) => createHmac('sha256', salt).update(`${kind}:${normalized}`).digest('hex');

/** Anonymises the given records of one kind and their history rows. */
async function anonymiseKind(trx: Knex, k: PersonalKind, ids: string[], onlySeq?: number): Promise<{ records: number; history: number }> {
  if (ids.length === 0) return { records: 0, history: 0 };
  const sets: string[] = [
    ...k.text.map((c) => `${c} = case when ${c} is null then null else '${ERASED_TEXT}' end`),
    ...k.nullify.map((c) => `${c} = null`),
    ...Object.entries(k.raw ?? {}).map(([c, expr]) => `${c} = ${expr}`),
  ];
  let count = 0;
  if (sets.length > 0) {
    const r = await trx.raw(`update ${k.table} set ${sets.join(', ')} where id = any(?::text[])`, [ids]);
    count = r.rowCount ?? 0;
  }
  if (k.json.length > 0) {
    const rows = (await trx(k.table).whereIn('id', ids).select(['id', ...k.json])) as Record<string, unknown>[];
    for (const row of rows) {
      const values = Object.fromEntries(k.json.map((c) => [c, JSON.stringify(scrubJson(row[c]))]));
      await trx(k.table).where({ id: row.id }).update(values);
    }
    count = Math.max(count, rows.length);
  }
  return { records: count, history: await anonymiseHistory(trx, k.entityType, ids, onlySeq) };
}

async function anonymiseHistory(trx: Knex, entityType: string, ids: string[], onlySeq?: number): Promise<number> {
  const query = trx('history').where('entity_type', entityType).whereIn('entity_id', ids);
  if (onlySeq !== undefined) query.where('seq', onlySeq);
  const rows = (await query.select('id', 'payload')) as { id: string; payload: unknown }[];
  for (const row of rows) {
    const scrubbed = JSON.stringify(scrubJson(row.payload));
    if (scrubbed !== JSON.stringify(row.payload)) await trx('history').where({ id: row.id }).update({ payload: scrubbed });
  }
  return rows.length;
}

/** Emails about the records (keys `<id>/...` or `<kind>:<id>/...`) or to the person's addresses. */
async function anonymiseSentEmails(trx: Knex, entityIds: string[], emails: string[]): Promise<number> {
  if (entityIds.length === 0 && emails.length === 0) return 0;
  const r = await trx.raw(
    `update sent_emails
        set subject = '${ERASED_TEXT}',
            recipients = array(select case when lower(x) = any(?::text[]) then '${ERASED_TEXT}' else x end from unnest(recipients) as x)
      where split_part(regexp_replace(key, '^[a-z_-]+:', ''), '/', 1) = any(?::text[])
         or exists (select 1 from unnest(recipients) as x where lower(x) = any(?::text[]))`,
    [emails, entityIds, emails],
  );
  return r.rowCount ?? 0;
}

/**
 * Tables the registry does not know (a later kind, stored request bodies): every text and JSON column
 * loses the person's literal identifiers. A safety net, not the way a kind is meant to be handled.
 */
async function scrubOtherTables(trx: Knex, literals: string[]): Promise<number> {
  if (literals.length === 0) return 0;
  const { rows } = await trx.raw(
    `select c.table_name, c.column_name, c.data_type
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema = current_schema() and c.data_type in ('text', 'character varying', 'jsonb', 'json')`,
  );
  const pattern = literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  let count = 0;
  for (const c of rows as { table_name: string; column_name: string; data_type: string }[]) {
    if (NOT_PERSONAL_TABLES.has(c.table_name)) continue;
    const col = `"${c.column_name.replace(/"/g, '""')}"`;
    const table = `"${c.table_name.replace(/"/g, '""')}"`;
    const asText = c.data_type.startsWith('json') ? `${col}::text` : col;
    const replaced = `regexp_replace(${asText}, ?, '${ERASED_TEXT}', 'gi')`;
    const value = c.data_type.startsWith('json') ? `(${replaced})::${c.data_type}` : replaced;
    const r = await trx.raw(`update ${table} set ${col} = ${value} where ${asText} ~* ?`, [pattern, pattern]);
    count += r.rowCount ?? 0;
  }
  return count;
}

export function createPrivacyStore(db: Db): PrivacyStore {
  /** `seed`: what an earlier search found, so that records created since (an escalation of a found contact) join it. */
  async function findRecords(subject: { kind: SubjectKind; value: string }, q: Knex = db, seed?: FoundRecords) {
    const ids = emptyIdentifiers();
    const literals = new Set<string>([subject.value.trim(), ...(seed?.literals ?? [])]);
    addIdentifier(ids, subject.kind, subject.value);
    for (const kind of ['emails', 'phones', 'taxCodes'] as const) for (const v of seed?.identifiers[kind] ?? []) ids[kind].add(v);
    const found: Record<string, Set<string>> = Object.fromEntries(PERSONAL_KINDS.map((k) => [k.kind, new Set<string>(seed?.ids[k.kind] ?? [])]));
    const note = (kind: SubjectKind, value: unknown) => {
      if (typeof value === 'string' && value.trim() !== '') literals.add(value.trim());
      return addIdentifier(ids, kind, value);
    };
    // Grows until no record adds an identifier or a record (a few rounds at most).
    for (let round = 0; round < 5; round++) {
      const before = Object.values(found).reduce((n, s) => n + s.size, 0) + ids.emails.size + ids.phones.size + ids.taxCodes.size;
      const emails = [...ids.emails];
      const phones = [...ids.phones];
      const taxCodes = [...ids.taxCodes];
      const contacts = (await q.raw(
        `select id, caller from contacts where lower(caller->>'email') = any(?::text[]) or (caller->>'phone' is not null and ${sqlNormalizedPhone(`caller->>'phone'`)} = any(?::text[]))`,
        [emails, phones],
      )).rows as { id: string; caller: Record<string, unknown> }[];
      for (const c of contacts) {
        found.contacts.add(c.id);
        note('email', c.caller.email);
        note('phone', c.caller.phone);
      }
      const contactIds = [...found.contacts];
      const complaints = (await q.raw(
        `select id, requester from complaints
          where lower(requester->>'email') = any(?::text[]) or (requester->>'phone' is not null and ${sqlNormalizedPhone(`requester->>'phone'`)} = any(?::text[]))
             or upper(requester->>'taxCode') = any(?::text[]) or contact_id = any(?::text[])`,
        [emails, phones, taxCodes, contactIds],
      )).rows as { id: string; requester: Record<string, unknown> }[];
      for (const c of complaints) {
        found.complaints.add(c.id);
        note('email', c.requester.email);
        note('phone', c.requester.phone);
        note('taxCode', c.requester.taxCode);
      }
      const renewals = (await q.raw(
        `select id, tax_code, email, phone from renewals
          where upper(tax_code) = any(?::text[]) or lower(email) = any(?::text[]) or (phone is not null and ${sqlNormalizedPhone('phone')} = any(?::text[]))`,
        [taxCodes, emails, phones],
      )).rows as { id: string; tax_code: string; email: string | null; phone: string | null }[];
      for (const r of renewals) {
        found.renewals.add(r.id);
        note('taxCode', r.tax_code);
        note('email', r.email);
        note('phone', r.phone);
      }
      const missed = (await q.raw(
        `select id, callback_email, callback_phone from missed_calls
          where lower(callback_email) = any(?::text[]) or ${sqlNormalizedPhone('callback_phone')} = any(?::text[]) or contact_id = any(?::text[])`,
        [emails, phones, contactIds],
      )).rows as { id: string; callback_email: string | null; callback_phone: string }[];
      for (const m of missed) {
        found.missedCalls.add(m.id);
        note('email', m.callback_email);
        note('phone', m.callback_phone);
      }
      const appointments = (await q.raw(
        `select id, citizen from appointments
          where lower(citizen->>'email') = any(?::text[]) or (citizen->>'phone' is not null and ${sqlNormalizedPhone(`citizen->>'phone'`)} = any(?::text[]))
             or upper(citizen->>'taxCode') = any(?::text[]) or contact_id = any(?::text[])`,
        [emails, phones, taxCodes, contactIds],
      )).rows as { id: string; citizen: Record<string, unknown> }[];
      for (const a of appointments) {
        found.appointments.add(a.id);
        note('email', a.citizen.email);
        note('phone', a.citizen.phone);
        note('taxCode', a.citizen.taxCode);
      }
      for (const e of (await q('escalations').whereIn('contact_id', contactIds).select('id')) as { id: string }[]) found.escalations.add(e.id);
      const inbound = (await q.raw(`select id, sender from inbound_messages where lower(sender) = any(?::text[]) or contact_id = any(?::text[])`, [emails, contactIds])).rows as { id: string; sender: string | null }[];
      for (const m of inbound) {
        found.inboundMessages.add(m.id);
        note('email', m.sender);
      }
      const inboundIds = [...found.inboundMessages];
      for (const a of (await q.raw(`select id from inbound_attachments where message_key = any(?::text[]) or contact_id = any(?::text[])`, [inboundIds, contactIds])).rows as { id: string }[])
        found.inboundAttachments.add(a.id);
      for (const i of (await q('inquiries').whereIn('complaint_id', [...found.complaints]).select('id')) as { id: string }[]) found.inquiries.add(i.id);
      const after = Object.values(found).reduce((n, s) => n + s.size, 0) + ids.emails.size + ids.phones.size + ids.taxCodes.size;
      if (after === before) break;
    }
    // Identifiers erased from unknown tables: the values as typed and normalised (a phone's digits too).
    for (const e of ids.emails) literals.add(e);
    for (const t of ids.taxCodes) literals.add(t);
    for (const p of ids.phones) if (p.replace(/\D/g, '').length >= 6) literals.add(p);
    return { ids: Object.fromEntries(Object.entries(found).map(([k, s]) => [k, [...s]])) as RecordIds, identifiers: ids, literals } satisfies FoundRecords;
  }

  async function markErased(trx: Knex, ids: RecordIds): Promise<void> {
    for (const k of PERSONAL_KINDS) {
      if ((ids[k.kind] ?? []).length === 0) continue;
      await trx('erased_records')
        .insert(ids[k.kind].map((id) => ({ entity_type: k.entityType, entity_id: id, reason: 'erasure' })))
        .onConflict(['entity_type', 'entity_id'])
        .ignore();
    }
  }

  async function subjectHash(kind: SubjectKind, value: string) {
    return hmac(await saltOf(db), kind, normalizeSubject(kind, value));
  }

  return {
    findRecords: (subject) => findRecords(subject),
    subjectHash,

    async erase(subject) {
      const salt = await saltOf(db);
      // 1. Mark the records and the person, and commit: every transition that checks from now on sees them.
      const marked = await db.transaction(async (trx) => {
        const found = await findRecords(subject, trx);
        await markErased(trx, found.ids);
        const subjects = [
          ...[...found.identifiers.emails].map((v) => ({ kind: 'email', subject_hash: hmac(salt, 'email', v) })),
          ...[...found.identifiers.phones].map((v) => ({ kind: 'phone', subject_hash: hmac(salt, 'phone', v) })),
          ...[...found.identifiers.taxCodes].map((v) => ({ kind: 'taxCode', subject_hash: hmac(salt, 'taxCode', v) })),
        ];
        if (subjects.length > 0) await trx('erased_subjects').insert(subjects).onConflict('subject_hash').merge({ erased_at: trx.fn.now() });
        return found;
      });
      // 2. A barrier: transitions that checked before the marks were committed have committed too.
      //    It holds no row lock, so it cannot deadlock with a transition waiting for it.
      await db.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(?)', [ERASURE_LOCK]);
      });
      // 3. Anonymise. A record's row first: that waits for a transition still writing it, so its
      //    history row is committed (and visible) by the time the history is anonymised.
      return db.transaction(async (trx) => {
        // Found again: a record created by a transition that committed before the barrier (an escalation
        // of an erased contact) was invisible in step 1; one created later sees the marks itself.
        const { ids, identifiers, literals } = await findRecords(subject, trx, marked);
        await markErased(trx, ids);
        const erased: Record<string, number> = { history: 0 };
        const entityIds: string[] = [];
        for (const k of PERSONAL_KINDS) {
          const done = await anonymiseKind(trx, k, ids[k.kind]);
          erased[k.kind] = done.records;
          erased.history += done.history;
          entityIds.push(...ids[k.kind]);
        }
        erased.sentEmails = await anonymiseSentEmails(trx, entityIds, [...identifiers.emails]);
        erased.otherRecords = await scrubOtherTables(trx, [...literals]);
        return erased;
      });
    },

    async export(subject) {
      const { ids, identifiers } = await findRecords(subject);
      const records: Record<string, unknown[]> = {};
      const entityIds: string[] = [];
      for (const k of PERSONAL_KINDS) {
        records[k.kind] = ids[k.kind].length ? await db(k.table).whereIn('id', ids[k.kind]).orderBy('id') : [];
        entityIds.push(...ids[k.kind]);
      }
      records.history = entityIds.length
        ? await db('history').whereIn('entity_id', entityIds).whereIn('entity_type', PERSONAL_KINDS.map((k) => k.entityType)).orderBy(['entity_type', 'entity_id', 'seq'])
        : [];
      const emails = [...identifiers.emails];
      records.sentEmails = (
        await db.raw(
          `select key, message_id, status, recipients, subject, claimed_at, sent_at from sent_emails
            where split_part(regexp_replace(key, '^[a-z_-]+:', ''), '/', 1) = any(?::text[])
               or exists (select 1 from unnest(recipients) as x where lower(x) = any(?::text[]))
            order by claimed_at`,
          [entityIds, emails],
        )
      ).rows;
      return { subject, records, recordIds: ids };
    },

    async applyRetention({ kind, before, limit }) {
      if (kind === 'audit') {
        const r = await db.raw(`delete from audit_log where id in (select id from audit_log where at < ? order by id limit ?)`, [before, limit]);
        return r.rowCount ?? 0;
      }
      if (kind === 'sentEmails') {
        const r = await db.raw(
          `update sent_emails set subject = '${ERASED_TEXT}', recipients = array(select '${ERASED_TEXT}'::text from unnest(recipients))
            where key in (select key from sent_emails where status <> 'sending' and coalesce(sent_at, claimed_at) < ? and subject <> '${ERASED_TEXT}' limit ?)`,
          [before, limit],
        );
        return r.rowCount ?? 0;
      }
      const k = PERSONAL_KINDS.find((x) => x.kind === kind);
      if (!k) throw new Error(`unknown retention kind ${kind}`);
      return db.transaction(async (trx) => {
        const ids = (
          await trx.raw(
            `select id from ${k.table} t where ${k.closedWhere} and ${k.closedAt} < ?
               and not exists (select 1 from erased_records e where e.entity_type = ? and e.entity_id = t.id)
             order by ${k.closedAt} limit ? for update skip locked`,
            [before, k.entityType, limit],
          )
        ).rows.map((r: { id: string }) => r.id) as string[];
        if (ids.length === 0) return 0;
        await anonymiseKind(trx, k, ids);
        await anonymiseSentEmails(trx, ids, []);
        await trx('erased_records')
          .insert(ids.map((id) => ({ entity_type: k.entityType, entity_id: id, reason: 'retention' })))
          .onConflict(['entity_type', 'entity_id'])
          .ignore();
        return ids.length;
      });
    },

    async erasedEmails(emails) {
      if (emails.length === 0) return new Set();
      const salt = await saltOf(db);
      const byHash = new Map(emails.map((e) => [hmac(salt, 'email', normalizeSubject('email', e)), e]));
      const rows = (await db('erased_subjects').whereIn('subject_hash', [...byHash.keys()]).select('subject_hash')) as { subject_hash: string }[];
      return new Set(rows.map((r) => byHash.get(r.subject_hash)!));
    },
  };
}

/**
 * Called by the transition recorder inside its transaction, after its writes: a record that was
 * anonymised (or the child of one) is anonymised again, so a running workflow that still holds the
 * person's data in memory cannot write it back. One indexed lookup when nothing was erased.
 */
export async function keepErasedRecordsErased(
  trx: Knex,
  input: { entityType: string; entityId: string; seq: number; projection?: { table: string; row: Record<string, unknown> } },
): Promise<void> {
  const k = kindByEntity.get(input.entityType);
  if (!k) return;
  // Shared: waits only while an erasure's barrier runs (see erase()); transitions never wait for each other.
  await trx.raw('select pg_advisory_xact_lock_shared(?)', [ERASURE_LOCK]);
  const parentId = k.parent && input.projection ? input.projection.row[k.parent.column] : undefined;
  const keys: [string, string][] = [[k.entityType, input.entityId]];
  if (k.parent && typeof parentId === 'string') keys.push([k.parent.entityType, parentId]);
  const hit = await trx('erased_records').whereIn(['entity_type', 'entity_id'], keys).first('reason');
  if (!hit) return;
  // Only what this transaction wrote (its row, its history row): an erasure running meanwhile
  // anonymises the rest, and neither then waits for a row the other holds.
  await anonymiseKind(trx, k, [input.entityId], input.seq);
  await anonymiseSentEmails(trx, [input.entityId], []);
  await trx('erased_records').insert({ entity_type: k.entityType, entity_id: input.entityId, reason: hit.reason }).onConflict(['entity_type', 'entity_id']).ignore();
}
