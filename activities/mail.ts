import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { mayHaveReachedRelay, type Mailer } from '../infra/mailer';
import type { ClaimOwner, SentEmailStore } from '../infra/stores/sent-emails';
import { createHash, randomUUID } from 'node:crypto';

export interface SendEmailInput {
  /** One key per logical email, e.g. `contact:123/answer`: the same key is never sent twice. */
  key: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  /** What kind of email (a template name), shown in the supervisor's in-doubt list. */
  template?: string;
  /** Inline (base64, from workflows) or a file on the activity's disk (large exports). */
  attachments?: ({ filename: string; contentType?: string } & ({ contentBase64: string } | { path: string }))[];
}

export interface SendEmailResult {
  /** `resent`: sent again after an interrupted send, so the receiver may hold a copy (same Message-ID). */
  status: 'sent' | 'already-sent' | 'resent';
  messageId: string;
}

/** The domain of our Message-IDs: an inbound message with one is our own mail coming back (a loop). */
export const OUR_MESSAGE_ID_DOMAIN = 'contact-center.example.org';

/** A stable Message-ID per logical email, so receivers can also recognise a copy (and a reply finds its case). */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${OUR_MESSAGE_ID_DOMAIN}>`;
}

export interface MailDeps {
  mailer: Mailer;
  sentEmails: SentEmailStore;
}

/** A claim older than this is stale whatever its owner (outside an activity: no timeout known). */
const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

/** The running activity attempt, which owns the claim while it sends. */
function currentAttempt(): { owner: ClaimOwner; staleAfterMs: number } {
  let info: Context['info'] | undefined;
  try {
    info = Context.current().info;
  } catch {
    info = undefined; // called outside an activity (scripts): a one-off owner
  }
  if (!info) return { owner: { activity: `process:${randomUUID()}`, attempt: 1 }, staleAfterMs: DEFAULT_STALE_AFTER_MS };
  const e = info.workflowExecution;
  return {
    owner: { activity: `${e?.workflowId ?? info.activityType}/${e?.runId ?? ''}/${info.activityId}`, attempt: info.attempt },
    // An attempt that lived longer than its start-to-close timeout is dead for Temporal too.
    staleAfterMs: (info.startToCloseTimeoutMs || DEFAULT_STALE_AFTER_MS) + 5_000,
  };
}

/**
 * Sends each logical email once, and never loses one across retries and crashes: claim the key,
 * mark it `sending`, hand it to the relay, mark it `sent`. A relay refusal releases the claim for
 * the retry. An attempt that finds the claim of a dead attempt sends again with the same
 * Message-ID: if the dead attempt was already `sending`, the row is flagged in doubt (a receiver
 * may get one identical copy, which it can recognise) rather than risking a lost answer.
 */
export async function sendEmailOnce(deps: MailDeps, input: SendEmailInput): Promise<SendEmailResult> {
  const recipients = [...input.to, ...(input.cc ?? [])].filter(Boolean);
  if (recipients.length === 0) throw ApplicationFailure.nonRetryable(`email ${input.key} has no recipient`, 'NoRecipient');
  const { owner, staleAfterMs } = currentAttempt();
  const claim = await deps.sentEmails.claim({ key: input.key, messageId: messageIdFor(input.key), recipients, subject: input.subject, template: input.template, owner, staleAfterMs });
  if (claim.outcome === 'already-sent') return { status: 'already-sent', messageId: claim.messageId };
  // Retryable: the other attempt finishes, or its claim goes stale.
  if (claim.outcome === 'busy') throw ApplicationFailure.retryable(`email ${input.key} is being sent by another attempt`, 'EmailClaimBusy');
  const { messageId, inDoubt } = claim;
  if (inDoubt) log.warn('an interrupted attempt may have sent this email; sending it again with the same Message-ID', { key: input.key });
  if (!(await deps.sentEmails.markSending(input.key, owner))) throw ApplicationFailure.retryable(`email ${input.key} was taken over by another attempt`, 'EmailClaimBusy');
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
    await deps.sentEmails.release(input.key, owner, mayHaveReachedRelay(err));
    throw err; // retryable: the relay may come back
  }
  await deps.sentEmails.markSent(input.key, owner);
  return { status: inDoubt ? 'resent' : 'sent', messageId };
}

export function createMailActivities(deps: MailDeps) {
  return {
    async sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
      return sendEmailOnce(deps, input);
    },
  };
}
