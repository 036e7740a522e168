/**
 * Messages and payloads of the appointment lifecycle (workflows/appointment.ts) and of the offices'
 * daily list (workflows/appointment-daily-list.ts). Pure: imported by the API and the worker too.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AppointmentOutcome, AppointmentStatus, AppointmentView, Citizen } from '../domain/appointments';

export type { AppointmentView, Citizen };
import type { Actor } from '../domain/actor';

export const appointmentWorkflowId = (appointmentId: string) => `appointment:${appointmentId}`;
/** One daily-list run per service and local day: a second run of the same day sends nothing new. */
export const appointmentDailyListWorkflowId = (service: string) => `appointment-daily-list:${service}`;


export interface AppointmentInput {
  id: string;
  /** The service's code and catalog version at booking: its calendar, agendas and application types. */
  service: string;
  catalogVersion: string;
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
  /** The service's code and the catalog version the worker that set up the schedule runs with. */
  service: string;
  catalogVersion: string;
}
export interface AppointmentDailyListResult {
  day: string;
  /** Offices whose list was sent (or had been sent already) today. */
  offices: string[];
}

