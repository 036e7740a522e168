/**
 * Hostile requests across every endpoint of the contract, from a seeded generator: each request
 * carries exactly one hostile element (a control character, bad percent-encoding, a wrong type, a huge
 * string or number, a date in year 9999, an array for an object, an extra field, bad JSON, a bad
 * content type, an oversized header, a reused Idempotency-Key), so each one must be refused.
 */
import fc from 'fast-check';
import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { listen, Listening, rawRequest } from '../support/listening';

let stack: Stack;
let server: Listening;
let admin: string;
const ids = { contact: '', renewal: '', complaint: '' };

type Kind = 'text' | 'enum' | 'time' | 'day' | 'int' | 'bool' | 'object';
interface Field {
  path: string;
  kind: Kind;
  /** Accepts null (nullish fields): null is not hostile there. */
  nullable?: boolean;
}
interface Endpoint {
  method: 'get' | 'post';
  /** With `{id}` where an id goes. */
  path: string;
  /** Which real id `{id}` gets for body mutations (otherwise a well-formed unknown one). */
  idOf?: keyof typeof ids;
  body?: () => Record<string, unknown>;
  fields?: Field[];
  /** The body has required fields: no body at all (bad content type) is refused too. */
  bodyRequired?: boolean;
  query?: Record<string, Kind>;
  /** Takes an array of bodies too (call records): the hostile array is one of arrays. */
  arrayAccepted?: boolean;
  /** A body the endpoint ignores: only its path is fuzzed (a valid request would change state). */
  pathOnly?: boolean;
}

const now = () => Date.now();
const iso = (offsetMs: number) => new Date(now() + offsetMs).toISOString();
const texts = (...paths: string[]): Field[] => paths.map((path) => ({ path, kind: 'text' }));

const ENDPOINTS: Endpoint[] = [
  { method: 'get', path: '/services' },
  { method: 'get', path: '/services/{id}' },
  { method: 'get', path: '/services/{id}/greeting' },
  { method: 'get', path: '/me' },
  {
    method: 'post',
    path: '/calls',
    bodyRequired: true,
    arrayAccepted: true,
    body: () => ({ callId: 'fz-call-1', service: 'MCTC', registeredAt: iso(-3_600_000), answeredAt: iso(-3_590_000), endedAt: iso(-3_500_000), ivrCode: '1' }),
    fields: [{ path: 'callId', kind: 'text' }, { path: 'service', kind: 'text' }, { path: 'registeredAt', kind: 'time' }, { path: 'answeredAt', kind: 'time', nullable: true }, { path: 'endedAt', kind: 'time' }],
  },
  {
    method: 'post',
    path: '/contacts',
    bodyRequired: true,
    body: () => ({ service: 'MCTC', channel: 'phone', caller: { surname: 'Verdi', name: 'Anna', phone: '0461 000000', email: 'anna@example.org' }, reason: 'Orari', category: undefined }),
    fields: [...texts('service', 'caller.surname', 'caller.name', 'caller.phone', 'caller.email', 'reason', 'category'), { path: 'channel', kind: 'enum' }, { path: 'caller', kind: 'object' }],
  },
  { method: 'get', path: '/contacts', query: { status: 'enum', service: 'text', limit: 'int', offset: 'int' } },
  { method: 'get', path: '/contacts/{id}' },
  { method: 'post', path: '/contacts/{id}/classify', idOf: 'contact', bodyRequired: true, body: () => ({ category: 'PATENTI' }), fields: texts('category') },
  { method: 'post', path: '/contacts/{id}/resolve', idOf: 'contact', bodyRequired: true, body: () => ({ answer: 'Risposta' }), fields: texts('answer') },
  {
    method: 'post',
    path: '/answers',
    bodyRequired: true,
    body: () => ({ service: 'ADL', category: 'INIZIATIVE', title: 'Raccolta', body: 'Testo', validFrom: '2026-08-01', validTo: '2026-10-31' }),
    fields: [...texts('service', 'title', 'body'), { path: 'category', kind: 'text', nullable: true }, { path: 'validFrom', kind: 'day', nullable: true }, { path: 'validTo', kind: 'day', nullable: true }],
  },
  { method: 'get', path: '/answers', query: { service: 'text', category: 'text', q: 'text', at: 'day', includeRetired: 'enum', limit: 'int' } },
  { method: 'get', path: '/answers/{id}' },
  { method: 'post', path: '/answers/{id}/retire', pathOnly: true },
  { method: 'get', path: '/reports/knowledge', query: { month: 'text', service: 'text' } },
  { method: 'post', path: '/contacts/{id}/escalate', idOf: 'contact', bodyRequired: true, body: () => ({ office: 'MCTC-PATENTI', note: 'Nota' }), fields: texts('office', 'note') },
  {
    method: 'post',
    path: '/contacts/{id}/missed-call',
    idOf: 'contact',
    bodyRequired: true,
    body: () => ({ personSought: 'Dott. Bianchi', reason: 'Pratica', callbackPhone: '0461 111111', callbackEmail: 'x@example.org', alsoNotifyReferent: false }),
    fields: [...texts('personSought', 'reason', 'callbackPhone', 'callbackEmail'), { path: 'alsoNotifyReferent', kind: 'bool' }],
  },
  {
    method: 'post',
    path: '/voicemails',
    bodyRequired: true,
    body: () => ({ service: 'MCTC', callerPhone: '0461 222222', recording: 'rec-1.wav', leftAt: iso(-60_000), callId: 'fz-vm-1' }),
    fields: [...texts('service', 'callerPhone', 'recording', 'callId'), { path: 'leftAt', kind: 'time' }],
  },
  {
    method: 'post',
    path: '/rollovers',
    bodyRequired: true,
    body: () => ({ service: 'MCTC', internalNumber: '4711', callerPhone: '0461 333333', at: iso(-60_000), rings: 3, callId: 'fz-ro-1' }),
    fields: [...texts('service', 'internalNumber', 'callerPhone', 'callId'), { path: 'at', kind: 'time' }, { path: 'rings', kind: 'int' }],
  },
  { method: 'get', path: '/escalations', query: { office: 'text', status: 'enum', limit: 'int' } },
  { method: 'get', path: '/escalations/{id}' },
  { method: 'post', path: '/escalations/{id}/take-charge', body: () => ({}), fields: [] },
  { method: 'post', path: '/escalations/{id}/notes', bodyRequired: true, body: () => ({ text: 'Nota' }), fields: texts('text') },
  { method: 'post', path: '/escalations/{id}/resolve', bodyRequired: true, body: () => ({ response: 'Fatto' }), fields: texts('response') },
  { method: 'post', path: '/escalations/{id}/return', bodyRequired: true, body: () => ({ reason: 'Non nostro' }), fields: texts('reason') },
  { method: 'post', path: '/escalations/{id}/reassign', bodyRequired: true, body: () => ({ office: 'MCTC-VEICOLI' }), fields: texts('office') },
  { method: 'get', path: '/missed-calls', query: { office: 'text', status: 'enum', limit: 'int' } },
  { method: 'get', path: '/missed-calls/{id}' },
  { method: 'post', path: '/missed-calls/{id}/callback', bodyRequired: true, body: () => ({ outcome: 'reached', note: 'ok' }), fields: [{ path: 'outcome', kind: 'enum' }, ...texts('note')] },
  {
    method: 'post',
    path: '/renewals',
    bodyRequired: true,
    body: () => ({ surname: 'Neri', name: 'Paolo', taxCode: 'RSSMRA85T10A562S', jobType: 'Custode', jobCentre: 'CPI-TRENTO', phone: '0461 444444', email: 'p@example.org', consentToPublish: true }),
    fields: [...texts('surname', 'name', 'taxCode', 'jobType', 'jobCentre', 'phone', 'email'), { path: 'consentToPublish', kind: 'bool' }],
  },
  { method: 'get', path: '/renewals', query: { status: 'enum', taxCode: 'text', limit: 'int', offset: 'int' } },
  { method: 'get', path: '/renewals/{id}' },
  { method: 'post', path: '/renewals/{id}/confirm', pathOnly: true },
  { method: 'post', path: '/renewals/{id}/cancel', idOf: 'renewal', body: () => ({ reason: 'Rinuncia' }), fields: texts('reason') },
  { method: 'get', path: '/exports/renewals', query: { from: 'day', to: 'day', limit: 'int' } },
  { method: 'get', path: '/exports/renewals/{id}' },
  { method: 'get', path: '/exports/renewals/{id}/files/x.csv' },
  { method: 'post', path: '/exports/renewals/run', bodyRequired: true, body: () => ({ date: '2026-09-15' }), fields: [{ path: 'date', kind: 'day' }] },
  {
    method: 'post',
    path: '/complaints',
    bodyRequired: true,
    body: () => ({ kind: 'complaint', requester: { name: 'Giovanna', surname: 'Esposito', email: 'g@example.org' }, subject: 'Oggetto', body: 'Testo', channel: 'phone', service: 'TNDIGITALE' }),
    fields: [...texts('requester.name', 'requester.surname', 'requester.email', 'subject', 'body', 'service'), { path: 'kind', kind: 'enum' }, { path: 'channel', kind: 'enum' }, { path: 'requester', kind: 'object' }],
  },
  { method: 'get', path: '/complaints', query: { status: 'enum', kind: 'enum', service: 'text', limit: 'int' } },
  { method: 'get', path: '/complaints/{id}' },
  { method: 'post', path: '/complaints/{id}/take-charge', pathOnly: true },
  {
    method: 'post',
    path: '/complaints/{id}/inquiries',
    idOf: 'complaint',
    bodyRequired: true,
    body: () => ({ structure: 'URU-SISTEMI', question: 'Domanda?', dueAt: iso(7 * 86_400_000) }),
    fields: [...texts('structure', 'question'), { path: 'dueAt', kind: 'time' }],
  },
  { method: 'post', path: '/complaints/{id}/request-info', idOf: 'complaint', bodyRequired: true, body: () => ({ question: 'Quale pratica?' }), fields: texts('question') },
  { method: 'post', path: '/complaints/{id}/requester-info', idOf: 'complaint', bodyRequired: true, body: () => ({ info: 'La pratica 12' }), fields: texts('info') },
  { method: 'post', path: '/complaints/{id}/respond', body: () => ({ response: 'Risposta', outcome: 'upheld' }), fields: [...texts('response'), { path: 'outcome', kind: 'enum' }] },
  { method: 'get', path: '/inquiries', query: { office: 'text', status: 'enum', complaint: 'text', limit: 'int' } },
  { method: 'get', path: '/inquiries/{id}' },
  { method: 'post', path: '/inquiries/{id}/answer', bodyRequired: true, body: () => ({ findings: 'Esito' }), fields: texts('findings') },
  { method: 'get', path: '/reports/sla', query: { month: 'text', service: 'text' } },
  { method: 'get', path: '/reports/crm', query: { month: 'text', service: 'text' } },
  { method: 'get', path: '/reports/complaints', query: { month: 'text' } },
];

// ---- hostile values -------------------------------------------------------------------------
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0085', '\u009b'];
const controlText = fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 20 })).map(([a, c, b]) => `${a}${c}${b}`);
// Over every cap of the contract (20,000 characters at most), small enough to keep the run fast.
const hugeText = fc.integer({ min: 10_001, max: 40_000 }).map((n) => 'Ab'.repeat(n));
const hugeNumber = fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, -2_147_483_649, 1.5, 2 ** 64);
const wrongType = (kind: Kind, nullable?: boolean) =>
  fc.constantFrom<unknown>(
    ...(kind === 'bool' ? ['true', 1, [], {}] : kind === 'object' ? [[], 'x', 42, true] : kind === 'int' ? ['3', true, [], {}] : [42, true, [], {}, ['a'], { $gt: '' }]),
    ...(nullable ? [] : [null]),
  );
const hostileFor = (field: Field): fc.Arbitrary<unknown> => {
  const options: fc.Arbitrary<unknown>[] = [wrongType(field.kind, field.nullable)];
  if (field.kind === 'text' || field.kind === 'enum') options.push(controlText, hugeText);
  if (field.kind === 'enum') options.push(fc.constantFrom('NOPE', 'phone\u0000', ''));
  if (field.kind === 'int') options.push(hugeNumber);
  if (field.kind === 'time') options.push(fc.constantFrom('9999-12-31T23:59:59+01:00', '0001-01-01T00:00:00Z', '2026-02-30T10:00:00+01:00', '2026-03-02T09:15:00', 'yesterday', `2026-03-02T09:15:00+01:00\u0000`), controlText);
  if (field.kind === 'day') options.push(fc.constantFrom('9999-12-31', '2026-02-30', '20260915', '2026-09-15\u0000'), controlText);
  return fc.oneof(...options);
};
const queryHostile = (kind: Kind): fc.Arbitrary<string> =>
  fc.oneof(
    controlText.map(encodeURIComponent),
    fc.constant('%00'),
    kind === 'int' ? fc.constantFrom('-1', '1e308', '99999999999999999999', 'abc', '1.5') : fc.constantFrom('x'.repeat(300), '%C0%80%00'),
    kind === 'enum' ? fc.constantFrom('NOPE', 'triage%00') : fc.constant('x'.repeat(400)),
    kind === 'day' ? fc.constantFrom('9999-99-99', '2026-02-30') : fc.constant('%1F'),
  );
const hostileId = fc.oneof(
  fc.constantFrom('%00', '%FF%FE', '%E0%A4%A', 'C%00X', '%C0', '%1B%5B31m', 'x'.repeat(5_000), '%2E%2E%2F%2E%2E', 'CON-2026-999999', '00000000-0000-0000-0000-000000000000', '2026-13-45', "1'or'1'='1"),
  controlText.map(encodeURIComponent),
);

type Mutation =
  | { type: 'field'; field: Field; value: unknown }
  | { type: 'extra'; key: string }
  | { type: 'array-body' }
  | { type: 'bad-json'; text: string }
  | { type: 'content-type'; contentType: string }
  | { type: 'path'; id: string }
  | { type: 'query'; key: string; value: string }
  | { type: 'query-array'; key: string }
  | { type: 'query-control'; key: string; value: string }
  | { type: 'idempotency-header'; value: string };

function mutationsFor(e: Endpoint): fc.Arbitrary<Mutation> {
  // Any query string with a control character is refused centrally, read by the endpoint or not.
  const options: fc.Arbitrary<Mutation>[] = [
    fc.tuple(fc.constantFrom('q', 'status', 'limit', 'x%00'), controlText).map(([key, value]) => ({ type: 'query-control' as const, key, value: encodeURIComponent(value) })),
  ];
  if (e.path.includes('{id}')) options.push(hostileId.map((id) => ({ type: 'path' as const, id })));
  if (e.body && !e.pathOnly) {
    for (const field of e.fields ?? []) options.push(hostileFor(field).map((value) => ({ type: 'field' as const, field, value })));
    options.push(fc.constantFrom('admin', 'status', 'id', '__proto__x', 'actor', 'extra').map((key) => ({ type: 'extra' as const, key })));
    options.push(fc.constant({ type: 'array-body' as const }));
    options.push(fc.constantFrom('{"a":', '{"a":1,}', "{'a':1}", '[1,2', '{"a":"\\u00"}', 'null x', '\u0000{}', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, `${'{"a":'.repeat(1_000)}1${'}'.repeat(1_000)}`).map((text) => ({ type: 'bad-json' as const, text })));
    if (e.bodyRequired) options.push(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=latin1').map((contentType) => ({ type: 'content-type' as const, contentType })));
    if (e.path === '/contacts' || e.path === '/renewals' || e.path === '/complaints') {
      options.push(fc.constantFrom('a b', 'x'.repeat(201), 'clé', '').map((value) => ({ type: 'idempotency-header' as const, value })));
    }
  }
  for (const [key, kind] of Object.entries(e.query ?? {})) {
    options.push(queryHostile(kind).map((value) => ({ type: 'query' as const, key, value })));
    if (kind !== 'text') options.push(fc.constant({ type: 'query-array' as const, key }));
  }
  return fc.oneof(...options);
}

function setPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = body;
  for (const p of parts.slice(0, -1)) target = target[p] as Record<string, unknown>;
  target[parts[parts.length - 1]] = value;
}

interface Outcome {
  label: string;
  status: number;
  ms: number;
  problem: boolean;
}

async function send(e: Endpoint, m: Mutation): Promise<Outcome> {
  const id = m.type === 'path' ? m.id : e.idOf ? ids[e.idOf] : 'FZ-NOT-THERE-1';
  let url = `/api/v1${e.path.replace('{id}', id)}`;
  if (m.type === 'query') url += `?${m.key}=${m.value}`;
  if (m.type === 'query-array') url += `?${m.key}=a&${m.key}=b`;
  if (m.type === 'query-control') url += `?${m.key}=${m.value}`;
  let req = request(server.server)[e.method](url).set('Authorization', admin);
  let body: unknown = e.body && !e.pathOnly ? e.body() : undefined;
  if (m.type === 'field') setPath(body as Record<string, unknown>, m.field.path, m.value);
  if (m.type === 'extra') (body as Record<string, unknown>)[m.key] = 'x';
  if (m.type === 'array-body') body = e.arrayAccepted ? [[body]] : [body, body];
  if (m.type === 'idempotency-header') req = req.set('Idempotency-Key', m.value);
  const started = Date.now();
  if (m.type === 'bad-json') req = req.set('Content-Type', 'application/json').send(m.text);
  else if (m.type === 'content-type') req = req.set('Content-Type', m.contentType).send(JSON.stringify(body));
  else if (body !== undefined && e.method === 'post') req = req.send(body as object);
  const res = await req;
  const label = `${e.method.toUpperCase()} ${e.path} ${m.type}${m.type === 'field' ? `:${m.field.path}` : ''}`;
  const problem = /^application\/problem\+json/.test(res.headers['content-type'] ?? '') && res.body?.status === res.status;
  return { label, status: res.status, ms: Date.now() - started, problem };
}

/** Row count and checksum of every table: what a refused request must not change. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = await stack.db('pg_tables').where({ schemaname: 'public' }).whereNotIn('tablename', ['knex_migrations', 'knex_migrations_lock']).pluck('tablename');
  const out: Record<string, string> = {};
  for (const t of tables.sort()) {
    const { rows } = await stack.db.raw(`select count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as sum from ?? x`, [t]);
    out[t] = rows[0].sum;
  }
  return out;
}

async function settledSnapshot(): Promise<Record<string, string>> {
  let previous = await snapshot();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const current = await snapshot();
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('the database never settled before the fuzz run');
}

beforeAll(async () => {
  stack = await startStack();
  server = await listen(stack.app);
  admin = await stack.bearer('admin');
  const post = (path: string, body: object, key?: string) => {
    const r = request(server.server).post(`/api/v1${path}`).set('Authorization', admin);
    return (key ? r.set('Idempotency-Key', key) : r).send(body);
  };
  const contact = await post('/contacts', { service: 'MCTC', channel: 'phone', caller: { phone: '0461 000000' }, reason: 'Orari' }, 'fuzz-idem');
  const renewal = await post('/renewals', { surname: 'Rossi', name: 'Mario', taxCode: 'BNCGLI90A41H501E', jobType: 'Custode', jobCentre: 'CPI-TRENTO' }, 'fuzz-idem');
  const complaint = await post('/complaints', { kind: 'complaint', requester: { name: 'Giovanna', email: 'g@example.org' }, subject: 'Oggetto', body: 'Testo', channel: 'phone' }, 'fuzz-idem');
  expect([contact.status, renewal.status, complaint.status]).toEqual([201, 201, 201]);
  ids.contact = contact.body.id;
  ids.renewal = renewal.body.id;
  ids.complaint = complaint.body.id ?? complaint.body.reference;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await stack.stop();
});

describe('fuzz', () => {
  it('refuses 1,200 hostile requests across every endpoint with 4xx problem+json within 5 s each, changing no row', async () => {
    const before = await settledSnapshot();
    const cases = fc.sample(
      fc.constantFrom(...ENDPOINTS).chain((e) => mutationsFor(e).map((m) => [e, m] as const)),
      { seed: 20261204, numRuns: 1_200 },
    );
    const outcomes: Outcome[] = [];
    for (const [e, m] of cases) outcomes.push(await send(e, m));

    // The same Idempotency-Key with other (valid) bodies: 422 each time, nothing stored.
    const idem = [
      ['/contacts', { service: 'MCTC', channel: 'phone', caller: { phone: '0461 000000' }, reason: 'Altro motivo' }],
      ['/renewals', { surname: 'Rossi', name: 'Mario', taxCode: 'BNCGLI90A41H501E', jobType: 'Custode', jobCentre: 'CPI-ROVERETO' }],
      ['/complaints', { kind: 'report', requester: { name: 'Giovanna', email: 'g@example.org' }, subject: 'Oggetto', body: 'Testo', channel: 'phone' }],
    ] as const;
    for (let i = 0; i < 30; i++) {
      const [path, body] = idem[i % idem.length];
      const started = Date.now();
      const res = await request(server.server).post(`/api/v1${path}`).set('Authorization', admin).set('Idempotency-Key', 'fuzz-idem').send({ ...body, ...(i >= 3 ? { [{ '/contacts': 'reason', '/renewals': 'name', '/complaints': 'subject' }[path]]: `Variante ${i}` } : {}) });
      outcomes.push({ label: `POST ${path} reused Idempotency-Key`, status: res.status, ms: Date.now() - started, problem: res.status === 422 && /problem\+json/.test(res.headers['content-type']) });
    }
    // Oversized headers and garbage, below Express.
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      const res = await rawRequest(server.port, i % 2 ? `GET /api/v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: ${admin}\r\nX-Big: ${'a'.repeat(17_000 + i * 1000)}\r\n\r\n` : `POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`);
      outcomes.push({ label: 'raw', status: res.status, ms: Date.now() - started, problem: /application\/problem\+json/.test(res.headers) && JSON.parse(res.body).status === res.status });
    }

    const after = await snapshot();
    const bad = outcomes.filter((o) => o.status < 400 || o.status >= 500 || !o.problem || o.ms > 5_000);
    // One example per kind of failure keeps the report readable.
    expect([...new Map(bad.map((o) => [`${o.label} ${o.status}`, o])).values()]).toEqual([]);
    expect(outcomes.filter((o) => o.status >= 500)).toHaveLength(0);
    expect(after).toEqual(before);
    expect(outcomes.length).toBeGreaterThanOrEqual(1_000);
    // Every endpoint was tried.
    const tried = new Set(cases.map(([e]) => e.path + e.method));
    expect(tried.size).toBe(ENDPOINTS.length);
    expect(outcomes.filter((o) => o.status === 422)).toHaveLength(30);
  }, 120_000);
});
