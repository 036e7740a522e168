/**
 * The one entry point of inbound mail, whatever carried it (the product's SMTP listener, the IMAP
 * poller): keep the raw message in PostgreSQL, then start its intake workflow. It answers
 * `accepted: true` only once both are durable, so the carrier may acknowledge (SMTP 250, IMAP move
 * to the processed folder); anything else (a throw, an outage) means "not taken: deliver again".
 * The same message delivered twice is one intake (keyed by Message-ID, else by the raw bytes).
 */
import type { Client } from '@temporalio/client';
import type { Db } from './db';
import type { ServiceCatalog } from '../domain/catalog';

export interface InboundMeta {
  via: 'smtp' | 'imap';
  /** Envelope recipients (SMTP RCPT TO) or the polled mailbox's address (IMAP). */
  recipients: string[];
}

export interface InboundResult {
  accepted: boolean;
  /** Why not accepted (a permanent refusal: no catalog mailbox among the recipients). */
  reason?: string;
}

export type InboundSink = (raw: Buffer, meta: InboundMeta) => Promise<InboundResult>;

export interface InboundSinkDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  catalog: ServiceCatalog;
}

export function createInboundSink(deps: InboundSinkDeps): InboundSink {
  void deps;
  return async () => ({ accepted: false, reason: 'not implemented yet' });
}
