/**
 * Temporal's remote codec server protocol, so the Temporal Web UI and `temporal workflow show
 * --codec-endpoint URL/api/v1/codec --codec-auth 'Bearer KEY'` show encrypted payloads in clear to
 * supervisors and admins: POST /api/v1/codec/decode and /encode, body and answer
 * `{payloads:[{metadata:{name: base64}, data: base64}]}`. Mounted before the API's own router so
 * the browser's CORS preflight (which carries no key) is answered.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { RouterDeps } from '../app';
import { authenticate, requireRole } from '../auth';
import { Problem, parseOr400 } from '../errors';
import { operation, type ApiPaths } from '../openapi-kit';

/** Payloads per request: a long history is sent by the UI in pieces well below this. */
const MAX_PAYLOADS = 10_000;

const base64 = z.string().max(8 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const bodySchema = z
  .object({
    payloads: z
      .array(z.object({ metadata: z.record(z.string().max(200), base64).optional(), data: base64.optional() }).strict())
      .max(MAX_PAYLOADS),
  })
  .strict();

type JsonPayload = z.infer<typeof bodySchema>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** CORS for the Web UI's origin only: it sends the key in Authorization and its namespace in X-Namespace. */
function cors(allowedOrigin: string): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && origin === allowedOrigin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

export function codecRouter(deps: Pick<RouterDeps, 'stores' | 'temporal' | 'codecCorsOrigin'>): Router {
  // The codecs of the API's own Temporal client: the same keys the worker uses.
  const codecs = (): readonly PayloadCodec[] => deps.temporal.options.loadedDataConverter.payloadCodecs;
  const router = Router();
  if (deps.codecCorsOrigin) router.use(cors(deps.codecCorsOrigin));
  router.use(authenticate(deps.stores.apiKeys), requireRole('supervisor'));

  const handle = (direction: 'encode' | 'decode'): RequestHandler => async (req, res) => {
    const body = parseOr400(bodySchema, req.body ?? {});
    let payloads = body.payloads.map(fromJson);
    try {
      if (direction === 'encode') for (const codec of codecs()) payloads = await codec.encode(payloads);
      else for (const codec of [...codecs()].reverse()) payloads = await codec.decode(payloads);
    } catch (err) {
      // An unknown key id or a payload altered in transit; the message names neither key nor data.
      throw new Problem(400, 'Bad Request', `payloads: cannot ${direction}: ${(err as Error).message}`, [{ field: 'payloads', message: `cannot ${direction}` }]);
    }
    res.json({ payloads: payloads.map(toJson) });
  };
  router.post('/encode', handle('encode'));
  router.post('/decode', handle('decode'));
  return router;
}

/** A `json/plain` payload holding `"ciao"`: encoded, it comes back encrypted; decoded, unchanged (not encrypted). */
const plainPayload = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"ciao"').toString('base64') };
/** OpenAPI description of the routes above (mounted at /api/v1/codec). */
export const codecPaths: ApiPaths = {
  '/codec/encode': {
    post: operation({ tag: 'codec', summary: 'Temporal remote codec: encrypt payloads (base64 metadata and data)', roles: ['supervisor'], body: bodySchema, ok: { 200: 'The encrypted payloads' }, example: { body: { payloads: [plainPayload] }, as: { role: 'supervisor' }, status: 200 } }),
  },
  '/codec/decode': {
    post: operation({ tag: 'codec', summary: 'Temporal remote codec: decrypt payloads (base64 metadata and data; payloads not encrypted pass through)', roles: ['supervisor'], body: bodySchema, ok: { 200: 'The payloads in clear' }, example: { body: { payloads: [plainPayload] }, as: { role: 'supervisor' }, status: 200 } }),
  },
};
