/**
 * The OpenAPI document: valid OpenAPI 3.1, complete (every express route under /api/v1 is in it)
 * and truthful (every documented request example, replayed against the running API, answers the
 * documented status). /docs serves the interactive documentation from node_modules.
 */
import request from 'supertest';
import { execFileSync } from 'node:child_process';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Role } from '../../infra/stores/api-keys';
import { startStack, Stack } from '../support/harness';

let stack: Stack;
let document: OpenAPIV3_1.Document;
beforeAll(async () => {
  stack = await startStack();
  const res = await request(stack.app).get('/openapi.json');
  expect(res.status).toBe(200);
  document = res.body;
});
afterAll(async () => {
  await stack.stop();
});

type Operation = OpenAPIV3_1.OperationObject & { 'x-example-status'?: number; 'x-example-as'?: { role: Role; office?: string } };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function operations(): { method: string; path: string; op: Operation }[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item?.[m]).map((method) => ({ method, path, op: item![method] as Operation })),
  );
}

/** Walks express's router stack: every route of every router mounted under /api/v1. */
function expressRoutes(): string[] {
  interface Layer {
    rawPath?: string;
    route?: { path: string; methods: Record<string, boolean> };
    handle: { stack?: Layer[] };
  }
  const found: string[] = [];
  const walk = (stackOf: Layer[], prefix: string) => {
    for (const layer of stackOf) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? `${prefix}${layer.rawPath}` : prefix);
      }
    }
  };
  walk((stack.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.filter((r) => r.split(' ')[1].startsWith('/api/v1/'));
}

it('is a valid OpenAPI 3.1 document served without a key', async () => {
  expect(document.openapi).toMatch(/^3\.1\./);
  // The validator is an ES module, which jest cannot load: it runs in a plain node process.
  const script = "require('@apidevtools/swagger-parser').validate(JSON.parse(require('fs').readFileSync(0, 'utf8'))).then(() => console.log('valid'), (e) => { console.log(e.message); process.exitCode = 1; })";
  const verdict = (() => {
    try {
      return execFileSync(process.execPath, ['-e', script], { input: JSON.stringify(document), cwd: process.cwd() }).toString().trim();
    } catch (err) {
      return String((err as { stdout?: Buffer }).stdout ?? err);
    }
  })();
  expect(verdict).toBe('valid');
  expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
});

it('documents every express route under /api/v1, with bearer security, problem+json errors and an example', () => {
  const routes = expressRoutes();
  expect(routes.length).toBeGreaterThanOrEqual(40);
  const documented = new Set(operations().map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
  expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  for (const { path, op } of operations().filter((o) => o.path.startsWith('/api/v1/'))) {
    expect(op.security).toEqual([{ bearer: [] }]);
    const unauthorized = op.responses?.['401'] as OpenAPIV3_1.ResponseObject | undefined;
    expect(Object.keys(unauthorized?.content ?? {})).toEqual(['application/problem+json']);
    expect({ path, status: op['x-example-status'] }).toEqual({ path, status: expect.any(Number) });
  }
});

it('replays every documented request example against the running API and gets the documented status', async () => {
  const results: { operation: string; expected: number; got: number; problem?: unknown }[] = [];
  for (const { method, path, op } of operations().filter((o) => o.path.startsWith('/api/v1/'))) {
    const params = (op.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
    let url = path;
    for (const p of params.filter((x) => x.in === 'path')) url = url.replace(`{${p.name}}`, encodeURIComponent(String(p.example)));
    const query = Object.fromEntries(params.filter((x) => x.in === 'query' && x.example !== undefined).map((x) => [x.name, String(x.example)]));
    const as = op['x-example-as']!;
    let req = request(stack.app)[method as 'get'](url).query(query).set('Authorization', await stack.bearer(as.role, as.office));
    const body = (op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content['application/json']?.example;
    if (body !== undefined) req = req.send(body);
    const res = await req;
    const documentedStatuses = Object.keys(op.responses ?? {});
    expect(documentedStatuses).toContain(String(res.status));
    results.push({ operation: `${method.toUpperCase()} ${path}`, expected: op['x-example-status']!, got: res.status, ...(res.status !== op['x-example-status'] ? { problem: res.body } : {}) });
  }
  expect(results.filter((r) => r.got !== r.expected)).toEqual([]);
  expect(results.length).toBe(operations().filter((o) => o.path.startsWith('/api/v1/')).length);
});

it('serves interactive documentation from node_modules, without inline scripts', async () => {
  const page = await request(stack.app).get('/docs');
  expect(page.status).toBe(200);
  expect(page.text).toContain('swagger-ui');
  // Every <script> has a local src: a CSP without 'unsafe-inline' allows it, and no CDN is involved.
  const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThanOrEqual(2);
  for (const [, attrs, inline] of scripts) {
    expect(inline.trim()).toBe('');
    expect(attrs).toMatch(/src="\/docs\//);
  }
  for (const [, src] of page.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const asset = await request(stack.app).get(src);
    expect({ src, status: asset.status }).toEqual({ src, status: 200 });
  }
  expect((await request(stack.app).get('/docs/init.js')).text).toContain("url: '/openapi.json'");
});
