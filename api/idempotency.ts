import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { Problem, invalidField } from './errors';

/** Reads the Idempotency-Key header (RFC draft): printable, at most 200 characters. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw invalidField('Idempotency-Key', 'must be 1-200 printable ASCII characters');
  return key;
}

/** JSON with object keys sorted, so that `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of the method, path and canonical body of a request. */
export function requestHashOf(req: Request): string {
  return createHash('sha256').update(`${req.method} ${req.baseUrl}${req.path}\n${canonicalJson(req.body ?? null)}`).digest('hex');
}

const keyReusedProblem = () =>
  new Problem(422, 'Unprocessable Content', 'This Idempotency-Key was already used with a different request', [
    { field: 'Idempotency-Key', message: 'already used with a different request body' },
  ]);

/**
 * The resource id for an Idempotency-Key: the one already bound to it, or a new one now bound.
 * Scoped per API key, so two integrators cannot collide. With `requestHash`, a key bound to another
 * request is refused with 422. `newId` is only called when the key is not bound yet, so a replay or
 * a refused reuse does not use up a number. Pass a transaction to bind the key with the request's writes.
 */
export async function resolveIdempotentId(
  db: Knex | Knex.Transaction,
  scope: string,
  key: string,
  newId: string | (() => Promise<string>),
  requestHash?: string,
): Promise<{ id: string; replay: boolean }> {
  const bound = async () => {
    const row = await db('idempotency_keys').where({ scope, key }).first();
    if (!row) return undefined;
    if (requestHash && row.request_hash && row.request_hash !== requestHash) throw keyReusedProblem();
    return { id: row.resource_id as string, replay: true };
  };
  const existing = await bound();
  if (existing) return existing;
  const proposedId = typeof newId === 'string' ? newId : await newId();
  const inserted = await db('idempotency_keys')
    .insert({ scope, key, resource_id: proposedId, request_hash: requestHash ?? null })
    .onConflict(['scope', 'key'])
    .ignore()
    .returning('resource_id');
  if (inserted.length > 0) return { id: proposedId, replay: false };
  // Bound meanwhile by a concurrent request.
  return (await bound())!;
}

/** Unbinds a key whose request was refused after binding it, so a refused request stores nothing. */
export async function releaseIdempotentId(db: Knex, scope: string, key: string, id: string): Promise<void> {
  await db('idempotency_keys').where({ scope, key, resource_id: id }).delete();
}
