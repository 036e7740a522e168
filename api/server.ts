import { createApp } from './app';
import { EXIT_CONFIG, codecCorsOrigin, loadConfig, surveyTokenSecret } from '../infra/config';
import { resolveEndpoints } from '../infra/endpoints';
import { createDb } from '../infra/db';
import { connectClient } from '../infra/temporal';
import { loadCatalogFile } from '../infra/catalog-file';
import { createLogger } from '../infra/logger';
import { createCatalogVersionStore } from '../infra/stores/catalog-versions';
import { TASK_QUEUE } from '../workflows/definitions';
import { answerClientErrors } from './client-errors';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  const endpoints = resolveEndpoints(config);
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  const db = createDb(endpoints.databaseUrl);
  // Workflows started here carry this catalog's version: keep it for the worker that runs them.
  await createCatalogVersionStore(db).save(catalog);
  const temporal = await connectClient(config, endpoints.temporalAddress);
  const app = createApp({
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
    catalog,
    logger,
    bodyLimit: config.REQUEST_BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    health: { smtpUrl: endpoints.smtpUrl, workerFreshnessSeconds: config.WORKER_FRESHNESS_SECONDS, workerMetricsUrl: config.WORKER_METRICS_URL },
    codecCorsOrigin: codecCorsOrigin(config),
    surveyTokenSecret: surveyTokenSecret(config),
    scriviRateLimitPerHour: config.SCRIVI_RATE_LIMIT_PER_HOUR,
  });
  // Express 5 hands a listen error (e.g. EADDRINUSE) to this callback instead of throwing it.
  const server = app.listen(config.PORT, config.HOST, (err?: Error) => {
    if (err) {
      const busy = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      logger.fatal({ port: config.PORT, code: (err as NodeJS.ErrnoException).code }, busy ? `port ${config.PORT} (PORT) is already in use` : `cannot listen on port ${config.PORT}`);
      console.error(busy ? `API: port ${config.PORT} (PORT) is already in use; stop what uses it or set PORT` : `API: cannot listen on port ${config.PORT}: ${err.message}`);
      void temporal.connection.close().finally(() => db.destroy().finally(() => process.exit(EXIT_CONFIG)));
      return;
    }
    logger.info({ port: config.PORT }, `API listening on http://127.0.0.1:${config.PORT}`);
  });
  answerClientErrors(server);
  const stop = () => {
    server.close(() => {
      void temporal.connection.close().finally(() => db.destroy().finally(() => process.exit(0)));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
