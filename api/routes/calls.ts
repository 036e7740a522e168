import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { requireRole } from '../auth';
import { Problem, type FieldError } from '../errors';
import type { CallRecord } from '../../infra/stores/calls';
import type { ServiceCatalog } from '../../domain/catalog';
import { operation, type ApiPaths } from '../openapi-kit';

/** Records per request: a day of a big city's calls fits in a handful of requests. */
export const MAX_CALLS_PER_REQUEST = 10_000;
/** A batch full of bad records would answer with megabytes of errors: the first ones are enough to fix the export. */
const MAX_REPORTED_ERRORS = 100;

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(3000, 0, 1);
const isoWithOffset = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 time with offset, e.g. 2026-03-02T09:15:00+01:00' })
  // Unparseable text already fails the format check above (zod runs both): one error is enough.
  .refine((t) => {
    const ms = Date.parse(t);
    return Number.isNaN(ms) || (ms >= EARLIEST && ms < LATEST);
  }, 'must be between 1970 and 2999');

/**
 * One call detail record. Strict: a misspelt `answeredAt` would otherwise turn an answered call
 * into an abandoned one and move the penalties.
 */
function callSchema(catalog: ServiceCatalog) {
  return z
    .object({
      callId: z.string().trim().min(1).max(200),
      service: z.string().refine((code) => catalog.service(code) !== undefined, { message: 'unknown service' }),
      registeredAt: isoWithOffset,
      answeredAt: isoWithOffset.nullish(),
      endedAt: isoWithOffset,
      ivrCode: z.union([z.string().trim().min(1).max(20), z.number().int().nonnegative()]).nullish(),
    })
    .strict()
    .superRefine((c, ctx) => {
      // zod runs this even when a time above failed: compare only times that are valid.
      const valid = (t: unknown) => typeof t === 'string' && isoWithOffset.safeParse(t).success;
      if (!valid(c.registeredAt) || !valid(c.endedAt) || (c.answeredAt != null && !valid(c.answeredAt))) return;
      const registered = Date.parse(c.registeredAt);
      const ended = Date.parse(c.endedAt);
      if (ended < registered) ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'must not be before registeredAt' });
      if (c.answeredAt) {
        const answered = Date.parse(c.answeredAt);
        if (answered < registered) ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: 'must not be before registeredAt' });
        else if (answered > ended) ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: 'must not be after endedAt' });
      }
    });
}

/** `[42].answeredAt` for a record of an array, `answeredAt` for a single record. */
function fieldOf(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(body)';
}

/** Times are stored at the millisecond the validation compared, so the table's checks can never reject a validated record. */
const normalise = (iso: string) => new Date(iso).toISOString();

export function callsRouter(deps: RouterDeps): Router {
  const router = Router();
  const calls = deps.stores.calls;
  const one = callSchema(deps.catalog);
  const many = z.array(one).min(1, 'send at least one record').max(MAX_CALLS_PER_REQUEST, `at most ${MAX_CALLS_PER_REQUEST} records per request`);

  router.post('/calls', requireRole('integrator'), async (req, res) => {
    // Parse with the shape the body chose, so errors name the record's own fields, not a union's.
    const result = Array.isArray(req.body) ? many.safeParse(req.body) : one.safeParse(req.body);
    if (!result.success) {
      // An unknown key is reported at the key itself ([9].answerdAt), not at the record holding it.
      const all: FieldError[] = result.error.issues.flatMap((i) =>
        i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ field: fieldOf([...i.path, k]), message: 'unknown field' })) : [{ field: fieldOf(i.path), message: i.message }],
      );
      const errors = all.slice(0, MAX_REPORTED_ERRORS);
      const more = all.length - errors.length;
      throw new Problem(400, 'Bad Request', `Invalid ${errors.map((e) => e.field).join(', ')}${more > 0 ? ` and ${more} more` : ''}; nothing was stored`, errors);
    }
    const records: CallRecord[] = (Array.isArray(result.data) ? result.data : [result.data]).map((c) => ({
      callId: c.callId,
      service: c.service,
      registeredAt: normalise(c.registeredAt),
      answeredAt: c.answeredAt ? normalise(c.answeredAt) : null,
      endedAt: normalise(c.endedAt),
      ivrCode: c.ivrCode === undefined || c.ivrCode === null ? null : String(c.ivrCode),
    }));
    const counts = await calls.upsert(records);
    res.status(counts.inserted > 0 ? 201 : 200).json({ received: records.length, ...counts });
  });

  return router;
}

/** OpenAPI description of the route above; the service list comes from the catalog. */
export function callsPaths(catalog: ServiceCatalog): ApiPaths {
  const one = callSchema(catalog);
  return {
    '/calls': {
      post: operation({ tag: 'calls', summary: `Call detail records, one or an array of at most ${MAX_CALLS_PER_REQUEST}; idempotent on callId`, roles: ['integrator'], body: z.union([one, z.array(one).min(1).max(MAX_CALLS_PER_REQUEST)]), ok: { 201: 'Counts: some records were new', 200: 'Counts: every record was known' }, example: { body: { callId: 'cdr-example-0001', service: 'ADL', registeredAt: '2026-03-02T09:15:00+01:00', answeredAt: '2026-03-02T09:15:40+01:00', endedAt: '2026-03-02T09:19:00+01:00', ivrCode: '1' }, as: { role: 'integrator' }, status: 201 } }),
    },
  };
}
