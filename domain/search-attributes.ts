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
