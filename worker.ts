import { DefaultLogger, LogLevel, NativeConnection, Runtime, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities, ActivityDeps } from './activities';
import { loadConfig } from './infra/config';
import { resolveEndpoints } from './infra/endpoints';
import { createDb } from './infra/db';
import { createMailer } from './infra/mailer';
import { connectNative } from './infra/temporal';
import { loadCatalogFile } from './infra/catalog-file';
import { createLogger } from './infra/logger';
import { setupRenewalsExportSchedule } from './infra/renewals-schedule';
import { setupAppointmentSchedules } from './infra/appointments-schedule';
import { TASK_QUEUE } from './workflows/definitions';

export interface WorkerParams {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-bundled workflow code (tests bundle once per run); otherwise bundled from ./workflows. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createWorker(p: WorkerParams): Promise<Worker> {
  return Worker.create({
    connection: p.connection,
    namespace: p.namespace,
    taskQueue: p.taskQueue,
    activities: createActivities(p.deps),
    ...(p.workflowBundle ? { workflowBundle: p.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  // The SDK's own logs (and workflow/activity logs) go through pino too: one JSON log stream.
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  Runtime.install({ logger: new DefaultLogger('INFO', (entry) => logger[levels[entry.level]](entry.meta ?? {}, entry.message)) });
  const endpoints = resolveEndpoints(config);
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  const db = createDb(endpoints.databaseUrl);
  const mailer = createMailer(endpoints.smtpUrl, config.MAIL_FROM);
  const connection = await connectNative(config, endpoints.temporalAddress);
  const taskQueue = config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE;
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    deps: { db, mailer, catalog, settings: { renewalsSendEmpty: config.RENEWALS_EXPORT_SEND_EMPTY } },
  });
  await setupRenewalsExportSchedule(config, catalog, endpoints.temporalAddress, taskQueue, logger);
  await setupAppointmentSchedules(config, catalog, endpoints.temporalAddress, taskQueue, logger);
  logger.info({ taskQueue, namespace: config.TEMPORAL_NAMESPACE, temporal: endpoints.temporalAddress }, 'worker polling');
  // Worker.run() shuts down gracefully on SIGINT/SIGTERM.
  await worker.run();
  await connection.close();
  mailer.close();
  await db.destroy();
  logger.info('worker stopped');
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
