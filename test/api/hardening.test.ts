import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { listen, Listening, rawRequest } from '../support/listening';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';

let stack: Stack;
let operator: string;
beforeAll(async () => {
  stack = await startStack();
  operator = await stack.bearer('operator');
});
afterAll(async () => {
  await stack.stop();
});

const problemOf = (res: request.Response, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  return res.body as { detail: string; errors?: { field: string; message: string }[] };
};

const contact = (over: Record<string, unknown> = {}) => ({
  service: 'MCTC',
  channel: 'email',
  caller: { surname: 'Verdi', name: 'Anna', email: 'anna.verdi@example.org' },
  reason: 'Duplicato del libretto di circolazione',
  ...over,
});

const renewal = (over: Record<string, unknown> = {}) => ({
  surname: 'Rossi',
  name: 'Mario',
  taxCode: 'RSSMRA85T10A562S',
  jobType: 'Custode',
  jobCentre: 'CPI-TRENTO',
  ...over,
});

describe('security headers', () => {
  it('refuses sniffing, framing and referrers everywhere; the page has a CSP without inline scripts', async () => {
    for (const path of ['/', '/api/v1/services', '/health', '/nowhere']) {
      const res = await request(stack.app).get(path).set('Authorization', operator);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    const page = await request(stack.app).get('/');
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("frame-ancestors 'none'");
    const scriptSrc = /script-src ([^;]*)/.exec(csp)![1];
    expect(scriptSrc).not.toContain('unsafe-inline');
    // No inline script in the page itself: every <script> has a src.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('failed authentication limit', () => {
  it('answers 429 problem+json with Retry-After after 20 failed authentications a minute from one address, spoofed X-Forwarded-For included', async () => {
    const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('silent') });
    // Successful requests do not count.
    for (let i = 0; i < 30; i++) expect((await request(app).get('/api/v1/me').set('Authorization', operator)).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      const res = await request(app).get('/api/v1/services').set('Authorization', `Bearer cc_wrong-${i}`).set('X-Forwarded-For', `10.0.0.${i}`);
      expect(res.status).toBe(401);
    }
    const limited = await request(app).get('/api/v1/services').set('Authorization', 'Bearer cc_wrong-21').set('X-Forwarded-For', '10.9.9.9');
    const body = problemOf(limited, 429);
    expect(body.detail).toMatch(/failed authentications/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The page and health stay reachable.
    expect((await request(app).get('/')).status).toBe(200);
  });

  it('trusts X-Forwarded-For only when TRUST_PROXY is configured', async () => {
    const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('silent'), trustProxy: 1 });
    for (let i = 0; i < 25; i++) {
      const res = await request(app).get('/api/v1/services').set('Authorization', 'Bearer cc_wrong').set('X-Forwarded-For', `10.0.1.${i}`);
      expect(res.status).toBe(401);
    }
  });
});

describe('hostile input', () => {
  it('refuses control characters in any JSON field with 400 naming the field, and stores nothing', async () => {
    const before = await stack.db('contacts').count({ n: '*' }).first();
    for (const [body, field] of [
      [contact({ reason: 'a\u0000b' }), 'reason'],
      [contact({ caller: { surname: 'Ver\u0007di' } }), 'caller.surname'],
      [contact({ caller: { name: 'x', email: 'a@b.it\u001b' } }), 'caller.email'],
      [contact({ reason: 'x\u0085y' }), 'reason'],
    ] as const) {
      const res = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).set('Idempotency-Key', `cc-${field}`).send(body);
      expect(problemOf(res, 400).errors).toEqual([expect.objectContaining({ field })]);
    }
    expect(await stack.db('contacts').count({ n: '*' }).first()).toEqual(before);
    expect(await stack.db('idempotency_keys').where('key', 'like', 'cc-%').count({ n: '*' }).first()).toEqual({ n: '0' });
    // Tab, CR and LF are ordinary text.
    const ok = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).send(contact({ reason: 'riga 1\r\nriga\t2' }));
    expect(ok.status).toBe(201);
  });

  it('refuses NUL in query strings and ids, and bad percent-encoding in a path, with 400', async () => {
    const queries = ['/api/v1/contacts?service=%00', '/api/v1/renewals?taxCode=AB%01C', '/api/v1/contacts/%00', '/api/v1/contacts/C%00X/resolve', '/api/v1/contacts/%FF%FE', '/api/v1/renewals/%E0%A4%A', '/api/v1/services/%C0'];
    for (const path of queries) {
      const res = await request(stack.app).get(path).set('Authorization', operator);
      const body = problemOf(res, 400);
      expect(body.errors?.[0]?.field).toMatch(/^(path|service|taxCode)$/);
    }
  });

  it('answers oversized headers (431), too long targets (414) and garbage (400) with problem+json', async () => {
    const server: Listening = await listen(stack.app);
    try {
      const big = await rawRequest(server.port, `GET /api/v1/services HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(big.status).toBe(431);
      expect(big.headers).toMatch(/Content-Type: application\/problem\+json/);
      expect(JSON.parse(big.body)).toMatchObject({ status: 431 });

      const long = await request(server.server).get(`/api/v1/contacts?service=${'x'.repeat(5000)}`).set('Authorization', operator);
      problemOf(long, 414);

      const garbage = await rawRequest(server.port, 'NOT HTTP AT ALL\r\n\r\n');
      expect(garbage.status).toBe(400);
      expect(JSON.parse(garbage.body)).toMatchObject({ status: 400 });
    } finally {
      await server.close();
    }
  });

  it('refuses unknown fields in complaints and inquiries, and dates years away', async () => {
    const uru = await stack.bearer('uru');
    const complaint = {
      kind: 'complaint',
      requester: { name: 'Giovanna', email: 'giovanna@example.org' },
      subject: 'Oggetto',
      body: 'Testo',
      channel: 'phone',
    };
    expect(problemOf(await request(stack.app).post('/api/v1/complaints').set('Authorization', uru).send({ ...complaint, admin: true }), 400).errors?.[0].field).toBe('(body)');
    expect(problemOf(await request(stack.app).post('/api/v1/complaints').set('Authorization', uru).send({ ...complaint, requester: { ...complaint.requester, extra: 1 } }), 400).errors?.[0].field).toBe('requester');
    const created = await request(stack.app).post('/api/v1/complaints').set('Authorization', uru).send(complaint);
    expect(created.status).toBe(201);
    const ref = created.body.id ?? created.body.reference;
    const inquiry = (over: object) => request(stack.app).post(`/api/v1/complaints/${ref}/inquiries`).set('Authorization', uru).send({ structure: 'URU-SISTEMI', question: 'Q?', dueAt: new Date(Date.now() + 86_400_000).toISOString(), ...over });
    expect(problemOf(await inquiry({ dueAt: '9999-12-31T10:00:00+01:00' }), 400).errors?.[0].field).toBe('dueAt');
    expect(problemOf(await inquiry({ extra: 'x' }), 400).errors?.[0].field).toBe('(body)');
  });

  it('refuses JSON nested too deeply with 400 instead of exhausting the stack', async () => {
    for (const text of [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, `{"caller":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`]) {
      const res = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).set('Content-Type', 'application/json').send(text);
      expect(problemOf(res, 400).detail).toMatch(/nested more than 32 levels/);
    }
  });

  it('accepts only safe client request ids', async () => {
    expect((await request(stack.app).get('/health').set('X-Request-Id', 'abc-123.x:y')).headers['x-request-id']).toBe('abc-123.x:y');
    const unsafe = await request(stack.app).get('/health').set('X-Request-Id', '<script>alert(1)</script>');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Idempotency-Key', () => {
  it('replays the same request, refuses the same key with another body with 422, and stores no key for a refused request', async () => {
    const first = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).set('Idempotency-Key', 'form-1').send(contact());
    expect(first.status).toBe(201);
    // Same request, keys in another order: a replay.
    const { reason, ...rest } = contact();
    const again = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).set('Idempotency-Key', 'form-1').send({ reason, ...rest });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).set('Idempotency-Key', 'form-1').send(contact({ reason: 'Altro' }));
    expect(problemOf(other, 422).errors?.[0].field).toBe('Idempotency-Key');
    // Neither the replay nor the refusal used up a contact number.
    const next = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).send(contact());
    const numberOf = (id: string) => Number(id.split('-').pop());
    expect(numberOf(next.body.id)).toBe(numberOf(first.body.id) + 1);

    const r1 = await request(stack.app).post('/api/v1/renewals').set('Authorization', operator).set('Idempotency-Key', 'ren-1').send(renewal());
    expect(r1.status).toBe(201);
    expect((await request(stack.app).post('/api/v1/renewals').set('Authorization', operator).set('Idempotency-Key', 'ren-1').send(renewal({ name: 'Luigi' }))).status).toBe(422);
    // A second active entry for the same person is refused after the key was bound: the key goes too.
    const dup = await request(stack.app).post('/api/v1/renewals').set('Authorization', operator).set('Idempotency-Key', 'ren-2').send(renewal({ name: 'Mario Luigi' }));
    problemOf(dup, 409);
    expect(await stack.db('idempotency_keys').where({ key: 'ren-2' }).first()).toBeUndefined();
  });
});
