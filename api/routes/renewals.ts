import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { actorOf, auth, requireRole } from '../auth';
import { Problem, conflict, invalidField, notFound, parseOr400 } from '../errors';
import { idempotencyKeyOf, releaseIdempotentId, requestHashOf, resolveIdempotentId } from '../idempotency';
import { paginationSchema } from '../pagination';
import { checkTaxCode, normalizeTaxCode } from '../../domain/tax-code';
import { isIsoDate, renewalsServiceOf } from '../../domain/renewals';
import { RENEWAL_STATUSES, TransitionResult } from '../../infra/stores/renewals';
import { idPath, operation, type ApiPaths } from '../openapi-kit';
import { listTextQuery } from '../list-query';

const text = (max: number) => z.string().trim().min(1).max(max);

const taxCode = z
  .string()
  .transform((s) => normalizeTaxCode(s))
  .superRefine((s, ctx) => {
    const check = checkTaxCode(s);
    if (!check.valid) ctx.addIssue({ code: 'custom', message: `invalid tax code: ${check.reason}` });
  });

const createRenewalSchema = z
  .object({
    surname: text(100),
    name: text(100),
    taxCode,
    birthDate: z
      .string()
      .refine(isIsoDate, 'expected an existing date YYYY-MM-DD')
      .refine((d) => d <= new Date().toISOString().slice(0, 10), 'a birth date cannot be in the future')
      .optional(),
    jobType: text(200),
    jobCentre: text(50),
    phone: z.string().trim().regex(/^\+?[0-9 ./-]{3,30}$/, 'expected a phone number').optional(),
    email: z.email().optional(),
    consentToPublish: z.boolean().default(false),
  })
  .strict();

const cancelSchema = z.object({ reason: text(1000).optional() }).strict();

const listSchema = paginationSchema.extend({
  status: z.enum(RENEWAL_STATUSES).optional(),
  jobCentre: text(50).optional(),
  jobType: text(200).optional(),
  taxCode: z
    .string()
    .max(32)
    .transform((s) => normalizeTaxCode(s))
    .optional(),
  surname: text(100).optional(),
  q: listTextQuery,
});

/** The banca dati rinnovi: operators insert, confirm and cancel entries; supervisors may read. */
export function renewalsRouter(deps: RouterDeps): Router {
  const router = Router();
  const { renewals, history } = deps.stores;
  const service = () => {
    const s = renewalsServiceOf(deps.catalog);
    if (!s) throw new Problem(503, 'Service Unavailable', 'No service of the catalog keeps the renewals database (no job centres configured)');
    return s;
  };

  const answerTransition = (result: TransitionResult, id: string, action: string) => {
    if (result.ok) return result.renewal;
    if (result.reason === 'not-found') throw notFound(`No renewal entry ${id}`);
    throw conflict(`A ${result.status} entry cannot be ${action}`);
  };

  router.post('/renewals', requireRole('operator'), async (req, res) => {
    const body = parseOr400(createRenewalSchema, req.body);
    const s = service();
    if (s.jobTypes.length > 0 && !s.jobTypes.includes(body.jobType)) throw invalidField('jobType', `unknown job type; one of: ${s.jobTypes.join(', ')}`);
    if (!s.jobCentres.some((c) => c.code === body.jobCentre)) throw invalidField('jobCentre', `unknown job centre; one of: ${s.jobCentres.map((c) => c.code).join(', ')}`);

    const key = idempotencyKeyOf(req);
    const scope = `renewals:${auth(req).keyId}`;
    let id: string | undefined;
    if (key) {
      const bound = await resolveIdempotentId(deps.db, scope, key, randomUUID(), requestHashOf(req));
      id = bound.id;
      const existing = bound.replay ? await renewals.get(id) : undefined;
      if (existing) {
        res.status(200).setHeader('Idempotent-Replayed', 'true').json(existing);
        return;
      }
    }
    // A refused request stores nothing: its key binding goes with it.
    const release = async () => {
      if (key && id) await releaseIdempotentId(deps.db, scope, key, id).catch(() => undefined);
    };
    const result = await renewals.insert({ ...body, id, service: s.code }, actorOf(req)).catch(async (err: unknown) => {
      await release();
      throw err;
    });
    if (!result.ok) {
      await release();
      throw new Problem(409, 'Conflict', `An active entry for this tax code and job type already exists (${result.existingId})`, [
        { field: 'taxCode', message: 'already has an active entry for this job type' },
      ]);
    }
    res.status(201).location(`/api/v1/renewals/${result.renewal.id}`).json(result.renewal);
  });

  router.get('/renewals', requireRole('operator', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const { items, total } = await renewals.list(q);
    res.json({ items, total, limit: q.limit, offset: q.offset });
  });

  router.get('/renewals/:id', requireRole('operator', 'supervisor'), async (req, res) => {
    const renewal = await renewals.get(req.params.id as string);
    if (!renewal) throw notFound(`No renewal entry ${req.params.id}`);
    res.json({ ...renewal, history: await history.list('renewal', renewal.id) });
  });

  router.post('/renewals/:id/confirm', requireRole('operator'), async (req, res) => {
    const id = req.params.id as string;
    res.json(answerTransition(await renewals.confirm(id, actorOf(req)), id, 'confirmed'));
  });

  router.post('/renewals/:id/cancel', requireRole('operator'), async (req, res) => {
    const body = parseOr400(cancelSchema, req.body ?? {});
    const id = req.params.id as string;
    res.json(answerTransition(await renewals.cancel(id, actorOf(req), body.reason), id, 'cancelled'));
  });

  return router;
}

/** OpenAPI description of the routes above. */
export const renewalsPaths: ApiPaths = {
  '/renewals': {
    post: operation({ tag: 'renewals', summary: 'Insert an entry of the banca dati rinnovi (Idempotency-Key honoured)', roles: ['operator'], body: createRenewalSchema, ok: { 201: 'The entry', 200: 'Replayed for the same Idempotency-Key' }, errors: [409, 422], example: { body: { surname: 'Rossi', name: 'Mario', taxCode: 'RSSMRA85T10A562S', jobType: 'Custode', jobCentre: 'CPI-TRENTO', email: 'mario.rossi@example.org' }, as: { role: 'operator' }, status: 201 } }),
    get: operation({ tag: 'renewals', summary: 'Entries by status, centre, job type, tax code or surname', roles: ['operator', 'supervisor'], query: listSchema, ok: { 200: '`{items,total,limit,offset}`' }, example: { query: { status: 'pending', jobCentre: 'CPI-TRENTO' }, as: { role: 'operator' }, status: 200 } }),
  },
  '/renewals/{id}': {
    get: operation({ tag: 'renewals', summary: 'An entry with its history', roles: ['operator', 'supervisor'], path: idPath, ok: { 200: 'The entry' }, errors: [404], example: { path: { id: 'no-such-entry' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/renewals/{id}/confirm': {
    post: operation({ tag: 'renewals', summary: 'Confirm an entry', roles: ['operator'], path: idPath, ok: { 200: 'The entry' }, errors: [404, 409], example: { path: { id: 'no-such-entry' }, as: { role: 'operator' }, status: 404 } }),
  },
  '/renewals/{id}/cancel': {
    post: operation({ tag: 'renewals', summary: 'Cancel an entry', roles: ['operator'], path: idPath, body: cancelSchema, ok: { 200: 'The entry' }, errors: [404, 409], example: { path: { id: 'no-such-entry' }, body: { reason: 'Inserito per errore' }, as: { role: 'operator' }, status: 404 } }),
  },
};
