import path from 'node:path';
import express from 'express';
import pinoHttp from 'pino-http';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../infra/db';
import type { Logger } from '../infra/logger';
import type { ServiceCatalog } from '../domain/catalog';
import { createStores, type Stores } from '../infra/stores';
import { authenticate } from './auth';
import { errorHandler, notFoundHandler } from './errors';
import { failedAuthLimiter, refuseControlCharacters, refuseBadPath, MAX_URL_LENGTH } from './hostile-input';
import { requestSummary } from '../infra/logger';
import { healthRouter, isProbe, type HealthOptions } from './routes/health';
import { createHttpMetrics } from './metrics';
import { openApiRouter } from './openapi';
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
import { workforceRouter } from './routes/workforce';
import { auditTrail } from './audit';
import { privacyRouter } from './routes/privacy';
import { auditRouter } from './routes/audit';
import { codecRouter } from './routes/codec';
import { emailsRouter } from './routes/emails';
import { appointmentsRouter } from './routes/appointments';
import { searchRouter } from './routes/search';
import { answersRouter } from './routes/answers';
import { overviewRouter } from './routes/overview';
import { scriviRouter } from './routes/scrivi';
import { surveyPagesRouter } from './routes/survey-pages';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  catalog: ServiceCatalog;
  logger: Logger;
  bodyLimit?: string;
  /** Stores to use instead of the PostgreSQL ones built from `db` (fakes in tests). */
  stores?: Partial<Stores>;
  /** How long a key found active is trusted without reading PostgreSQL (default 5 s). */
  apiKeyCacheTtlMs?: number;
  /** Express `trust proxy` (TRUST_PROXY): off unless the deployment sits behind a known proxy. */
  trustProxy?: boolean | number | string;
  health?: HealthOptions;
  /** Origin of the Temporal Web UI allowed to call /api/v1/codec (CORS). */
  codecCorsOrigin?: string;
  /** HMAC secret of the satisfaction survey links (SURVEY_TOKEN_SECRET); without it the survey pages answer 503. */
  surveyTokenSecret?: string;
  /** Messages the public form accepts per hour per client address and per email (SCRIVI_RATE_LIMIT_PER_HOUR). */
  scriviRateLimitPerHour?: number;
}

/** What routers receive: the app's dependencies with every store built. */
export interface RouterDeps extends AppDeps {
  stores: Stores;
}

/** Client request ids are echoed and logged, so only short, harmless ones are taken. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Level of a request's log line; a route marks itself quiet (health polls) with `res.locals.logLevel`. */
function requestLogLevel(res: express.Response, err?: Error): 'error' | 'warn' | 'info' | 'debug' {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return res.locals?.logLevel === 'debug' ? 'debug' : 'info';
}

/** Builds the HTTP API (no listen): health, the back-office page and /api/v1. */
export function createApp(appDeps: AppDeps): express.Express {
  const deps: RouterDeps = { ...appDeps, stores: { ...createStores(appDeps.db, { apiKeyCacheTtlMs: appDeps.apiKeyCacheTtlMs }), ...appDeps.stores } };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  const metrics = createHttpMetrics();
  app.use(metrics.middleware);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Never headers, bodies or query values: see infra/logger.ts.
      wrapSerializers: false,
      serializers: { req: requestSummary, res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }) },
      customLogLevel: (req, res, err) => (isProbe(req.url) && !err ? 'debug' : requestLogLevel(res as express.Response, err)),
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // The embedded stack serves plain HTTP on a LAN address: upgrading would break the page.
          upgradeInsecureRequests: null,
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(refuseBadPath(MAX_URL_LENGTH));
  app.use(express.json({ limit: deps.bodyLimit ?? '5mb', type: ['application/json', 'application/*+json'] }));
  app.use(refuseControlCharacters);

  app.use(healthRouter({ ...deps, metricsRegistry: metrics.registry }));
  app.use(openApiRouter(deps.catalog));
  // The back-office page: static files, Chart.js from node_modules (no network at run time).
  app.use(express.static(path.join(__dirname, '..', 'web', 'public'), { index: 'index.html' }));
  app.use('/vendor/chart.js', express.static(path.dirname(require.resolve('chart.js'))));
  // Citizens' public pages (no key): the "Scrivi" form and the satisfaction survey.
  app.use(scriviRouter(deps));
  app.use(surveyPagesRouter(deps));

  const api = express.Router();
  // One count of refused keys per address for /api/v1 and the codec endpoint mounted beside it.
  const authLimiter = failedAuthLimiter();
  api.use(authLimiter);
  api.use(authenticate(deps.stores.apiKeys));
  api.use(auditTrail(deps));
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
  api.use(workforceRouter(deps));
  api.use(privacyRouter(deps));
  api.use(auditRouter(deps));
  api.use(emailsRouter(deps));
  api.use(appointmentsRouter(deps));
  api.use(searchRouter(deps));
  api.use(answersRouter(deps));
  api.use(overviewRouter(deps));
  // Before /api/v1's router: the browser's CORS preflight to the codec carries no key.
  app.use('/api/v1/codec', authLimiter, codecRouter(deps));
  app.use('/api/v1', api);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
