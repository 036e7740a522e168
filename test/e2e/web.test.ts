/**
 * The back-office page in Debian's Chromium, driven by playwright-core, against the real stack:
 * an office resolves an escalation and sees it leave its queue; a supervisor sees the SLA charts.
 */
import path from 'node:path';
import { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { startStack, Stack } from '../support/harness';
import { ARTIFACTS, launchChromium } from '../support/browser';

jest.setTimeout(120_000);
let stack: Stack;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  server = stack.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await stack?.stop();
});

async function signIn(bearer: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'it-IT', timezoneId: 'Europe/Rome' });
  await page.goto(base + '/');
  await page.getByLabel('Chiave di accesso').fill(bearer.replace(/^Bearer /, ''));
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: 'Esci' }).waitFor();
  return page;
}

it('serves an Italian page at /', async () => {
  const res = await request(stack.app).get('/');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.text).toMatch(/<html lang="it">/);
  expect(res.text).toContain('Chiave di accesso');
  // Chart.js is served locally: no network at run time.
  expect((await request(stack.app).get('/vendor/chart.js/chart.umd.min.js')).status).toBe(200);
});

it('lets an office take charge of an escalation, resolve it and see it leave the queue', async () => {
  const operator = await stack.bearer('operator');
  const contact = (await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'email', caller: { surname: 'Ferri', name: 'Laura', email: 'laura.ferri@example.org' }, reason: 'Cambio di residenza sul libretto' })).body;
  await request(stack.app).post(`/api/v1/contacts/${contact.id}/classify`).set('Authorization', operator).send({ category: 'VEICOLI' }).expect(200);
  await request(stack.app).post(`/api/v1/contacts/${contact.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI', note: 'Verificare l’aggiornamento' }).expect(201);

  const page = await signIn(await stack.bearer('office', 'MCTC-VEICOLI', 'Ufficio veicoli'));
  const row = page.getByRole('row').filter({ hasText: contact.id });
  await row.waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('it');
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-queue-1280x800.png'), fullPage: true });

  await row.getByRole('button', { name: 'Prendi in carico' }).click();
  await page.getByText(`Pratica ${contact.id} presa in carico.`).waitFor();
  await page.getByRole('row').filter({ hasText: contact.id }).getByRole('button', { name: 'Risolvi' }).click();
  await page.getByLabel('Risposta al cittadino').fill('Il libretto è stato aggiornato: non deve fare altro.');
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-resolve-dialog.png') });
  await page.getByRole('button', { name: 'Invia la risposta' }).click();
  await page.getByText(`Pratica ${contact.id} risolta.`).waitFor();
  await page.getByRole('row').filter({ hasText: contact.id }).waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'office-after-resolve.png'), fullPage: true });

  const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('laura.ferri@example.org'));
  expect(mail.parsed.text).toContain('Il libretto è stato aggiornato');
  await page.close();
});

it('shows a supervisor the SLA charts of a month with data against the targets', async () => {
  // October 2026 for MCTC (Mon-Fri 08:00-17:00 Rome): on 1, 2 and 5 October, four calls a day.
  const calls = [];
  for (const day of ['2026-10-01', '2026-10-02', '2026-10-05']) {
    for (let i = 0; i < 4; i++) {
      const at = new Date(`${day}T${String(8 + i).padStart(2, "0")}:00:00+02:00`).getTime();
      const answered = i < 3;
      calls.push({
        callId: `web-${day}-${i}`,
        service: 'MCTC',
        registeredAt: new Date(at).toISOString(),
        ...(answered ? { answeredAt: new Date(at + (8 + i * 4) * 1000).toISOString() } : {}),
        endedAt: new Date(at + 120_000).toISOString(),
      });
    }
  }
  await request(stack.app).post('/api/v1/calls').set('Authorization', await stack.bearer('integrator')).send(calls).expect(201);

  for (const [name, viewport] of [['1280x800', { width: 1280, height: 800 }], ['tablet-820x1180', { width: 820, height: 1180 }]] as const) {
    const page = await signIn(await stack.bearer('supervisor', undefined, 'Supervisore'), viewport);
    await page.locator('#sla-month').fill('2026-10');
    await page.locator('#sla-month').dispatchEvent('change');
    await page.locator('#sla-service').selectOption('MCTC');
    const kpis = page.locator('#sla-kpis');
    // Answer times 8, 12, 16 s each day: mean 12 s; one unanswered call of 120 s a day: 3 / 12 = 25 %.
    await kpis.getByText('12 s').waitFor();
    await kpis.getByText('25 %').waitFor();
    await expect(kpis.getByText('Obiettivo rispettato').count()).resolves.toBeGreaterThanOrEqual(1);
    const canvases = page.locator('#sla-charts canvas');
    expect(await canvases.count()).toBe(3);
    // The chart really drew something: the canvas holds non-blank pixels.
    const drawn = await canvases.first().evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    });
    expect(drawn).toBeGreaterThan(500);
    await page.screenshot({ path: path.join(ARTIFACTS, `supervisor-sla-${name}.png`), fullPage: true });
    await page.close();
  }
});

it('gives operators and URU their own sections in Italian', async () => {
  const operatorKey = await stack.bearer('operator', undefined, 'Operatrice Conti');
  await request(stack.app).post('/api/v1/contacts').set('Authorization', operatorKey).send({ service: 'TNDIGITALE', channel: 'phone', ivrCode: '1', caller: { surname: 'Sartori', phone: '0461 123456' }, reason: 'Non riesce ad attivare la Carta Provinciale dei Servizi' }).expect(201);
  const operator = await signIn(operatorKey);
  await operator.getByRole('heading', { name: 'Coda di smistamento' }).waitFor();
  const row = operator.getByRole('row').filter({ hasText: 'Carta Provinciale' });
  await row.waitFor();
  for (const action of ['Classifica', 'Risolvi', 'Inoltra all’ufficio', 'Mancata risposta']) expect(await row.getByRole('button', { name: action }).count()).toBe(1);
  await operator.screenshot({ path: path.join(ARTIFACTS, 'operator-triage-1280x800.png'), fullPage: true });
  await operator.getByRole('tab', { name: 'Nuovo contatto' }).click();
  await operator.getByLabel('Richiesta del cittadino').waitFor();
  await operator.close();

  await request(stack.app)
    .post('/api/v1/complaints')
    .set('Authorization', operatorKey)
    .send({ kind: 'complaint', requester: { name: 'Elena', surname: 'Bassi', email: 'elena.bassi@example.org' }, subject: 'Attesa troppo lunga al telefono', body: 'Ho atteso venti minuti.', channel: 'phone' })
    .expect(201);
  const uru = await signIn(await stack.bearer('uru', undefined, 'URU'));
  const complaint = uru.getByRole('row').filter({ hasText: 'Attesa troppo lunga' });
  await complaint.waitFor();
  await complaint.getByText('giorni rimasti').waitFor();
  await uru.screenshot({ path: path.join(ARTIFACTS, 'uru-complaints-1280x800.png'), fullPage: true });
  await uru.close();
});
