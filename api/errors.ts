import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import {
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { FORBIDDEN, INVALID_INPUT, INVALID_TRANSITION } from '../workflows/definitions';

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
  if (err instanceof WorkflowUpdateFailedError || err instanceof TemporalFailure) {
    const failure = applicationFailureOf(err);
    if (failure?.type === INVALID_TRANSITION) return new Problem(409, 'Conflict', failure.message);
    if (failure?.type === FORBIDDEN) return new Problem(403, 'Forbidden', failure.message);
    if (failure?.type === INVALID_INPUT) {
      const details = failure.details?.[0] as { field?: string } | undefined;
      return new Problem(400, 'Bad Request', failure.message, details?.field ? [{ field: details.field, message: failure.message }] : undefined);
    }
  }
  if (err instanceof WorkflowNotFoundError) return new Problem(409, 'Conflict', 'This item is closed or no longer active');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new Problem(409, 'Conflict', 'Already started');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new Problem(503, 'Service Unavailable', 'The workflow did not answer in time; retry');
  if ((err as { code?: number })?.code === 14 /* gRPC UNAVAILABLE */) return new Problem(503, 'Service Unavailable', 'Temporal is unreachable');
  return new Problem(500, 'Internal Server Error', 'An unexpected error occurred');
}

export function sendProblem(res: Parameters<RequestHandler>[1], p: Problem): void {
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
