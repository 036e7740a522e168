import { Router } from 'express';
import type { RouterDeps } from '../app';
import { notFound } from '../errors';
import { greetingAt } from '../../domain/greeting';
import { z } from 'zod';
import { operation, type ApiPaths } from '../openapi-kit';

/** The services catalog, readable by every role. */
export function servicesRouter(deps: RouterDeps): Router {
  const router = Router();
  router.get('/services', (_req, res) => {
    res.json({ services: deps.catalog.services });
  });
  router.get('/services/:code', (req, res) => {
    const service = deps.catalog.service(req.params.code);
    if (!service) throw notFound(`Unknown service ${req.params.code}`);
    res.json(service);
  });
  // For the IVR: which message to play now.
  router.get('/services/:code/greeting', (req, res) => {
    const service = deps.catalog.service(req.params.code);
    if (!service) throw notFound(`Unknown service ${req.params.code}`);
    res.json(greetingAt(service, Date.now()));
  });
  return router;
}

const codePath = z.object({ code: z.string().min(1).max(50) });

/** OpenAPI description of the routes above. */
export const servicesPaths: ApiPaths = {
  '/services': {
    get: operation({ summary: 'The services catalog: services, windows, categories, IVR menus, offices', tag: 'services', roles: 'any', ok: { 200: 'The catalog' }, example: { as: { role: 'operator' }, status: 200 } }),
  },
  '/services/{code}': {
    get: operation({ summary: 'One service of the catalog', tag: 'services', roles: 'any', path: codePath, ok: { 200: 'The service' }, errors: [404], example: { path: { code: 'ADL' }, as: { role: 'operator' }, status: 200 } }),
  },
  '/services/{code}/greeting': {
    get: operation({ summary: 'The message the IVR plays now (open, closed, holiday)', tag: 'services', roles: 'any', path: codePath, ok: { 200: 'The greeting' }, errors: [404], example: { path: { code: 'NOPE' }, as: { role: 'integrator' }, status: 404 } }),
  },
};
