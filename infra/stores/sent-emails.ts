import type { Db } from '../db';

export type ClaimResult = 'claimed' | 'already-sent' | 'in-doubt';

export interface SentEmailStore {
  /** Claims `key` for sending; says whether an earlier attempt already sent it or may have. */
  claim(input: { key: string; messageId: string; recipients: string[]; subject: string }): Promise<ClaimResult>;
  markSent(key: string): Promise<void>;
  /** The claim is released when the relay refused the message: nothing left, a retry may send. */
  release(key: string): Promise<void>;
  /** An earlier attempt died between the relay's acceptance and markSent: count it as sent, flagged. */
  markUnconfirmed(key: string): Promise<void>;
  get(key: string): Promise<{ status: string; messageId: string; sentAt: string | null } | undefined>;
}

export function createSentEmailStore(db: Db): SentEmailStore {
  return {
    async claim({ key, messageId, recipients, subject }) {
      const inserted = await db('sent_emails')
        .insert({ key, message_id: messageId, status: 'sending', recipients, subject })
        .onConflict('key')
        .ignore()
        .returning('key');
      if (inserted.length > 0) return 'claimed';
      const row = await db('sent_emails').where({ key }).first();
      return row?.status === 'sending' ? 'in-doubt' : 'already-sent';
    },
    async markSent(key) {
      await db('sent_emails').where({ key }).update({ status: 'sent', sent_at: db.fn.now() });
    },
    async release(key) {
      await db('sent_emails').where({ key, status: 'sending' }).delete();
    },
    async markUnconfirmed(key) {
      await db('sent_emails').where({ key, status: 'sending' }).update({ status: 'unconfirmed', sent_at: db.fn.now() });
    },
    async get(key) {
      const row = await db('sent_emails').where({ key }).first();
      return row ? { status: row.status, messageId: row.message_id, sentAt: row.sent_at ? row.sent_at.toISOString() : null } : undefined;
    },
  };
}
