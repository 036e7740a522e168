import path from 'node:path';
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { parsePayloadKey, PayloadKey, PayloadKeys } from './codec';
import { parseImapUrl } from './imap-url';

/** Why an IMAP_URL is unusable, without quoting it (it holds a password). */
function imapUrlProblem(url: string): string | undefined {
  try {
    parseImapUrl(url);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const retentionDays = (days: number) => z.coerce.number().int().min(0).max(36500).default(days);
const optionalInt = optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).optional());
/** `[kid:]base64` (see infra/codec.ts); the error names the problem, never the key. */
const payloadKey = optionalString.transform((v, ctx): PayloadKey | undefined => {
  if (v === undefined) return undefined;
  try {
    return parsePayloadKey(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** Comma-separated `[kid:]base64` keys that still decrypt after a rotation. */
const payloadKeyList = optionalString.transform((v, ctx): PayloadKey[] => {
  const keys: PayloadKey[] = [];
  for (const [i, part] of (v ?? '').split(',').filter((p) => p.trim() !== '').entries()) {
    try {
      keys.push(parsePayloadKey(part));
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `key ${i + 1}: ${(err as Error).message}` });
    }
  }
  return keys;
});

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
  /** Encrypts Temporal payloads (AES-256-GCM): `[kid:]base64 of 32 bytes`; npm start makes one under DATA_DIR. */
  TEMPORAL_PAYLOAD_KEY: payloadKey,
  /** Earlier keys, comma-separated, so histories written before a rotation still decrypt. */
  TEMPORAL_PAYLOAD_KEYS_OLD: payloadKeyList,
  /** Origin allowed to call /api/v1/codec (the Temporal Web UI); default the embedded UI. */
  CODEC_CORS_ORIGIN: optionalString,
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
  RETENTION_DAYS_APPOINTMENTS: retentionDays(365),
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
  /**
   * The worker's V8 heap budget in MB, given to its process as --max-old-space-size by the
   * launchers (`npm start`, `npm run worker`, compose). The SDK sizes its cache of running
   * workflows from it (about 360 at 768), and V8 collects before growing past it: without it the
   * worker kept over 500 MB after a 5,000-contact day (issue 12: goal under 400).
   */
  WORKER_HEAP_MB: z.coerce.number().int().min(256).max(65536).default(768),
  /**
   * The Temporal UI's stack trace of a running workflow. Off by default: the SDK then skips a stack
   * capture per promise in workflow code (a large share of the worker's CPU, sdk-typescript#1587;
   * patches/ makes it optional). Turn on while debugging a stuck workflow.
   */
  WORKFLOW_STACK_TRACES: z.enum(['on', 'off']).default('off'),
  /** Inbound mail by IMAP polling (infra/imap-poller.ts): `imaps://user:pass@host/MAILBOX`; unset = no polling. Never logged. */
  IMAP_URL: optionalString.refine((v) => v === undefined || imapUrlProblem(v) === undefined, {
    error: (issue) => imapUrlProblem(String(issue.input)) ?? 'invalid',
  }),
  /** The catalog mailbox the IMAP account receives for; unset = recipients read from each message's headers. */
  IMAP_RECIPIENT: optionalString.pipe(z.email().optional()),
  IMAP_PROCESSED_FOLDER: z.string().trim().min(1).default('Elaborati'),
  IMAP_DISCARD_FOLDER: z.string().trim().min(1).default('Scartati'),
  IMAP_POLL_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  IMAP_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  /** Minutes between a case's closing email and its satisfaction survey (fractions allowed, for trials). */
  SURVEY_DELAY_MINUTES: z.coerce.number().min(0).max(525_600).default(60),
  /** HMAC secret of the survey links; `npm start` makes one under DATA_DIR; unset: derived from TEMPORAL_PAYLOAD_KEY. */
  SURVEY_TOKEN_SECRET: optionalString.pipe(z.string().min(16, 'at least 16 characters').optional()),
  /** Address citizens use to reach the public pages (survey links in emails); default http://127.0.0.1:PORT. */
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  /** Messages accepted per hour by the public "Scrivi" form from one client address and for one email address. */
  SCRIVI_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(5),
  /** The product's own SMTP listener for inbound mail (infra/inbound-smtp.ts, hosted by the worker); 0 = off. */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2526),
  INBOUND_SMTP_HOST: z.string().default('0.0.0.0'),
  /** PEM files: when both are set the listener offers STARTTLS. */
  INBOUND_SMTP_TLS_CERT: optionalString,
  INBOUND_SMTP_TLS_KEY: optionalString,
  /** Largest message accepted (bytes); bigger ones are refused with 552. */
  INBOUND_SMTP_MAX_BYTES: z.coerce.number().int().min(1024).max(200 * 1024 * 1024).default(25 * 1024 * 1024),
  /** A citizen's reply to a closed case: a new contact linked to it (default), or the case reopened. */
  INBOUND_REPLY_TO_CLOSED: z.enum(['new-contact', 'reopen']).default('new-contact'),
});

/** Exit code of an entrypoint that cannot run as configured (e.g. its port is taken): never restarted. */
export const EXIT_CONFIG = 78;

export type Config = z.infer<typeof configSchema>;

/** Parses the environment once; entrypoints call this and pass the result down. */
/** Node flags of a worker process (its heap budget). */
export function workerNodeFlags(config: Pick<Config, 'WORKER_HEAP_MB'>): string[] {
  return [`--max-old-space-size=${config.WORKER_HEAP_MB}`];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * The payload keys, or a refusal to start: a worker or API without a key would write citizens'
 * data in clear into Temporal, or could not read what the others wrote.
 */
export function requirePayloadKeys(config: Pick<Config, 'TEMPORAL_PAYLOAD_KEY' | 'TEMPORAL_PAYLOAD_KEYS_OLD'>): PayloadKeys {
  if (!config.TEMPORAL_PAYLOAD_KEY)
    throw new Error(
      'TEMPORAL_PAYLOAD_KEY is not set: Temporal payloads must be encrypted. `npm start` creates one under DATA_DIR; ' +
        'otherwise set it to `kid:` + 32 random bytes in base64 (e.g. `echo "k1:$(openssl rand -base64 32)"`), the same for worker and API.',
    );
  return { current: config.TEMPORAL_PAYLOAD_KEY, old: config.TEMPORAL_PAYLOAD_KEYS_OLD };
}

/** The Web UI origin allowed by the codec endpoint's CORS. */
export function codecCorsOrigin(config: Pick<Config, 'CODEC_CORS_ORIGIN' | 'EMBEDDED_TEMPORAL_UI_PORT'>): string {
  return config.CODEC_CORS_ORIGIN ?? `http://127.0.0.1:${config.EMBEDDED_TEMPORAL_UI_PORT}`;
}

/** Where the running embedded stack writes its addresses, so `npm run admin` can find the database. */
export function runtimeFile(config: Pick<Config, 'DATA_DIR'>): string {
  return path.join(config.DATA_DIR, 'runtime.json');
}

/**
 * The survey links' HMAC secret: SURVEY_TOKEN_SECRET, else one derived from the payload key (worker
 * and API share it already), so a deployment without the setting still signs with a secret.
 */
export function surveyTokenSecret(config: Pick<Config, 'SURVEY_TOKEN_SECRET' | 'TEMPORAL_PAYLOAD_KEY'>): string {
  if (config.SURVEY_TOKEN_SECRET) return config.SURVEY_TOKEN_SECRET;
  if (!config.TEMPORAL_PAYLOAD_KEY) throw new Error('SURVEY_TOKEN_SECRET is not set and there is no TEMPORAL_PAYLOAD_KEY to derive it from');
  return createHmac('sha256', config.TEMPORAL_PAYLOAD_KEY.key).update('survey-token-secret').digest('base64url');
}

/** Where citizens reach the public pages (/scrivi, /valutazione). */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_BASE_URL' | 'PORT'>): string {
  return config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.PORT}`;
}
