import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { createApiKeyStore } from '../../infra/stores/api-keys';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

describe('authentication and roles', () => {
  it('refuses /api/v1 without a key, with a malformed header and with an unknown key', async () => {
    for (const header of [undefined, 'Basic abc', 'Bearer cc_not-a-real-key']) {
      const req = request(stack.app).get('/api/v1/services');
      const res = header ? await req.set('Authorization', header) : await req;
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('refuses a revoked key once the key cache has expired', async () => {
    // The API trusts a key it found active for a short while (5 s by default); here 300 ms.
    const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('silent'), apiKeyCacheTtlMs: 300 });
    const store = createApiKeyStore(stack.db); // revoked from another process, as by `npm run admin`
    const { key, record } = await store.create({ name: 'temp', role: 'operator' });
    expect((await request(app).get('/api/v1/services').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    expect(await store.revoke(record.id)).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    expect((await request(app).get('/api/v1/services').set('Authorization', `Bearer ${key}`)).status).toBe(401);
  });

  it('stores only a hash of each key', async () => {
    const bearer = await stack.bearer('supervisor');
    const rows = await stack.db('api_keys').select('key_hash', 'prefix');
    const key = bearer.slice('Bearer '.length);
    expect(rows.some((r) => r.key_hash === key)).toBe(false);
    expect(rows.some((r) => r.key_hash.length === 64 && key.startsWith(r.prefix))).toBe(true);
  });
});

describe('services catalog', () => {
  it('lists the six services of the reference document and the city example with categories and offices', async () => {
    const res = await request(stack.app).get('/api/v1/services').set('Authorization', await stack.bearer('operator'));
    expect(res.status).toBe(200);
    const codes = res.body.services.map((s: { code: string }) => s.code);
    expect(codes).toEqual(expect.arrayContaining(['ADL', 'MCTC', 'APIAE', 'SVA', 'TNDIGITALE', 'URU']));
    expect(codes.length).toBeGreaterThanOrEqual(7);
    const mctc = res.body.services.find((s: { code: string }) => s.code === 'MCTC');
    expect(mctc.categories.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['Veicoli', 'Patenti', 'Mercati', 'Immatricolazioni', 'Revisioni e collaudi', 'Segreteria']),
    );
    expect(mctc.offices.length).toBeGreaterThanOrEqual(2);
    for (const o of mctc.offices) expect(o.code).toEqual(expect.any(String));
    expect(mctc.calendar.zone).toBe('Europe/Rome');
  });

  it('answers one service and 404 problem+json for an unknown one', async () => {
    const bearer = await stack.bearer('office', 'URU');
    expect((await request(stack.app).get('/api/v1/services/APIAE').set('Authorization', bearer)).body.code).toBe('APIAE');
    const res = await request(stack.app).get('/api/v1/services/NOPE').set('Authorization', bearer);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('errors', () => {
  it('answers malformed JSON with 400 problem+json and no stack trace', async () => {
    const res = await request(stack.app)
      .post('/api/v1/services')
      .set('Authorization', await stack.bearer('operator'))
      .set('Content-Type', 'application/json')
      .send('{"service": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await request(stack.app).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('/nowhere');
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await request(stack.app)
      .post('/api/v1/services')
      .set('Authorization', await stack.bearer('operator'))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ x: 'a'.repeat(6 * 1024 * 1024) }));
    expect(res.status).toBe(413);
  });

  it('gives every response a request id', async () => {
    const res = await request(stack.app).get('/health');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('health', () => {
  it('is 200 when the database, Temporal and a polling worker are usable', async () => {
    let res = await request(stack.app).get('/health');
    for (let i = 0; i < 40 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await request(stack.app).get('/health');
    }
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('is 503 naming the worker when no worker polls the task queue', async () => {
    const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: 'nobody-polls-this-queue', catalog: stack.catalog, logger: createLogger('silent') });
    const res = await request(app).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['worker']);
  });
});
