import { ApplicationFailure } from '@temporalio/activity';
import { DateTime } from 'luxon';
import type { Db } from '../infra/db';
import type { ServiceCatalog } from '../domain/catalog';
import { createAppointmentStore, SlotFullError } from '../infra/stores/appointments';

export interface DailyListItem {
  id: string;
  start: number;
  end: number;
  applicationType: string;
  citizen: string;
  status: string;
}

/** The desks of the appointment workflows, kept in PostgreSQL (see infra/stores/appointments.ts). */
export function createAppointmentActivities(deps: { db: Db; catalog: ServiceCatalog }) {
  const store = createAppointmentStore(deps.db, (code) => deps.catalog.service(code)?.calendar.zone ?? 'UTC');
  return {
    /** Moves the appointment's desk to `start` in one transaction; a full slot is a non-retryable SlotFull. */
    async moveAppointmentSeat(input: { appointmentId: string; office: string; start: number; desks: number }): Promise<void> {
      try {
        await store.moveSeat(input.appointmentId, input.office, new Date(input.start), input.desks);
      } catch (err) {
        if (err instanceof SlotFullError) throw ApplicationFailure.nonRetryable('every desk of the new slot is taken', 'SlotFull');
        throw err;
      }
    },
    async releaseAppointmentSeat(input: { appointmentId: string }): Promise<void> {
      await store.releaseSeat(input.appointmentId);
    },
    /** The office's appointments of a local day, cancelled ones left out. */
    async listAppointmentsOfDay(input: { office: string; day: string; zone: string }): Promise<{ items: DailyListItem[] }> {
      const from = DateTime.fromISO(input.day, { zone: input.zone });
      const rows = await store.list({ office: input.office, from: from.toJSDate(), to: from.plus({ days: 1 }).toJSDate(), limit: 1000, offset: 0 });
      return {
        items: rows
          .filter((r) => r.status !== 'cancelled')
          .map((r) => ({ id: r.id, start: Date.parse(r.start), end: Date.parse(r.end), applicationType: r.applicationType, citizen: `${r.citizen.surname} ${r.citizen.name}`, status: r.status })),
      };
    },
  };
}
