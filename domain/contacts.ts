/**
 * What a contact, an escalation and a missed-call form look like to the API and in their
 * PostgreSQL projections: shared by the workflows (which build them), the projections module
 * (which maps them to rows) and the API (which shows them).
 */
export const CHANNELS = ['phone', 'email', 'web', 'voicemail'] as const;
export type Channel = (typeof CHANNELS)[number];
export type ContactOrigin = 'direct' | 'ricaduta' | 'voicemail';
export type ContactStatus = 'waiting' | 'triage' | 'escalated' | 'callback' | 'resolved';
export type Resolution = 'first_level' | 'auto' | 'back_office';

export interface Caller {
  surname?: string;
  name?: string;
  phone?: string;
  email?: string;
}

export interface ContactView {
  id: string;
  service: string;
  channel: Channel;
  origin: ContactOrigin;
  status: ContactStatus;
  category: string | null;
  callId: string | null;
  ivrCode: string | null;
  subService: string | null;
  referent: string | null;
  caller: Caller;
  reason: string;
  answer: string | null;
  resolution: Resolution | null;
  office: string | null;
  escalationId: string | null;
  missedCallId: string | null;
  createdAt: string;
  queuedAt: string;
  resolvedAt: string | null;
}

/** What the contact workflow projects: its view and the origin's extra facts (not shown by the API). */
export interface ContactRecord extends ContactView {
  originDetails: Record<string, unknown>;
}

export type EscalationStatus = 'open' | 'in_charge' | 'waiting_citizen' | 'resolved' | 'returned';

/**
 * A paused deadline clock: since when, until when at the latest (the wait limit, or the new
 * attempt time of a callback), and the business time each pending deadline had left at the pause.
 */
export interface ClockPause {
  since: string;
  until: string;
  remainingMs: Record<string, number>;
}

/** A question the office put to the citizen, and the citizen's reply once it came. */
export interface InfoRequest {
  question: string;
  askedAt: string;
  askedBy: string;
  reply: string | null;
  repliedAt: string | null;
  /** 'reply' (recorded by an operator, an integrator, the office or the mail intake) or 'wait-limit'. */
  endedBy: 'reply' | 'wait-limit' | null;
}

export interface EscalationView {
  id: string;
  contactId: string;
  service: string;
  office: string;
  status: EscalationStatus;
  note: string | null;
  takeChargeDueAt: string;
  resolveDueAt: string;
  takenAt: string | null;
  resolvedAt: string | null;
  takeChargeBreached: boolean;
  resolveBreached: boolean;
  response: string | null;
  returnReason: string | null;
  notes: { at: string; by: string; text: string }[];
  createdAt: string;
  /** The paused clock while the escalation waits for the citizen (null otherwise; absent in views of older workflows). */
  pause?: ClockPause | null;
  infoRequests?: InfoRequest[];
}

export const CALLBACK_OUTCOMES = ['reached', 'unreachable', 'not_needed'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
/** A callback attempt that found nobody: the form stays open and the office tries again at `retryAt`. */
export const RETRY_OUTCOME = 'not_reachable_retry' as const;

/** The standard form: who called, when, whom they sought, why, how to call back. */
export interface MissedCallForm {
  callerSurname: string;
  callerName: string;
  /** Epoch ms of the call. */
  callAt: number;
  personSought: string;
  reason: string;
  callbackPhone: string;
  callbackEmail?: string;
}

export interface MissedCallView extends Omit<MissedCallForm, 'callAt'> {
  id: string;
  contactId: string;
  service: string;
  office: string;
  status: 'open' | 'closed';
  callAt: string;
  referentEmail: string | null;
  dueAt: string;
  breached: boolean;
  outcome: CallbackOutcome | null;
  note: string | null;
  createdAt: string;
  closedAt: string | null;
  /** The paused clock until the new attempt time (null otherwise; absent in views of older workflows). */
  pause?: ClockPause | null;
  /** Attempts that found nobody ("non raggiungibile, riprova"). */
  retries?: number;
}
