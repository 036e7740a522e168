import { z } from 'zod';

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/**
 * An ISO 8601 time with offset no more than `pastYears` before and `futureYears` after now: a
 * deadline in year 9999 or a call in year 1 is a typing error, and would overflow timers downstream.
 */
export function isoTimeWithin(range: { pastYears: number; futureYears: number }) {
  return z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time with offset, e.g. 2026-03-02T09:15:00+01:00' }).refine((t) => {
    const ms = Date.parse(t);
    const now = Date.now();
    return Number.isNaN(ms) || (ms >= now - range.pastYears * YEAR_MS && ms <= now + range.futureYears * YEAR_MS);
  }, `must be within ${range.pastYears} years before and ${range.futureYears} years after now`);
}
