import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Db } from '../infra/db';
import type { Service } from '../domain/catalog';
import { businessCalendar } from '../domain/business-calendar';
import { halfHourSlots, type HalfHourSlot } from '../domain/half-hour-slots';
import { monthBounds, openIntervals, round2 } from '../domain/sla';
import { createCallSlotStore, type SlotFigures } from '../infra/stores/call-slots';

/**
 * The month's calls of a service per half hour of its window: Appendix 4, table 2. Each slot counts
 * the calls registered inside it with the monthly report's definitions (domain/sla.ts), and the
 * slots partition the window exactly, so the sums over the slots are the month's figures.
 */

export interface SlaInterval {
  date: string;
  from: string;
  to: string;
  registered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answerTimeAvgSec: number | null;
}

export interface SlaIntervalsReport {
  month: string;
  service: string;
  zone: string;
  intervals: SlaInterval[];
  totals: Omit<SlaInterval, 'date' | 'from' | 'to'> & { abandonedPct: number | null };
}

/** The half-hour slots of the service's window in [fromMs, toMs): holidays and closed days excluded. */
export function windowSlots(service: Service, fromMs: number, toMs: number): HalfHourSlot[] {
  return halfHourSlots(openIntervals(businessCalendar(service.calendar), fromMs, toMs), service.calendar.zone);
}

export async function slaIntervalsReport(db: Db, service: Service, month: string): Promise<SlaIntervalsReport> {
  const zone = service.calendar.zone;
  const { start, end } = monthBounds(month, zone);
  const slots = windowSlots(service, start, end);
  const figures = await createCallSlotStore(db).figuresBySlot({ service: service.code, slots });
  const sum: SlotFigures = { total: 0, answered: 0, abandoned: 0, shortAbandoned: 0, waitMicros: 0, handleMicros: 0, exposureMicros: 0 };
  const intervals = slots.map((slot, i) => {
    const f = figures[i];
    for (const key of Object.keys(sum) as (keyof SlotFigures)[]) sum[key] += f[key];
    return {
      date: slot.date,
      from: slot.from,
      to: slot.to,
      registered: f.total,
      answered: f.answered,
      abandoned: f.abandoned,
      shortAbandoned: f.shortAbandoned,
      answerTimeAvgSec: f.answered > 0 ? round2(f.waitMicros / f.answered / 1e6) : null,
    };
  });
  return {
    month,
    service: service.code,
    zone,
    intervals,
    totals: {
      registered: sum.total,
      answered: sum.answered,
      abandoned: sum.abandoned,
      shortAbandoned: sum.shortAbandoned,
      answerTimeAvgSec: sum.answered > 0 ? round2(sum.waitMicros / sum.answered / 1e6) : null,
      abandonedPct: sum.answered + sum.abandoned > 0 ? round2((sum.abandoned * 100) / (sum.answered + sum.abandoned)) : null,
    },
  };
}

export const INTERVAL_COLUMNS = ['date', 'from', 'to', 'registered', 'answered', 'abandoned', 'shortAbandoned', 'answerTimeAvgSec'] as const;

const intervalRecord = (r: SlaInterval) => INTERVAL_COLUMNS.map((c) => r[c]);

/** CSV for spreadsheets set to Italian: ';' separated, UTF-8 with a BOM, decimal point as in JSON. */
export function intervalsCsv(report: SlaIntervalsReport): string {
  return stringify(report.intervals.map(intervalRecord), { header: true, columns: [...INTERVAL_COLUMNS], delimiter: ';', bom: true });
}

export async function intervalsXlsx(report: SlaIntervalsReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(`${report.service} ${report.month}`);
  sheet.columns = INTERVAL_COLUMNS.map((key) => ({ header: key, key, width: key === 'date' ? 12 : 16 }));
  for (const r of report.intervals) sheet.addRow(intervalRecord(r));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
