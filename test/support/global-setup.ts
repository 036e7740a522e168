/**
 * Runs once per `jest` run: one embedded PostgreSQL with a migrated template database, one
 * Temporal dev server (from .venv), and the workflow bundle; test files share them through env vars.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import { startTemporalDevServer } from '../../infra/temporal-dev-server';
import { createDb, migrateLatest } from '../../infra/db';
import { freePort } from '../../infra/ports';
import { FAILURE_CONVERTER_PATH, generatePayloadKeyText } from '../../infra/codec';
import { workflowBundleOptions } from '../../infra/workflow-bundle';

export const TEMPLATE_DB = 'cc_template';

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-test-'));
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const [pg, temporal, bundle] = await Promise.all([
    startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: pgPort, database: TEMPLATE_DB }),
    startTemporalDevServer({ port: temporalPort }),
    bundleWorkflowCode(workflowBundleOptions(require.resolve('../../workflows'), FAILURE_CONVERTER_PATH)),
  ]);
  const db = createDb(pg.url);
  await migrateLatest(db);
  await db.destroy();
  const bundleFile = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundleFile, bundle.code);
  process.env.TEST_PG_URL = pg.url;
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.TEST_WORKFLOW_BUNDLE = bundleFile;
  process.env.TEST_DIR = dir;
  // One payload key per run, shared by the test files and the worker processes they spawn.
  process.env.TEST_PAYLOAD_KEY = generatePayloadKeyText('test-run');
  (globalThis as Record<string, unknown>).__ccTestStop = async () => {
    await temporal.stop();
    await pg.stop();
  };
}
