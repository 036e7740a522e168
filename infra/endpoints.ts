import { existsSync, readFileSync } from 'node:fs';
import { Config, runtimeFile } from './config';

export interface Endpoints {
  databaseUrl: string;
  temporalAddress: string;
  smtpUrl: string;
}

/**
 * Where the database, Temporal and SMTP are: the environment first (production), else the
 * addresses the embedded stack of `npm start` wrote under DATA_DIR (development).
 */
export function resolveEndpoints(config: Config): Endpoints {
  const file = runtimeFile(config);
  const runtime: Partial<Endpoints> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const databaseUrl = config.DATABASE_URL ?? runtime.databaseUrl;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set and no embedded stack is running (start it with `npm start`)');
  return {
    databaseUrl,
    temporalAddress: config.TEMPORAL_ADDRESS ?? runtime.temporalAddress ?? `127.0.0.1:${config.EMBEDDED_TEMPORAL_PORT}`,
    smtpUrl: config.SMTP_URL ?? runtime.smtpUrl ?? `smtp://127.0.0.1:${config.EMBEDDED_SMTP_PORT}`,
  };
}
