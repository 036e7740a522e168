/** What the database benchmarks share: their own PostgreSQL, and the timing of a query. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, Db, migrateLatest } from '../infra/db';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { freePort } from '../infra/ports';

/** A migrated embedded PostgreSQL in a temporary folder; `stop` removes everything. */
export async function startBenchDatabase(name: string, pool?: { max: number }): Promise<{ db: Db; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), `cc-bench-${name}-`));
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), database: 'bench' });
  const db = createDb(pg.url, pool);
  const stop = async () => {
    await db.destroy();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrateLatest(db);
  } catch (err) {
    await stop();
    throw err;
  }
  return { db, stop };
}

/** The median of `runs` timed calls, after one untimed call that warms the cache, the plan and the JIT. */
export async function medianOfWarmRuns(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
