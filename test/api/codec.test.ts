/**
 * Payload encryption seen from outside: a contact opened through the API leaves no name, email,
 * phone or reason in clear in its Temporal history; the codec endpoint gives supervisors the clear
 * payloads back (the protocol of Temporal's Web UI and CLI); the in-doubt email list.
 */
import request from 'supertest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { TEMPORAL_CLI } from '../../infra/temporal-binaries';
import type { temporal } from '@temporalio/proto';
import { requireEnv, startStack, Stack } from '../support/harness';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { ENCRYPTED_ENCODING } from '../../infra/codec';
import { workflowId } from '../../workflows/definitions';

let stack: Stack;
let operator: string;
let supervisor: string;
beforeAll(async () => {
  stack = await startStack();
  operator = await stack.bearer('operator');
  supervisor = await stack.bearer('supervisor');
});
afterAll(async () => {
  await stack.stop();
});

const api = () => request(stack.app);
const caller = { surname: 'Zanoncelli', name: 'Ermenegilda', email: 'ermenegilda.zanoncelli@example.org', phone: '0461 987654' };
const reason = 'Rinnovo della patente per trasferimento a Cavedine';
const secrets = [caller.surname, caller.name, caller.email, caller.phone, reason];

/** Every byte string of a proto object (payload data and metadata), as text, and the rest as JSON. */
function allText(node: unknown, out: string[] = []): string[] {
  if (node instanceof Uint8Array) out.push(Buffer.from(node).toString('utf8'), Buffer.from(node).toString('latin1'));
  else if (node && typeof node === 'object') for (const v of Object.values(node)) allText(v, out);
  else if (node !== undefined && node !== null) out.push(String(node));
  return out;
}

type JsonPayload = { metadata: Record<string, string>; data: string };
const toJson = (p: temporal.api.common.v1.IPayload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

let startInput: temporal.api.common.v1.IPayload[];
let contactId: string;

it('keeps no name, email, phone or reason in clear in the history of a contact opened and answered through the API', async () => {
  const opened = await api().post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'email', caller, reason });
  expect(opened.status).toBe(201);
  contactId = opened.body.id;
  const resolved = await api().post(`/api/v1/contacts/${opened.body.id}/resolve`).set('Authorization', operator).send({ answer: 'Gentile Ermenegilda, serve il modulo TT2112.' });
  expect(resolved.status).toBe(200);
  await stack.smtp.waitFor((m) => m.envelope.to.includes(caller.email));
  const handle = stack.client.workflow.getHandle(workflowId.contact(opened.body.id));
  await handle.result();

  // The raw history, as the Temporal server keeps it and `temporal workflow show` prints it.
  const history = await handle.fetchHistory();
  const text = allText(history).join('\n');
  expect(text).toContain(opened.body.id); // the workflow id is a reference, not personal data
  for (const secret of [...secrets, 'TT2112']) expect(text).not.toContain(secret);
  const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!;
  startInput = started.input!.payloads!;
  expect(startInput.length).toBeGreaterThan(0);
  for (const p of startInput) expect(Buffer.from(p.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!);
  expect(scheduled.some((a) => a.activityType?.name === 'notify')).toBe(true);
});

it('decodes the history payloads for a supervisor through the codec endpoint, in the Web UI protocol', async () => {
  const decoded = await api().post('/api/v1/codec/decode').set('Authorization', supervisor).set('X-Namespace', 'default').send({ payloads: startInput.map(toJson) });
  expect(decoded.status).toBe(200);
  const [input] = decoded.body.payloads as JsonPayload[];
  expect(Buffer.from(input.metadata.encoding, 'base64').toString()).toBe('json/plain');
  const value = JSON.parse(Buffer.from(input.data, 'base64').toString());
  expect(value).toMatchObject({ caller, reason });

  // encode → decode gives the same payload back; a clear payload passes decode unchanged.
  const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ a: 'b' })).toString('base64') };
  const encoded = await api().post('/api/v1/codec/encode').set('Authorization', supervisor).send({ payloads: [clear] });
  expect(encoded.status).toBe(200);
  expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(encoded.body.payloads[0].data, 'base64').toString('latin1')).not.toContain('"a"');
  const back = await api().post('/api/v1/codec/decode').set('Authorization', supervisor).send({ payloads: [...encoded.body.payloads, clear] });
  expect(back.body.payloads).toEqual([clear, clear]);
});

it('shows the history in clear through `temporal workflow show --codec-endpoint`, and only encrypted without it', async () => {
  const server = stack.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/codec`;
    const show = (...extra: string[]) =>
      promisify(execFile)(TEMPORAL_CLI, ['workflow', 'show', '--address', requireEnv('TEST_TEMPORAL_ADDRESS'), '--namespace', stack.client.options.namespace, '-w', workflowId.contact(contactId), '--output', 'json', ...extra], {
        maxBuffer: 16 * 1024 * 1024,
      });
    const plain = await show();
    for (const secret of secrets) expect(plain.stdout).not.toContain(secret);
    const decoded = await show('--codec-endpoint', endpoint, '--codec-auth', supervisor);
    // JSON output keeps payload data in base64: the clear text is inside.
    const payloadTexts: string[] = [];
    JSON.parse(decoded.stdout, (k, v) => (k === 'data' && typeof v === 'string' && payloadTexts.push(Buffer.from(v, 'base64').toString('utf8')), v));
    expect(payloadTexts.join('\n')).toContain(caller.email);
    expect(payloadTexts.join('\n')).toContain(reason);
    await expect(show('--codec-endpoint', endpoint, '--codec-auth', operator)).rejects.toThrow();
  } finally {
    await new Promise((r) => server.close(r));
  }
});

it('refuses other roles, no key, bad bodies and altered payloads', async () => {
  const body = { payloads: startInput.map(toJson) };
  expect((await api().post('/api/v1/codec/decode').send(body)).status).toBe(401);
  expect((await api().post('/api/v1/codec/decode').set('Authorization', operator).send(body)).status).toBe(403);
  const bad = await api().post('/api/v1/codec/decode').set('Authorization', supervisor).send({ payloads: [{ data: 'not base64!' }] });
  expect(bad.status).toBe(400);
  expect(bad.headers['content-type']).toMatch(/problem\+json/);
  const altered = body.payloads[0];
  const bytes = Buffer.from(altered.data, 'base64');
  bytes[bytes.length - 1] ^= 1;
  const tampered = await api().post('/api/v1/codec/decode').set('Authorization', supervisor).send({ payloads: [{ ...altered, data: bytes.toString('base64') }] });
  expect(tampered.status).toBe(400);
  expect(JSON.stringify(tampered.body)).not.toContain(caller.surname);
});

it('answers the Web UI CORS preflight for the configured origin only', async () => {
  const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, logger: createLogger('silent'), codecCorsOrigin: 'http://127.0.0.1:8233' });
  const preflight = await request(app)
    .options('/api/v1/codec/decode')
    .set('Origin', 'http://127.0.0.1:8233')
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'authorization,content-type,x-namespace');
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
  expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
  const other = await request(app).options('/api/v1/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
  expect(other.headers['access-control-allow-origin']).toBeUndefined();
  const post = await request(app).post('/api/v1/codec/decode').set('Origin', 'http://127.0.0.1:8233').set('Authorization', supervisor).send({ payloads: [] });
  expect(post.status).toBe(200);
  expect(post.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
});

it('lists emails in doubt for supervisors, without recipients or subjects', async () => {
  await stack.db('sent_emails').insert([
    { key: 'CON-2026-900001/answer', message_id: '<x1@example.org>', status: 'sending', recipients: ['persona@example.org'], subject: 'Risposta a Zanoncelli', template: 'contact-answer' },
    { key: 'CON-2026-900002/answer', message_id: '<x2@example.org>', status: 'sent', in_doubt: true, sent_at: new Date(), recipients: ['altra@example.org'], subject: 'Risposta', template: 'contact-answer' },
  ]);
  const res = await api().get('/api/v1/emails/in-doubt').set('Authorization', supervisor);
  expect(res.status).toBe(200);
  expect(res.body.items).toEqual(
    expect.arrayContaining([
      { key: 'CON-2026-900001/answer', template: 'contact-answer', state: 'sending', claimedAt: expect.any(String), sentAt: null },
      { key: 'CON-2026-900002/answer', template: 'contact-answer', state: 'sent-maybe-twice', claimedAt: expect.any(String), sentAt: expect.any(String) },
    ]),
  );
  // The contact's own answer above was sent normally: not in doubt.
  expect(res.body.items).toHaveLength(2);
  expect(JSON.stringify(res.body)).not.toMatch(/persona@|Zanoncelli|altra@/);
  expect((await api().get('/api/v1/emails/in-doubt').set('Authorization', operator)).status).toBe(403);
  expect((await api().get('/api/v1/emails/in-doubt?limit=0').set('Authorization', supervisor)).status).toBe(400);
});
