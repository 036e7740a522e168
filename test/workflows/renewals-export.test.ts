import { failFirstDeliveryRecord } from '../support/faults';
import { createHash, randomUUID } from 'node:crypto';
import { ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { fastCatalog, requireEnv, startStack, Stack } from '../support/harness';
import { parseCsv } from '../support/csv';
import { parseCatalog, ServiceCatalog } from '../../domain/catalog';
import { loadConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';
import { createRenewalStore } from '../../infra/stores/renewals';
import { ensureRenewalsExportSchedule, RENEWALS_EXPORT_SCHEDULE_ID, setupRenewalsExportSchedule } from '../../infra/renewals-schedule';
import { renewalsExportWorkflow, scheduledRenewalsExportWorkflow } from '../../workflows/renewals-export';
import { saveHistoryFile } from '../replay/history-file';
import { renewalsExportProgressQuery, workflowId } from '../../workflows/definitions';

const todayInRome = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
const CENTRES = ['CPI-TRENTO', 'CPI-ROVERETO', 'CPI-RIVA-DEL-GARDA', 'CPI-PERGINE-VALSUGANA', 'CPI-CLES', 'CPI-TIONE'];
const messageIdOf = (key: string) => `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@contact-center.example.org>`;

/** The sample catalog, with the ADL service open every day of the week except today. */
function catalogClosedToday(): ServiceCatalog {
  const data = JSON.parse(JSON.stringify(fastCatalog().data));
  const adl = data.services.find((s: { code: string }) => s.code === 'ADL');
  adl.calendar = {
    zone: 'Europe/Rome',
    alwaysOpen: false,
    weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
    holidays: null,
    closedDates: [todayInRome()],
    openDates: [],
  };
  return new ServiceCatalog(parseCatalog(data, 'test catalog'));
}

jest.setTimeout(120_000);

let stack: Stack;
const schedules: ScheduleHandle[] = [];
beforeAll(async () => {
  stack = await startStack({ catalog: catalogClosedToday() });
});
afterAll(async () => {
  for (const s of schedules) await s.delete().catch(() => undefined);
  await stack.stop();
});

async function newSchedule(cron = '30 17 * * 1-5'): Promise<ScheduleHandle> {
  const scheduleId = `renewals-export-test-${randomUUID()}`;
  expect(await ensureRenewalsExportSchedule(stack.client, { taskQueue: stack.taskQueue, cron, zone: 'Europe/Rome', service: 'ADL', scheduleId })).toBe('created');
  const handle = stack.client.schedule.getHandle(scheduleId);
  schedules.push(handle);
  return handle;
}

/** The workflow the schedule started for its n-th action. */
async function actionWorkflow(handle: ScheduleHandle, n: number): Promise<string> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const d = await handle.describe();
    if (d.info.recentActions.length >= n) return d.info.recentActions[n - 1].action.workflow.workflowId;
    if (Date.now() > deadline) throw new Error('the schedule took no action');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the schedule', () => {
  it('is created at worker start with the configured time, zone, overlap skip and catch-up window; a second setup updates it', async () => {
    const config = loadConfig({ TEMPORAL_NAMESPACE: stack.client.options.namespace, TEMPORAL_PAYLOAD_KEY: requireEnv('TEST_PAYLOAD_KEY') });
    const logger = createLogger('silent');
    const handle = stack.client.schedule.getHandle(RENEWALS_EXPORT_SCHEDULE_ID);
    schedules.push(handle);
    try {
      await setupRenewalsExportSchedule(config, stack.catalog, requireEnv('TEST_TEMPORAL_ADDRESS'), stack.taskQueue, logger);
      await setupRenewalsExportSchedule(config, stack.catalog, requireEnv('TEST_TEMPORAL_ADDRESS'), stack.taskQueue, logger);
      const d = await handle.describe();
      // Default configuration: 17:30, Monday to Friday, Rome time.
      expect(d.spec.timezone).toBe('Europe/Rome');
      expect(d.spec.calendars).toHaveLength(1);
      expect(d.spec.calendars![0]).toMatchObject({
        second: [{ start: 0, end: 0, step: 1 }],
        minute: [{ start: 30, end: 30, step: 1 }],
        hour: [{ start: 17, end: 17, step: 1 }],
        dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }],
      });
      expect(d.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(d.policies.catchupWindow).toBe(7 * 24 * 3600 * 1000);
      expect(d.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'scheduledRenewalsExportWorkflow',
        taskQueue: stack.taskQueue,
        args: [{ service: 'ADL', zone: 'Europe/Rome', catchUpDays: 7 }],
      });
      expect(d.state.paused).toBe(false);
    } finally {
      await handle.delete();
    }
  });

  it('is updated, not duplicated, when the configuration changes', async () => {
    const handle = await newSchedule();
    expect(await ensureRenewalsExportSchedule(stack.client, { taskQueue: stack.taskQueue, cron: '0 18 * * 1-5', zone: 'Europe/Rome', service: 'ADL', scheduleId: handle.scheduleId })).toBe('updated');
    const d = await handle.describe();
    expect(d.spec.calendars).toHaveLength(1);
    expect(d.spec.calendars![0]).toMatchObject({ hour: [{ start: 18, end: 18, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
  });
});

describe('scheduled runs', () => {
  it('derive the business date from the action time and skip a day the service is closed', async () => {
    const handle = await newSchedule();
    await handle.trigger();
    const result = await stack.client.workflow.getHandle(await actionWorkflow(handle, 1)).result();
    // Today is closed in this catalog: nothing to export, no email.
    expect(result).toEqual({ scheduledDate: todayInRome(), scheduledDateIsBusinessDay: false, runs: [] });
    expect(stack.smtp.messages).toHaveLength(0);
  });

  it('backfill a past day: the action scheduled for 14 October exports 14 October', async () => {
    const store = createRenewalStore(stack.db);
    const { renewal } = (await store.insert(
      { service: 'ADL', surname: 'Ottobre', name: 'Olga', taxCode: 'BNCGLI90A41H501E', jobType: 'Custode', jobCentre: 'CPI-ROVERETO', consentToPublish: false },
      { name: 'Operatore', role: 'operator' },
    )) as { renewal: { id: string } };
    // As if inserted at 11:00 in Rome (CEST, UTC+2) on Wednesday 14 October 2026.
    await stack.db('history').where({ entity_type: 'renewal', entity_id: renewal.id }).update({ at: new Date('2026-10-14T09:00:00Z') });

    const handle = await newSchedule();
    // 17:30 in Rome on 14 October is 15:30 UTC.
    await handle.backfill({ start: new Date('2026-10-14T15:29:00Z'), end: new Date('2026-10-14T15:31:00Z'), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    const launcher = await stack.client.workflow.getHandle(await actionWorkflow(handle, 1)).result();
    expect(launcher).toEqual({ scheduledDate: '2026-10-14', scheduledDateIsBusinessDay: true, runs: [{ date: '2026-10-14', status: 'completed' }] });

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('cpi.rovereto@example.org'), 45_000);
    expect(mail.parsed.subject).toBe('Banca dati rinnovi - variazioni di mercoledì 14 ottobre 2026');
    const rows = parseCsv(mail.parsed.attachments[0].content.toString('utf8').replace(/^\uFEFF/, ''), ';');
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[3]])).toEqual([[renewal.id, 'Inserimento', '14/10/2026 11:00:00', 'Ottobre']]);
    const run = await stack.db('renewals_export_runs').where({ date: '2026-10-14' }).first();
    expect(run).toMatchObject({ status: 'completed', trigger: 'schedule', requested_by: 'schedule', workflow_id: 'renewals-export:2026-10-14' });
    expect(stack.smtp.messages).toHaveLength(6);
    if (process.env.RECORD_REPLAY_HISTORIES === '1') {
      await saveHistoryFile(stack.client, await actionWorkflow(handle, 1), 'scheduled-renewals-export.json');
      await saveHistoryFile(stack.client, workflowId.renewalsExport('2026-10-14'), 'renewals-export.json');
    }
  });
});

describe('exactly once per day and centre', () => {
  const execute = (date: string) =>
    stack.client.workflow.execute(renewalsExportWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: workflowId.renewalsExport(date),
      args: [{ date, service: 'ADL', trigger: 'manual', requestedBy: 'test' }],
    });
  const mailsOf = (date: string) => stack.smtp.messages.filter((m) => m.parsed.subject?.includes(date === '2026-10-20' ? '20 ottobre 2026' : '21 ottobre 2026'));

  it('retries a send whose activity failed after the email left without sending it again', async () => {
    // The first write of a delivery row fails, after the relay took the first centre's email.
    await failFirstDeliveryRecord(stack.db);
    try {
      const result = await execute('2026-10-20');
      expect(result).toMatchObject({ status: 'completed', centresDone: 6 });
    } finally {
      await stack.db.raw('drop trigger fail_delivery_once on renewals_export_deliveries');
    }
    const mails = mailsOf('2026-10-20');
    expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual(
      ['cpi.trento@example.org', 'cpi.rovereto@example.org', 'cpi.riva@example.org', 'cpi.pergine@example.org', 'cpi.cles@example.org', 'cpi.tione@example.org'].sort(),
    );
    const trento = mails.find((m) => m.envelope.to[0] === 'cpi.trento@example.org')!;
    expect(trento.parsed.messageId).toBe(messageIdOf('renewals-export:2026-10-20:CPI-TRENTO'));
    const deliveries = await stack.db('renewals_export_deliveries').where({ date: '2026-10-20' }).orderBy('centre');
    expect(deliveries.map((d) => [d.centre, d.status])).toEqual(CENTRES.map((c) => [c, 'sent']).sort());
  });

  it('sends again, with the same Message-ID, what a worker killed mid-send may have sent, and a re-run sends nothing', async () => {
    // A claim left in 'sending' without owner (as a worker killed mid-send left it before owners were recorded) is taken over at once.
    const key = 'renewals-export:2026-10-21:CPI-ROVERETO';
    await stack.db('sent_emails').insert({ key, message_id: messageIdOf(key), status: 'sending', recipients: ['cpi.rovereto@example.org'], subject: 'Banca dati rinnovi' });
    const first = await execute('2026-10-21');
    expect(first.centres.find((c) => c.code === 'CPI-ROVERETO')).toEqual({ code: 'CPI-ROVERETO', status: 'sent', rows: 0, alreadyDelivered: false });
    const rovereto = mailsOf('2026-10-21').filter((m) => m.envelope.to.includes('cpi.rovereto@example.org'));
    expect(rovereto.map((m) => m.parsed.messageId)).toEqual([messageIdOf(key)]);
    expect(await stack.db('sent_emails').where({ key }).first()).toMatchObject({ status: 'sent', in_doubt: true });
    expect(mailsOf('2026-10-21')).toHaveLength(6);

    // The same workflow id runs again (the first run completed) and finds every delivery recorded.
    const again = await execute('2026-10-21');
    expect(again.centres.every((c) => c.alreadyDelivered)).toBe(true);
    const progress = await stack.client.workflow.getHandle(workflowId.renewalsExport('2026-10-21')).query(renewalsExportProgressQuery);
    expect(progress).toMatchObject({ date: '2026-10-21', status: 'completed', centresTotal: 6, centresDone: 6 });
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsOf('2026-10-21')).toHaveLength(6);
    expect((await stack.db('renewals_export_runs').where({ date: '2026-10-21' }).first()).runs).toBe(2);
  });

  it('refuses to start the scheduled path without a date from the schedule', async () => {
    await expect(
      stack.client.workflow.execute(scheduledRenewalsExportWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: `renewals-export-scheduled-test-${randomUUID()}`,
        args: [{ service: 'ADL', zone: 'Europe/Rome', catchUpDays: 7 }],
      }),
    ).rejects.toThrow();
  });
});
