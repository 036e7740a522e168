import type { Db } from '../db';
import type { Knex } from 'knex';
import type { ContactRecord, ContactView, EscalationView } from '../../domain/contacts';
import { whereContains, whereOlderThan } from './list-filters';

/** Filters of the contacts list (`GET /contacts`); `q` matches reference, caller and request text. */
export interface ContactFilter {
  status?: string;
  service?: string;
  channel?: string;
  q?: string;
  olderThanHours?: number;
}
/** Why and when an office returned a contact to the contact center (its latest escalation). */
export interface ContactReturn {
  escalationId: string;
  office: string;
  reason: string | null;
  at: string;
}

/** Filters of the escalations list (`GET /escalations`). */
export interface EscalationFilter {
  office?: string;
  status?: string;
  breached?: boolean;
  contactId?: string;
  service?: string;
  q?: string;
  olderThanHours?: number;
}

/** Read side of the contact and escalation workflows: their projections in PostgreSQL. */
export interface ContactStore {
  nextContactId(now: Date): Promise<string>;
  get(id: string): Promise<ContactView | undefined>;
  /** A contact an office sent back carries `returned`: the office, its reason and when. */
  list(filter: ContactFilter & { limit: number; offset: number }): Promise<(ContactView & { returned?: ContactReturn })[]>;
  count(filter: ContactFilter): Promise<number>;
  getEscalation(id: string): Promise<(EscalationView & { contact: Pick<ContactView, 'reason' | 'category' | 'caller' | 'channel'> }) | undefined>;
  listEscalations(filter: EscalationFilter & { limit: number; offset: number }): Promise<(EscalationView & { contact: Pick<ContactView, 'reason' | 'category' | 'caller' | 'channel'> })[]>;
  countEscalations(filter: EscalationFilter): Promise<number>;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The `contacts` projection row of a contact, written at `at` (epoch ms). */
export function contactToRow(v: ContactRecord, at: number): Record<string, unknown> {
  return {
    id: v.id,
    service: v.service,
    channel: v.channel,
    origin: v.origin,
    status: v.status,
    category: v.category,
    call_id: v.callId,
    ivr_code: v.ivrCode,
    sub_service: v.subService,
    referent: v.referent,
    caller: v.caller,
    reason: v.reason,
    answer: v.answer,
    resolution: v.resolution,
    office: v.office,
    escalation_id: v.escalationId,
    missed_call_id: v.missedCallId,
    origin_details: v.originDetails,
    created_at: v.createdAt,
    queued_at: v.queuedAt,
    resolved_at: v.resolvedAt,
    updated_at: new Date(at).toISOString(),
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export function contactFromRow(r: any): ContactView {
  return {
    id: r.id,
    service: r.service,
    channel: r.channel,
    origin: r.origin,
    status: r.status,
    category: r.category,
    callId: r.call_id,
    ivrCode: r.ivr_code,
    subService: r.sub_service,
    referent: r.referent,
    caller: r.caller ?? {},
    reason: r.reason,
    answer: r.answer,
    resolution: r.resolution,
    office: r.office,
    escalationId: r.escalation_id,
    missedCallId: r.missed_call_id ?? null,
    createdAt: iso(r.created_at)!,
    queuedAt: iso(r.queued_at)!,
    resolvedAt: iso(r.resolved_at),
  };
}

/** The `escalations` projection row of an escalation, written at `at` (epoch ms). */
export function escalationToRow(v: EscalationView, at: number): Record<string, unknown> {
  return {
    id: v.id,
    contact_id: v.contactId,
    service: v.service,
    office: v.office,
    status: v.status,
    note: v.note,
    take_charge_due_at: v.takeChargeDueAt,
    resolve_due_at: v.resolveDueAt,
    taken_at: v.takenAt,
    resolved_at: v.resolvedAt,
    take_charge_breached: v.takeChargeBreached,
    resolve_breached: v.resolveBreached,
    response: v.response,
    return_reason: v.returnReason,
    notes: v.notes,
    created_at: v.createdAt,
    updated_at: new Date(at).toISOString(),
    pause: v.pause ?? null,
    info_requests: v.infoRequests ?? [],
  };
}

function escalationFromRow(r: any) {
  return {
    id: r.id,
    contactId: r.contact_id,
    service: r.service,
    office: r.office,
    status: r.status,
    note: r.note,
    takeChargeDueAt: iso(r.take_charge_due_at)!,
    resolveDueAt: iso(r.resolve_due_at)!,
    takenAt: iso(r.taken_at),
    resolvedAt: iso(r.resolved_at),
    takeChargeBreached: r.take_charge_breached,
    resolveBreached: r.resolve_breached,
    response: r.response,
    returnReason: r.return_reason,
    notes: r.notes ?? [],
    createdAt: iso(r.created_at)!,
    pause: r.pause ?? null,
    infoRequests: r.info_requests ?? [],
    contact: { reason: r.c_reason, category: r.c_category, caller: r.c_caller ?? {}, channel: r.c_channel },
  };
}

const CONTACT_TEXT = ['id', "caller->>'surname'", "caller->>'name'", "caller->>'email'", "caller->>'phone'", 'reason'];
const ESCALATION_TEXT = ['e.id', 'e.contact_id', "c.caller->>'surname'", "c.caller->>'name'", "c.caller->>'email'", "c.caller->>'phone'", 'c.reason', 'e.note'];

export function createContactStore(db: Db): ContactStore {
  const contactQuery = (f: ContactFilter) =>
    db('contacts').modify((q) => {
      if (f.status) q.where({ status: f.status });
      if (f.service) q.where({ service: f.service });
      if (f.channel) q.where({ channel: f.channel });
      whereContains(q, CONTACT_TEXT, f.q);
      whereOlderThan(q, 'queued_at', f.olderThanHours);
    });
  const escalationFilter = (q: Knex.QueryBuilder, f: EscalationFilter) => {
    if (f.office) q.where('e.office', f.office);
    if (f.status) q.where('e.status', f.status);
    if (f.contactId) q.where('e.contact_id', f.contactId);
    if (f.service) q.where('e.service', f.service);
    if (f.breached !== undefined) {
      if (f.breached) q.where((w) => w.where('e.take_charge_breached', true).orWhere('e.resolve_breached', true));
      else q.where({ 'e.take_charge_breached': false, 'e.resolve_breached': false });
    }
    whereContains(q, ESCALATION_TEXT, f.q);
    whereOlderThan(q, 'e.created_at', f.olderThanHours);
    return q;
  };
  const escalationQuery = () =>
    db('escalations as e')
      .leftJoin('contacts as c', 'c.id', 'e.contact_id')
      .select('e.*', 'c.reason as c_reason', 'c.category as c_category', 'c.caller as c_caller', 'c.channel as c_channel');
  return {
    async nextContactId(now) {
      const { rows } = await db.raw("select nextval('contact_number_seq') as n");
      return `CON-${now.getUTCFullYear()}-${String(rows[0].n).padStart(6, '0')}`;
    },
    async get(id) {
      const row = await db('contacts').where({ id }).first();
      return row ? contactFromRow(row) : undefined;
    },
    async list({ limit, offset, ...filter }) {
      const q = contactQuery(filter).orderBy([{ column: 'queued_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit).offset(offset);
      const contacts: ContactView[] = (await q).map(contactFromRow);
      // One more indexed read for the page's contacts back in triage from an office.
      const back = contacts.filter((c) => c.escalationId && c.status === 'triage').map((c) => c.escalationId as string);
      const returns = back.length ? await db('escalations').whereIn('id', back).where({ status: 'returned' }).select('id', 'office', 'return_reason', 'updated_at') : [];
      const byId = new Map(returns.map((r) => [r.id, { escalationId: r.id, office: r.office, reason: r.return_reason, at: iso(r.updated_at)! }]));
      return contacts.map((c) => (c.escalationId && byId.has(c.escalationId) ? { ...c, returned: byId.get(c.escalationId) } : c));
    },
    async count(filter) {
      const [{ count }] = await contactQuery(filter).count({ count: '*' });
      return Number(count);
    },
    async getEscalation(id) {
      const row = await escalationQuery().where('e.id', id).first();
      return row ? escalationFromRow(row) : undefined;
    },
    async listEscalations({ limit, offset, ...filter }) {
      const q = escalationFilter(escalationQuery(), filter)
        // Oldest due first: the deadline that matters now is take-charge while open, resolution after.
        .orderByRaw("case when e.status = 'open' then e.take_charge_due_at else e.resolve_due_at end asc, e.id asc")
        .limit(limit)
        .offset(offset);
      return (await q).map(escalationFromRow);
    },
    async countEscalations(filter) {
      // The contact is joined only when the text filter needs its caller and request.
      const base = filter.q ? db('escalations as e').leftJoin('contacts as c', 'c.id', 'e.contact_id') : db('escalations as e');
      const [{ count }] = await escalationFilter(base, filter).count({ count: '*' });
      return Number(count);
    },
  };
}
