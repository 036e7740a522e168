/**
 * Pure rules of the privacy features: how a person's identifiers are normalised for matching, and
 * how a free-form JSON value (history payloads, caller/requester objects) is anonymised.
 */

/** Kinds of record a retention duration applies to (RETENTION_DAYS_<KIND>). */
export const RETENTION_KINDS = ['contacts', 'escalations', 'missedCalls', 'complaints', 'inquiries', 'renewals', 'appointments', 'sentEmails', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
/** Days a closed record of each kind is kept before it is anonymised (audit rows: deleted). */
export type RetentionDays = Record<RetentionKind, number>;

export const SUBJECT_KINDS = ['email', 'phone', 'taxCode'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** What replaces a person's text once anonymised (shown by the API and the back-office page). */
export const ERASED_TEXT = '[cancellato]';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Digits only, with the Italian country prefix dropped: '+39 333 123 4567', '0039-333.1234567' and
 * '3331234567' are one number. A leading '+' of another country is kept as '+'.
 */
export function normalizePhone(phone: string): string {
  let p = phone.replace(/[^0-9+]/g, '');
  if (p.startsWith('00')) p = `+${p.slice(2)}`;
  if (p.startsWith('+39')) p = p.slice(3);
  return p;
}

export const normalizeTaxCode = (taxCode: string): string => taxCode.replace(/\s+/g, '').toUpperCase();

export function normalizeSubject(kind: SubjectKind, value: string): string {
  return kind === 'email' ? normalizeEmail(value) : kind === 'phone' ? normalizePhone(value) : normalizeTaxCode(value);
}

/** The SQL twin of normalizePhone, for matching stored phones in PostgreSQL. */
export const sqlNormalizedPhone = (column: string): string =>
  `regexp_replace(regexp_replace(regexp_replace(coalesce(${column}, ''), '[^0-9+]', '', 'g'), '^00', '+'), '^\\+39', '')`;

/** A person's identifiers, normalised; the closure of an erasure or export grows these sets. */
export interface SubjectIdentifiers {
  emails: Set<string>;
  phones: Set<string>;
  taxCodes: Set<string>;
}

export function emptyIdentifiers(): SubjectIdentifiers {
  return { emails: new Set(), phones: new Set(), taxCodes: new Set() };
}

/** Adds an identifier (normalised; empty values ignored); says whether it was new. */
export function addIdentifier(ids: SubjectIdentifiers, kind: SubjectKind, value: unknown): boolean {
  if (typeof value !== 'string' || value.trim() === '') return false;
  const n = normalizeSubject(kind, value);
  if (n === '') return false;
  const set = kind === 'email' ? ids.emails : kind === 'phone' ? ids.phones : ids.taxCodes;
  if (set.has(n)) return false;
  set.add(n);
  return true;
}

/**
 * Keys whose values say nothing about a person and are what reports count: kept when a JSON value
 * is anonymised. Everything else that is text becomes ERASED_TEXT (numbers and booleans stay).
 */
const KEPT_KEYS = new Set([
  'id', 'seq', 'action', 'status', 'kind', 'channel', 'service', 'subService', 'office', 'fromOffice', 'toOffice',
  'category', 'outcome', 'resolution', 'deadline', 'origin', 'clock', 'term', 'role', 'structure', 'jobType',
  'jobCentre', 'ivrCode', 'rings', 'internalNumber', 'breached', 'version', 'attempt', 'reasonCode', 'applicationType', 'start',
]);
const keptKey = (key: string) => KEPT_KEYS.has(key) || /(At|Id|Ms|Sec|Count)$/.test(key);

/** Anonymises a JSON value: every string not under a kept key becomes ERASED_TEXT. */
export function scrubJson(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && keptKey(key) ? value : ERASED_TEXT;
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubJson(v, k)]));
  }
  return value;
}
