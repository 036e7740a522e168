/**
 * Shared, pure definitions of the workflows: task queue, ids, messages and payload types.
 * Imported by the worker, the workflows and the API; no Node APIs here.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Service } from '../domain/catalog';

/** The default task queue; a deployment may override it with TEMPORAL_TASK_QUEUE. */
export const TASK_QUEUE = 'contact-center';

/** Workflow ids come from business keys: `<kind>:<key>`. */
export const workflowId = {
  ping: (key: string) => `ping:${key}`,
  /** One renewals export per business date ('YYYY-MM-DD'). */
  renewalsExport: (date: string) => `renewals-export:${date}`,
  contact: (contactId: string) => `contact:${contactId}`,
  escalation: (escalationId: string) => `escalation:${escalationId}`,
  missedCall: (formId: string) => `missed-call:${formId}`,
  complaint: (reference: string) => `complaint:${reference}`,
};

export interface Actor {
  name: string;
  role: string;
  office?: string | null;
}

/** Who the system itself acts as (timers, schedules). */
export const SYSTEM_ACTOR: Actor = { name: 'sistema', role: 'system' };

/** ApplicationFailure type used by update validators; the API maps it to 409. */
export const INVALID_TRANSITION = 'InvalidTransition';
/** ApplicationFailure type for input the workflow cannot accept; the API maps it to 400/422. */
export const INVALID_INPUT = 'InvalidInput';
/** ApplicationFailure type for an actor acting outside its office; the API maps it to 403. */
export const FORBIDDEN = 'Forbidden';

export interface PingInput {
  message: string;
}
export interface PingResult {
  echo: string;
  at: number;
}

// ---------------------------------------------------------------------------------------------
// Contacts and escalations (workflows/contact.ts, workflows/escalation.ts)
// ---------------------------------------------------------------------------------------------
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

export interface ContactInput {
  id: string;
  /** The service's catalog entry at intake: the workflow keeps using this snapshot. */
  service: Service;
  channel: Channel;
  origin: ContactOrigin;
  /** Extra facts of the origin: the rolled-over office number, the voicemail recording. */
  originDetails?: Record<string, unknown>;
  callId?: string;
  ivrCode?: string;
  caller: Caller;
  reason: string;
  category?: string;
  /** When the contact really happened (a voicemail's recording time), if earlier than its intake. */
  receivedAt?: number;
  actor: Actor;
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

export interface ContactResult {
  status: ContactStatus;
  resolution: Resolution | null;
}

export const registerContactUpdate = defineUpdate<ContactView, [Record<string, never>]>('registerContact');
export const classifyContactUpdate = defineUpdate<ContactView, [{ category: string; actor: Actor }]>('classifyContact');
export const resolveContactUpdate = defineUpdate<ContactView, [{ answer: string; actor: Actor }]>('resolveContact');
export const escalateContactUpdate = defineUpdate<EscalationView, [{ office: string; note?: string; actor: Actor }]>('escalateContact');
export const missedCallUpdate = defineUpdate<MissedCallView, [MissedCallRequest]>('missedCall');
export const contactQuery = defineQuery<ContactView>('contact');

export type EscalationStatus = 'open' | 'in_charge' | 'resolved' | 'returned';

export interface EscalationInput {
  id: string;
  contactId: string;
  service: Service;
  office: string;
  note?: string;
  /** Caller and reason, for the office's emails. */
  contact: { reason: string; category: string | null; caller: Caller };
  /** The escalation's first transition ('opened') is recorded by the contact workflow with this seq. */
  openedSeq: number;
  openedAt: number;
  takeChargeDueAt: number;
  resolveDueAt: number;
  actor: Actor;
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
}

export interface EscalationResult {
  outcome: 'resolved' | 'returned';
  response?: string;
  returnReason?: string;
  office: string;
  actor: Actor;
}

export const takeChargeUpdate = defineUpdate<EscalationView, [{ actor: Actor }]>('takeCharge');
export const addNoteUpdate = defineUpdate<EscalationView, [{ text: string; actor: Actor }]>('addNote');
export const resolveEscalationUpdate = defineUpdate<EscalationView, [{ response: string; actor: Actor }]>('resolveEscalation');
export const returnEscalationUpdate = defineUpdate<EscalationView, [{ reason: string; actor: Actor }]>('returnEscalation');
export const reassignEscalationUpdate = defineUpdate<EscalationView, [{ office: string; actor: Actor }]>('reassignEscalation');
export const escalationQuery = defineQuery<EscalationView>('escalation');

// ---------------------------------------------------------------------------------------------
// Renewals export (workflows/renewals-export.ts, activities/export.ts)
// ---------------------------------------------------------------------------------------------
export type ExportTrigger = 'schedule' | 'manual';
export interface ExportCentre {
  code: string;
  name: string;
  mailbox: string;
}
/** Input of the schedule's action: no date, it comes from the action's scheduled time. */
export interface ScheduledRenewalsExportInput {
  service: string;
  /** Zone of the schedule: the scheduled time's local date is the business date. */
  zone: string;
  catchUpDays: number;
  /** Only to run the scheduled path for a given date by hand. */
  date?: string;
}
export interface ScheduledRenewalsExportResult {
  scheduledDate: string;
  scheduledDateIsBusinessDay: boolean;
  runs: { date: string; status: string }[];
}
export interface RenewalsExportInput {
  date: string;
  service: string;
  trigger: ExportTrigger;
  requestedBy: string;
}
export type CentreDeliveryStatus = 'sent' | 'unconfirmed' | 'skipped';
export interface RenewalsExportProgress {
  date: string;
  status: 'starting' | 'running' | 'completed' | 'failed';
  centresTotal: number;
  centresDone: number;
  rows: number;
  centres: { code: string; status: 'pending' | 'exporting' | CentreDeliveryStatus; rows: number | null; alreadyDelivered: boolean }[];
}
export type RenewalsExportResult = RenewalsExportProgress;
export interface PlanRenewalsExportsInput {
  service: string;
  scheduledDate: string;
  today: string;
  catchUpDays: number;
}
export interface PlanRenewalsExportsResult {
  dates: string[];
  scheduledDateIsBusinessDay: boolean;
}
export interface OpenRenewalsExportInput extends RenewalsExportInput {
  workflowId: string;
  runId: string;
}
export interface OpenRenewalsExportResult {
  zone: string;
  centres: ExportCentre[];
  periodStart: number;
  periodEnd: number;
  runs: number;
}
export interface ExportCentreInput {
  date: string;
  service: string;
  zone: string;
  periodStart: number;
  periodEnd: number;
  centre: ExportCentre;
}
export interface ExportCentreResult {
  centre: string;
  status: CentreDeliveryStatus;
  /** Recorded by an earlier run: nothing was built or sent this time. */
  alreadyDelivered: boolean;
  rows: number;
  counts: { inserted: number; confirmed: number; cancelled: number };
  messageId: string | null;
}
export interface CloseRenewalsExportInput {
  date: string;
  runId: string;
  status: 'completed' | 'failed';
  error?: string;
}
export const renewalsExportProgressQuery = defineQuery<RenewalsExportProgress>('renewalsExportProgress');

// ---------------------------------------------------------------------------------------------
// Complaints (workflows/complaint.ts): URU takes a complaint, report or suggestion in charge,
// investigates with internal structures (inquiries) and sends the definitive response.
// ---------------------------------------------------------------------------------------------
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
  /** The clock starts here (epoch ms); the API has already recorded the registration with seq 1. */
  registeredAt: number;
  actor: Actor;
  settings: ComplaintSettings;
}

export interface ComplaintResult {
  reference: string;
  outcome: ComplaintOutcome;
  respondedAt: number;
  breached: boolean;
}

export interface OpenInquiryArgs {
  /** Office code from the catalog, with its name and mailbox resolved by the API. */
  structure: string;
  structureName: string;
  structureMailbox: string;
  question: string;
  /** Epoch ms. */
  dueAt: number;
  actor: Actor;
}

/** What an update returns; the API answers with the PostgreSQL read model, which holds the same. */
export interface ComplaintUpdateResult {
  reference: string;
  status: ComplaintStatus;
  inquiryId?: string;
}

export interface ComplaintDeadline {
  deadlineAt: string | null;
  remainingMs: number;
  clock: ComplaintClock;
  warned: boolean;
  breached: boolean;
}

export const takeChargeComplaintUpdate = defineUpdate<ComplaintUpdateResult, [{ actor: Actor }]>('takeChargeComplaint');
export const openInquiryUpdate = defineUpdate<ComplaintUpdateResult, [OpenInquiryArgs]>('openInquiry');
export const answerInquiryUpdate = defineUpdate<ComplaintUpdateResult, [{ inquiryId: string; findings: string; actor: Actor }]>('answerInquiry');
export const requestInfoUpdate = defineUpdate<ComplaintUpdateResult, [{ question: string; actor: Actor }]>('requestComplaintInfo');
export const requesterInfoUpdate = defineUpdate<ComplaintUpdateResult, [{ info: string; actor: Actor }]>('requesterInfo');
export const respondUpdate = defineUpdate<ComplaintUpdateResult, [{ response?: string; outcome?: ComplaintOutcome; actor: Actor }]>('respondComplaint');
export const complaintDeadlineQuery = defineQuery<ComplaintDeadline>('complaintDeadline');

// ---------------------------------------------------------------------------------------------
// Missed-call forms (workflows/missed-call.ts), started by a contact whose transfer failed
// ---------------------------------------------------------------------------------------------
export const CALLBACK_OUTCOMES = ['reached', 'unreachable', 'not_needed'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

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

export interface MissedCallRequest extends MissedCallForm {
  office: string;
  /** The referent's own mailbox, when the operator asked to notify the referent too. */
  referentEmail?: string;
  actor: Actor;
}

export interface MissedCallInput extends MissedCallRequest {
  id: string;
  contactId: string;
  service: Service;
  /** The form's first transition ('created') is recorded by the contact workflow with seq 1. */
  createdAt: number;
  dueAt: number;
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
}

export interface MissedCallResult {
  outcome: CallbackOutcome;
  note?: string;
  actor: Actor;
}

export const recordCallbackUpdate = defineUpdate<MissedCallView, [{ outcome: CallbackOutcome; note?: string; actor: Actor }]>('recordCallback');
