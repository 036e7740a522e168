import type { Request } from 'express';
import type { Db } from '../infra/db';
import { invalidField } from './errors';

/** Reads the Idempotency-Key header (RFC draft): printable, at most 200 characters. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw invalidField('Idempotency-Key', 'must be 1-200 printable ASCII characters');
  return key;
}

/**
 * The resource id for an Idempotency-Key: the one already bound to it, or `proposedId` now bound.
 * Scoped per API key, so two integrators cannot collide.
 */
export async function resolveIdempotentId(db: Db, scope: string, key: string, proposedId: string): Promise<{ id: string; replay: boolean }> {
  const inserted = await db('idempotency_keys').insert({ scope, key, resource_id: proposedId }).onConflict(['scope', 'key']).ignore().returning('resource_id');
  if (inserted.length > 0) return { id: proposedId, replay: false };
  const row = await db('idempotency_keys').where({ scope, key }).first();
  return { id: row.resource_id, replay: true };
}
