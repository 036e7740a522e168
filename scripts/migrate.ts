/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the running embedded stack). */
import { loadConfig } from '../infra/config';
import { resolveEndpoints } from '../infra/endpoints';
import { createDb, migrateLatest } from '../infra/db';

async function main(): Promise<void> {
  const db = createDb(resolveEndpoints(loadConfig()).databaseUrl);
  try {
    const applied = await migrateLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
