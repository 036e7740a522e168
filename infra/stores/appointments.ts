import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Db } from '../db';
import type { AppointmentView } from '../../domain/appointments';

/** A slot whose desks are all taken: the booking or the move is refused (409). */
export class SlotFullError extends Error {
  constructor() {
    super('every desk of this slot is taken');
    this.name = 'SlotFullError';
  }
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The appointment's projection row (snake_case columns of `appointments`), written at `at`. */
export function appointmentToRow(v: AppointmentView, at: number): Record<string, unknown> {
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
    updated_at: new Date(at).toISOString(),
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export function appointmentFromRow(r: any, zoneOf: (service: string) => string): AppointmentView {
  // Times in the service's zone, as the workflow writes them.
  const local = (d: Date) => DateTime.fromJSDate(new Date(d), { zone: zoneOf(r.service) }).toISO()!;
  return {
    id: r.id,
    service: r.service,
    applicationType: r.application_type,
    office: r.office,
    location: r.location,
    address: r.address,
    start: local(r.start_at),
    end: local(r.end_at),
    status: r.status,
    citizen: r.citizen ?? {},
    note: r.note,
    contactId: r.contact_id,
    outcomeNote: r.outcome_note,
    cancelReason: r.cancel_reason,
    reschedules: r.reschedules,
    bookedAt: iso(r.booked_at)!,
    remindedAt: iso(r.reminded_at),
    closedAt: iso(r.closed_at),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Takes the first free desk of a slot with one INSERT; the primary key (office, start_at, desk_no)
 * is what forbids a double booking. A racing transaction that took the same desk first makes the
 * insert do nothing: the next statement sees its commit and tries the next desk, until none is left.
 */
export async function takeSeat(trx: Knex | Knex.Transaction, seat: { appointmentId: string; office: string; start: Date; desks: number }): Promise<number> {
  for (let attempt = 0; attempt <= seat.desks; attempt++) {
    const { rows } = await trx.raw(
      `insert into appointment_seats (office, start_at, desk_no, appointment_id)
       select :office, :start, d, :id from generate_series(1, :desks::int) d
        where not exists (select 1 from appointment_seats s where s.office = :office and s.start_at = :start and s.desk_no = d)
        order by d limit 1
       on conflict (office, start_at, desk_no) do nothing
       returning desk_no`,
      { office: seat.office, start: seat.start, id: seat.appointmentId, desks: seat.desks },
    );
    if (rows.length > 0) return rows[0].desk_no as number;
    const [{ taken }] = (await trx('appointment_seats').where({ office: seat.office, start_at: seat.start }).count({ taken: '*' })) as { taken: string }[];
    if (Number(taken) >= seat.desks) break;
  }
  throw new SlotFullError();
}

export interface NewAppointmentRow {
  id: string;
  service: string;
  applicationType: string;
  office: string;
  location: string;
  address: string;
  start: Date;
  end: Date;
  citizen: Record<string, unknown>;
  note?: string;
  contactId?: string;
  bookedAt: Date;
}

export function createAppointmentStore(db: Db, zoneOf: (service: string) => string) {
  const fromRow = (r: unknown) => appointmentFromRow(r, zoneOf);
  return {
    async nextId(now: Date): Promise<string> {
      const { rows } = await db.raw("select nextval('appointment_number_seq') as n");
      return `A-${now.getUTCFullYear()}-${String(rows[0].n).padStart(6, '0')}`;
    },

    /** The appointment row and its desk, in the caller's transaction; SlotFullError when none is free. */
    async book(trx: Knex.Transaction, a: NewAppointmentRow, desks: number): Promise<void> {
      await trx('appointments').insert({
        id: a.id,
        service: a.service,
        application_type: a.applicationType,
        office: a.office,
        location: a.location,
        address: a.address,
        start_at: a.start,
        end_at: a.end,
        status: 'booked',
        citizen: JSON.stringify(a.citizen),
        note: a.note ?? null,
        contact_id: a.contactId ?? null,
        booked_at: a.bookedAt,
        version: 0,
      });
      await takeSeat(trx, { appointmentId: a.id, office: a.office, start: a.start, desks });
    },

    /** Undoes a booking whose workflow could not be started. */
    async forget(id: string): Promise<void> {
      await db('appointments').where({ id, version: 0 }).del();
    },

    /** Moves an appointment's desk to another slot in one transaction: all or nothing. Idempotent. */
    async moveSeat(appointmentId: string, office: string, start: Date, desks: number): Promise<void> {
      await db.transaction(async (trx) => {
        const current = await trx('appointment_seats').where({ appointment_id: appointmentId }).first();
        if (current && new Date(current.start_at).getTime() === start.getTime()) return;
        await trx('appointment_seats').where({ appointment_id: appointmentId }).del();
        await takeSeat(trx, { appointmentId, office, start, desks });
      });
    },

    async releaseSeat(appointmentId: string): Promise<void> {
      await db('appointment_seats').where({ appointment_id: appointmentId }).del();
    },

    /** Desks taken per slot start (epoch ms) in [from, to): the one query behind the free slots. */
    async takenCounts(office: string, from: Date, to: Date): Promise<Map<number, number>> {
      const { rows } = await db.raw(
        'select start_at, count(*)::int as taken from appointment_seats where office = ? and start_at >= ? and start_at < ? group by start_at',
        [office, from, to],
      );
      return new Map((rows as { start_at: Date; taken: number }[]).map((r) => [new Date(r.start_at).getTime(), r.taken]));
    },

    async get(id: string): Promise<AppointmentView | undefined> {
      const row = await db('appointments').where({ id }).first();
      return row ? fromRow(row) : undefined;
    },

    async list(filter: { office?: string; from?: Date; to?: Date; status?: string; limit: number; offset: number }): Promise<AppointmentView[]> {
      const q = db('appointments').orderBy([{ column: 'start_at' }, { column: 'id' }]).limit(filter.limit).offset(filter.offset);
      if (filter.office) q.where({ office: filter.office });
      if (filter.status) q.where({ status: filter.status });
      if (filter.from) q.where('start_at', '>=', filter.from);
      if (filter.to) q.where('start_at', '<', filter.to);
      return (await q).map(fromRow);
    },

    /** Per office, appointments whose slot falls in [from, to): counts by status and the average lead time from the call (or the booking). */
    async monthly(from: Date, to: Date, office?: string) {
      const { rows } = await db.raw(
        `select a.office,
                count(*) filter (where a.status <> 'cancelled')::int as booked,
                count(*) filter (where a.status = 'cancelled')::int as cancelled,
                count(*) filter (where a.status = 'attended')::int as attended,
                count(*) filter (where a.status = 'no_show')::int as no_show,
                count(*) filter (where a.status = 'incomplete')::int as incomplete,
                avg(extract(epoch from (a.start_at - coalesce(c.created_at, a.booked_at)))) filter (where a.status <> 'cancelled') as lead_sec
           from appointments a
           left join contacts c on c.id = a.contact_id
          where a.start_at >= :from and a.start_at < :to ${office ? 'and a.office = :office' : ''}
          group by a.office`,
        { from, to, ...(office ? { office } : {}) },
      );
      /* eslint-disable @typescript-eslint/no-explicit-any */
      return (rows as any[]).map((r) => ({
        office: r.office as string,
        booked: r.booked as number,
        cancelled: r.cancelled as number,
        attended: r.attended as number,
        noShow: r.no_show as number,
        incomplete: r.incomplete as number,
        leadTimeAvgHours: r.lead_sec === null ? null : Math.round((Number(r.lead_sec) / 3600) * 10) / 10,
      }));
      /* eslint-enable @typescript-eslint/no-explicit-any */
    },
  };
}

export type AppointmentStore = ReturnType<typeof createAppointmentStore>;
