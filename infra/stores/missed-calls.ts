import type { Db } from '../db';
import type { MissedCallView } from '../../domain/contacts';

/** Read side of the missed-call form workflow. */
export interface MissedCallStore {
  get(id: string): Promise<MissedCallView | undefined>;
  list(filter: { office?: string; status?: string; contactId?: string; limit: number; offset: number }): Promise<MissedCallView[]>;
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
  return {
    async get(id) {
      const row = await db('missed_calls').where({ id }).first();
      return row ? fromRow(row) : undefined;
    },
    async list({ office, status, contactId, limit, offset }) {
      const q = db('missed_calls').orderBy([{ column: 'due_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit).offset(offset);
      if (office) q.where({ office });
      if (status) q.where({ status });
      if (contactId) q.where({ contact_id: contactId });
      return (await q).map(fromRow);
    },
  };
}
