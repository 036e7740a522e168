import { readdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';

export type Db = Knex;

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

export function createDb(connectionString: string, pool: { min?: number; max?: number } = {}): Db {
  return knexFactory({
    client: 'pg',
    connection: connectionString,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
  });
}

/**
 * Migrations from MIGRATIONS_DIR, recorded under their source name (`.ts`) whether they run from
 * source (tsx) or compiled (dist/, `.js`): a database migrated by either is current for both.
 */
const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    const compiled = path.extname(__filename) === '.js';
    return readdirSync(MIGRATIONS_DIR)
      .filter((f) => (compiled ? /\.js$/.test(f) : /\.ts$/.test(f)) && !f.endsWith('.d.ts'))
      .sort();
  },
  getMigrationName: (file) => file.replace(/\.js$/, '.ts'),
  // Loaded as knex itself does (require): import() is unavailable under jest.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  getMigration: async (file) => require(path.join(MIGRATIONS_DIR, file)) as Knex.Migration,
};

export const migrationConfig: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'knex_migrations',
};

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}
