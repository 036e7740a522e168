/**
 * The renewals export's files: one job centre's actions of a period as CSV (for Italian Excel) and
 * XLSX, built in one streaming pass. Shared by the export activity (which emails them) and the API
 * (which rebuilds a past file on request: the export is reproducible).
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import type { Db } from '../infra/db';

/** How each action is named in the files. */
export const ACTION_LABELS: Record<string, string> = {
  inserted: 'Inserimento',
  confirmed: 'Conferma',
  cancelled: 'Cancellazione',
};

/** Column headings of the CSV and XLSX files, in order. */
export const EXPORT_HEADINGS = [
  'ID iscrizione',
  'Azione',
  'Data e ora azione',
  'Cognome',
  'Nome',
  'Codice fiscale',
  'Data di nascita',
  'Tipo di lavoro',
  'Telefono',
  'Email',
  'Consenso alla pubblicazione',
  'Motivo della cancellazione',
] as const;

/** One action of one entry, as exported. */
export interface ExportRow {
  eventId: string;
  renewalId: string;
  action: string;
  at: Date;
  surname: string;
  name: string;
  taxCode: string;
  birthDate: string | null;
  jobType: string;
  phone: string | null;
  email: string | null;
  consentToPublish: boolean;
  reason: string | null;
}

export const fileNameOf = (date: string, centre: string, ext: 'csv' | 'xlsx') => `rinnovi_${date}_${centre}.${ext}`;

/** The centre's actions in [start, end), oldest first; the query both the export and its reproduction run. */
function changesQuery(db: Knex, p: { start: number; end: number; centre: string }) {
  return db('history as h')
    .join('renewals as r', 'r.id', 'h.entity_id')
    .where('h.entity_type', 'renewal')
    .where('h.at', '>=', new Date(p.start))
    .where('h.at', '<', new Date(p.end))
    .where('r.job_centre', p.centre)
    .orderBy([{ column: 'h.at' }, { column: 'h.id' }])
    .select(
      'h.id as event_id',
      'h.action',
      'h.at',
      db.raw(`h.payload->>'reason' as reason`),
      'r.id as renewal_id',
      'r.surname',
      'r.name',
      'r.tax_code',
      db.raw('r.birth_date::text as birth_date'),
      'r.job_type',
      'r.phone',
      'r.email',
      'r.consent_to_publish',
    );
}

/**
 * Reads the centre's changes through a server-side cursor, `batchSize` rows at a time: memory stays
 * flat however many rows the day has.
 */
export async function* streamChanges(db: Db, p: { start: number; end: number; centre: string }, batchSize = 1000): AsyncGenerator<ExportRow[]> {
  const trx = await db.transaction(undefined, { readOnly: true });
  try {
    const { sql, bindings } = changesQuery(trx, p).toSQL();
    await trx.raw(`declare renewals_export no scroll cursor for ${sql}`, bindings as Knex.RawBinding[]);
    for (;;) {
      const { rows } = await trx.raw(`fetch ${Math.max(1, Math.floor(batchSize))} from renewals_export`);
      if (rows.length === 0) break;
      yield rows.map(
        (r: Record<string, unknown>): ExportRow => ({
          eventId: String(r.event_id),
          renewalId: r.renewal_id as string,
          action: r.action as string,
          at: r.at as Date,
          surname: r.surname as string,
          name: r.name as string,
          taxCode: r.tax_code as string,
          birthDate: (r.birth_date as string | null) ?? null,
          jobType: r.job_type as string,
          phone: (r.phone as string | null) ?? null,
          email: (r.email as string | null) ?? null,
          consentToPublish: r.consent_to_publish as boolean,
          reason: (r.reason as string | null) ?? null,
        }),
      );
    }
    await trx.commit();
  } finally {
    if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
  }
}

/** A private temporary folder for one export's files; the caller removes it when done. */
export function exportWorkDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'renewals-export-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Local wall-clock time in `zone`, as a Date whose UTC fields are the local ones (what Excel dates
 * are: they have no zone). The zone's offset is looked up once per quarter of an hour of UTC time:
 * a day's file has at most ~100 lookups, however many rows it has.
 */
function wallClock(zone: string): (d: Date) => Date {
  const offsets = new Map<number, number>();
  return (d) => {
    const slot = Math.floor(d.getTime() / 900_000);
    let offset = offsets.get(slot);
    if (offset === undefined) {
      offset = DateTime.fromMillis(d.getTime(), { zone }).offset * 60_000;
      offsets.set(slot, offset);
    }
    return new Date(d.getTime() + offset);
  };
}
const pad = (n: number) => String(n).padStart(2, '0');
/** 'dd/MM/yyyy HH:mm:ss' of a wall-clock Date. */
const itDateTime = (w: Date) => `${pad(w.getUTCDate())}/${pad(w.getUTCMonth() + 1)}/${w.getUTCFullYear()} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
const itDate = (iso: string | null) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');

export interface BuiltFiles {
  /** The files on disk, in the folder the caller gave: memory stays flat however many rows. */
  csvPath: string;
  xlsxPath: string;
  rows: number;
  counts: { inserted: number; confirmed: number; cancelled: number };
}

/**
 * Builds the centre's CSV (UTF-8 with BOM, `;`, CRLF, formulas neutralised: what Italian Excel opens
 * correctly) and XLSX (streaming writer) in one pass over the cursor.
 */
export async function buildCentreFiles(
  db: Db,
  p: { date: string; zone: string; start: number; end: number; centre: string },
  opts: { dir: string; batchSize?: number; onBatch?: (rows: number) => void },
): Promise<BuiltFiles> {
  const csvPath = path.join(opts.dir, fileNameOf(p.date, p.centre, 'csv'));
  const xlsxPath = path.join(opts.dir, fileNameOf(p.date, p.centre, 'xlsx'));
  const csvFile = createWriteStream(csvPath);
  const csv = stringify({ delimiter: ';', bom: true, record_delimiter: 'windows', escape_formulas: true, header: true, columns: [...EXPORT_HEADINGS] });
  csv.pipe(csvFile);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsxPath, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Contact Center';
  const sheet = workbook.addWorksheet('Variazioni', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { width: 38 },
    { width: 15 },
    { width: 20, style: { numFmt: 'dd/mm/yyyy hh:mm:ss' } },
    { width: 22 },
    { width: 22 },
    { width: 20 },
    { width: 14, style: { numFmt: 'dd/mm/yyyy' } },
    { width: 28 },
    { width: 18 },
    { width: 30 },
    { width: 14 },
    { width: 30 },
  ];
  const header = sheet.addRow([...EXPORT_HEADINGS]);
  header.font = { bold: true };
  header.commit();

  const local = wallClock(p.zone);
  const counts = { inserted: 0, confirmed: 0, cancelled: 0 };
  let rows = 0;
  for await (const batch of streamChanges(db, p, opts.batchSize)) {
    for (const r of batch) {
      const action = ACTION_LABELS[r.action] ?? r.action;
      const consent = r.consentToPublish ? 'Sì' : 'No';
      const at = local(r.at);
      // Respect back-pressure so a slow disk never buffers the day in memory.
      if (!csv.write([r.renewalId, action, itDateTime(at), r.surname, r.name, r.taxCode, itDate(r.birthDate), r.jobType, r.phone ?? '', r.email ?? '', consent, r.reason ?? ''])) await once(csv, 'drain');
      sheet
        .addRow([
          r.renewalId,
          action,
          at,
          r.surname,
          r.name,
          r.taxCode,
          r.birthDate ? new Date(`${r.birthDate}T00:00:00Z`) : null,
          r.jobType,
          r.phone ?? '',
          r.email ?? '',
          consent,
          r.reason ?? '',
        ])
        .commit();
      if (r.action in counts) counts[r.action as keyof typeof counts]++;
      rows++;
    }
    opts.onBatch?.(rows);
  }
  csv.end();
  sheet.commit();
  await Promise.all([workbook.commit(), finished(csvFile)]);
  return { csvPath, xlsxPath, rows, counts };
}
