/**
 * A real worker in a process of its own, for crash tests: configured like worker.ts (DATABASE_URL,
 * TEMPORAL_ADDRESS, SMTP_URL, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_PAYLOAD_KEY), but it
 * loads the prebuilt workflow bundle WORKFLOW_BUNDLE_FILE instead of bundling at every start, so
 * it can be killed and restarted many times in a test. Prints `ready` once polling.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorker } from '../../worker';
import { loadConfig, requirePayloadKeys } from '../../infra/config';
import { resolveEndpoints } from '../../infra/endpoints';
import { createDb } from '../../infra/db';
import { createMailer } from '../../infra/mailer';
import { connectNative } from '../../infra/temporal';
import { loadCatalogFile } from '../../infra/catalog-file';
import { encryptingDataConverter } from '../../infra/codec';
import { TASK_QUEUE } from '../../workflows/definitions';

async function main(): Promise<void> {
  const config = loadConfig();
  const bundleFile = process.env.WORKFLOW_BUNDLE_FILE;
  if (!bundleFile) throw new Error('WORKFLOW_BUNDLE_FILE is not set');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const endpoints = resolveEndpoints(config);
  const db = createDb(endpoints.databaseUrl);
  const mailer = createMailer(endpoints.smtpUrl, config.MAIL_FROM);
  const connection = await connectNative(config, endpoints.temporalAddress);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
    dataConverter: encryptingDataConverter(requirePayloadKeys(config)),
    deps: { db, mailer, catalog: loadCatalogFile(config.SERVICES_FILE), settings: { renewalsSendEmpty: config.RENEWALS_EXPORT_SEND_EMPTY } },
    workflowBundle: { code: readFileSync(bundleFile, 'utf8') },
    workflowStackTraces: config.WORKFLOW_STACK_TRACES === 'on',
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  await connection.close();
  mailer.close();
  await db.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
