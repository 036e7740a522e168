import { createApp } from './app';
import { codecCorsOrigin, loadConfig } from '../infra/config';
import { resolveEndpoints } from '../infra/endpoints';
import { createDb } from '../infra/db';
import { connectClient } from '../infra/temporal';
import { loadCatalogFile } from '../infra/catalog-file';
import { createLogger } from '../infra/logger';
import { TASK_QUEUE } from '../workflows/definitions';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  const endpoints = resolveEndpoints(config);
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  const db = createDb(endpoints.databaseUrl);
  const temporal = await connectClient(config, endpoints.temporalAddress);
  const app = createApp({
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
    catalog,
    logger,
    bodyLimit: config.REQUEST_BODY_LIMIT,
    codecCorsOrigin: codecCorsOrigin(config),
  });
  const server = app.listen(config.PORT, config.HOST, () => logger.info({ port: config.PORT }, `API listening on http://127.0.0.1:${config.PORT}`));
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
