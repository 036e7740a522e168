import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db';
import type { Actor } from '../../domain/actor';
import { whereContains } from './list-filters';

export const RENEWAL_STATUSES = ['pending', 'confirmed', 'cancelled'] as const;
export type RenewalStatus = (typeof RENEWAL_STATUSES)[number];
export type RenewalAction = 'inserted' | 'confirmed' | 'cancelled';

/**
 * Renewal writes hold this advisory lock in shared mode, the export takes it exclusively for an
 * instant when it fixes a day's cut-off: every action is then either committed before the cut-off
 * (and read by that export) or stamped after it (and left to the next one). Nothing falls in between.
 */
export const RENEWAL_WRITE_LOCK = 7_305_202_611;

export interface Renewal {
  id: string;
  service: string;
  surname: string;
  name: string;
  taxCode: string;
  birthDate: string | null;
  jobType: string;
  jobCentre: string;
  phone: string | null;
  email: string | null;
  consentToPublish: boolean;
  status: RenewalStatus;
  cancelReason: string | null;
  createdAt: string;
  confirmedAt: string | null;
  cancelledAt: string | null;
  updatedAt: string;
}

export interface NewRenewal {
  id?: string;
  service: string;
  surname: string;
  name: string;
  taxCode: string;
  birthDate?: string | null;
  jobType: string;
  jobCentre: string;
  phone?: string | null;
  email?: string | null;
  consentToPublish: boolean;
}

export type TransitionResult = { ok: true; renewal: Renewal } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'invalid'; status: RenewalStatus };
export type InsertResult = { ok: true; renewal: Renewal } | { ok: false; reason: 'duplicate'; existingId: string };

export interface RenewalFilter {
  status?: RenewalStatus;
  jobCentre?: string;
  jobType?: string;
  taxCode?: string;
  surname?: string;
  /** Text in the reference, surname, name or tax code. */
  q?: string;
  limit: number;
  offset: number;
}

const COLUMNS = [
  'id',
  'service',
  'surname',
  'name',
  'tax_code',
  'job_type',
  'job_centre',
  'phone',
  'email',
  'consent_to_publish',
  'status',
  'cancel_reason',
  'created_at',
  'confirmed_at',
  'cancelled_at',
  'updated_at',
];

/** Reads birth_date as text: node-pg would turn a date into a local-midnight Date. */
const SELECT = (db: Knex) => [...COLUMNS, db.raw('birth_date::text as birth_date')];

type Row = {
  id: string;
  service: string;
  surname: string;
  name: string;
  tax_code: string;
  birth_date: string | null;
  job_type: string;
  job_centre: string;
  phone: string | null;
  email: string | null;
  consent_to_publish: boolean;
  status: RenewalStatus;
  cancel_reason: string | null;
  created_at: Date;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  updated_at: Date;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toRenewal(r: Row): Renewal {
  return {
    id: r.id,
    service: r.service,
    surname: r.surname,
    name: r.name,
    taxCode: r.tax_code,
    birthDate: r.birth_date,
    jobType: r.job_type,
    jobCentre: r.job_centre,
    phone: r.phone,
    email: r.email,
    consentToPublish: r.consent_to_publish,
    status: r.status,
    cancelReason: r.cancel_reason,
    createdAt: r.created_at.toISOString(),
    confirmedAt: iso(r.confirmed_at),
    cancelledAt: iso(r.cancelled_at),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Takes the shared write lock and returns the action's time (millisecond precision, like the export's cut-off). */
async function lockAndStamp(trx: Knex.Transaction): Promise<Date> {
  const { rows } = await trx.raw(`select pg_advisory_xact_lock_shared(?), date_trunc('milliseconds', clock_timestamp()) as now`, [RENEWAL_WRITE_LOCK]);
  return rows[0].now as Date;
}

async function appendHistory(trx: Knex.Transaction, id: string, seq: number, action: RenewalAction, actor: Actor, at: Date, payload: Record<string, unknown>) {
  await trx('history').insert({
    entity_type: 'renewal',
    entity_id: id,
    seq,
    action,
    actor_name: actor.name,
    actor_role: actor.role,
    actor_office: actor.office ?? null,
    at,
    payload: JSON.stringify(payload),
  });
}

export interface RenewalStore {
  insert(input: NewRenewal, actor: Actor): Promise<InsertResult>;
  confirm(id: string, actor: Actor): Promise<TransitionResult>;
  cancel(id: string, actor: Actor, reason?: string): Promise<TransitionResult>;
  get(id: string): Promise<Renewal | undefined>;
  list(filter: RenewalFilter): Promise<{ items: Renewal[]; total: number }>;
}

/**
 * Entries and their actions. Each action writes the entry and its history row in one transaction;
 * an impossible transition changes nothing.
 */
export function createRenewalStore(db: Db): RenewalStore {
  const transition = async (
    id: string,
    action: Exclude<RenewalAction, 'inserted'>,
    from: RenewalStatus[],
    actor: Actor,
    extra: (now: Date) => Record<string, unknown>,
    payload: Record<string, unknown>,
  ): Promise<TransitionResult> =>
    db.transaction(async (trx) => {
      const now = await lockAndStamp(trx);
      const [row] = (await trx('renewals')
        .where({ id })
        .whereIn('status', from)
        .update({ status: action, updated_at: now, version: trx.raw('version + 1'), ...extra(now) })
        .returning([...SELECT(trx), 'version'] as never)) as (Row & { version: number })[];
      if (!row) {
        const current = await trx('renewals').where({ id }).first('status');
        return current ? { ok: false, reason: 'invalid', status: current.status } : { ok: false, reason: 'not-found' };
      }
      await appendHistory(trx, id, row.version, action, actor, now, payload);
      return { ok: true, renewal: toRenewal(row) };
    });

  return {
    async insert(input, actor) {
      const id = input.id ?? randomUUID();
      try {
        return await db.transaction(async (trx) => {
          const now = await lockAndStamp(trx);
          const [row] = (await trx('renewals')
            .insert({
              id,
              version: 1,
              service: input.service,
              surname: input.surname,
              name: input.name,
              tax_code: input.taxCode,
              birth_date: input.birthDate ?? null,
              job_type: input.jobType,
              job_centre: input.jobCentre,
              phone: input.phone ?? null,
              email: input.email ?? null,
              consent_to_publish: input.consentToPublish,
              status: 'pending',
              created_at: now,
              updated_at: now,
            })
            .returning(SELECT(trx) as never)) as Row[];
          await appendHistory(trx, id, 1, 'inserted', actor, now, { jobType: input.jobType, jobCentre: input.jobCentre });
          return { ok: true as const, renewal: toRenewal(row) };
        });
      } catch (err) {
        if ((err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'renewals_one_active') {
          const existing = await db('renewals').where({ tax_code: input.taxCode, job_type: input.jobType }).whereNot('status', 'cancelled').first('id');
          return { ok: false, reason: 'duplicate', existingId: existing?.id ?? '' };
        }
        throw err;
      }
    },
    confirm(id, actor) {
      return transition(id, 'confirmed', ['pending'], actor, (now) => ({ confirmed_at: now }), {});
    },
    cancel(id, actor, reason) {
      return transition(id, 'cancelled', ['pending', 'confirmed'], actor, (now) => ({ cancelled_at: now, cancel_reason: reason ?? null }), reason ? { reason } : {});
    },
    async get(id) {
      const row = (await db('renewals').where({ id }).first(SELECT(db) as never)) as Row | undefined;
      return row ? toRenewal(row) : undefined;
    },
    async list(f) {
      const q = db('renewals').modify((qb) => {
        if (f.status) qb.where('status', f.status);
        if (f.jobCentre) qb.where('job_centre', f.jobCentre);
        if (f.jobType) qb.where('job_type', f.jobType);
        if (f.taxCode) qb.where('tax_code', f.taxCode);
        if (f.surname) qb.whereILike('surname', `${f.surname.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        whereContains(qb, ['id', 'surname', 'name', 'tax_code'], f.q);
      });
      const [{ count }] = await q.clone().count({ count: '*' });
      const rows = (await q
        .clone()
        .select(SELECT(db) as never)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(f.limit)
        .offset(f.offset)) as Row[];
      return { items: rows.map(toRenewal), total: Number(count) };
    },
  };
}
