import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { Problem, parseOr400 } from '../errors';
import { auditEntries } from '../audit';
import { createAuditStore } from '../../infra/stores/audit';
import { PERSONAL_KINDS, createPrivacyStore } from '../../infra/stores/privacy';
import { SUBJECT_KINDS, SubjectKind } from '../../domain/privacy';
import { operation, type ApiPaths } from '../openapi-kit';

/** Exactly one of email, phone or tax code names the person. */
const subjectSchema = z
  .object({
    email: z.email().max(320).optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ./-]{3,30}$/, 'expected a phone number').optional(),
    taxCode: z.string().trim().regex(/^[A-Za-z0-9]{11,16}$/, 'expected a tax code').optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const given = SUBJECT_KINDS.filter((k) => s[k] !== undefined);
    if (given.length === 0) ctx.addIssue({ code: 'custom', path: ['email'], message: 'give exactly one of email, phone, taxCode' });
    for (const extra of given.slice(1)) ctx.addIssue({ code: 'custom', path: [extra], message: `give exactly one of email, phone, taxCode (${given[0]} is already given)` });
  });

function subjectOf(data: unknown): { kind: SubjectKind; value: string } {
  const s = parseOr400(subjectSchema, data);
  const kind = SUBJECT_KINDS.find((k) => s[k] !== undefined)!;
  return { kind, value: s[kind]! };
}

/** The data subject's rights: erasure and export (admin keys only); both are audited. */
export function privacyRouter(deps: AppDeps): Router {
  const router = Router();
  const privacy = createPrivacyStore(deps.db);
  const audit = createAuditStore(deps.db);

  router.post('/privacy/erasure', requireRole('admin'), async (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new Problem(400, 'Bad Request', 'expected a JSON object with exactly one of email, phone, taxCode', [{ field: 'email', message: 'required' }]);
    }
    const subject = subjectOf(req.body);
    const erased = await privacy.erase(subject);
    await audit.record(auditEntries(req, 'erase', [['person', await privacy.subjectHash(subject.kind, subject.value)]]));
    res.json({ erased });
  });

  router.get('/privacy/export', requireRole('admin'), async (req, res) => {
    const subject = subjectOf(req.query);
    const data = await privacy.export(subject);
    const records: [string, string][] = [['person', await privacy.subjectHash(subject.kind, subject.value)]];
    const entityOf: Record<string, string> = Object.fromEntries(PERSONAL_KINDS.map((k) => [k.kind, k.entityType]));
    for (const [kind, ids] of Object.entries(data.recordIds)) for (const id of ids) records.push([entityOf[kind] ?? kind, id]);
    await audit.record(auditEntries(req, 'export', records));
    res.json({ subject: { kind: data.subject.kind }, exportedAt: new Date().toISOString(), ...data.records });
  });

  return router;
}

/** OpenAPI description of the routes above. */
export const privacyPaths: ApiPaths = {
  '/privacy/erasure': {
    post: operation({ tag: 'privacy', summary: 'Erase a person’s personal data everywhere (exactly one of email, phone, taxCode); audited', roles: ['admin'], body: subjectSchema, ok: { 200: 'What was erased, by kind of record' }, example: { body: { email: 'giulia.bianchi@example.org' }, as: { role: 'admin' }, status: 200 } }),
  },
  '/privacy/export': {
    get: operation({ tag: 'privacy', summary: 'Everything held about a person (exactly one of email, phone, taxCode); audited', roles: ['admin'], query: subjectSchema, ok: { 200: 'The person’s records, by kind' }, example: { query: { email: 'giulia.bianchi@example.org' }, as: { role: 'admin' }, status: 200 } }),
  },
};
