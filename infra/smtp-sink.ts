import { mkdirSync, writeFileSync } from 'node:fs';
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
  messages: CapturedMail[];
  /** Resolves with the first captured mail (past or future) matching `predicate`. */
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
}

/**
 * A real SMTP receiver for development and tests: accepts every message and keeps it
 * (in memory and, when `dir` is given, as an .eml file).
 */
export async function startSmtpSink(opts: { port?: number; host?: string; dir?: string } = {}): Promise<SmtpSinkHandle> {
  const messages: CapturedMail[] = [];
  const events = new EventEmitter();
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  let counter = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            let file: string | undefined;
            if (opts.dir) {
              file = path.join(opts.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++counter}.eml`);
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
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  return {
    url: `smtp://${host}:${port}`,
    port,
    messages,
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
