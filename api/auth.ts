import type { Request, RequestHandler } from 'express';
import type { ApiKeyStore, Role } from '../infra/stores/api-keys';
import { Problem, forbidden } from './errors';
import type { Actor } from '../workflows/definitions';

export interface AuthContext {
  keyId: string;
  name: string;
  role: Role;
  office: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
}

const unauthorized = () => new Problem(401, 'Unauthorized', 'A valid API key is required: Authorization: Bearer KEY');

/** Resolves `Authorization: Bearer KEY` to its role; 401 without a valid, unrevoked key. */
export function authenticate(keys: ApiKeyStore): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(unauthorized());
    const record = await keys.findActiveByKey(match[1]);
    if (!record) return next(unauthorized());
    req.auth = { keyId: record.id, name: record.name, role: record.role, office: record.office };
    res.setHeader('WWW-Authenticate', 'Bearer');
    next();
  };
}

/** Allows the listed roles; admin may do anything. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.auth?.role;
    if (!role) return next(unauthorized());
    if (role === 'admin' || roles.includes(role)) return next();
    next(forbidden(`Role ${role} may not do this`));
  };
}

export function auth(req: Request): AuthContext {
  if (!req.auth) throw unauthorized();
  return req.auth;
}

/** The actor recorded in history for this request. */
export function actorOf(req: Request): Actor {
  const a = auth(req);
  return { name: a.name, role: a.role, office: a.office };
}

/** An office key acts on its own office's work only. */
export function assertOfficeAccess(req: Request, office: string | null | undefined): void {
  const a = auth(req);
  if (a.role === 'office' && a.office !== office) throw forbidden(`This key belongs to office ${a.office} and may not act on office ${office ?? '(none)'}`);
}

/** For listings: an office key is pinned to its office; asking for another one is 403. */
export function scopedOffice(req: Request, requested: string | undefined): string | undefined {
  const a = auth(req);
  if (a.role !== 'office') return requested;
  if (requested && requested !== a.office) throw forbidden(`This key belongs to office ${a.office}`);
  return a.office ?? undefined;
}
