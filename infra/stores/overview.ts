import type { Db } from '../db';

/** One piece of open work of an office: an escalation, a missed-call form or a complaint inquiry. */
export interface OpenWorkItem {
  kind: 'escalation' | 'missed_call' | 'inquiry';
  id: string;
  /** The contact (escalations, forms) or complaint (inquiries) it belongs to. */
  reference: string;
  service: string;
  office: string;
  status: string;
  openedAt: string;
  dueAt: string | null;
  breached: boolean;
  /** Since when its clock is paused (waiting for the citizen, a callback put off); null when it runs. */
  pausedSince: string | null;
}

export interface OpenWorkGroup {
  kind: OpenWorkItem['kind'];
  service: string;
  office: string;
  open: number;
  breached: number;
  oldestAt: string;
}

export interface OverviewFilter {
  service?: string;
  office?: string;
  breached?: boolean;
}

/** Read side of the supervisor's overview: open work by office, from the projections. */
export interface OverviewStore {
  openWork(filter: OverviewFilter, limit: number): Promise<{ groups: OpenWorkGroup[]; items: OpenWorkItem[]; complaints: { open: number; breached: number } }>;
}

// The WHERE clauses match the partial indexes of migration 20261205040000_overview_indexes.
const OPEN_WORK = `
  select 'escalation' as kind, e.id, e.contact_id as reference, e.service, e.office, e.status, e.created_at as opened_at,
         case when e.status = 'open' then e.take_charge_due_at else e.resolve_due_at end as due_at,
         (e.take_charge_breached or e.resolve_breached) as breached, e.pause->>'since' as paused_since
    from escalations e where e.status not in ('resolved', 'returned')
  union all
  select 'missed_call', m.id, m.contact_id, m.service, m.office, m.status, m.created_at, m.due_at, m.breached, m.pause->>'since'
    from missed_calls m where m.status = 'open'
  union all
  select 'inquiry', i.id, i.complaint_id, coalesce(c.service, ''), i.structure, i.status, i.opened_at, i.due_at, (i.overdue_at is not null or i.due_at < now()), null
    from inquiries i join complaints c on c.id = i.complaint_id where i.status = 'open'`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function createOverviewStore(db: Db): OverviewStore {
  const filtered = (f: OverviewFilter) =>
    db
      .from(db.raw(`(${OPEN_WORK}) as w`))
      .modify((q) => {
        if (f.service) q.where('w.service', f.service);
        if (f.office) q.where('w.office', f.office);
        if (f.breached !== undefined) q.where('w.breached', f.breached);
      });
  return {
    async openWork(filter, limit) {
      const [groups, items, [complaints]] = await Promise.all([
        filtered(filter)
          .select('w.kind', 'w.service', 'w.office')
          .count({ open: '*' })
          .select(db.raw('count(*) filter (where w.breached) as breached'), db.raw('min(w.opened_at) as oldest_at'))
          .groupBy('w.kind', 'w.service', 'w.office'),
        filtered(filter)
          .select('w.*')
          // Breached work first, then what falls due soonest.
          .orderByRaw('w.breached desc, w.due_at asc nulls last, w.id asc')
          .limit(limit),
        db('complaints')
          .whereNotIn('status', ['responded', 'closed'])
          .modify((q) => {
            if (filter.service) q.where('service', filter.service);
          })
          .count({ open: '*' })
          .select(db.raw('count(*) filter (where breached_at is not null) as breached')),
      ]);
      return {
        /* eslint-disable @typescript-eslint/no-explicit-any */
        groups: (groups as any[]).map((g) => ({ kind: g.kind, service: g.service, office: g.office, open: Number(g.open), breached: Number(g.breached), oldestAt: iso(g.oldest_at)! })),
        items: (items as any[]).map((r) => ({ kind: r.kind, id: r.id, reference: r.reference, service: r.service, office: r.office, status: r.status, openedAt: iso(r.opened_at)!, dueAt: iso(r.due_at), breached: !!r.breached, pausedSince: r.paused_since ? new Date(r.paused_since).toISOString() : null })),
        complaints: { open: Number((complaints as any).open), breached: Number((complaints as any).breached) },
        /* eslint-enable @typescript-eslint/no-explicit-any */
      };
    },
  };
}
