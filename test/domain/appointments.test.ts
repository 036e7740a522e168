import { DateTime } from 'luxon';
import { agendaSlotsOn, checkSlot, freeSlots, offeredSeats, openNotices, reminderInstant, reminderTime } from '../../domain/appointments';
import { businessCalendar } from '../../domain/business-calendar';
import { catalogWith } from '../support/harness';

const catalog = catalogWith((data) => {
  const apiae = data.services.find((s) => s.code === 'APIAE')!;
  apiae.calendar.closedDates = ['2027-03-29'];
  apiae.appointments.agendas[0].closures = [{ date: '2027-03-30', from: '14:00', to: '16:00' }];
});
const apiae = catalog.service('APIAE')!;
const agenda = apiae.appointments!.agendas[0];
const calendar = businessCalendar(apiae.calendar);
const ZONE = 'Europe/Rome';
const local = (t: number) => DateTime.fromMillis(t, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm ZZ');

describe('agenda slots', () => {
  it('keeps the wall-clock desk hours across the spring DST change', () => {
    // Europe/Rome moves to summer time on Sunday 2027-03-28.
    const friday = agendaSlotsOn(agenda, calendar, ZONE, '2027-03-26');
    const tuesday = agendaSlotsOn(agenda, calendar, ZONE, '2027-03-30');
    expect(local(friday[0].start)).toBe('2027-03-26 09:00 +01:00');
    expect(local(tuesday[0].start)).toBe('2027-03-30 09:00 +02:00');
    expect(friday).toHaveLength(7); // 09:00-12:30 in 30-minute slots
    expect(tuesday.map((s) => local(s.start).slice(11, 16))).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00']); // afternoon closed
    expect(agendaSlotsOn(agenda, calendar, ZONE, '2027-03-25')).toHaveLength(11); // Thursday: morning and afternoon
  });

  it('has no slot on a closed date, a public holiday or a weekend', () => {
    expect(agendaSlotsOn(agenda, calendar, ZONE, '2027-03-29')).toEqual([]);
    expect(agendaSlotsOn(agenda, calendar, ZONE, '2027-04-25')).toEqual([]);
    expect(agendaSlotsOn(agenda, calendar, ZONE, '2027-05-01')).toEqual([]);
    expect(agendaSlotsOn(agenda, calendar, ZONE, '2027-03-27')).toEqual([]);
  });

  it('offers free desks only in the future and counts the capacity', () => {
    const type = apiae.appointments!.applicationTypes[0];
    const first = agendaSlotsOn(agenda, calendar, ZONE, '2027-03-26')[0];
    const items = freeSlots({ service: apiae, agenda, type, from: '2027-03-26', to: '2027-03-26', now: first.start, taken: new Map([[first.start + 30 * 60_000, 2]]) });
    expect(items.map((i) => i.start.slice(11, 16))).toEqual(['10:00', '10:30', '11:00', '11:30', '12:00']);
    expect(items[0].free).toBe(2);
    expect(offeredSeats(apiae, agenda, '2027-03-22', '2027-03-26')).toBe((7 * 5 + 4 * 2) * 2);
  });
});

describe('checkSlot', () => {
  const now = DateTime.fromISO('2027-03-22T08:00', { zone: ZONE }).toMillis();
  const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
  it('accepts a slot start and refuses the rest naming the field', () => {
    expect('slot' in checkSlot(apiae, 'ENERGIA-RISPARMIO', 'APIAE-ENERGIA', at('2027-03-23T09:30'), now)).toBe(true);
    const refusal = (code: string, office: string, t: number) => {
      const r = checkSlot(apiae, code, office, t, now);
      return 'refusal' in r ? r.refusal.field : 'ok';
    };
    expect(refusal('NOPE', 'APIAE-ENERGIA', at('2027-03-23T09:30'))).toBe('applicationType');
    expect(refusal('AMIANTO', 'APIAE-ENERGIA', at('2027-03-23T09:30'))).toBe('applicationType');
    expect(refusal('ENERGIA-RISPARMIO', 'APIAE-ENERGIA', at('2027-03-23T09:40'))).toBe('start');
    expect(refusal('ENERGIA-RISPARMIO', 'APIAE-ENERGIA', at('2027-03-22T07:30'))).toBe('start');
    expect(refusal('ENERGIA-RISPARMIO', 'APIAE-ENERGIA', at('2027-03-29T09:30'))).toBe('start');
    expect(refusal('ENERGIA-RISPARMIO', 'APIAE-SEGRETERIA', at('2027-03-23T09:30'))).toBe('office');
  });
});

describe('reminderTime', () => {
  const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
  it('is 09:00 of the business day before, over weekends and closed days', () => {
    expect(local(reminderTime(calendar, ZONE, at('2027-03-24T10:00'), '09:00')!)).toBe('2027-03-23 09:00 +01:00');
    expect(local(reminderTime(calendar, ZONE, at('2027-03-22T10:00'), '09:00')!)).toBe('2027-03-19 09:00 +01:00');
    // Tuesday after a closed Monday, across the DST change: the Friday before.
    expect(local(reminderTime(calendar, ZONE, at('2027-03-30T10:00'), '09:00')!)).toBe('2027-03-26 09:00 +01:00');
  });
  it('is a plain lead before the slot when the catalog sets reminderLead', () => {
    const start = at('2027-03-24T10:00');
    expect(reminderInstant(apiae.appointments!, calendar, ZONE, start)).toBe(at('2027-03-23T09:00'));
    expect(reminderInstant({ ...apiae.appointments!, reminderLead: 'PT30S' }, calendar, ZONE, start)).toBe(start - 30_000);
  });
});

it('announces only the application types open that day', () => {
  expect(openNotices(apiae, DateTime.fromISO('2027-04-10T10:00', { zone: ZONE }).toMillis()).map((n) => n.applicationType)).toEqual(['ENERGIA-RISPARMIO', 'FOTOVOLTAICO', 'AMIANTO']);
  expect(openNotices(apiae, DateTime.fromISO('2027-08-10T10:00', { zone: ZONE }).toMillis()).map((n) => n.applicationType)).toEqual(['ENERGIA-RISPARMIO', 'AMIANTO']);
  expect(openNotices(catalog.service('MCTC')!, Date.now())).toEqual([]);
});
