import { DateTime } from 'luxon';
import type { Interval } from './sla';

/**
 * The service window cut into half hours of local time (the contract's Appendix 4, table 2 counts
 * calls "per half-hour slot"). Pure: the open intervals come from the business calendar
 * (`openIntervals` in domain/sla.ts), which already skips holidays, weekends and closed days and
 * moves with DST, so a slot is always local wall-clock time: 08:00-08:30 is 07:00Z in winter and
 * 06:00Z in summer; on a 24/7 service the night of the spring change has no 02:00 slot and the
 * autumn night has two.
 */

export const SLOT_MS = 30 * 60_000;
export const WEEKDAY_CODES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];

export interface HalfHourSlot {
  /** [from, to) epoch ms; a whole half hour unless the window opens or closes inside it. */
  fromMs: number;
  toMs: number;
  /** Local date 'YYYY-MM-DD'. */
  date: string;
  weekday: WeekdayCode;
  /** Local 'HH:mm' of the half hour the slot belongs to ('08:00', '08:30', ...). */
  halfHour: string;
  /** Local 'HH:mm' of the slot's own start and end ('24:00' at the next midnight). */
  from: string;
  to: string;
}

/** The half-hour slots of the open intervals, in time order. */
export function halfHourSlots(intervals: readonly Interval[], zone: string): HalfHourSlot[] {
  const slots: HalfHourSlot[] = [];
  for (const [lo, hi] of intervals) {
    let t = lo;
    while (t < hi) {
      const local = DateTime.fromMillis(t, { zone });
      // Offsets of real zones are whole minutes; the next local :00 or :30 is a fixed distance away.
      const localMs = t + local.offset * 60_000;
      const next = Math.min(hi, t + SLOT_MS - (((localMs % SLOT_MS) + SLOT_MS) % SLOT_MS));
      const end = DateTime.fromMillis(next, { zone });
      const minute = local.minute < 30 ? 0 : 30;
      slots.push({
        fromMs: t,
        toMs: next,
        date: local.toISODate() as string,
        weekday: WEEKDAY_CODES[local.weekday - 1],
        halfHour: `${String(local.hour).padStart(2, '0')}:${minute === 0 ? '00' : '30'}`,
        from: local.toFormat('HH:mm'),
        to: end.toISODate() !== local.toISODate() && end.hour === 0 && end.minute === 0 ? '24:00' : end.toFormat('HH:mm'),
      });
      t = next;
    }
  }
  return slots;
}

/** Index of the slot containing `t` (binary search), or -1 when `t` is outside every slot. */
export function slotIndexOf(slots: readonly HalfHourSlot[], t: number): number {
  let lo = 0;
  let hi = slots.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t < slots[mid].fromMs) hi = mid - 1;
    else if (t >= slots[mid].toMs) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** 'HH:mm' (00:00-24:00) → minutes after midnight. */
export function clockMinutes(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/.exec(hhmm);
  if (!m) throw new RangeError(`Invalid time ${hhmm}: expected HH:mm`);
  return m[1] === undefined ? 24 * 60 : Number(m[1]) * 60 + Number(m[2]);
}
