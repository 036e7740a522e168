/**
 * The idempotent email activity against real PostgreSQL and a real SMTP receiver:
 * a logical email leaves once, whatever the retries, crashes and relay outages.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createTestDb, TestDb } from '../support/harness';
import { startSmtpSink, SmtpSinkHandle } from '../../infra/smtp-sink';
import { createMailer } from '../../infra/mailer';
import { createSentEmailStore, SentEmailStore } from '../../infra/stores/sent-emails';
import { messageIdFor, sendEmailOnce, SendEmailInput } from '../../activities/mail';
import { freePort } from '../../infra/ports';

let t: TestDb;
let sink: SmtpSinkHandle;
beforeAll(async () => {
  t = await createTestDb();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
  await t.drop();
});

const email = (key: string): SendEmailInput => ({ key, to: ['ufficio@example.org'], subject: `Prova ${key}`, text: 'testo', html: '<p>testo</p>' });
const run = <T>(fn: () => Promise<T>, attempt = 1, activityId = 'send-1') => new MockActivityEnvironment({ attempt, activityId }).run(fn) as Promise<T>;
const count = (key: string) => sink.messages.filter((m) => m.parsed.subject === `Prova ${key}`).length;

it('sends once per key, with a stable Message-ID', async () => {
  const deps = { mailer: createMailer(sink.url, 'cc@example.org'), sentEmails: createSentEmailStore(t.db) };
  expect((await run(() => sendEmailOnce(deps, email('a')))).status).toBe('sent');
  expect((await run(() => sendEmailOnce(deps, email('a')))).status).toBe('already-sent');
  await sink.waitFor((m) => m.parsed.subject === 'Prova a');
  expect(count('a')).toBe(1);
  expect(sink.messages.find((m) => m.parsed.subject === 'Prova a')!.parsed.messageId).toBe(messageIdFor('a'));
});

it('releases the claim when the relay is down, so the retry sends it once the relay is back', async () => {
  const port = await freePort();
  const deps = { mailer: createMailer(`smtp://127.0.0.1:${port}`, 'cc@example.org'), sentEmails: createSentEmailStore(t.db) };
  await expect(run(() => sendEmailOnce(deps, email('b')))).rejects.toThrow();
  expect(await deps.sentEmails.get('b')).toMatchObject({ status: 'claimed', inDoubt: false });
  const relay = await startSmtpSink({ port });
  try {
    expect((await run(() => sendEmailOnce(deps, email('b')), 2)).status).toBe('sent');
    expect(relay.messages).toHaveLength(1);
  } finally {
    await relay.stop();
  }
});

it('sends again, with the same Message-ID, what an attempt that died after the relay took it may have sent', async () => {
  const store = createSentEmailStore(t.db);
  // The first attempt's process "dies" right after the relay took the message: markSent never happens.
  const dying: SentEmailStore = { ...store, markSent: () => Promise.reject(new Error('worker killed')) };
  const mailer = createMailer(sink.url, 'cc@example.org');
  await expect(run(() => sendEmailOnce({ mailer, sentEmails: dying }, email('c')))).rejects.toThrow('worker killed');
  expect(await store.get('c')).toMatchObject({ status: 'sending', sends: 1 });
  const retry = await run(() => sendEmailOnce({ mailer, sentEmails: store }, email('c')), 2);
  expect(retry).toEqual({ status: 'resent', messageId: messageIdFor('c') });
  await sink.waitFor((m) => m.parsed.subject === 'Prova c');
  for (let i = 0; i < 50 && !sink.duplicates.has(messageIdFor('c')); i++) await new Promise((r) => setTimeout(r, 20));
  // The receiver recognised the copy by its Message-ID and kept one.
  expect(count('c')).toBe(1);
  expect(sink.duplicates.get(messageIdFor('c'))).toBe(1);
  expect(await store.get('c')).toMatchObject({ status: 'sent', inDoubt: true, sends: 2 });
  expect(await store.listInDoubt({ limit: 100, offset: 0 })).toContainEqual(expect.objectContaining({ key: 'c', state: 'sent-maybe-twice' }));
});

it('sends, not in doubt, what a dead attempt claimed but never handed to the relay', async () => {
  const store = createSentEmailStore(t.db);
  const mailer = createMailer(sink.url, 'cc@example.org');
  const diesBeforeSending: SentEmailStore = { ...store, markSending: () => Promise.reject(new Error('worker killed')) };
  await expect(run(() => sendEmailOnce({ mailer, sentEmails: diesBeforeSending }, email('d')))).rejects.toThrow('worker killed');
  expect(await store.listInDoubt({ limit: 100, offset: 0 })).toContainEqual(expect.objectContaining({ key: 'd', state: 'claimed' }));
  expect((await run(() => sendEmailOnce({ mailer, sentEmails: store }, email('d')), 2)).status).toBe('sent');
  await sink.waitFor((m) => m.parsed.subject === 'Prova d');
  expect(await store.get('d')).toMatchObject({ status: 'sent', inDoubt: false, sends: 1 });
  expect((await store.listInDoubt({ limit: 100, offset: 0 })).map((e) => e.key)).not.toContain('d');
});

it('leaves a fresh claim of another live activity alone (retryable), and takes it over once stale', async () => {
  const store = createSentEmailStore(t.db);
  const mailer = createMailer(sink.url, 'cc@example.org');
  const other = { activity: 'other-workflow/run/1', attempt: 1 };
  await store.claim({ key: 'e', messageId: messageIdFor('e'), recipients: ['x@example.org'], subject: 'Prova e', owner: other, staleAfterMs: 60_000 });
  await store.markSending('e', other);
  await expect(run(() => sendEmailOnce({ mailer, sentEmails: store }, email('e')))).rejects.toMatchObject({ type: 'EmailClaimBusy', nonRetryable: false });
  expect(count('e')).toBe(0);
  // Its owner outlived any start-to-close timeout: dead.
  await t.db('sent_emails').where({ key: 'e' }).update({ claimed_at: t.db.raw("now() - interval '1 hour'") });
  expect((await run(() => sendEmailOnce({ mailer, sentEmails: store }, email('e')))).status).toBe('resent');
  await sink.waitFor((m) => m.parsed.subject === 'Prova e');
  expect(count('e')).toBe(1);
});
