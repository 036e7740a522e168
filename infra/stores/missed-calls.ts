import type { Db } from '../db';
import type { MissedCallView } from '../../domain/contacts';
import { whereContains, whereOlderThan } from './list-filters';

/** Filters of the missed-call forms list; `q` matches references, caller, person sought and reason. */
export interface MissedCallFilter {
  office?: string;
  status?: string;
  contactId?: string;
  service?: string;
  breached?: boolean;
  q?: string;
  olderThanHours?: number;
}
const TEXT = ['id', 'contact_id', 'caller_surname', 'caller_name', 'callback_phone', 'callback_email', 'person_sought', 'reason'];

/** Read side of the missed-call form workflow. */
export interface MissedCallStore {
  get(id: string): Promise<MissedCallView | undefined>;
  list(filter: MissedCallFilter & { limit: number; offset: number }): Promise<MissedCallView[]>;
  count(filter: MissedCallFilter): Promise<number>;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The `missed_calls` projection row of a form, written at `at` (epoch ms). */
export function missedCallToRow(v: MissedCallView, at: number): Record<string, unknown> {
  return {
    id: v.id,
    contact_id: v.contactId,
    service: v.service,
    office: v.office,
    status: v.status,
    caller_surname: v.callerSurname,
    caller_name: v.callerName,
    call_at: v.callAt,
    person_sought: v.personSought,
    reason: v.reason,
    callback_phone: v.callbackPhone,
    callback_email: v.callbackEmail ?? null,
    referent_email: v.referentEmail,
    due_at: v.dueAt,
    breached: v.breached,
    outcome: v.outcome,
    note: v.note,
    created_at: v.createdAt,
    closed_at: v.closedAt,
    updated_at: new Date(at).toISOString(),
    pause: v.pause ?? null,
    retries: v.retries ?? 0,
  };
}

/* eslint-disable-next-line @typescript-eslint/no-explicit-any */
function fromRow(r: any): MissedCallView {
  return {
    id: r.id,
    contactId: r.contact_id,
    service: r.service,
    office: r.office,
    status: r.status,
    callerSurname: r.caller_surname,
    callerName: r.caller_name,
    callAt: iso(r.call_at)!,
    personSought: r.person_sought,
    reason: r.reason,
    callbackPhone: r.callback_phone,
    callbackEmail: r.callback_email ?? undefined,
    referentEmail: r.referent_email,
    dueAt: iso(r.due_at)!,
    breached: r.breached,
    outcome: r.outcome,
    note: r.note,
    createdAt: iso(r.created_at)!,
    closedAt: iso(r.closed_at),
    pause: r.pause ?? null,
    retries: r.retries ?? 0,
  };
}

export function createMissedCallStore(db: Db): MissedCallStore {
  const filtered = (f: MissedCallFilter) =>
    db('missed_calls').modify((q) => {
      if (f.office) q.where({ office: f.office });
      if (f.status) q.where({ status: f.status });
      if (f.contactId) q.where({ contact_id: f.contactId });
      if (f.service) q.where({ service: f.service });
      if (f.breached !== undefined) q.where({ breached: f.breached });
      whereContains(q, TEXT, f.q);
      whereOlderThan(q, 'created_at', f.olderThanHours);
    });
  return {
    async get(id) {
      const row = await db('missed_calls').where({ id }).first();
      return row ? fromRow(row) : undefined;
    },
    async list({ limit, offset, ...filter }) {
      const q = filtered(filter).orderBy([{ column: 'due_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit).offset(offset);
      return (await q).map(fromRow);
    },
    async count(filter) {
      const [{ count }] = await filtered(filter).count({ count: '*' });
      return Number(count);
    },
  };
}
