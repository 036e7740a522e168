/**
 * The "Pianificazione" view in Debian's Chromium against the real stack: a supervisor sees the
 * half-hour profile and the agents needed as charts, edits the plan and gets the month's prediction
 * next to the actual figures. Screenshots land in test-artifacts/.
 */
import path from 'node:path';
import request from 'supertest';
import { DateTime } from 'luxon';
import type { Browser, Locator } from 'playwright-core';
import { startStack, Stack } from '../support/harness';
import { ARTIFACTS, BrowserStage, serveToBrowser } from '../support/browser';
import { businessCalendar } from '../../domain/business-calendar';

jest.setTimeout(120_000);
let stack: Stack;
let stage: BrowserStage;
let base: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  stage = await serveToBrowser(stack.app);
  ({ base, browser } = stage);
});
afterAll(async () => {
  await stage?.close();
  await stack?.stop();
});

/** Painted pixels of a chart's canvas: the chart was really drawn. */
const painted = (canvas: Locator) =>
  canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let p = 3; p < data.length; p += 4) if (data[p] > 0) n++;
    return n;
  });

it('shows the half-hour profile, the agents needed and a prediction for an edited plan', async () => {
  // Last month in Rome, every MCTC business day: a call every 3 minutes from 09:00 to 12:00, talking
  // 5 minutes; every fifth one hangs up after 40 s, the others are answered after 4-16 s.
  const month = DateTime.now().setZone('Europe/Rome').minus({ months: 1 }).startOf('month');
  const calendar = businessCalendar(stack.catalog.service('MCTC')!.calendar);
  const calls = [];
  for (let d = month; d < month.plus({ months: 1 }); d = d.plus({ days: 1 })) {
    if (!calendar.isBusinessDay(d.toISODate()!)) continue;
    for (let i = 0; i < 60; i++) {
      const at = d.set({ hour: 9 }).plus({ minutes: 3 * i });
      const answered = i % 5 !== 0;
      const answeredAt = at.plus({ seconds: 4 + (i % 4) * 4 });
      calls.push({
        callId: `plan-${d.toISODate()}-${i}`,
        service: 'MCTC',
        registeredAt: at.toISO(),
        ...(answered ? { answeredAt: answeredAt.toISO() } : {}),
        endedAt: answered ? answeredAt.plus({ minutes: 5 }).toISO() : at.plus({ seconds: 40 }).toISO(),
      });
    }
  }
  await request(stack.app).post('/api/v1/calls').set('Authorization', await stack.bearer('integrator')).send(calls).expect(201);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'it-IT', timezoneId: 'Europe/Rome' });
  await page.goto(base + '/');
  await page.getByLabel('Chiave di accesso').fill((await stack.bearer('supervisor', undefined, 'Giulia Neri')).replace(/^Bearer /, ''));
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: 'Pianificazione' }).click();
  await page.getByRole('heading', { name: 'Pianificazione del personale' }).waitFor();
  await page.getByLabel('Mese', { exact: true }).selectOption(month.toFormat('yyyy-LL'));
  await page.getByLabel('Servizio', { exact: true }).selectOption('MCTC');
  await page.getByText(`${calls.length} chiamate nell’orario di servizio`).waitFor();

  // The profile and the agents per weekday, drawn.
  for (const id of ['#planning-profile', '#planning-agents']) expect(await painted(page.locator(`${id} canvas`))).toBeGreaterThan(500);
  // The profile holds the month's calls in the 09:00-12:00 half hours.
  const profile = await page.locator('#planning-profile canvas').evaluate((c) => {
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: string[]; datasets: { data: (number | null)[] }[] } } } }).Chart.getChart(c as HTMLCanvasElement);
    return { labels: chart.data.labels, answered: chart.data.datasets[0].data, abandoned: chart.data.datasets[1].data };
  });
  const nine = profile.labels.indexOf('09:00');
  const days = calls.length / 60;
  expect([profile.answered[nine], profile.abandoned[nine]]).toEqual([8 * days, 2 * days]);
  expect(profile.answered[profile.labels.indexOf('08:00')]).toBe(0);

  // The plan starts from the agents Erlang A asks for; one agent on every row predicts worse figures.
  await page.getByRole('button', { name: 'Calcola la previsione' }).click();
  const result = page.locator('#planning-result');
  await result.getByText('Previsto con il piano', { exact: true }).waitFor();
  const predictedAbandons = async () => (await result.getByRole('row').filter({ hasText: 'Previsto con il piano' }).locator('td').nth(2).textContent())!;
  const generous = await predictedAbandons();
  const agentInputs = page.getByLabel(/^Operatori della fascia/);
  for (let i = 0; i < (await agentInputs.count()); i++) await agentInputs.nth(i).fill('1');
  await agentInputs.last().press('Tab');
  await page.getByRole('button', { name: 'Calcola la previsione' }).click();
  await result.getByRole('row').filter({ hasText: 'Previsto con il piano' }).filter({ hasNotText: generous }).waitFor();
  const stretched = await predictedAbandons();
  const pct = (text: string) => Number(text.replace(/[^\d,]/g, '').replace(',', '.'));
  expect(pct(stretched)).toBeGreaterThan(pct(generous));
  // The actual month: one call in five abandoned = 20 %.
  await result.getByRole('row').filter({ hasText: 'Effettivo del mese' }).getByText('20 %').waitFor();
  expect(await painted(page.locator('#planning-prediction canvas'))).toBeGreaterThan(500);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'supervisor-planning-1280x800.png'), fullPage: true });
  await page.close();
});
