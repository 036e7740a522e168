import type { Db } from '../db';

/**
 * One row per logical email, through claimed → sending → sent. `sending` means the relay may have
 * the message; a row left in `claimed` or `sending` by a dead attempt is taken over by the next one.
 */
export type SentEmailState = 'claimed' | 'sending' | 'sent';

/** Who claims: one activity (workflow run + activity id) and its attempt number. */
export interface ClaimOwner {
  activity: string;
  attempt: number;
}

export type ClaimResult =
  | { outcome: 'already-sent'; messageId: string }
  /** Ours to send; `inDoubt`: an earlier attempt was interrupted after handing it to the relay. */
  | { outcome: 'claimed'; messageId: string; inDoubt: boolean }
  /** Another live attempt holds the claim: retry later. */
  | { outcome: 'busy' };

export interface InDoubtEmail {
  key: string;
  template: string | null;
  state: 'claimed' | 'sending' | 'sent-maybe-twice';
  claimedAt: string;
  sentAt: string | null;
}

export interface SentEmailStore {
  /**
   * Claims `key` for `owner`. An existing unsent claim is taken over when it is released, held by an
   * earlier attempt of the same activity (Temporal retries only after that attempt failed or timed
   * out), or older than `staleAfterMs` (its owner outlived any start-to-close timeout).
   */
  claim(input: { key: string; messageId: string; recipients: string[]; subject: string; template?: string; owner: ClaimOwner; staleAfterMs: number }): Promise<ClaimResult>;
  /** The owner is about to hand the message to the relay; false if the claim was taken over. */
  markSending(key: string, owner: ClaimOwner): Promise<boolean>;
  markSent(key: string, owner: ClaimOwner): Promise<void>;
  /**
   * The send failed: the claim is released for the retry (state back to claimed). `mayHaveLeft`:
   * the relay may have the message anyway (connection lost mid-exchange), so a copy may follow.
   */
  release(key: string, owner: ClaimOwner, mayHaveLeft: boolean): Promise<void>;
  get(key: string): Promise<{ status: SentEmailState; messageId: string; sentAt: string | null; inDoubt: boolean; sends: number } | undefined>;
  /** Emails not confirmed sent, and those sent again after an interrupted send (a copy may exist). */
  listInDoubt(page: { limit: number; offset: number }): Promise<InDoubtEmail[]>;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function createSentEmailStore(db: Db): SentEmailStore {
  const owned = (key: string, owner: ClaimOwner) => db('sent_emails').where({ key, owner: owner.activity, attempt: owner.attempt });
  return {
    async claim({ key, messageId, recipients, subject, template, owner, staleAfterMs }) {
      return db.transaction(async (trx) => {
        const inserted = await trx('sent_emails')
          .insert({ key, message_id: messageId, status: 'claimed', recipients, subject, template: template ?? null, owner: owner.activity, attempt: owner.attempt })
          .onConflict('key')
          .ignore()
          .returning('key');
        if (inserted.length > 0) return { outcome: 'claimed', messageId, inDoubt: false };
        const row = await trx('sent_emails').where({ key }).forUpdate().first();
        if (row.status === 'sent') return { outcome: 'already-sent', messageId: row.message_id };
        const ageMs = Date.now() - new Date(row.claimed_at).getTime();
        const takeOver =
          row.owner === null ||
          (row.owner === owner.activity && (row.attempt ?? 0) !== owner.attempt) ||
          ageMs > staleAfterMs;
        if (!takeOver) return { outcome: 'busy' };
        const inDoubt = row.in_doubt || row.status === 'sending';
        await trx('sent_emails')
          .where({ key })
          .update({ status: 'claimed', owner: owner.activity, attempt: owner.attempt, claimed_at: trx.fn.now(), in_doubt: inDoubt, template: row.template ?? template ?? null });
        // The Message-ID stored with the first claim: a copy is recognisable as the same message.
        return { outcome: 'claimed', messageId: row.message_id, inDoubt };
      });
    },
    async markSending(key, owner) {
      const n = await owned(key, owner).update({ status: 'sending', send_started_at: db.fn.now(), sends: db.raw('sends + 1') });
      return n > 0;
    },
    async markSent(key, owner) {
      await owned(key, owner).update({ status: 'sent', sent_at: db.fn.now() });
    },
    async release(key, owner, mayHaveLeft) {
      await owned(key, owner).update({ status: 'claimed', owner: null, attempt: null, ...(mayHaveLeft ? { in_doubt: true } : {}) });
    },
    async get(key) {
      const row = await db('sent_emails').where({ key }).first();
      return row ? { status: row.status, messageId: row.message_id, sentAt: iso(row.sent_at), inDoubt: row.in_doubt, sends: row.sends } : undefined;
    },
    async listInDoubt({ limit, offset }) {
      const rows = await db('sent_emails')
        .where((q) => q.whereNot({ status: 'sent' }).orWhere({ in_doubt: true }))
        .orderBy('claimed_at', 'desc')
        .orderBy('key')
        .limit(limit)
        .offset(offset)
        .select('key', 'template', 'status', 'claimed_at', 'sent_at');
      return rows.map((r) => ({
        key: r.key,
        template: r.template,
        state: r.status === 'sent' ? 'sent-maybe-twice' : r.status,
        claimedAt: iso(r.claimed_at)!,
        sentAt: iso(r.sent_at),
      }));
    },
  };
}
