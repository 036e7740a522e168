import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { SMTPServer } from 'smtp-server';
import { simpleParser, ParsedMail } from 'mailparser';

export interface CapturedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  file?: string;
}

export interface SmtpSinkHandle {
  url: string;
  port: number;
  /** One entry per message: a copy with a Message-ID already received is not added again. */
  messages: CapturedMail[];
  /** Copies recognised by their Message-ID and not kept, per Message-ID. */
  duplicates: Map<string, number>;
  /** Resolves with the first captured mail (past or future) matching `predicate`. */
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
}

/**
 * A real SMTP receiver for development and tests: accepts every message and keeps it
 * (in memory and, when `dir` is given, as an .eml file). Like a mailbox that deduplicates, it keeps
 * one message per Message-ID: a copy sent again after an interrupted send is counted, not kept.
 */
export async function startSmtpSink(opts: { port?: number; host?: string; dir?: string } = {}): Promise<SmtpSinkHandle> {
  const messages: CapturedMail[] = [];
  const duplicates = new Map<string, number>();
  const seen = new Set<string>();
  const events = new EventEmitter();
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  let counter = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    // stop() is a relay going down: idle pooled client connections are dropped, not waited for 30 s.
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const messageId = parsed.messageId;
            // The file is named after the Message-ID, so a copy is recognised after a restart too.
            const idFile = messageId && opts.dir ? path.join(opts.dir, `${createHash('sha256').update(messageId).digest('hex').slice(0, 24)}.eml`) : undefined;
            if (messageId && (seen.has(messageId) || (idFile && existsSync(idFile)))) {
              seen.add(messageId);
              duplicates.set(messageId, (duplicates.get(messageId) ?? 0) + 1);
              return callback();
            }
            if (messageId) seen.add(messageId);
            let file: string | undefined;
            if (opts.dir) {
              file = idFile ?? path.join(opts.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++counter}.eml`);
              writeFileSync(file, raw);
            }
            const mail: CapturedMail = {
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              raw,
              parsed,
              file,
            };
            messages.push(mail);
            events.emit('mail', mail);
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  // A client that dies mid-session (a worker killed with SIGKILL) resets its connection: that ends
  // the session, not the receiver.
  server.on('error', () => undefined);
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  return {
    url: `smtp://${host}:${port}`,
    port,
    messages,
    duplicates,
    waitFor(predicate, timeoutMs = 20_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('mail', onMail);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} captured)`));
        }, timeoutMs);
        const onMail = (m: CapturedMail) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off('mail', onMail);
          resolve(m);
        };
        events.on('mail', onMail);
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
