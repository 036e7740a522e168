import { z } from 'zod';
import type { ServiceCatalog } from '../domain/catalog';
import { calendarOf } from '../domain/business-calendar';
import { remainingTime, type RemainingTime } from '../domain/remaining-time';

/** `?q=` of the page's lists: text the list's references, names and free text contain. */
export const listTextQuery = z.string().trim().min(1).max(200).optional();
/** `?olderThanHours=`: only items at least that old (the age filter). */
export const olderThanHoursQuery = z.coerce.number().int().min(0).max(24 * 366).optional();
/** `?breached=true|false`. */
export const breachedQuery = z.enum(['true', 'false']).transform((v) => v === 'true').optional();

/** Remaining business time of a deadline on the service's calendar (null when no deadline runs). */
export function remainingOn(catalog: ServiceCatalog | null, service: string, due: string | null | undefined, now: number): RemainingTime | null {
  if (!due) return null;
  // No catalog: the term is counted in calendar days.
  const spec = catalog?.service(service)?.calendar;
  return remainingTime(spec ? calendarOf(spec) : null, now, Date.parse(due));
}
