/**
 * The one entry point of inbound mail, whatever carried it (the product's SMTP listener, the IMAP
 * poller): keep the raw message in PostgreSQL, then start its intake workflow. It answers
 * `accepted: true` only once both are durable, so the carrier may acknowledge (SMTP 250, IMAP move
 * to the processed folder); anything else (a throw, an outage) means "not taken: deliver again".
 * The same message delivered twice is one intake (keyed by Message-ID, else by the raw bytes).
 */
import { createHash } from 'node:crypto';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Db } from './db';
import { inboundMailboxIndex, type ServiceCatalog } from '../domain/catalog';
import { createInboundMailStore } from './stores/inbound-mail';

export interface InboundMeta {
  via: 'smtp' | 'imap';
  /** Envelope recipients (SMTP RCPT TO) or the polled mailbox's address (IMAP). */
  recipients: string[];
  /** SMTP MAIL FROM ('' for a bounce's null sender); unknown over IMAP. */
  envelopeFrom?: string;
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
  /** Our sending address(es) (MAIL_FROM): citizens' replies arrive there; they name no service. */
  replyAddresses?: string[];
}

/** The intake workflow's type and id (workflows/inbound-mail.ts; infra may not import workflows). */
export const INBOUND_MAIL_WORKFLOW = 'inboundMailWorkflow';
export const inboundMailWorkflowId = (key: string) => `inbound-mail:${key}`;

/** Longest header block read for the Message-ID: a message with a bigger one is keyed by its bytes. */
const MAX_HEADER_SCAN = 256 * 1024;

/** The Message-ID header of a raw message, normalised (`<local@domain>`), if any. Never throws. */
export function messageIdOf(raw: Buffer): string | undefined {
  const head = raw.subarray(0, MAX_HEADER_SCAN).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const headers = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:[ \t]*(.*)$/im.exec(headers);
  if (!m) return undefined;
  const value = m[1].trim();
  const bracketed = /<([^<>\s]{1,900})>/.exec(value);
  const id = bracketed ? bracketed[1] : value.split(/\s+/)[0];
  if (!id || id.length > 900 || !/^[\x21-\x7e]+$/.test(id)) return undefined;
  return `<${id}>`;
}

/** The intake key: a hash of the Message-ID, or of the raw bytes when there is none. */
export function inboundKeyOf(raw: Buffer, messageId: string | undefined): string {
  const basis = messageId ? `mid:${messageId.toLowerCase()}` : `raw:${createHash('sha256').update(raw).digest('hex')}`;
  return createHash('sha256').update(basis).digest('hex').slice(0, 32);
}

export function createInboundSink(deps: InboundSinkDeps): InboundSink {
  const store = createInboundMailStore(deps.db);
  const mailboxes = inboundMailboxIndex(deps.catalog);
  const replyAddresses = new Set((deps.replyAddresses ?? []).map((a) => a.trim().toLowerCase()));
  return async (raw, meta) => {
    const recipients = [...new Set(meta.recipients.map((r) => r.trim().toLowerCase()))];
    const ours = recipients.filter((r) => mailboxes.has(r) || replyAddresses.has(r));
    if (ours.length === 0) return { accepted: false, reason: 'no mailbox of the catalog among the recipients' };
    const messageId = messageIdOf(raw);
    const key = inboundKeyOf(raw, messageId);
    await store.insertReceived({ id: key, messageId: messageId ?? null, via: meta.via, recipients: ours, envelopeFrom: meta.envelopeFrom ?? null, service: ours.map((r) => mailboxes.get(r)).find(Boolean) ?? null, raw });
    try {
      await deps.temporal.workflow.start(INBOUND_MAIL_WORKFLOW, {
        workflowId: inboundMailWorkflowId(key),
        taskQueue: deps.taskQueue,
        args: [{ key }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      // Delivered again after its intake finished: already taken, nothing more to do.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { accepted: true };
  };
}
