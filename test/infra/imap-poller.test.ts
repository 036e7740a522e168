/**
 * The IMAP poller against a real Dovecot (test/support/dovecot.ts): hand-over once, the move to the
 * processed folder, sink outages, a poller stopped mid-message, refusals, servers going away, and
 * logs without the password or the messages' personal data.
 */
import { startDovecot, DovecotHandle } from '../support/dovecot';
import { ImapPollerOptions, InboundSink, startImapPoller, startImapPolling, ImapPoller } from '../../infra/imap-poller';
import { parseImapUrl } from '../../infra/imap-url';
import { createLogger } from '../../infra/logger';
import { loadConfig } from '../../infra/config';

const CITIZEN = 'giovanna.esposito@example.net';
const SECTOR = 'adl.settore@example.org';

let seq = 0;
function message(opts: { to?: string; deliveredTo?: string; subject?: string; body?: string } = {}): { raw: string; messageId: string } {
  const messageId = `<imap-test-${Date.now()}-${++seq}@example.net>`;
  const raw = [
    ...(opts.deliveredTo ? [`Delivered-To: ${opts.deliveredTo}`] : []),
    `From: Giovanna Esposito <${CITIZEN}>`,
    `To: Sportello Lavoro <${opts.to ?? SECTOR}>`,
    `Subject: ${opts.subject ?? 'Richiesta informazioni sul rinnovo'}`,
    `Message-ID: ${messageId}`,
    'Date: Fri, 04 Dec 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Buongiorno, vorrei sapere come rinnovare la mia iscrizione. Codice fiscale RSSMRA80A01H501U.',
    '',
  ].join('\r\n');
  return { raw, messageId };
}

const messageIdOf = (raw: Buffer): string => /^Message-ID:\s*(\S+)/im.exec(raw.toString('utf8'))?.[1] ?? '';

interface Call {
  messageId: string;
  recipients: string[];
  via: string;
}

/** A sink recording what it was handed; `behave` decides each answer (default: accepted). */
function recordingSink(behave: (call: Call, n: number) => Promise<{ accepted: boolean; reason?: string }> = async () => ({ accepted: true })) {
  const calls: Call[] = [];
  const sink: InboundSink = async (raw, meta) => {
    const call = { messageId: messageIdOf(raw), recipients: meta.recipients, via: meta.via };
    calls.push(call);
    return behave(call, calls.length);
  };
  return { sink, calls };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ids = (messages: Buffer[]): string[] => messages.map(messageIdOf);

let dovecot: DovecotHandle;
let logLines: string[];
let pollers: ImapPoller[];

describe('against a real Dovecot', () => {
  function poller(sink: InboundSink, extra: Partial<ImapPollerOptions> = {}): ImapPoller {
    const p = startImapPoller({
      url: dovecot.url,
      sink,
      logger: createLogger('debug', 'imap-test', { write: (line: string) => void logLines.push(line) }),
      // Only explicit polls (and the first, immediate one) run during a test.
      pollSeconds: 3600,
      backoff: { initialMs: 50, maxMs: 400 },
      ...extra,
    });
    pollers.push(p);
    return p;
  }

  beforeEach(async () => {
    dovecot = await startDovecot();
    logLines = [];
    pollers = [];
  });

  afterEach(async () => {
    try {
      await Promise.all(pollers.map((p) => p.stop()));
    } finally {
      await dovecot.dispose();
    }
    // Nothing secret or personal in what the poller logged.
    const logged = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of [dovecot.password, encodeURIComponent(dovecot.password), dovecot.url, CITIZEN, 'Giovanna', 'Esposito', 'RSSMRA80A01H501U', 'rinnovo', 'Buongiorno']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('hands each new message to the sink once, moves it to the processed folder, and a second poll hands nothing over', async () => {
    const a = message();
    const b = message({ to: 'someone.else@example.org', deliveredTo: SECTOR });
    await dovecot.append(a.raw);
    await dovecot.append(b.raw);
    const { sink, calls } = recordingSink();
    const p = poller(sink);

    await until(() => calls.length === 2, 'both messages handed over');
    await p.pollNow();
    expect(calls).toEqual([
      { messageId: a.messageId, recipients: [SECTOR], via: 'imap' },
      // The delivering server's envelope recipient wins over the To: header.
      { messageId: b.messageId, recipients: [SECTOR], via: 'imap' },
    ]);
    expect(await dovecot.messages('INBOX')).toEqual([]);
    const processed = await dovecot.messages('Elaborati');
    expect(ids(processed)).toEqual([a.messageId, b.messageId]);
    // Moved as they were: the raw bytes handed over are the bytes kept.
    expect(processed[0].toString('utf8')).toBe(a.raw);

    const again = await p.pollNow();
    expect(again).toEqual({ delivered: 0, discarded: 0 });
    expect(calls).toHaveLength(2);

    // A message arriving later is taken by the next poll, and only it.
    const c = message();
    await dovecot.append(c.raw);
    await p.pollNow();
    await until(() => calls.length === 3, 'the later message');
    expect(calls.map((x) => x.messageId)).toEqual([a.messageId, b.messageId, c.messageId]);
    expect(dovecot.log()).toContain('Login: user=<sportello>');
  });

  it('with IMAP_RECIPIENT every message is handed over as addressed to that catalog mailbox', async () => {
    await dovecot.append(message({ to: 'alias@example.org' }).raw);
    const { sink, calls } = recordingSink();
    poller(sink, { recipient: 'Lavoro.Sportello@example.org' });
    await until(() => calls.length === 1, 'the message handed over');
    expect(calls[0].recipients).toEqual(['lavoro.sportello@example.org']);
  });

  it('a sink outage leaves the message in the mailbox and a later poll hands it over again', async () => {
    const m = message();
    await dovecot.append(m.raw);
    const inboxDuringRetry: string[][] = [];
    const { sink, calls } = recordingSink(async (_call, n) => {
      if (n <= 2) throw Object.assign(new Error(`database unreachable for ${CITIZEN}`), { code: 'ECONNREFUSED' });
      inboxDuringRetry.push(ids(await dovecot.messages('INBOX')));
      return { accepted: true };
    });
    poller(sink);

    await until(async () => (await dovecot.messages('Elaborati')).length === 1, 'the message processed after the outage');
    expect(calls.map((c) => c.messageId)).toEqual([m.messageId, m.messageId, m.messageId]);
    expect(inboxDuringRetry).toEqual([[m.messageId]]);
    expect(await dovecot.messages('INBOX')).toEqual([]);
    expect(logLines.join('\n')).toContain('inbound sink unavailable');
  });

  it('a poller stopped while the sink has not resolved loses nothing: the next poller hands the message over', async () => {
    const m = message();
    await dovecot.append(m.raw);
    const hanging = recordingSink(() => new Promise(() => undefined));
    const first = poller(hanging.sink);
    await until(() => hanging.calls.length === 1, 'the hand-over to start');

    const stopping = Date.now();
    await first.stop();
    expect(Date.now() - stopping).toBeLessThan(5000);
    expect(ids(await dovecot.messages('INBOX'))).toEqual([m.messageId]);
    expect(await dovecot.messages('Elaborati')).toEqual([]);
    expect(await first.pollNow()).toEqual({ delivered: 0, discarded: 0, failure: 'stopped' });

    const working = recordingSink();
    poller(working.sink);
    await until(() => working.calls.length === 1, 'the next poller to hand it over');
    await until(async () => ids(await dovecot.messages('Elaborati')).join() === m.messageId, 'the move');
    expect(await dovecot.messages('INBOX')).toEqual([]);
  });

  it('a message refused for good goes to the discard folder, an oversized one without being fetched, and neither loops', async () => {
    const bad = message({ subject: 'rotto' });
    const good = message();
    const huge = message({ body: 'x'.repeat(8000) });
    for (const m of [bad, good, huge]) await dovecot.append(m.raw);
    const { sink, calls } = recordingSink(async (call) =>
      call.messageId === bad.messageId ? { accepted: false, reason: 'no-sender' } : { accepted: true },
    );
    const p = poller(sink, { maxMessageBytes: 4096 });

    await until(async () => (await dovecot.messages('INBOX')).length === 0, 'the mailbox emptied');
    expect(ids(await dovecot.messages('Scartati'))).toEqual([bad.messageId, huge.messageId]);
    expect(ids(await dovecot.messages('Elaborati'))).toEqual([good.messageId]);
    expect(calls.map((c) => c.messageId)).toEqual([bad.messageId, good.messageId]);
    expect(await p.pollNow()).toEqual({ delivered: 0, discarded: 0 });
    expect(calls).toHaveLength(2);
    expect(logLines.join('\n')).toContain('"refusal":"no-sender"');
  });

  it('survives the server dropping its sessions and the server going away, reconnecting with backoff', async () => {
    const { sink, calls } = recordingSink();
    const p = poller(sink);
    expect(await p.pollNow()).toEqual({ delivered: 0, discarded: 0 });

    // The server drops the session between two polls.
    await dovecot.kick();
    const afterKick = message();
    await dovecot.append(afterKick.raw);
    await until(async () => calls.length === 1 || (await p.pollNow(), false), 'a poll after the kick');
    expect(calls.map((c) => c.messageId)).toEqual([afterKick.messageId]);

    // The server goes away: polls fail (and are retried) until it is back.
    await dovecot.stop();
    expect((await p.pollNow()).failure).toBe('imap');
    const retriesBefore = logLines.filter((l) => l.includes('imap poll will be retried')).length;
    await new Promise((r) => setTimeout(r, 600));
    expect(logLines.filter((l) => l.includes('imap poll will be retried')).length).toBeGreaterThan(retriesBefore);
    await dovecot.start();
    const afterRestart = message();
    await dovecot.append(afterRestart.raw);
    await until(() => calls.length === 2, 'the message after the restart, without an explicit poll');
    expect(calls[1].messageId).toBe(afterRestart.messageId);
    await until(async () => ids(await dovecot.messages('Elaborati')).length === 2, 'the move after the restart');
    expect(logLines.join('\n')).toContain('"code":"ECONNREFUSED"');
  });

  it('wrong credentials: polls fail with an authentication code, never the password', async () => {
    const wrong = dovecot.url.replace(encodeURIComponent(dovecot.password), 'sbagliata-123');
    const { sink, calls } = recordingSink();
    const p = poller(sink, { url: wrong });
    expect((await p.pollNow()).failure).toBe('imap');
    expect(calls).toEqual([]);
    const logged = logLines.join('\n');
    expect(logged).toContain('AUTHENTICATIONFAILED');
    expect(logged).not.toContain('sbagliata-123');
  });
});

describe('configuration', () => {
  it('parses imap:// and imaps:// URLs with percent-encoded credentials and a mailbox', () => {
    expect(parseImapUrl('imaps://lavoro%40comune.example:p%40ss%3Aw@mail.example.org/Posta%20in%20arrivo')).toEqual({
      host: 'mail.example.org',
      port: 993,
      secure: true,
      user: 'lavoro@comune.example',
      pass: 'p@ss:w',
      mailbox: 'Posta in arrivo',
    });
    expect(parseImapUrl('imap://u:p@127.0.0.1:1143')).toMatchObject({ port: 1143, secure: false, mailbox: 'INBOX' });
  });

  it('refuses a bad IMAP_URL without quoting it, and starts nothing without one', () => {
    for (const url of ['http://u:segreto-1@host/INBOX', 'imap://host/INBOX', 'imap://u:segreto-1@/x', 'imap//u:segreto-1@host']) {
      let message = '';
      try {
        loadConfig({ IMAP_URL: url });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/IMAP_URL/);
      expect(message).not.toContain('segreto-1');
    }
    const config = loadConfig({});
    expect(config.IMAP_URL).toBeUndefined();
    expect(config).toMatchObject({ IMAP_PROCESSED_FOLDER: 'Elaborati', IMAP_DISCARD_FOLDER: 'Scartati', IMAP_POLL_SECONDS: 60 });
    expect(startImapPolling(config, recordingSink().sink, createLogger('silent'))).toBeUndefined();
  });
});
