/**
 * The knowledge report: which standard answers operators use, how many first-level resolutions
 * used one, and which categories went to the offices most (the information needs to cover next).
 */
import type { KnowledgeReportStore } from '../infra/stores/knowledge-report';
import type { Service, ServiceCatalog } from '../domain/catalog';
import { monthBounds, round2 } from '../domain/sla';
import { DEFAULT_REPORT_ZONE } from './crm';

export interface KnowledgeReport {
  month: string;
  service: string | null;
  zone: string;
  /** Most used first, per answer and version. */
  answers: { id: string; version: number; service: string; title: string; uses: number }[];
  firstLevel: { total: number; withStandardAnswer: number; withoutStandardAnswer: number; withStandardAnswerPct: number | null };
  byService: { service: string; firstLevel: { total: number; withStandardAnswer: number; withoutStandardAnswer: number } }[];
  /** Per service, the categories of the month's escalations, most escalated first (null = not classified). */
  escalatedCategories: { service: string; categories: { category: string | null; name: string | null; escalations: number }[] }[];
}

export async function knowledgeReport(store: KnowledgeReportStore, catalog: ServiceCatalog, month: string, service?: Service): Promise<KnowledgeReport> {
  const zone = service?.calendar.zone ?? DEFAULT_REPORT_ZONE;
  const { start, end } = monthBounds(month, zone);
  const rows = await store.rows({ from: start, to: end, service: service?.code });
  const total = rows.firstLevel.reduce((n, r) => n + r.total, 0);
  const withAnswer = rows.firstLevel.reduce((n, r) => n + r.withAnswer, 0);
  const escalated = new Map<string, KnowledgeReport['escalatedCategories'][number]['categories']>();
  for (const r of rows.escalated) {
    const list = escalated.get(r.service) ?? [];
    const name = r.category ? (catalog.service(r.service)?.categories.find((c) => c.code === r.category)?.name ?? null) : null;
    list.push({ category: r.category, name, escalations: r.escalations });
    escalated.set(r.service, list);
  }
  return {
    month,
    service: service?.code ?? null,
    zone,
    answers: rows.answers.map((r) => ({ id: r.answerId, version: r.version, service: r.service, title: r.title, uses: r.uses })),
    firstLevel: { total, withStandardAnswer: withAnswer, withoutStandardAnswer: total - withAnswer, withStandardAnswerPct: round2(total > 0 ? (withAnswer * 100) / total : null) },
    byService: rows.firstLevel.map((r) => ({ service: r.service, firstLevel: { total: r.total, withStandardAnswer: r.withAnswer, withoutStandardAnswer: r.total - r.withAnswer } })),
    escalatedCategories: [...escalated].map(([code, categories]) => ({ service: code, categories })),
  };
}
