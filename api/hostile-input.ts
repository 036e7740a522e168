import type { RequestHandler } from 'express';
import { MemoryStore } from 'express-rate-limit';
import { Problem, sendProblem } from './errors';

/** C0 and C1 control characters except tab, LF and CR. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/; // eslint-disable-line no-control-regex

/** Longest request target answered; longer ones get 414 (Node's header limit would give 431 later). */
export const MAX_URL_LENGTH = 4096;

const controlCharacterProblem = (field: string) =>
  new Problem(400, 'Bad Request', `${field}: control characters are not allowed`, [{ field, message: 'control characters are not allowed (only tab, CR and LF)' }]);

/** Deeper JSON is no request of this API; walking it could exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

/** The first field (as `a.b[0].c`) whose name or text holds a control character, or that nests too deeply. */
export function controlCharacterField(value: unknown, path = '', depth = 0): { field: string; tooDeep?: boolean } | undefined {
  if (typeof value === 'string') return CONTROL_CHARACTER.test(value) ? { field: path || '(body)' } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_JSON_DEPTH) return { field: path || '(body)', tooDeep: true };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = controlCharacterField(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (CONTROL_CHARACTER.test(key)) return { field: path || '(body)' };
    const found = controlCharacterField(v, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const refusal = (found: { field: string; tooDeep?: boolean }) =>
  found.tooDeep
    ? new Problem(400, 'Bad Request', `${found.field}: nested more than ${MAX_JSON_DEPTH} levels`, [{ field: found.field, message: `nested more than ${MAX_JSON_DEPTH} levels` }])
    : controlCharacterProblem(found.field);

/** Refuses JSON bodies and query strings carrying control characters, naming the field. */
export const refuseControlCharacters: RequestHandler = (req, _res, next) => {
  const inQuery = controlCharacterField(req.query);
  if (inQuery) return next(refusal(inQuery));
  const inBody = controlCharacterField(req.body);
  if (inBody) return next(refusal(inBody));
  next();
};

/** 414 for an over-long target; 400 for a path with bad percent-encoding or control characters (NUL in an id). */
export function refuseBadPath(maxUrlLength: number): RequestHandler {
  return (req, res, next) => {
    if (req.originalUrl.length > maxUrlLength) return next(new Problem(414, 'URI Too Long', `The request target is longer than ${maxUrlLength} characters`));
    for (const segment of req.path.split('/')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return next(new Problem(400, 'Bad Request', 'path: bad percent-encoding', [{ field: 'path', message: 'bad percent-encoding' }]));
      }
      if (CONTROL_CHARACTER.test(decoded)) return next(controlCharacterProblem('path'));
    }
    next();
  };
}

/** More than 20 failed authentications a minute from one address: 429 with Retry-After. */
export function failedAuthLimiter(limit = 20, windowMs = 60_000): RequestHandler {
  // Counts only refused keys, when the answer is known: counting every request and forgetting the
  // good ones afterwards (the library's skipSuccessfulRequests) limits a burst of valid requests.
  const failures = new MemoryStore();
  failures.init({ windowMs } as Parameters<MemoryStore['init']>[0]);
  return async (req, res, next) => {
    const key = req.ip ?? 'unknown';
    const seen = await failures.get(key);
    if (seen && seen.totalHits >= limit) {
      const waitMs = seen.resetTime ? seen.resetTime.getTime() - Date.now() : windowMs;
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
      sendProblem(res, new Problem(429, 'Too Many Requests', 'Too many failed authentications from this address; retry later'));
      return;
    }
    res.once('finish', () => {
      if (res.statusCode === 401) void failures.increment(key);
    });
    next();
  };
}
