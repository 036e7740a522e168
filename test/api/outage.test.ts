import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { requireEnv, startStack, Stack, testDataConverter } from '../support/harness';
import { CuttableProxy, startCuttableProxy } from '../support/faults';
import { createApp } from '../../api/app';
import { createDb, Db } from '../../infra/db';
import { createLogger } from '../../infra/logger';
import { apiGrpcInterceptors } from '../../infra/temporal';
import type express from 'express';

let stack: Stack;
let pgProxy: CuttableProxy;
let temporalProxy: CuttableProxy;
let proxiedDb: Db;
let temporalConnection: Connection;
let app: express.Express;
let operator: string;

const contact = { service: 'MCTC', channel: 'phone', caller: { phone: '0461 000000' }, reason: 'Orari sportello' };

beforeAll(async () => {
  stack = await startStack();
  operator = await stack.bearer('operator');
  // The app reaches the stack's own database and Temporal server only through proxies the test can cut.
  const dbUrl = new URL(requireEnv('TEST_PG_URL'));
  dbUrl.pathname = `/${(await stack.db.raw('select current_database() as name')).rows[0].name}`;
  pgProxy = await startCuttableProxy(dbUrl.hostname, Number(dbUrl.port));
  dbUrl.port = String(pgProxy.port);
  proxiedDb = createDb(dbUrl.toString(), { max: 4 });
  const [temporalHost, temporalPort] = requireEnv('TEST_TEMPORAL_ADDRESS').split(':');
  temporalProxy = await startCuttableProxy(temporalHost, Number(temporalPort));
  temporalConnection = await Connection.connect({ address: `127.0.0.1:${temporalProxy.port}`, interceptors: apiGrpcInterceptors() });
  const temporal = new Client({ connection: temporalConnection, namespace: stack.client.options.namespace, dataConverter: testDataConverter() });
  // No key cache: every request authenticates against the database the test cuts.
  app = createApp({ db: proxiedDb, temporal, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('silent'), apiKeyCacheTtlMs: 0 });
});
afterAll(async () => {
  await temporalConnection?.close();
  await proxiedDb?.destroy();
  await pgProxy?.close();
  await temporalProxy?.close();
  await stack.stop();
});

async function expectOutageAnswer(req: () => request.Test): Promise<void> {
  const started = Date.now();
  const res = await req();
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
  // No internal detail (addresses, driver messages) for the client.
  expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|knex|pool/i);
}

async function eventuallyStatus(req: () => request.Test, status: number, timeoutMs = 20_000): Promise<request.Response> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await req();
    if (res.status === status || Date.now() > until) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('outages', () => {
  it('answers 503 with Retry-After while PostgreSQL is unreachable, authentication included, and recovers by itself', async () => {
    const services = () => request(app).get('/api/v1/services').set('Authorization', operator);
    expect((await services()).status).toBe(200);

    await pgProxy.cut();
    await expectOutageAnswer(services);
    await expectOutageAnswer(() => request(app).get('/api/v1/contacts?status=triage').set('Authorization', operator));
    await expectOutageAnswer(() => request(app).post('/api/v1/contacts').set('Authorization', operator).send(contact));
    await expectOutageAnswer(() => request(app).post('/api/v1/renewals').set('Authorization', operator).send({ surname: 'Rossi', name: 'Mario', taxCode: 'RSSMRA85T10A562S', jobType: 'Custode', jobCentre: 'CPI-TRENTO' }));

    await pgProxy.restore();
    expect((await eventuallyStatus(services, 200)).status).toBe(200);
    expect((await request(app).get('/api/v1/contacts?status=triage').set('Authorization', operator)).status).toBe(200);
  });

  it('answers 503 with Retry-After while Temporal is unreachable, and recovers by itself', async () => {
    const create = () => request(app).post('/api/v1/contacts').set('Authorization', operator).send(contact);
    const first = await create();
    expect([first.status, first.body.detail]).toEqual([201, undefined]);

    await temporalProxy.cut();
    const before = await stack.db('contacts').count({ n: '*' }).first();
    await expectOutageAnswer(create);
    expect(await stack.db('contacts').count({ n: '*' }).first()).toEqual(before);

    await temporalProxy.restore();
    expect((await eventuallyStatus(create, 201, 30_000)).status).toBe(201);
  });
});
