/**
 * Temporal search attributes every lifecycle upserts at its transitions, so operators can list
 * workflows by service, office and status (`temporal workflow list --query ...`). All Keyword.
 * Registered by the embedded dev server and, on a production cluster, by
 * `temporal operator search-attribute create` (README).
 */
export const SEARCH_ATTRIBUTES = {
  service: 'ContactCenterService',
  office: 'ContactCenterOffice',
  status: 'ContactCenterStatus',
} as const;

/** What operators can search a lifecycle by. */
export interface Searchable {
  service: string;
  office: string | null;
  status: string;
}

/** Search attributes to start a lifecycle with (its recorder then upserts only changes). */
export function searchAttributesOf({ service, office, status }: Searchable): Record<string, string[]> {
  return { [SEARCH_ATTRIBUTES.service]: [service], [SEARCH_ATTRIBUTES.office]: office ? [office] : [], [SEARCH_ATTRIBUTES.status]: [status] };
}

/** The searchable state in a workflow's search attributes (undefined fields when it was started without). */
export function searchableFromAttributes(attributes: Record<string, unknown[] | undefined>): Partial<Searchable> {
  const first = (name: string) => (attributes[name]?.[0] as string | undefined) ?? undefined;
  return { service: first(SEARCH_ATTRIBUTES.service), office: first(SEARCH_ATTRIBUTES.office) ?? null, status: first(SEARCH_ATTRIBUTES.status) };
}
