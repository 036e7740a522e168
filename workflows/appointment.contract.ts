/**
 * Messages and payloads of the appointment lifecycle (workflows/appointment.ts) and of the offices'
 * daily list (workflows/appointment-daily-list.ts). Pure: imported by the API and the worker too.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Service } from '../domain/catalog';
import type { AppointmentOutcome, AppointmentStatus } from '../domain/appointments';
import type { Actor } from './definitions';

export const appointmentWorkflowId = (appointmentId: string) => `appointment:${appointmentId}`;
/** One daily-list run per service and local day: a second run of the same day sends nothing new. */
export const appointmentDailyListWorkflowId = (service: string) => `appointment-daily-list:${service}`;

export interface Citizen {
  surname: string;
  name: string;
  taxCode?: string;
  phone?: string;
  email?: string;
}

export interface AppointmentInput {
  id: string;
  /** The service's catalog entry at booking: its calendar, agendas and application types. */
  service: Service;
  applicationType: string;
  office: string;
  /** Epoch ms of the booked slot (the desk is already taken in PostgreSQL by the API). */
  start: number;
  end: number;
  citizen: Citizen;
  note?: string;
  /** The contact the operator booked from, if any. */
  contactId?: string;
  bookedAt: number;
  actor: Actor;
}

export interface AppointmentView {
  id: string;
  service: string;
  applicationType: string;
  office: string;
  location: string;
  address: string;
  start: string;
  end: string;
  status: AppointmentStatus;
  citizen: Citizen;
  note: string | null;
  contactId: string | null;
  outcomeNote: string | null;
  cancelReason: string | null;
  reschedules: number;
  bookedAt: string;
  remindedAt: string | null;
  closedAt: string | null;
}

export interface AppointmentResult {
  status: AppointmentStatus;
}

export const registerAppointmentUpdate = defineUpdate<AppointmentView, [Record<string, never>]>('registerAppointment');
export const cancelAppointmentUpdate = defineUpdate<AppointmentView, [{ reason: string; actor: Actor }]>('cancelAppointment');
/** The API has checked the new slot against the agenda; the workflow moves the desk atomically. */
export const rescheduleAppointmentUpdate = defineUpdate<AppointmentView, [{ start: number; end: number; actor: Actor }]>('rescheduleAppointment');
export const appointmentOutcomeUpdate = defineUpdate<AppointmentView, [{ outcome: AppointmentOutcome; note?: string; actor: Actor }]>('appointmentOutcome');
export const appointmentQuery = defineQuery<AppointmentView>('appointment');

export interface AppointmentDailyListInput {
  service: Service;
}
export interface AppointmentDailyListResult {
  day: string;
  /** Offices whose list was sent (or had been sent already) today. */
  offices: string[];
}

/** The appointment's projection row (snake_case columns of `appointments`). */
export function appointmentRow(v: AppointmentView): Record<string, unknown> {
  return {
    id: v.id,
    service: v.service,
    application_type: v.applicationType,
    office: v.office,
    location: v.location,
    address: v.address,
    start_at: v.start,
    end_at: v.end,
    status: v.status,
    citizen: v.citizen,
    note: v.note,
    contact_id: v.contactId,
    outcome_note: v.outcomeNote,
    cancel_reason: v.cancelReason,
    reschedules: v.reschedules,
    booked_at: v.bookedAt,
    reminded_at: v.remindedAt,
    closed_at: v.closedAt,
    updated_at: new Date(Date.now()).toISOString(),
  };
}
