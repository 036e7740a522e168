import path from 'node:path';
import express from 'express';
import pinoHttp from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../infra/db';
import type { Logger } from '../infra/logger';
import type { ServiceCatalog } from '../domain/catalog';
import { createApiKeyStore } from '../infra/stores/api-keys';
import { authenticate } from './auth';
import { errorHandler, notFoundHandler } from './errors';
import { healthRouter } from './routes/health';
import { servicesRouter } from './routes/services';
import { meRouter } from './routes/me';
import { renewalsRouter } from './routes/renewals';
import { exportsRouter } from './routes/exports';
import { contactsRouter } from './routes/contacts';
import { escalationsRouter } from './routes/escalations';
import { missedCallsRouter } from './routes/missed-calls';
import { callsRouter } from './routes/calls';
import { reportsRouter } from './routes/reports';
import { complaintsRouter } from './routes/complaints';
import { inquiriesRouter } from './routes/inquiries';
import { complaintReportsRouter } from './routes/complaint-reports';
import { appointmentsRouter } from './routes/appointments';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  catalog: ServiceCatalog;
  logger: Logger;
  bodyLimit?: string;
}

/** Builds the HTTP API (no listen): health, the back-office page and /api/v1. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use(express.json({ limit: deps.bodyLimit ?? '5mb', type: ['application/json', 'application/*+json'] }));

  app.use(healthRouter(deps));
  // The back-office page: static files, Chart.js from node_modules (no network at run time).
  app.use(express.static(path.join(__dirname, '..', 'web', 'public'), { index: 'index.html' }));
  app.use('/vendor/chart.js', express.static(path.dirname(require.resolve('chart.js'))));

  const api = express.Router();
  api.use(authenticate(createApiKeyStore(deps.db)));
  api.use(meRouter());
  api.use(servicesRouter(deps));
  // lifecycle routers: one line each
  api.use(renewalsRouter(deps));
  api.use(exportsRouter(deps));
  api.use(contactsRouter(deps));
  api.use(escalationsRouter(deps));
  api.use(missedCallsRouter(deps));
  api.use(callsRouter(deps));
  api.use(reportsRouter(deps));
  api.use(complaintsRouter(deps));
  api.use(inquiriesRouter(deps));
  api.use(complaintReportsRouter(deps));
  api.use(appointmentsRouter(deps));
  app.use('/api/v1', api);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
