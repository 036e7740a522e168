import { DateTime, Duration } from 'luxon';
import type { ServiceCatalog } from './catalog';
import type { Actor, ComplaintClock, ComplaintInput, ComplaintKind, ComplaintOutcome, ComplaintSettings, ComplaintStatus, Requester } from '../workflows/definitions';

/**
 * Pure rules of the complaint lifecycle shared by the workflow (state, deadline clock, read-model
 * rows) and the API (settings at intake, reference format, days left). No I/O, no clock: every
 * function takes the instant it needs.
 *
 * The response term is counted in calendar days as elapsed time (P30D = 30 × 24 h) from the
 * registration; the clock stops while URU waits for information from the requester and resumes with
 * the time that was left. A DST change may move the wall-clock hour of the deadline by one hour.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** `REC-2026-000123`: the year of registration in the complaints service's zone, then a 6-digit number. */
export function complaintReference(year: number, n: number): string {
  return `REC-${year}-${String(n).padStart(6, '0')}`;
}

export const COMPLAINT_REFERENCE_PATTERN = /^REC-\d{4}-\d{6,}$/;

/** The year a registration at `at` belongs to, in the complaints service's zone. */
export function referenceYear(at: number, zone: string): number {
  return DateTime.fromMillis(at, { zone }).year;
}

/**
 * The settings a complaint keeps for its whole life, taken from the catalog at intake: the complaints
 * service (default URU), the term of its kind (catalog `complaints.terms`, else the service's
 * `sla.complaintTerm`), mailboxes and the 80 % warning threshold.
 */
export function complaintSettingsFor(catalog: ServiceCatalog, kind: ComplaintKind): ComplaintSettings {
  const section = catalog.data.complaints;
  const service = catalog.service(section.service);
  if (!service) throw new Error(`the catalog's complaints service ${section.service} is not a service of the catalog`);
  const term = section.terms[kind] ?? service.sla.complaintTerm;
  return {
    serviceCode: service.code,
    serviceName: service.name,
    zone: service.calendar.zone,
    contactPhone: service.phoneNumbers[0] ?? null,
    uruMailbox: service.mailboxes.sector,
    supervisorMailbox: service.mailboxes.supervisor,
    term,
    termMs: Duration.fromISO(term).toMillis(),
    warningPct: section.warningPct,
    inquiryReminderLeadMs: Duration.fromISO(section.inquiryReminderLead).toMillis(),
  };
}

export type InquiryStatus = 'open' | 'answered' | 'withdrawn';

export interface InquiryState {
  id: string;
  structure: string;
  structureName: string;
  structureMailbox: string;
  question: string;
  dueAt: number;
  status: InquiryStatus;
  openedAt: number;
  openedBy: Actor;
  findings: string | null;
  answeredAt: number | null;
  answeredBy: Actor | null;
  remindedAt: number | null;
  overdueAt: number | null;
}

export interface RequesterInfo {
  question: string;
  askedAt: number;
  info: string | null;
  receivedAt: number | null;
}

export interface ComplaintState {
  status: ComplaintStatus;
  clock: ComplaintClock;
  /** When the clock last started (running) or stopped (suspended, stopped). */
  clockSince: number;
  /** Term left at `clockSince`; frozen while suspended. Negative once the deadline has passed. */
  remainingMs: number;
  /** Total time the clock spent suspended. */
  suspendedMs: number;
  takenAt: number | null;
  warnedAt: number | null;
  breachedAt: number | null;
  infoRequests: RequesterInfo[];
  inquiries: InquiryState[];
  response: string | null;
  outcome: ComplaintOutcome | null;
  respondedAt: number | null;
  closedAt: number | null;
}

export function initialComplaintState(input: ComplaintInput): ComplaintState {
  return {
    status: 'registered',
    clock: 'running',
    clockSince: input.registeredAt,
    remainingMs: input.settings.termMs,
    suspendedMs: 0,
    takenAt: null,
    warnedAt: null,
    breachedAt: null,
    infoRequests: [],
    inquiries: [],
    response: null,
    outcome: null,
    respondedAt: null,
    closedAt: null,
  };
}

/**
 * The response deadline: while the clock runs, the date it falls on; once stopped by the response,
 * the last deadline (to tell an on-time response from a late one); while suspended, null, because no
 * date is known until the requester replies (the time left is shown instead).
 */
export function deadlineOf(s: Pick<ComplaintState, 'clock' | 'clockSince' | 'remainingMs'>): number | null {
  return s.clock === 'suspended' ? null : s.clockSince + s.remainingMs;
}

/** Term left at `now`: counts down while running, frozen while suspended or stopped. */
export function remainingAt(s: Pick<ComplaintState, 'clock' | 'clockSince' | 'remainingMs'>, now: number): number {
  return s.clock === 'running' ? s.clockSince + s.remainingMs - now : s.remainingMs;
}

/** Stops the clock at `now` (a request for information, or the response). */
export function stopClock(s: ComplaintState, now: number, clock: 'suspended' | 'stopped'): void {
  if (s.clock !== 'running') {
    s.clock = clock;
    return;
  }
  s.remainingMs = s.clockSince + s.remainingMs - now;
  s.clockSince = now;
  s.clock = clock;
}

/** Restarts a suspended clock at `now` with the time that was left. */
export function resumeClock(s: ComplaintState, now: number): void {
  if (s.clock !== 'suspended') return;
  s.suspendedMs += now - s.clockSince;
  s.clockSince = now;
  s.clock = 'running';
}

/**
 * Whole days left, rounded away from zero: 29.2 days left → 30, one hour late → -1.
 * Calendar terms are announced in days, so a partly used day still counts as a day left.
 */
export function daysLeft(remainingMs: number): number {
  return remainingMs >= 0 ? Math.ceil(remainingMs / DAY_MS) : -Math.ceil(-remainingMs / DAY_MS);
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The `complaints` read-model row (snake_case) of a complaint in state `s`, written at `now`. */
export function complaintRow(input: ComplaintInput, s: ComplaintState, now: number): Record<string, unknown> {
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
    clock_since: iso(s.clockSince),
    deadline_at: iso(deadlineOf(s)),
    remaining_ms: Math.round(s.remainingMs),
    suspended_ms: Math.round(s.suspendedMs),
    pending_question: pending?.question ?? null,
    info_requests: s.infoRequests.map((r) => ({ question: r.question, askedAt: iso(r.askedAt), info: r.info, receivedAt: iso(r.receivedAt) })),
    warned_at: iso(s.warnedAt),
    breached_at: iso(s.breachedAt),
    response: s.response,
    outcome: s.outcome,
    registered_at: iso(input.registeredAt),
    taken_at: iso(s.takenAt),
    responded_at: iso(s.respondedAt),
    closed_at: iso(s.closedAt),
    updated_at: iso(now),
  };
}

/** The `inquiries` read-model row of one inquiry, written at `now`. */
export function inquiryRow(reference: string, q: InquiryState, now: number): Record<string, unknown> {
  return {
    id: q.id,
    complaint_id: reference,
    structure: q.structure,
    structure_name: q.structureName,
    question: q.question,
    due_at: iso(q.dueAt),
    status: q.status,
    opened_at: iso(q.openedAt),
    opened_by: q.openedBy,
    findings: q.findings,
    answered_at: iso(q.answeredAt),
    answered_by: q.answeredBy,
    reminded_at: iso(q.remindedAt),
    overdue_at: iso(q.overdueAt),
    updated_at: iso(now),
  };
}

/** Someone URU can answer: an email address or a postal address. */
export function isReachable(r: Requester): boolean {
  return Boolean(r.email?.trim() || r.postalAddress?.trim());
}
