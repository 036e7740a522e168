import { DateTime, Duration } from 'luxon';
import type { Agenda, ApplicationType, AppointmentSettings, Service } from './catalog';
import { businessCalendar, BusinessCalendar } from './business-calendar';

/**
 * Appointment rules over the catalog's agendas: pure and deterministic (the appointment workflow
 * uses them too). Local days and desk hours are wall-clock times in the service calendar's zone,
 * so a slot is always "09:00 in Trento" whatever the DST offset; times are epoch milliseconds.
 */

export const APPOINTMENT_STATUSES = ['booked', 'reminded', 'rescheduled', 'attended', 'no_show', 'incomplete', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export const OUTCOMES = ['attended', 'no_show', 'incomplete'] as const;
export type AppointmentOutcome = (typeof OUTCOMES)[number];
/** Statuses in which the appointment still holds its desk and may change. */
/** The citizen who booked (personal data: never logged). */
export interface Citizen {
  surname: string;
  name: string;
  taxCode?: string;
  phone?: string;
  email?: string;
}

/** An appointment as the API shows it and the workflow projects it. */
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

export const ACTIVE_STATUSES: readonly AppointmentStatus[] = ['booked', 'reminded', 'rescheduled'];

export interface Slot {
  start: number;
  end: number;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const minutesOf = (clock: string) => {
  const [h, m] = clock.split(':').map(Number);
  return h * 60 + m;
};

/** The local day 'YYYY-MM-DD' of an instant in `zone`. */
export function localDay(t: number, zone: string): string {
  return DateTime.fromMillis(t, { zone }).toISODate()!;
}

/** Wall-clock minutes of a day as if in UTC (the instant is this minus the zone's offset). */
const wallClock = (day: string, minutes: number) => Date.parse(`${day}T00:00:00Z`) + minutes * 60_000;

// Slot arithmetic runs for every slot of every searched day: one cached Intl formatter per zone
// instead of a luxon DateTime per instant (about 20 times cheaper).
const formatters = new Map<string, Intl.DateTimeFormat>();
/** The zone's offset from UTC at instant t, in ms. */
function offsetAt(t: number, zone: string): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** The instant of a local wall-clock time, or undefined when a DST change skips it. */
function localInstant(day: string, minutes: number, zone: string): number | undefined {
  const wall = wallClock(day, minutes);
  const guess = wall - offsetAt(wall, zone);
  const t = wall - offsetAt(guess, zone);
  return t + offsetAt(t, zone) === wall ? t : undefined;
}

/** isBusinessDay per calendar and day, remembered: the same days are searched again and again. */
const businessDays = new WeakMap<BusinessCalendar, Map<string, boolean>>();
function isBusinessDay(calendar: BusinessCalendar, day: string): boolean {
  let memo = businessDays.get(calendar);
  if (!memo) businessDays.set(calendar, (memo = new Map()));
  let open = memo.get(day);
  if (open === undefined) memo.set(day, (open = calendar.isBusinessDay(day)));
  return open;
}

/** One calendar per catalog calendar entry (the catalog lives as long as the process). */
const calendars = new WeakMap<object, BusinessCalendar>();
export function calendarOf(service: Service): BusinessCalendar {
  let calendar = calendars.get(service.calendar);
  if (!calendar) calendars.set(service.calendar, (calendar = businessCalendar(service.calendar)));
  return calendar;
}

/** Days from `from` to `to` inclusive ('YYYY-MM-DD'). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), last = Date.parse(`${to}T00:00:00Z`); t <= last; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export function agendaOf(service: Service, office: string): Agenda | undefined {
  return service.appointments?.agendas.find((a) => a.office === office);
}

export function applicationTypeOf(service: Service, code: string): ApplicationType | undefined {
  return service.appointments?.applicationTypes.find((t) => t.code === code);
}

/** The type is taken on that local day (inside its open period). */
export function isTypeOpenOn(type: ApplicationType, day: string): boolean {
  return type.openFrom <= day && day <= type.openTo;
}

/** The type is booked at this agenda's office. */
export function typeServesOffice(type: ApplicationType, office: string): boolean {
  return !type.offices || type.offices.includes(office);
}

/**
 * The slots of one agenda on one local day: the desk hours cut by the slot length, none on a day
 * the service calendar closes (holidays, closed dates, days without a window), none overlapping a
 * closure of the agenda. A slot that does not fit before the end of the desk hours is not offered.
 */
export function agendaSlotsOn(agenda: Agenda, calendar: BusinessCalendar, zone: string, day: string): Slot[] {
  return agendaDay(agenda, calendar, zone, day).slots;
}

interface AgendaDay {
  slots: Slot[];
  /** The zone's offset (ms) for every slot of the day, or undefined when a DST change falls inside. */
  offset: number | undefined;
}

/** A day of an agenda, remembered per calendar and agenda (pure, so the memo is safe anywhere). */
const agendaDays = new WeakMap<BusinessCalendar, WeakMap<Agenda, Map<string, AgendaDay>>>();
function agendaDay(agenda: Agenda, calendar: BusinessCalendar, zone: string, day: string): AgendaDay {
  let byAgenda = agendaDays.get(calendar);
  if (!byAgenda) agendaDays.set(calendar, (byAgenda = new WeakMap()));
  let memo = byAgenda.get(agenda);
  if (!memo) byAgenda.set(agenda, (memo = new Map()));
  let entry = memo.get(`${zone}|${day}`);
  if (!entry) {
    const slots = computeSlots(agenda, calendar, zone, day);
    const offset = slots.length ? offsetAt(slots[0].start, zone) : undefined;
    entry = { slots, offset: offset !== undefined && offsetAt(slots[slots.length - 1].end, zone) === offset ? offset : undefined };
    memo.set(`${zone}|${day}`, entry);
  }
  return entry;
}

function computeSlots(agenda: Agenda, calendar: BusinessCalendar, zone: string, day: string): Slot[] {
  if (!isBusinessDay(calendar, day)) return [];
  const weekday = WEEKDAYS[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7];
  const closures = agenda.closures.filter((c) => c.date === day).map((c) => [c.from ? minutesOf(c.from) : 0, c.to ? minutesOf(c.to) : 24 * 60] as const);
  const slots: Slot[] = [];
  for (const w of agenda.weekly) {
    if (!w.days.includes(weekday)) continue;
    const from = minutesOf(w.from);
    const until = minutesOf(w.to);
    // The offset only at both ends of the desk hours: the same at both ends, no DST change falls
    // inside and every slot is wall clock minus that offset; otherwise each slot is resolved.
    const first = localInstant(day, from, zone);
    const last = localInstant(day, until, zone);
    const offset = first !== undefined && last !== undefined && wallClock(day, from) - first === wallClock(day, until) - last ? wallClock(day, from) - first : undefined;
    for (let m = from; m + agenda.slotMinutes <= until; m += agenda.slotMinutes) {
      const endMinutes = m + agenda.slotMinutes;
      if (closures.some(([cFrom, cTo]) => m < cTo && cFrom < endMinutes)) continue;
      const start = offset !== undefined ? wallClock(day, m) - offset : localInstant(day, m, zone);
      const end = offset !== undefined ? wallClock(day, endMinutes) - offset : localInstant(day, endMinutes, zone);
      if (start !== undefined && end !== undefined) slots.push({ start, end });
    }
  }
  return slots.sort((a, b) => a.start - b.start);
}

export interface FreeSlot {
  office: string;
  location: string;
  start: string;
  end: string;
  free: number;
}

/**
 * Free slots of an agenda for an application type over local days [from, to]: the agenda's slots
 * on days the type is open, starting after `now`, minus the desks already taken (`taken` by slot start).
 */
export function freeSlots(opts: {
  service: Service;
  agenda: Agenda;
  type: ApplicationType;
  from: string;
  to: string;
  now: number;
  taken: ReadonlyMap<number, number>;
  calendar?: BusinessCalendar;
}): FreeSlot[] {
  const { service, agenda, type, now, taken } = opts;
  if (!typeServesOffice(type, agenda.office)) return [];
  const zone = service.calendar.zone;
  const calendar = opts.calendar ?? calendarOf(service);
  const from = opts.from > type.openFrom ? opts.from : type.openFrom;
  const to = opts.to < type.openTo ? opts.to : type.openTo;
  const items: FreeSlot[] = [];
  if (from > to) return items;
  for (const day of daysBetween(from, to)) {
    const { slots, offset } = agendaDay(agenda, calendar, zone, day);
    // A day whose slots straddle a DST change is formatted slot by slot.
    const iso = (t: number) => (offset !== undefined ? isoWithOffset(t, offset) : isoLocal(t, zone));
    for (const slot of slots) {
      if (slot.start <= now) continue;
      const free = agenda.desks - (taken.get(slot.start) ?? 0);
      if (free <= 0) continue;
      items.push({ office: agenda.office, location: agenda.location, start: iso(slot.start), end: iso(slot.end), free });
    }
  }
  return items;
}

/** Desk-slots an agenda offers over local days [from, to] (the capacity, for the reports). */
export function offeredSeats(service: Service, agenda: Agenda, from: string, to: string): number {
  const calendar = calendarOf(service);
  return daysBetween(from, to).reduce((n, day) => n + agendaSlotsOn(agenda, calendar, service.calendar.zone, day).length * agenda.desks, 0);
}

/** ISO 8601 with the zone's offset, e.g. 2026-12-09T09:30:00.000+01:00. */
export function isoLocal(t: number, zone: string): string {
  return DateTime.fromMillis(t, { zone }).toISO()!;
}

/** isoLocal for an instant whose offset (ms east of UTC) is known: no time zone lookup. */
function isoWithOffset(t: number, offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${new Date(t + offsetMs).toISOString().slice(0, 23)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export type SlotRefusal = { field: 'applicationType' | 'office' | 'start' | 'service'; status: 400 | 422; message: string };

/**
 * Whether `start` may be booked for this type at this office: the type exists and is open that
 * day, the office has an agenda taking the type, the day is open and `start` begins one of its slots
 * in the future. Returns the slot, or the refusal naming the bad field.
 */
export function checkSlot(service: Service, typeCode: string, office: string, start: number, now: number): { slot: Slot; agenda: Agenda; type: ApplicationType } | { refusal: SlotRefusal } {
  if (!service.appointments) return { refusal: { field: 'service', status: 400, message: `service ${service.code} takes no appointments` } };
  const type = applicationTypeOf(service, typeCode);
  if (!type) return { refusal: { field: 'applicationType', status: 400, message: `unknown application type ${typeCode} for service ${service.code}` } };
  const agenda = agendaOf(service, office);
  if (!agenda) return { refusal: { field: 'office', status: 400, message: `office ${office} has no agenda in service ${service.code}` } };
  if (!typeServesOffice(type, office)) return { refusal: { field: 'applicationType', status: 422, message: `application type ${type.code} is not booked at office ${office}` } };
  const zone = service.calendar.zone;
  const day = localDay(start, zone);
  if (!isTypeOpenOn(type, day)) return { refusal: { field: 'applicationType', status: 422, message: `application type ${type.code} is taken only from ${type.openFrom} to ${type.openTo}` } };
  if (start <= now) return { refusal: { field: 'start', status: 422, message: 'the slot is in the past' } };
  const calendar = calendarOf(service);
  if (!isBusinessDay(calendar, day)) {
    const holiday = calendar.holidayName(day);
    return { refusal: { field: 'start', status: 422, message: `${day} is a closed day${holiday ? ` (${holiday})` : ''}` } };
  }
  const slot = agendaSlotsOn(agenda, calendar, zone, day).find((s) => s.start === start);
  if (!slot) return { refusal: { field: 'start', status: 422, message: `no slot of the agenda of ${office} starts at that time` } };
  return { slot, agenda, type };
}

/**
 * When the citizen is reminded: at `reminderAt` local time on the business day before the
 * appointment's day (a Monday appointment is reminded on Friday; a day after a holiday, on the
 * day before the holiday). Undefined when that moment is not before the appointment.
 */
export function reminderTime(calendar: BusinessCalendar, zone: string, start: number, reminderAt: string): number | undefined {
  let day = DateTime.fromMillis(start, { zone }).startOf('day');
  for (let i = 0; i < 60; i++) {
    day = day.minus({ days: 1 });
    if (calendar.isBusinessDay(day.toISODate()!)) {
      const at = localInstant(day.toISODate()!, minutesOf(reminderAt), zone);
      return at !== undefined && at < start ? at : undefined;
    }
  }
  return undefined;
}

/** The reminder of an appointment starting at `start`: the configured lead before it, else reminderTime. */
export function reminderInstant(settings: AppointmentSettings, calendar: BusinessCalendar, zone: string, start: number): number | undefined {
  if (settings.reminderLead) return start - Duration.fromISO(settings.reminderLead).toMillis();
  return reminderTime(calendar, zone, start, settings.reminderAt);
}

/** Application types open on the local day of `t`: what the IVR announces ("gestione avvisi"). */
export function openNotices(service: Service, t: number): { applicationType: string; text: string }[] {
  const day = localDay(t, service.calendar.zone);
  return (service.appointments?.applicationTypes ?? []).filter((ty) => isTypeOpenOn(ty, day)).map((ty) => ({ applicationType: ty.code, text: ty.notice }));
}
