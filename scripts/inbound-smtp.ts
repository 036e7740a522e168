/**
 * The product's SMTP listener for inbound mail, as a process of its own (`npm start` runs it after
 * the worker): mail to the catalog's public mailboxes, and citizens' replies to our sending
 * address, is stored and handed to its intake workflow before the 250. Prints `inbound smtp ready`.
 * With IMAP_URL it also polls that mailbox into the same sink (infra/imap-poller.ts).
 */
import { EXIT_CONFIG, loadConfig } from '../infra/config';
import { resolveEndpoints } from '../infra/endpoints';
import { createDb } from '../infra/db';
import { connectClient } from '../infra/temporal';
import { loadCatalogFile } from '../infra/catalog-file';
import { createLogger } from '../infra/logger';
import { createInboundSink } from '../infra/inbound-sink';
import { addressOfSender, startInboundMailListener, type InboundSmtpHandle } from '../infra/inbound-smtp';
import { TASK_QUEUE } from '../workflows/common';
import { startImapPolling } from '../infra/imap-poller';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'inbound-smtp');
  if (!config.INBOUND_SMTP_PORT && !config.IMAP_URL) {
    logger.info('INBOUND_SMTP_PORT is 0 and no IMAP_URL: no inbound mail');
    return;
  }
  const endpoints = resolveEndpoints(config);
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  const db = createDb(endpoints.databaseUrl);
  const client = await connectClient(config, endpoints.temporalAddress);
  const taskQueue = config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE;
  const sink = createInboundSink({ db, temporal: client, taskQueue, catalog, replyAddresses: [addressOfSender(config.MAIL_FROM)] });
  const imap = startImapPolling(config, sink, logger);
  if (imap) logger.info({ everySeconds: config.IMAP_POLL_SECONDS }, 'imap polling started');
  let listener: InboundSmtpHandle | undefined;
  if (config.INBOUND_SMTP_PORT) try {
    listener = await startInboundMailListener({
      port: config.INBOUND_SMTP_PORT,
      host: config.INBOUND_SMTP_HOST,
      maxBytes: config.INBOUND_SMTP_MAX_BYTES,
      tlsCert: config.INBOUND_SMTP_TLS_CERT,
      tlsKey: config.INBOUND_SMTP_TLS_KEY,
      mailFrom: config.MAIL_FROM,
      catalog,
      sink,
      // Codes only: an SMTP session's errors may quote what a sender typed.
      onError: (err) => logger.warn({ code: (err as NodeJS.ErrnoException).code ?? 'error' }, 'inbound SMTP: a message was not taken (the sender will retry)'),
    });
  } catch (err) {
    console.error(`inbound-smtp: cannot listen on port ${config.INBOUND_SMTP_PORT} (INBOUND_SMTP_PORT): ${(err as Error).message}`);
    process.exit(EXIT_CONFIG);
  }
  if (listener) logger.info({ port: listener.port, starttls: !!config.INBOUND_SMTP_TLS_CERT, maxBytes: config.INBOUND_SMTP_MAX_BYTES }, 'inbound smtp ready');
  const stop = async () => {
    await imap?.stop();
    await listener?.stop();
    await client.connection.close();
    await db.destroy();
    logger.info('inbound smtp stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
