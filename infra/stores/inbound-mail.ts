/**
 * Inbound emails (table `inbound_messages`) and their attachments (`inbound_attachments`): written
 * by the inbound sink (the raw message) and the intake's activities (what was parsed, the outcome).
 */
import type { Db } from '../db';

export type InboundStatus = 'received' | 'contact' | 'reply' | 'discarded';

export interface InboundMessageRow {
  id: string;
  messageId: string | null;
  via: string;
  recipients: string[];
  envelopeFrom: string | null;
  service: string | null;
  raw: Buffer | null;
  size: number;
  sender: string | null;
  subject: string | null;
  body: string | null;
  inReplyTo: string | null;
  references: string[];
  status: InboundStatus;
  discardReason: string | null;
  contactId: string | null;
  targetType: string | null;
  targetId: string | null;
  receivedAt: string;
}

export interface AttachmentInfo {
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  /** false when the file was over the size cap: listed with its checksum, content not kept. */
  stored: boolean;
}

export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer | null;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function fromRow(r: any): InboundMessageRow {
  return {
    id: r.id,
    messageId: r.message_id,
    via: r.via,
    recipients: r.recipients ?? [],
    envelopeFrom: r.envelope_from,
    service: r.service,
    raw: r.raw ?? null,
    size: r.size,
    sender: r.sender,
    subject: r.subject,
    body: r.body,
    inReplyTo: r.in_reply_to,
    references: r.reference_ids ?? [],
    status: r.status,
    discardReason: r.discard_reason,
    contactId: r.contact_id,
    targetType: r.target_type,
    targetId: r.target_id,
    receivedAt: new Date(r.received_at).toISOString(),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export function createInboundMailStore(db: Db) {
  return {
    /** Keeps a received message; the same id twice keeps the first. Returns whether it was new. */
    async insertReceived(m: { id: string; messageId: string | null; via: string; recipients: string[]; envelopeFrom: string | null; service: string | null; raw: Buffer }): Promise<boolean> {
      const rows = await db('inbound_messages')
        .insert({ id: m.id, message_id: m.messageId, via: m.via, recipients: m.recipients, envelope_from: m.envelopeFrom, service: m.service, raw: m.raw, size: m.raw.length })
        .onConflict('id')
        .ignore()
        .returning('id');
      return rows.length > 0;
    },

    async get(id: string): Promise<InboundMessageRow | undefined> {
      const r = await db('inbound_messages').where({ id }).first();
      return r ? fromRow(r) : undefined;
    },

    /** What the parser found, and the attachments (replaced as a whole: a retried parse writes the same). */
    async saveParsed(id: string, p: { sender: string | null; subject: string | null; body: string | null; inReplyTo: string | null; references: string[] }, attachments: ParsedAttachment[]): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('inbound_messages').where({ id }).update({ sender: p.sender, subject: p.subject, body: p.body, in_reply_to: p.inReplyTo, reference_ids: p.references });
        await trx('inbound_attachments').where({ message_key: id }).delete();
        if (attachments.length > 0)
          await trx('inbound_attachments').insert(
            attachments.map((a, i) => ({ id: `${id}-${i + 1}`, message_key: id, position: i + 1, filename: a.filename, content_type: a.contentType, size: a.size, sha256: a.sha256, content: a.content })),
          );
      });
    },

    /** The contact number of a message that opens a contact, allocated once (a retry gets the same). */
    async allocateContactId(id: string, next: () => Promise<string>): Promise<string> {
      const row = await db('inbound_messages').where({ id }).first('contact_id');
      if (row?.contact_id) return row.contact_id as string;
      const candidate = await next();
      await db('inbound_messages').where({ id }).whereNull('contact_id').update({ contact_id: candidate });
      const after = await db('inbound_messages').where({ id }).first('contact_id');
      return after.contact_id as string;
    },

    async markOutcome(id: string, o: { status: InboundStatus; discardReason?: string; contactId?: string | null; targetType?: string | null; targetId?: string | null }): Promise<void> {
      await db.transaction(async (trx) => {
        const patch: Record<string, unknown> = { status: o.status, discard_reason: o.discardReason ?? null, processed_at: trx.fn.now() };
        if (o.contactId !== undefined) patch.contact_id = o.contactId;
        if (o.targetType !== undefined) patch.target_type = o.targetType;
        if (o.targetId !== undefined) patch.target_id = o.targetId;
        await trx('inbound_messages').where({ id }).update(patch);
        if (o.contactId) await trx('inbound_attachments').where({ message_key: id }).update({ contact_id: o.contactId });
      });
    },

    async attachmentsCount(key: string): Promise<number> {
      const r = await db('inbound_attachments').where({ message_key: key }).count<{ n: string }[]>({ n: '*' });
      return Number(r[0].n);
    },

    /** Attachments of every email of a contact, oldest first. */
    async attachmentsOfContact(contactId: string): Promise<AttachmentInfo[]> {
      const rows = (await db('inbound_attachments')
        .where({ contact_id: contactId })
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .select('id', 'filename', 'content_type', 'size', 'sha256', db.raw('content is not null as stored'))) as Record<string, unknown>[];
      return rows.map((r) => ({ id: r.id as string, filename: (r.filename as string | null) ?? null, contentType: r.content_type as string, size: Number(r.size), sha256: r.sha256 as string, stored: Boolean(r.stored) }));
    },

    /** The key of one of our sent emails with one of these Message-IDs (a reply's In-Reply-To/References). */
    async sentEmailKeyOf(messageIds: string[]): Promise<string | undefined> {
      if (messageIds.length === 0) return undefined;
      const row = await db('sent_emails').whereIn('message_id', messageIds).orderBy('claimed_at', 'desc').first('key');
      return row?.key as string | undefined;
    },

    async isOurMessageId(messageId: string): Promise<boolean> {
      return !!(await db('sent_emails').where({ message_id: messageId }).first('key'));
    },
  };
}

export type InboundMailStore = ReturnType<typeof createInboundMailStore>;
