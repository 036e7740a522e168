import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import {
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { BAD_DATA, FORBIDDEN, INVALID_INPUT, INVALID_TRANSITION } from '../workflows/common';

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem to send as application/problem+json. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly type: string = 'about:blank',
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new Problem(400, 'Bad Request', detail, errors);
export const invalidField = (field: string, message: string) => new Problem(400, 'Bad Request', `${field}: ${message}`, [{ field, message }]);
export const notFound = (detail: string) => new Problem(404, 'Not Found', detail);
export const forbidden = (detail: string) => new Problem(403, 'Forbidden', detail);
export const conflict = (detail: string) => new Problem(409, 'Conflict', detail);

/** Field path of a zod issue as `a.b[0].c`. */
function fieldPath(prefix: string | undefined, path: PropertyKey[]): string {
  const parts = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
  if (!prefix) return parts || '(body)';
  return parts ? (parts.startsWith('[') ? `${prefix}${parts}` : `${prefix}.${parts}`) : prefix;
}

/** Parses input with a zod schema or throws a 400 naming every bad field. */
export function parseOr400<T extends z.ZodType>(schema: T, data: unknown, prefix?: string): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({ field: fieldPath(prefix, i.path), message: i.message }));
  throw new Problem(400, 'Bad Request', `Invalid ${errors.map((e) => e.field).join(', ')}`, errors);
}

/** Seconds a client should wait before retrying after an outage answer. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
const CONNECTION_LOST = /Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect/i;

/**
 * True when the error says PostgreSQL or Temporal cannot be reached right now (retrying later may
 * work): network errors, knex pool timeouts, pg admin shutdown (57P0x) and connection classes (08),
 * gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4).
 */
export function isOutage(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { name?: string; code?: unknown; message?: string; cause?: unknown };
    if (x.name === 'KnexTimeoutError' || x.name === 'ConnectionError') return true;
    if (typeof x.code === 'string' && (NETWORK_ERROR_CODES.has(x.code) || /^(08|57P0|53300)/.test(x.code))) return true;
    if (typeof x.code === 'number' && (x.code === 14 || x.code === 4)) return true;
    if (typeof x.message === 'string' && CONNECTION_LOST.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}

/** The SQLSTATE class of a PostgreSQL error ('22' data exception, '23' integrity violation), if it is one. */
function pgErrorClass(err: unknown): string | undefined {
  const e = err as { code?: unknown; severity?: unknown } | null;
  return e && typeof e.code === 'string' && typeof e.severity === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code.slice(0, 2) : undefined;
}

function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof ApplicationFailure) return e;
    e = (e as TemporalFailure).cause;
  }
  return undefined;
}

/** Maps domain, validation and Temporal errors to problem details; never leaks a stack trace. */
export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return new Problem(400, 'Bad Request', 'Malformed JSON in the request body', [{ field: '(body)', message: 'malformed JSON' }]);
  if (e?.type === 'entity.too.large') return new Problem(413, 'Content Too Large', 'The request body is too large');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new Problem(415, 'Unsupported Media Type', e.message);
  // Express 5 router: decodeURIComponent of a route parameter failed (checked earlier too, in hostile-input).
  if (e?.status === 400 && /^Failed to decode param/.test(e.message ?? '')) return new Problem(400, 'Bad Request', 'path: bad percent-encoding', [{ field: 'path', message: 'bad percent-encoding' }]);
  // Any other client error from body parsing (http-errors marks them `expose`).
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (err as { expose?: boolean }).expose)
    return new Problem(e.status, e.status === 413 ? 'Content Too Large' : 'Bad Request', 'The request could not be read');
  if (err instanceof WorkflowUpdateFailedError || err instanceof TemporalFailure) {
    const failure = applicationFailureOf(err);
    if (failure?.type === INVALID_TRANSITION) return new Problem(409, 'Conflict', failure.message);
    if (failure?.type === FORBIDDEN) return new Problem(403, 'Forbidden', failure.message);
    // An activity's database refused a value that passed validation: bad input, not a server fault.
    if (failure?.type === BAD_DATA) return new Problem(400, 'Bad Request', 'A value of the request cannot be stored');
    if (failure?.type === INVALID_INPUT) {
      const details = failure.details?.[0] as { field?: string } | undefined;
      return new Problem(400, 'Bad Request', failure.message, details?.field ? [{ field: details.field, message: failure.message }] : undefined);
    }
  }
  if (err instanceof WorkflowNotFoundError) return new Problem(409, 'Conflict', 'This item is closed or no longer active');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new Problem(409, 'Conflict', 'Already started');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new Problem(503, 'Service Unavailable', 'The workflow did not answer in time; retry');
  if (isOutage(err)) return new Problem(503, 'Service Unavailable', 'A backing service (database or workflow engine) is unreachable; retry later');
  if (pgErrorClass(err) === '22') return new Problem(400, 'Bad Request', 'A value of the request cannot be stored (invalid characters or out of range)');
  // A unique or reference check lost a race with another request: the stored state decides.
  if (pgErrorClass(err) === '23') return new Problem(409, 'Conflict', 'The request conflicts with stored data; read it again');
  return new Problem(500, 'Internal Server Error', 'An unexpected error occurred');
}

export function sendProblem(res: Parameters<RequestHandler>[1], p: Problem): void {
  if (p.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
  res
    .status(p.status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: p.type, title: p.title, status: p.status, detail: p.detail, ...(p.errors ? { errors: p.errors } : {}) }));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, notFound(`No route for ${req.method} ${req.path}`));
};

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const problem = toProblem(err);
  if (problem.status >= 500) req.log?.error({ err }, 'request failed');
  if (res.headersSent) return;
  sendProblem(res, problem);
};
