/**
 * The "no email lost" guarantee at scale: 1,000 citizens' answers emailed through the API while a
 * real worker process is killed with SIGKILL and restarted cold (a new process after each kill),
 * and the mail relay is cut once. Prints logical emails, delivered, lost, copies recognised by
 * Message-ID and dropped, emails recorded in doubt, and the time taken.
 *
 * Starts its own embedded PostgreSQL, Temporal dev server and SMTP relay in a temporary directory:
 * `npm run bench:email-crash` (EMAILS=1000 KILLS=5 CONCURRENCY=20; BENCH_PORT_BASE=N uses ports
 * N..N+2 instead of free ones).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { createDb, migrateLatest } from '../infra/db';
import { freePort } from '../infra/ports';
import { encryptingDataConverter, FAILURE_CONVERTER_PATH, generatePayloadKeyText, parsePayloadKey } from '../infra/codec';
import { loadCatalogFile } from '../infra/catalog-file';
import { createLogger } from '../infra/logger';
import { createApp } from '../api/app';
import { runEmailCrashScenario } from '../test/support/email-crash';
import { workflowBundleOptions } from '../infra/workflow-bundle';

async function main(): Promise<void> {
  const emails = Number(process.env.EMAILS ?? 1000);
  const kills = Number(process.env.KILLS ?? 5);
  const concurrency = Number(process.env.CONCURRENCY ?? 20);
  const portBase = process.env.BENCH_PORT_BASE ? Number(process.env.BENCH_PORT_BASE) : undefined;
  const [pgPort, temporalPort, smtpPort] = portBase ? [portBase, portBase + 1, portBase + 2] : [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-email-crash-'));
  const say = (msg: string) => console.log(`[email-crash] ${msg}`);
  const [pg, temporal, bundle] = await Promise.all([
    startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: pgPort }),
    startTemporalDevServer({ port: temporalPort }),
    bundleWorkflowCode(workflowBundleOptions(require.resolve('../workflows'), FAILURE_CONVERTER_PATH)),
  ]);
  const bundleFile = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundleFile, bundle.code);
  const db = createDb(pg.url);
  const connection = await Connection.connect({ address: temporal.address });
  try {
    await migrateLatest(db);
    const payloadKey = generatePayloadKeyText('bench');
    const client = new Client({ connection, namespace: 'default', dataConverter: encryptingDataConverter({ current: parsePayloadKey(payloadKey), old: [] }) });
    const taskQueue = 'email-crash';
    const app = createApp({ db, temporal: client, taskQueue, catalog: loadCatalogFile(), logger: createLogger('silent') });
    say(`${emails} emails, ${kills} SIGKILLs of the worker (cold restarts), relay cut once, ${concurrency} requests in flight`);
    const f = await runEmailCrashScenario({
      emails,
      kills,
      concurrency,
      app,
      db,
      workerEnv: { DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_PAYLOAD_KEY: payloadKey, WORKFLOW_BUNDLE_FILE: bundleFile },
      mailDir: path.join(dir, 'mail'),
      smtpPort,
      settleTimeoutMs: 600_000,
      restart: 'cold',
      log: say,
    });
    say(`logical emails ${f.logical}; delivered ${f.delivered} (${((100 * f.delivered) / f.logical).toFixed(1)} %); lost ${f.lost}; still unconfirmed ${f.unconfirmed}`);
    say(`copies recognised by Message-ID and dropped by the relay ${f.copiesDropped}; emails recorded in doubt ${f.recordedInDoubt}; copies not recorded in doubt ${f.copiesNotInDoubt.length}`);
    say(`kills ${f.kills}, relay cuts ${f.relayCuts}, worker processes ${f.workerStarts}; ${f.seconds.toFixed(1)} s in all (${(f.logical / f.seconds).toFixed(1)} emails/s), every email confirmed ${f.drainSeconds.toFixed(1)} s after the last kill`);
    process.exitCode = f.lost === 0 && f.unconfirmed === 0 && f.copiesNotInDoubt.length === 0 ? 0 : 1;
  } finally {
    await connection.close();
    await db.destroy();
    await temporal.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
