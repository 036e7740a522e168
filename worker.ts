import { existsSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, LogLevel, NativeConnection, Runtime, Worker, WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, ActivityDeps } from './activities';
import { Config, EXIT_CONFIG, loadConfig, publicBaseUrl, requirePayloadKeys, surveyTokenSecret } from './infra/config';
import { encryptingDataConverter, FAILURE_CONVERTER_PATH } from './infra/codec';
import { resolveEndpoints } from './infra/endpoints';
import { createDb } from './infra/db';
import { createMailer } from './infra/mailer';
import { connectNative } from './infra/temporal';
import { loadCatalogFile } from './infra/catalog-file';
import { createLogger } from './infra/logger';
import { setupRenewalsExportSchedule } from './infra/renewals-schedule';
import { setupRetentionSchedule } from './infra/retention-schedule';
import { TASK_QUEUE } from './workflows/common';
import { createCatalogVersionStore } from './infra/stores/catalog-versions';
import { setupAppointmentSchedules } from './infra/appointments-schedule';
import { cachedWorkflowBundle } from './infra/workflow-bundle';
import { connectClient } from './infra/temporal';

export interface WorkerParams {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Encrypts payloads (infra/codec.ts); the same keys as every client of the namespace. */
  dataConverter: DataConverter;
  /** Pre-bundled workflow code (tests bundle once per run); otherwise bundled from ./workflows. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentLocalActivityExecutions' | 'maxCachedWorkflows'>;
  /** The stack trace query of running workflows (WORKFLOW_STACK_TRACES); off unless asked for. */
  workflowStackTraces?: boolean;
}

/** The workflow bundle `npm run build` writes next to the compiled worker; absent under tsx. */
export const PREBUILT_BUNDLE = path.join(__dirname, 'workflow-bundle.js');

/** Worker concurrency from configuration; unset values keep the SDK's defaults. */
export function workerTuning(config: Config): NonNullable<WorkerParams['tuning']> {
  const tuning: NonNullable<WorkerParams['tuning']> = {};
  if (config.WORKER_MAX_CONCURRENT_ACTIVITIES) tuning.maxConcurrentActivityTaskExecutions = config.WORKER_MAX_CONCURRENT_ACTIVITIES;
  if (config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS) tuning.maxConcurrentWorkflowTaskExecutions = config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS;
  if (config.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES) tuning.maxConcurrentLocalActivityExecutions = config.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES;
  if (config.WORKER_MAX_CACHED_WORKFLOWS) tuning.maxCachedWorkflows = config.WORKER_MAX_CACHED_WORKFLOWS;
  return tuning;
}

export async function createWorker(p: WorkerParams): Promise<Worker> {
  // Kept so that workflows started with this catalog keep their rules after it changes.
  await createCatalogVersionStore(p.deps.db).save(p.deps.catalog);
  // Read by the patched SDK in the workflow threads Worker.create starts (patches/@temporalio+worker*.patch).
  process.env.TEMPORAL_WORKFLOW_STACK_TRACES = p.workflowStackTraces ? 'on' : 'off';
  return Worker.create({
    connection: p.connection,
    namespace: p.namespace,
    taskQueue: p.taskQueue,
    dataConverter: p.dataConverter,
    activities: createActivities(p.deps),
    ...p.tuning,
    ...(p.workflowBundle ? { workflowBundle: p.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
  });
}

/**
 * From source (no `npm run build`): the workflow bundle cached under DATA_DIR, rebuilt in a child
 * process when the sources change (infra/workflow-bundle.ts), so webpack's heap never stays in the worker.
 */
async function sourceBundle(config: Config, logger: ReturnType<typeof createLogger>): Promise<string> {
  const inputs = ['workflows', 'domain', 'activities', 'infra', 'package-lock.json'].map((p) => path.join(__dirname, p));
  const { codePath, built } = await cachedWorkflowBundle({ workflowsPath: require.resolve('./workflows'), failureConverterPath: FAILURE_CONVERTER_PATH, inputs }, path.join(config.DATA_DIR, 'workflow-bundle'));
  logger.info({ bundle: path.basename(codePath), built }, built ? 'workflow bundle built' : 'workflow bundle reused');
  return codePath;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  const dataConverter = encryptingDataConverter(requirePayloadKeys(config));
  // The SDK's own logs (and workflow/activity logs) go through pino too: one JSON log stream.
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  // The SDK's metrics (task latencies, slots, polls) on a Prometheus endpoint, when a port is set.
  const metrics = config.WORKER_METRICS_PORT ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.WORKER_METRICS_PORT}` } } } : {};
  try {
    Runtime.install({ logger: new DefaultLogger('INFO', (entry) => logger[levels[entry.level]](entry.meta ?? {}, entry.message)), telemetryOptions: metrics });
  } catch (err) {
    console.error(`worker: cannot serve metrics on port ${config.WORKER_METRICS_PORT} (WORKER_METRICS_PORT): ${(err as Error).message}`);
    process.exit(EXIT_CONFIG);
  }
  const endpoints = resolveEndpoints(config);
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  const db = createDb(endpoints.databaseUrl);
  const mailer = createMailer(endpoints.smtpUrl, config.MAIL_FROM);
  const connection = await connectNative(config, endpoints.temporalAddress);
  const taskQueue = config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE;
  // Activities that start or update workflows (inbound mail) and the inbound sink use this client.
  const client = await connectClient(config, endpoints.temporalAddress);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    dataConverter,
    deps: {
      db,
      mailer,
      catalog,
      settings: {
        renewalsSendEmpty: config.RENEWALS_EXPORT_SEND_EMPTY,
        survey: { delayMs: Math.round(config.SURVEY_DELAY_MINUTES * 60_000), tokenSecret: surveyTokenSecret(config), publicBaseUrl: publicBaseUrl(config) },
        inboundReplyToClosed: config.INBOUND_REPLY_TO_CLOSED,
        mailFrom: config.MAIL_FROM,
      },
      temporal: client,
      taskQueue,
    },
    // Production (dist/): the bundle made at build time; from source: a bundle cached under DATA_DIR.
    workflowBundle: { codePath: existsSync(PREBUILT_BUNDLE) ? PREBUILT_BUNDLE : await sourceBundle(config, logger) },
    tuning: workerTuning(config),
    workflowStackTraces: config.WORKFLOW_STACK_TRACES === 'on',
  });
  await setupRenewalsExportSchedule(config, catalog, endpoints.temporalAddress, taskQueue, logger);
  await setupRetentionSchedule(config, endpoints.temporalAddress, taskQueue, logger);
  await setupAppointmentSchedules(config, catalog, endpoints.temporalAddress, taskQueue, logger);
  logger.info({ taskQueue, namespace: config.TEMPORAL_NAMESPACE, temporal: endpoints.temporalAddress }, 'worker polling');
  // Worker.run() shuts down gracefully on SIGINT/SIGTERM.
  await worker.run();
  await client.connection.close();
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
