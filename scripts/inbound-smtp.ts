/**
 * The product's SMTP listener for inbound mail, as a process of its own (`npm start` runs it after
 * the worker): mail to the catalog's public mailboxes, and citizens' replies to our sending
 * address, is stored and handed to its intake workflow before the 250. Prints `inbound smtp ready`.
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

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'inbound-smtp');
  if (!config.INBOUND_SMTP_PORT) {
    logger.info('INBOUND_SMTP_PORT is 0: no inbound SMTP listener');
    return;
  }
  const endpoints = resolveEndpoints(config);
  const catalog = loadCatalogFile(config.SERVICES_FILE);
  const db = createDb(endpoints.databaseUrl);
  const client = await connectClient(config, endpoints.temporalAddress);
  const taskQueue = config.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE;
  let listener: InboundSmtpHandle;
  try {
    listener = await startInboundMailListener({
      port: config.INBOUND_SMTP_PORT,
      host: config.INBOUND_SMTP_HOST,
      maxBytes: config.INBOUND_SMTP_MAX_BYTES,
      tlsCert: config.INBOUND_SMTP_TLS_CERT,
      tlsKey: config.INBOUND_SMTP_TLS_KEY,
      mailFrom: config.MAIL_FROM,
      catalog,
      sink: createInboundSink({ db, temporal: client, taskQueue, catalog, replyAddresses: [addressOfSender(config.MAIL_FROM)] }),
      // Codes only: an SMTP session's errors may quote what a sender typed.
      onError: (err) => logger.warn({ code: (err as NodeJS.ErrnoException).code ?? 'error' }, 'inbound SMTP: a message was not taken (the sender will retry)'),
    });
  } catch (err) {
    console.error(`inbound-smtp: cannot listen on port ${config.INBOUND_SMTP_PORT} (INBOUND_SMTP_PORT): ${(err as Error).message}`);
    process.exit(EXIT_CONFIG);
  }
  logger.info({ port: listener.port, starttls: !!config.INBOUND_SMTP_TLS_CERT, maxBytes: config.INBOUND_SMTP_MAX_BYTES }, 'inbound smtp ready');
  const stop = async () => {
    await listener.stop();
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
