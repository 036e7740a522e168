/**
 * Read side of the search over every kind of record that holds a citizen: the `search_entries`
 * table, kept by PostgreSQL triggers on the projection tables (migration 20261205020000).
 *
 * A query is matched against the record's reference (its id), the normalised email, phone and tax
 * code, the folded names (trigram index, so a part of a name is enough) and the Italian full text
 * (reason, subject, body, note...). Ranking: key hits first, then names, then text; newest first
 * within each tier. Each tier is read through its own index whatever the planner estimates (see
 * `search`): the matches of a rare value, or the newest along `at` for a frequent one.
 */
import type { Knex } from 'knex';
import type { Db } from '../db';
import { normalizeEmail, normalizePhone, normalizeTaxCode, normalizeSubject, type SubjectKind } from '../../domain/privacy';

export const SEARCH_KINDS = ['contact', 'escalation', 'missed-call', 'complaint', 'renewal', 'appointment'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** The kinds of record an office owns (they carry its code): the only ones an office key may find. */
export const OFFICE_KINDS: readonly SearchKind[] = ['escalation', 'missed-call', 'appointment'];

/** Entity type of each kind in `history`, `erased_records` and the audit log. */
export const ENTITY_TYPE_OF: Record<SearchKind, string> = {
  contact: 'contact',
  escalation: 'escalation',
  'missed-call': 'missed_call',
  complaint: 'complaint',
  renewal: 'renewal',
  appointment: 'appointment',
};

export interface SearchItem {
  kind: SearchKind;
  id: string;
  title: string;
  status: string;
  at: string;
  service: string | null;
  office: string | null;
}

export interface TimelineItem extends SearchItem {
  /** The last thing that happened to the record (its latest history row). */
  lastAction: { action: string; at: string; role: string } | null;
}

export interface SearchQuery {
  q: string;
  /** Only these kinds (all when absent). */
  kinds?: readonly SearchKind[];
  /** An office key: only that office's records. */
  office?: string;
  limit: number;
  offset: number;
}

export interface SearchStore {
  search(query: SearchQuery): Promise<{ items: SearchItem[]; hasMore: boolean }>;
  /**
   * Every record of one person: those holding the identifier, then those holding an identifier
   * found together with it or belonging to one of their contacts (as the privacy export groups a
   * person), over the search entries' indexed keys. At most `cap` records.
   */
  person(subject: { kind: SubjectKind; value: string }, cap?: number): Promise<{ kind: SearchKind; id: string }[]>;
  /** The given records (by kind), newest first, with their last action. */
  timeline(records: { kind: SearchKind; id: string }[], page: { limit: number; offset: number }): Promise<{ items: TimelineItem[]; total: number }>;
}

/** Lower case without accents, as search_fold() stores names ('Niccolò' → 'niccolo'). */
export const foldText = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What a query can be: every arm that applies, with its normalised value. */
export function searchArms(raw: string): { ref?: string; email?: string; phone?: string; taxCode?: string; nameWords: string[]; text?: string } {
  const q = raw.trim();
  const arms: ReturnType<typeof searchArms> = { nameWords: [] };
  if (!/\s/.test(q)) arms.ref = q.toLowerCase();
  if (q.includes('@')) {
    arms.email = normalizeEmail(q);
    return arms;
  }
  if (/^\+?[0-9][0-9 ./()-]*$/.test(q)) {
    const phone = normalizePhone(q);
    if (phone.replace(/\D/g, '').length >= 5) arms.phone = phone;
    return arms;
  }
  const compact = normalizeTaxCode(q);
  if (/^[A-Z0-9]{11,16}$/.test(compact) && /[0-9]/.test(compact) && /[A-Z]/.test(compact)) arms.taxCode = compact;
  // One word with digits is a reference or a tax code: names hold no digits, and looking for it in
  // every text would only add noise (and time).
  if (!/\s/.test(q) && /[0-9]/.test(q)) return arms;
  // Trigrams need three characters: shorter words would scan the whole index.
  const folded = foldText(q);
  arms.nameWords = folded.split(/\s+/).filter((w) => w.length >= 3);
  // 'De L', 'Di Bo': no word has a trigram of its own, the whole text has.
  if (arms.nameWords.length === 0 && folded.length >= 3) arms.nameWords = [folded];
  if (/\p{L}{3}/u.test(folded)) arms.text = folded;
  return arms;
}

type Row = { kind: SearchKind; id: string; title: string; status: string; at: Date; service: string | null; office: string | null };
const itemOf = (r: Row): SearchItem => ({ kind: r.kind, id: r.id, title: r.title, status: r.status, at: r.at.toISOString(), service: r.service, office: r.office });

/**
 * How many matches of one arm the first step reads through the arm's own index before calling the
 * value frequent (see `search`), as SQL. A value just over the cap costs the most: the cap's rows,
 * then a walk along `at` of about window × entries / cap rows; a cap of √(window × entries) keeps
 * the sum smallest (about 4,600 for a page of 20 among 1,000,000 entries). The number of entries is
 * the table's statistics (`reltuples`), so the cap follows the table's growth. A names tier takes a
 * quarter of it: its walk checks the covering `at` index only, several times cheaper per entry.
 */
const probeCapSql = (window: number): string =>
  `(select greatest(1000, least(100000, round(sqrt(${window}::float8 * greatest(reltuples, 0)))))::int
      from pg_class where oid = 'search_entries'::regclass)`;

export interface SearchStoreOptions {
  /** A fixed cap instead of `probeCapSql` (tests use a tiny one to take the frequent path on little data). */
  probeCap?: (window: number) => number;
}

/** The columns of a hit, as read by every step. */
const HIT_COLUMNS = 'kind, id, title, status, at, service, office';

export function createSearchStore(db: Db, options: SearchStoreOptions = {}): SearchStore {
  return {
    async search({ q, kinds, office, limit, offset }) {
      const arms = searchArms(q);
      /** The tiers in rank order, each [SQL condition, bindings]. */
      const tiers: [string, Knex.Value[]][] = [];
      const keys: [string, Knex.Value][] = [];
      if (arms.ref !== undefined) keys.push(['ref = ?', arms.ref]);
      if (arms.email !== undefined) keys.push(['email = ?', arms.email]);
      if (arms.phone !== undefined) keys.push(['phone = ?', arms.phone]);
      if (arms.taxCode !== undefined) keys.push(['tax_code = ?', arms.taxCode]);
      if (keys.length) tiers.push([`(${keys.map(([sql]) => sql).join(' or ')})`, keys.map(([, b]) => b)]);
      /** The tier whose walk reads the covering index only (a smaller cap suits it). */
      const namesTier = arms.nameWords.length ? tiers.length : -1;
      if (arms.nameWords.length) tiers.push([`(${arms.nameWords.map(() => 'names like ?').join(' and ')})`, arms.nameWords.map((w) => `%${escapeLike(w)}%`)]);
      if (arms.text !== undefined) tiers.push([`doc @@ plainto_tsquery('italian', ?)`, [arms.text]]);
      if (tiers.length === 0) return { items: [], hasMore: false };

      let filter = '';
      const filterBindings: Knex.Value[] = [];
      let allowed = kinds ? [...kinds] : [...SEARCH_KINDS];
      if (office !== undefined) {
        allowed = allowed.filter((k) => OFFICE_KINDS.includes(k));
        filter += ' and office = ?';
        filterBindings.push(office);
      }
      if (allowed.length === 0) return { items: [], hasMore: false };
      if (allowed.length < SEARCH_KINDS.length) {
        filter += ' and kind = any(?::text[])';
        filterBindings.push(allowed);
      }
      /** A record counts in its best tier only: true when a better tier holds it. */
      const betterOf = (i: number): [string, Knex.Value[]] => {
        const better = tiers.slice(0, i);
        return better.length === 0 ? ['false', []] : [better.map(([c]) => `coalesce(${c}, false)`).join(' or '), better.flatMap(([, v]) => v)];
      };

      // The planner's estimate of a name's or a word's matches is poor (and the exclusions of the
      // better tiers make it worse), so the plan is not left to it. Step 1, for every tier at
      // once: at most `cap` + 1 matches read through the arm's own index (bitmap scans only), the
      // better tiers excluded on that small set, sorted by `at`. A tier with no more than `cap`
      // matches is complete: a rare or absent value costs its matches only. Step 2, only for a
      // frequent tier: the newest matches read backwards along the `at` index (index scans only),
      // which finds the page's end after about window × entries / matches rows.
      const window = offset + limit + 1;
      const capSql = options.probeCap ? `${Math.max(1, Math.floor(options.probeCap(window)))}` : probeCapSql(window);
      const ranked = await db.transaction(async (trx) => {
        // Parallel workers only add their start-up to a query that reads a few thousand rows.
        await trx.raw(`select set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`);
        const ctes: string[] = [`cap as materialized (select ${capSql} as n)`];
        const selects: string[] = [];
        const bindings: Knex.Value[] = [];
        tiers.forEach(([condition, values], i) => {
          const [better, betterBindings] = betterOf(i);
          const tierCap = i === namesTier && !options.probeCap ? '(select greatest(1, n / 4) from cap)' : '(select n from cap)';
          ctes.push(`p${i} as materialized (
              select ${HIT_COLUMNS}, ${better} as excluded from search_entries where ${condition}${filter} limit ${tierCap} + 1)`);
          bindings.push(...betterBindings, ...values, ...filterBindings);
          selects.push(`select ${i} as tier, (select count(*) from p${i})::int as n, ${tierCap} as cap, h.* from (select) as one
              left join lateral (select ${HIT_COLUMNS} from p${i} where not excluded and (select count(*) from p${i}) <= ${tierCap} order by at desc, kind desc, id desc limit ${window}) h on true`);
        });
        const probe = (await trx.raw(`with ${ctes.join(',\n')}\nselect * from (${selects.join('\nunion all\n')}) as hits order by tier, at desc, kind desc, id desc`, bindings)) as { rows: (Partial<Row> & { tier: number; n: number; cap: number })[] };
        const byTier: Row[][] = tiers.map(() => []);
        const frequent = new Set<number>();
        for (const r of probe.rows) {
          if (r.n > r.cap) frequent.add(r.tier);
          else if (r.kind !== null && r.kind !== undefined) byTier[r.tier].push(r as Row);
        }
        if (frequent.size > 0) {
          await trx.raw(`select set_config('enable_indexscan', 'on', true), set_config('enable_bitmapscan', 'off', true)`);
          const parts: string[] = [];
          const walkBindings: Knex.Value[] = [];
          for (const i of frequent) {
            const [condition, values] = tiers[i];
            const [better, betterBindings] = betterOf(i);
            // Keys only: a name tier's walk reads the covering `at` index alone (migration 20261205070000).
            parts.push(`(select ${i} as tier, kind, id from search_entries
                          where ${condition} and not (${better})${filter}
                          order by at desc, kind desc, id desc limit ${window})`);
            walkBindings.push(...values, ...betterBindings, ...filterBindings);
          }
          const walked = (await trx.raw(
            `select w.tier, ${HIT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')} from (${parts.join(' union all ')}) as w
               join search_entries e on e.kind = w.kind and e.id = w.id
              order by w.tier, e.at desc, e.kind desc, e.id desc`,
            walkBindings,
          )) as { rows: (Row & { tier: number })[] };
          for (const r of walked.rows) byTier[r.tier].push(r);
        }
        return byTier.flat();
      });
      const page = ranked.slice(offset, offset + limit + 1);
      return { items: page.slice(0, limit).map(itemOf), hasMore: page.length > limit };
    },

    async person(subject, cap = 2000) {
      const keys = { email: new Set<string>(), phone: new Set<string>(), taxCode: new Set<string>(), contact: new Set<string>() };
      keys[subject.kind].add(normalizeSubject(subject.kind, subject.value));
      const found = new Map<string, { kind: SearchKind; id: string }>();
      // A few rounds at most: each adds the identifiers seen together in the records found.
      for (let round = 0; round < 4 && found.size < cap; round++) {
        const before = found.size;
        const { rows } = (await db.raw(
          `select kind, id, email, phone, tax_code, contact_id from search_entries
            where email = any(?::text[]) or phone = any(?::text[]) or tax_code = any(?::text[]) or contact_id = any(?::text[])
            limit ?`,
          [[...keys.email], [...keys.phone], [...keys.taxCode], [...keys.contact], cap],
        )) as { rows: { kind: SearchKind; id: string; email: string | null; phone: string | null; tax_code: string | null; contact_id: string | null }[] };
        for (const r of rows) {
          found.set(`${r.kind}\u0000${r.id}`, { kind: r.kind, id: r.id });
          if (r.email) keys.email.add(r.email);
          if (r.phone) keys.phone.add(r.phone);
          if (r.tax_code) keys.taxCode.add(r.tax_code);
          if (r.contact_id) keys.contact.add(r.contact_id);
        }
        if (found.size === before) break;
      }
      return [...found.values()];
    },

    async timeline(records, { limit, offset }) {
      if (records.length === 0) return { items: [], total: 0 };
      const kinds = records.map((r) => r.kind);
      const ids = records.map((r) => r.id);
      const entityTypes = records.map((r) => ENTITY_TYPE_OF[r.kind]);
      const { rows } = (await db.raw(
        `select s.kind, s.id, s.title, s.status, s.at, s.service, s.office, h.action, h.at as action_at, h.actor_role,
                count(*) over () as total
           from unnest(?::text[], ?::text[], ?::text[]) as r(kind, id, entity_type)
           join search_entries s on s.kind = r.kind and s.id = r.id
           left join lateral (
             select action, at, actor_role from history
              where entity_type = r.entity_type and entity_id = r.id
              order by seq desc limit 1
           ) h on true
          order by s.at desc, s.kind, s.id
          limit ? offset ?`,
        [kinds, ids, entityTypes, limit, offset],
      )) as { rows: (Row & { action: string | null; action_at: Date | null; actor_role: string | null; total: string })[] };
      return {
        total: rows.length ? Number(rows[0].total) : 0,
        items: rows.map((r) => ({
          ...itemOf(r),
          lastAction: r.action ? { action: r.action, at: r.action_at!.toISOString(), role: r.actor_role! } : null,
        })),
      };
    },
  };
}
