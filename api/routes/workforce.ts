import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { Problem, invalidField, parseOr400 } from '../errors';
import type { Service } from '../../domain/catalog';
import { WEEKDAY_CODES, clockMinutes } from '../../domain/half-hour-slots';
import { MONTH_PATTERN } from '../../domain/sla';
import { intervalsCsv, intervalsXlsx, slaIntervalsReport } from '../../reports/sla-intervals';
import { periodBounds, staffingReport } from '../../reports/staffing-report';
import { WhatIfRefusal, findOverlap, whatIfReport } from '../../reports/what-if-report';
import { operation, type ApiPaths } from '../openapi-kit';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The longest staffing period: a year of calls is plenty to see a weekly pattern. */
const MAX_PERIOD_DAYS = 366;

const month = z.string({ message: 'required, as YYYY-MM' }).regex(MONTH_PATTERN, 'expected YYYY-MM, e.g. 2026-03');
const serviceCode = z.string({ message: 'required' }).min(1).max(50);
/** A staffing period bound: 'YYYY-MM', 'YYYY-MM-DD' or an ISO 8601 instant with offset (see periodBounds). */
const periodBound = z.union(
  [
    z.string().regex(MONTH_PATTERN),
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .refine((d) => DateTime.fromISO(d, { zone: 'UTC' }).isValid && d >= '1970-01-01' && d < '3000-01-01'),
    z.iso.datetime({ offset: true }).refine((t) => t >= '1970' && t < '3000'),
  ],
  { message: 'expected YYYY-MM, YYYY-MM-DD or an ISO 8601 time with offset, between 1970 and 2999' },
);
const decimal = (message: string) => z.string().regex(/^\d{1,6}(\.\d{1,6})?$/, message).transform(Number);
const clock = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:mm between 00:00 and 24:00');

/** 'mon'..'sun', or ISO weekday numbers 1 (Monday) to 7 (Sunday). */
const weekday = z.union(
  [z.enum(WEEKDAY_CODES), z.number().int().min(1).max(7).transform((n) => WEEKDAY_CODES[n - 1])],
  { message: `one of ${WEEKDAY_CODES.join(', ')} (or 1-7, Monday = 1)` },
);

const intervalsQuerySchema = z.object({ month, service: serviceCode, format: z.enum(['json', 'csv', 'xlsx']).optional() }).strict();

const staffingQuerySchema = z
  .object({
    service: serviceCode,
    from: periodBound,
    to: periodBound,
    answerTimeTargetSec: decimal('a number of seconds > 0').refine((v) => v > 0, 'must be > 0').optional(),
    abandonedPctTarget: decimal('a percentage between 0 and 100').refine((v) => v > 0 && v <= 100, 'must be > 0 and ≤ 100').optional(),
    // A fraction (0.3) or a percentage (30): values ≥ 1 are read as percentages.
    shrinkage: decimal('a fraction in [0, 1) or a percentage in [1, 100)').refine((v) => v < 100, 'must be below 100 %').optional(),
    weeklyContractHours: decimal('a number of hours > 0').refine((v) => v > 0 && v <= 168, 'must be > 0 and ≤ 168').optional(),
  })
  .strict();

const planItemSchema = z
  .object({
    days: z
      .array(weekday)
      .min(1, 'at least one weekday')
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'a weekday is repeated'),
    from: clock,
    to: clock,
    agents: z.number({ message: 'a whole number of agents' }).int('a whole number of agents').min(0, 'must not be negative').max(10_000),
  })
  .strict()
  // zod runs this even when a time above failed its format: compare only well-formed times.
  .refine((p) => !clock.safeParse(p.from).success || !clock.safeParse(p.to).success || clockMinutes(p.from) < clockMinutes(p.to), {
    path: ['to'],
    message: 'must be after from (no overnight ranges: split them at 24:00)',
  });

const whatIfSchema = z
  .object({
    service: serviceCode,
    month,
    staffing: z.array(planItemSchema).min(1, 'at least one range of agents').max(500),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict();

/** Workforce planning (issue 16): half-hour SLA intervals, Erlang staffing, what-if replay. */
export function workforceRouter(deps: AppDeps): Router {
  const router = Router();

  const serviceOf = (code: string): Service => {
    const service = deps.catalog.service(code);
    if (!service) throw invalidField('service', `unknown service ${code}`);
    return service;
  };

  const wanted = (req: Request, format: string | undefined): 'json' | 'csv' | 'xlsx' => {
    if (format) return format as 'json' | 'csv' | 'xlsx';
    const type = req.accepts(['application/json', 'text/csv', XLSX_TYPE]);
    return type === 'text/csv' ? 'csv' : type === XLSX_TYPE ? 'xlsx' : 'json';
  };

  router.get('/reports/sla/intervals', requireRole('supervisor'), async (req, res) => {
    const q = parseOr400(intervalsQuerySchema, req.query);
    const service = serviceOf(q.service);
    const report = await slaIntervalsReport(deps.db, service, q.month);
    const name = `sla-intervals-${service.code}-${q.month}`;
    switch (wanted(req, q.format)) {
      case 'csv':
        return res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(intervalsCsv(report));
      case 'xlsx':
        return res.type(XLSX_TYPE).attachment(`${name}.xlsx`).send(await intervalsXlsx(report));
      default:
        return res.json(report);
    }
  });

  router.get('/reports/staffing', requireRole('supervisor'), async (req, res) => {
    const q = parseOr400(staffingQuerySchema, req.query);
    const service = serviceOf(q.service);
    const { start, end } = periodBounds(q.from, q.to, service.calendar.zone);
    if (!(end > start)) throw invalidField('to', 'must be after from');
    if (end - start > MAX_PERIOD_DAYS * 86_400_000 + 3_600_000) throw invalidField('to', `the period is at most ${MAX_PERIOD_DAYS} days`);
    const shrinkage = q.shrinkage === undefined ? 0.3 : q.shrinkage >= 1 ? q.shrinkage / 100 : q.shrinkage;
    const report = await staffingReport(deps.db, service, {
      from: q.from,
      to: q.to,
      targets: {
        answerTimeTargetSec: q.answerTimeTargetSec ?? service.sla.answerTimeTargetSec,
        abandonedPctTarget: q.abandonedPctTarget ?? service.sla.abandonedPctTarget,
      },
      shrinkage,
      weeklyContractHours: q.weeklyContractHours ?? 36,
    });
    if (report.calls.registered === 0) throw new Problem(422, 'Unprocessable Content', `from: no calls of ${service.code} inside its window from ${q.from} to ${q.to}`, [{ field: 'from', message: 'no calls in the period' }]);
    res.json(report);
  });

  router.post('/reports/what-if', requireRole('supervisor'), async (req, res) => {
    const body = parseOr400(whatIfSchema, req.body);
    const service = serviceOf(body.service);
    const overlap = findOverlap(body.staffing);
    if (overlap) throw invalidField(overlap.field, overlap.message);
    try {
      res.json(await whatIfReport(deps.db, service, { month: body.month, plan: body.staffing, seed: body.seed ?? 1 }));
    } catch (err) {
      if (err instanceof WhatIfRefusal) throw new Problem(422, 'Unprocessable Content', `${err.field}: ${err.message}`, [{ field: err.field, message: err.message }]);
      throw err;
    }
  });

  return router;
}

const asSupervisor = { role: 'supervisor' } as const;
/** OpenAPI description of the routes above. */
export const workforcePaths: ApiPaths = {
  '/reports/sla/intervals': {
    get: operation({ tag: 'reports', summary: 'A service’s month by half hour (calls, answer time, abandoned); CSV or XLSX by Accept or ?format=', roles: ['supervisor'], query: intervalsQuerySchema, ok: { 200: 'The report' }, alsoProduces: ['text/csv', XLSX_TYPE], example: { query: { month: '2026-03', service: 'ADL' }, as: asSupervisor, status: 200 } }),
  },
  '/reports/staffing': {
    get: operation({ tag: 'reports', summary: `Agents needed by weekday and half hour (Erlang C) from a period of at most ${MAX_PERIOD_DAYS} days of calls; 422 when the period has no calls`, roles: ['supervisor'], query: staffingQuerySchema, ok: { 200: 'The staffing report' }, errors: [422], example: { query: { service: 'MCTC', from: '2026-01', to: '2026-01', answerTimeTargetSec: '60', shrinkage: '0.3' }, as: asSupervisor, status: 422 } }),
  },
  '/reports/what-if': {
    post: operation({ tag: 'reports', summary: 'Replays a month’s calls against a staffing plan (simulated answer time and abandoned); 422 when the month has no answered calls', roles: ['supervisor'], body: whatIfSchema, ok: { 200: 'The simulated month beside the recorded one' }, errors: [422], example: { body: { service: 'MCTC', month: '2026-01', staffing: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '13:00', agents: 4 }, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '13:00', to: '17:00', agents: 2 }], seed: 1 }, as: asSupervisor, status: 422 } }),
  },
};
