import { Router, Request } from 'express';
import { z } from 'zod';
import { DateTime } from 'luxon';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { AppDeps } from '../app';
import { actorOf, assertOfficeAccess, auth, requireRole, scopedOffice } from '../auth';
import { Problem, conflict, invalidField, notFound, parseOr400 } from '../errors';
import { idempotencyKeyOf, resolveIdempotentId } from '../idempotency';
import { paginationSchema } from '../pagination';
import type { Service } from '../../domain/catalog';
import { APPOINTMENT_STATUSES, OUTCOMES, SlotRefusal, agendaOf, applicationTypeOf, checkSlot, daysBetween, freeSlots, offeredSeats } from '../../domain/appointments';
import { createAppointmentStore, SlotFullError } from '../../infra/stores/appointments';
import { createContactStore } from '../../infra/stores/contacts';
import { resolveContactUpdate, workflowId } from '../../workflows/definitions';
import { appointmentWorkflow } from '../../workflows/appointment';
import {
  AppointmentInput,
  appointmentOutcomeUpdate,
  appointmentWorkflowId,
  cancelAppointmentUpdate,
  registerAppointmentUpdate,
  rescheduleAppointmentUpdate,
} from '../../workflows/appointment.contract';
import { idPath, operation, type ApiPaths } from '../openapi-kit';

const text = (max: number) => z.string().trim().min(1).max(max);
const code = text(50);
const day = z.iso.date();
const instant = z.iso.datetime({ offset: true });

const slotsQuerySchema = z
  .object({ service: code, applicationType: code, office: code.optional(), from: day, to: day })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'must not be before from', path: ['to'] })
  .refine((q) => daysBetween(q.from, q.to).length <= 92, { message: 'at most 92 days from from', path: ['to'] });

const citizenSchema = z
  .object({
    surname: text(100),
    name: text(100),
    taxCode: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{11,16}$/, 'expected a tax code').optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ./-]{3,30}$/, 'expected a phone number').optional(),
    email: z.email().optional(),
  })
  .strict();

const bookSchema = z
  .object({ service: code, applicationType: code, office: code, start: instant, citizen: citizenSchema, note: text(2000).optional(), contactId: text(50).optional() })
  .strict();
const listSchema = paginationSchema.extend({ office: code.optional(), date: day.optional(), from: day.optional(), to: day.optional(), status: z.enum(APPOINTMENT_STATUSES).optional() }).strict();
const cancelSchema = z.object({ reason: text(1000) }).strict();
const rescheduleSchema = z.object({ start: instant }).strict();
const outcomeSchema = z.object({ outcome: z.enum(OUTCOMES), note: text(2000).optional() }).strict();
const reportSchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'), office: code.optional() }).strict();

const refused = (r: SlotRefusal) => new Problem(r.status, r.status === 400 ? 'Bad Request' : 'Unprocessable Content', `${r.field}: ${r.message}`, [{ field: r.field, message: r.message }]);

/** Appointments: free slots, booking without double booking, changes, outcomes and the monthly report. */
export function appointmentsRouter(deps: AppDeps): Router {
  const router = Router();
  const zoneOf = (code: string) => deps.catalog.service(code)?.calendar.zone ?? 'UTC';
  const store = createAppointmentStore(deps.db, zoneOf);
  const contacts = createContactStore(deps.db);

  const appointmentService = (code: string, field = 'service'): Service => {
    const service = deps.catalog.service(code);
    if (!service) throw invalidField(field, `unknown service ${code}`);
    if (!service.appointments) throw invalidField(field, `service ${code} takes no appointments`);
    return service;
  };
  const load = async (req: Request) => {
    const id = req.params.id;
    if (typeof id !== 'string') throw notFound('No such appointment');
    const a = await store.get(id);
    if (!a) throw notFound(`No appointment ${id}`);
    assertOfficeAccess(req, a.office);
    return a;
  };

  router.get('/appointments/slots', requireRole('operator', 'integrator', 'office', 'supervisor'), async (req, res) => {
    const q = parseOr400(slotsQuerySchema, req.query);
    const service = appointmentService(q.service);
    const type = applicationTypeOf(service, q.applicationType);
    if (!type) throw invalidField('applicationType', `unknown application type ${q.applicationType} for service ${service.code}`);
    const agendas = q.office ? [agendaOf(service, q.office)] : service.appointments!.agendas;
    if (agendas[0] === undefined) throw invalidField('office', `office ${q.office} has no agenda in service ${service.code}`);
    const zone = service.calendar.zone;
    const from = DateTime.fromISO(q.from, { zone });
    const to = DateTime.fromISO(q.to, { zone }).plus({ days: 1 });
    const items = [];
    for (const agenda of agendas) {
      const taken = await store.takenCounts(agenda!.office, from.toJSDate(), to.toJSDate());
      items.push(...freeSlots({ service, agenda: agenda!, type, from: q.from, to: q.to, now: Date.now(), taken }));
    }
    items.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.office.localeCompare(b.office));
    res.json({ items });
  });

  router.post('/appointments', requireRole('operator', 'integrator'), async (req, res) => {
    const body = parseOr400(bookSchema, req.body);
    const service = appointmentService(body.service);
    const start = Date.parse(body.start);
    const checked = checkSlot(service, body.applicationType, body.office, start, Date.now());
    if ('refusal' in checked) throw refused(checked.refusal);
    if (body.contactId) {
      const contact = await contacts.get(body.contactId);
      if (!contact || contact.service !== service.code) throw invalidField('contactId', `no contact ${body.contactId} of service ${service.code}`);
      if (contact.status !== 'triage') throw conflict(`contact ${body.contactId} is ${contact.status}`);
    }
    const key = idempotencyKeyOf(req);
    const proposed = await store.nextId(new Date());
    const actor = actorOf(req);
    // The key, the appointment row and its desk are written together: a refused booking leaves nothing.
    let id = proposed;
    try {
      const replayed = await deps.db.transaction(async (trx) => {
        if (key) {
          const bound = await resolveIdempotentId(trx, `appointments:${auth(req).keyId}`, key, proposed);
          id = bound.id;
          // A key whose booking was undone (its workflow could not start) books again under its id.
          if (bound.replay && (await trx('appointments').where({ id }).first())) return true;
        }
        await store.book(
          trx,
          {
            id,
            service: service.code,
            applicationType: checked.type.code,
            office: body.office,
            location: checked.agenda.location,
            address: checked.agenda.address,
            start: new Date(checked.slot.start),
            end: new Date(checked.slot.end),
            citizen: body.citizen,
            note: body.note,
            contactId: body.contactId,
            bookedAt: new Date(),
          },
          checked.agenda.desks,
        );
        return false;
      });
      if (replayed) return void res.status(200).setHeader('Idempotent-Replayed', 'true').json(await store.get(id));
    } catch (err) {
      if (err instanceof SlotFullError) throw conflict(`every desk of office ${body.office} is taken at ${body.start}`);
      throw err;
    }
    const input: AppointmentInput = {
      id,
      service: service.code,
      catalogVersion: deps.catalog.version,
      applicationType: checked.type.code,
      office: body.office,
      start: checked.slot.start,
      end: checked.slot.end,
      citizen: body.citizen,
      note: body.note,
      contactId: body.contactId,
      bookedAt: Date.now(),
      actor,
    };
    let view;
    try {
      view = await deps.temporal.workflow.executeUpdateWithStart(registerAppointmentUpdate, {
        args: [{}],
        startWorkflowOperation: new WithStartWorkflowOperation(appointmentWorkflow, {
          workflowId: appointmentWorkflowId(id),
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      });
    } catch (err) {
      // No workflow, no booking: the desk is given back (only a row the workflow never wrote).
      await store.forget(id);
      throw err;
    }
    if (body.contactId) {
      // The contact closes with the appointment's reference as its first-level answer.
      await deps.temporal.workflow
        .getHandle(workflowId.contact(body.contactId))
        .executeUpdate(resolveContactUpdate, { args: [{ answer: `Prenotato l'appuntamento ${id} (${checked.agenda.location}, ${view.start}).`, actor }] });
    }
    res.status(201).json(view);
  });

  router.get('/appointments', requireRole('office', 'operator', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const office = scopedOffice(req, q.office);
    const zone = office ? (deps.catalog.servicesOfOffice(office).find((s) => s.appointments)?.calendar.zone ?? 'UTC') : (deps.catalog.services.find((s) => s.appointments)?.calendar.zone ?? 'UTC');
    const fromDay = q.date ?? q.from;
    const toDay = q.date ?? q.to;
    const from = fromDay ? DateTime.fromISO(fromDay, { zone }).toJSDate() : undefined;
    const to = toDay ? DateTime.fromISO(toDay, { zone }).plus({ days: 1 }).toJSDate() : undefined;
    res.json({ items: await store.list({ office, status: q.status, from, to, limit: q.limit, offset: q.offset }) });
  });

  router.get('/appointments/:id', requireRole('office', 'operator', 'supervisor'), async (req, res) => {
    res.json(await load(req));
  });

  router.post('/appointments/:id/cancel', requireRole('operator', 'integrator', 'office'), async (req, res) => {
    const body = parseOr400(cancelSchema, req.body);
    const a = await load(req);
    const handle = deps.temporal.workflow.getHandle(appointmentWorkflowId(a.id));
    res.json(await handle.executeUpdate(cancelAppointmentUpdate, { args: [{ reason: body.reason, actor: actorOf(req) }] }));
  });

  router.post('/appointments/:id/reschedule', requireRole('operator', 'integrator', 'office'), async (req, res) => {
    const body = parseOr400(rescheduleSchema, req.body);
    const a = await load(req);
    const service = deps.catalog.service(a.service)!;
    const checked = checkSlot(service, a.applicationType, a.office, Date.parse(body.start), Date.now());
    if ('refusal' in checked) throw refused(checked.refusal);
    const handle = deps.temporal.workflow.getHandle(appointmentWorkflowId(a.id));
    res.json(await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ start: checked.slot.start, end: checked.slot.end, actor: actorOf(req) }] }));
  });

  router.post('/appointments/:id/outcome', requireRole('office', 'supervisor'), async (req, res) => {
    const body = parseOr400(outcomeSchema, req.body);
    const a = await load(req);
    const handle = deps.temporal.workflow.getHandle(appointmentWorkflowId(a.id));
    res.json(await handle.executeUpdate(appointmentOutcomeUpdate, { args: [{ outcome: body.outcome, note: body.note, actor: actorOf(req) }] }));
  });

  // Per month and office: desk-slots offered, bookings and what happened at the desk.
  router.get('/reports/appointments', requireRole('supervisor', 'office'), async (req, res) => {
    const q = parseOr400(reportSchema, req.query);
    const office = scopedOffice(req, q.office);
    const agendas = deps.catalog.services.flatMap((service) => (service.appointments?.agendas ?? []).map((agenda) => ({ service, agenda })));
    if (office && !agendas.some((a) => a.agenda.office === office)) throw invalidField('office', `office ${office} has no agenda`);
    const items = [];
    for (const { service, agenda } of agendas.filter((a) => !office || a.agenda.office === office)) {
      const zone = service.calendar.zone;
      const first = DateTime.fromISO(`${q.month}-01`, { zone });
      const last = first.endOf('month').toISODate()!;
      const [figures] = await store.monthly(first.toJSDate(), first.plus({ months: 1 }).toJSDate(), agenda.office);
      const offered = offeredSeats(service, agenda, first.toISODate()!, last);
      const booked = figures?.booked ?? 0;
      items.push({
        service: service.code,
        office: agenda.office,
        offered,
        booked,
        cancelled: figures?.cancelled ?? 0,
        attended: figures?.attended ?? 0,
        noShow: figures?.noShow ?? 0,
        incomplete: figures?.incomplete ?? 0,
        fillRatePct: offered ? Math.round((booked / offered) * 1000) / 10 : null,
        leadTimeAvgHours: figures?.leadTimeAvgHours ?? null,
      });
    }
    res.json({ month: q.month, items });
  });

  return router;
}

/** Example dates relative to now, so the examples never go stale. */
const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const startIn = (days: number) => `${dayIn(days)}T09:00:00+01:00`;
const byId = { tag: 'appointments', path: idPath, errors: [404, 409] } as const;
const notBooked = { path: { id: 'no-such-appointment' } };
/** OpenAPI description of the routes above. */
export const appointmentsPaths: ApiPaths = {
  '/appointments/slots': {
    get: operation({ tag: 'appointments', summary: 'Free slots of an application type between two days (at most 92), at one office or all its agendas', roles: ['operator', 'integrator', 'office', 'supervisor'], query: slotsQuerySchema, ok: { 200: 'The free slots, by start and office' }, example: { query: { service: 'APIAE', applicationType: 'ENERGIA-RISPARMIO', office: 'APIAE-ENERGIA', from: dayIn(7), to: dayIn(13) }, as: { role: 'operator' }, status: 200 } }),
  },
  '/appointments': {
    post: operation({ tag: 'appointments', summary: 'Book a free slot (Idempotency-Key honoured); 409 when every desk is taken, 422 when the slot cannot be booked (past, closed day, no such slot, type not open or not at that office)', roles: ['operator', 'integrator'], body: bookSchema, ok: { 201: 'The appointment', 200: 'Replayed for the same Idempotency-Key' }, errors: [409, 422], example: { body: { service: 'APIAE', applicationType: 'AMIANTO', office: 'APIAE-ENERGIA', start: startIn(14), citizen: { surname: 'Verdi', name: 'Anna', taxCode: 'VRDNNA80A41L378X', phone: '+39 0461 000000', email: 'anna.verdi@example.org' }, note: 'Porta i preventivi' }, as: { role: 'operator' }, status: 422 } }),
    get: operation({ tag: 'appointments', summary: 'Appointments by office, day (date) or days (from, to) and status; an office key sees its own', roles: ['office', 'operator', 'supervisor'], query: listSchema, ok: { 200: 'The appointments' }, example: { query: { office: 'APIAE-ENERGIA', from: dayIn(0), to: dayIn(30), status: 'booked' }, as: { role: 'supervisor' }, status: 200 } }),
  },
  '/appointments/{id}': {
    get: operation({ ...byId, errors: [404], summary: 'An appointment', roles: ['office', 'operator', 'supervisor'], ok: { 200: 'The appointment' }, example: { ...notBooked, as: { role: 'supervisor' }, status: 404 } }),
  },
  '/appointments/{id}/cancel': {
    post: operation({ ...byId, summary: 'Cancel an appointment (its desk is freed)', roles: ['operator', 'integrator', 'office'], body: cancelSchema, ok: { 200: 'The appointment' }, example: { ...notBooked, body: { reason: 'Il cittadino non può venire' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/appointments/{id}/reschedule': {
    post: operation({ ...byId, errors: [404, 409, 422], summary: 'Move an appointment to another free slot; 422 when the slot cannot be booked', roles: ['operator', 'integrator', 'office'], body: rescheduleSchema, ok: { 200: 'The appointment' }, example: { ...notBooked, body: { start: startIn(21) }, as: { role: 'operator' }, status: 404 } }),
  },
  '/appointments/{id}/outcome': {
    post: operation({ ...byId, summary: 'Record what happened at the desk', roles: ['office', 'supervisor'], body: outcomeSchema, ok: { 200: 'The appointment' }, example: { ...notBooked, body: { outcome: 'attended' }, as: { role: 'supervisor' }, status: 404 } }),
  },
  '/reports/appointments': {
    get: operation({ tag: 'reports', summary: 'The month’s appointments by office: desk-slots offered, booked, cancelled, attended, no-shows, fill rate and lead time; an office key sees its own', roles: ['supervisor', 'office'], query: reportSchema, ok: { 200: 'The report' }, example: { query: { month: '2026-03', office: 'APIAE-ENERGIA' }, as: { role: 'supervisor' }, status: 200 } }),
  },
};
