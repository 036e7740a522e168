/**
 * Per-test-file wiring over the run's shared servers: a fresh database cloned from the migrated
 * template, a real SMTP sink, a worker on its own task queue, and the API app.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import knexFactory from 'knex';
import { createDb, Db } from '../../infra/db';
import { createMailer, Mailer } from '../../infra/mailer';
import { startSmtpSink, SmtpSinkHandle } from '../../infra/smtp-sink';
import { loadCatalogFile } from '../../infra/catalog-file';
import { parseCatalog, ServiceCatalog } from '../../domain/catalog';
import { createWorker } from '../../worker';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { createApiKeyStore, Role } from '../../infra/stores/api-keys';
import { TEMPORAL_TEST_SERVER } from '../../infra/temporal-binaries';
import type { ActivityDeps } from '../../activities';
import { encryptingDataConverter, parsePayloadKey } from '../../infra/codec';
import type express from 'express';

export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A new database cloned from the migrated template (fast: no migrations per file). */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = requireEnv('TEST_PG_URL').replace(/\/[^/]+$/, '/postgres');
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  // Cloning needs the template to be idle; another file's clone may hold it for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.raw(`create database ${name} template cc_template`);
      break;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.destroy();
  const url = adminUrl.replace(/\/[^/]+$/, `/${name}`);
  const db = createDb(url, { max: 5 });
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      const a = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
      await a.raw(`drop database if exists ${name} with (force)`);
      await a.destroy();
    },
  };
}

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through jest's global setup (npm test)`);
  return v;
}

/** The encrypting data converter with this run's payload key (made by the global setup). */
export function testDataConverter(): ReturnType<typeof encryptingDataConverter> {
  return encryptingDataConverter({ current: parsePayloadKey(requireEnv('TEST_PAYLOAD_KEY')), old: [] });
}

export function workflowBundle(): { code: string } {
  return { code: readFileSync(requireEnv('TEST_WORKFLOW_BUNDLE'), 'utf8') };
}

export const sampleCatalog = (): ServiceCatalog => loadCatalogFile();

/**
 * The sample catalog with every calendar made 24/7 and SLA durations in seconds,
 * the way a deployment tries timers fast.
 */
/** The sample catalog changed by `edit` (on a deep copy) and validated again. */
export function catalogWith(edit: (data: { services: Record<string, any>[] }) => void): ServiceCatalog { // eslint-disable-line @typescript-eslint/no-explicit-any
  const data = JSON.parse(JSON.stringify(sampleCatalog().data));
  edit(data);
  return new ServiceCatalog(parseCatalog(data, 'test catalog'));
}

export function fastCatalog(sla: Partial<Record<'takeCharge' | 'resolve' | 'reminderLead' | 'callback' | 'complaintTerm', string>> = {}): ServiceCatalog {
  const data = JSON.parse(JSON.stringify(sampleCatalog().data));
  for (const s of data.services) {
    s.calendar = { zone: s.calendar.zone, alwaysOpen: true };
    s.sla = { ...s.sla, ...sla };
  }
  return new ServiceCatalog(parseCatalog(data, 'fast test catalog'));
}

export interface Keys {
  /** An Authorization header value for a new key of this role (and office). */
  bearer(role: Role, office?: string, name?: string): Promise<string>;
}

function keysFor(db: Db): Keys {
  const store = createApiKeyStore(db);
  return {
    async bearer(role, office, name) {
      const { key } = await store.create({ name: name ?? `test ${role}${office ? ` ${office}` : ''}`, role, office });
      return `Bearer ${key}`;
    },
  };
}

export interface Stack extends Keys {
  db: Db;
  /** The file's own database, for worker processes started by the test. */
  databaseUrl: string;
  smtp: SmtpSinkHandle;
  mailer: Mailer;
  catalog: ServiceCatalog;
  client: Client;
  taskQueue: string;
  app: express.Express;
  /** Undefined when the test runs its workers itself (`inProcessWorker: false`). */
  worker: Worker | undefined;
  deps: ActivityDeps;
  /** Stops the worker and starts a new one on the same task queue, as after a crash or deploy. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** The survey links' secret of test stacks (API side); pass `settings.survey` to schedule surveys. */
export const TEST_SURVEY_SECRET = 'test-survey-secret-0123456789';

interface StackOptions {
  catalog?: ServiceCatalog;
  /** Extra createApp options (e.g. the public form's rate limit). */
  app?: Partial<Parameters<typeof createApp>[0]>;
  settings?: Partial<ActivityDeps['settings']>;
  /** false: no worker in the test process (the test starts worker processes on `taskQueue`). */
  inProcessWorker?: boolean;
}

async function assemble(
  opts: StackOptions,
  temporal: { client: Client; nativeConnection: NativeConnection; namespace: string },
  extraStop: () => Promise<void>,
): Promise<Stack> {
  const testDb = await createTestDb();
  const smtp = await startSmtpSink();
  const mailer = createMailer(smtp.url, 'Contact Center <noreply@contact-center.example.org>');
  const catalog = opts.catalog ?? sampleCatalog();
  const taskQueue = `test-${randomUUID()}`;
  const deps: ActivityDeps = { db: testDb.db, mailer, catalog, settings: { renewalsSendEmpty: true, ...opts.settings }, temporal: temporal.client, taskQueue };
  const bundle = workflowBundle();
  const newWorker = () => createWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, deps, workflowBundle: bundle, dataConverter: testDataConverter() });
  let worker = opts.inProcessWorker === false ? undefined : await newWorker();
  let running = worker ? worker.run() : Promise.resolve();
  const app = createApp({ db: testDb.db, temporal: temporal.client, taskQueue, catalog, logger: createLogger('silent'), surveyTokenSecret: TEST_SURVEY_SECRET, ...opts.app });
  const keys = keysFor(testDb.db);
  return {
    ...keys,
    db: testDb.db,
    databaseUrl: testDb.url,
    smtp,
    mailer,
    catalog,
    client: temporal.client,
    taskQueue,
    app,
    get worker() {
      return worker;
    },
    deps,
    async restartWorker() {
      worker?.shutdown();
      await running;
      const next = await newWorker();
      worker = next;
      running = next.run();
    },
    async stop() {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      mailer.close();
      await smtp.stop();
      await extraStop();
      await testDb.drop();
    },
  };
}

/**
 * A namespace of its own for a test file: workflow ids are business keys (a contact number from
 * the file's own database, an export date), so two files must not share one.
 */
async function registerTestNamespace(connection: Connection): Promise<string> {
  const namespace = `test-${randomUUID()}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  for (let i = 0; ; i++) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      await registerSearchAttributes(connection, namespace);
      await new Client({ connection, namespace }).workflow.count();
      return namespace;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The lifecycles' search attributes in a namespace (the dev server's flag covers only its own). */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
  const searchAttributes = Object.fromEntries(Object.values(SEARCH_ATTRIBUTES).map((name) => [name, KEYWORD]));
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

/** The full stack on the run's real Temporal dev server (real time), in a namespace of its own. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const address = requireEnv('TEST_TEMPORAL_ADDRESS');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const namespace = await registerTestNamespace(connection);
  const client = new Client({ connection, namespace, dataConverter: testDataConverter() });
  return assemble(opts, { client, nativeConnection, namespace }, async () => {
    await nativeConnection.close();
    await connection.close();
  });
}

export interface TimeSkippingStack extends Stack {
  env: TestWorkflowEnvironment;
}

/** The stack on Temporal's time-skipping test server (from .venv), one server per test file. */
export async function startTimeSkippingStack(opts: StackOptions = {}): Promise<TimeSkippingStack> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ client: { dataConverter: testDataConverter() }, server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER } } });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const stack = await assemble(opts, { client: env.client, nativeConnection: env.nativeConnection, namespace: env.namespace ?? 'default' }, () => env.teardown());
  return { ...stack, env };
}
