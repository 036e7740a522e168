/**
 * `npm run admin -- create-key --role ROLE [--office CODE] [--name TEXT]` | `list-keys` | `revoke-key ID`
 * Works against DATABASE_URL, the running embedded stack, or (when nothing runs) the embedded
 * database started just for this command.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadConfig, runtimeFile } from '../infra/config';
import { existsSync, readFileSync } from 'node:fs';
import { createDb, migrateLatest } from '../infra/db';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { createApiKeyStore, ROLES, Role } from '../infra/stores/api-keys';
import { loadCatalogFile } from '../infra/catalog-file';

const USAGE = `usage:
  npm run admin -- create-key --role ROLE [--office CODE] [--name TEXT]
  npm run admin -- list-keys
  npm run admin -- revoke-key ID
roles: ${ROLES.join(', ')} (office needs --office)`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, office: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [command, arg] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  let databaseUrl = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl && existsSync(runtimeFile(config))) databaseUrl = JSON.parse(readFileSync(runtimeFile(config), 'utf8')).databaseUrl;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT });
    databaseUrl = pg.url;
    stopEmbedded = () => pg.stop();
  }
  const db = createDb(databaseUrl);
  try {
    await migrateLatest(db);
    const keys = createApiKeyStore(db);
    switch (command) {
      case 'create-key': {
        const role = values.role as Role | undefined;
        if (!role || !ROLES.includes(role)) {
          console.error(`--role must be one of: ${ROLES.join(', ')}`);
          return 2;
        }
        if (role === 'office') {
          if (!values.office) {
            console.error('--office CODE is required for role office');
            return 2;
          }
          if (!loadCatalogFile(config.SERVICES_FILE).findOffice(values.office)) {
            console.error(`unknown office ${values.office} (not in the services catalog)`);
            return 2;
          }
        } else if (values.office) {
          console.error('--office is only for role office');
          return 2;
        }
        const { key, record } = await keys.create({ name: values.name ?? `${role}${values.office ? ` ${values.office}` : ''}`, role, office: values.office });
        console.error(`created key ${record.id} (${record.role}${record.office ? `, office ${record.office}` : ''}, "${record.name}"); it is shown only once:`);
        console.log(key);
        return 0;
      }
      case 'list-keys': {
        for (const k of await keys.list())
          console.log(`${k.id}\t${k.role}\t${k.office ?? '-'}\t${k.prefix}…\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}`);
        return 0;
      }
      case 'revoke-key': {
        if (!arg) {
          console.error('revoke-key needs the key id (see list-keys)');
          return 2;
        }
        const ok = await keys.revoke(arg);
        console.log(ok ? `revoked ${arg}` : `no active key ${arg}`);
        return ok ? 0 : 1;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } finally {
    await db.destroy();
    await stopEmbedded?.();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
