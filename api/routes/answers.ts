import { Router, type Request } from 'express';
import { z } from 'zod';
import { DateTime } from 'luxon';
import type { RouterDeps } from '../app';
import { auth, requireRole } from '../auth';
import { Problem, conflict, forbidden, invalidField, notFound, parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import { idPath, operation, type ApiPaths } from '../openapi-kit';
import type { Service } from '../../domain/catalog';
import { MONTH_PATTERN } from '../../domain/sla';
import type { AnswerContent, StandardAnswer, StandardAnswerStore } from '../../infra/stores/standard-answers';
import { knowledgeReport } from '../../reports/knowledge';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
/** A day (YYYY-MM-DD, in the service's time zone) or an ISO 8601 time with offset. */
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { message: 'expected YYYY-MM-DD or an ISO 8601 time with offset' });

const content = {
  category: text(50).nullable().optional(),
  title: text(200),
  body: text(8000),
  /** A day means its start; validTo as a day means the end of that day (it is included). */
  validFrom: instant.nullable().optional(),
  validTo: instant.nullable().optional(),
};
const createSchema = z.object({ service: text(50), ...content }).strict();
/** A new version replaces the whole content; the service of an answer does not change. */
const updateSchema = z.object({ service: text(50).optional(), ...content }).strict();
const listSchema = paginationSchema.extend({
  service: text(50).optional(),
  category: text(50).optional(),
  q: z.string().trim().max(200).optional(),
  /** Only answers valid at this instant (operators: default now). */
  at: instant.optional(),
  /** Supervisors: retired answers too. */
  includeRetired: z.enum(['true', 'false']).optional(),
});
const retireSchema = z.object({}).strict();
const knowledgeSchema = z.object({
  month: z.string({ message: 'required, as YYYY-MM' }).regex(MONTH_PATTERN, 'expected YYYY-MM, e.g. 2026-03'),
  service: text(50).optional(),
});

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** Epoch ms of a validity bound: a day starts (or, as `validTo`, ends) in the service's zone. */
function boundOf(field: string, value: string, zone: string, end: boolean): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone }).plus({ days: end ? 1 : 0 }).toMillis() : Date.parse(value);
  if (Number.isNaN(ms) || Math.abs(ms - Date.now()) > 50 * YEAR_MS) throw invalidField(field, 'must be within 50 years of now');
  return ms;
}

/** Status of an answer at an instant: what the page shows beside it. */
function statusAt(a: StandardAnswer, at: number): 'retired' | 'scheduled' | 'expired' | 'valid' {
  if (a.retiredAt) return 'retired';
  if (a.validFrom && Date.parse(a.validFrom) > at) return 'scheduled';
  if (a.validTo && Date.parse(a.validTo) <= at) return 'expired';
  return 'valid';
}

const shown = (a: StandardAnswer, now: number) => ({ ...a, status: statusAt(a, now) });

function serviceOf(deps: RouterDeps, code: string): Service {
  const service = deps.catalog.service(code);
  if (!service) throw invalidField('service', `unknown service ${code}`);
  return service;
}

/** The validated content of a version: category of the service, validTo after validFrom. */
function contentOf(service: Service, body: z.infer<typeof updateSchema>): AnswerContent {
  if (body.category && !service.categories.some((c) => c.code === body.category)) throw invalidField('category', `unknown category ${body.category} for service ${service.code}`);
  const zone = service.calendar.zone;
  const from = body.validFrom ? boundOf('validFrom', body.validFrom, zone, false) : null;
  const to = body.validTo ? boundOf('validTo', body.validTo, zone, true) : null;
  if (from !== null && to !== null && to <= from) throw invalidField('validTo', 'must be after validFrom');
  return {
    category: body.category ?? null,
    title: body.title,
    body: body.body,
    validFrom: from === null ? null : new Date(from).toISOString(),
    validTo: to === null ? null : new Date(to).toISOString(),
  };
}

const unprocessable = (field: string, message: string) => new Problem(422, 'Unprocessable Content', `${field}: ${message}`, [{ field, message }]);

/**
 * The standard answer a contact of `service` is resolved with at `now`: its current version, which
 * must be of the same service, not retired and valid now (else a 4xx naming `answerId`).
 */
export async function standardAnswerFor(store: StandardAnswerStore, answerId: string, service: string, now: number): Promise<StandardAnswer> {
  const answer = await store.get(answerId);
  if (!answer) throw invalidField('answerId', `no standard answer ${answerId}`);
  if (answer.service !== service) throw invalidField('answerId', `standard answer ${answerId} is of service ${answer.service}, not ${service}`);
  const status = statusAt(answer, now);
  if (status !== 'valid') throw unprocessable('answerId', `standard answer ${answerId} is ${status}`);
  return answer;
}

/**
 * The text sent to the citizen when a contact is resolved: the standard answer, completed by the
 * operator's own words (after it) when both are given.
 */
export function composeAnswer(standard: StandardAnswer | undefined, own: string | undefined): string {
  if (!standard) return own ?? '';
  return own ? `${standard.body}\n\n${own}` : standard.body;
}

/** Standard answers (per service and category, versions kept) and the knowledge report. */
export function answersRouter(deps: RouterDeps): Router {
  const router = Router();
  const store = deps.stores.standardAnswers;
  const by = (req: Request) => auth(req).name;

  const load = async (id: string | string[]) => {
    if (Array.isArray(id)) throw notFound('No such answer');
    const answer = await store.get(id);
    if (!answer) throw notFound(`No standard answer ${id}`);
    return answer;
  };

  router.get('/answers', requireRole('operator', 'supervisor'), async (req, res) => {
    const q = parseOr400(listSchema, req.query);
    const service = q.service ? serviceOf(deps, q.service) : undefined;
    if (q.category && service && !service.categories.some((c) => c.code === q.category)) throw invalidField('category', `unknown category ${q.category} for service ${service.code}`);
    const operator = auth(req).role === 'operator';
    if (operator && q.includeRetired === 'true') throw forbidden('Operators see the answers in use only');
    const now = Date.now();
    const at = q.at ? boundOf('at', q.at, service?.calendar.zone ?? 'Europe/Rome', false) : undefined;
    // Operators answer with what is valid now; supervisors manage every version window.
    const validAt = at ?? (operator ? now : undefined);
    const page = await store.list({ service: service?.code, category: q.category, q: q.q || undefined, validAt, includeRetired: q.includeRetired === 'true', limit: q.limit, offset: q.offset });
    res.json({ items: page.items.map((a) => shown(a, at ?? now)), total: page.total, limit: q.limit, offset: q.offset });
  });

  router.get('/answers/:id', requireRole('operator', 'supervisor'), async (req, res) => {
    const answer = await load(req.params.id);
    const [versions, uses] = await Promise.all([store.versions(answer.id), store.usesOf(answer.id)]);
    const usesOf = new Map(uses.map((u) => [u.version, u.uses]));
    res.json({ ...shown(answer, Date.now()), versions: versions.map((v) => ({ ...v, uses: usesOf.get(v.version) ?? 0 })) });
  });

  router.post('/answers', requireRole('supervisor'), async (req, res) => {
    const body = parseOr400(createSchema, req.body);
    const service = serviceOf(deps, body.service);
    const answer = await store.create({ service: service.code, content: contentOf(service, body), by: by(req), now: new Date() });
    res.status(201).json(shown(answer, Date.now()));
  });

  router.put('/answers/:id', requireRole('supervisor'), async (req, res) => {
    const body = parseOr400(updateSchema, req.body);
    const current = await load(req.params.id);
    if (body.service && body.service !== current.service) throw invalidField('service', `the answer belongs to service ${current.service}; write a new answer for another service`);
    if (current.retiredAt) throw conflict(`standard answer ${current.id} is retired`);
    const service = serviceOf(deps, current.service);
    const answer = await store.revise(current.id, { content: contentOf(service, body), by: by(req), now: new Date() });
    if (!answer) throw notFound(`No standard answer ${current.id}`);
    res.json(shown(answer, Date.now()));
  });

  router.post('/answers/:id/retire', requireRole('supervisor'), async (req, res) => {
    parseOr400(retireSchema, req.body ?? {});
    const current = await load(req.params.id);
    const answer = await store.retire(current.id, { by: by(req), now: new Date() });
    if (!answer) throw notFound(`No standard answer ${current.id}`);
    res.json(shown(answer, Date.now()));
  });

  router.get('/reports/knowledge', requireRole('supervisor'), async (req, res) => {
    const q = parseOr400(knowledgeSchema, req.query);
    const service = q.service ? serviceOf(deps, q.service) : undefined;
    res.json(await knowledgeReport(deps.stores.knowledgeReport, deps.catalog, q.month, service));
  });

  return router;
}

const op = { tag: 'answers' } as const;
const sample = { service: 'ADL', category: 'INIZIATIVE', title: 'Raccolta della frutta', body: 'Le candidature per la raccolta delle mele si presentano al Centro per l’Impiego.', validFrom: '2026-08-01', validTo: '2026-10-31' };
/** OpenAPI description of the routes above. */
export const answersPaths: ApiPaths = {
  '/answers': {
    get: operation({ ...op, summary: 'Standard answers, best match first (Italian full-text, accent-insensitive); operators see those valid now', roles: ['operator', 'supervisor'], query: listSchema, ok: { 200: '`{items, total, limit, offset}`' }, example: { query: { service: 'ADL', q: 'raccolta frutta' }, as: { role: 'operator' }, status: 200 } }),
    post: operation({ ...op, summary: 'Write a standard answer (version 1)', roles: ['supervisor', 'admin'], body: createSchema, ok: { 201: 'The answer' }, example: { body: sample, as: { role: 'supervisor' }, status: 201 } }),
  },
  '/answers/{id}': {
    get: operation({ ...op, summary: 'A standard answer with every version and its uses', roles: ['operator', 'supervisor'], path: idPath, ok: { 200: 'The answer and `versions`' }, errors: [404], example: { path: { id: 'ANS-999999' }, as: { role: 'operator' }, status: 404 } }),
    put: operation({ ...op, summary: 'A new version of a standard answer (old versions stay readable)', roles: ['supervisor', 'admin'], path: idPath, body: updateSchema, ok: { 200: 'The answer at its new version' }, errors: [404, 409], example: { path: { id: 'ANS-999999' }, body: sample, as: { role: 'supervisor' }, status: 404 } }),
  },
  '/answers/{id}/retire': {
    post: operation({ ...op, summary: 'Retire a standard answer (no longer offered; versions and uses stay)', roles: ['supervisor', 'admin'], path: idPath, body: retireSchema, ok: { 200: 'The retired answer' }, errors: [404], example: { path: { id: 'ANS-999999' }, body: {}, as: { role: 'supervisor' }, status: 404 } }),
  },
  '/reports/knowledge': {
    get: operation({ ...op, summary: 'Standard answers used most, first-level resolutions with and without one, categories escalated most by service', roles: ['supervisor'], query: knowledgeSchema, ok: { 200: 'The report' }, example: { query: { month: '2026-03', service: 'ADL' }, as: { role: 'supervisor' }, status: 200 } }),
  },
};
