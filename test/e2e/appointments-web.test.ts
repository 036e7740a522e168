/**
 * Appointments on the back-office page in Chromium against the real stack: an operator books from a
 * contact of the appointment line with the slot picker (keyboard), the office records the outcome,
 * the supervisor sees the month's figures. APIAE's agenda is open every day so the test runs any day.
 */
import path from 'node:path';
import request from 'supertest';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { catalogWith, startStack, Stack } from '../support/harness';
import { ARTIFACTS, BrowserStage, serveToBrowser } from '../support/browser';

jest.setTimeout(120_000);
let stack: Stack;
let stage: BrowserStage;
let base: string;
let browser: Browser;
const today = DateTime.now().setZone('Europe/Rome');

beforeAll(async () => {
  const catalog = catalogWith((data) => {
    const apiae = data.services.find((s) => s.code === 'APIAE')!;
    apiae.calendar = { zone: apiae.calendar.zone, alwaysOpen: true };
    const energy = apiae.appointments.applicationTypes.find((t: { code: string }) => t.code === 'ENERGIA-RISPARMIO');
    energy.openFrom = today.minus({ days: 10 }).toISODate();
    energy.openTo = today.plus({ days: 30 }).toISODate();
    apiae.appointments.agendas.find((a: { office: string }) => a.office === 'APIAE-ENERGIA').weekly = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '20:00' }];
  });
  stack = await startStack({ catalog });
  stage = await serveToBrowser(stack.app);
  ({ base, browser } = stage);
});
afterAll(async () => {
  await stage?.close();
  await stack?.stop();
});

async function signIn(bearer: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'it-IT', timezoneId: 'Europe/Rome' });
  await page.goto(base + '/');
  await page.getByLabel('Chiave di accesso').fill(bearer.replace(/^Bearer /, ''));
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: 'Esci' }).waitFor();
  return page;
}

it('books from a contact with the keyboard, records the outcome at the office, and shows the month to the supervisor', async () => {
  const operator = await stack.bearer('operator', undefined, 'Operatrice Verdi');
  const contact = (
    await request(stack.app)
      .post('/api/v1/contacts')
      .set('Authorization', operator)
      .send({ service: 'APIAE', channel: 'phone', ivrCode: '2', caller: { surname: 'Gialli', name: 'Carla', email: 'carla.gialli@example.org' }, reason: 'Consegna domanda risparmio energetico' })
      .expect(201)
  ).body;
  // The first day with at least two free slots (today, or tomorrow late in the evening).
  const free = (
    await request(stack.app)
      .get(`/api/v1/appointments/slots?service=APIAE&applicationType=ENERGIA-RISPARMIO&office=APIAE-ENERGIA&from=${today.toISODate()}&to=${today.plus({ days: 2 }).toISODate()}`)
      .set('Authorization', operator)
  ).body.items as { start: string }[];
  const day = [today, today.plus({ days: 1 })].map((d) => d.toISODate()!).find((d) => free.filter((s) => s.start.startsWith(d)).length >= 2)!;
  const secondOfDay = free.filter((s) => s.start.startsWith(day))[1].start;

  const page = await signIn(operator);
  const row = page.getByRole('row').filter({ hasText: contact.id });
  await row.getByRole('button', { name: `Prenota un appuntamento per il contatto ${contact.id}` }).click();
  await page.getByRole('heading', { name: 'Prenota appuntamento' }).waitFor();
  await page.getByText(`Dal contatto ${contact.id}`).waitFor();
  expect(await page.getByLabel('Cognome').inputValue()).toBe('Gialli');
  await page.getByLabel('Giorno').fill(day);
  await page.getByRole('button', { name: 'Cerca orari' }).click();
  // The first free slot is focused and checked; the arrow key moves to the next one.
  const first = page.getByRole('radio').first();
  await first.waitFor();
  await expect(first.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  await page.keyboard.press('ArrowRight');
  expect(await page.locator('input[name="slot"]:checked').getAttribute('value')).toBe(secondOfDay);
  await page.getByRole('button', { name: 'Prenota', exact: true }).click();
  const message = page.locator('.msg-ok');
  await message.waitFor();
  const id = /Appuntamento (A-\d{4}-\d{6}) prenotato/.exec(await message.innerText())![1];
  await page.screenshot({ path: path.join(ARTIFACTS, 'appointments-operator.png'), fullPage: true });
  await page.close();

  const booked = (await request(stack.app).get(`/api/v1/appointments/${id}`).set('Authorization', operator)).body;
  // Booked in the evening for tomorrow, the reminder goes at once.
  expect(['booked', 'reminded']).toContain(booked.status);
  expect(booked).toMatchObject({ start: secondOfDay, contactId: contact.id, citizen: { surname: 'Gialli', name: 'Carla', email: 'carla.gialli@example.org' } });
  expect((await request(stack.app).get(`/api/v1/contacts/${contact.id}`).set('Authorization', operator)).body.status).toBe('resolved');
  await stack.smtp.waitFor((m) => m.envelope.to.includes('carla.gialli@example.org') && String(m.parsed.subject).includes(id));

  const office = await signIn(await stack.bearer('office', 'APIAE-ENERGIA', 'Davide Greco'));
  await office.getByRole('button', { name: 'Agenda appuntamenti' }).click();
  await office.getByLabel('Periodo').selectOption('week');
  const appointment = office.getByRole('row').filter({ hasText: id });
  await appointment.getByRole('button', { name: `Registra l’esito dell’appuntamento ${id}` }).click();
  const dialog = office.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByLabel('Esito').selectOption('attended');
  await dialog.getByRole('button', { name: 'Registra l’esito', exact: true }).click();
  await office.getByText(`Esito registrato per ${id}.`).waitFor();
  await office.getByRole('row').filter({ hasText: id }).getByText('Presentato').waitFor();
  await office.screenshot({ path: path.join(ARTIFACTS, 'appointments-office.png'), fullPage: true });
  await office.close();
  expect((await request(stack.app).get(`/api/v1/appointments/${id}`).set('Authorization', operator)).body.status).toBe('attended');

  const supervisor = await signIn(await stack.bearer('supervisor'));
  await supervisor.getByRole('button', { name: 'Appuntamenti', exact: true }).click();
  await supervisor.getByLabel('Mese').fill(DateTime.fromISO(secondOfDay, { setZone: true }).toFormat('yyyy-MM'));
  await supervisor.getByLabel('Mese').dispatchEvent('change');
  const energia = supervisor.getByRole('row').filter({ hasText: 'APIAE-ENERGIA' });
  await energia.waitFor();
  expect(await energia.locator('td[data-label="Presentati"]').innerText()).toBe('1');
  await supervisor.close();
});
