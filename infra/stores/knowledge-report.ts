import type { Db } from '../db';

export interface KnowledgeRows {
  answers: { answerId: string; version: number; service: string; title: string; uses: number }[];
  firstLevel: { service: string; total: number; withAnswer: number }[];
  escalated: { service: string; category: string | null; escalations: number }[];
}

export interface KnowledgeReportStore {
  /** Uses, first-level resolutions and escalations in [from, to) (epoch ms), optionally of one service. */
  rows(input: { from: number; to: number; service?: string }): Promise<KnowledgeRows>;
}

export function createKnowledgeReportStore(db: Db): KnowledgeReportStore {
  return {
    async rows({ from, to, service }) {
      const range = [new Date(from).toISOString(), new Date(to).toISOString(), service ?? null, service ?? null];
      const [answers, firstLevel, escalated] = await Promise.all([
        // The title of the version that was used, not the current one.
        db.raw(
          `select u.answer_id, u.answer_version, u.service, v.title, count(*) as uses
             from standard_answer_uses u
             join standard_answer_versions v on v.answer_id = u.answer_id and v.version = u.answer_version
            where u.used_at >= ? and u.used_at < ? and (?::text is null or u.service = ?)
            group by u.answer_id, u.answer_version, u.service, v.title
            order by uses desc, u.answer_id, u.answer_version`,
          range,
        ),
        db.raw(
          `select c.service, count(*) as total, count(u.contact_id) as with_answer
             from contacts c
             left join standard_answer_uses u on u.contact_id = c.id
            where c.resolution = 'first_level' and c.resolved_at >= ? and c.resolved_at < ? and (?::text is null or c.service = ?)
            group by c.service
            order by c.service`,
          range,
        ),
        // The category of the contact as it stands: classified before (or after) it went to an office.
        db.raw(
          `select e.service, c.category, count(*) as escalations
             from escalations e
             left join contacts c on c.id = e.contact_id
            where e.created_at >= ? and e.created_at < ? and (?::text is null or e.service = ?)
            group by e.service, c.category
            order by e.service, escalations desc, c.category nulls last`,
          range,
        ),
      ]);
      /* eslint-disable @typescript-eslint/no-explicit-any */
      return {
        answers: answers.rows.map((r: any) => ({ answerId: r.answer_id, version: r.answer_version, service: r.service, title: r.title, uses: Number(r.uses) })),
        firstLevel: firstLevel.rows.map((r: any) => ({ service: r.service, total: Number(r.total), withAnswer: Number(r.with_answer) })),
        escalated: escalated.rows.map((r: any) => ({ service: r.service, category: r.category, escalations: Number(r.escalations) })),
      };
      /* eslint-enable @typescript-eslint/no-explicit-any */
    },
  };
}
