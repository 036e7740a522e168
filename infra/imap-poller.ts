/**
 * IMAP polling (issue 15): each message of an IMAP mailbox is handed, raw, to the inbound sink (the
 * durable intake), and only once the sink has resolved is it moved out of the mailbox: to the
 * processed folder when accepted, to the discard folder when refused for good. Nothing is kept
 * between polls: what is still in the mailbox is what has not been handed over yet, so a poller that
 * dies mid-message hands that message over again (the sink is idempotent on Message-ID) and a moved
 * message is never read twice.
 */
import { ImapFlow } from 'imapflow';
import type { Logger } from './logger';
import type { Config } from './config';
import { parseImapUrl } from './imap-url';

export { parseImapUrl } from './imap-url';

/** What an inbound channel hands its messages to; resolves once the message is durably accepted or refused, throws on an outage. */
export type InboundSink = (raw: Buffer, meta: { via: 'smtp' | 'imap'; recipients: string[] }) => Promise<{ accepted: boolean; reason?: string }>;

export interface ImapPollerOptions {
  /** See `parseImapUrl`. */
  url: string;
  sink: InboundSink;
  logger: Logger;
  /**
   * The catalog mailbox this account receives for: every message is handed over with it as its only
   * recipient. Unset = the recipients are read from the message (`Delivered-To`/`X-Original-To`
   * written by the delivering server, else `To` and `Cc`) and the intake keeps the catalog's.
   */
  recipient?: string;
  /** Where accepted messages go (created when missing). */
  processedFolder?: string;
  /** Where messages the sink refused for good (and oversized ones) go (created when missing). */
  discardFolder?: string;
  pollSeconds?: number;
  /** Larger messages are not fetched: they go to the discard folder. */
  maxMessageBytes?: number;
  /** Reconnection backoff after a failed poll: doubles from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  /** TLS options for imaps:// and STARTTLS (e.g. `ca` of a private server); tests only turn verification off. */
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer };
}

export interface PollCycle {
  /** Handed to the sink and moved to the processed folder. */
  delivered: number;
  /** Refused by the sink (or too large) and moved to the discard folder. */
  discarded: number;
  /** Why the cycle ended early, if it did; what was not handed over stays in the mailbox. */
  failure?: 'imap' | 'sink' | 'stopped';
}

export interface ImapPoller {
  /** Runs a poll as soon as possible (after the running one, if any) and resolves with what it did. */
  pollNow(): Promise<PollCycle>;
  /** Stops polling: a message whose sink call has not resolved stays in the mailbox. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULTS = {
  processedFolder: 'Elaborati',
  discardFolder: 'Scartati',
  pollSeconds: 60,
  maxMessageBytes: 25 * 1024 * 1024,
  backoff: { initialMs: 1000, maxMs: 60_000 },
};

/** Only a short code-like reason is logged: a sink reason might quote the message. */
const safeReason = (reason: string | undefined): string => (reason && /^[\w.:-]{1,64}$/.test(reason) ? reason : 'refused');

/** An error's code for the log, never its message (a server's text may quote what it was sent). */
function errorCode(err: unknown): string {
  const e = err as { code?: unknown; serverResponseCode?: unknown; authenticationFailed?: unknown; name?: unknown } | undefined;
  if (e?.authenticationFailed) return 'AUTHENTICATIONFAILED';
  for (const v of [e?.serverResponseCode, e?.code, e?.name]) if (typeof v === 'string' && /^[\w.:-]{1,64}$/.test(v)) return v;
  return 'Error';
}

const ADDRESS = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

/** Envelope recipients the delivering server recorded, else the To and Cc addresses; lower-case, once each. */
export function recipientsOf(headers: Buffer | undefined, envelope: { to?: { address?: string }[]; cc?: { address?: string }[] } | undefined): string[] {
  const delivered: string[] = [];
  const unfolded = (headers?.toString('latin1') ?? '').replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const m = /^(delivered-to|x-original-to):(.*)$/i.exec(line);
    if (m) delivered.push(...(m[2].match(ADDRESS) ?? []));
  }
  const listed = [...(envelope?.to ?? []), ...(envelope?.cc ?? [])].map((a) => a.address ?? '').filter((a) => a.includes('@'));
  return [...new Set((delivered.length > 0 ? delivered : listed).map((a) => a.toLowerCase()))];
}

/** Starts polling at once; the first poll runs immediately. */
export function startImapPoller(options: ImapPollerOptions): ImapPoller {
  const endpoint = parseImapUrl(options.url);
  const processedFolder = options.processedFolder ?? DEFAULTS.processedFolder;
  const discardFolder = options.discardFolder ?? DEFAULTS.discardFolder;
  const intervalMs = (options.pollSeconds ?? DEFAULTS.pollSeconds) * 1000;
  const maxBytes = options.maxMessageBytes ?? DEFAULTS.maxMessageBytes;
  const backoff = options.backoff ?? DEFAULTS.backoff;
  const log = options.logger.child({ imap: { host: endpoint.host, port: endpoint.port, mailbox: endpoint.mailbox } });

  let client: ImapFlow | undefined;
  let stopping = false;
  let failures = 0;
  let wake: (() => void) | undefined;
  /** New mail announced while a poll was running: poll again at once. */
  let announced = false;
  let stopped: () => void = () => undefined;
  const stopSignal = new Promise<'stopped'>((resolve) => (stopped = () => resolve('stopped')));
  let requested: ((c: PollCycle) => void)[] = [];

  function dropClient(): void {
    const c = client;
    client = undefined;
    if (c) {
      c.removeAllListeners('exists');
      c.close();
    }
  }

  async function connected(): Promise<ImapFlow> {
    if (client?.usable) return client;
    dropClient();
    const c = new ImapFlow({
      host: endpoint.host,
      port: endpoint.port,
      secure: endpoint.secure,
      auth: { user: endpoint.user, pass: endpoint.pass },
      tls: options.tls,
      // imapflow's own log lines may quote server answers and message data: we log codes ourselves.
      logger: false,
      connectionTimeout: 30_000,
      greetingTimeout: 16_000,
    });
    // Without a listener an 'error' event would crash the process; the failing command reports it too.
    c.on('error', (err: unknown) => log.warn({ code: errorCode(err) }, 'imap connection error'));
    c.on('close', () => {
      if (client === c) client = undefined;
    });
    // New mail announced while idling: poll now instead of at the next interval.
    c.on('exists', (info: { count?: number; prevCount?: number }) => {
      if ((info.count ?? 0) <= (info.prevCount ?? 0)) return;
      if (wake) wake();
      else announced = true;
    });
    client = c;
    await c.connect();
    for (const folder of [processedFolder, discardFolder]) {
      const created = await c.mailboxCreate(folder);
      if (created.created) log.info({ folder }, 'imap folder created');
    }
    log.info('imap connected');
    return c;
  }

  async function cycle(): Promise<PollCycle> {
    const result: PollCycle = { delivered: 0, discarded: 0 };
    let c: ImapFlow;
    try {
      c = await connected();
    } catch (err) {
      dropClient();
      return { ...result, failure: stopping ? 'stopped' : (log.warn({ code: errorCode(err) }, 'imap connection failed'), 'imap') };
    }
    try {
      const lock = await c.getMailboxLock(endpoint.mailbox);
      try {
        // A server may show a session mail delivered since its last command only after a sync
        // (RFC 3501 §5.2): NOOP first, so the search sees everything that is in the mailbox now.
        await c.noop();
        const uids = await c.search({ deleted: false }, { uid: true });
        if (!Array.isArray(uids)) throw new Error('search refused');
        for (const uid of [...uids].sort((a, b) => a - b)) {
          if (stopping) return { ...result, failure: 'stopped' };
          const meta = await c.fetchOne(String(uid), { uid: true, size: true, envelope: true, headers: ['delivered-to', 'x-original-to'] }, { uid: true });
          if (!meta) continue; // expunged meanwhile (another poller took it)
          if ((meta.size ?? 0) > maxBytes) {
            await c.messageMove(String(uid), discardFolder, { uid: true });
            log.warn({ uid, size: meta.size }, 'imap message too large: moved to the discard folder');
            result.discarded++;
            continue;
          }
          const full = await c.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
          if (!full || !full.source) continue;
          const recipients = options.recipient ? [options.recipient.toLowerCase()] : recipientsOf(meta.headers, meta.envelope);
          const source = full.source;
          const handed = Promise.resolve().then(() => options.sink(source, { via: 'imap', recipients }));
          // A stop does not wait for the sink: the message stays here and is handed over again.
          handed.catch(() => undefined);
          let outcome: Awaited<typeof handed> | 'stopped';
          try {
            outcome = await Promise.race([handed, stopSignal]);
          } catch (err) {
            log.warn({ uid, code: errorCode(err) }, 'inbound sink unavailable: the message stays in the mailbox');
            return { ...result, failure: 'sink' };
          }
          if (outcome === 'stopped') return { ...result, failure: 'stopped' };
          if (outcome.accepted) {
            await c.messageMove(String(uid), processedFolder, { uid: true });
            log.debug({ uid }, 'imap message handed over');
            result.delivered++;
          } else {
            await c.messageMove(String(uid), discardFolder, { uid: true });
            log.warn({ uid, refusal: safeReason(outcome.reason) }, 'imap message refused: moved to the discard folder');
            result.discarded++;
          }
        }
      } finally {
        lock.release();
      }
      return result;
    } catch (err) {
      if (stopping) return { ...result, failure: 'stopped' };
      log.warn({ code: errorCode(err) }, 'imap poll failed');
      dropClient();
      return { ...result, failure: 'imap' };
    }
  }

  function delayAfter(c: PollCycle): number {
    if (c.failure !== 'imap' && c.failure !== 'sink') {
      failures = 0;
      return intervalMs;
    }
    failures++;
    const exp = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
    // Up to 20% less, so a fleet of workers does not reconnect in step.
    return Math.min(intervalMs, Math.round(exp * (0.8 + Math.random() * 0.2)));
  }

  const loop = (async () => {
    while (!stopping) {
      const waiting = requested;
      requested = [];
      announced = false;
      const c = await cycle();
      for (const resolve of waiting) resolve(c);
      if (stopping) break;
      const planned = delayAfter(c);
      const delay = requested.length > 0 || (announced && !c.failure) ? 0 : planned;
      if (c.failure) log.info({ retryInMs: delay }, 'imap poll will be retried');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    for (const resolve of requested) resolve({ delivered: 0, discarded: 0, failure: 'stopped' });
    requested = [];
    const c = client;
    client = undefined;
    if (c?.usable) await Promise.race([c.logout().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
    c?.close();
  })();

  log.info({ processedFolder, discardFolder, pollSeconds: intervalMs / 1000 }, 'imap poller started');

  return {
    pollNow() {
      if (stopping) return Promise.resolve({ delivered: 0, discarded: 0, failure: 'stopped' });
      return new Promise<PollCycle>((resolve) => {
        requested.push(resolve);
        wake?.();
      });
    },
    async stop() {
      if (!stopping) {
        stopping = true;
        stopped();
        wake?.();
        log.info('imap poller stopping');
      }
      // A command the server never answers would hold the loop until the socket timeout: cut it.
      const done = await Promise.race([loop.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 3000).unref())]);
      if (!done) client?.close();
      await loop;
    },
  };
}

/** The poller the configuration asks for (`IMAP_URL` set), handing messages to `sink`; undefined when IMAP polling is off. */
export function startImapPolling(
  config: Pick<Config, 'IMAP_URL' | 'IMAP_RECIPIENT' | 'IMAP_PROCESSED_FOLDER' | 'IMAP_DISCARD_FOLDER' | 'IMAP_POLL_SECONDS' | 'IMAP_MAX_MESSAGE_BYTES'>,
  sink: InboundSink,
  logger: Logger,
): ImapPoller | undefined {
  if (!config.IMAP_URL) return undefined;
  return startImapPoller({
    url: config.IMAP_URL,
    sink,
    logger,
    recipient: config.IMAP_RECIPIENT,
    processedFolder: config.IMAP_PROCESSED_FOLDER,
    discardFolder: config.IMAP_DISCARD_FOLDER,
    pollSeconds: config.IMAP_POLL_SECONDS,
    maxMessageBytes: config.IMAP_MAX_MESSAGE_BYTES,
  });
}
