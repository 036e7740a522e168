import type { Db } from '../db';

/** What a standard answer says in one version. */
export interface AnswerContent {
  category: string | null;
  title: string;
  body: string;
  /** ISO 8601; null = no bound. The window is [validFrom, validTo). */
  validFrom: string | null;
  validTo: string | null;
}

export interface StandardAnswer extends AnswerContent {
  id: string;
  service: string;
  /** The current version (1, 2, ...). */
  version: number;
  retiredAt: string | null;
  retiredBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** The search rank of the last listing, when it searched. */
  rank?: number;
}

export interface AnswerVersion extends AnswerContent {
  version: number;
  createdBy: string;
  createdAt: string;
}

export interface AnswerFilter {
  service?: string;
  category?: string;
  /** Free text: Italian full-text, accent-insensitive, the last words as prefixes (search as you type). */
  q?: string;
  /** Only answers valid at this instant (epoch ms), when given. */
  validAt?: number;
  includeRetired: boolean;
  limit: number;
  offset: number;
}

export interface AnswerUse {
  contactId: string;
  answerId: string;
  answerVersion: number;
  service: string;
  /** Epoch ms. */
  usedAt: number;
}

export interface StandardAnswerStore {
  create(input: { service: string; content: AnswerContent; by: string; now: Date }): Promise<StandardAnswer>;
  /** A new version; undefined when there is no such answer. */
  revise(id: string, input: { content: AnswerContent; by: string; now: Date }): Promise<StandardAnswer | undefined>;
  retire(id: string, input: { by: string; now: Date }): Promise<StandardAnswer | undefined>;
  get(id: string): Promise<StandardAnswer | undefined>;
  versions(id: string): Promise<AnswerVersion[]>;
  list(filter: AnswerFilter): Promise<{ items: StandardAnswer[]; total: number }>;
  usesOf(id: string): Promise<{ version: number; uses: number }[]>;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/* eslint-disable @typescript-eslint/no-explicit-any */
function answerFromRow(r: any): StandardAnswer {
  return {
    id: r.id,
    service: r.service,
    category: r.category,
    version: r.version,
    title: r.title,
    body: r.body,
    validFrom: iso(r.valid_from),
    validTo: iso(r.valid_to),
    retiredAt: iso(r.retired_at),
    retiredBy: r.retired_by,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    ...(r.rank !== undefined && r.rank !== null ? { rank: Number(r.rank) } : {}),
  };
}

function versionFromRow(r: any): AnswerVersion {
  return {
    version: r.version,
    category: r.category,
    title: r.title,
    body: r.body,
    validFrom: iso(r.valid_from),
    validTo: iso(r.valid_to),
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const contentColumns = (c: AnswerContent) => ({ category: c.category, title: c.title, body: c.body, valid_from: c.validFrom, valid_to: c.validTo });

/**
 * The words of a search as a tsquery text: letters and digits only (anything else separates
 * words, so no tsquery syntax gets through), each a prefix (`:*`) so a half-typed word matches.
 * Stop words vanish in to_tsquery; an all-stop-word search matches everything.
 */
export function searchTerms(q: string): string[] {
  return (q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12).map((w) => `'${w.toLowerCase()}':*`);
}

const TS_CONFIG = 'italian_unaccent';

export function createStandardAnswerStore(db: Db): StandardAnswerStore {
  const store: StandardAnswerStore = {
    async create({ service, content, by, now }) {
      return db.transaction(async (trx) => {
        const { rows } = await trx.raw("select nextval('standard_answer_number_seq') as n");
        const id = `ANS-${String(rows[0].n).padStart(6, '0')}`;
        const at = now.toISOString();
        const [row] = await trx('standard_answers')
          .insert({ id, service, version: 1, ...contentColumns(content), created_at: at, updated_at: at })
          .returning('*');
        await trx('standard_answer_versions').insert({ answer_id: id, version: 1, ...contentColumns(content), created_by: by, created_at: at });
        return answerFromRow(row);
      });
    },
    async revise(id, { content, by, now }) {
      return db.transaction(async (trx) => {
        // The row lock orders concurrent edits: each gets its own version number.
        const current = await trx('standard_answers').where({ id }).forUpdate().first();
        if (!current) return undefined;
        const version = current.version + 1;
        const at = now.toISOString();
        await trx('standard_answer_versions').insert({ answer_id: id, version, ...contentColumns(content), created_by: by, created_at: at });
        const [row] = await trx('standard_answers').where({ id }).update({ version, ...contentColumns(content), updated_at: at }).returning('*');
        return answerFromRow(row);
      });
    },
    async retire(id, { by, now }) {
      // Retiring twice keeps the first retirement.
      const [row] = await db('standard_answers')
        .where({ id })
        .update({ retired_at: db.raw('coalesce(retired_at, ?)', [now.toISOString()]), retired_by: db.raw('coalesce(retired_by, ?)', [by]), updated_at: now.toISOString() })
        .returning('*');
      return row ? answerFromRow(row) : undefined;
    },
    async get(id) {
      const row = await db('standard_answers').where({ id }).first();
      return row ? answerFromRow(row) : undefined;
    },
    async versions(id) {
      return (await db('standard_answer_versions').where({ answer_id: id }).orderBy('version', 'desc')).map(versionFromRow);
    },
    async list({ service, category, q, validAt, includeRetired, limit, offset }) {
      const terms = q ? searchTerms(q) : [];
      const base = db('standard_answers as a');
      if (service) base.where('a.service', service);
      if (category) base.where('a.category', category);
      if (!includeRetired) base.whereNull('a.retired_at');
      if (validAt !== undefined) {
        const at = new Date(validAt).toISOString();
        base.where((w) => w.whereNull('a.valid_from').orWhere('a.valid_from', '<=', at));
        base.where((w) => w.whereNull('a.valid_to').orWhere('a.valid_to', '>', at));
      }
      const query = terms.length ? terms.map(() => `to_tsquery('${TS_CONFIG}', ?)`).join(' && ') : null;
      if (query) base.whereRaw(`a.search @@ (${query})`, terms);
      const counted = base.clone().clearSelect().count<{ n: string }[]>({ n: '*' });
      const page = base
        .clone()
        .select('a.*', query ? db.raw(`ts_rank(a.search, ${query}) as rank`, terms) : db.raw('null as rank'))
        .limit(limit)
        .offset(offset);
      // Best match first (the title weighs A, the body B); without words, by title.
      if (query) page.orderBy([{ column: 'rank', order: 'desc' }, { column: 'a.id', order: 'asc' }]);
      else page.orderBy([{ column: 'a.title', order: 'asc' }, { column: 'a.id', order: 'asc' }]);
      const [rows, [{ n }]] = await Promise.all([page, counted]);
      return { items: rows.map(answerFromRow), total: Number(n) };
    },
    async usesOf(id) {
      const rows = await db('standard_answer_uses').where({ answer_id: id }).groupBy('answer_version').orderBy('answer_version').select('answer_version').count<{ answer_version: number; n: string }[]>({ n: '*' });
      return rows.map((r) => ({ version: r.answer_version, uses: Number(r.n) }));
    },
  };
  return store;
}

/**
 * Counts a contact's resolution with a standard answer, in the transaction that records its
 * `resolved` transition (activities/db.ts): one row per contact, so a retried write counts once.
 */
export async function recordAnswerUse(trx: Db, t: { entityType: string; entityId: string; action: string; at: number; payload?: Record<string, unknown>; service?: string }): Promise<void> {
  if (t.entityType !== 'contact' || t.action !== 'resolved') return;
  const answerId = t.payload?.answerId;
  const answerVersion = t.payload?.answerVersion;
  if (typeof answerId !== 'string' || typeof answerVersion !== 'number' || !t.service) return;
  await trx('standard_answer_uses')
    .insert({ contact_id: t.entityId, answer_id: answerId, answer_version: answerVersion, service: t.service, used_at: new Date(t.at).toISOString() })
    .onConflict('contact_id')
    .ignore();
}
