import type { Db } from '../db';
import type { MissedCallView } from '../../workflows/definitions';

/** Read side of the missed-call form workflow. */
export interface MissedCallStore {
  get(id: string): Promise<MissedCallView | undefined>;
  list(filter: { office?: string; status?: string; contactId?: string; limit: number; offset: number }): Promise<MissedCallView[]>;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

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
