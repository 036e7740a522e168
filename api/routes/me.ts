import { Router } from 'express';
import { auth } from '../auth';

/** Who the presented key is: lets the back-office page adapt to the role. */
export function meRouter(): Router {
  const router = Router();
  router.get('/me', (req, res) => {
    const a = auth(req);
    res.json({ name: a.name, role: a.role, office: a.office });
  });
  return router;
}
