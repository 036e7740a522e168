import { DateTime } from 'luxon';
import type { Db } from '../db';
import { createHistoryStore, HistoryEntry } from './history';
import { whereContains, whereOlderThan } from './list-filters';
import { ComplaintInput, ComplaintState, InquiryState, daysLeft, deadlineOf } from '../../domain/complaints';

/**
 * Reads of the complaint and inquiry read models (written by the complaint workflow through
 * recordTransition), the yearly reference counter and the monthly complaints report.
 */

/** The next number of `year`, atomically: an upsert on the year's row (row lock until commit). */
export async function allocateComplaintNumber(trx: Db, year: number): Promise<number> {
  const rows = (await trx.raw(
    `insert into complaint_reference_counters (year, last_number) values (?, 1)
     on conflict (year) do update set last_number = complaint_reference_counters.last_number + 1
     returning last_number`,
    [year],
  )) as { rows: { last_number: number }[] };
  return rows.rows[0].last_number;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

export interface ComplaintRow {
  id: string;
  version: number;
  kind: string;
  status: string;
  channel: string;
  service: string | null;
  contact_id: string | null;
  requester: Record<string, unknown>;
  subject: string;
  body: string;
  registered_by: Record<string, unknown>;
  term: string;
  term_ms: string;
  clock: 'running' | 'suspended' | 'stopped';
  clock_since: Date;
  deadline_at: Date | null;
  remaining_ms: string;
  suspended_ms: string;
  pending_question: string | null;
  info_requests: unknown[];
  warned_at: Date | null;
  breached_at: Date | null;
  response: string | null;
  outcome: string | null;
  registered_at: Date;
  taken_at: Date | null;
  responded_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
}

export interface InquiryRow {
  id: string;
  version: number;
  complaint_id: string;
  structure: string;
  structure_name: string;
  question: string;
  due_at: Date;
  status: 'open' | 'answered' | 'withdrawn';
  opened_at: Date;
  opened_by: Record<string, unknown>;
  findings: string | null;
  answered_at: Date | null;
  answered_by: Record<string, unknown> | null;
  reminded_at: Date | null;
  overdue_at: Date | null;
  updated_at: Date;
}

const isoAt = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** What the complaint workflow projects: its input and state. */
export interface ComplaintProjection {
  input: ComplaintInput;
  state: ComplaintState;
}
/** What the complaint workflow projects of one inquiry. */
export interface InquiryProjection {
  reference: string;
  inquiry: InquiryState;
}

/** The `complaints` read-model row (snake_case) of a complaint in state `s`, written at `now`. */
export function complaintToRow({ input, state: s }: ComplaintProjection, now: number): Record<string, unknown> {
  const pending = s.status === 'awaiting_requester' ? s.infoRequests[s.infoRequests.length - 1] : undefined;
  return {
    id: input.reference,
    kind: input.kind,
    status: s.status,
    channel: input.channel,
    service: input.service ?? null,
    contact_id: input.contactId ?? null,
    requester: input.requester,
    subject: input.subject,
    body: input.body,
    registered_by: input.actor,
    term: input.settings.term,
    term_ms: input.settings.termMs,
    clock: s.clock,
    clock_since: isoAt(s.clockSince),
    deadline_at: isoAt(deadlineOf(s)),
    remaining_ms: Math.round(s.remainingMs),
    suspended_ms: Math.round(s.suspendedMs),
    pending_question: pending?.question ?? null,
    info_requests: s.infoRequests.map((r) => ({ question: r.question, askedAt: isoAt(r.askedAt), info: r.info, receivedAt: isoAt(r.receivedAt) })),
    warned_at: isoAt(s.warnedAt),
    breached_at: isoAt(s.breachedAt),
    response: s.response,
    outcome: s.outcome,
    registered_at: isoAt(input.registeredAt),
    taken_at: isoAt(s.takenAt),
    responded_at: isoAt(s.respondedAt),
    closed_at: isoAt(s.closedAt),
    updated_at: isoAt(now),
  };
}

/** The `inquiries` read-model row of one inquiry, written at `now`. */
export function inquiryToRow({ reference, inquiry: q }: InquiryProjection, now: number): Record<string, unknown> {
  return {
    id: q.id,
    complaint_id: reference,
    structure: q.structure,
    structure_name: q.structureName,
    question: q.question,
    due_at: isoAt(q.dueAt),
    status: q.status,
    opened_at: isoAt(q.openedAt),
    opened_by: q.openedBy,
    findings: q.findings,
    answered_at: isoAt(q.answeredAt),
    answered_by: q.answeredBy,
    reminded_at: isoAt(q.remindedAt),
    overdue_at: isoAt(q.overdueAt),
    updated_at: isoAt(now),
  };
}


/**
 * The deadline as the API shows it, from the row alone (reads never query the workflow):
 * - running: `deadline` and the time left now (`remainingMs`, `daysLeft`, negative once late);
 * - suspended: `deadline` null, because no date is known until the requester replies, and the
 *   frozen time left, which the deadline will be that far from the reply;
 * - stopped (responded): the last deadline, the time that was left at the response, `daysLeft` null.
 */
export function deadlineView(row: ComplaintRow, now: number) {
  const remaining = row.clock === 'running' && row.deadline_at ? row.deadline_at.getTime() - now : Number(row.remaining_ms);
  return {
    term: row.term,
    deadline: iso(row.deadline_at),
    clock: row.clock,
    remainingMs: Math.round(remaining),
    daysLeft: row.clock === 'stopped' ? null : daysLeft(remaining),
    suspendedMs: Number(row.suspended_ms),
    warnedAt: iso(row.warned_at),
    breached: row.breached_at !== null,
    breachedAt: iso(row.breached_at),
  };
}

export function complaintSummary(row: ComplaintRow, now: number) {
  return {
    id: row.id,
    reference: row.id,
    kind: row.kind,
    status: row.status,
    channel: row.channel,
    service: row.service,
    contactId: row.contact_id,
    requester: row.requester,
    subject: row.subject,
    registeredAt: iso(row.registered_at),
    takenAt: iso(row.taken_at),
    respondedAt: iso(row.responded_at),
    closedAt: iso(row.closed_at),
    ...deadlineView(row, now),
    pendingQuestion: row.pending_question,
    outcome: row.outcome,
    updatedAt: iso(row.updated_at),
  };
}

export function inquiryView(row: InquiryRow, now: number) {
  return {
    id: row.id,
    complaintId: row.complaint_id,
    structure: row.structure,
    structureName: row.structure_name,
    question: row.question,
    dueAt: iso(row.due_at),
    status: row.status,
    overdue: row.status === 'open' && (row.overdue_at !== null || row.due_at.getTime() <= now),
    openedAt: iso(row.opened_at),
    openedBy: row.opened_by,
    findings: row.findings,
    answeredAt: iso(row.answered_at),
    answeredBy: row.answered_by,
    remindedAt: iso(row.reminded_at),
    overdueAt: iso(row.overdue_at),
  };
}

export type ComplaintFile = ReturnType<typeof complaintSummary> & {
  body: string;
  registeredBy: Record<string, unknown>;
  infoRequests: unknown[];
  response: string | null;
  inquiries: ReturnType<typeof inquiryView>[];
  history: HistoryEntry[];
};

const COMPLAINT_TEXT = ['id', "requester->>'surname'", "requester->>'name'", "requester->>'email'", "requester->>'phone'", 'subject'];

export interface ComplaintQuery {
  status?: string[];
  kind?: string;
  service?: string;
  /** Text in the reference, requester or subject. */
  q?: string;
  breached?: boolean;
  olderThanHours?: number;
  limit: number;
  offset: number;
}

export interface InquiryQuery {
  office?: string;
  status?: string;
  complaintId?: string;
  limit: number;
  offset: number;
}

export function createComplaintStore(db: Db) {
  const history = createHistoryStore(db);
  return {
    async row(id: string): Promise<ComplaintRow | undefined> {
      return db<ComplaintRow>('complaints').where({ id }).first();
    },

    /** The whole file: the complaint, its inquiries and every step with actor and time. */
    async file(id: string, now: number): Promise<ComplaintFile | undefined> {
      const row = await this.row(id);
      if (!row) return undefined;
      const [inquiries, steps] = await Promise.all([
        db<InquiryRow>('inquiries').where({ complaint_id: id }).orderBy('opened_at').orderBy('id'),
        history.list('complaint', id),
      ]);
      return {
        ...complaintSummary(row, now),
        body: row.body,
        registeredBy: row.registered_by,
        infoRequests: row.info_requests,
        response: row.response,
        inquiries: inquiries.map((q) => inquiryView(q, now)),
        history: steps,
      };
    },

    /** URU's queue: oldest registration first. */
    async list(q: ComplaintQuery, now: number) {
      const base = db<ComplaintRow>('complaints').modify((b) => {
        if (q.status?.length) b.whereIn('status', q.status);
        if (q.kind) b.where('kind', q.kind);
        if (q.service) b.where('service', q.service);
        if (q.breached !== undefined) b.where('breached_at', q.breached ? 'is not' : 'is', null);
        whereContains(b, COMPLAINT_TEXT, q.q);
        whereOlderThan(b, 'registered_at', q.olderThanHours);
      });
      const [rows, [{ count }]] = await Promise.all([
        base.clone().orderBy('registered_at').orderBy('id').limit(q.limit).offset(q.offset),
        base.clone().count<{ count: string }[]>({ count: '*' }),
      ]);
      return { total: Number(count), items: (rows as ComplaintRow[]).map((r) => complaintSummary(r, now)) };
    },

    async inquiry(id: string): Promise<InquiryRow | undefined> {
      return db<InquiryRow>('inquiries').where({ id }).first();
    },

    /** An office's inquiries (or all of them, for URU and supervisors): earliest due first. */
    async inquiries(q: InquiryQuery, now: number) {
      const base = db<InquiryRow>('inquiries').modify((b) => {
        if (q.office) b.where('structure', q.office);
        if (q.status) b.where('status', q.status);
        if (q.complaintId) b.where('complaint_id', q.complaintId);
      });
      const [rows, [{ count }]] = await Promise.all([
        base.clone().orderBy('due_at').orderBy('id').limit(q.limit).offset(q.offset),
        base.clone().count<{ count: string }[]>({ count: '*' }),
      ]);
      return { total: Number(count), items: (rows as InquiryRow[]).map((r) => inquiryView(r, now)) };
    },

    /**
     * Complaints registered in `month` (YYYY-MM, in `zone`), counted by service, kind and outcome
     * ('open' while not yet answered), with the median response time: calendar days from registration
     * to the definitive response, and the same net of the time suspended waiting for the requester.
     */
    async monthlyReport(month: string, zone: string) {
      const from = DateTime.fromISO(`${month}-01`, { zone });
      const to = from.plus({ months: 1 });
      const rows = (
        await db.raw(
          `select service, kind, coalesce(outcome, 'open') as outcome,
                  grouping(service) as g_service, grouping(kind) as g_kind, grouping(coalesce(outcome, 'open')) as g_outcome,
                  count(*)::int as count,
                  count(responded_at)::int as responded,
                  count(breached_at)::int as breached,
                  percentile_cont(0.5) within group (order by extract(epoch from responded_at - registered_at) * 1000)
                    filter (where responded_at is not null) as median_ms,
                  percentile_cont(0.5) within group (order by extract(epoch from responded_at - registered_at) * 1000 - suspended_ms)
                    filter (where responded_at is not null) as median_net_ms
             from complaints
            where registered_at >= ? and registered_at < ?
            group by grouping sets ((service, kind, coalesce(outcome, 'open')), (service), (kind), (coalesce(outcome, 'open')), ())`,
          [from.toJSDate(), to.toJSDate()],
        )
      ).rows as {
        service: string | null;
        kind: string | null;
        outcome: string | null;
        g_service: number;
        g_kind: number;
        g_outcome: number;
        count: number;
        responded: number;
        breached: number;
        median_ms: number | null;
        median_net_ms: number | null;
      }[];
      const days = (ms: number | null) => (ms === null ? null : Math.round((Number(ms) / 86_400_000) * 100) / 100);
      const figures = (r: (typeof rows)[number]) => ({
        count: r.count,
        responded: r.responded,
        breached: r.breached,
        medianResponseDays: days(num(r.median_ms)),
        medianNetResponseDays: days(num(r.median_net_ms)),
      });
      const total = rows.find((r) => r.g_service && r.g_kind && r.g_outcome);
      const byName = (k: 'service' | 'kind' | 'outcome', pick: (r: (typeof rows)[number]) => boolean) =>
        rows
          .filter(pick)
          .sort((a, b) => b.count - a.count || String(a[k]).localeCompare(String(b[k])))
          .map((r) => ({ [k]: r[k], ...figures(r) }));
      return {
        month,
        zone,
        from: from.toISO(),
        to: to.toISO(),
        total: total ? figures(total) : { count: 0, responded: 0, breached: 0, medianResponseDays: null, medianNetResponseDays: null },
        byService: byName('service', (r) => !r.g_service && !!r.g_kind && !!r.g_outcome),
        byKind: byName('kind', (r) => !!r.g_service && !r.g_kind && !!r.g_outcome),
        byOutcome: byName('outcome', (r) => !!r.g_service && !!r.g_kind && !r.g_outcome),
        rows: rows
          .filter((r) => !r.g_service && !r.g_kind && !r.g_outcome)
          .map((r) => ({ service: r.service, kind: r.kind, outcome: r.outcome, ...figures(r) }))
          .sort((a, b) => String(a.service).localeCompare(String(b.service)) || String(a.kind).localeCompare(String(b.kind)) || String(a.outcome).localeCompare(String(b.outcome))),
      };
    },
  };
}

export type ComplaintStore = ReturnType<typeof createComplaintStore>;
