/**
 * Read and change auditing of citizens' records, in PostgreSQL (never in the log files). One
 * middleware on /api/v1: it sees which records a successful answer discloses (the `id` of the body,
 * of its `items`, and of nested escalations, inquiries and missed calls) and writes one insert per
 * request before the answer leaves: a read that could not be audited is not answered.
 */
import type { Request, RequestHandler } from 'express';
import type { Db } from '../infra/db';
import { AuditAction, AuditEntry, createAuditStore } from '../infra/stores/audit';

/** First path segment → the entity type (the one history and erased_records use). */
export const AUDITED_RESOURCES: Record<string, string> = {
  contacts: 'contact',
  voicemails: 'contact',
  rollovers: 'contact',
  escalations: 'escalation',
  'missed-calls': 'missed_call',
  complaints: 'complaint',
  inquiries: 'inquiry',
  renewals: 'renewal',
  appointments: 'appointment',
};
/** Nested lists of records inside an answer. */
const NESTED: Record<string, string> = { escalations: 'escalation', inquiries: 'inquiry', missedCalls: 'missed_call', missedCall: 'missed_call', escalation: 'escalation' };

export const AUDITED_ENTITY_TYPES = [...new Set([...Object.values(AUDITED_RESOURCES), 'renewals_export', 'person'])];

function disclosed(entityType: string, body: unknown): [string, string][] {
  const out: [string, string][] = [];
  const visit = (type: string, value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 2) return;
    if (Array.isArray(value)) return value.forEach((v) => visit(type, v, depth));
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'string' || typeof o.id === 'number') out.push([type, String(o.id)]);
    if (Array.isArray(o.items)) o.items.forEach((v) => visit(type, v, depth + 1));
    for (const [key, nestedType] of Object.entries(NESTED)) if (key in o) visit(nestedType, o[key], depth + 1);
  };
  visit(entityType, body, 0);
  return out;
}

export function auditEntries(req: Request, action: AuditAction, records: [string, string][]): AuditEntry[] {
  const a = req.auth;
  if (!a) return [];
  const seen = new Set<string>();
  return records
    .filter(([t, id]) => !seen.has(`${t}\u0000${id}`) && seen.add(`${t}\u0000${id}`))
    .map(([entityType, entityId]) => ({
      keyId: a.keyId,
      keyName: a.name,
      keyRole: a.role,
      keyOffice: a.office,
      action,
      entityType,
      entityId,
      method: req.method,
      path: req.baseUrl + req.path,
    }));
}

export function auditTrail(deps: { db: Db }): RequestHandler {
  const audit = createAuditStore(deps.db);
  return (req, res, next) => {
    const segments = req.path.split('/').filter(Boolean);
    // (A renewals export file, a list of citizens, is audited by its route once it is found.)
    const entityType = AUDITED_RESOURCES[segments[0] ?? ''];
    if (!entityType) return next();
    const action: AuditAction = req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'change';
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode >= 400) return send(body);
      // A change names its record in the path (/contacts/:id/resolve); a creation in its answer.
      const records: [string, string][] = action === 'change' && segments[1] ? [[entityType, segments[1]]] : disclosed(entityType, body);
      const entries = auditEntries(req, action, records);
      if (entries.length === 0) return send(body);
      audit.record(entries).then(() => send(body), next);
      return res;
    };
    next();
  };
}
