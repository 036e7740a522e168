import { Router } from 'express';
import type { AppDeps } from '../app';

async function check(fn: () => Promise<unknown>, timeoutMs = 3000): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** 200 only when the database, Temporal and a polling worker are usable; 503 names what is not. */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const database = await check(() => deps.db.raw('select 1'));
    const temporal = await check(() => deps.temporal.connection.workflowService.getSystemInfo({}));
    const worker = temporal.ok
      ? await check(async () => {
          const answer = await deps.temporal.connection.workflowService.describeTaskQueue({
            namespace: deps.temporal.options.namespace,
            taskQueue: { name: deps.taskQueue, kind: 1 /* NORMAL */ },
            taskQueueType: 1 /* WORKFLOW */,
          });
          // Pollers are listed for a few minutes after they stop; only a recent poll counts.
          const recent = (answer.pollers ?? []).some((p) => {
            const seconds = Number(p.lastAccessTime?.seconds ?? 0);
            return Date.now() / 1000 - seconds < 90;
          });
          if (!recent) throw new Error(`no worker is polling task queue ${deps.taskQueue}`);
        })
      : { ok: false, error: 'Temporal is not usable' };
    const checks = { database, temporal, worker };
    const ok = database.ok && temporal.ok && worker.ok;
    const failing = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', ...(ok ? {} : { failing }), checks });
  });
  return router;
}
