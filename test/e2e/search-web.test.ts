/**
 * The search box and the citizen's timeline on the back-office page, in Chromium against the real
 * stack: an operator finds a citizen by surname with the keyboard, opens a result, reads the
 * person's timeline; an office key finds its own escalation and never the other office's.
 */
import path from 'node:path';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { fastCatalog, startStack, Stack } from '../support/harness';
import { ARTIFACTS, BrowserStage, serveToBrowser } from '../support/browser';

jest.setTimeout(120_000);
let stack: Stack;
let stage: BrowserStage;
let browser: Browser;
let operator: string;
const ids = {} as Record<'contact' | 'escalation' | 'otherEscalation', string>;
const citizen = { surname: 'Fedrizzi', name: 'Liliana', email: 'liliana.fedrizzi@example.org', phone: '+39 345 222 1010' };

beforeAll(async () => {
  stack = await startStack({ catalog: fastCatalog() });
  stage = await serveToBrowser(stack.app);
  browser = stage.browser;
  operator = await stack.bearer('operator', undefined, 'Operatrice Neri');
  const post = (p: string, body: object) => request(stack.app).post(`/api/v1${p}`).set('Authorization', operator).send(body);
  const contact = await post('/contacts', { service: 'MCTC', channel: 'phone', caller: citizen, reason: 'Duplicato della carta di circolazione' });
  expect(contact.status).toBe(201);
  ids.contact = contact.body.id;
  const esc = await post(`/contacts/${ids.contact}/escalate`, { office: 'MCTC-VEICOLI', note: 'Serve il modulo firmato' });
  expect(esc.status).toBe(201);
  ids.escalation = esc.body.id;
  const other = await post('/contacts', { service: 'MCTC', channel: 'phone', caller: { surname: 'Fedrizzi', name: 'Ugo' }, reason: 'Esame di guida' });
  const otherEsc = await post(`/contacts/${other.body.id}/escalate`, { office: 'MCTC-PATENTI' });
  expect(otherEsc.status).toBe(201);
  ids.otherEscalation = otherEsc.body.id;
});
afterAll(async () => {
  await stage?.close();
  await stack?.stop();
});

async function signIn(bearer: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'it-IT', timezoneId: 'Europe/Rome' });
  await page.goto(`${stage.base}/#cerca`);
  await page.getByLabel('Chiave di accesso').fill(bearer.replace(/^Bearer /, ''));
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: 'Esci' }).waitFor();
  await page.getByRole('heading', { name: 'Cerca', exact: true }).waitFor();
  return page;
}

it('an operator searches with the keyboard, opens a result and reads the citizen’s timeline', async () => {
  const page = await signIn(operator);
  const box = page.getByRole('searchbox', { name: 'Cerca' });
  await box.focus();
  await page.keyboard.type('fedrizzi liliana');
  await page.keyboard.press('Enter');
  const results = page.getByRole('list', { name: 'Risultati della ricerca' });
  await results.waitFor();
  const links = results.getByRole('link');
  // The person's contact and escalation (by name); Ugo Fedrizzi's records do not match both words.
  await expect(links.count()).resolves.toBe(2);
  await expect(results.textContent()).resolves.toContain(ids.escalation);
  await expect(page.getByRole('status').first().textContent()).resolves.toMatch(/Risultati 1–2/);

  // Newest first: the escalation, then the contact. Keyboard: Enter on a focused result link opens it.
  await expect(links.first().textContent()).resolves.toContain('Inoltro');
  const contactLink = results.getByRole('link', { name: /Contatto MCTC/ });
  await contactLink.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await expect(dialog.getByRole('heading').first().textContent()).resolves.toBe(`Contatto ${ids.contact}`);
  await dialog.getByText('Passaggi').waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  // The timeline by email: the contact and its escalation, newest first.
  await page.getByLabel('Cerca la persona per').selectOption('email');
  await page.getByLabel('Valore').fill(citizen.email);
  await page.getByRole('button', { name: 'Mostra la storia' }).click();
  const timeline = page.getByRole('list', { name: 'Storia del cittadino' });
  await timeline.waitFor();
  await expect(timeline.getByRole('listitem').count()).resolves.toBe(2);
  await expect(timeline.textContent()).resolves.toContain('ultimo passaggio');
  await page.screenshot({ path: path.join(ARTIFACTS, 'search-operator.png'), fullPage: true });
  await page.close();
});

it('an office finds its own escalation and never the other office’s; it has no timeline', async () => {
  const page = await signIn(await stack.bearer('office', 'MCTC-VEICOLI', 'Ufficio veicoli'));
  await page.getByRole('searchbox', { name: 'Cerca' }).fill('Fedrizzi');
  await page.getByRole('button', { name: 'Cerca', exact: true }).last().click();
  const results = page.getByRole('list', { name: 'Risultati della ricerca' });
  await results.waitFor();
  await expect(results.getByRole('link').count()).resolves.toBe(1);
  await expect(results.textContent()).resolves.toContain(ids.escalation);
  await expect(results.textContent()).resolves.not.toContain(ids.otherEscalation);
  await page.getByRole('searchbox', { name: 'Cerca' }).fill(ids.otherEscalation);
  await page.keyboard.press('Enter');
  await page.getByText('Nessun risultato.').waitFor();
  await expect(page.getByRole('heading', { name: 'Storia del cittadino' }).count()).resolves.toBe(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'search-office.png'), fullPage: true });
  await page.close();
});
