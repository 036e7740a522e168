import net from 'node:net';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app';
import type { ApiPaths } from '../openapi-kit';

/** What readiness needs beyond the app's own dependencies; all optional for tests. */
export interface HealthOptions {
  /** `smtp://host:port` of the mail relay, checked and reported as degraded (mail waits in the outbox). */
  smtpUrl?: string;
  /** A worker counts as polling when its last poll is at most this old. */
  workerFreshnessSeconds?: number;
  /** The worker's Prometheus endpoint, appended to /metrics when set. */
  workerMetricsUrl?: string;
  checkTimeoutMs?: number;
}

type CheckState = 'ok' | 'failing';

/** Runs one check with a timeout; the answer says only ok/failing, never the error text. */
async function check(fn: () => Promise<unknown>, timeoutMs: number): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch {
    return 'failing';
  } finally {
    clearTimeout(timer);
  }
}

/** Connects to the relay and waits for its 220 greeting. */
function smtpGreets(url: string, timeoutMs: number): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 25) });
    socket.setTimeout(timeoutMs);
    socket.once('data', (d) => {
      socket.end('QUIT\r\n');
      if (d.toString().startsWith('220')) resolve();
      else reject(new Error('no greeting'));
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('timeout'));
    });
    socket.once('error', reject);
  });
}

const PROBE_PATHS = new Set(['/livez', '/readyz', '/health', '/metrics']);
/** Health polls and scrapes come every few seconds: logged at debug level only. */
export const isProbe = (url: string | undefined): boolean => PROBE_PATHS.has((url ?? '').split('?')[0]);

/**
 * /livez: the process answers. /readyz (= /health): 200 only when the database, Temporal and a
 * worker that polled recently are usable; SMTP is reported (degraded) but does not fail readiness.
 * /metrics: Prometheus text, the worker's SDK metrics appended when its endpoint is configured.
 */
export function healthRouter(deps: AppDeps & { health?: HealthOptions; metricsRegistry?: { metrics(): Promise<string>; contentType: string } }): Router {
  const router = Router();
  const options = deps.health ?? {};
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const freshness = options.workerFreshnessSeconds ?? 15;

  const workerPolls = async () => {
    const answer = await deps.temporal.connection.workflowService.describeTaskQueue({
      namespace: deps.temporal.options.namespace,
      taskQueue: { name: deps.taskQueue, kind: 1 /* NORMAL */ },
      taskQueueType: 1 /* WORKFLOW */,
    });
    // Pollers stay listed for minutes after they stop; only a recent poll counts.
    const recent = (answer.pollers ?? []).some((p) => Date.now() / 1000 - Number(p.lastAccessTime?.seconds ?? 0) <= freshness);
    if (!recent) throw new Error('no recent poller');
  };

  const readiness: RequestHandler = async (_req, res) => {
    const [database, temporal, worker, smtp] = await Promise.all([
      check(() => deps.db.raw('select 1'), timeoutMs),
      check(() => deps.temporal.connection.workflowService.getSystemInfo({}), timeoutMs),
      check(workerPolls, timeoutMs),
      options.smtpUrl ? check(() => smtpGreets(options.smtpUrl!, timeoutMs), timeoutMs) : Promise.resolve(undefined),
    ]);
    const checks: Record<string, string> = { database, temporal, worker };
    if (smtp) checks.smtp = smtp === 'ok' ? 'ok' : 'degraded';
    const failing = Object.entries({ database, temporal, worker })
      .filter(([, state]) => state !== 'ok')
      .map(([name]) => name);
    const ok = failing.length === 0;
    const status = !ok ? 'unavailable' : checks.smtp === 'degraded' ? 'degraded' : 'ok';
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status, ...(failing.length ? { failing } : {}), checks });
  };

  router.get('/livez', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', readiness);
  router.get('/health', readiness);

  router.get('/metrics', async (_req, res) => {
    const registry = deps.metricsRegistry;
    let text = registry ? await registry.metrics() : '';
    if (options.workerMetricsUrl) {
      // The worker's Temporal SDK metrics (its Runtime's Prometheus endpoint), one scrape for both.
      try {
        const answer = await fetch(options.workerMetricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
        if (answer.ok) text += `\n${await answer.text()}`;
      } catch {
        // The worker may be restarting: the API's own metrics are still worth answering.
      }
    }
    res.type(registry?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8').send(text);
  });
  return router;
}

const readinessSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']),
    failing: z.array(z.enum(['database', 'temporal', 'worker'])).optional(),
    checks: z.object({ database: z.enum(['ok', 'failing']), temporal: z.enum(['ok', 'failing']), worker: z.enum(['ok', 'failing']), smtp: z.enum(['ok', 'degraded']).optional() }),
  })
  .meta({ id: 'Readiness' });
const readinessOperation = (summary: string) => ({
  summary,
  tags: ['operations'],
  responses: {
    '200': { description: 'Ready (status `degraded` when only SMTP fails)', content: { 'application/json': { schema: readinessSchema } } },
    '503': { description: 'Not ready: `failing` names the parts', content: { 'application/json': { schema: readinessSchema } } },
  },
});

/** OpenAPI description of the routes above (no key needed). */
export const healthPaths: ApiPaths = {
  '/livez': { get: { summary: 'Liveness: the process answers', tags: ['operations'], responses: { '200': { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } } } },
  '/readyz': { get: readinessOperation('Readiness: database, Temporal and a recently polling worker') },
  '/health': { get: readinessOperation('Same as /readyz') },
  '/metrics': { get: { summary: 'Prometheus metrics: HTTP, process and the worker’s Temporal SDK metrics', tags: ['operations'], responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } } } },
};
