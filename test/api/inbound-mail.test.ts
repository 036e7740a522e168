/**
 * Inbound mail end to end on the real stack: nodemailer as a real SMTP client talks to the
 * product's listener; the intake workflows run on the file's worker (Temporal dev server,
 * PostgreSQL); acknowledgements arrive at the SMTP sink. New messages, duplicates, automatic
 * messages, attachments, refusals at RCPT and for size, replies that join their case (a note on a
 * contact, a complaint awaiting the requester, a closed contact), and a corpus of broken MIME.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import request from 'supertest';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { startStack, Stack } from '../support/harness';
import { createInboundSink, inboundKeyOf, inboundMailWorkflowId } from '../../infra/inbound-sink';
import { startInboundMailListener, type InboundSmtpHandle } from '../../infra/inbound-smtp';
import type { InboundMailResult } from '../../workflows/definitions';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(120_000);

const MAIL_FROM = 'Contact Center <noreply@contact-center.example.org>';
const ADL = 'lavoro.info@example.org';
const MAX_BYTES = 200_000;

let stack: Stack;
let listener: InboundSmtpHandle;
let transport: ReturnType<typeof nodemailer.createTransport>;
const keys = {} as Record<'operator' | 'uru' | 'admin', string>;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ settings: { mailFrom: MAIL_FROM } });
  listener = await startInboundMailListener({
    port: 0,
    host: '127.0.0.1',
    maxBytes: MAX_BYTES,
    mailFrom: MAIL_FROM,
    catalog: stack.catalog,
    sink: createInboundSink({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog, replyAddresses: ['noreply@contact-center.example.org'] }),
  });
  transport = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
  keys.operator = await stack.bearer('operator');
  keys.uru = await stack.bearer('uru');
  keys.admin = await stack.bearer('admin');
});
afterAll(async () => {
  transport?.close();
  await listener?.stop();
  await stack?.stop();
});

const api = {
  post: (p: string, key: string, body: unknown = {}) => request(stack.app).post(`/api/v1${p}`).set('Authorization', key).send(body as object),
  get: (p: string, key: string) => request(stack.app).get(`/api/v1${p}`).set('Authorization', key),
};

const newMessageId = () => `<test-${Date.now()}-${++seq}@citizen.example.net>`;

/** Sends with nodemailer and waits for the message's intake to finish. */
async function deliver(mail: Mail.Options & { messageId: string }): Promise<InboundMailResult> {
  await transport.sendMail({ to: ADL, ...mail });
  return intakeResult(mail.messageId);
}

function intakeResult(messageId: string): Promise<InboundMailResult> {
  return stack.client.workflow.getHandle(inboundMailWorkflowId(inboundKeyOf(Buffer.alloc(0), messageId))).result();
}

async function contactsFrom(address: string): Promise<{ id: string }[]> {
  return (await stack.db.raw(`select id from contacts where caller->>'email' = ? order by id`, [address])).rows;
}

describe('a new message', () => {
  it('becomes one contact (channel email, service of the mailbox) and the sender gets an acknowledgement with the reference', async () => {
    const messageId = newMessageId();
    const result = await deliver({ from: 'Anna Bruni <anna.bruni@example.net>', subject: 'Orari del centro per l\'impiego', text: 'Buongiorno, vorrei sapere gli orari di apertura.', messageId });
    expect(result).toMatchObject({ outcome: 'contact' });
    const contactId = (result as { contactId: string }).contactId;
    const contact = await api.get(`/contacts/${contactId}`, keys.operator);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ channel: 'email', service: 'ADL', status: 'triage', caller: { email: 'anna.bruni@example.net' }, attachments: [] });
    expect(contact.body.reason).toContain('Orari del centro per l\'impiego');
    expect(contact.body.reason).toContain('vorrei sapere gli orari');
    const ack = await stack.smtp.waitFor((m) => m.envelope.to.includes('anna.bruni@example.net'));
    expect(ack.parsed.subject).toContain(`[${contactId}]`);
    expect(ack.parsed.text).toContain(contactId);
    // Set RECORD_REPLAY_HISTORIES=1 to refresh the histories of the intake replayed by test/replay.
    if (process.env.RECORD_REPLAY_HISTORIES) await saveHistoryFile(stack.client, inboundMailWorkflowId(inboundKeyOf(Buffer.alloc(0), messageId)), 'inbound-mail-new-contact.json');
  });

  it('sent twice (same Message-ID) is one contact; HTML only is turned into text', async () => {
    const messageId = newMessageId();
    const mail = { from: 'paolo.neri@example.net', subject: 'Iscrizione', html: '<p>Vorrei <b>iscrivermi</b></p><script>alert(1)</script>', messageId };
    await transport.sendMail({ to: ADL, ...mail });
    await transport.sendMail({ to: ADL, ...mail });
    const result = await intakeResult(messageId);
    expect(result.outcome).toBe('contact');
    expect(await contactsFrom('paolo.neri@example.net')).toHaveLength(1);
    expect((await stack.db('inbound_messages').where({ message_id: messageId })).length).toBe(1);
    const contact = await api.get(`/contacts/${(result as { contactId: string }).contactId}`, keys.operator);
    expect(contact.body.reason).toContain('Vorrei iscrivermi');
    expect(contact.body.reason).not.toMatch(/<b>|<script>/);
  });

  it('lists its attachments on the contact with type, size and SHA-256', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5000, 7)]);
    const result = await deliver({
      from: 'lucia.verdi@example.net',
      subject: 'Documenti',
      text: 'In allegato il documento.',
      attachments: [{ filename: 'documento.pdf', content: pdf, contentType: 'application/pdf' }],
      messageId: newMessageId(),
    });
    const contact = await api.get(`/contacts/${(result as { contactId: string }).contactId}`, keys.operator);
    expect(contact.body.attachments).toEqual([
      expect.objectContaining({ filename: 'documento.pdf', contentType: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), stored: true }),
    ]);
  });
});

describe('personal data', () => {
  it('the erasure of a sender covers their emails and attachments; the export lists them', async () => {
    const from = 'da.cancellare@example.net';
    const result = await deliver({ from, subject: 'Dati personali', text: 'Il mio codice fiscale è nel file.', attachments: [{ filename: 'cf.txt', content: 'RSSMRA80A01H501U' }], messageId: newMessageId() });
    const contactId = (result as { contactId: string }).contactId;
    const exported = await api.get(`/privacy/export?email=${encodeURIComponent(from)}`, keys.admin);
    expect(exported.status).toBe(200);
    expect(exported.body.inboundMessages).toHaveLength(1);
    expect(exported.body.inboundAttachments).toHaveLength(1);
    const erased = await api.post('/privacy/erasure', keys.admin, { email: from });
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ contacts: 1, inboundMessages: 1, inboundAttachments: 1 });
    const row = await stack.db('inbound_messages').where({ contact_id: contactId }).first();
    expect(row).toMatchObject({ raw: null, sender: null, envelope_from: null, subject: '[cancellato]', body: '[cancellato]' });
    const file = await stack.db('inbound_attachments').where({ contact_id: contactId }).first();
    expect(file).toMatchObject({ content: null, filename: '[cancellato]' });
  });
});

describe('STARTTLS', () => {
  it('is offered when a certificate is configured, and a message sent over it is taken', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cc-inbound-tls-'));
    const [certFile, keyFile] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const tlsListener = await startInboundMailListener({
      port: 0,
      host: '127.0.0.1',
      maxBytes: MAX_BYTES,
      mailFrom: MAIL_FROM,
      catalog: stack.catalog,
      tlsCert: certFile,
      tlsKey: keyFile,
      sink: createInboundSink({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, catalog: stack.catalog }),
    });
    const secure = nodemailer.createTransport({ host: '127.0.0.1', port: tlsListener.port, secure: false, requireTLS: true, tls: { ca: readFileSync(certFile), servername: 'localhost' } });
    try {
      const messageId = newMessageId();
      const info = await secure.sendMail({ from: 'cifrato@example.net', to: ADL, subject: 'Via TLS', text: 'Messaggio cifrato', messageId });
      expect(info.accepted).toEqual([ADL]);
      expect((await intakeResult(messageId)).outcome).toBe('contact');
      // Without a certificate the listener offers no STARTTLS: a client that requires it is refused.
      const plain = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, requireTLS: true });
      await expect(plain.sendMail({ from: 'a@example.net', to: ADL, subject: 'x', text: 'x' })).rejects.toThrow(/STARTTLS/);
      plain.close();
    } finally {
      secure.close();
      await tlsListener.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('automatic messages create no contact', () => {
  it.each([
    ['an auto-reply (Auto-Submitted)', { headers: { 'Auto-Submitted': 'auto-replied' } }, 'auto-submitted'],
    ['an out-of-office (X-Autoreply)', { headers: { 'X-Autoreply': 'yes' } }, 'auto-reply'],
    ['a mailing list (Precedence: list)', { headers: { Precedence: 'list' } }, 'precedence'],
    ['a bounce (null envelope sender)', { envelope: { from: '', to: [ADL] } }, 'bounce'],
    ['a bounce from the mailer daemon', { from: 'MAILER-DAEMON@mx.example.net' }, 'bounce'],
  ])('%s', async (_what, extra, reason) => {
    const from = `auto-${++seq}@example.net`;
    const messageId = newMessageId();
    await transport.sendMail({ from, to: ADL, subject: 'Risposta automatica', text: 'Sono fuori ufficio.', messageId, ...extra });
    expect(await intakeResult(messageId)).toEqual({ outcome: 'discarded', reason });
    expect(await contactsFrom(from)).toHaveLength(0);
    expect(await stack.db('inbound_messages').where({ message_id: messageId }).first('status')).toEqual({ status: 'discarded' });
  });

  it('our own message coming back (a loop) is discarded', async () => {
    const messageId = `<${createHash('sha256').update('loop').digest('hex').slice(0, 32)}@contact-center.example.org>`;
    await transport.sendMail({ from: 'someone@example.net', to: ADL, subject: 'loop', text: 'x', messageId });
    expect(await intakeResult(messageId)).toEqual({ outcome: 'discarded', reason: 'loop' });
  });

  it('a message without a usable sender address never creates a contact', async () => {
    const messageId = newMessageId();
    const raw = `From: nessuno\r\nTo: ${ADL}\r\nSubject: senza mittente\r\nMessage-ID: ${messageId}\r\n\r\nTesto\r\n`;
    await transport.sendMail({ envelope: { from: 'x@example.net', to: [ADL] }, raw });
    expect(await intakeResult(messageId)).toEqual({ outcome: 'discarded', reason: 'no-sender' });
  });
});

describe('the listener refuses', () => {
  it('an unknown recipient at RCPT (550)', async () => {
    await expect(transport.sendMail({ from: 'a@example.net', to: 'nobody@example.org', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
  });

  it('an oversize message (552), keeping nothing', async () => {
    const before = Number((await stack.db('inbound_messages').count({ n: '*' }))[0].n);
    await expect(transport.sendMail({ from: 'big@example.net', to: ADL, subject: 'grande', text: 'x'.repeat(MAX_BYTES + 10_000) })).rejects.toMatchObject({ responseCode: 552 });
    expect(Number((await stack.db('inbound_messages').count({ n: '*' }))[0].n)).toBe(before);
  });
});

describe('replies find their case', () => {
  async function newContact(from: string) {
    const result = await deliver({ from, subject: 'Domanda', text: 'Prima domanda', messageId: newMessageId() });
    return (result as { contactId: string }).contactId;
  }

  it('by the reference in the subject: a note on the contact, in its history', async () => {
    const from = 'mario.gialli@example.net';
    const contactId = await newContact(from);
    const result = await deliver({ from, subject: `Re: [${contactId}] Abbiamo ricevuto il suo messaggio`, text: 'Aggiungo il numero di pratica 42.', messageId: newMessageId() });
    expect(result).toEqual({ outcome: 'reply', target: { type: 'contact', id: contactId }, as: 'note' });
    const contact = await api.get(`/contacts/${contactId}`, keys.operator);
    const note = contact.body.history.find((h: { action: string }) => h.action === 'note-added');
    expect(note.payload).toMatchObject({ text: 'Aggiungo il numero di pratica 42.', source: 'email' });
    expect(await contactsFrom(from)).toHaveLength(1);
  });

  it('by In-Reply-To (the acknowledgement\'s Message-ID), without a reference in the subject', async () => {
    const from = 'sara.blu@example.net';
    const contactId = await newContact(from);
    const ack = await stack.smtp.waitFor((m) => m.envelope.to.includes(from) && String(m.parsed.subject).includes(contactId));
    const result = await deliver({ from, subject: 'Re: la mia richiesta', text: 'Ecco i dati mancanti.', inReplyTo: ack.parsed.messageId, references: [ack.parsed.messageId!], messageId: newMessageId() });
    expect(result).toEqual({ outcome: 'reply', target: { type: 'contact', id: contactId }, as: 'note' });
  });

  it('to a closed contact: a new contact linked to it (INBOUND_REPLY_TO_CLOSED=new-contact)', async () => {
    const from = 'elena.rosa@example.net';
    const contactId = await newContact(from);
    expect((await api.post(`/contacts/${contactId}/resolve`, keys.operator, { answer: 'Lo sportello apre alle 8.' })).status).toBe(200);
    const answer = await stack.smtp.waitFor((m) => m.envelope.to.includes(from) && String(m.parsed.subject).includes('Risposta alla sua richiesta'));
    const result = await deliver({ from, subject: String(answer.parsed.subject).replace(/^/, 'Re: '), text: 'Grazie, ma non basta.', inReplyTo: answer.parsed.messageId, messageId: newMessageId() });
    expect(result).toMatchObject({ outcome: 'contact', linkedTo: { type: 'contact', id: contactId } });
    const linked = await api.get(`/contacts/${(result as { contactId: string }).contactId}`, keys.operator);
    expect(linked.body).toMatchObject({ channel: 'email', service: 'ADL', status: 'triage' });
    expect(await contactsFrom(from)).toHaveLength(2);
  });

  it('to a complaint awaiting the requester: the requester\'s information, and its clock resumes', async () => {
    const email = 'giorgio.viola@example.net';
    const created = await api.post('/complaints', keys.uru, {
      kind: 'complaint',
      requester: { name: 'Giorgio', surname: 'Viola', email },
      subject: 'Pratica ferma',
      body: 'La mia pratica è ferma da un mese.',
      channel: 'email',
      service: 'TNDIGITALE',
    });
    expect(created.status).toBe(201);
    const ref: string = created.body.id;
    expect((await api.post(`/complaints/${ref}/take-charge`, keys.uru)).status).toBe(200);
    expect((await api.post(`/complaints/${ref}/request-info`, keys.uru, { question: 'Qual è il numero della pratica?' })).status).toBe(200);
    const question = await stack.smtp.waitFor((m) => m.envelope.to.includes(email) && String(m.parsed.subject).includes('Richiesta di informazioni'));
    // Sent to our sending address, as a mail client's "Reply" does.
    const result = await deliver({ from: email, to: 'noreply@contact-center.example.org', subject: `Re: ${question.parsed.subject}`, text: 'Il numero è 12345.', inReplyTo: question.parsed.messageId, messageId: newMessageId() });
    expect(result).toEqual({ outcome: 'reply', target: { type: 'complaint', id: ref }, as: 'requester-info' });
    const after = await api.get(`/complaints/${ref}`, keys.uru);
    expect(after.body.status).toBe('in_charge');
    if (process.env.RECORD_REPLAY_HISTORIES) {
      const key = inboundKeyOf(Buffer.alloc(0), (await stack.db('inbound_messages').where({ target_id: ref }).first('message_id')).message_id);
      await saveHistoryFile(stack.client, inboundMailWorkflowId(key), 'inbound-mail-reply-complaint.json');
    }
  });

  it('to an escalation waiting for the citizen: the citizen\'s reply, and the office\'s clock resumes', async () => {
    const email = 'marta.galli@example.net';
    const office = await stack.bearer('office', 'MCTC-VEICOLI');
    const contact = await api.post('/contacts', keys.operator, { service: 'MCTC', channel: 'email', caller: { surname: 'Galli', name: 'Marta', email }, reason: 'Duplicato del libretto' });
    expect(contact.status).toBe(201);
    const escalation = await api.post(`/contacts/${contact.body.id}/escalate`, keys.operator, { office: 'MCTC-VEICOLI' });
    expect(escalation.status).toBe(201);
    const id: string = escalation.body.id;
    expect((await api.post(`/escalations/${id}/take-charge`, office)).status).toBe(200);
    const asked = await api.post(`/escalations/${id}/request-info`, office, { question: 'Qual è la targa del veicolo?' });
    expect(asked.body.status).toBe('waiting_citizen');
    const question = await stack.smtp.waitFor((m) => m.envelope.to.includes(email) && String(m.parsed.subject).includes('Richiesta di informazioni'));
    // Only the reference in the subject: the mail client dropped In-Reply-To.
    const result = await deliver({ from: `Marta Galli <${email}>`, to: 'noreply@contact-center.example.org', subject: `R: ${question.parsed.subject}`, text: 'La targa è AB123CD.\n\n> Qual è la targa del veicolo?', messageId: newMessageId() });
    expect(result).toMatchObject({ outcome: 'reply', target: { type: 'escalation', id } });
    const after = await api.get(`/escalations/${id}`, office);
    expect(after.body).toMatchObject({ status: 'in_charge', pause: null, infoRequests: [{ question: 'Qual è la targa del veicolo?', endedBy: 'reply' }] });
    expect(after.body.infoRequests[0].reply).toContain('AB123CD');
    expect(Date.parse(after.body.resolveDueAt)).toBeGreaterThanOrEqual(Date.parse(asked.body.resolveDueAt));
    expect(after.body.history.map((h: { action: string }) => h.action)).toContain('citizen-replied');
  });
});

/** Broken messages: each must leave the listener and the worker running, and open no contact without a sender. */
function brokenCorpus(): { name: string; raw: Buffer }[] {
  const mid = () => `Message-ID: <fuzz-${++seq}@fuzz.example.net>\r\n`;
  const rnd = (n: number, seed: number) => {
    const b = Buffer.alloc(n);
    let x = seed;
    for (let i = 0; i < n; i++) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    return b;
  };
  const to = `To: ${ADL}\r\n`;
  const corpus: { name: string; raw: Buffer }[] = [
    { name: 'truncated headers', raw: Buffer.from(`From: fuzz1@example.net\r\n${mid()}Subject: tronc`) },
    { name: 'header without colon', raw: Buffer.from(`${mid()}From fuzz2@example.net\r\nGarbage line\r\n\r\nbody`) },
    { name: 'bad boundary', raw: Buffer.from(`From: fuzz3@example.net\r\n${to}${mid()}Content-Type: multipart/mixed; boundary="abc"\r\n\r\n--xyz\r\nContent-Type: text/plain\r\n\r\ntesto\r\n--abc`) },
    { name: 'unterminated multipart', raw: Buffer.from(`From: fuzz4@example.net\r\n${to}${mid()}Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK!!!###`) },
    { name: 'bad base64 and charset', raw: Buffer.from(`From: fuzz5@example.net\r\n${to}${mid()}Content-Type: text/plain; charset=x-unknown-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@@====****\r\n`) },
    { name: 'bad quoted-printable', raw: Buffer.from(`From: fuzz6@example.net\r\n${to}${mid()}Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=0=\r\n`) },
    { name: 'bad encoded words', raw: Buffer.from(`From: =?utf-8?B?!!!?= <fuzz7@example.net>\r\n${to}${mid()}Subject: =?x-bogus?Q?=FF=FE?= =?utf-8?B?\r\n\r\ntext`) },
    { name: 'NUL and control bytes', raw: Buffer.concat([Buffer.from(`From: fuzz8@example.net\r\n${to}${mid()}Subject: a\u0000b\u0007c\r\n\r\n`), Buffer.from([0, 1, 2, 27, 127, 0xff, 0xfe, 0, 0])]) },
    { name: 'binary junk', raw: rnd(4000, 1) },
    { name: 'binary junk after headers', raw: Buffer.concat([Buffer.from(`From: fuzz10@example.net\r\n${to}${mid()}\r\n`), rnd(8000, 2)]) },
    { name: 'huge header', raw: Buffer.from(`From: fuzz11@example.net\r\n${to}${mid()}X-Huge: ${'a'.repeat(120_000)}\r\nSubject: grande\r\n\r\nbody`) },
    { name: 'many headers', raw: Buffer.from(`From: fuzz12@example.net\r\n${to}${mid()}${'X-H: v\r\n'.repeat(5000)}\r\nbody`) },
    { name: 'deep nesting', raw: Buffer.from(`From: fuzz13@example.net\r\n${to}${mid()}${Array.from({ length: 60 }, (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`).join('')}Content-Type: text/plain\r\n\r\nfondo\r\n`) },
    { name: 'no sender, only junk', raw: Buffer.from(`${mid()}Subject: ?\r\n\r\n\u0000\u0000`) },
    { name: 'sender with bad address', raw: Buffer.from(`From: "x" <not an address>\r\n${to}${mid()}\r\nbody`) },
    { name: 'empty message', raw: Buffer.from('\r\n') },
  ];
  return corpus;
}

describe('broken MIME', () => {
  it('never crashes the listener or the worker, and never opens a contact without the sender\'s address', async () => {
    const outcomes: string[] = [];
    for (const { name, raw } of brokenCorpus()) {
      // Raw SMTP: nodemailer sends the bytes as they are (dot-stuffed) with this envelope.
      const sent = await transport.sendMail({ envelope: { from: 'fuzz@example.net', to: [ADL] }, raw }).then(
        () => 'accepted',
        (err: { responseCode?: number }) => `refused ${err.responseCode}`,
      );
      outcomes.push(`${name}: ${sent}`);
    }
    expect(outcomes.every((o) => o.endsWith('accepted'))).toBe(true);
    // Every intake ends (contact or discarded): none is stuck retrying a parse.
    const rows = async () => (await stack.db('inbound_messages').where('recipients', '@>', [ADL.toLowerCase()]).whereNull('processed_at').select('id')).length;
    const until = Date.now() + 60_000;
    while ((await rows()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await rows()).toBe(0);
    const withoutSender = (await stack.db.raw(`select id from contacts where channel = 'email' and coalesce(caller->>'email', '') = ''`)).rows;
    expect(withoutSender).toEqual([]);
    expect(stack.worker?.getState()).toBe('RUNNING');
    // The listener still takes a normal message.
    const ok = await deliver({ from: 'dopo.fuzz@example.net', subject: 'ancora qui?', text: 'sì', messageId: newMessageId() });
    expect(ok.outcome).toBe('contact');
    // A client that drops mid-DATA does not end the listener either.
    await new Promise<void>((resolve) => {
      const s = net.connect(listener.port, '127.0.0.1', () => s.write(`EHLO x\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<${ADL}>\r\nDATA\r\nFrom: a@example.net\r\n`));
      s.on('data', () => undefined);
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 300);
    });
    const again = await deliver({ from: 'dopo.reset@example.net', subject: 'ancora', text: 'sì', messageId: newMessageId() });
    expect(again.outcome).toBe('contact');
  });
});
