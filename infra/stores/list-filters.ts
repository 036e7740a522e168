import type { Knex } from 'knex';

/** `%text%` for ILIKE, with the user's own `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The `q` filter of the page's lists: any of `columns` (SQL expressions of trusted code, never
 * input) contains the text, case-insensitively.
 */
export function whereContains(qb: Knex.QueryBuilder, columns: string[], text: string | undefined): void {
  if (!text) return;
  qb.whereRaw(`concat_ws(' ', ${columns.join(', ')}) ilike ?`, [containsPattern(text)]);
}

/** Items at least `hours` old by `column` (the age filter of the lists). */
export function whereOlderThan(qb: Knex.QueryBuilder, column: string, hours: number | undefined): void {
  if (hours === undefined) return;
  qb.whereRaw(`${column} <= now() - make_interval(hours => ?)`, [hours]);
}
