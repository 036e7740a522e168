/**
 * Standard answers on the page, in Chromium: a supervisor writes one, an operator finds it by
 * typing in the resolve form and resolves a written contact with it (the citizen's email carries
 * its text), and the supervisor's knowledge report counts the use. Screenshots in test-artifacts/.
 */
import path from 'node:path';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { startStack, Stack } from '../support/harness';
import { ARTIFACTS, BrowserStage, serveToBrowser } from '../support/browser';

jest.setTimeout(300_000);
let stack: Stack;
let stage: BrowserStage;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  stage = await serveToBrowser(stack.app);
  browser = stage.browser;
});
afterAll(async () => {
  await stage?.close();
  await stack?.stop();
});

async function signIn(bearer: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'it-IT', timezoneId: 'Europe/Rome' });
  await page.goto(stage.base + '/');
  await page.getByLabel('Chiave di accesso').fill(bearer.replace(/^Bearer /, ''));
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: 'Esci' }).waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

it('lets a supervisor write an answer, an operator resolve a contact with it found by typing, and reports the use', async () => {
  const supervisorKey = await stack.bearer('supervisor', undefined, 'Supervisora Gialli');
  const operatorKey = await stack.bearer('operator', undefined, 'Operatore Blu');
  // Another answer of the service, which the typed words must not offer.
  await request(stack.app).post('/api/v1/answers').set('Authorization', supervisorKey).send({ service: 'ADL', category: 'SEDI-ORARI', title: 'Orari della sede centrale', body: 'La sede apre alle 8.30.' }).expect(201);

  // The supervisor writes the seasonal answer on the page.
  const sup = await signIn(supervisorKey);
  await sup.getByRole('button', { name: 'Risposte standard', exact: true }).click();
  await sup.getByLabel('Servizio').selectOption('ADL');
  await sup.getByRole('button', { name: 'Nuova risposta standard' }).click();
  const dialog = sup.getByRole('dialog');
  await dialog.getByLabel('Titolo').fill('Raccolta delle mele: come candidarsi');
  await dialog.getByLabel('Categoria').selectOption('INIZIATIVE');
  await dialog.getByLabel('Testo della risposta').fill('Per la raccolta delle mele ci si candida sul portale del lavoro entro il 31 agosto.');
  await dialog.getByRole('button', { name: 'Salva la risposta' }).click();
  await sup.getByText('Risposta standard salvata.').waitFor();
  const row = sup.getByRole('row').filter({ hasText: 'Raccolta delle mele: come candidarsi' });
  await row.waitFor();
  expect(await row.getByText('In uso').count()).toBe(1);
  await shot(sup, 'answers-supervisor-list');

  // A written contact from a citizen.
  const contact = await request(stack.app)
    .post('/api/v1/contacts')
    .set('Authorization', operatorKey)
    .send({ service: 'ADL', channel: 'email', caller: { email: 'raccoglitore@example.org' }, reason: 'Come partecipo alla raccolta della frutta?' })
    .expect(201);

  // The operator types a few words, with no accents and half a word, and picks the answer by keyboard.
  const op = await signIn(operatorKey);
  await op.getByRole('row').filter({ hasText: contact.body.id }).getByRole('button', { name: 'Risolvi' }).click();
  const search = op.getByRole('combobox', { name: 'Cerca una risposta standard' });
  // The search has the focus when the form opens: the operator starts typing at once.
  await op.waitForFunction(() => document.activeElement?.getAttribute('role') === 'combobox');
  await search.pressSequentially('raccolte mel', { delay: 40 });
  const offered = op.getByRole('listbox', { name: 'Risposte standard trovate' });
  const option = offered.getByRole('option', { name: /Raccolta delle mele: come candidarsi/ });
  await option.waitFor();
  expect(await offered.getByRole('option').count()).toBe(1);
  await search.press('ArrowDown');
  expect(await option.getAttribute('aria-selected')).toBe('true');
  await search.press('Enter');
  await op.getByText('Risposta standard scelta:').waitFor();
  // The operator's words are optional now, and complete the standard answer.
  await op.getByLabel('Testo aggiuntivo (facoltativo)').fill('Cordiali saluti.');
  await shot(op, 'answers-operator-resolve');
  await op.getByRole('button', { name: 'Registra la risposta' }).click();
  await op.getByText(`Contatto ${contact.body.id} risolto al primo livello.`).waitFor();

  const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('raccoglitore@example.org'));
  expect(String(mail.parsed.text)).toMatch(/ci si candida sul portale del lavoro entro il 31 agosto\.\s+Cordiali saluti\./);
  const read = await request(stack.app).get(`/api/v1/contacts/${contact.body.id}`).set('Authorization', supervisorKey);
  expect(read.body.history.find((h: { action: string }) => h.action === 'resolved').payload).toMatchObject({ answerVersion: 1, answerId: expect.stringMatching(/^ANS-/) });

  // The knowledge report counts the use.
  await sup.getByRole('button', { name: 'Bisogni informativi' }).click();
  const used = sup.locator('#knowledge-report').getByRole('row').filter({ hasText: 'Raccolta delle mele: come candidarsi' });
  await used.waitFor();
  expect((await used.getByRole('cell').allInnerTexts()).map((t) => t.trim())).toEqual(['Raccolta delle mele: come candidarsi', '1', 'Agenzia del Lavoro', '1']);
  await shot(sup, 'answers-knowledge-report');

  // A new version on the page; the old one stays readable; then the answer is retired.
  await sup.getByRole('button', { name: 'Risposte standard', exact: true }).click();
  await sup.getByLabel('Servizio').selectOption('ADL');
  const edited = sup.getByRole('row').filter({ hasText: 'Raccolta delle mele: come candidarsi' });
  await edited.getByRole('button', { name: 'Modifica' }).click();
  await sup.getByRole('dialog').getByLabel('Testo della risposta').fill('Per la raccolta delle mele ci si candida sul portale del lavoro entro il 15 settembre.');
  await sup.getByRole('dialog').getByRole('button', { name: 'Salva la nuova versione' }).click();
  await sup.getByText('Nuova versione salvata.').waitFor();
  await sup.getByRole('row').filter({ hasText: 'entro il 15 settembre' }).getByRole('button', { name: 'Versioni' }).click();
  const versions = sup.getByRole('dialog', { name: /Versioni di/ });
  await versions.getByText('Versione 2: Raccolta delle mele: come candidarsi').waitFor();
  expect(await versions.getByText('entro il 31 agosto').count()).toBe(1);
  expect(await versions.getByText('1 uso').count()).toBe(1);
  await shot(sup, 'answers-versions');
  await versions.getByRole('button', { name: 'Chiudi' }).click();
  await sup.getByRole('row').filter({ hasText: 'entro il 15 settembre' }).getByRole('button', { name: 'Ritira' }).click();
  await sup.getByRole('dialog').getByRole('button', { name: 'Ritira la risposta' }).click();
  await sup.getByText('Risposta ritirata.').waitFor();
  await sup.getByRole('row').filter({ hasText: 'Raccolta delle mele' }).waitFor({ state: 'detached' });
  await sup.getByLabel('Mostra anche le ritirate').check();
  await sup.getByRole('row').filter({ hasText: 'Raccolta delle mele' }).getByText('Ritirata').waitFor();
  await op.close();
  await sup.close();
});
