import { ApplicationFailure, log } from '@temporalio/activity';
import type { Mailer } from '../infra/mailer';
import type { SentEmailStore } from '../infra/stores/sent-emails';
import { createHash } from 'node:crypto';

export interface SendEmailInput {
  /** One key per logical email, e.g. `contact:123/answer`: the same key is never sent twice. */
  key: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  /** Inline (base64, from workflows) or a file on the activity's disk (large exports). */
  attachments?: ({ filename: string; contentType?: string } & ({ contentBase64: string } | { path: string }))[];
}

export interface SendEmailResult {
  status: 'sent' | 'already-sent' | 'unconfirmed';
  messageId: string;
}

/** A stable Message-ID per logical email, so receivers can also recognise a copy. */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@contact-center.example.org>`;
}

export interface MailDeps {
  mailer: Mailer;
  sentEmails: SentEmailStore;
}

/**
 * Sends each logical email at most once, even across retries and crashes:
 * claim the key, send, mark sent. A refusal by the relay releases the claim (a retry may send);
 * a claim left by an attempt that died mid-send is counted as sent and flagged 'unconfirmed'.
 */
export async function sendEmailOnce(deps: MailDeps, input: SendEmailInput): Promise<SendEmailResult> {
  const recipients = [...input.to, ...(input.cc ?? [])].filter(Boolean);
  if (recipients.length === 0) throw ApplicationFailure.nonRetryable(`email ${input.key} has no recipient`, 'NoRecipient');
  const messageId = messageIdFor(input.key);
  const claim = await deps.sentEmails.claim({ key: input.key, messageId, recipients, subject: input.subject });
  if (claim === 'already-sent') return { status: 'already-sent', messageId };
  if (claim === 'in-doubt') {
    log.warn('an earlier attempt may have sent this email; not sending again', { key: input.key });
    await deps.sentEmails.markUnconfirmed(input.key);
    return { status: 'unconfirmed', messageId };
  }
  try {
    await deps.mailer.send({
      messageId,
      to: input.to,
      cc: input.cc,
      subject: input.subject,
      text: input.text,
      html: input.html,
      attachments: input.attachments?.map((a) =>
        'path' in a ? { filename: a.filename, path: a.path, contentType: a.contentType } : { filename: a.filename, content: Buffer.from(a.contentBase64, 'base64'), contentType: a.contentType },
      ),
    });
  } catch (err) {
    await deps.sentEmails.release(input.key);
    throw err; // retryable: the relay may come back
  }
  await deps.sentEmails.markSent(input.key);
  return { status: 'sent', messageId };
}

export function createMailActivities(deps: MailDeps) {
  return {
    async sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
      return sendEmailOnce(deps, input);
    },
  };
}
