import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const retentionDays = (days: number) => z.coerce.number().int().min(0).max(36500).default(days);
const optionalInt = optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).optional());

const configSchema = z.object({
  DATA_DIR: z.string().default(path.join(process.cwd(), '.data')),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: optionalString,
  EMBEDDED_PG_PORT: z.coerce.number().int().default(54329),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  EMBEDDED_TEMPORAL_PORT: z.coerce.number().int().default(7233),
  EMBEDDED_TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
  SMTP_URL: optionalString,
  EMBEDDED_SMTP_PORT: z.coerce.number().int().default(2525),
  MAIL_FROM: z.string().default('Contact Center <noreply@contact-center.example.org>'),
  SERVICES_FILE: optionalString,
  /** Renewals export schedule: cron in the given zone, default 17:30 on weekdays (non-business days are skipped). */
  RENEWALS_EXPORT_CRON: z.string().default('30 17 * * 1-5'),
  RENEWALS_EXPORT_ZONE: z.string().default('Europe/Rome'),
  RENEWALS_EXPORT_SEND_EMPTY: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  REQUEST_BODY_LIMIT: z.string().default('5mb'),
  /**
   * Express `trust proxy`: unset or `false` = the client address is the socket's (default); `true`,
   * a hop count or a list of proxy addresses/subnets only behind a reverse proxy you run.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v): boolean | number | string => {
      const t = v?.trim() ?? '';
      if (t === '' || t === 'false') return false;
      if (t === 'true') return true;
      return /^\d+$/.test(t) ? Number(t) : t;
    }),
  /** Retention (infra/retention-schedule.ts): days a closed record is kept before it is anonymised; 0 = no limit. */
  RETENTION_CRON: z.string().default('15 2 * * *'),
  RETENTION_ZONE: z.string().default('Europe/Rome'),
  RETENTION_DAYS_CONTACTS: retentionDays(730),
  RETENTION_DAYS_ESCALATIONS: retentionDays(730),
  RETENTION_DAYS_MISSED_CALLS: retentionDays(365),
  RETENTION_DAYS_COMPLAINTS: retentionDays(1825),
  RETENTION_DAYS_INQUIRIES: retentionDays(1825),
  RETENTION_DAYS_RENEWALS: retentionDays(365),
  RETENTION_DAYS_SENT_EMAILS: retentionDays(365),
  RETENTION_DAYS_AUDIT: retentionDays(1825),
  /** /readyz counts a worker as polling when its last poll is at most this many seconds old. */
  WORKER_FRESHNESS_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** Port of the worker's Prometheus endpoint (Temporal SDK metrics); 0 = off (`npm start` picks a free one). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** The worker's metrics URL, appended by the API to its own /metrics. */
  WORKER_METRICS_URL: optionalString,
  /** Worker tuning; unset = the Temporal SDK's defaults. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: optionalInt,
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalInt,
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: optionalInt,
  WORKER_MAX_CACHED_WORKFLOWS: optionalInt,
});

/** Exit code of an entrypoint that cannot run as configured (e.g. its port is taken): never restarted. */
export const EXIT_CONFIG = 78;

export type Config = z.infer<typeof configSchema>;

/** Parses the environment once; entrypoints call this and pass the result down. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Where the running embedded stack writes its addresses, so `npm run admin` can find the database. */
export function runtimeFile(config: Pick<Config, 'DATA_DIR'>): string {
  return path.join(config.DATA_DIR, 'runtime.json');
}
