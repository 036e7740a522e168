/**
 * The product's own SMTP listener for inbound mail: it takes messages for the catalog's public
 * mailboxes only (others are refused at RCPT with 550), refuses oversize ones (552), offers STARTTLS
 * when a certificate is configured, and answers 250 only once the inbound sink has stored the
 * message and started its intake: a failure before that is a 451, and the sender retries.
 */
import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { InboundSink } from './inbound-sink';
import { inboundMailboxIndex, type ServiceCatalog } from '../domain/catalog';

export interface InboundSmtpOptions {
  port: number;
  host?: string;
  /** Lower-case addresses accepted at RCPT. */
  mailboxes: Set<string>;
  maxBytes: number;
  sink: InboundSink;
  /** PEM files: STARTTLS is offered when both are given. */
  tls?: { certFile: string; keyFile: string };
  /** Called with an error that ended a session (never with message content). */
  onError?: (err: Error) => void;
}

export interface InboundSmtpHandle {
  port: number;
  url: string;
  stop(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startInboundSmtp(opts: InboundSmtpOptions): Promise<InboundSmtpHandle> {
  const tls = opts.tls ? { key: readFileSync(opts.tls.keyFile), cert: readFileSync(opts.tls.certFile) } : undefined;
  const options: SMTPServerOptions = {
    name: 'contact-center',
    banner: 'inbound mail',
    authOptional: true,
    // A receiving MX: no AUTH; STARTTLS only with a certificate.
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ?? {}),
    logger: false,
    size: opts.maxBytes,
    maxClients: 200,
    socketTimeout: 60_000,
    closeTimeout: 2_000,
    onRcptTo(address, _session, callback) {
      if (opts.mailboxes.has(address.address.trim().toLowerCase())) return callback();
      callback(smtpError(550, '5.1.1 No such mailbox here'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err: Error) => callback(smtpError(451, `4.3.0 ${err.message}`)));
      stream.on('end', () => {
        // smtp-server keeps reading past the limit and flags it: the message is refused whole.
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(smtpError(552, `5.3.4 Message too big (limit ${opts.maxBytes} bytes)`));
        const raw = Buffer.concat(chunks);
        const mailFrom = session.envelope.mailFrom;
        opts
          .sink(raw, { via: 'smtp', recipients: session.envelope.rcptTo.map((r) => r.address), envelopeFrom: mailFrom ? mailFrom.address : '' })
          .then((r) => callback(r.accepted ? null : smtpError(550, `5.7.1 ${r.reason ?? 'Refused'}`)))
          .catch((err: Error) => {
            opts.onError?.(err);
            callback(smtpError(451, '4.3.0 Temporarily unable to accept the message, try again later'));
          });
      });
    },
  };
  const server = new SMTPServer(options);
  // A client that drops its connection ends its session, never the listener.
  server.on('error', (err: Error) => opts.onError?.(err));
  const host = opts.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    url: `smtp://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The address of a `Name <address>` sender (MAIL_FROM): replies to our emails arrive there. */
export function addressOfSender(from: string): string {
  return (/<([^<>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/**
 * The listener as the worker runs it: the catalog's public mailboxes plus our sending address
 * (where citizens' replies arrive), feeding the inbound sink.
 */
export async function startInboundMailListener(opts: {
  port: number;
  host: string;
  maxBytes: number;
  tlsCert?: string;
  tlsKey?: string;
  mailFrom: string;
  catalog: ServiceCatalog;
  sink: InboundSink;
  onError?: (err: Error) => void;
}): Promise<InboundSmtpHandle> {
  const mailboxes = new Set([...inboundMailboxIndex(opts.catalog).keys(), addressOfSender(opts.mailFrom)]);
  if ((opts.tlsCert && !opts.tlsKey) || (!opts.tlsCert && opts.tlsKey)) throw new Error('INBOUND_SMTP_TLS_CERT and INBOUND_SMTP_TLS_KEY go together');
  return startInboundSmtp({
    port: opts.port,
    host: opts.host,
    mailboxes,
    maxBytes: opts.maxBytes,
    sink: opts.sink,
    tls: opts.tlsCert && opts.tlsKey ? { certFile: opts.tlsCert, keyFile: opts.tlsKey } : undefined,
    onError: opts.onError,
  });
}
