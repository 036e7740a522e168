import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TEMPORAL_CLI } from './temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';

export interface TemporalDevServerHandle {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * SQLite of the persistent dev server: write-ahead log with `synchronous=normal` instead of the
 * default rollback journal with an fsync at every commit (each history write is a commit). What it
 * trades: the database stays consistent after any crash and nothing is lost when only the server
 * process dies (committed pages are in the OS cache); after a power loss or kernel crash the last
 * commits before it (up to the last WAL checkpoint sync, typically well under a second) may be
 * missing: a transition answered just before could be gone from Temporal while its PostgreSQL rows
 * stay, and a workflow task or timer re-runs (activities are idempotent, emails are claimed in
 * `sent_emails`). A production deployment uses a real Temporal cluster (TEMPORAL_ADDRESS), not this.
 */
const SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

/**
 * One task-queue partition instead of the server's default four: with one worker process, four
 * partitions only add poll forwarding between partitions (CPU on the server, latency on every
 * task). Shrinking the partitions of a database that has used four could strand tasks queued in
 * the others, so a database is marked when it is created with one partition, and an unmarked
 * existing database keeps reading four partitions (writes go to one, so the others drain).
 */
export function partitionArgs(dbFile: string | undefined): string[] {
  const one = ['--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1'];
  if (!dbFile) return [...one, '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1'];
  const marker = `${dbFile}.one-partition`;
  if (!existsSync(dbFile) && !existsSync(marker)) writeFileSync(marker, 'task queues of this database use one partition (infra/temporal-dev-server.ts)\n');
  return [...one, '--dynamic-config-value', `matching.numTaskqueueReadPartitions=${existsSync(marker) ? 1 : 4}`];
}

/** Starts `temporal server start-dev` (persistent SQLite file when `dbFile` is given) and waits until it answers. */
export async function startTemporalDevServer(opts: {
  port: number;
  uiPort?: number;
  dbFile?: string;
  namespace?: string;
  log?: (line: string) => void;
}): Promise<TemporalDevServerHandle> {
  if (!existsSync(TEMPORAL_CLI)) throw new Error(`Temporal CLI not found at ${TEMPORAL_CLI}: run \`npm run setup\``);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'warn', '--namespace', opts.namespace ?? 'default'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile, ...SQLITE_PRAGMAS);
  }
  // The search attributes every lifecycle upserts (registered on the server's namespace).
  for (const name of Object.values(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=Keyword`);
  // Fast namespace cache refresh so namespaces registered by tests are usable at once.
  args.push('--dynamic-config-value', 'frontend.namespaceCacheRefreshInterval="1s"');
  // Idle pollers re-poll within 10 s, so a worker's last poll time proves it alive within seconds (readiness).
  args.push('--dynamic-config-value', 'matching.longPollExpirationInterval="10s"');
  args.push(...partitionArgs(opts.dbFile));
  const child = spawn(TEMPORAL_CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = opts.log ?? (() => {});
  child.stdout?.on('data', (d: Buffer) => log(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`Temporal dev server exited with code ${exited}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not answer on ${address}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
