/**
 * The public "Scrivi" form and the survey page in Debian's Chromium against the real stack: a
 * citizen (keyboard and labels only) sends a request and a complaint and sees the references, the
 * receipts reach the SMTP sink, the rate limit shows its Italian message; the survey link opens a
 * confirmation page and the vote appears on the supervisor's page. Screenshots in test-artifacts/.
 */
import path from 'node:path';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { startStack, Stack, TEST_SURVEY_SECRET } from '../support/harness';
import { ARTIFACTS, BrowserStage, serveToBrowser } from '../support/browser';

jest.setTimeout(120_000);
let stack: Stack;
let stage: BrowserStage;
let base: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ app: { scriviRateLimitPerHour: 3 }, settings: { survey: { delayMs: 500, tokenSecret: TEST_SURVEY_SECRET, publicBaseUrl: 'http://placeholder.invalid' } } });
  stage = await serveToBrowser(stack.app);
  ({ base, browser } = stage);
});
afterAll(async () => {
  await stage?.close();
  await stack?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

async function fill(page: Page, who: { name: string; surname: string; email: string }, kind: 'Richiesta di informazioni' | 'Reclamo') {
  await page.getByRole('combobox', { name: 'Servizio', exact: true }).selectOption({ label: 'Agenzia del Lavoro' });
  await page.getByRole('combobox', { name: 'Argomento', exact: true }).selectOption({ label: 'Collocamento mirato e obbligatorio' });
  await page.getByLabel(kind).check();
  await page.getByRole('textbox', { name: 'Nome', exact: true }).fill(who.name);
  await page.getByRole('textbox', { name: 'Cognome', exact: true }).fill(who.surname);
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(who.email);
  await page.getByRole('textbox', { name: 'Messaggio', exact: true }).fill('Vorrei informazioni sull’iscrizione alle liste del collocamento mirato.');
}

it('sends a request and a complaint, shows their references, emails receipts, then shows the rate limit', async () => {
  const page = await browser.newPage({ locale: 'it-IT' });
  await page.goto(base + '/scrivi');
  expect(await page.getAttribute('html', 'lang')).toBe('it');
  // Only the chosen service's topics are offered.
  await page.getByRole('combobox', { name: 'Servizio', exact: true }).selectOption({ label: 'Agenzia del Lavoro' });
  const offered = await page.locator('#f-category optgroup:not([disabled])').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-service')));
  expect(offered).toEqual(['ADL']);
  // The honeypot is out of sight and out of the tab order.
  expect(await page.locator('#f-website').isVisible()).toBe(true); // rendered, but off-screen
  expect(await page.locator('#f-website').evaluate((el) => el.getBoundingClientRect().right < 0)).toBe(true);

  await fill(page, { name: 'Elena', surname: 'Conti', email: 'elena.conti@example.org' }, 'Richiesta di informazioni');
  // Without the consent: the error sits beside the box and the summary takes the focus.
  await page.keyboard.press('Tab');
  await page.getByRole('button', { name: 'Invia' }).press('Enter');
  const summary = page.getByRole('alert');
  await summary.waitFor();
  expect(await summary.textContent()).toContain('Consenso al trattamento dei dati');
  expect(await page.getAttribute('#f-consent', 'aria-invalid')).toBe('true');
  expect(await page.getAttribute('#f-consent', 'aria-describedby')).toContain('e-consent');
  expect(await page.locator('#e-consent').textContent()).toMatch(/acconsentire al trattamento/);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('summary');
  await shot(page, 'scrivi-consent-error');

  await page.getByLabel(/Ho letto l'informativa/).check();
  await page.getByRole('button', { name: 'Invia' }).click();
  const reference = (await page.locator('#reference').textContent())!;
  expect(reference).toMatch(/^CON-\d{4}-\d{6}$/);
  expect(await page.getByRole('status').textContent()).toContain('La sua richiesta è stata registrata');
  await shot(page, 'scrivi-sent');
  const receipt = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${reference}]`));
  expect(receipt.envelope.to).toEqual(['elena.conti@example.org']);

  // A complaint, from a fresh page.
  await page.goto(base + '/scrivi');
  await fill(page, { name: 'Paolo', surname: 'Serra', email: 'paolo.serra@example.org' }, 'Reclamo');
  await page.getByLabel(/Ho letto l'informativa/).check();
  await page.getByRole('button', { name: 'Invia' }).click();
  const complaintRef = (await page.locator('#reference').textContent())!;
  expect(complaintRef).toMatch(/^REC-\d{4}-\d{6}$/);
  expect(await page.getByRole('status').textContent()).toContain('Il suo reclamo è stato registrato');
  await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${complaintRef}] Abbiamo ricevuto il suo reclamo`));

  // The third message is allowed, the fourth from this address is not: the page says so in Italian.
  for (const [i, expectOk] of [[3, true], [4, false]] as const) {
    await page.goto(base + '/scrivi');
    await fill(page, { name: 'Anna', surname: 'Greco', email: `anna.greco${i}@example.org` }, 'Richiesta di informazioni');
    await page.getByLabel(/Ho letto l'informativa/).check();
    await page.getByRole('button', { name: 'Invia' }).click();
    if (expectOk) await page.locator('#reference').waitFor();
    else {
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/Troppi messaggi.*Sono stati inviati troppi messaggi\. Riprovi tra \d+ minuti\./s);
      await shot(page, 'scrivi-rate-limited');
    }
  }
  await page.close();

  // --- the survey: the citizen's request is answered, the link opens a page to confirm the vote ---
  const operator = await stack.bearer('operator');
  expect((await request(stack.app).post(`/api/v1/contacts/${reference}/resolve`).set('Authorization', operator).send({ answer: 'Serve il verbale di invalidità.' })).status).toBe(200);
  const survey = await stack.smtp.waitFor((m) => String(m.parsed.subject).includes(`[${reference}] Com'è andata?`), 20_000);
  const link = String(survey.parsed.text).match(/http:\/\/placeholder\.invalid(\/valutazione\?t=[^\s&]+&voto=4)/)![1];
  const vote = await browser.newPage({ locale: 'it-IT' });
  await vote.goto(base + link);
  expect(await vote.getByLabel('4 - Soddisfatto').isChecked()).toBe(true);
  expect((await stack.db('surveys').where({ case_id: reference }).first()).score).toBeNull();
  await vote.getByRole('button', { name: 'Conferma il voto' }).click();
  expect(await vote.getByRole('status').textContent()).toContain('Il voto è stato registrato: 4');
  await shot(vote, 'survey-voted');
  await vote.close();

  // --- the supervisor sees it ------------------------------------------------------------------
  const supervisor = await browser.newPage({ locale: 'it-IT', timezoneId: 'Europe/Rome' });
  await supervisor.goto(base + '/');
  await supervisor.getByLabel('Chiave di accesso').fill((await stack.bearer('supervisor')).replace(/^Bearer /, ''));
  await supervisor.getByRole('button', { name: 'Accedi' }).click();
  await supervisor.getByRole('button', { name: 'Canali e soddisfazione' }).click();
  await supervisor.locator('#crm-satisfaction').waitFor();
  expect(await supervisor.locator('#crm-satisfaction').textContent()).toBe('1 voto, media 4 su 5.');
  await shot(supervisor, 'crm-satisfaction');
  await supervisor.close();
});
