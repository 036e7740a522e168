/**
 * Benchmark of the search and the citizen's timeline: `npm run bench:search`.
 *
 * Starts its own embedded PostgreSQL in a temporary directory, migrates it, bulk-loads with SQL
 * (generate_series) 1,000,000 contacts, 100,000 complaints, 100,000 escalations, 50,000 missed
 * calls, 50,000 renewals and 20,000 appointments, builds the search entries (`search_rebuild()`, the
 * migration's backfill: the load runs with the search triggers off, then the trigger cost is
 * measured on its own), and times the search store by name, partial name, full name, phone, email,
 * tax code, reference, text and as an office key, plus the timeline, against a bare indexed
 * lookup of a contact by id on the same data in the same run: p50/p95/p99 per query type and the
 * ratios. Goal: p99 < 100 ms; the process exits with code 1 when a p99 is slower.
 *
 * BENCH_SEARCH_SCALE=0.1 runs it on a tenth of the data (a quick check).
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { startBenchDatabase } from './support';
import type { Db } from '../infra/db';
import { createSearchStore } from '../infra/stores/search';

const SCALE = Number(process.env.BENCH_SEARCH_SCALE ?? 1);
const N = {
  contacts: Math.round(1_000_000 * SCALE),
  complaints: Math.round(100_000 * SCALE),
  escalations: Math.round(100_000 * SCALE),
  missedCalls: Math.round(50_000 * SCALE),
  renewals: Math.round(50_000 * SCALE),
  appointments: Math.round(20_000 * SCALE),
};
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 200);
const GOAL_P99_MS = 100;

const SURNAMES = ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone', 'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', "D'Angelo", 'Marchetti', 'Parisi', 'Villa', 'Conte', 'Ferraro', 'Ferri', 'Fabbri', 'Bianco', 'Marini', 'Grasso', 'Valentini', 'Messina', 'Sala', 'De Angelis', 'Gatti', 'Pellegrini', 'Palumbo', 'Sanna', 'Farina', 'Rizzi', 'Monti', 'Cattaneo', 'Morelli', 'Amato', 'Silvestri', 'Mazza', 'Testa', 'Grassi', 'Pellegrino', 'Carbone', 'Giuliani', 'Benedetti', 'Barone', 'Rossetti', 'Caputo', 'Montanari', 'Guerra', 'Palmieri', 'Bernardi', 'Martino', 'Fiore', 'De Rosa', 'Ferretti', 'Bellini', 'Basile', 'Riva', 'Donati', 'Piras', 'Vitali', 'Battaglia', 'Sartori', 'Neri', 'Costantini', 'Milani', 'Pagano', 'Ruggiero', 'Sorrentino', "D'Amico", 'Orlando', 'Damico', 'Negri', 'Zanichelli', 'Nicolò', 'Cavalli', 'Benassi', 'Tonelli', 'Zanella', 'Pedrotti', 'Dallapiccola', 'Tomasi', 'Andreatta'];
const NAMES = ['Mario', 'Giuseppe', 'Anna', 'Maria', 'Luca', 'Giulia', 'Francesco', 'Sara', 'Marco', 'Chiara', 'Alessandro', 'Federica', 'Andrea', 'Elena', 'Paolo', 'Laura', 'Giovanni', 'Valentina', 'Stefano', 'Francesca', 'Matteo', 'Silvia', 'Lorenzo', 'Martina', 'Davide', 'Alessia', 'Simone', 'Roberta', 'Fabio', 'Cristina', 'Niccolò', 'Annunziata', 'Ottavio', 'Ilaria', 'Emanuele', 'Beatrice'];
const TOPICS = ['rinnovo della patente', 'immatricolazione del veicolo', 'revisione periodica', 'duplicato della carta di circolazione', 'iscrizione al centro per l’impiego', 'raccolta della frutta', 'tirocinio formativo', 'contributo per il risparmio energetico', 'bonifica amianto', 'valutazione di impatto ambientale', 'carta provinciale dei servizi', 'accesso a Trentino in rete', 'portale geocartografico', 'orari dello sportello', 'appuntamento per la consegna dei documenti', 'pagamento del bollo', 'esame di guida', 'collaudo del rimorchio', 'passaggio di proprietà', 'certificato di disoccupazione', 'offerta di lavoro stagionale', 'corso di formazione', 'domanda di incentivo', 'rendicontazione delle spese', 'autorizzazione paesaggistica', 'credenziali SPID', 'attivazione della tessera sanitaria', 'mappe catastali', 'accessibilità del sito', 'reclamo per attesa'];
const OPENINGS = ['Chiede informazioni su', 'Vorrebbe sapere lo stato della pratica di', 'Ha un problema con', 'Segnala un ritardo per', 'Domanda chiarimenti riguardo'];
const SERVICES = ['ADL', 'MCTC', 'APIAE', 'SVA', 'TD', 'URU'];
const OFFICES = ['ADL-PERIFERICI', 'MCTC-VEICOLI', 'MCTC-PATENTI', 'APIAE-ENERGIA', 'SVA-VIA', 'TD-CPS'];

const sqlArray = (xs: string[]) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
const pick = (xs: string[], r: string) => `(${sqlArray(xs)})[1 + floor(${r} * ${xs.length})::int]`;

/** A person of number `p`: the same number always gives the same identifiers, so records share people. */
const PERSON = (p: string) => ({
  surname: pick(SURNAMES, `((${p} * 7919) % 104729) / 104729.0`),
  name: pick(NAMES, `((${p} * 104723) % 7919) / 7919.0`),
  email: `'persona' || ${p} || '@example.org'`,
  phone: `'+39 3' || lpad(((${p} * 48271) % 1000000000)::text, 9, '0')`,
  taxCode: `'BNCSRA' || lpad(${p}::text, 6, '0') || 'L378'`,
});
const PEOPLE = 'greatest(1, floor(random() * 600000))::bigint';

async function load(db: Db): Promise<void> {
  const triggers = ['contacts', 'escalations', 'missed_calls', 'complaints', 'renewals', 'appointments'];
  for (const t of triggers) await db.raw(`alter table ${t} disable trigger ${t}_search`);
  await db.transaction(async (trx) => {
    await trx.raw('select setseed(0.42)');
    const p = PERSON('p');
    await trx.raw(`
      insert into contacts (id, version, service, channel, status, caller, reason, category, created_at, queued_at, updated_at)
      select 'CON-2026-' || lpad(i::text, 7, '0'), 1, ${pick(SERVICES, 'random()')}, 'phone',
             (array['triage','resolved','resolved','resolved','escalated'])[1 + floor(random() * 5)::int],
             jsonb_build_object('surname', ${p.surname}, 'name', ${p.name}, 'email', ${p.email}, 'phone', ${p.phone}),
             ${pick(OPENINGS, 'random()')} || ' ' || ${pick(TOPICS, 'random()')}, null, at, at, at
        from (select i, ${PEOPLE} as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.contacts}) as i) g`);
    await trx.raw(`
      insert into escalations (id, version, contact_id, service, office, status, note, take_charge_due_at, resolve_due_at, created_at, updated_at)
      select c.id || '-E1', 1, c.id, c.service, ${pick(OFFICES, 'random()')}, (array['open','in_charge','resolved'])[1 + floor(random() * 3)::int],
             'Il cittadino attende una risposta', c.created_at + interval '1 day', c.created_at + interval '5 days', c.created_at, c.created_at
        from contacts c where c.id in (select 'CON-2026-' || lpad((i * ${Math.max(1, Math.floor(N.contacts / N.escalations))})::text, 7, '0') from generate_series(1, ${N.escalations}) as i)`);
    await trx.raw(`
      insert into missed_calls (id, version, contact_id, service, office, status, caller_surname, caller_name, call_at, person_sought, reason, callback_phone, callback_email, due_at, created_at, updated_at)
      select 'MC-' || c.id, 1, c.id, c.service, ${pick(OFFICES, 'random()')}, (array['open','closed'])[1 + floor(random() * 2)::int],
             c.caller->>'surname', c.caller->>'name', c.created_at, 'Il referente', c.reason, c.caller->>'phone', c.caller->>'email', c.created_at + interval '2 days', c.created_at, c.created_at
        from contacts c where c.id in (select 'CON-2026-' || lpad((i * ${Math.max(1, Math.floor(N.contacts / N.missedCalls))} + 1)::text, 7, '0') from generate_series(1, ${N.missedCalls}) as i)`);
    await trx.raw(`
      insert into complaints (id, version, kind, status, channel, service, requester, subject, body, registered_by, term, term_ms, clock, clock_since, remaining_ms, registered_at, updated_at)
      select 'REC-2026-' || lpad(i::text, 6, '0'), 1, (array['complaint','report','suggestion'])[1 + floor(random() * 3)::int], 'registered', 'web', ${pick(SERVICES, 'random()')},
             jsonb_build_object('surname', ${p.surname}, 'name', ${p.name}, 'email', ${p.email}, 'phone', ${p.phone}),
             'Reclamo: ' || ${pick(TOPICS, 'random()')}, ${pick(OPENINGS, 'random()')} || ' ' || ${pick(TOPICS, 'random()')} || '. Nessuno ha risposto per settimane.',
             '{"name":"bench","role":"uru"}', 'P30D', 2592000000, 'running', at, 2592000000, at, at
        from (select i, ${PEOPLE} as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.complaints}) as i) g`);
    await trx.raw(`
      insert into renewals (id, version, service, surname, name, tax_code, job_type, job_centre, phone, email, status, created_at, updated_at)
      select 'RIN-' || lpad(i::text, 7, '0'), 1, 'ADL', ${p.surname}, ${p.name}, ${p.taxCode}, ${pick(['Custode', 'Raccoglitore di frutta', 'Operaio forestale', 'Addetto alle pulizie'], 'random()')},
             ${pick(['CPI-TRENTO', 'CPI-ROVERETO', 'CPI-RIVA'], 'random()')}, ${p.phone}, ${p.email}, 'confirmed', at, at
        from (select i, i::bigint as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.renewals}) as i) g`);
    await trx.raw(`
      insert into appointments (id, service, application_type, office, location, address, start_at, end_at, status, citizen, booked_at, version)
      select 'A-2026-' || lpad(i::text, 6, '0'), 'APIAE', 'ENERGIA-RISPARMIO', (array['APIAE-ENERGIA','SVA-VIA'])[1 + floor(random() * 2)::int], 'Sede', 'Via Roma 1', at, at + interval '30 minutes', 'booked',
             jsonb_build_object('surname', ${p.surname}, 'name', ${p.name}, 'email', ${p.email}, 'phone', ${p.phone}, 'taxCode', ${p.taxCode}), at - interval '10 days', 1
        from (select i, ${PEOPLE} as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.appointments}) as i) g`);
  });
  for (const t of triggers) await db.raw(`alter table ${t} enable trigger ${t}_search`);
}


const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];

async function main(): Promise<void> {
  const out: string[] = [];
  const say = (line: string) => {
    out.push(line);
    console.log(line);
  };
  const started = Date.now();
  const { db, stop } = await startBenchDatabase('search', { max: 4 });
  try {
    say(`# bench:search — ${new Date().toISOString()}`);
    say(`# machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start;`);
    say('# shared with other engineers\' builds and tests while it ran: figures are pessimistic and noisy.');
    let t0 = performance.now();
    await load(db);
    say(`loaded: ${Object.entries(N).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    const entries = (await db.raw('select search_rebuild() as n')).rows[0].n;
    await db.raw('vacuum analyze search_entries');
    await db.raw('vacuum analyze contacts, escalations, missed_calls, complaints, renewals, appointments, history');
    say(`search_rebuild(): ${Number(entries).toLocaleString('en')} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // The triggers' cost on writes: 2,000 contacts inserted with and without them (same rows).
    const insertBatch = async (prefix: string) => {
      const s = performance.now();
      await db.raw(`insert into contacts (id, version, service, channel, status, caller, reason, created_at, queued_at, updated_at)
        select '${prefix}-' || i, 1, 'ADL', 'phone', 'triage', jsonb_build_object('surname', 'Prova', 'name', 'Trigger', 'email', 'trig' || i || '@example.org'), 'Chiede informazioni su orari', now(), now(), now()
          from generate_series(1, 2000) as i`);
      return performance.now() - s;
    };
    await db.raw('alter table contacts disable trigger contacts_search');
    const without = await insertBatch('NOTRIG');
    await db.raw('alter table contacts enable trigger contacts_search');
    const withTrigger = await insertBatch('TRIG');
    say(`trigger cost: 2,000 contact inserts ${without.toFixed(0)} ms without the search trigger, ${withTrigger.toFixed(0)} ms with it (${((withTrigger - without) / 2000).toFixed(3)} ms a row)`);

    const search = createSearchStore(db);
    const pickRow = async (sql: string) => (await db.raw(sql)).rows[0];
    const rnd = (n: number) => String(1 + Math.floor(Math.random() * n)).padStart(7, '0');
    const randomContact = () => pickRow(`select id, caller from contacts where id = 'CON-2026-${rnd(N.contacts)}'`);
    const randomRenewal = () => pickRow(`select tax_code from renewals where id = 'RIN-${rnd(N.renewals)}'`);
    const page = { limit: 20, offset: 0 };
    const words = TOPICS.flatMap((t) => t.split(/\s+/)).filter((w) => w.length > 6);

    // Each run searches for another random value of its kind (taken before the clock starts).
    const queries: { name: string; next: () => Promise<() => Promise<unknown>> }[] = [
      { name: 'bare lookup of a contact by id (baseline)', next: async () => { const c = await randomContact(); return () => db('contacts').where({ id: c.id }).first(); } },
      { name: 'reference (contact id)', next: async () => { const c = await randomContact(); return () => search.search({ q: c.id, ...page }); } },
      { name: 'email', next: async () => { const c = await randomContact(); return () => search.search({ q: c.caller.email.toUpperCase(), ...page }); } },
      { name: 'phone (typed with spaces)', next: async () => { const c = await randomContact(); const ph = String(c.caller.phone).replace('+39 ', ''); return () => search.search({ q: `${ph.slice(0, 3)} ${ph.slice(3, 6)} ${ph.slice(6)}`, ...page }); } },
      { name: 'tax code', next: async () => { const r = await randomRenewal(); return () => search.search({ q: r.tax_code.toLowerCase(), ...page }); } },
      { name: 'surname (about 1 % of records)', next: async () => { const c = await randomContact(); return () => search.search({ q: c.caller.surname, ...page }); } },
      { name: 'name and surname', next: async () => { const c = await randomContact(); return () => search.search({ q: `${c.caller.name} ${c.caller.surname}`, ...page }); } },
      { name: 'partial surname (4 letters)', next: async () => { const c = await randomContact(); return () => search.search({ q: String(c.caller.surname).slice(0, 4), ...page }); } },
      { name: 'text word (Italian stemming)', next: async () => { const w = words[Math.floor(Math.random() * words.length)]; return () => search.search({ q: w, ...page }); } },
      { name: 'text phrase, page 3', next: async () => { const t = TOPICS[Math.floor(Math.random() * TOPICS.length)]; return () => search.search({ q: t, limit: 20, offset: 40 }); } },
      { name: 'office key: surname', next: async () => { const c = await randomContact(); const o = OFFICES[Math.floor(Math.random() * OFFICES.length)]; return () => search.search({ q: c.caller.surname, office: o, ...page }); } },
      { name: 'no hit (a reference that does not exist)', next: async () => { const n = Math.floor(Math.random() * 1e9); return () => search.search({ q: `ZZQ-${n}`, ...page }); } },
      { name: 'no hit (a word that is nowhere)', next: async () => { const w = Array.from({ length: 7 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join(''); return () => search.search({ q: w, ...page }); } },
      {
        name: 'timeline by email (the person, then the entries)',
        next: async () => {
          const c = await randomContact();
          return async () => search.timeline(await search.person({ kind: 'email', value: c.caller.email }), { limit: 100, offset: 0 });
        },
      },
    ];

    const results: { name: string; s: number[] }[] = [];
    for (const q of queries) {
      // Warm-up with other values, then RUNS timed runs, each with a fresh value.
      for (let i = 0; i < 5; i++) await (await q.next())();
      const s: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const run = await q.next();
        const start = performance.now();
        await run();
        s.push(performance.now() - start);
      }
      s.sort((a, b) => a - b);
      results.push({ name: q.name, s });
    }
    const base = results[0].s;
    say('');
    say(`${RUNS} runs per query type, each with another random value (ms; ratio = this p50 / baseline p50, this p99 / baseline p99)`);
    say(`${'query'.padEnd(58)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'x p50'.padStart(8)} ${'x p99'.padStart(8)}`);
    let slow = false;
    for (const r of results) {
      const [p50, p95, p99] = [pct(r.s, 50), pct(r.s, 95), pct(r.s, 99)];
      if (r !== results[0] && p99 > GOAL_P99_MS) slow = true;
      say(`${r.name.padEnd(58)} ${p50.toFixed(2).padStart(8)} ${p95.toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)} ${(p50 / pct(base, 50)).toFixed(1).padStart(8)} ${(p99 / pct(base, 99)).toFixed(1).padStart(8)}`);
    }
    say('');
    say(`goal: every search and timeline p99 < ${GOAL_P99_MS} ms: ${slow ? 'NOT MET' : 'met'} (total bench time ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    if (process.env.BENCH_SEARCH_OUT) {
      writeFileSync(process.env.BENCH_SEARCH_OUT, `${out.join('\n')}\n`);
    }
    if (slow) process.exitCode = 1;
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
