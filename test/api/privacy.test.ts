/**
 * The data subject's rights on the real stack (PostgreSQL, Temporal dev server, SMTP sink): a
 * citizen's contacts, escalation, missed call, complaint, renewal and appointment are created through the API and
 * their workflows run; the export gives all of it; the erasure leaves nothing of the person in any
 * table or export file, the month's SLA, CRM and appointments figures unchanged, and running workflows can neither
 * write the person back nor email them. Reads and changes are audited in PostgreSQL.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { fastCatalog, startStack, Stack } from '../support/harness';
import { taxCodeCheckChar } from '../../domain/tax-code';
import { sqlNormalizedPhone } from '../../domain/privacy';

jest.setTimeout(120_000);

let stack: Stack;
const keys = {} as Record<'admin' | 'operator' | 'integrator' | 'veicoli' | 'supervisor' | 'uru' | 'scheduler', string>;

const person = {
  surname: 'Zanichelli',
  name: 'Ottavio',
  email: 'ottavio.zanichelli@example.org',
  phone: '+39 347 555 1234',
  taxCode: `ZNCTTV80A01L378${taxCodeCheckChar('ZNCTTV80A01L378')}`,
};
/** What must not be found anywhere after the erasure. */
const needles = [person.surname, person.name, person.email, '347 555 1234', '3475551234', person.taxCode];
const other = { surname: 'Verdi', name: 'Annunziata', email: 'annunziata.verdi@example.org', phone: '+39 340 000 9999' };

beforeAll(async () => {
  stack = await startStack({ catalog: fastCatalog() });
  keys.admin = await stack.bearer('admin', undefined, 'Responsabile privacy');
  keys.operator = await stack.bearer('operator', undefined, 'Sportello 1');
  keys.integrator = await stack.bearer('integrator');
  keys.veicoli = await stack.bearer('office', 'MCTC-VEICOLI', 'Ufficio veicoli');
  keys.supervisor = await stack.bearer('supervisor');
  keys.uru = await stack.bearer('uru', undefined, 'URU');
  keys.scheduler = await stack.bearer('scheduler');
});
afterAll(async () => {
  await stack?.stop();
});

const api = {
  post: (p: string, key: string, body: unknown = {}) => request(stack.app).post(`/api/v1${p}`).set('Authorization', key).send(body as object),
  get: (p: string, key: string) => request(stack.app).get(`/api/v1${p}`).set('Authorization', key),
};

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Every text, JSON and array column of every table that holds one of the needles: "table.column". */
async function columnsHolding(values: string[]): Promise<string[]> {
  const { rows } = await stack.db.raw(
    `select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const c of rows as { table_name: string; column_name: string }[]) {
    const r = await stack.db.raw(`select count(*)::int as n from "${c.table_name}" where "${c.column_name}"::text ilike any(?::text[])`, [values.map((v) => `%${v}%`)]);
    if (r.rows[0].n > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}

/** Files under the renewals export's working folders (in the temporary folder) that hold one of the needles. */
function exportFilesHolding(values: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // another suite's file went away meanwhile
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 50_000_000) {
        const text = readFileSync(p).toString('utf8').toLowerCase();
        if (values.some((v) => text.includes(v.toLowerCase()))) hits.push(p);
      }
    }
  };
  for (const name of readdirSync(tmpdir())) if (name.startsWith('renewals-export-')) walk(path.join(tmpdir(), name));
  return hits;
}

const holds = (body: unknown) => needles.filter((n) => JSON.stringify(body).toLowerCase().includes(n.toLowerCase()));
const todayInRome = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
const thisMonth = () => todayInRome().slice(0, 7);

describe('refusals', () => {
  it('erasure and export need an admin key and exactly one of email, phone, taxCode', async () => {
    for (const [body, field] of [
      [{}, 'email'],
      [{ email: person.email, phone: person.phone }, 'phone'],
      [{ email: 'not-an-email' }, 'email'],
      [{ email: person.email, name: 'x' }, ''],
      [{ taxCode: 'abc' }, 'taxCode'],
    ] as const) {
      const res = await api.post('/privacy/erasure', keys.admin, body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api.get('/privacy/export', keys.admin)).status).toBe(400);
    expect((await api.get(`/privacy/export?email=${encodeURIComponent(person.email)}&taxCode=${person.taxCode}`, keys.admin)).status).toBe(400);
    for (const key of [keys.operator, keys.supervisor, keys.uru, keys.veicoli]) {
      expect((await api.post('/privacy/erasure', key, { email: person.email })).status).toBe(403);
      expect((await api.get(`/privacy/export?email=${encodeURIComponent(person.email)}`, key)).status).toBe(403);
      expect((await api.get('/audit?entity=contact&id=x', key)).status).toBe(403);
    }
    expect((await api.get('/audit?entity=nothing&id=x', keys.admin)).status).toBe(400);
    expect((await api.get('/audit?entity=contact', keys.admin)).status).toBe(400);
    // Nothing was erased or written by the refused requests.
    expect(await stack.db('erased_subjects').count({ n: '*' })).toEqual([{ n: '0' }]);
  });
});

describe('a citizen through every lifecycle, exported, then erased', () => {
  const ids = {} as Record<'answered' | 'written' | 'escalated' | 'missedContact' | 'missedCall' | 'escalation' | 'complaint' | 'renewal' | 'appointment' | 'otherContact', string>;
  let slaBefore: unknown;
  let crmBefore: unknown;
  let appointmentsReport = '';
  let appointmentsBefore: unknown;
  let exportRowsBefore: number;
  const date = todayInRome();

  beforeAll(async () => {
    // Call records of last month for the SLA report; one of the person's contacts is one of these calls.
    const calls = Array.from({ length: 6 }, (_, i) => {
      const registeredAt = new Date(Date.UTC(2026, 10, 10 + i, 9, 0, 0));
      return {
        callId: `gdpr-call-${i}`,
        service: 'MCTC',
        registeredAt: registeredAt.toISOString(),
        answeredAt: i === 5 ? undefined : new Date(registeredAt.getTime() + (5 + i) * 1000).toISOString(),
        endedAt: new Date(registeredAt.getTime() + 180_000).toISOString(),
      };
    });
    expect((await api.post('/calls', keys.integrator, calls)).status).toBeLessThan(300);

    const caller = { surname: person.surname, name: person.name, phone: person.phone, email: person.email };
    const answered = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'phone', callId: 'gdpr-call-1', caller, reason: `Ottavio Zanichelli chiede il duplicato della patente` });
    expect(answered.status).toBe(201);
    ids.answered = answered.body.id;
    expect((await api.post(`/contacts/${ids.answered}/resolve`, keys.operator, { answer: 'Gentile Ottavio Zanichelli, il duplicato si chiede online.' })).status).toBe(200);

    const written = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'web', caller: { name: person.name, email: person.email }, reason: 'Orari dello sportello patenti?' });
    expect(written.status).toBe(201);
    ids.written = written.body.id;
    expect((await api.post(`/contacts/${ids.written}/resolve`, keys.operator, { answer: 'Gentile Ottavio, lo sportello apre alle 8.30.' })).status).toBe(200);

    // The same person writes with the address in capitals: still them.
    const escalated = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'email', caller: { email: person.email.toUpperCase() }, reason: 'Immatricolazione ferma da un mese' });
    expect(escalated.status).toBe(201);
    ids.escalated = escalated.body.id;
    const esc = await api.post(`/contacts/${ids.escalated}/escalate`, keys.operator, { office: 'MCTC-VEICOLI', note: 'Il sig. Zanichelli attende da un mese' });
    expect(esc.status).toBe(201);
    ids.escalation = esc.body.id;

    const missedContact = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'phone', caller: { surname: person.surname, name: person.name, phone: '0039 347 5551234' }, reason: 'Cerca il funzionario' });
    expect(missedContact.status).toBe(201);
    ids.missedContact = missedContact.body.id;
    const form = await api.post(`/contacts/${ids.missedContact}/missed-call`, keys.operator, { personSought: 'Paolo Conti', reason: 'Pratica di Zanichelli ferma', office: 'MCTC-VEICOLI', callbackEmail: person.email });
    expect(form.status).toBe(201);
    ids.missedCall = form.body.id;

    const complaint = await api.post('/complaints', keys.operator, {
      kind: 'complaint',
      requester: { name: person.name, surname: person.surname, email: person.email, phone: person.phone },
      subject: 'Reclamo di Ottavio Zanichelli',
      body: 'Nessuno mi ha risposto. Ottavio Zanichelli, tel. +39 347 555 1234',
      channel: 'phone',
      service: 'MCTC',
    });
    expect(complaint.status).toBe(201);
    ids.complaint = complaint.body.id;

    const renewal = await api.post('/renewals', keys.operator, { surname: person.surname, name: person.name, taxCode: person.taxCode, jobType: 'Custode', jobCentre: 'CPI-TRENTO', phone: person.phone, email: person.email });
    expect(renewal.status).toBe(201);
    ids.renewal = renewal.body.id;

    // An appointment at a desk, booked for them (confirmed by email, with the calendar entry).
    const from = todayInRome();
    const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() + 20 * 86_400_000));
    const slots = await api.get(`/appointments/slots?service=APIAE&applicationType=ENERGIA-RISPARMIO&office=APIAE-ENERGIA&from=${from}&to=${to}`, keys.operator);
    expect(slots.status).toBe(200);
    const slot = slots.body.items[0] as { start: string };
    const appointment = await api.post('/appointments', keys.operator, {
      service: 'APIAE',
      applicationType: 'ENERGIA-RISPARMIO',
      office: 'APIAE-ENERGIA',
      start: slot.start,
      citizen: { surname: person.surname, name: person.name, taxCode: person.taxCode, phone: person.phone, email: person.email },
      note: 'Ottavio Zanichelli porta i preventivi',
    });
    expect(appointment.status).toBe(201);
    ids.appointment = appointment.body.id;
    appointmentsReport = `/reports/appointments?month=${slot.start.slice(0, 7)}&office=APIAE-ENERGIA`;
    await stack.smtp.waitFor((m) => m.envelope.to.includes(person.email) && m.parsed.attachments.some((a) => a.filename?.endsWith('.ics')), 30_000);

    const otherContact = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'phone', callId: 'gdpr-call-2', caller: other, reason: 'Annunziata Verdi chiede orari' });
    ids.otherContact = otherContact.body.id;
    expect((await api.post(`/contacts/${ids.otherContact}/resolve`, keys.operator, { answer: 'Orari comunicati' })).status).toBe(200);

    // Let the workflows run: the answer, the office's notices, the complaint's receipt, the day's export.
    await stack.smtp.waitFor((m) => m.envelope.to.includes(person.email) && String(m.parsed.text).includes('sportello apre'), 30_000);
    await stack.smtp.waitFor((m) => String(m.parsed.subject).includes('Mancata risposta'), 30_000);
    expect((await api.post('/exports/renewals/run', keys.scheduler, { date })).status).toBe(202);
    const exported = await stack.smtp.waitFor((m) => m.envelope.to.includes('cpi.trento@example.org'), 45_000);
    expect(exported.parsed.attachments.some((a) => a.content.toString('utf8').includes(person.taxCode))).toBe(true);
    await eventually(() => api.get(`/exports/renewals/${date}`, keys.scheduler), (r) => r.body.status === 'completed', 'the export run');
    const csv = await api.get(`/exports/renewals/${date}/files/CPI-TRENTO.csv`, keys.scheduler).buffer(true);
    expect(csv.status).toBe(200);
    exportRowsBefore = csv.text.trim().split(/\r?\n/).length;
    expect(csv.text).toContain(person.taxCode);

    // A kind of record the privacy registry does not know yet (another module's table): the erasure's safety net.
    await stack.db.schema.createTable('later_kind_records', (t) => {
      t.text('id').primary();
      t.text('notes');
      t.jsonb('data');
    });
    await stack.db('later_kind_records').insert({ id: 'L1', notes: `Richiamare ${person.email} (CF ${person.taxCode})`, data: JSON.stringify({ email: person.email.toUpperCase(), phone: person.phone }) });

    slaBefore = (await api.get('/reports/sla?month=2026-11&service=MCTC', keys.supervisor)).body;
    crmBefore = (await api.get(`/reports/crm?month=${thisMonth()}`, keys.supervisor)).body;
    appointmentsBefore = (await api.get(appointmentsReport, keys.supervisor)).body;
    expect(appointmentsBefore).toMatchObject({ items: [expect.objectContaining({ office: 'APIAE-ENERGIA', booked: 1 })] });
    expect(slaBefore).toMatchObject({ calls: { registered: 6 } });
  });

  it('exports everything the product holds on the person, found by any identifier, and only them', async () => {
    const res = await api.get(`/privacy/export?phone=${encodeURIComponent('347-555-1234')}`, keys.admin);
    expect(res.status).toBe(200);
    const data = res.body;
    const idsOf = (xs: { id: string }[]) => xs.map((x) => x.id).sort();
    expect(idsOf(data.contacts)).toEqual([ids.answered, ids.written, ids.escalated, ids.missedContact].sort());
    expect(idsOf(data.escalations)).toEqual([ids.escalation]);
    expect(idsOf(data.missedCalls)).toEqual([ids.missedCall]);
    expect(idsOf(data.complaints)).toEqual([ids.complaint]);
    expect(idsOf(data.renewals)).toEqual([ids.renewal]);
    expect(idsOf(data.appointments)).toEqual([ids.appointment]);
    expect(data.appointments[0].citizen).toMatchObject({ surname: person.surname, email: person.email });
    expect(data.history.some((h: { entity_type: string; entity_id: string }) => h.entity_type === 'appointment' && h.entity_id === ids.appointment)).toBe(true);
    expect(data.sentEmails.some((m: { key: string }) => m.key.startsWith(`appointment:${ids.appointment}/`))).toBe(true);
    expect(data.history.length).toBeGreaterThanOrEqual(6);
    expect(data.sentEmails.some((m: { recipients: string[] }) => m.recipients.includes(person.email))).toBe(true);
    expect(JSON.stringify(data)).not.toContain(other.email);
    // By tax code: the same person (the renewal carries their email and phone).
    const byTaxCode = await api.get(`/privacy/export?taxCode=${person.taxCode.toLowerCase()}`, keys.admin);
    expect(idsOf(byTaxCode.body.contacts)).toEqual(idsOf(data.contacts));
    expect(idsOf(byTaxCode.body.appointments)).toEqual([ids.appointment]);
  });

  it('audits who read and changed a record, and who exported the person, in PostgreSQL', async () => {
    expect((await api.get(`/contacts/${ids.answered}`, keys.supervisor)).status).toBe(200);
    expect((await api.get(`/renewals?taxCode=${person.taxCode}`, keys.operator)).status).toBe(200);
    const contactAudit = await api.get(`/audit?entity=contact&id=${ids.answered}`, keys.admin);
    expect(contactAudit.status).toBe(200);
    const entries = contactAudit.body.items as { keyName: string; keyRole: string; keyId: string; action: string; at: string; path: string }[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyName: 'Sportello 1', keyRole: 'operator', action: 'change', path: `/api/v1/contacts/${ids.answered}/resolve` }),
        expect.objectContaining({ keyRole: 'supervisor', action: 'read', path: `/api/v1/contacts/${ids.answered}` }),
        expect.objectContaining({ keyName: 'Responsabile privacy', keyRole: 'admin', action: 'export' }),
      ]),
    );
    expect(entries.every((e) => e.keyId && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    const renewalAudit = await api.get(`/audit?entity=renewal&id=${ids.renewal}`, keys.admin);
    expect(renewalAudit.body.items.some((e: { action: string; path: string }) => e.action === 'read' && e.path === '/api/v1/renewals')).toBe(true);
    // Appointments: read one, read the office's list; the booking is a change.
    expect((await api.get(`/appointments/${ids.appointment}`, keys.supervisor)).status).toBe(200);
    expect((await api.get('/appointments?office=APIAE-ENERGIA', keys.supervisor)).status).toBe(200);
    const appointmentAudit = await api.get(`/audit?entity=appointment&id=${ids.appointment}`, keys.admin);
    expect(appointmentAudit.status).toBe(200);
    expect(appointmentAudit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyName: 'Sportello 1', action: 'change', path: '/api/v1/appointments' }),
        expect.objectContaining({ keyRole: 'supervisor', action: 'read', path: `/api/v1/appointments/${ids.appointment}` }),
        expect.objectContaining({ keyRole: 'supervisor', action: 'read', path: '/api/v1/appointments' }),
        expect.objectContaining({ keyRole: 'admin', action: 'export' }),
      ]),
    );
    // The person's export is found by their identifier; the log holds only a salted hash.
    const personAudit = await api.get(`/audit?entity=person&id=${encodeURIComponent(person.phone)}`, keys.admin);
    expect(personAudit.body.items.map((e: { action: string }) => e.action)).toContain('export');
    expect(await columnsHolding(['/renewals?taxCode'])).toEqual([]);
  });

  it('erases the person everywhere; reports stay the same; running workflows neither write them back nor email them', async () => {
    const res = await api.post('/privacy/erasure', keys.admin, { email: person.email.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.erased).toMatchObject({ contacts: 4, escalations: 1, missedCalls: 1, complaints: 1, renewals: 1, appointments: 1 });
    expect(res.body.erased.history).toBeGreaterThan(0);
    expect(res.body.erased.sentEmails).toBeGreaterThan(0);
    expect(res.body.erased.otherRecords).toBe(2);
    // The month's figures are unchanged by the erasure.
    expect((await api.get('/reports/sla?month=2026-11&service=MCTC', keys.supervisor)).body).toEqual(slaBefore);
    expect((await api.get(`/reports/crm?month=${thisMonth()}`, keys.supervisor)).body).toEqual(crmBefore);
    expect((await api.get(appointmentsReport, keys.supervisor)).body).toEqual(appointmentsBefore);
    const anonymised = await stack.db('appointments').where({ id: ids.appointment }).first();
    expect(anonymised).toMatchObject({ status: 'booked', office: 'APIAE-ENERGIA', service: 'APIAE', application_type: 'ENERGIA-RISPARMIO', note: '[cancellato]' });
    expect(await stack.db('appointment_seats').where({ appointment_id: ids.appointment }).first()).toBeDefined();

    // Running workflows hold the person in memory: their next transitions and emails.
    const mailsToPerson = () => stack.smtp.messages.filter((m) => m.envelope.to.includes(person.email)).length;
    const before = mailsToPerson();
    expect((await api.post(`/escalations/${ids.escalation}/take-charge`, keys.veicoli)).status).toBe(200);
    expect((await api.post(`/escalations/${ids.escalation}/resolve`, keys.veicoli, { response: 'Risolto per il sig. Zanichelli' })).status).toBe(200);
    expect((await api.post(`/missed-calls/${ids.missedCall}/callback`, keys.veicoli, { outcome: 'reached' })).status).toBe(200);
    expect((await api.post(`/complaints/${ids.complaint}/take-charge`, keys.uru)).status).toBe(200);
    expect((await api.post(`/appointments/${ids.appointment}/cancel`, keys.operator, { reason: 'Disdetto dal sig. Zanichelli' })).status).toBe(200);
    await eventually(() => api.get(`/contacts/${ids.escalated}`, keys.supervisor), (r) => r.body.status === 'resolved', 'the escalated contact resolved');
    await new Promise((r) => setTimeout(r, 1500)); // emails the workflows would send
    expect(mailsToPerson()).toBe(before);

    // Nothing of the person in any column of any table, nor in files.
    const leftInDb = await columnsHolding(needles);
    // The free text written after the erasure by the office ('... sig. Zanichelli') is anonymised too.
    expect(leftInDb).toEqual([]);
    expect(exportFilesHolding(needles)).toEqual([]);
    const csv = await api.get(`/exports/renewals/${date}/files/CPI-TRENTO.csv`, keys.scheduler).buffer(true);
    expect(csv.status).toBe(200);
    expect(holds(csv.text)).toEqual([]);
    expect(csv.text.trim().split(/\r?\n/).length).toBe(exportRowsBefore);

    // The records closed after the erasure count in the figures like any other.
    expect((await api.get('/reports/sla?month=2026-11&service=MCTC', keys.supervisor)).body).toEqual(slaBefore);
    const crmAfter = (await api.get(`/reports/crm?month=${thisMonth()}`, keys.supervisor)).body;
    expect(crmAfter.contacts).toMatchObject({ registered: 5, resolved: 5, backOffice: 2 });

    // No endpoint returns them.
    for (const [p, key] of [
      [`/contacts/${ids.answered}`, keys.supervisor],
      [`/contacts/${ids.written}`, keys.supervisor],
      [`/contacts/${ids.escalated}`, keys.supervisor],
      [`/contacts/${ids.missedContact}`, keys.supervisor],
      ['/contacts?status=resolved', keys.supervisor],
      ['/contacts', keys.operator],
      [`/escalations/${ids.escalation}`, keys.supervisor],
      ['/escalations', keys.supervisor],
      [`/missed-calls/${ids.missedCall}`, keys.supervisor],
      ['/missed-calls', keys.supervisor],
      [`/complaints/${ids.complaint}`, keys.uru],
      ['/complaints', keys.uru],
      [`/renewals/${ids.renewal}`, keys.operator],
      ['/renewals', keys.operator],
      [`/renewals?taxCode=${person.taxCode}`, keys.operator],
      [`/renewals?surname=${person.surname}`, keys.operator],
      [`/appointments/${ids.appointment}`, keys.supervisor],
      ['/appointments?office=APIAE-ENERGIA', keys.supervisor],
      [`/exports/renewals/${date}`, keys.scheduler],
      [`/privacy/export?email=${encodeURIComponent(person.email)}`, keys.admin],
    ] as const) {
      const r = await api.get(p, key);
      expect([p, r.status]).toEqual([p, 200]);
      expect([p, holds(r.body)]).toEqual([p, []]);
    }
    const exported = await api.get(`/privacy/export?email=${encodeURIComponent(person.email)}`, keys.admin);
    for (const kind of ['contacts', 'escalations', 'missedCalls', 'complaints', 'inquiries', 'renewals', 'appointments', 'history', 'sentEmails']) expect([kind, exported.body[kind]]).toEqual([kind, []]);

    // Another citizen is untouched.
    const kept = await api.get(`/contacts/${ids.otherContact}`, keys.supervisor);
    expect(kept.body.caller).toEqual(other);
    expect(await columnsHolding([other.email])).toEqual(expect.arrayContaining(['contacts.caller']));

    // A second erasure finds nothing more; the audit log names who erased.
    const again = await api.post('/privacy/erasure', keys.admin, { taxCode: person.taxCode });
    expect(again.status).toBe(200);
    expect(again.body.erased).toMatchObject({ contacts: 0, complaints: 0, renewals: 0, appointments: 0 });
    expect((await api.get(`/reports/crm?month=${thisMonth()}`, keys.supervisor)).body).toEqual(crmAfter);
    const audit = await api.get(`/audit?entity=person&id=${encodeURIComponent(person.email)}`, keys.admin);
    expect(audit.body.items.map((e: { action: string; keyName: string }) => [e.action, e.keyName])).toContainEqual(['erase', 'Responsabile privacy']);
  });
});

describe('an erasure while the workflows of the person are being changed', () => {
  it('neither deadlocks nor leaves the person behind', async () => {
    const someone = { surname: 'Quarantotti', name: 'Ermenegilda', email: 'ermenegilda.q@example.org' };
    const created = await Promise.all(
      Array.from({ length: 8 }, () => api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'web', caller: someone, reason: 'Domanda di Ermenegilda Quarantotti' })),
    );
    expect(created.map((r) => r.status)).toEqual(Array(8).fill(201));
    const changes = created.map((c, i) =>
      i % 2 === 0
        ? api.post(`/contacts/${c.body.id}/resolve`, keys.operator, { answer: 'Risposta per Ermenegilda Quarantotti' })
        : api.post(`/contacts/${c.body.id}/escalate`, keys.operator, { office: 'MCTC-VEICOLI', note: 'Nota su Quarantotti' }),
    );
    const [erasure, ...answers] = await Promise.all([api.post('/privacy/erasure', keys.admin, { email: someone.email }), ...changes]);
    expect(erasure.status).toBe(200);
    expect(answers.every((r) => r.status < 300)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // the workflows' last records and emails
    expect(await columnsHolding([someone.surname, someone.name, someone.email])).toEqual([]);
  });
});

it('finds a person through indexes, not by reading every contact', async () => {
  // The lookups of infra/stores/privacy.ts, planned with sequential scans priced out: each uses its index.
  const plans: [string, string][] = [
    [`select id from contacts where lower(caller->>'email') = any(array['x@example.org'])`, 'contacts_caller_email_idx'],
    [`select id from contacts where ${sqlNormalizedPhone(`caller->>'phone'`)} = any(array['3331234567'])`, 'contacts_caller_phone_idx'],
    [`select id from complaints where lower(requester->>'email') = any(array['x@example.org'])`, 'complaints_requester_email_idx'],
    [`select id from missed_calls where ${sqlNormalizedPhone('callback_phone')} = any(array['3331234567'])`, 'missed_calls_callback_phone_idx'],
    [`select id from renewals where upper(tax_code) = any(array['X'])`, 'renewals_upper_tax_code_idx'],
    [`select id from appointments where lower(citizen->>'email') = any(array['x@example.org'])`, 'appointments_citizen_email_idx'],
    [`select id from appointments where ${sqlNormalizedPhone(`citizen->>'phone'`)} = any(array['3331234567'])`, 'appointments_citizen_phone_idx'],
    [`select id from appointments where upper(citizen->>'taxCode') = any(array['X'])`, 'appointments_citizen_tax_code_idx'],
    [`select id from appointments where contact_id = any(array['X'])`, 'appointments_contact_id_idx'],
  ];
  await stack.db.transaction(async (trx) => {
    await trx.raw('set local enable_seqscan = off');
    for (const [sql, index] of plans) {
      const { rows } = await trx.raw(`explain ${sql}`);
      expect(rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n')).toContain(index);
    }
  });
});
