/**
 * One citizen's appointment at an office's desk, from booking to what happened at the desk.
 *
 * booked → reminded (at the configured hour of the business day before) → attended / no_show /
 * incomplete (recorded by the office); or cancelled (the desk is freed) or rescheduled (the desk
 * moves atomically and the reminder is planned again). The desk itself lives in PostgreSQL
 * (`appointment_seats`): the API took it before starting this workflow, activities move or free it.
 * A citizen with an email is told of each step, with an .ics calendar entry.
 */
import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import { createRecorder, forbidden, refuse, rulesOf } from './kit';
import { SYSTEM_ACTOR, type Actor } from '../domain/actor';
import { ACTIVE_STATUSES, AppointmentStatus, agendaOf, applicationTypeOf, isoLocal, localDay, reminderInstant } from '../domain/appointments';
import {
  AppointmentInput,
  AppointmentResult,
  AppointmentView,
  appointmentOutcomeUpdate,
  appointmentQuery,
  cancelAppointmentUpdate,
  registerAppointmentUpdate,
  rescheduleAppointmentUpdate,
} from './appointment.contract';

const { notify, moveAppointmentSeat, releaseAppointmentSeat } = proxyActivities<Activities>(durableActivity);

export async function appointmentWorkflow(input: AppointmentInput): Promise<AppointmentResult> {
  // Registered before anything is awaited: the booking's update-with-start waits for the first record.
  let registered = false;
  setHandler(registerAppointmentUpdate, async () => {
    await condition(() => registered);
    return view();
  });
  // The rules the booking was made with (its catalog version), fetched once.
  const { service, calendar } = await rulesOf(input);
  const settings = service.appointments!;
  const zone = service.calendar.zone;
  const agenda = agendaOf(service, input.office)!;
  const type = applicationTypeOf(service, input.applicationType)!;
  const office = service.offices.find((o) => o.code === input.office)!;

  const s = {
    status: 'booked' as AppointmentStatus,
    start: input.start,
    end: input.end,
    /** Bumped by every reschedule: the reminder loop re-plans. */
    plan: 0,
    reschedules: 0,
    remindedAt: null as number | null,
    closedAt: null as number | null,
    outcomeNote: null as string | null,
    cancelReason: null as string | null,
  };
  const isActive = () => ACTIVE_STATUSES.includes(s.status);
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

  const view = (): AppointmentView => ({
    id: input.id,
    service: service.code,
    applicationType: type.code,
    office: input.office,
    location: agenda.location,
    address: agenda.address,
    start: isoLocal(s.start, zone),
    end: isoLocal(s.end, zone),
    status: s.status,
    citizen: input.citizen,
    note: input.note ?? null,
    contactId: input.contactId ?? null,
    outcomeNote: s.outcomeNote,
    cancelReason: s.cancelReason,
    reschedules: s.reschedules,
    bookedAt: new Date(input.bookedAt).toISOString(),
    remindedAt: iso(s.remindedAt),
    closedAt: iso(s.closedAt),
  });

  const recorder = createRecorder({
    entityType: 'appointment',
    entityId: input.id,
    projection: () => ({ entity: 'appointment', view: view() }),
    searchable: () => ({ service: service.code, office: input.office, status: s.status }),
  });
  const record = async (action: string, actor: Actor, payload: Record<string, unknown> = {}) => {
    await recorder.record(action, actor, payload);
    return view();
  };

  /** Tells the citizen (if they gave an email); `step` makes the email's idempotency key. */
  const tellCitizen = async (template: 'appointment-confirmed' | 'appointment-reminder' | 'appointment-rescheduled' | 'appointment-cancelled', step: string) => {
    const email = input.citizen.email;
    if (!email) return;
    await notify({
      key: `appointment:${input.id}/${step}`,
      to: [email],
      template,
      data: {
        appointmentId: input.id,
        serviceName: service.name,
        zone,
        applicationTypeName: type.name,
        documents: type.documents,
        officeName: office.name,
        officeMailbox: office.mailbox,
        location: agenda.location,
        address: agenda.address,
        start: s.start,
        end: s.end,
        // The .ics SEQUENCE: a calendar replaces the earlier entry of the same UID.
        sequence: s.reschedules + (s.status === 'cancelled' ? 1 : 0),
        cancelReason: s.cancelReason,
      },
    });
  };

  const mustBeActive = () => {
    if (!isActive()) throw refuse(`appointment ${input.id} is ${s.status}`);
  };
  const mustBeOwnOffice = (actor: Actor) => {
    if (actor.role === 'office' && actor.office !== input.office) throw forbidden(`appointment ${input.id} belongs to office ${input.office}`);
  };

  setHandler(appointmentQuery, view);

  setHandler(
    cancelAppointmentUpdate,
    async ({ reason, actor }) => {
      await releaseAppointmentSeat({ appointmentId: input.id });
      s.status = 'cancelled';
      s.cancelReason = reason;
      s.closedAt = Date.now();
      const v = await record('cancelled', actor, { reason });
      await tellCitizen('appointment-cancelled', 'cancelled');
      return v;
    },
    {
      validator: ({ actor }) => {
        mustBeActive();
        mustBeOwnOffice(actor);
      },
    },
  );

  setHandler(
    rescheduleAppointmentUpdate,
    async ({ start, end, actor }) => {
      const from = s.start;
      try {
        await moveAppointmentSeat({ appointmentId: input.id, office: input.office, start, desks: agenda.desks });
      } catch (err) {
        // A full slot is the caller's conflict, not a failure of the workflow.
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw refuse(err.cause.message);
        throw err;
      }
      s.start = start;
      s.end = end;
      s.status = 'rescheduled';
      s.remindedAt = null;
      s.reschedules++;
      const v = await record('rescheduled', actor, { from: isoLocal(from, zone), to: isoLocal(start, zone) });
      await tellCitizen('appointment-rescheduled', `rescheduled-${s.reschedules}`);
      // Only now the reminder is planned again: the notice of the new time goes first.
      s.plan++;
      return v;
    },
    {
      validator: ({ start, actor }) => {
        mustBeActive();
        mustBeOwnOffice(actor);
        if (start === s.start) throw refuse(`appointment ${input.id} is already at that time`);
      },
    },
  );

  setHandler(
    appointmentOutcomeUpdate,
    async ({ outcome, note, actor }) => {
      // The desk stays taken: a no-show frees nothing retroactively, it is counted.
      s.status = outcome;
      s.outcomeNote = note ?? null;
      s.closedAt = Date.now();
      return record('outcome-recorded', actor, { outcome, ...(note ? { note } : {}) });
    },
    {
      validator: ({ actor }) => {
        mustBeActive();
        mustBeOwnOffice(actor);
      },
    },
  );

  // --- booked --------------------------------------------------------------------------------
  await record('booked', input.actor, { applicationType: type.code, office: input.office, start: isoLocal(s.start, zone), ...(input.contactId ? { contactId: input.contactId } : {}) });
  registered = true;
  await tellCitizen('appointment-confirmed', 'confirmed');

  // --- the reminder, planned again after every reschedule, until an outcome or a cancel -----
  // Booked after the reminder's moment (the evening or weekend before): reminded at once, unless
  // booked on the appointment's own day, when the confirmation says it all.
  while (isActive()) {
    const plan = s.plan;
    const at = reminderInstant(settings, calendar, zone, s.start);
    const changed = () => s.plan !== plan || !isActive();
    const bookedOnTheDay = localDay(Date.now(), zone) === localDay(s.start, zone);
    if (at === undefined || s.remindedAt !== null || (at <= Date.now() && bookedOnTheDay)) {
      await condition(changed);
      continue;
    }
    if (at > Date.now() && (await condition(changed, at - Date.now()))) continue;
    s.status = 'reminded';
    s.remindedAt = Date.now();
    await record('reminded', SYSTEM_ACTOR);
    await tellCitizen('appointment-reminder', `reminder-${s.reschedules}`);
  }

  await condition(allHandlersFinished);
  return { status: s.status };
}
