/**
 * On the real Temporal dev server with a 24/7 catalog whose SLA is seconds long: the timers keep
 * running across a worker restart, and reminders and breach notices arrive exactly once.
 * With RECORD_REPLAY_HISTORIES=1 the run's histories are written for the replay test.
 */
import request from 'supertest';
import { fastCatalog, startStack, Stack } from '../support/harness';
import { workflowId } from '../../workflows/definitions';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(60_000);
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ catalog: fastCatalog({ takeCharge: 'PT3S', resolve: 'PT6S', reminderLead: 'PT1S' }) });
});
afterAll(async () => {
  await stack.stop();
});

it('keeps deadlines across a worker restart and closes the contact after resolution', async () => {
  const operator = await stack.bearer('operator');
  const office = await stack.bearer('office', 'MCTC-VEICOLI');
  const contact = (
    await request(stack.app)
      .post('/api/v1/contacts')
      .set('Authorization', operator)
      .send({ service: 'MCTC', channel: 'web', caller: { name: 'Luca', email: 'luca@example.org' }, reason: 'Revisione scaduta' })
  ).body;
  const escalation = (await request(stack.app).post(`/api/v1/contacts/${contact.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' })).body;
  expect(Date.parse(escalation.takeChargeDueAt) - Date.parse(escalation.createdAt)).toBe(3000);

  await stack.restartWorker();

  const breach = await stack.smtp.waitFor((m) => String(m.parsed.subject).startsWith(`[${contact.id}] Termine superato: presa in carico`));
  expect(breach.envelope.to).toEqual(['motorizzazione.supervisore@example.org']);
  const listed = await request(stack.app).get('/api/v1/escalations?breached=true').set('Authorization', office);
  expect(listed.body.items.map((e: { id: string }) => e.id)).toContain(escalation.id);

  expect((await request(stack.app).post(`/api/v1/escalations/${escalation.id}/take-charge`).set('Authorization', office).send({})).status).toBe(200);
  expect((await request(stack.app).post(`/api/v1/escalations/${escalation.id}/resolve`).set('Authorization', office).send({ response: 'Prenoti la revisione online.' })).status).toBe(200);
  await stack.smtp.waitFor((m) => m.envelope.to.includes('luca@example.org'));
  await stack.client.workflow.getHandle(workflowId.contact(contact.id)).result();

  const subjects = stack.smtp.messages.map((m) => String(m.parsed.subject));
  expect(subjects.filter((s) => s.includes('Promemoria: presa in carico'))).toHaveLength(1);
  expect(subjects.filter((s) => s.includes('Termine superato: presa in carico'))).toHaveLength(1);
  expect(subjects.filter((s) => s.includes('Nuova pratica'))).toHaveLength(1);

  if (process.env.RECORD_REPLAY_HISTORIES === '1') {
    await saveHistoryFile(stack.client, workflowId.contact(contact.id), 'contact-escalated-after-restart.json');
    await saveHistoryFile(stack.client, workflowId.escalation(escalation.id), 'escalation-breached-after-restart.json');
  }
});
