/**
 * The data of the search benchmark (`bench/search.ts`), also used by `bench/search-explain.ts`:
 * people with Italian names sharing their identifiers across contacts, escalations, missed calls,
 * complaints, renewals and appointments, written by SQL in the database itself.
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../infra/db';

export interface SearchBenchSizes {
  contacts: number;
  complaints: number;
  escalations: number;
  missedCalls: number;
  renewals: number;
  appointments: number;
}

/** 1,000,000 contacts and 100,000 complaints (and the rest in proportion) at scale 1. */
export const searchBenchSizes = (scale: number): SearchBenchSizes => ({
  contacts: Math.round(1_000_000 * scale),
  complaints: Math.round(100_000 * scale),
  escalations: Math.round(100_000 * scale),
  missedCalls: Math.round(50_000 * scale),
  renewals: Math.round(50_000 * scale),
  appointments: Math.round(20_000 * scale),
});

export const SURNAMES = ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone', 'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', "D'Angelo", 'Marchetti', 'Parisi', 'Villa', 'Conte', 'Ferraro', 'Ferri', 'Fabbri', 'Bianco', 'Marini', 'Grasso', 'Valentini', 'Messina', 'Sala', 'De Angelis', 'Gatti', 'Pellegrini', 'Palumbo', 'Sanna', 'Farina', 'Rizzi', 'Monti', 'Cattaneo', 'Morelli', 'Amato', 'Silvestri', 'Mazza', 'Testa', 'Grassi', 'Pellegrino', 'Carbone', 'Giuliani', 'Benedetti', 'Barone', 'Rossetti', 'Caputo', 'Montanari', 'Guerra', 'Palmieri', 'Bernardi', 'Martino', 'Fiore', 'De Rosa', 'Ferretti', 'Bellini', 'Basile', 'Riva', 'Donati', 'Piras', 'Vitali', 'Battaglia', 'Sartori', 'Neri', 'Costantini', 'Milani', 'Pagano', 'Ruggiero', 'Sorrentino', "D'Amico", 'Orlando', 'Damico', 'Negri', 'Zanichelli', 'Nicolò', 'Cavalli', 'Benassi', 'Tonelli', 'Zanella', 'Pedrotti', 'Dallapiccola', 'Tomasi', 'Andreatta'];
export const NAMES = ['Mario', 'Giuseppe', 'Anna', 'Maria', 'Luca', 'Giulia', 'Francesco', 'Sara', 'Marco', 'Chiara', 'Alessandro', 'Federica', 'Andrea', 'Elena', 'Paolo', 'Laura', 'Giovanni', 'Valentina', 'Stefano', 'Francesca', 'Matteo', 'Silvia', 'Lorenzo', 'Martina', 'Davide', 'Alessia', 'Simone', 'Roberta', 'Fabio', 'Cristina', 'Niccolò', 'Annunziata', 'Ottavio', 'Ilaria', 'Emanuele', 'Beatrice'];
export const TOPICS = ['rinnovo della patente', 'immatricolazione del veicolo', 'revisione periodica', 'duplicato della carta di circolazione', 'iscrizione al centro per l’impiego', 'raccolta della frutta', 'tirocinio formativo', 'contributo per il risparmio energetico', 'bonifica amianto', 'valutazione di impatto ambientale', 'carta provinciale dei servizi', 'accesso a Trentino in rete', 'portale geocartografico', 'orari dello sportello', 'appuntamento per la consegna dei documenti', 'pagamento del bollo', 'esame di guida', 'collaudo del rimorchio', 'passaggio di proprietà', 'certificato di disoccupazione', 'offerta di lavoro stagionale', 'corso di formazione', 'domanda di incentivo', 'rendicontazione delle spese', 'autorizzazione paesaggistica', 'credenziali SPID', 'attivazione della tessera sanitaria', 'mappe catastali', 'accessibilità del sito', 'reclamo per attesa'];
export const OPENINGS = ['Chiede informazioni su', 'Vorrebbe sapere lo stato della pratica di', 'Ha un problema con', 'Segnala un ritardo per', 'Domanda chiarimenti riguardo'];
export const SERVICES = ['ADL', 'MCTC', 'APIAE', 'SVA', 'TD', 'URU'];
export const OFFICES = ['ADL-PERIFERICI', 'MCTC-VEICOLI', 'MCTC-PATENTI', 'APIAE-ENERGIA', 'SVA-VIA', 'TD-CPS'];

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

/** The tables the bench writes (each with its search trigger). */
export const SOURCE_TABLES = ['contacts', 'escalations', 'missed_calls', 'complaints', 'renewals', 'appointments'];

/** The tables the bench writes. */
export const WRITTEN_TABLES = [...SOURCE_TABLES, 'history'];

/** The bench's records, written with SQL (generate_series) with the search triggers off. */
export async function load(db: Db, N: SearchBenchSizes, onStep: (step: string, ms: number) => void = () => {}): Promise<void> {
  const timed = async (step: string, work: Promise<unknown>) => {
    const t0 = performance.now();
    await work;
    onStep(step, performance.now() - t0);
  };
  const triggers = SOURCE_TABLES;
  for (const t of triggers) await db.raw(`alter table ${t} disable trigger ${t}_search`);
  await db.transaction(async (trx) => {
    await trx.raw('select setseed(0.42)');
    const p = PERSON('p');
    await timed('contacts', trx.raw(`
      insert into contacts (id, version, service, channel, status, caller, reason, category, created_at, queued_at, updated_at)
      select 'CON-2026-' || lpad(i::text, 7, '0'), 1, ${pick(SERVICES, 'random()')}, 'phone',
             (array['triage','resolved','resolved','resolved','escalated'])[1 + floor(random() * 5)::int],
             jsonb_build_object('surname', ${p.surname}, 'name', ${p.name}, 'email', ${p.email}, 'phone', ${p.phone}),
             ${pick(OPENINGS, 'random()')} || ' ' || ${pick(TOPICS, 'random()')}, null, at, at, at
        from (select i, ${PEOPLE} as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.contacts}) as i) g`));
    await timed('escalations', trx.raw(`
      insert into escalations (id, version, contact_id, service, office, status, note, take_charge_due_at, resolve_due_at, created_at, updated_at)
      select c.id || '-E1', 1, c.id, c.service, ${pick(OFFICES, 'random()')}, (array['open','in_charge','resolved'])[1 + floor(random() * 3)::int],
             'Il cittadino attende una risposta', c.created_at + interval '1 day', c.created_at + interval '5 days', c.created_at, c.created_at
        from contacts c where c.id in (select 'CON-2026-' || lpad((i * ${Math.max(1, Math.floor(N.contacts / N.escalations))})::text, 7, '0') from generate_series(1, ${N.escalations}) as i)`));
    await timed('missed_calls', trx.raw(`
      insert into missed_calls (id, version, contact_id, service, office, status, caller_surname, caller_name, call_at, person_sought, reason, callback_phone, callback_email, due_at, created_at, updated_at)
      select 'MC-' || c.id, 1, c.id, c.service, ${pick(OFFICES, 'random()')}, (array['open','closed'])[1 + floor(random() * 2)::int],
             c.caller->>'surname', c.caller->>'name', c.created_at, 'Il referente', c.reason, c.caller->>'phone', c.caller->>'email', c.created_at + interval '2 days', c.created_at, c.created_at
        from contacts c where c.id in (select 'CON-2026-' || lpad((i * ${Math.max(1, Math.floor(N.contacts / N.missedCalls))} + 1)::text, 7, '0') from generate_series(1, ${N.missedCalls}) as i)`));
    await timed('complaints', trx.raw(`
      insert into complaints (id, version, kind, status, channel, service, requester, subject, body, registered_by, term, term_ms, clock, clock_since, remaining_ms, registered_at, updated_at)
      select 'REC-2026-' || lpad(i::text, 6, '0'), 1, (array['complaint','report','suggestion'])[1 + floor(random() * 3)::int], 'registered', 'web', ${pick(SERVICES, 'random()')},
             jsonb_build_object('surname', ${p.surname}, 'name', ${p.name}, 'email', ${p.email}, 'phone', ${p.phone}),
             'Reclamo: ' || ${pick(TOPICS, 'random()')}, ${pick(OPENINGS, 'random()')} || ' ' || ${pick(TOPICS, 'random()')} || '. Nessuno ha risposto per settimane.',
             '{"name":"bench","role":"uru"}', 'P30D', 2592000000, 'running', at, 2592000000, at, at
        from (select i, ${PEOPLE} as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.complaints}) as i) g`));
    await timed('renewals', trx.raw(`
      insert into renewals (id, version, service, surname, name, tax_code, job_type, job_centre, phone, email, status, created_at, updated_at)
      select 'RIN-' || lpad(i::text, 7, '0'), 1, 'ADL', ${p.surname}, ${p.name}, ${p.taxCode}, ${pick(['Custode', 'Raccoglitore di frutta', 'Operaio forestale', 'Addetto alle pulizie'], 'random()')},
             ${pick(['CPI-TRENTO', 'CPI-ROVERETO', 'CPI-RIVA'], 'random()')}, ${p.phone}, ${p.email}, 'confirmed', at, at
        from (select i, i::bigint as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.renewals}) as i) g`));
    await timed('appointments', trx.raw(`
      insert into appointments (id, service, application_type, office, location, address, start_at, end_at, status, citizen, booked_at, version)
      select 'A-2026-' || lpad(i::text, 6, '0'), 'APIAE', 'ENERGIA-RISPARMIO', (array['APIAE-ENERGIA','SVA-VIA'])[1 + floor(random() * 2)::int], 'Sede', 'Via Roma 1', at, at + interval '30 minutes', 'booked',
             jsonb_build_object('surname', ${p.surname}, 'name', ${p.name}, 'email', ${p.email}, 'phone', ${p.phone}, 'taxCode', ${p.taxCode}), at - interval '10 days', 1
        from (select i, ${PEOPLE} as p, timestamptz '2025-01-01' + random() * interval '700 days' as at from generate_series(1, ${N.appointments}) as i) g`));
    // Each record's history (the timeline shows its last action): two rows a contact, one for the rest.
    await timed('history', trx.raw(`
      insert into history (entity_type, entity_id, seq, action, actor_name, actor_role, actor_office, at, payload)
      select 'contact', id, 1, 'created', 'bench', 'operator', null, created_at, '{}'::jsonb from contacts
      union all select 'contact', id, 2, case status when 'escalated' then 'escalated' when 'resolved' then 'resolved' else 'triaged' end, 'bench', 'operator', null, updated_at + interval '5 minutes', '{}' from contacts
      union all select 'escalation', id, 1, 'opened', 'bench', 'operator', null, created_at, '{}' from escalations
      union all select 'missed_call', id, 1, 'created', 'bench', 'operator', null, created_at, '{}' from missed_calls
      union all select 'complaint', id, 1, 'registered', 'bench', 'uru', null, registered_at, '{}' from complaints
      union all select 'renewal', id, 1, 'confirmed', 'bench', 'operator', null, created_at, '{}' from renewals`));
  });
  for (const t of triggers) await db.raw(`alter table ${t} enable trigger ${t}_search`);
}

/**
 * Runs `work` with the given tables' secondary indexes dropped, then builds them again from their
 * own definitions (`pg_indexes`): one sort per index instead of a million index insertions (a GIN
 * index above all). Constraint indexes (primary keys, unique constraints) stay.
 */
export async function withIndexesRebuilt(db: Db, tables: string[], work: () => Promise<void>): Promise<void> {
  const { rows } = (await db.raw(
    `select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = any(?::text[])
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    [tables],
  )) as { rows: { indexname: string; indexdef: string }[] };
  for (const r of rows) await db.raw(`drop index "${r.indexname}"`);
  await work();
  await db.transaction(async (trx) => {
    await trx.raw(`set local maintenance_work_mem = '1GB'`);
    for (const r of rows) await trx.raw(r.indexdef);
  });
}
