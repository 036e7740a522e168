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

export const migrationConfig: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIR,
  loadExtensions: ['.ts', '.js'],
  tableName: 'knex_migrations',
};

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}
