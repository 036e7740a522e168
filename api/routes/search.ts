import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { auth, requireRole } from '../auth';
import { parseOr400 } from '../errors';
import { auditEntries } from '../audit';
import { createAuditStore } from '../../infra/stores/audit';
import { createPrivacyStore } from '../../infra/stores/privacy';
import { ENTITY_TYPE_OF, SEARCH_KINDS, createSearchStore } from '../../infra/stores/search';
import { SUBJECT_KINDS } from '../../domain/privacy';
import { operation, type ApiPaths } from '../openapi-kit';

const searchSchema = z
  .object({
    q: z.string().trim().min(2, 'at least 2 characters').max(200),
    kind: z.enum(SEARCH_KINDS).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(1000).default(0),
  })
  .strict();

/** Exactly one of email, phone or tax code names the person (as the privacy routes take them). */
const timelineSchema = z
  .object({
    email: z.email().max(320).optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ./()-]{3,30}$/, 'expected a phone number').optional(),
    taxCode: z.string().trim().regex(/^[A-Za-z0-9]{11,16}$/, 'expected a tax code').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict()
  .superRefine((s, ctx) => {
    const given = SUBJECT_KINDS.filter((k) => s[k] !== undefined);
    if (given.length === 0) ctx.addIssue({ code: 'custom', path: ['email'], message: 'give exactly one of email, phone, taxCode' });
    for (const extra of given.slice(1)) ctx.addIssue({ code: 'custom', path: [extra], message: `give exactly one of email, phone, taxCode (${given[0]} is already given)` });
  });

/** One search over every kind of record, and a citizen's timeline; both audited as reads. */
export function searchRouter(deps: RouterDeps): Router {
  const router = Router();
  const search = createSearchStore(deps.db);
  const privacy = createPrivacyStore(deps.db);
  const audit = createAuditStore(deps.db);

  router.get('/search', requireRole('operator', 'supervisor', 'uru', 'office'), async (req, res) => {
    const q = parseOr400(searchSchema, req.query);
    const a = auth(req);
    // An office key finds its own office's records only, whatever it asks for.
    const office = a.role === 'office' ? (a.office ?? '') : undefined;
    const found = await search.search({ q: q.q, kinds: q.kind ? [q.kind] : undefined, office, limit: q.limit, offset: q.offset });
    await audit.record(auditEntries(req, 'read', found.items.map((i) => [ENTITY_TYPE_OF[i.kind], i.id])));
    res.json({ items: found.items, limit: q.limit, offset: q.offset, hasMore: found.hasMore });
  });

  router.get('/citizens/timeline', requireRole('operator', 'supervisor', 'uru'), async (req, res) => {
    const q = parseOr400(timelineSchema, req.query);
    const kind = SUBJECT_KINDS.find((k) => q[k] !== undefined)!;
    // Identifiers seen together in a record are one person, as for the privacy export.
    const records = await search.person({ kind, value: q[kind]! });
    const timeline = await search.timeline(records, { limit: q.limit, offset: q.offset });
    await audit.record(
      auditEntries(req, 'read', [
        ['person', await privacy.subjectHash(kind, q[kind]!)],
        ...timeline.items.map((i): [string, string] => [ENTITY_TYPE_OF[i.kind], i.id]),
      ]),
    );
    res.json({ subject: { kind }, items: timeline.items, total: timeline.total, limit: q.limit, offset: q.offset });
  });

  return router;
}

/** OpenAPI description of the routes above. */
export const searchPaths: ApiPaths = {
  '/search': {
    get: operation({
      tag: 'search',
      summary:
        'Search contacts, escalations, missed calls, complaints, renewals and appointments by name, phone, email, tax code, reference or text: `{items:[{kind, id, title, status, at}], hasMore}`, exact reference and key hits first, then names, then text; an office key finds its own office’s records only',
      roles: ['operator', 'supervisor', 'uru', 'office'],
      query: searchSchema,
      ok: { 200: '`{items, limit, offset, hasMore}`' },
      example: { query: { q: 'Rossi' }, as: { role: 'operator' }, status: 200 },
    }),
  },
  '/citizens/timeline': {
    get: operation({
      tag: 'search',
      summary: 'Everything about one person (exactly one of email, phone, taxCode), newest first, with each record’s last action; audited',
      roles: ['operator', 'supervisor', 'uru'],
      query: timelineSchema,
      ok: { 200: '`{items:[{kind, id, title, status, at, lastAction}], total}`' },
      example: { query: { email: 'anna.verdi@example.org' }, as: { role: 'operator' }, status: 200 },
    }),
  },
};
