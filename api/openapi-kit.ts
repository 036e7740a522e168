/**
 * Helpers the route files use to describe their operations for the OpenAPI document. Each route
 * file exports its path specs built from the very zod schemas it validates with, so the document
 * cannot drift from the validation; api/openapi.ts assembles them.
 */
import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import type { Role } from '../infra/stores/api-keys';

export type ApiPaths = ZodOpenApiPathsObject;

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; `errors` names each bad field.' });

/** Answers are JSON objects whose exact shape is described in the operation's summary and example. */
const jsonObject = z.looseObject({}).meta({ id: 'JsonObject' });

/** A request the contract test replays against the running API, with the status it must answer. */
export interface RequestExample {
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** The role (and office for `office`) of the key the example is sent with. */
  as: { role: Role; office?: string };
  status: number;
}

export interface OperationSpec {
  summary: string;
  tag: string;
  /** Who may call it; `any` = every valid key. */
  roles: readonly Role[] | 'any';
  path?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success statuses and what they mean. */
  ok: Record<number, string>;
  /** Non-JSON success media types, e.g. text/csv for a report. */
  alsoProduces?: string[];
  /** Extra error statuses beyond 400/401/403 (e.g. 404, 409). */
  errors?: readonly number[];
  example: RequestExample;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: the problem names the field',
  401: 'No valid API key',
  403: 'The key’s role or office may not act',
  404: 'No such resource',
  409: 'The transition is not possible in the current state',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'Well-formed but not acceptable here (e.g. the Idempotency-Key used with another body, or nothing to compute)',
  429: 'Too many failed authentication attempts',
  503: 'A dependency (database, Temporal) is unavailable',
};

export const idPath = z.object({ id: z.string().min(1).max(200).meta({ description: 'The resource id' }) });

/** One /api/v1 operation: bearer security, problem+json errors and one replayable example. */
export function operation(spec: OperationSpec): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, description] of Object.entries(spec.ok)) {
    const content: Record<string, { schema: z.ZodType }> = { 'application/json': { schema: jsonObject } };
    for (const type of spec.alsoProduces ?? []) content[type] = { schema: z.string() };
    responses[status as `2${string}`] = { description, content };
  }
  const errors = new Set([400, 401, 403, 413, 415, 429, 503, ...(spec.errors ?? [])]);
  if (!spec.body) {
    errors.delete(413);
    errors.delete(415);
  }
  for (const status of [...errors].sort()) {
    responses[String(status) as `4${string}`] = {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }
  const roles = spec.roles === 'any' ? 'any role' : spec.roles.join(', ');
  return {
    summary: spec.summary,
    description: `${spec.summary}. Allowed: ${roles}.`,
    tags: [spec.tag],
    security: [{ bearer: [] }],
    ...(spec.path || spec.query ? { requestParams: { ...(spec.path ? { path: spec.path } : {}), ...(spec.query ? { query: spec.query } : {}) } } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body, example: spec.example.body } } } } : {}),
    responses,
    'x-roles': spec.roles === 'any' ? ['any'] : [...spec.roles],
    'x-request-example': spec.example,
  };
}
