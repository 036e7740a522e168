import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { callsCatalog } from '../support/calls-catalog';

let stack: Stack;
let integrator: string;
beforeAll(async () => {
  stack = await startStack({ catalog: callsCatalog() });
  integrator = await stack.bearer('integrator');
});
afterAll(async () => {
  await stack.stop();
});

const post = (body: unknown, bearer = integrator) => request(stack.app).post('/api/v1/calls').set('Authorization', bearer).send(body as object);
const count = async () => Number((await stack.db('calls').count({ n: '*' }))[0].n);

const call = (callId: string, over: Record<string, unknown> = {}) => ({
  callId,
  service: 'TN',
  registeredAt: '2026-03-02T09:00:00+01:00',
  answeredAt: '2026-03-02T09:00:12+01:00',
  endedAt: '2026-03-02T09:04:00+01:00',
  ...over,
});

describe('POST /calls', () => {
  it('stores one record and answers 201 with the counts', async () => {
    const res = await post(call('one-1', { ivrCode: '2' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ received: 1, inserted: 1, updated: 0, unchanged: 0 });
    const row = await stack.db('calls').where({ call_id: 'one-1' }).first();
    expect(row.service).toBe('TN');
    expect(row.registered_at.toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(row.answered_at.toISOString()).toBe('2026-03-02T08:00:12.000Z');
    expect(row.ended_at.toISOString()).toBe('2026-03-02T08:04:00.000Z');
    expect(row.ivr_code).toBe('2');
  });

  it('updates a re-imported callId instead of duplicating it, and leaves an identical one alone', async () => {
    const first = await post([call('re-1', { answeredAt: null }), call('re-2')]);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    const again = await post([call('re-1', { answeredAt: null }), call('re-2')]);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: 2, inserted: 0, updated: 0, unchanged: 2 });
    // The CTI's corrected record: re-1 was answered after all.
    const fixed = await post(call('re-1', { answeredAt: '2026-03-02T09:00:30+01:00' }));
    expect(fixed.status).toBe(200);
    expect(fixed.body).toEqual({ received: 1, inserted: 0, updated: 1, unchanged: 0 });
    const rows = await stack.db('calls').whereIn('call_id', ['re-1', 're-2']).orderBy('call_id');
    expect(rows).toHaveLength(2);
    expect(rows[0].answered_at.toISOString()).toBe('2026-03-02T08:00:30.000Z');
  });

  it('keeps the last occurrence of a callId repeated inside one batch', async () => {
    const res = await post([call('dup-1', { ivrCode: '1' }), call('dup-1', { ivrCode: 3 })]);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ received: 2, inserted: 1, updated: 0, unchanged: 0 });
    expect((await stack.db('calls').where({ call_id: 'dup-1' }))[0].ivr_code).toBe('3');
  });

  it('rejects a batch with bad records naming index and field, and stores nothing of it', async () => {
    const before = await count();
    const batch: Record<string, unknown>[] = Array.from({ length: 50 }, (_, i) => call(`bad-batch-${i}`));
    batch[3] = call('bad-batch-3', { registeredAt: '2026-03-02T09:00:00' }); // no offset
    batch[7] = call('bad-batch-7', { service: 'NOPE' });
    batch[9] = { ...call('bad-batch-9'), answerdAt: '2026-03-02T09:00:12+01:00' }; // misspelt field
    batch[20] = call('bad-batch-20', { endedAt: '2026-03-02T08:59:59+01:00', answeredAt: null }); // ends before it starts
    batch[42] = call('bad-batch-42', { answeredAt: '2026-03-02T08:59:00+01:00' }); // answered before registration
    batch[43] = call('bad-batch-43', { answeredAt: '2026-03-02T09:05:00+01:00' }); // answered after the end
    const res = await post(batch);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(['[3].registeredAt', '[7].service', '[9].answerdAt', '[20].endedAt', '[42].answeredAt', '[43].answeredAt']);
    expect(res.body.detail).toMatch(/nothing was stored/);
    expect(await count()).toBe(before);
    expect(await stack.db('calls').where('call_id', 'like', 'bad-batch-%')).toHaveLength(0);
  });

  it('names the field alone for a single bad record', async () => {
    const res = await post(call('single-bad', { registeredAt: 'yesterday' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'registeredAt', message: expect.stringMatching(/ISO 8601/) }]);
    const missing = await post({ callId: 'single-missing', service: 'TN', registeredAt: '2026-03-02T09:00:00Z' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['endedAt']);
    const farFuture = await post(call('single-far', { endedAt: '9999-12-31T23:59:59-12:00' }));
    expect(farFuture.status).toBe(400);
    expect(farFuture.body.errors).toEqual([{ field: 'endedAt', message: 'must be between 1970 and 2999' }]);
  });

  it('refuses an empty array, a body that is not a record, and more than 10,000 records', async () => {
    expect((await post([])).status).toBe(400);
    const scalar = await request(stack.app).post('/api/v1/calls').set('Authorization', integrator).set('Content-Type', 'application/json').send('42');
    expect(scalar.status).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => call(`many-${i}`));
    const res = await post(tooMany);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('(body)');
    expect(await stack.db('calls').where('call_id', 'like', 'many-%')).toHaveLength(0);
  });

  it('imports a batch of 10,000 in one request, and re-imports it unchanged', async () => {
    const base = Date.parse('2026-03-03T08:00:00Z');
    const batch = Array.from({ length: 10_000 }, (_, i) => {
      const t = base + i * 1000;
      return { callId: `big-${i}`, service: i % 2 ? 'TN' : 'H24', registeredAt: new Date(t).toISOString(), answeredAt: i % 10 ? new Date(t + 5000).toISOString() : null, endedAt: new Date(t + 60_000).toISOString() };
    });
    const started = Date.now();
    const res = await post(batch);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ received: 10_000, inserted: 10_000, updated: 0, unchanged: 0 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await stack.db('calls').where('call_id', 'like', 'big-%').count({ n: '*' })).toEqual([{ n: '10000' }]);
    const again = await post(batch);
    expect(again.body).toEqual({ received: 10_000, inserted: 0, updated: 0, unchanged: 10_000 });
  });

  it('is for integrators (and admin) only', async () => {
    expect((await post(call('role-op'), await stack.bearer('operator'))).status).toBe(403);
    expect((await post(call('role-sup'), await stack.bearer('supervisor'))).status).toBe(403);
    expect((await post(call('role-admin'), await stack.bearer('admin'))).status).toBe(201);
    expect((await request(stack.app).post('/api/v1/calls').send(call('role-none'))).status).toBe(401);
  });
});

describe('first-level flag kept in step with the contacts', () => {
  const contact = (id: string, callId: string, resolution: string | null) => ({
    id,
    version: 1,
    service: 'TN',
    channel: 'phone',
    status: resolution ? 'resolved' : 'triage',
    call_id: callId,
    reason: 'informazioni',
    resolution,
    created_at: '2026-03-02T08:00:20Z',
    queued_at: '2026-03-02T08:00:20Z',
    resolved_at: resolution ? '2026-03-02T08:03:00Z' : null,
    updated_at: '2026-03-02T08:03:00Z',
  });
  const flag = async (callId: string) => (await stack.db('calls').where({ call_id: callId }).first()).first_level_resolved;

  it('follows a contact resolved before the import and one resolved after it, and their changes', async () => {
    await stack.db('contacts').insert(contact('flag-k1', 'flag-1', 'first_level'));
    await post([call('flag-1'), call('flag-2'), call('flag-3')]);
    expect(await flag('flag-1')).toBe(true);
    expect(await flag('flag-2')).toBe(false);

    await stack.db('contacts').insert(contact('flag-k2', 'flag-2', null));
    expect(await flag('flag-2')).toBe(false);
    await stack.db('contacts').where({ id: 'flag-k2' }).update({ resolution: 'auto', status: 'resolved' });
    expect(await flag('flag-2')).toBe(true);

    // Escalated after all: no longer first level. A contact moved to another call updates both.
    await stack.db('contacts').where({ id: 'flag-k1' }).update({ resolution: 'back_office' });
    expect(await flag('flag-1')).toBe(false);
    await stack.db('contacts').where({ id: 'flag-k2' }).update({ call_id: 'flag-3' });
    expect(await flag('flag-2')).toBe(false);
    expect(await flag('flag-3')).toBe(true);
    await stack.db('contacts').where({ id: 'flag-k2' }).delete();
    expect(await flag('flag-3')).toBe(false);
  });

  it('is right when the contact is written while the same call is being imported', async () => {
    // The contact's transaction is still open when the import arrives: neither sees the other's row
    // yet, so without the advisory lock the flag would stay false.
    const trx = await stack.db.transaction();
    await trx('contacts').insert(contact('race-k1', 'race-1', 'first_level'));
    let imported = false;
    const importing = post(call('race-1')).then((res) => {
      imported = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(imported).toBe(false); // waiting for the contact's transaction
    await trx.commit();
    expect((await importing).status).toBe(201);
    expect(await flag('race-1')).toBe(true);
  });
});
