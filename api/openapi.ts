/**
 * The OpenAPI 3.1 document, generated from the zod schemas the routes validate with (each route
 * file exports its path specs), and the interactive documentation at /docs served from
 * swagger-ui-dist in node_modules (no CDN).
 */
import path from 'node:path';
import express, { Router } from 'express';
import { createDocument } from 'zod-openapi';
import type { ServiceCatalog } from '../domain/catalog';
import type { RequestExample } from './openapi-kit';
import { servicesPaths } from './routes/services';
import { mePaths } from './routes/me';
import { renewalsPaths } from './routes/renewals';
import { exportsPaths } from './routes/exports';
import { contactsPaths } from './routes/contacts';
import { escalationsPaths } from './routes/escalations';
import { missedCallsPaths } from './routes/missed-calls';
import { callsPaths } from './routes/calls';
import { reportsPaths } from './routes/reports';
import { complaintsPaths } from './routes/complaints';
import { inquiriesPaths } from './routes/inquiries';
import { complaintReportsPaths } from './routes/complaint-reports';
import { workforcePaths } from './routes/workforce';
import { privacyPaths } from './routes/privacy';
import { auditPaths } from './routes/audit';
import { codecPaths } from './routes/codec';
import { emailsPaths } from './routes/emails';
import { appointmentsPaths } from './routes/appointments';
import { searchPaths } from './routes/search';
import { answersPaths } from './routes/answers';
import { overviewPaths } from './routes/overview';
import { healthPaths } from './routes/health';
import { API_PREFIX } from './api-prefix';


type JsonObject = Record<string, unknown>;
interface Parameter {
  in: string;
  name: string;
  example?: unknown;
  schema?: { type?: unknown };
}

/** Moves each operation's replayable example into the standard places (parameters, body). */
function placeExamples(document: JsonObject): void {
  for (const item of Object.values(document.paths as Record<string, Record<string, JsonObject>>)) {
    for (const op of Object.values(item)) {
      const example = op['x-request-example'] as RequestExample | undefined;
      if (!example) continue;
      delete op['x-request-example'];
      for (const p of (op.parameters ?? []) as Parameter[]) {
        const value = p.in === 'path' ? example.path?.[p.name] : p.in === 'query' ? example.query?.[p.name] : undefined;
        const numeric = ['integer', 'number'].includes(String(p.schema?.type));
        if (value !== undefined) p.example = numeric ? Number(value) : value;
      }
      op['x-example-status'] = example.status;
      op['x-example-as'] = example.as;
    }
  }
}

export function buildOpenApiDocument(catalog: ServiceCatalog): JsonObject {
  const apiPaths = {
    ...mePaths,
    ...servicesPaths,
    ...renewalsPaths,
    ...exportsPaths,
    ...contactsPaths,
    ...escalationsPaths,
    ...missedCallsPaths,
    ...callsPaths(catalog),
    ...reportsPaths,
    ...complaintsPaths,
    ...inquiriesPaths,
    ...complaintReportsPaths,
    ...workforcePaths,
    ...privacyPaths,
    ...auditPaths,
    ...emailsPaths,
    ...codecPaths,
    ...appointmentsPaths,
    ...searchPaths,
    ...answersPaths,
    ...overviewPaths,
  };
  const paths = Object.fromEntries(Object.entries(apiPaths).map(([p, item]) => [`${API_PREFIX}${p}`, item]));
  const document = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Contact center orchestrator API',
      version: '1',
      description:
        'Back-office orchestration engine for public-administration contact centers. Every /api/v1 operation needs `Authorization: Bearer KEY` (keys are made with `npm run admin -- create-key`). Errors are RFC 9457 problem details (`application/problem+json`).',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key made with `npm run admin -- create-key`' } } },
    paths: { ...healthPaths, ...paths },
  }) as unknown as JsonObject;
  placeExamples(document);
  return document;
}

/** GET /openapi.json and GET /docs, without a key. */
export function openApiRouter(catalog: ServiceCatalog): Router {
  const router = Router();
  let document: JsonObject | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument(catalog);
    res.json(document);
  });
  router.get('/docs', (_req, res) => res.sendFile(path.join(__dirname, '..', 'web', 'docs', 'index.html')));
  router.get('/docs/init.js', (_req, res) => res.sendFile(path.join(__dirname, '..', 'web', 'docs', 'init.js')));
  router.use('/docs/assets', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));
  return router;
}
