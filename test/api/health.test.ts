/**
 * Liveness, readiness (database, Temporal, a worker that polled within the freshness window; SMTP
 * reported as degraded without failing readiness) and Prometheus metrics.
 */
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import knexFactory from 'knex';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { freePort } from '../../infra/ports';
import { startStack, Stack } from '../support/harness';

jest.setTimeout(90_000);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

const appWith = (overrides: Partial<Parameters<typeof createApp>[0]> = {}) =>
  createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('silent'), ...overrides });

/** A database nobody answers for; connection attempts give up after a second. */
const unusableDb = () => knexFactory({ client: 'pg', connection: 'postgres://nobody:secret@127.0.0.1:1/none', acquireConnectionTimeout: 1000, pool: { min: 0, max: 1 } });
const settle = () => new Promise((r) => setTimeout(r, 1500));

it('/livez answers without touching any dependency', async () => {
  const unusable = unusableDb();
  const res = await request(appWith({ db: unusable })).get('/livez');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok' });
  await unusable.destroy();
});

it('/readyz and /health: ready with database, Temporal, a polling worker and SMTP', async () => {
  const app = appWith({ health: { smtpUrl: stack.smtp.url } });
  for (const path of ['/readyz', '/health']) {
    const res = await request(app).get(path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok', worker: 'ok', smtp: 'ok' } });
  }
});

it('shows SMTP as degraded without failing readiness', async () => {
  const res = await request(appWith({ health: { smtpUrl: `smtp://127.0.0.1:${await freePort()}` } })).get('/readyz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'degraded', checks: { database: 'ok', temporal: 'ok', worker: 'ok', smtp: 'degraded' } });
});

it('names a failing database without internal details, within the check timeout', async () => {
  const unusable = unusableDb();
  const started = Date.now();
  const res = await request(appWith({ db: unusable, health: { checkTimeoutMs: 1000 } })).get('/readyz');
  expect(Date.now() - started).toBeLessThan(5000);
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ status: 'unavailable', failing: ['database'], checks: { database: 'failing', temporal: 'ok', worker: 'ok' } });
  expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|secret/);
  await settle();
  await unusable.destroy();
});

it('logs health polls at debug level only', async () => {
  const lines: { level: number; req?: { url: string } }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().trim().split('\n').map((l: string) => JSON.parse(l)));
      done();
    },
  });
  const app = appWith({ logger: pino({ level: 'debug' }, sink) });
  await request(app).get('/readyz');
  await request(app).get('/livez');
  const probes = lines.filter((l) => l.req && ['/readyz', '/livez'].includes(l.req.url));
  expect(probes.length).toBe(2);
  for (const l of probes) expect(l.level).toBe(20);
});

it('/metrics: HTTP counts and durations by route template and status, and process metrics', async () => {
  const app = appWith();
  const bearer = await stack.bearer('operator');
  await request(app).get('/api/v1/services/ADL').set('Authorization', bearer).expect(200);
  await request(app).get('/api/v1/services/NOPE').set('Authorization', bearer).expect(404);
  await request(app).get('/api/v1/contacts/ct-secret-id').set('Authorization', bearer).expect(404);
  const res = await request(app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  expect(res.text).toMatch(/^http_requests_total\{method="GET",route="\/api\/v1\/services\/:code",status="200"\} 1$/m);
  expect(res.text).toMatch(/^http_requests_total\{method="GET",route="\/api\/v1\/services\/:code",status="404"\} 1$/m);
  expect(res.text).toMatch(/^http_request_duration_seconds_bucket\{le="0.5",method="GET",route="\/api\/v1\/contacts\/:id",status="404"\} 1$/m);
  expect(res.text).toMatch(/^process_cpu_seconds_total \d/m);
  expect(res.text).not.toContain('ct-secret-id');
});

it('/metrics appends the worker’s metrics endpoint when configured', async () => {
  const port = await freePort();
  const fake = createServer((_req, res) => res.end('temporal_worker_task_slots_available{worker_type="WorkflowWorker"} 5\n'));
  await new Promise<void>((resolve) => fake.listen(port, '127.0.0.1', resolve));
  try {
    const res = await request(appWith({ health: { workerMetricsUrl: `http://127.0.0.1:${port}/metrics` } })).get('/metrics');
    expect(res.text).toMatch(/^temporal_worker_task_slots_available\{worker_type="WorkflowWorker"\} 5$/m);
    expect(res.text).toMatch(/^process_cpu_seconds_total/m);
  } finally {
    fake.close();
  }
});

it('is no longer ready within the freshness window once the last worker stopped', async () => {
  const app = appWith({ health: { workerFreshnessSeconds: 15 } });
  expect((await request(app).get('/readyz')).status).toBe(200);
  await stack.worker!.shutdown();
  const stoppedAt = Date.now();
  let res = await request(app).get('/readyz');
  while (res.status === 200 && Date.now() - stoppedAt < 40_000) {
    await new Promise((r) => setTimeout(r, 500));
    res = await request(app).get('/readyz');
  }
  expect(res.status).toBe(503);
  expect(res.body.failing).toEqual(['worker']);
  // The window (15 s) plus one poll, not the minutes pollers stay listed.
  expect(Date.now() - stoppedAt).toBeLessThan(30_000);
});
