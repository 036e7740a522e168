/**
 * Benchmark of appointments: `npm run bench:appointments`.
 *
 * Starts its own embedded PostgreSQL in a temporary directory, migrates it, and builds a 6-month
 * agenda of 10 offices (15-minute slots, 3 desks) holding 50,000 bookings. Then:
 * - free-slot search (the route's work: the one count query plus the pure slot computation) for one
 *   office over one day, one week and 92 days, p50/p99 of many random searches, and its ratio to a
 *   bare indexed SELECT of the same day's seats. The contract asks for p99 < 50 ms;
 * - 1,000 concurrent booking attempts (the API's transaction: row + first free desk) on a nearly full
 *   week of one office: successes must equal the free desks, with zero double bookings and no row
 *   without its desk.
 * The process exits with code 1 when a goal is missed.
 */
import { startBenchDatabase } from './support';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { type Db } from '../infra/db';
import { serviceSchema } from '../domain/catalog';
import { businessCalendar } from '../domain/business-calendar';
import { agendaSlotsOn, daysBetween, freeSlots } from '../domain/appointments';
import { createAppointmentStore, SlotFullError } from '../infra/stores/appointments';

const FROM = '2027-01-01';
const TO = '2027-06-30';
const OFFICES = 10;
const BOOKINGS = 50_000;
const SEARCHES = 300;
const ATTEMPTS = 1_000;
const P99_LIMIT_MS = 50;
const ZONE = 'Europe/Rome';

const offices = Array.from({ length: OFFICES }, (_, i) => `BENCH-${String(i + 1).padStart(2, '0')}`);
const service = serviceSchema.parse({
  code: 'BENCH',
  name: 'Servizio di prova',
  calendar: { zone: ZONE, weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }], holidays: { country: 'IT' } },
  mailboxes: { sector: 'settore@example.org', supervisor: 'supervisore@example.org' },
  offices: offices.map((code) => ({ code, name: `Sportello ${code}`, mailbox: `${code.toLowerCase()}@example.org` })),
  defaultOffice: offices[0],
  appointments: {
    applicationTypes: [{ code: 'DOMANDA', name: 'Domanda di contributo', openFrom: FROM, openTo: TO, notice: 'Prenotazioni aperte.' }],
    agendas: offices.map((office) => ({
      office,
      location: `Sportello ${office}`,
      address: 'Via di Prova 1, Trento',
      weekly: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '12:30' },
        { days: ['tue', 'thu'], from: '14:00', to: '16:30' },
      ],
      slotMinutes: 15,
      desks: 3,
    })),
  },
});
const settings = service.appointments!;
const type = settings.applicationTypes[0];
const calendar = businessCalendar(service.calendar);

/** Every seat (office, slot start, desk) of the period, shuffled with a fixed seed; the first BOOKINGS are taken. */
function seats(): { office: string; start: number; end: number; desk: number }[] {
  const all: { office: string; start: number; end: number; desk: number }[] = [];
  for (const agenda of settings.agendas)
    for (const day of daysBetween(FROM, TO))
      for (const slot of agendaSlotsOn(agenda, calendar, ZONE, day)) for (let desk = 1; desk <= agenda.desks; desk++) all.push({ office: agenda.office, ...slot, desk });
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

async function load(db: Db): Promise<number> {
  const chosen = seats();
  const capacity = chosen.length;
  const taken = chosen.slice(0, BOOKINGS);
  for (let i = 0; i < taken.length; i += 5000) {
    const part = taken.slice(i, i + 5000);
    const ids = part.map((_, k) => `A-2027-${String(i + k + 1).padStart(6, '0')}`);
    await db.transaction(async (trx) => {
      await trx.raw(
        `insert into appointments (id, service, application_type, office, location, address, start_at, end_at, status, citizen, booked_at, version)
         select id, 'BENCH', 'DOMANDA', office, 'Sportello ' || office, 'Via di Prova 1, Trento', s, e, 'booked', '{"surname":"Prova","name":"Persona"}'::jsonb, s - interval '10 days', 1
           from unnest(?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[]) as u(id, office, s, e)`,
        [ids, part.map((p) => p.office), part.map((p) => new Date(p.start).toISOString()), part.map((p) => new Date(p.end).toISOString())],
      );
      await trx.raw(
        `insert into appointment_seats (office, start_at, desk_no, appointment_id)
         select office, s, d, id from unnest(?::text[], ?::timestamptz[], ?::int[], ?::text[]) as u(office, s, d, id)`,
        [part.map((p) => p.office), part.map((p) => new Date(p.start).toISOString()), part.map((p) => p.desk), ids],
      );
    });
  }
  await db.raw('vacuum analyze appointments');
  await db.raw('vacuum analyze appointment_seats');
  return capacity;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

async function main(): Promise<void> {
  const { db, stop } = await startBenchDatabase('appointments', { max: 20 });
  const store = createAppointmentStore(db, () => ZONE);
  let failed = false;
  try {
    const t0 = performance.now();
    const capacity = await load(db);
    console.log(`Appointments benchmark: ${OFFICES} offices, ${FROM}..${TO}, ${capacity.toLocaleString('en')} desk-slots, ${BOOKINGS.toLocaleString('en')} bookings (loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    // --- free-slot search ---------------------------------------------------------------------
    const businessDays = daysBetween(FROM, TO).filter((d) => calendar.isBusinessDay(d));
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const search = async (office: string, from: string, to: string) => {
      const agenda = settings.agendas.find((a) => a.office === office)!;
      const lo = DateTime.fromISO(from, { zone: ZONE });
      const hi = DateTime.fromISO(to, { zone: ZONE }).plus({ days: 1 });
      const taken = await store.takenCounts(office, lo.toJSDate(), hi.toJSDate());
      return freeSlots({ service, agenda, type, from, to, now: 0, taken, calendar });
    };
    const bare = async (office: string, day: string) => {
      const lo = DateTime.fromISO(day, { zone: ZONE });
      return db.raw('select start_at, desk_no from appointment_seats where office = ? and start_at >= ? and start_at < ?', [office, lo.toJSDate(), lo.plus({ days: 1 }).toJSDate()]);
    };
    const measure = async (days: number) => {
      const searchMs: number[] = [];
      const bareMs: number[] = [];
      for (let i = 0; i < SEARCHES; i++) {
        const office = offices[Math.floor(random() * OFFICES)];
        const first = businessDays[Math.floor(random() * (businessDays.length - 1))];
        const last = DateTime.fromISO(first).plus({ days: days - 1 }).toISODate()!;
        let t = performance.now();
        await search(office, first, last < TO ? last : TO);
        searchMs.push(performance.now() - t);
        t = performance.now();
        await bare(office, first);
        bareMs.push(performance.now() - t);
      }
      return { searchMs, bareMs };
    };
    await measure(1); // warm up
    for (const days of [1, 7, 92]) {
      const { searchMs, bareMs } = await measure(days);
      const p99 = percentile(searchMs, 99);
      const bareP99 = percentile(bareMs, 99);
      console.log(
        `  search over ${String(days).padStart(2)} day(s): p50 ${percentile(searchMs, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; ` +
          `bare indexed SELECT of the first day p50 ${percentile(bareMs, 50).toFixed(2)} ms, p99 ${bareP99.toFixed(2)} ms; ratio p99 ${(p99 / bareP99).toFixed(2)}`,
      );
      if (p99 >= P99_LIMIT_MS) failed = true;
    }

    // --- 1,000 concurrent bookings on a nearly full week -----------------------------------------
    const office = offices[0];
    const week = businessDays.slice(40, 45);
    const weekSlots = week.flatMap((d) => agendaSlotsOn(settings.agendas[0], calendar, ZONE, d));
    const lo = new Date(weekSlots[0].start);
    const hi = new Date(weekSlots.at(-1)!.end);
    // Fill the week up to 30 free desks.
    const takenBefore = await store.takenCounts(office, lo, hi);
    let free = weekSlots.reduce((n, s) => n + 3 - (takenBefore.get(s.start) ?? 0), 0);
    let filler = 0;
    for (const s of weekSlots) {
      while (free > 30 && (takenBefore.get(s.start) ?? 0) < 3) {
        await db.transaction((trx) => store.book(trx, { id: `F-${++filler}`, service: 'BENCH', applicationType: 'DOMANDA', office, location: 'x', address: 'x', start: new Date(s.start), end: new Date(s.end), citizen: {}, bookedAt: new Date() }, 3));
        takenBefore.set(s.start, (takenBefore.get(s.start) ?? 0) + 1);
        free--;
      }
    }
    const freeBefore = weekSlots.reduce((n, s) => n + 3 - (takenBefore.get(s.start) ?? 0), 0);
    const openSlots = weekSlots.filter((s) => (takenBefore.get(s.start) ?? 0) < 3);
    const latencies: number[] = [];
    let won = 0;
    let full = 0;
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: ATTEMPTS }, async (_, i) => {
        // Everyone races for the slots that still have a desk: several attempts per free desk.
        const s = openSlots[i % openSlots.length];
        const t = performance.now();
        try {
          await db.transaction((trx) => store.book(trx, { id: `R-${i}`, service: 'BENCH', applicationType: 'DOMANDA', office, location: 'x', address: 'x', start: new Date(s.start), end: new Date(s.end), citizen: {}, bookedAt: new Date() }, 3));
          won++;
        } catch (err) {
          if (!(err instanceof SlotFullError)) throw err;
          full++;
        }
        latencies.push(performance.now() - t);
      }),
    );
    const raceMs = performance.now() - t1;
    const { rows: over } = await db.raw('select start_at, count(*) from appointment_seats where office = ? group by start_at having count(*) > 3', [office]);
    const { rows: orphans } = await db.raw("select count(*)::int as n from appointments a where a.id like 'R-%' and not exists (select 1 from appointment_seats s where s.appointment_id = a.id)");
    const wonOk = won === Math.min(freeBefore, ATTEMPTS);
    console.log(
      `  ${ATTEMPTS} concurrent bookings on a week with ${freeBefore} free desks in ${openSlots.length} slots: ${won} booked, ${full} refused (full), ` +
        `slots over capacity ${over.length}, rows without a desk ${orphans[0].n}; ${raceMs.toFixed(0)} ms in all, per attempt p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    if (!wonOk || over.length > 0 || orphans[0].n > 0) failed = true;
    console.log(failed ? 'FAIL: a goal was missed' : `OK: free-slot search p99 under ${P99_LIMIT_MS} ms, zero double bookings`);
  } finally {
    await stop();
  }
  if (failed) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
