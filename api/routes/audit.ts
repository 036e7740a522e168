import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { parseOr400 } from '../errors';
import { paginationSchema } from '../pagination';
import { AUDITED_ENTITY_TYPES } from '../audit';
import { createAuditStore } from '../../infra/stores/audit';
import { createPrivacyStore } from '../../infra/stores/privacy';
import type { SubjectKind } from '../../domain/privacy';
import { operation, type ApiPaths } from '../openapi-kit';

const auditQuerySchema = paginationSchema
  .extend({
    entity: z.enum(AUDITED_ENTITY_TYPES as [string, ...string[]]),
    /** A record id; for entity=person, the person's email, phone or tax code. */
    id: z.string().trim().min(1).max(320),
  })
  .strict();

/** Who (API key id, name, role) read or changed a citizen's record, and when (admin). */
export function auditRouter(deps: AppDeps): Router {
  const router = Router();
  const audit = createAuditStore(deps.db);
  const privacy = createPrivacyStore(deps.db);

  router.get('/audit', requireRole('admin'), async (req, res) => {
    const q = parseOr400(auditQuerySchema, req.query);
    let entityId = q.id;
    if (q.entity === 'person') {
      // Exports and erasures of a person are audited under a salted hash of the identifier, never in clear.
      const kind: SubjectKind = q.id.includes('@') ? 'email' : /^[A-Za-z]{6}/.test(q.id) ? 'taxCode' : 'phone';
      entityId = await privacy.subjectHash(kind, q.id);
    }
    const items = await audit.list({ entityType: q.entity, entityId, limit: q.limit, offset: q.offset });
    res.json({ entity: q.entity, id: q.id, items, limit: q.limit, offset: q.offset });
  });

  return router;
}

/** OpenAPI description of the routes above. */
export const auditPaths: ApiPaths = {
  '/audit': {
    get: operation({ tag: 'audit', summary: 'Who read or changed a record (for entity=person, id is the person’s email, phone or tax code), newest first', roles: ['admin'], query: auditQuerySchema, ok: { 200: 'The audit entries' }, example: { query: { entity: 'person', id: 'giulia.bianchi@example.org', limit: '20' }, as: { role: 'admin' }, status: 200 } }),
  },
};
