import { failFirstDeliveryRecord } from '../support/faults';
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { createTestDb, fastCatalog, TestDb } from '../support/harness';
import { parseCsv } from '../support/csv';
import { startSmtpSink, SmtpSinkHandle } from '../../infra/smtp-sink';
import { createMailer, Mailer } from '../../infra/mailer';
import { createSentEmailStore } from '../../infra/stores/sent-emails';
import { createRenewalStore } from '../../infra/stores/renewals';
import { readFileSync } from 'node:fs';
import { buildCentreFiles, exportToCentre, ExportDeps, exportWorkDir, streamChanges } from '../../activities/export';

const OPERATOR = { name: 'Operatore Uno', role: 'operator' };
// Tuesday 10 March 2026 in Rome (CET, UTC+1): from 9 Mar 23:00 UTC to 10 Mar 23:00 UTC.
const DAY = { date: '2026-03-10', zone: 'Europe/Rome', start: Date.parse('2026-03-09T23:00:00Z'), end: Date.parse('2026-03-10T23:00:00Z') };
const TRENTO = { code: 'CPI-TRENTO', name: "Centro per l'Impiego di Trento", mailbox: 'cpi.trento@example.org' };

let testDb: TestDb;
let smtp: SmtpSinkHandle;
let mailer: Mailer;
let deps: ExportDeps;

async function at(id: string, seq: number, iso: string) {
  await testDb.db('history').where({ entity_type: 'renewal', entity_id: id, seq }).update({ at: new Date(iso) });
}

beforeAll(async () => {
  testDb = await createTestDb();
  smtp = await startSmtpSink();
  mailer = createMailer(smtp.url, 'Contact Center <noreply@contact-center.example.org>');
  deps = { db: testDb.db, mailer, sentEmails: createSentEmailStore(testDb.db), catalog: fastCatalog(), sendEmpty: true };

  const store = createRenewalStore(testDb.db);
  const base = { service: 'ADL', jobCentre: 'CPI-TRENTO', consentToPublish: false };
  await store.insert({ ...base, id: 'r-a', surname: 'D\'Amico; "Jr"', name: 'Niccolò', taxCode: 'RSSMRA85T10A562S', birthDate: '1985-12-10', jobType: 'Custode', phone: '+39 0461 123456', email: 'niccolo@example.org', consentToPublish: true }, OPERATOR);
  await store.insert({ ...base, id: 'r-b', surname: 'Bianchi', name: 'Giulia', taxCode: 'BNCGLI90A41H501E', jobType: 'Raccolta frutta' }, OPERATOR);
  await store.confirm('r-b', OPERATOR);
  await store.insert({ ...base, id: 'r-c', surname: 'Verdi', name: 'Luca', taxCode: 'RSSMRA85T10A56NH', jobType: 'Operaio forestale' }, OPERATOR);
  await store.cancel('r-c', OPERATOR, 'Rinuncia');
  // Just outside the day, on both sides, and another centre's entry inside it.
  await store.insert({ ...base, id: 'r-before', surname: 'Prima', name: 'Anna', taxCode: 'BNCGLI90A41H501E', jobType: 'Custode' }, OPERATOR);
  await store.insert({ ...base, id: 'r-after', surname: 'Dopo', name: 'Bruno', taxCode: 'BNCGLI90A41H501E', jobType: 'Manutenzione del verde' }, OPERATOR);
  await store.insert({ ...base, id: 'r-rovereto', jobCentre: 'CPI-ROVERETO', surname: 'Neri', name: 'Carla', taxCode: 'RSSMRA85T10A562S', jobType: 'Raccolta frutta' }, OPERATOR);

  await at('r-a', 1, '2026-03-10T09:15:00Z');
  await at('r-b', 1, '2026-03-10T10:00:00Z');
  await at('r-b', 2, '2026-03-10T12:30:05Z');
  await at('r-c', 1, '2026-03-10T13:00:00Z');
  await at('r-c', 2, '2026-03-10T15:45:00Z');
  await at('r-before', 1, '2026-03-09T22:59:59.999Z');
  await at('r-after', 1, '2026-03-10T23:00:00Z');
  await at('r-rovereto', 1, '2026-03-10T11:00:00Z');
});

afterAll(async () => {
  mailer.close();
  await smtp.stop();
  await testDb.drop();
});

/** Builds the centre's files in a temporary folder and reads them back. */
async function built(centre: string) {
  const work = exportWorkDir();
  try {
    const files = await buildCentreFiles(testDb.db, { ...DAY, centre }, { dir: work.dir });
    return { ...files, csv: readFileSync(files.csvPath), xlsx: readFileSync(files.xlsxPath) };
  } finally {
    work.remove();
  }
}

const HEADER = 'ID iscrizione;Azione;Data e ora azione;Cognome;Nome;Codice fiscale;Data di nascita;Tipo di lavoro;Telefono;Email;Consenso alla pubblicazione;Motivo della cancellazione';

describe('the centre file', () => {
  it('is a CSV Italian Excel opens as is: BOM, semicolons, CRLF, quoted separators, neutralised formulas, local times', async () => {
    const files = await built('CPI-TRENTO');
    expect([...files.csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = files.csv.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(HEADER);
    // Times are Rome's (UTC+1 in March); the surname holds the separator and quotes; the leading +
    // would start a formula in Excel, so it is escaped with an apostrophe.
    expect(lines[1]).toBe(`r-a;Inserimento;10/03/2026 10:15:00;"D'Amico; ""Jr""";Niccolò;RSSMRA85T10A562S;10/12/1985;Custode;'+39 0461 123456;niccolo@example.org;Sì;`);
    expect(lines[6]).toBe('');
    expect(lines).toHaveLength(7);
    expect(text).not.toMatch(/[^\r]\n/);

    const records = parseCsv(text, ';');
    expect(records.slice(1).map((r) => [r[0], r[1], r[2], r[11]])).toEqual([
      ['r-a', 'Inserimento', '10/03/2026 10:15:00', ''],
      ['r-b', 'Inserimento', '10/03/2026 11:00:00', ''],
      ['r-b', 'Conferma', '10/03/2026 13:30:05', ''],
      ['r-c', 'Inserimento', '10/03/2026 14:00:00', ''],
      ['r-c', 'Cancellazione', '10/03/2026 16:45:00', 'Rinuncia'],
    ]);
    expect(records[1][3]).toBe('D\'Amico; "Jr"');
    expect(records[2].slice(3, 11)).toEqual(['Bianchi', 'Giulia', 'BNCGLI90A41H501E', '', 'Raccolta frutta', '', '', 'No']);
    expect(files.rows).toBe(5);
    expect(files.counts).toEqual({ inserted: 3, confirmed: 1, cancelled: 1 });
  });

  it('is also an XLSX with the same rows, times as Excel dates in local wall-clock time', async () => {
    const files = await built('CPI-TRENTO');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(files.xlsx as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Variazioni')!;
    expect(sheet.rowCount).toBe(6);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER.split(';'));
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBe('r-a');
    expect(first.getCell(2).value).toBe('Inserimento');
    expect((first.getCell(3).value as Date).toISOString()).toBe('2026-03-10T10:15:00.000Z');
    expect(first.getCell(4).value).toBe('D\'Amico; "Jr"');
    expect(first.getCell(5).value).toBe('Niccolò');
    expect((first.getCell(7).value as Date).toISOString()).toBe('1985-12-10T00:00:00.000Z');
    // No formula escaping in a typed cell: the phone is plain text.
    expect(first.getCell(9).value).toBe('+39 0461 123456');
    expect(first.getCell(11).value).toBe('Sì');
    const actions = [2, 3, 4, 5, 6].map((n) => [sheet.getRow(n).getCell(1).value, sheet.getRow(n).getCell(2).value]);
    expect(actions).toEqual([
      ['r-a', 'Inserimento'],
      ['r-b', 'Inserimento'],
      ['r-b', 'Conferma'],
      ['r-c', 'Inserimento'],
      ['r-c', 'Cancellazione'],
    ]);
    expect(sheet.getRow(6).getCell(12).value).toBe('Rinuncia');
  });

  it('reads the rows through a cursor, a batch at a time', async () => {
    const sizes: number[] = [];
    for await (const batch of streamChanges(testDb.db, { start: DAY.start, end: DAY.end, centre: 'CPI-TRENTO' }, 2)) sizes.push(batch.length);
    expect(sizes).toEqual([2, 2, 1]);
  });
});

describe('sending to a centre', () => {
  const input = { date: DAY.date, service: 'ADL', zone: DAY.zone, periodStart: DAY.start, periodEnd: DAY.end, centre: TRENTO };
  const key = `renewals-export:${DAY.date}:CPI-TRENTO`;
  const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@contact-center.example.org>`;

  it('sends once even when the activity fails after the email left, with a stable Message-ID', async () => {
    // The delivery row cannot be written the first time: the attempt fails after the relay took the email.
    await failFirstDeliveryRecord(testDb.db);
    await testDb.db('renewals_export_runs').insert({
      date: DAY.date,
      service: 'ADL',
      status: 'running',
      trigger: 'manual',
      requested_by: 'test',
      workflow_id: 'renewals-export:2026-03-10',
      run_id: 'r1',
      period_start: new Date(DAY.start),
      period_end: new Date(DAY.end),
      first_started_at: new Date(),
      started_at: new Date(),
    });
    await expect(exportToCentre(deps, input)).rejects.toThrow('simulated crash after the email left');
    expect(smtp.messages).toHaveLength(1);

    // The retry finds the email sent (sent_emails) and only records the delivery.
    const retry = await exportToCentre(deps, input);
    expect(retry).toMatchObject({ status: 'sent', alreadyDelivered: false, rows: 5, counts: { inserted: 3, confirmed: 1, cancelled: 1 }, messageId });
    // A later run finds the delivery and builds nothing.
    expect(await exportToCentre(deps, input)).toMatchObject({ status: 'sent', alreadyDelivered: true, rows: 5 });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(1);

    const mail = smtp.messages[0];
    expect(mail.envelope.to).toEqual(['cpi.trento@example.org']);
    expect(mail.parsed.messageId).toBe(messageId);
    expect(mail.parsed.subject).toBe('Banca dati rinnovi - variazioni di martedì 10 marzo 2026');
    expect(mail.parsed.text).toContain("Spettabile Centro per l'Impiego di Trento,");
    expect(mail.parsed.attachments.map((a) => a.filename)).toEqual(['rinnovi_2026-03-10_CPI-TRENTO.csv', 'rinnovi_2026-03-10_CPI-TRENTO.xlsx']);
    const csv = mail.parsed.attachments[0].content.toString('utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(parseCsv(csv.slice(1), ';')).toHaveLength(6);
    const delivery = await testDb.db('renewals_export_deliveries').where({ date: DAY.date, centre: 'CPI-TRENTO' }).first();
    expect(delivery).toMatchObject({ status: 'sent', rows: 5, inserted: 3, confirmed: 1, cancelled: 1, message_id: messageId, email_key: key });
  });

  it('sends a short "nessuna variazione" email, without attachments, to a centre with no changes', async () => {
    const cles = { code: 'CPI-CLES', name: "Centro per l'Impiego di Cles", mailbox: 'cpi.cles@example.org' };
    const result = await exportToCentre(deps, { ...input, centre: cles });
    expect(result).toMatchObject({ status: 'sent', rows: 0 });
    const mail = await smtp.waitFor((m) => m.envelope.to.includes('cpi.cles@example.org'));
    expect(mail.parsed.subject).toBe('Banca dati rinnovi - nessuna variazione - martedì 10 marzo 2026');
    expect(mail.parsed.attachments).toHaveLength(0);
  });

  it('records a centre with no changes as skipped when empty emails are turned off', async () => {
    const tione = { code: 'CPI-TIONE', name: "Centro per l'Impiego di Tione di Trento", mailbox: 'cpi.tione@example.org' };
    const before = smtp.messages.length;
    expect(await exportToCentre({ ...deps, sendEmpty: false }, { ...input, centre: tione })).toMatchObject({ status: 'skipped', rows: 0, messageId: null });
    expect(smtp.messages).toHaveLength(before);
  });
});
