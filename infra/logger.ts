import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Field names that may hold a secret or a citizen's personal data. Nothing should log them (the
 * request serializers below keep only method, sanitized URL and status); this is the safety net.
 */
export const SENSITIVE_FIELDS = [
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'apiKey',
  'api_key',
  'key',
  'keyHash',
  'key_hash',
  'secret',
  'password',
  'pass',
  'token',
  'email',
  'phone',
  'taxCode',
  'tax_code',
  'surname',
  'name',
  'callerName',
  'callerSurname',
  'callerPhone',
  'callbackPhone',
  'callbackEmail',
  'caller',
  'requester',
  'reason',
  'body',
  'answer',
  'response',
  'findings',
  'question',
  'info',
  'note',
  'text',
  'subject',
  'personSought',
  'postalAddress',
  'recording',
  'headers',
  'query',
  'bindings',
  'parameters',
  'detail',
  'input',
  'args',
];

// Top-level `name` is pino's logger name and `msg`/`level`/`time` are ours: only nested ones are redacted.
const TOP_LEVEL_KEPT = new Set(['name']);
const redactPaths = SENSITIVE_FIELDS.flatMap((f) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(f) ? f : `["${f}"]`;
  const nested = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [...(TOP_LEVEL_KEPT.has(f) ? [] : [key]), nested('*'), nested('*.*')];
});

/** `/renewals?taxCode=X&limit=5` → `/renewals?taxCode&limit`: query keys help debugging, values may be personal data. */
export function urlWithoutQueryValues(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  if (q < 0) return url;
  const keys = url
    .slice(q + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => p.split('=')[0]);
  return `${url.slice(0, q)}?${keys.join('&')}`;
}

const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Italian tax code (codice fiscale), including omocodia letters. */
const TAX_CODE = /\b[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]\b/g;

/**
 * Last line of defence on the finished log line: personal data that reached a message or an error
 * text (an SMTP error quoting a recipient, a driver error quoting a value) is masked.
 */
export function maskPersonalData(line: string): string {
  return line.replace(EMAIL_ADDRESS, '[email]').replace(TAX_CODE, '[tax-code]');
}

interface RawRequest {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
}

/** What a log line may say about a request: no headers, no body, no client address, no query values. */
export function requestSummary(req: RawRequest): Record<string, unknown> {
  return { id: req.id, method: req.method, url: urlWithoutQueryValues(req.originalUrl ?? req.url) };
}

export function createLogger(level: string = 'info', name?: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    name,
    base: name ? { component: name } : undefined,
    redact: { paths: redactPaths, censor: '[redacted]' },
    hooks: { streamWrite: maskPersonalData },
    serializers: {
      req: requestSummary,
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
