/**
 * A mail relay outage during a missed-call form: the send activity fails and is retried by Temporal
 * until the relay is back; the office receives exactly one email.
 */
import request from 'supertest';
import { startStack, Stack } from '../support/harness';
import { startSmtpSink } from '../../infra/smtp-sink';

jest.setTimeout(60_000);
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

it('sends exactly one form email although the first attempts failed', async () => {
  const operator = await stack.bearer('operator');
  const contact = (await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).send({ service: 'SVA', channel: 'phone', caller: { surname: 'Galli', name: 'Marco', phone: '0461 555555' }, reason: 'Valutazione impatto' })).body;
  const port = stack.smtp.port;
  await stack.smtp.stop(); // the relay goes down
  const form = await request(stack.app).post(`/api/v1/contacts/${contact.id}/missed-call`).set('Authorization', operator).send({ personSought: 'Referente VIA', reason: 'Stato della pratica' });
  expect(form.status).toBe(201);
  // Wait until Temporal has retried the send at least once.
  const handle = stack.client.workflow.getHandle(`missed-call:${form.body.id}`);
  for (let i = 0; ; i++) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    if (pending.some((a) => (a.attempt ?? 1) >= 2 && a.lastFailure)) break;
    if (i > 150) throw new Error('the send activity was never retried');
    await new Promise((r) => setTimeout(r, 100));
  }
  const relay = await startSmtpSink({ port }); // the relay is back
  try {
    const mail = await relay.waitFor((m) => String(m.parsed.subject).includes('Mancata risposta'), 30_000);
    expect(mail.parsed.text).toContain(contact.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(relay.messages.filter((m) => String(m.parsed.subject).includes('Mancata risposta'))).toHaveLength(1);
    expect(await stack.db('sent_emails').where({ key: `${form.body.id}/form` }).first()).toMatchObject({ status: 'sent' });
  } finally {
    await relay.stop();
    stack.smtp.messages.length = 0;
  }
});
