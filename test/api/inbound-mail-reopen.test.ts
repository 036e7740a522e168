/**
 * INBOUND_REPLY_TO_CLOSED=reopen on the real stack: a citizen's email reply to a closed contact
 * reopens it (a new run of the same workflow id, back in triage, its history going on), once per
 * reply; the operator can answer it again.
 */
import request from 'supertest';
import nodemailer from 'nodemailer';
import { startStack, Stack } from '../support/harness';
import { createInboundSink, inboundKeyOf, inboundMailWorkflowId } from '../../infra/inbound-sink';
import { startInboundMailListener, type InboundSmtpHandle } from '../../infra/inbound-smtp';
import type { InboundMailResult } from '../../workflows/definitions';

jest.setTimeout(120_000);

const MAIL_FROM = 'Contact Center <noreply@contact-center.example.org>';
const MAILBOX = 'motorizzazione.info@example.org';

let stack: Stack;
let listener: InboundSmtpHandle;
let transport: ReturnType<typeof nodemailer.createTransport>;
let operator: string;

beforeAll(async () => {
  stack = await startStack({ settings: { mailFrom: MAIL_FROM, inboundReplyToClosed: 'reopen' } });
  listener = await startInboundMailListener({
    port: 0,
    host: '127.0.0.1',
    maxBytes: 1_000_000,
    mailFrom: MAIL_FROM,
    catalog: stack.catalog,
    sink: createInboundSink({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, replyAddresses: ['noreply@contact-center.example.org'] }),
  });
  transport = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
  operator = await stack.bearer('operator');
});
afterAll(async () => {
  transport?.close();
  await listener?.stop();
  await stack?.stop();
});

const api = {
  post: (p: string, body: unknown = {}) => request(stack.app).post(`/api/v1${p}`).set('Authorization', operator).send(body as object),
  get: (p: string) => request(stack.app).get(`/api/v1${p}`).set('Authorization', operator),
};

async function deliver(mail: Parameters<typeof transport.sendMail>[0] & { messageId: string }, to = MAILBOX): Promise<InboundMailResult> {
  await transport.sendMail({ to, ...mail });
  return stack.client.workflow.getHandle(inboundMailWorkflowId(inboundKeyOf(Buffer.alloc(0), mail.messageId))).result();
}

it('a reply to a resolved contact reopens it in triage, with the reply in its history; it can be answered again', async () => {
  const from = 'carlo.bianco@example.net';
  const opened = await deliver({ from, subject: 'Revisione', text: 'Quando scade la revisione?', messageId: '<reopen-1@example.net>' });
  const contactId = (opened as { contactId: string }).contactId;
  expect((await api.post(`/contacts/${contactId}/resolve`, { answer: 'Ogni due anni.' })).status).toBe(200);
  const answer = await stack.smtp.waitFor((m) => m.envelope.to.includes(from) && String(m.parsed.subject).includes('Risposta alla sua richiesta'));
  // The old run has ended once the answer is sent and recorded.
  await stack.client.workflow.getHandle(`contact:${contactId}`).result();

  const reply = await deliver({ from, subject: `Re: ${answer.parsed.subject}`, text: 'Ma per un motociclo?', inReplyTo: answer.parsed.messageId, messageId: '<reopen-2@example.net>' }, 'noreply@contact-center.example.org');
  expect(reply).toEqual({ outcome: 'reply', target: { type: 'contact', id: contactId }, as: 'reopened' });
  const reopened = await api.get(`/contacts/${contactId}`);
  expect(reopened.body).toMatchObject({ id: contactId, status: 'triage', resolution: null, answer: null, channel: 'email', caller: { email: from } });
  const actions = reopened.body.history.map((h: { action: string }) => h.action);
  expect(actions).toEqual(['registered', 'resolved', 'answer-emailed', 'reopened']);
  expect(reopened.body.history[3].payload).toMatchObject({ text: 'Ma per un motociclo?', source: 'email' });
  // One contact for this citizen, not two.
  expect((await stack.db.raw(`select id from contacts where caller->>'email' = ?`, [from])).rows).toHaveLength(1);

  // Delivered again (same Message-ID): nothing more happens.
  await transport.sendMail({ to: MAILBOX, from, subject: 'Re: again', text: 'Ma per un motociclo?', inReplyTo: answer.parsed.messageId, messageId: '<reopen-2@example.net>' });
  expect((await api.get(`/contacts/${contactId}`)).body.history).toHaveLength(4);

  expect((await api.post(`/contacts/${contactId}/resolve`, { answer: 'Anche per i motocicli ogni due anni.' })).status).toBe(200);
  const after = await api.get(`/contacts/${contactId}`);
  expect(after.body).toMatchObject({ status: 'resolved', answer: 'Anche per i motocicli ogni due anni.' });
  await stack.smtp.waitFor((m) => m.envelope.to.includes(from) && String(m.parsed.text).includes('Anche per i motocicli'));
  await stack.client.workflow.getHandle(`contact:${contactId}`).result();
  const final = await api.get(`/contacts/${contactId}`);
  expect(final.body.history.map((h: { seq: number; action: string }) => `${h.seq} ${h.action}`)).toEqual(['1 registered', '2 resolved', '3 answer-emailed', '4 reopened', '5 resolved', '6 answer-emailed']);
});
