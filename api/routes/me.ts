import { Router } from 'express';
import { auth } from '../auth';
import { operation, type ApiPaths } from '../openapi-kit';

/** Who the presented key is: lets the back-office page adapt to the role. */
export function meRouter(): Router {
  const router = Router();
  router.get('/me', (req, res) => {
    const a = auth(req);
    res.json({ name: a.name, role: a.role, office: a.office });
  });
  return router;
}

/** OpenAPI description of the route above. */
export const mePaths: ApiPaths = {
  '/me': {
    get: operation({ summary: 'The presented key: name, role, office', tag: 'keys', roles: 'any', ok: { 200: 'The key' }, example: { as: { role: 'supervisor' }, status: 200 } }),
  },
};
