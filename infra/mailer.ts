import nodemailer from 'nodemailer';

export interface OutgoingMail {
  messageId: string;
  from?: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content?: Buffer | string; path?: string; contentType?: string }[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ accepted: string[] }>;
  verify(): Promise<void>;
  close(): void;
}

/** Pooled connections per worker: a burst of emails reuses them instead of one connection per email. */
export const SMTP_MAX_CONNECTIONS = 5;

/** A mailer over any SMTP relay (`smtp://host:port`, `smtps://user:pass@host`), with pooled connections. */
export function createMailer(smtpUrl: string, defaultFrom: string): Mailer {
  // maxMessages renews a connection now and then, as relays limit messages per connection.
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: SMTP_MAX_CONNECTIONS, maxMessages: 100 });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from ?? defaultFrom,
        to: mail.to,
        cc: mail.cc,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        attachments: mail.attachments,
      });
      return { accepted: (info.accepted ?? []).map(String) };
    },
    async verify() {
      await transport.verify();
    },
    close: () => transport.close(),
  };
}

/** System errors of a connection that never opened: the relay cannot have the message. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Whether the relay may have taken a message although the send failed: false only when the
 * connection never opened or the relay answered with a refusal; a connection lost or a timeout
 * during the exchange may have come after the relay accepted the data.
 */
export function mayHaveReachedRelay(err: unknown): boolean {
  const e = err as { responseCode?: unknown; originalCode?: unknown; code?: unknown };
  if (typeof e?.responseCode === 'number' && e.responseCode >= 400) return false;
  if (NEVER_CONNECTED.has(String(e?.originalCode ?? e?.code))) return false;
  return true;
}
