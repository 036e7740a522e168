/**
 * Satisfaction survey tokens: `<payload>.<signature>`, both base64url. The payload names the case
 * (`<kind>|<caseId>|<expiresAt ms>`); the signature is an HMAC-SHA256 of it with the survey secret
 * (SURVEY_TOKEN_SECRET). A token is a capability for one case's vote, nothing more: it carries no
 * personal data.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SurveyKind = 'contact' | 'complaint';
export interface SurveyTokenPayload {
  kind: SurveyKind;
  caseId: string;
  expiresAt: number;
}

export type SurveyTokenCheck = { ok: true; payload: SurveyTokenPayload } | { ok: false; reason: 'malformed' | 'tampered' | 'expired'; payload?: SurveyTokenPayload };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(`survey-token/v1:${payload}`).digest();

export function surveyToken(secret: string, p: SurveyTokenPayload): string {
  const payload = b64(`${p.kind}|${p.caseId}|${p.expiresAt}`);
  return `${payload}.${b64(sign(secret, payload))}`;
}

export function checkSurveyToken(secret: string, token: string, now: number): SurveyTokenCheck {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = m;
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered' };
  const parts = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const [kind, caseId, exp] = parts;
  if (parts.length !== 3 || (kind !== 'contact' && kind !== 'complaint') || !caseId || !/^\d{1,15}$/.test(exp)) return { ok: false, reason: 'malformed' };
  const result: SurveyTokenPayload = { kind, caseId, expiresAt: Number(exp) };
  if (now >= result.expiresAt) return { ok: false, reason: 'expired', payload: result };
  return { ok: true, payload: result };
}

/** Days a survey link accepts a first vote; a vote can then be changed for CHANGE_DAYS. */
export const SURVEY_LINK_DAYS = 30;
export const SURVEY_CHANGE_DAYS = 7;
const DAY_MS = 86_400_000;
export const surveyLinkMs = SURVEY_LINK_DAYS * DAY_MS;
export const surveyChangeMs = SURVEY_CHANGE_DAYS * DAY_MS;

/** Workflow id of a case's survey: one per case, whatever happens. */
export const surveyWorkflowId = (kind: SurveyKind, caseId: string) => `survey:${kind}:${caseId}`;
