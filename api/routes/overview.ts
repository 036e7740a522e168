import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { requireRole } from '../auth';
import { parseOr400 } from '../errors';
import { breachedQuery, remainingOn } from '../list-query';
import type { OpenWorkGroup } from '../../infra/stores/overview';
import { operation, type ApiPaths } from '../openapi-kit';

const overviewSchema = z
  .object({
    service: z.string().trim().min(1).max(50).optional(),
    office: z.string().trim().min(1).max(50).optional(),
    breached: breachedQuery,
    /** How many open items to list (breached first, then the soonest due); the counts cover all. */
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();

type Counts = { open: number; breached: number };
const zero = (): Counts => ({ open: 0, breached: 0 });
const KIND_KEY = { escalation: 'escalations', missed_call: 'missedCalls', inquiry: 'inquiries' } as const;

/**
 * The supervisor's overview of all open work by office, across services: open escalations (waiting
 * to be taken in charge or being worked), missed-call forms to call back and complaint inquiries to
 * answer, with their ages and breaches; every office of the catalog has a row, idle ones too.
 */
export function overviewRouter(deps: RouterDeps): Router {
  const router = Router();
  router.get('/overview', requireRole('supervisor'), async (req, res) => {
    const q = parseOr400(overviewSchema, req.query);
    const now = Date.now();
    const { groups, items, complaints } = await deps.stores.overview.openWork(q, q.limit);

    const rows = new Map<string, { service: string; serviceName: string; office: string; officeName: string; escalations: Counts; missedCalls: Counts; inquiries: Counts; oldestAt: string | null }>();
    const rowOf = (service: string, office: string) => {
      const key = `${service}\u0000${office}`;
      let row = rows.get(key);
      if (!row) {
        const s = deps.catalog.service(service);
        const officeName = s?.offices.find((o) => o.code === office)?.name ?? deps.catalog.services.flatMap((x) => x.offices).find((o) => o.code === office)?.name ?? office;
        row = { service, serviceName: s?.name ?? service, office, officeName, escalations: zero(), missedCalls: zero(), inquiries: zero(), oldestAt: null };
        rows.set(key, row);
      }
      return row;
    };
    const breachedOnly = q.breached === true;
    if (!breachedOnly) {
      for (const s of deps.catalog.services) {
        if (q.service && s.code !== q.service) continue;
        for (const o of s.offices) if (!q.office || o.code === q.office) rowOf(s.code, o.code);
      }
    }
    const add = (g: OpenWorkGroup) => {
      const row = rowOf(g.service, g.office);
      const c = row[KIND_KEY[g.kind]];
      c.open += g.open;
      c.breached += g.breached;
      if (!row.oldestAt || g.oldestAt < row.oldestAt) row.oldestAt = g.oldestAt;
    };
    groups.forEach(add);

    const offices = [...rows.values()]
      .map((r) => {
        const total = r.escalations.open + r.missedCalls.open + r.inquiries.open;
        const breached = r.escalations.breached + r.missedCalls.breached + r.inquiries.breached;
        return { ...r, total, breached, oldestAgeMinutes: r.oldestAt ? Math.floor((now - Date.parse(r.oldestAt)) / 60_000) : null };
      })
      // Offices with breached work first, then the most loaded, then by name.
      .sort((a, b) => b.breached - a.breached || b.total - a.total || a.serviceName.localeCompare(b.serviceName, 'it') || a.officeName.localeCompare(b.officeName, 'it'));
    const sum = (key: 'escalations' | 'missedCalls' | 'inquiries') => offices.reduce((acc, r) => ({ open: acc.open + r[key].open, breached: acc.breached + r[key].breached }), zero());
    res.json({
      at: new Date(now).toISOString(),
      totals: { escalations: sum('escalations'), missedCalls: sum('missedCalls'), inquiries: sum('inquiries'), complaints },
      offices,
      items: items.map((i) => ({
        ...i,
        ageMinutes: Math.floor((now - Date.parse(i.openedAt)) / 60_000),
        // Inquiry due times are instants URU chose: counted as elapsed time; the others in business time.
        // A paused clock (waiting for the citizen, a callback put off) keeps the time left at the pause.
        remaining: remainingOn(i.kind === 'inquiry' ? null : deps.catalog, i.service, i.dueAt, i.pausedSince ? Date.parse(i.pausedSince) : now),
      })),
    });
  });
  return router;
}

/** OpenAPI description of the route above. */
export const overviewPaths: ApiPaths = {
  '/overview': {
    get: operation({ summary: 'All open work by office across services, with ages and breaches', tag: 'overview', roles: ['supervisor'], query: overviewSchema, ok: { 200: '`{at, totals, offices, items}`' }, example: { query: { breached: 'true' }, as: { role: 'supervisor' }, status: 200 } }),
  },
};
