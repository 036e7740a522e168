import { Router } from 'express';
import type { RouterDeps } from '../app';
import { notFound } from '../errors';
import { greetingAt } from '../../domain/greeting';

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
