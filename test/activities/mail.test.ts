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
const run = <T>(fn: () => Promise<T>) => new MockActivityEnvironment().run(fn) as Promise<T>;
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
  expect(await deps.sentEmails.get('b')).toBeUndefined();
  const relay = await startSmtpSink({ port });
  try {
    expect((await run(() => sendEmailOnce(deps, email('b')))).status).toBe('sent');
    expect(relay.messages).toHaveLength(1);
  } finally {
    await relay.stop();
  }
});

it('does not send again when an attempt died after the relay accepted the message', async () => {
  const store = createSentEmailStore(t.db);
  // The first attempt's process "dies" right after the relay took the message: markSent never happens.
  const dying: SentEmailStore = { ...store, markSent: () => Promise.reject(new Error('worker killed')) };
  const mailer = createMailer(sink.url, 'cc@example.org');
  await expect(run(() => sendEmailOnce({ mailer, sentEmails: dying }, email('c')))).rejects.toThrow('worker killed');
  const retry = await run(() => sendEmailOnce({ mailer, sentEmails: store }, email('c')));
  expect(retry.status).toBe('unconfirmed');
  await sink.waitFor((m) => m.parsed.subject === 'Prova c');
  await new Promise((r) => setTimeout(r, 200));
  expect(count('c')).toBe(1);
  expect((await store.get('c'))!.status).toBe('unconfirmed');
});
