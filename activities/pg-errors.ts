import { ApplicationFailure } from '@temporalio/common';
import { BAD_DATA } from '../workflows/common';

export { BAD_DATA };

/**
 * PostgreSQL classes a retry cannot fix: 22 data exception (e.g. 22P05 untranslatable character),
 * 23 integrity constraint violation, 42 syntax error or access rule violation.
 */
export function isUnfixableByRetry(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown } | null;
  return !!e && typeof e.code === 'string' && typeof e.severity === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(e.code);
}

type AnyFunction = (...args: never[]) => unknown;

/**
 * Wraps every activity so that such a database error becomes a non-retryable ApplicationFailure:
 * no input that passed validation can make a workflow retry an activity forever. Other errors
 * (outages) keep retrying as the activity options say.
 */
export function nonRetryableOnBadData<T extends Record<string, AnyFunction>>(activities: T): T {
  const wrapped: Record<string, AnyFunction> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        if (!isUnfixableByRetry(err)) throw err;
        const code = (err as { code: string }).code;
        // The message names the SQLSTATE only: PostgreSQL's own text may quote personal data.
        throw ApplicationFailure.create({ type: BAD_DATA, message: `${name}: the database refused the data (SQLSTATE ${code})`, nonRetryable: true, details: [{ sqlState: code }] });
      }
    };
  }
  return wrapped as T;
}
