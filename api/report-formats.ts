/**
 * Serialisation of tabular reports, as the renewals export: CSV with `;`, a BOM and CRLF (Excel in
 * Italian locale opens it in columns), or XLSX. The format comes from `?format=csv|xlsx|json` or,
 * failing that, the Accept header.
 */
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { invalidField } from './errors';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export type ReportFormat = 'json' | 'csv' | 'xlsx';

export function reportFormat(req: Request): ReportFormat {
  const asked = req.query.format;
  if (asked !== undefined) {
    if (asked === 'json' || asked === 'csv' || asked === 'xlsx') return asked;
    throw invalidField('format', 'expected json, csv or xlsx');
  }
  const accepted = req.accepts(['application/json', 'text/csv', XLSX_TYPE]);
  return accepted === 'text/csv' ? 'csv' : accepted === XLSX_TYPE ? 'xlsx' : 'json';
}

/** Nulls (nothing to measure) become empty cells; booleans true/false. */
export function reportCsv(columns: string[], records: unknown[][]): string {
  return stringify(records, { header: true, columns, delimiter: ';', bom: true, record_delimiter: 'windows', escape_formulas: true, cast: { boolean: (b) => (b ? 'true' : 'false') } });
}

export async function reportXlsx(sheet: string, columns: string[], records: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet(sheet);
  ws.addRow(columns).font = { bold: true };
  for (const r of records) ws.addRow(r.map((v) => (v === null || v === undefined ? null : typeof v === 'boolean' ? String(v) : v)));
  ws.columns.forEach((c) => (c.width = 18));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Sends the table as CSV or XLSX, named `<base>.csv|xlsx`. */
export async function sendTable(res: Response, format: 'csv' | 'xlsx', base: string, columns: string[], records: unknown[][]): Promise<void> {
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').attachment(`${base}.csv`).send(reportCsv(columns, records));
    return;
  }
  res.type(XLSX_TYPE).attachment(`${base}.xlsx`).send(await reportXlsx(base, columns, records));
}
