import { DateTime, Duration } from 'luxon';
import type { ServiceCatalog } from './catalog';
import type { Actor } from './actor';

export const COMPLAINT_KINDS = ['complaint', 'report', 'suggestion'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];
export const COMPLAINT_CHANNELS = ['phone', 'email', 'web', 'letter', 'in_person'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
/** registered → in_charge → investigating (an inquiry was opened) ⇄ awaiting_requester → responded → closed. */
export type ComplaintStatus = 'registered' | 'in_charge' | 'investigating' | 'awaiting_requester' | 'responded' | 'closed';
/** 'thanked': a suggestion closed with a thank-you. */
export const COMPLAINT_OUTCOMES = ['upheld', 'partially_upheld', 'not_upheld', 'answered', 'thanked'] as const;
export type ComplaintOutcome = (typeof COMPLAINT_OUTCOMES)[number];
/** The response-deadline clock: suspended while URU waits for the requester, stopped once responded. */
export type ComplaintClock = 'running' | 'suspended' | 'stopped';

export interface Requester {
  name: string;
  surname?: string;
  email?: string;
  postalAddress?: string;
  phone?: string;
}

/** Taken from the catalog at intake and kept for the complaint's whole life. */
export interface ComplaintSettings {
  serviceCode: string;
  serviceName: string;
  zone: string;
  contactPhone: string | null;
  uruMailbox: string;
  supervisorMailbox: string;
  /** ISO 8601 term in calendar days, e.g. P30D, and the same in milliseconds. */
  term: string;
  termMs: number;
  /** URU is warned when this share of the term has run. */
  warningPct: number;
  inquiryReminderLeadMs: number;
}

/** A complaint as registered: the input of its workflow. */
export interface ComplaintInput {
  reference: string;
  kind: ComplaintKind;
  requester: Requester;
  subject: string;
  body: string;
  channel: ComplaintChannel;
  /** The service the complaint is about, if any. */
  service?: string | null;
  contactId?: string | null;
  /** The clock starts here (epoch ms); the workflow records the registration with this time. */
  registeredAt: number;
  actor: Actor;
  settings: ComplaintSettings;
}

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

/** Someone URU can answer: an email address or a postal address. */
export function isReachable(r: Requester): boolean {
  return Boolean(r.email?.trim() || r.postalAddress?.trim());
}
