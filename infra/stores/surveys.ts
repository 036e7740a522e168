import type { Db } from '../db';
import { surveyChangeMs, type SurveyKind } from '../survey-token';

export interface SurveyRow {
  id: string;
  kind: SurveyKind;
  caseId: string;
  service: string | null;
  channel: string;
  sentAt: Date;
  expiresAt: Date;
  score: number | null;
  firstVotedAt: Date | null;
  votedAt: Date | null;
  votes: number;
}

export type VoteOutcome = { status: 'recorded' | 'changed' | 'unchanged'; row: SurveyRow } | { status: 'closed'; row: SurveyRow } | { status: 'unknown' };

export interface SurveyStore {
  /** The survey of a case, created once (the first call fixes sending time and expiry). */
  open(input: { kind: SurveyKind; caseId: string; service: string | null; channel: string; sentAt: number; expiresAt: number }): Promise<SurveyRow>;
  get(kind: SurveyKind, caseId: string): Promise<SurveyRow | undefined>;
  /** One vote per case; it may be changed until SURVEY_CHANGE_DAYS after the first vote. */
  vote(kind: SurveyKind, caseId: string, score: number, now: number): Promise<VoteOutcome>;
}

const fromRow = (r: Record<string, unknown>): SurveyRow => ({
  id: r.id as string,
  kind: r.kind as SurveyKind,
  caseId: r.case_id as string,
  service: (r.service as string | null) ?? null,
  channel: r.channel as string,
  sentAt: r.sent_at as Date,
  expiresAt: r.expires_at as Date,
  score: r.score === null ? null : Number(r.score),
  firstVotedAt: (r.first_voted_at as Date | null) ?? null,
  votedAt: (r.voted_at as Date | null) ?? null,
  votes: Number(r.votes),
});

export function createSurveyStore(db: Db): SurveyStore {
  const get = async (kind: SurveyKind, caseId: string) => {
    const r = await db('surveys').where({ id: `${kind}:${caseId}` }).first();
    return r ? fromRow(r) : undefined;
  };
  return {
    async open(i) {
      await db('surveys')
        .insert({ id: `${i.kind}:${i.caseId}`, kind: i.kind, case_id: i.caseId, service: i.service, channel: i.channel, sent_at: new Date(i.sentAt), expires_at: new Date(i.expiresAt) })
        .onConflict('id')
        .ignore();
      return (await get(i.kind, i.caseId))!;
    },
    get,
    async vote(kind, caseId, score, now) {
      return db.transaction(async (trx) => {
        const r = await trx('surveys').where({ id: `${kind}:${caseId}` }).forUpdate().first();
        if (!r) return { status: 'unknown' } as const;
        const row = fromRow(r);
        if (row.firstVotedAt && now - row.firstVotedAt.getTime() > surveyChangeMs) return { status: 'closed', row } as const;
        if (row.score === score) return { status: 'unchanged', row } as const;
        const at = new Date(now);
        const [updated] = await trx('surveys')
          .where({ id: row.id })
          .update({ score, voted_at: at, first_voted_at: row.firstVotedAt ?? at, votes: row.votes + 1 })
          .returning('*');
        return { status: row.score === null ? 'recorded' : 'changed', row: fromRow(updated) } as const;
      });
    },
  };
}

export interface SatisfactionFigures {
  responses: number;
  average: number | null;
  /** Votes per score, "1" to "5". */
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

/** Votes cast in [from, to) (by the time of the latest vote), of one service or all. */
export async function satisfactionFigures(db: Db, input: { from: number; to: number; service?: string }): Promise<SatisfactionFigures & { byChannel: (SatisfactionFigures & { channel: string })[] }> {
  const { rows } = await db.raw(
    `select channel, score, count(*)::int as n from surveys
      where score is not null and voted_at >= ? and voted_at < ? and (?::text is null or service = ?)
      group by channel, score`,
    [new Date(input.from).toISOString(), new Date(input.to).toISOString(), input.service ?? null, input.service ?? null],
  );
  const figures = (list: { score: number; n: number }[]): SatisfactionFigures => {
    const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
    let responses = 0;
    let sum = 0;
    for (const { score, n } of list) {
      distribution[String(score) as keyof typeof distribution] += n;
      responses += n;
      sum += score * n;
    }
    return { responses, average: responses ? Math.round((sum / responses) * 100) / 100 : null, distribution };
  };
  const all = rows as { channel: string; score: number; n: number }[];
  const channels = [...new Set(all.map((r) => r.channel))].sort();
  return { ...figures(all), byChannel: channels.map((channel) => ({ channel, ...figures(all.filter((r) => r.channel === channel)) })) };
}
