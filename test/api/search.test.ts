/**
 * GET /search and GET /citizens/timeline on the real stack (PostgreSQL, Temporal dev server, SMTP
 * sink): a citizen's contact, escalation, missed call, complaint, renewal and appointment are made
 * through the API and their workflows run; the search entries are kept by the database triggers.
 * Every kind is found by every key it holds; ranking puts key hits first, then names, then text;
 * an office key never finds another office's records and never reaches the timeline; an erasure
 * takes the person out of the search.
 */
import request from 'supertest';
import { fastCatalog, startStack, Stack } from '../support/harness';
import { taxCodeCheckChar } from '../../domain/tax-code';

jest.setTimeout(120_000);

let stack: Stack;
const keys = {} as Record<'admin' | 'operator' | 'supervisor' | 'uru' | 'veicoli' | 'patenti' | 'energia', string>;

const person = {
  surname: 'Pedrazzòli',
  name: 'Ermenegilda',
  email: 'ermenegilda.pedrazzoli@example.org',
  phone: '+39 347 555 8181',
  taxCode: `PDRRNG80A41L378${taxCodeCheckChar('PDRRNG80A41L378')}`,
};
/** Another citizen, whose escalation goes to another office. */
const other = { surname: 'Tovazzi', name: 'Gualtiero', email: 'gualtiero.tovazzi@example.org', phone: '+39 340 111 2020' };

const api = {
  post: (p: string, key: string, body: unknown = {}) => request(stack.app).post(`/api/v1${p}`).set('Authorization', key).send(body as object),
  get: (p: string, key: string) => request(stack.app).get(`/api/v1${p}`).set('Authorization', key),
};
type Item = { kind: string; id: string; title: string; status: string; at: string; lastAction?: { action: string } | null };
const search = async (key: string, q: string, extra = '') => {
  const res = await api.get(`/search?q=${encodeURIComponent(q)}${extra}`, key);
  expect(res.status).toBe(200);
  return res.body.items as Item[];
};
const refs = (items: Item[]) => items.map((i) => `${i.kind}:${i.id}`);
const todayInRome = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());

const ids = {} as Record<'contact' | 'escalation' | 'missedContact' | 'missedCall' | 'complaint' | 'renewal' | 'appointment' | 'mention' | 'otherContact' | 'otherEscalation', string>;

beforeAll(async () => {
  stack = await startStack({ catalog: fastCatalog() });
  keys.admin = await stack.bearer('admin');
  keys.operator = await stack.bearer('operator');
  keys.supervisor = await stack.bearer('supervisor');
  keys.uru = await stack.bearer('uru');
  keys.veicoli = await stack.bearer('office', 'MCTC-VEICOLI');
  keys.patenti = await stack.bearer('office', 'MCTC-PATENTI');
  keys.energia = await stack.bearer('office', 'APIAE-ENERGIA');

  const caller = { surname: person.surname, name: person.name, phone: person.phone, email: person.email };
  const contact = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'phone', caller, reason: 'Immatricolazione del rimorchio agricolo ferma' });
  expect(contact.status).toBe(201);
  ids.contact = contact.body.id;
  const esc = await api.post(`/contacts/${ids.contact}/escalate`, keys.operator, { office: 'MCTC-VEICOLI', note: 'Attende da un mese' });
  expect(esc.status).toBe(201);
  ids.escalation = esc.body.id;

  const missedContact = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'phone', caller: { surname: person.surname, name: person.name, phone: person.phone }, reason: 'Cerca il funzionario delle patenti' });
  expect(missedContact.status).toBe(201);
  ids.missedContact = missedContact.body.id;
  const form = await api.post(`/contacts/${ids.missedContact}/missed-call`, keys.operator, { personSought: 'Paolo Conti', reason: 'Esame di guida rinviato', office: 'MCTC-PATENTI', callbackEmail: person.email });
  expect(form.status).toBe(201);
  ids.missedCall = form.body.id;

  const complaint = await api.post('/complaints', keys.uru, {
    kind: 'complaint',
    requester: { name: person.name, surname: person.surname, email: person.email, phone: person.phone },
    subject: 'Attesa interminabile allo sportello',
    body: 'Ho atteso tre ore senza risposta.',
    channel: 'web',
    service: 'MCTC',
  });
  expect(complaint.status).toBe(201);
  ids.complaint = complaint.body.id;

  const renewal = await api.post('/renewals', keys.operator, { surname: person.surname, name: person.name, taxCode: person.taxCode, jobType: 'Custode', jobCentre: 'CPI-TRENTO', email: person.email });
  expect(renewal.status).toBe(201);
  ids.renewal = renewal.body.id;

  const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() + 20 * 86_400_000));
  const slots = await api.get(`/appointments/slots?service=APIAE&applicationType=ENERGIA-RISPARMIO&office=APIAE-ENERGIA&from=${todayInRome()}&to=${to}`, keys.operator);
  expect(slots.status).toBe(200);
  const appointment = await api.post('/appointments', keys.operator, {
    service: 'APIAE',
    applicationType: 'ENERGIA-RISPARMIO',
    office: 'APIAE-ENERGIA',
    start: slots.body.items[0].start,
    citizen: { surname: person.surname, name: person.name, taxCode: person.taxCode },
    note: 'Porta i preventivi del cappotto termico',
  });
  expect(appointment.status).toBe(201);
  ids.appointment = appointment.body.id;

  // Someone else whose text mentions the person's surname (a text hit, ranked after the name hits).
  const mention = await api.post('/contacts', keys.operator, { service: 'ADL', channel: 'phone', caller: { surname: 'Bertagnolli' }, reason: 'Chiama per conto della vicina Pedrazzoli' });
  ids.mention = mention.body.id;

  const otherContact = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'phone', caller: other, reason: 'Patente scaduta da rinnovare' });
  ids.otherContact = otherContact.body.id;
  const otherEsc = await api.post(`/contacts/${ids.otherContact}/escalate`, keys.operator, { office: 'MCTC-PATENTI', note: 'Urgente' });
  expect(otherEsc.status).toBe(201);
  ids.otherEscalation = otherEsc.body.id;
});
afterAll(async () => {
  await stack?.stop();
});

describe('GET /search', () => {
  it('finds every kind by its reference, first', async () => {
    const byKind: [string, string][] = [
      ['contact', ids.contact],
      ['escalation', ids.escalation],
      ['missed-call', ids.missedCall],
      ['complaint', ids.complaint],
      ['renewal', ids.renewal],
      ['appointment', ids.appointment],
    ];
    for (const [kind, id] of byKind) {
      const items = await search(keys.operator, id.toLowerCase());
      expect(items[0]).toMatchObject({ kind, id });
      expect(items[0].title).toEqual(expect.any(String));
      expect(Date.parse(items[0].at)).not.toBeNaN();
    }
  });

  it('finds every kind holding the email, the phone (however typed), the tax code and the name', async () => {
    const all = [`contact:${ids.contact}`, `escalation:${ids.escalation}`, `missed-call:${ids.missedCall}`, `complaint:${ids.complaint}`, `renewal:${ids.renewal}`, `appointment:${ids.appointment}`];
    expect(refs(await search(keys.operator, person.email.toUpperCase()))).toEqual(
      expect.arrayContaining([`contact:${ids.contact}`, `escalation:${ids.escalation}`, `missed-call:${ids.missedCall}`, `complaint:${ids.complaint}`, `renewal:${ids.renewal}`]),
    );
    expect(refs(await search(keys.operator, '0039 347-555-8181'))).toEqual(
      expect.arrayContaining([`contact:${ids.contact}`, `contact:${ids.missedContact}`, `escalation:${ids.escalation}`, `missed-call:${ids.missedCall}`, `complaint:${ids.complaint}`]),
    );
    expect(refs(await search(keys.operator, person.taxCode.toLowerCase())).sort()).toEqual([`appointment:${ids.appointment}`, `renewal:${ids.renewal}`].sort());
    // Accents and case do not matter; a part of the name is enough.
    const byName = refs(await search(keys.operator, 'ermenegilda pedrazzoli'));
    expect(byName).toEqual(expect.arrayContaining(all));
    expect(refs(await search(keys.operator, 'Pedrazz'))).toEqual(expect.arrayContaining(all));
  });

  it('finds free text with Italian stemming (reason, subject, note)', async () => {
    expect(refs(await search(keys.operator, 'rimorchi agricoli'))).toEqual(expect.arrayContaining([`contact:${ids.contact}`, `escalation:${ids.escalation}`]));
    expect(refs(await search(keys.operator, 'sportello interminabile'))).toEqual([`complaint:${ids.complaint}`]);
    expect(refs(await search(keys.operator, 'preventivi cappotto'))).toEqual([`appointment:${ids.appointment}`]);
  });

  it('ranks key hits first, then names, then text; filters by kind; pages', async () => {
    // The surname: the person's records by name, the neighbour's contact (text only) last.
    const bySurname = refs(await search(keys.operator, 'pedrazzoli'));
    expect(bySurname.at(-1)).toBe(`contact:${ids.mention}`);
    expect(bySurname).toHaveLength(8);
    // A key hit comes before name and text hits: the missed call's reference, then nothing else.
    const byRef = await search(keys.operator, ids.missedCall);
    expect(refs(byRef)[0]).toBe(`missed-call:${ids.missedCall}`);
    expect((await search(keys.operator, 'pedrazzoli', '&kind=complaint')).map((i) => i.kind)).toEqual(['complaint']);
    const page1 = await request(stack.app).get('/api/v1/search?q=pedrazzoli&limit=3').set('Authorization', keys.operator);
    const page2 = await request(stack.app).get('/api/v1/search?q=pedrazzoli&limit=3&offset=3').set('Authorization', keys.operator);
    expect(page1.body).toMatchObject({ limit: 3, offset: 0, hasMore: true });
    expect([...refs(page1.body.items), ...refs(page2.body.items)]).toEqual(bySurname.slice(0, 6));
    // Newest first within a tier.
    const names = await search(keys.operator, 'pedrazzoli', '&kind=contact');
    expect(names.map((i) => i.id)).toEqual([ids.missedContact, ids.contact, ids.mention]);
  });

  it('an office key finds only its own office’s escalations, missed calls and appointments', async () => {
    expect(refs(await search(keys.veicoli, 'pedrazzoli'))).toEqual([`escalation:${ids.escalation}`]);
    expect(refs(await search(keys.patenti, 'pedrazzoli'))).toEqual([`missed-call:${ids.missedCall}`]);
    expect(refs(await search(keys.energia, 'pedrazzoli'))).toEqual([`appointment:${ids.appointment}`]);
    // Another office's escalation: not by name, email, phone, reference or text.
    for (const q of [other.surname, other.email, other.phone, ids.otherEscalation, 'patente scaduta']) {
      expect(await search(keys.veicoli, q)).toEqual([]);
      expect(refs(await search(keys.patenti, q))).toEqual([`escalation:${ids.otherEscalation}`]);
    }
    for (const q of [ids.missedCall, person.email]) expect(refs(await search(keys.veicoli, q))).not.toContain(`missed-call:${ids.missedCall}`);
    // Contacts, complaints and renewals are not an office's: not even by their reference.
    for (const id of [ids.contact, ids.complaint, ids.renewal]) expect(await search(keys.veicoli, id)).toEqual([]);
    expect(await search(keys.veicoli, 'pedrazzoli', '&kind=contact')).toEqual([]);
    // The titles an office sees say nothing beyond its own record.
    const [own] = await search(keys.veicoli, ids.escalation);
    expect(own.title).not.toMatch(/Reclamo|Rinnovo|PATENTI/);
  });

  it('refuses bad input naming the field, and keys that may not search', async () => {
    for (const [query, field] of [
      ['', 'q'],
      ['q=a', 'q'],
      ['q=rossi&kind=nothing', 'kind'],
      ['q=rossi&limit=0', 'limit'],
      ['q=rossi&other=1', ''],
    ] as const) {
      const res = await api.get(`/search?${query}`, keys.operator);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api.get('/search?q=rossi', await stack.bearer('integrator'))).status).toBe(403);
    expect((await request(stack.app).get('/api/v1/search?q=rossi')).status).toBe(401);
  });
});

describe('GET /citizens/timeline', () => {
  it('gives everything about the person, newest first, with the last action, found by any identifier', async () => {
    const res = await api.get(`/citizens/timeline?phone=${encodeURIComponent('347 5558181')}`, keys.supervisor);
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(refs(items).sort()).toEqual(
      [`contact:${ids.contact}`, `contact:${ids.missedContact}`, `escalation:${ids.escalation}`, `missed-call:${ids.missedCall}`, `complaint:${ids.complaint}`, `renewal:${ids.renewal}`, `appointment:${ids.appointment}`].sort(),
    );
    const times = items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(items.find((i) => i.id === ids.escalation)?.lastAction).toMatchObject({ action: expect.any(String) });
    expect(res.body.total).toBe(7);
    // By tax code (held by the renewal and the appointment): the same person, through their other identifiers.
    const byTax = await api.get(`/citizens/timeline?taxCode=${person.taxCode.toLowerCase()}`, keys.uru);
    expect(byTax.status).toBe(200);
    expect(refs(byTax.body.items)).toEqual(expect.arrayContaining([`renewal:${ids.renewal}`, `appointment:${ids.appointment}`]));
    const byEmail = await api.get(`/citizens/timeline?email=${encodeURIComponent(other.email)}`, keys.operator);
    expect(refs(byEmail.body.items).sort()).toEqual([`contact:${ids.otherContact}`, `escalation:${ids.otherEscalation}`].sort());
  });

  it('is audited: the person (as a salted hash) and every record disclosed', async () => {
    await api.get(`/citizens/timeline?email=${encodeURIComponent(person.email)}`, keys.operator);
    const personAudit = await api.get(`/audit?entity=person&id=${encodeURIComponent(person.email)}`, keys.admin);
    expect(personAudit.body.items.map((e: { action: string; path: string }) => [e.action, e.path])).toContainEqual(['read', '/api/v1/citizens/timeline']);
    const recordAudit = await api.get(`/audit?entity=missed_call&id=${ids.missedCall}`, keys.admin);
    expect(recordAudit.body.items.map((e: { path: string }) => e.path)).toContain('/api/v1/citizens/timeline');
    const searchAudit = await api.get(`/audit?entity=escalation&id=${ids.escalation}`, keys.admin);
    expect(searchAudit.body.items.map((e: { path: string }) => e.path)).toContain('/api/v1/search');
  });

  it('needs exactly one identifier (400 naming the field); office keys may not read it', async () => {
    for (const [query, field] of [
      ['', 'email'],
      [`email=${encodeURIComponent(person.email)}&taxCode=${person.taxCode}`, 'taxCode'],
      ['email=not-an-email', 'email'],
      ['phone=abc', 'phone'],
    ] as const) {
      const res = await api.get(`/citizens/timeline?${query}`, keys.operator);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    for (const key of [keys.veicoli, keys.patenti]) expect((await api.get(`/citizens/timeline?email=${encodeURIComponent(person.email)}`, key)).status).toBe(403);
  });
});

describe('erasure', () => {
  it('takes the person out of the search and the timeline at once', async () => {
    expect((await search(keys.operator, person.email)).length).toBeGreaterThan(0);
    const res = await api.post('/privacy/erasure', keys.admin, { email: person.email });
    expect(res.status).toBe(200);
    for (const q of [person.email, person.phone, person.taxCode, 'pedrazzoli ermenegilda', 'Pedrazz']) {
      const found = refs(await search(keys.operator, q));
      expect(found.filter((r) => r !== `contact:${ids.mention}`)).toEqual([]);
    }
    // Still found by reference (the record stays, anonymised), with no name in its title.
    const [byRef] = await search(keys.operator, ids.complaint);
    expect(byRef.title).not.toMatch(/Pedrazz|Ermenegilda/i);
    expect((await api.get(`/citizens/timeline?email=${encodeURIComponent(person.email)}`, keys.operator)).body.items).toEqual([]);
    // The other citizen is untouched.
    expect(refs(await search(keys.operator, other.email))).toEqual(expect.arrayContaining([`contact:${ids.otherContact}`]));
    const left = await stack.db.raw(`select count(*)::int as n from search_entries where names ilike '%pedrazz%' or email = ? or tax_code = ?`, [person.email, person.taxCode]);
    expect(left.rows[0].n).toBe(0);
  });
});
