import { Writable } from 'node:stream';
import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { createApp } from '../../api/app';
import { createLogger, urlWithoutQueryValues } from '../../infra/logger';
import type express from 'express';

/** Every line a logger wrote, as text. */
class CapturedLog extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

// Personal data of made-up citizens: none of it may appear in a log line.
const PII = [
  'Scaramuzza',
  'Gelsomina',
  'gelsomina.scaramuzza@example.org',
  '+39 0461 778899',
  '0461778899',
  'BNCGLI90A41H501E',
  'Bortolotti',
  'Ermenegildo',
  'ermenegildo.b@example.org',
  'patente sospesa per eccesso di velocità',
  'risposta segreta per la cittadina',
];

let stack: Stack;
let log: CapturedLog;
let app: express.Express;
beforeAll(async () => {
  stack = await startStack();
  log = new CapturedLog();
  app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('debug', 'api', log) });
});
afterAll(async () => {
  await stack.stop();
});

describe('log scan', () => {
  it('a run of authenticated requests carrying personal data leaves no key and no personal datum in the API log', async () => {
    const operator = await stack.bearer('operator');
    const supervisor = await stack.bearer('supervisor');
    const admin = await stack.bearer('admin');
    const keys = [operator, supervisor, admin].map((b) => b.slice('Bearer '.length));
    const call = (method: 'get' | 'post', path: string, bearer: string, body?: object) => {
      const req = request(app)[method](path).set('Authorization', bearer).set('Cookie', `session=${keys[0]}`).set('X-Api-Key', keys[2]);
      return body ? req.send(body) : req;
    };

    const created = await call('post', '/api/v1/contacts', operator, {
      service: 'MCTC',
      channel: 'phone',
      caller: { surname: 'Scaramuzza', name: 'Gelsomina', email: 'gelsomina.scaramuzza@example.org', phone: '+39 0461 778899' },
      reason: 'patente sospesa per eccesso di velocità',
    });
    expect(created.status).toBe(201);
    expect((await call('post', `/api/v1/contacts/${created.body.id}/resolve`, operator, { answer: 'risposta segreta per la cittadina' })).status).toBe(200);
    expect((await call('get', `/api/v1/contacts/${created.body.id}`, supervisor)).status).toBe(200);
    const renewal = await call('post', '/api/v1/renewals', operator, {
      surname: 'Scaramuzza',
      name: 'Gelsomina',
      taxCode: 'BNCGLI90A41H501E',
      jobType: 'Custode',
      jobCentre: 'CPI-TRENTO',
      phone: '0461778899',
      email: 'gelsomina.scaramuzza@example.org',
    });
    expect(renewal.status).toBe(201);
    expect((await call('get', '/api/v1/renewals?taxCode=BNCGLI90A41H501E&surname=Scaramuzza', operator)).status).toBe(200);
    // Refused requests log too: bad input, a wrong key, a NUL, a conflict.
    expect((await call('post', '/api/v1/contacts', operator, { service: 'MCTC', channel: 'phone', caller: { surname: 'Bortolotti\u0000' }, reason: 'x' })).status).toBe(400);
    expect((await call('post', '/api/v1/renewals', operator, { surname: 'Bortolotti', name: 'Ermenegildo', email: 'ermenegildo.b@example.org' })).status).toBe(400);
    expect((await request(app).get('/api/v1/contacts?service=Bortolotti').set('Authorization', `Bearer ${keys[0]}x`)).status).toBe(401);
    expect((await call('get', '/api/v1/contacts/CON-1999-999999', supervisor)).status).toBe(404);
    expect((await call('post', '/api/v1/complaints', admin, { kind: 'complaint', requester: { name: 'Ermenegildo', email: 'ermenegildo.b@example.org' }, subject: 'Bortolotti', body: 'patente sospesa per eccesso di velocità', channel: 'phone' })).status).toBe(201);
    expect((await request(app).get('/health')).status).toBeLessThan(600);

    expect(log.lines.length).toBeGreaterThanOrEqual(11);
    for (const key of keys) {
      expect(log.text).not.toContain(key);
      expect(log.text).not.toContain(key.slice(0, 16));
    }
    expect(log.text).not.toMatch(/authorization|cookie|x-api-key/i);
    for (const datum of PII) expect(log.text).not.toContain(datum);
    // Query keys are kept for debugging, their values are not.
    expect(log.text).toContain('/api/v1/renewals?taxCode&surname');
  });

  it('the redaction safety net hides nested personal fields a worker or script might log', () => {
    const out = new CapturedLog();
    const logger = createLogger('info', 'worker', out);
    logger.info({ workflowId: 'contact:C-1', input: { caller: { email: 'gelsomina.scaramuzza@example.org' } }, requester: { name: 'Gelsomina' } }, 'started');
    logger.warn({ activity: { args: ['Scaramuzza'], taxCode: 'BNCGLI90A41H501E', phone: '+39 0461 778899' }, authorization: 'Bearer cc_secret' }, 'retrying');
    logger.error({ err: Object.assign(new Error('insert failed'), { detail: 'Key (tax_code)=(BNCGLI90A41H501E) already exists', code: '23505' }) }, 'activity failed');
    // Personal data inside free text (an SMTP or driver error message) is masked too.
    const smtpError = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 <gelsomina.scaramuzza@example.org>: unknown"), { code: 'EENVELOPE', rejected: ['gelsomina.scaramuzza@example.org'] });
    logger.warn({ error: smtpError, activityType: 'sendEmailOnce' }, 'Activity failed');
    logger.info(`renewal BNCGLI90A41H501E exported`);
    expect(out.lines).toHaveLength(5);
    expect(out.text).toContain('EENVELOPE');
    expect(out.text).toContain('[email]');
    for (const datum of [...PII, 'cc_secret']) expect(out.text).not.toContain(datum);
    expect(out.text).toContain('contact:C-1');
    expect(out.text).toContain('23505');
  });

  it('drops query values and keeps the keys', () => {
    expect(urlWithoutQueryValues('/renewals?taxCode=BNCGLI90A41H501E')).toBe('/renewals?taxCode');
    expect(urlWithoutQueryValues('/a?x=1&y&z=%20q')).toBe('/a?x&y&z');
    expect(urlWithoutQueryValues('/plain')).toBe('/plain');
  });
});
