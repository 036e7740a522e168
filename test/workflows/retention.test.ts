/**
 * Retention on the real stack: the retention workflow anonymises closed records older than their
 * kind's retention (a batch per activity call), leaves open and recent ones, keeps what reports
 * count, and a second run finds nothing to do. The daily schedule is created from the configuration.
 * With RECORD_REPLAY_HISTORIES=1 the run's history is written for the replay test.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { ScheduleHandle } from '@temporalio/client';
import { fastCatalog, startStack, Stack } from '../support/harness';
import { loadConfig } from '../../infra/config';
import { ensureRetentionSchedule, retentionDaysOf } from '../../infra/retention-schedule';
import { retentionWorkflow } from '../../workflows/retention';
import { RETENTION_KINDS, RetentionInput, retentionWorkflowId } from '../../workflows/retention-contract';
import { ERASED_TEXT } from '../../domain/privacy';
import { saveHistoryFile } from '../replay/history-file';

jest.setTimeout(120_000);

let stack: Stack;
let operator: string;
let supervisor: string;
const schedules: ScheduleHandle[] = [];

beforeAll(async () => {
  stack = await startStack({ catalog: fastCatalog() });
  operator = await stack.bearer('operator', undefined, 'Sportello 2');
  supervisor = await stack.bearer('supervisor');
});
afterAll(async () => {
  for (const s of schedules) await s.delete().catch(() => undefined);
  await stack?.stop();
});

const api = {
  post: (p: string, body: unknown = {}) => request(stack.app).post(`/api/v1${p}`).set('Authorization', operator).send(body as object),
};
const DAY = 86_400_000;
const days = (d: Partial<RetentionInput['days']>): RetentionInput['days'] =>
  ({ ...Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])), ...d }) as RetentionInput['days'];

/** Moves a record's times back, as if it had been created and closed `ago` ms ago. */
async function age(table: string, id: string, columns: string[], ago: number) {
  await stack.db(table)
    .where({ id })
    .update(Object.fromEntries(columns.map((c) => [c, stack.db.raw(`${c} - make_interval(secs => ?)`, [ago / 1000])])));
}

it('reads the retention of each kind from RETENTION_DAYS_<KIND>, with defaults', () => {
  const d = retentionDaysOf(loadConfig({ RETENTION_DAYS_CONTACTS: '30', RETENTION_DAYS_AUDIT: '0' }));
  expect(d).toMatchObject({ contacts: 30, audit: 0, complaints: 1825, renewals: 365, appointments: 365 });
  expect(retentionDaysOf(loadConfig({ RETENTION_DAYS_APPOINTMENTS: '90' })).appointments).toBe(90);
  expect(Object.keys(d).sort()).toEqual([...RETENTION_KINDS].sort());
  expect(() => loadConfig({ RETENTION_DAYS_RENEWALS: '-1' })).toThrow(/RETENTION_DAYS_RENEWALS/);
});

it('anonymises closed records older than the retention, in batches, once; open and recent records stay', async () => {
  const contact = async (surname: string, resolve: boolean) => {
    const res = await api.post('/contacts', { service: 'MCTC', channel: 'web', caller: { surname, email: `${surname.toLowerCase()}@example.org` }, reason: `Domanda di ${surname}` });
    expect(res.status).toBe(201);
    if (resolve) expect((await api.post(`/contacts/${res.body.id}/resolve`, { answer: `Risposta a ${surname}` })).status).toBe(200);
    return res.body.id as string;
  };
  const old1 = await contact('Anziani', true);
  const old2 = await contact('Vecchi', true);
  const recent = await contact('Recenti', true);
  const openOld = await contact('Aperti', false);
  for (const id of [old1, old2]) await age('contacts', id, ['created_at', 'queued_at', 'resolved_at', 'updated_at'], 800 * DAY);
  await age('contacts', openOld, ['created_at', 'queued_at', 'updated_at'], 800 * DAY);
  const renewal = await api.post('/renewals', { surname: 'Cancellati', name: 'Carlo', taxCode: 'RSSMRA85T10A562S', jobType: 'Custode', jobCentre: 'CPI-TRENTO', email: 'carlo@example.org' });
  expect(renewal.status).toBe(201);
  expect((await api.post(`/renewals/${renewal.body.id}/cancel`, { reason: 'Trasferito a Carlo' })).status).toBe(200);
  await age('renewals', renewal.body.id, ['created_at', 'cancelled_at', 'updated_at'], 400 * DAY);
  // Appointments: one cancelled long ago (anonymised), one still booked (kept however old its booking).
  const slotsFrom = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
  const slotsTo = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() + 20 * DAY));
  const slots = await request(stack.app)
    .get(`/api/v1/appointments/slots?service=APIAE&applicationType=ENERGIA-RISPARMIO&office=APIAE-ENERGIA&from=${slotsFrom}&to=${slotsTo}`)
    .set('Authorization', operator);
  expect(slots.status).toBe(200);
  const book = async (surname: string, start: string) => {
    const res = await api.post('/appointments', { service: 'APIAE', applicationType: 'ENERGIA-RISPARMIO', office: 'APIAE-ENERGIA', start, citizen: { surname, name: 'Pia', taxCode: 'RSSMRA85T10A562S', phone: '+39 333 1112222' }, note: `Nota su ${surname}` });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const oldAppointment = await book('Disdetti', slots.body.items[0].start);
  const bookedAppointment = await book('Prenotati', slots.body.items[1].start);
  expect((await api.post(`/appointments/${oldAppointment}/cancel`, { reason: 'Disdetto da Pia Disdetti' })).status).toBe(200);
  await age('appointments', oldAppointment, ['created_at', 'booked_at', 'start_at', 'end_at', 'closed_at', 'updated_at'], 400 * DAY);
  await age('appointments', bookedAppointment, ['created_at', 'booked_at', 'updated_at'], 400 * DAY);
  await stack.smtp.waitFor((m) => m.envelope.to.includes('anziani@example.org'));
  await stack.smtp.waitFor((m) => m.envelope.to.includes('recenti@example.org'));
  // An email record kept longer than its own retention, of a contact still kept.
  await stack.db('sent_emails').where('key', `${recent}/answer`).update({ sent_at: stack.db.raw(`sent_at - interval '400 days'`) });
  await stack.db('audit_log').where('entity_id', old2).update({ at: stack.db.raw(`at - interval '3000 days'`) });
  const auditRows = Number((await stack.db('audit_log').where('entity_id', old2).count({ n: '*' }))[0].n);
  expect(auditRows).toBeGreaterThan(0);
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() - 800 * DAY)).slice(0, 7);
  const crm = async () => (await request(stack.app).get(`/api/v1/reports/crm?month=${month}`).set('Authorization', supervisor)).body;
  const crmBefore = await crm();
  expect(crmBefore.contacts).toMatchObject({ registered: 3, resolved: 2 });

  const input: RetentionInput = { days: days({ contacts: 730, renewals: 365, appointments: 365, sentEmails: 365, audit: 1825, complaints: 1825 }), batchSize: 1 };
  const id = retentionWorkflowId(`test-${randomUUID()}`);
  const result = await stack.client.workflow.execute(retentionWorkflow, { taskQueue: stack.taskQueue, workflowId: id, args: [input] });
  expect(result.anonymised).toMatchObject({ contacts: 2, renewals: 1, appointments: 1, sentEmails: 1, audit: auditRows, complaints: 0, escalations: 0 });
  if (process.env.RECORD_REPLAY_HISTORIES === '1') await saveHistoryFile(stack.client, id, 'retention-v1.json');

  const row = (table: string, rid: string) => stack.db(table).where({ id: rid }).first();
  for (const rid of [old1, old2]) {
    const c = await row('contacts', rid);
    expect(c).toMatchObject({ reason: ERASED_TEXT, answer: ERASED_TEXT, status: 'resolved', resolution: 'first_level', channel: 'web', service: 'MCTC' });
    expect(JSON.stringify(c.caller)).not.toMatch(/anziani|vecchi/i);
    const history = await stack.db('history').where({ entity_type: 'contact', entity_id: rid });
    expect(JSON.stringify(history.map((h) => h.payload))).not.toMatch(/anziani|vecchi/i);
  }
  expect((await row('contacts', recent)).caller).toEqual({ surname: 'Recenti', email: 'recenti@example.org' });
  expect((await row('contacts', openOld)).caller).toEqual({ surname: 'Aperti', email: 'aperti@example.org' });
  const r = await row('renewals', renewal.body.id);
  expect(r).toMatchObject({ surname: ERASED_TEXT, name: ERASED_TEXT, email: null, cancel_reason: null, status: 'cancelled', job_centre: 'CPI-TRENTO' });
  expect(r.tax_code).not.toContain('RSSMRA');
  const a = await row('appointments', oldAppointment);
  expect(a).toMatchObject({ status: 'cancelled', office: 'APIAE-ENERGIA', service: 'APIAE', application_type: 'ENERGIA-RISPARMIO', note: ERASED_TEXT, cancel_reason: ERASED_TEXT });
  expect(a.closed_at).not.toBeNull();
  expect(JSON.stringify(a.citizen)).not.toMatch(/Disdetti|\bPia\b|RSSMRA|333/);
  const appointmentHistory = await stack.db('history').where({ entity_type: 'appointment', entity_id: oldAppointment });
  expect(appointmentHistory.map((h) => h.action)).toEqual(expect.arrayContaining(['booked', 'cancelled']));
  expect(JSON.stringify(appointmentHistory.map((h) => h.payload))).not.toMatch(/Disdetti|\bPia\b/);
  expect(JSON.stringify(appointmentHistory.map((h) => h.payload))).toContain('ENERGIA-RISPARMIO');
  expect((await row('appointments', bookedAppointment)).citizen).toMatchObject({ surname: 'Prenotati', taxCode: 'RSSMRA85T10A562S' });
  // The answers' email records: of an anonymised contact, and one past the email retention.
  expect(await stack.db('sent_emails').where('key', `${old1}/answer`).first()).toMatchObject({ subject: ERASED_TEXT, status: 'sent' });
  expect(await stack.db('sent_emails').where('key', `${recent}/answer`).first()).toMatchObject({ subject: ERASED_TEXT, recipients: [ERASED_TEXT], status: 'sent' });
  expect(Number((await stack.db('audit_log').where('entity_id', old2).count({ n: '*' }))[0].n)).toBe(0);
  expect(await crm()).toEqual(crmBefore);

  // Idempotent: a second run (or a retry) finds nothing left to do.
  const again = await stack.client.workflow.execute(retentionWorkflow, { taskQueue: stack.taskQueue, workflowId: retentionWorkflowId(`test-${randomUUID()}`), args: [input] });
  expect(Object.values(again.anonymised).every((n) => n === 0)).toBe(true);
});

it('the daily schedule is created, then updated, from the configuration, and starts the retention workflow', async () => {
  const scheduleId = `retention-test-${randomUUID()}`;
  const settings = { taskQueue: stack.taskQueue, cron: '15 2 * * *', zone: 'Europe/Rome', days: days({ contacts: 730 }), scheduleId };
  expect(await ensureRetentionSchedule(stack.client, settings)).toBe('created');
  const handle = stack.client.schedule.getHandle(scheduleId);
  schedules.push(handle);
  expect(await ensureRetentionSchedule(stack.client, { ...settings, cron: '30 3 * * *', days: days({ contacts: 365 }) })).toBe('updated');
  const described = await handle.describe();
  expect(described.spec.timezone).toBe('Europe/Rome');
  const action = described.action as { workflowType: string; args: RetentionInput[] };
  expect(action.workflowType).toBe('retentionWorkflow');
  expect(action.args[0].days.contacts).toBe(365);
  await handle.trigger();
  const deadline = Date.now() + 45_000;
  for (;;) {
    const d = await handle.describe();
    const started = d.info.recentActions[0]?.action.workflow;
    if (started) {
      const result = await stack.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result();
      expect(Object.keys(result.anonymised).sort()).toEqual([...RETENTION_KINDS].sort());
      break;
    }
    if (Date.now() > deadline) throw new Error('the schedule took no action');
    await new Promise((res) => setTimeout(res, 200));
  }
});
