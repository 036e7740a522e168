/**
 * The desk in Debian's Chromium against the real stack: paging and filters on the triage queue,
 * the operator seeing why an office sent a contact back and its full history, the supervisor's
 * overview of open work by office (screenshot), URU registering a complaint that came by letter.
 */
import os from 'node:os';
import path from 'node:path';
import { statSync } from 'node:fs';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { catalogWith, startStack, Stack } from '../support/harness';
import { BrowserStage, serveToBrowser } from '../support/browser';

jest.setTimeout(180_000);
let stack: Stack;
let stage: BrowserStage;
let base: string;
let browser: Browser;
let operator: string;

beforeAll(async () => {
  // APIAE runs 24/7 with a take-charge term of seconds, so the overview can show a breach.
  const catalog = catalogWith((data) => {
    const apiae = data.services.find((s) => s.code === 'APIAE')!;
    apiae.calendar = { zone: apiae.calendar.zone, alwaysOpen: true };
    apiae.sla = { ...apiae.sla, takeCharge: 'PT2S', reminderLead: 'PT1S', resolve: 'PT1H' };
  });
  stack = await startStack({ catalog });
  stage = await serveToBrowser(stack.app);
  ({ base, browser } = stage);
  operator = await stack.bearer('operator', undefined, 'Operatrice Sala');
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

async function openContact(surname: string, reason: string, service = 'MCTC'): Promise<string> {
  const res = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).send({ service, channel: 'phone', caller: { surname, name: 'Test' }, reason });
  expect(res.status).toBe(201);
  return res.body.id;
}

it('pages the triage queue 25 at a time and finds one contact with the search box', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) ids.push(await openContact(`Coda${String(i).padStart(2, '0')}`, `Richiesta in coda numero ${i}`));
  const page = await signIn(operator);
  await page.getByText('30 contatti in attesa').waitFor();
  const pager = page.locator('#triage-pager');
  await pager.getByText('1–25 di 30 · pagina 1 di 2').waitFor();
  expect(await page.locator('#section-smistamento tbody tr').count()).toBe(25);
  await pager.getByRole('button', { name: 'Pagina successiva' }).click();
  await page.locator('#triage-pager').getByText('26–30 di 30 · pagina 2 di 2').waitFor();
  expect(await page.locator('#section-smistamento tbody tr').count()).toBe(5);
  await page.getByRole('row').filter({ hasText: ids[29] }).waitFor();

  await page.getByRole('searchbox', { name: 'Cerca' }).fill('coda17');
  await page.keyboard.press('Enter');
  await page.getByText('1 contatto in attesa').waitFor();
  await page.getByRole('row').filter({ hasText: ids[17] }).waitFor();
  expect(await page.locator('#section-smistamento tbody tr').count()).toBe(1);
  // A filter: no contact has waited a day yet.
  await page.getByRole('button', { name: 'Azzera' }).click();
  await page.getByText('30 contatti in attesa').waitFor();
  await page.getByLabel('In coda').selectOption('24');
  await page.getByRole('search', { name: 'Cerca e filtra' }).getByRole('button', { name: 'Cerca', exact: true }).click();
  await page.getByText('Nessun contatto da smistare.').waitFor();
  await page.close();
});

it('shows the operator why an office sent a contact back, and the contact’s full history in Italian', async () => {
  const id = await openContact('Rimandato', 'Domanda sul cambio di residenza sulla carta di circolazione');
  const esc = await request(stack.app).post(`/api/v1/contacts/${id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' });
  expect(esc.status).toBe(201);
  const office = await stack.bearer('office', 'MCTC-VEICOLI', 'Paolo Verdi');
  expect((await request(stack.app).post(`/api/v1/escalations/${esc.body.id}/return`).set('Authorization', office).send({ reason: 'Serve il numero di targa' })).status).toBe(200);
  const page = await signIn(operator);
  await page.getByRole('searchbox', { name: 'Cerca' }).fill(id);
  await page.keyboard.press('Enter');
  const row = page.getByRole('row').filter({ hasText: id });
  // The contact is back in triage a moment after the office's return.
  for (let i = 0; i < 20 && !(await row.count()); i++) {
    await page.waitForTimeout(300);
    await page.getByRole('search', { name: 'Cerca e filtra' }).getByRole('button', { name: 'Cerca', exact: true }).click();
  }
  await row.getByText('Restituito da Ufficio veicoli e immatricolazioni').waitFor();
  await row.getByText('Serve il numero di targa').waitFor();
  await row.getByRole('button', { name: `Storia del contatto ${id}` }).click();
  const dialog = page.locator('#info-dialog');
  await dialog.getByRole('heading', { name: `Storia del contatto ${id}` }).waitFor();
  const steps = dialog.locator('#contact-history li');
  await steps.nth(2).waitFor();
  expect(await steps.allInnerTexts()).toEqual([
    expect.stringMatching(/^Registrato — .* — Operatrice Sala/),
    expect.stringMatching(/^Inoltrato all’ufficio — .* — Operatrice Sala · Ufficio: Ufficio veicoli e immatricolazioni/),
    expect.stringMatching(/^Restituito dall’ufficio al contact center — .* — Paolo Verdi \(Ufficio veicoli e immatricolazioni\) · Motivo: Serve il numero di targa/),
  ]);
  await page.keyboard.press('Escape');
  await page.close();
});

it('gives the supervisor the overview of open work by office with ages and breaches, and reassigns from it', async () => {
  const late = await openContact('Ritardo', 'Contributo per il fotovoltaico', 'APIAE');
  const lateEsc = await request(stack.app).post(`/api/v1/contacts/${late}/escalate`).set('Authorization', operator).send({ office: 'APIAE-ENERGIA' });
  expect(lateEsc.status).toBe(201);
  const other = await openContact('Puntuale', 'Duplicato della patente');
  expect((await request(stack.app).post(`/api/v1/contacts/${other}/escalate`).set('Authorization', operator).send({ office: 'MCTC-PATENTI' })).status).toBe(201);
  const supervisor = await stack.bearer('supervisor', undefined, 'Giulia Neri');
  // Wait for the 2-second take-charge term to breach.
  for (let i = 0; i < 60; i++) {
    const o = await request(stack.app).get('/api/v1/overview?breached=true').set('Authorization', supervisor);
    if (o.body.items?.some((x: { id: string }) => x.id === lateEsc.body.id)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const page = await signIn(supervisor);
  await page.getByRole('button', { name: 'Quadro generale' }).click();
  await page.getByRole('heading', { name: 'Quadro generale del lavoro aperto' }).waitFor();
  const energia = page.getByRole('row').filter({ hasText: 'Ufficio incentivi risparmio energetico e fonti rinnovabili' });
  await energia.first().waitFor();
  const officesTable = page.locator('table').first();
  const energiaRow = officesTable.getByRole('row').filter({ hasText: 'Ufficio incentivi risparmio energetico' });
  await energiaRow.getByText('1 fuori termine', { exact: false }).waitFor();
  await officesTable.getByRole('row').filter({ hasText: 'Ufficio patenti' }).first().waitFor();
  const item = page.getByRole('row').filter({ hasText: late });
  await item.getByText('Fuori termine').waitFor();
  await item.getByText('meno di un minuto').first().waitFor();
  await page.locator('#overview-totals').getByText('pratiche fuori termine').waitFor();

  const file = path.join(os.tmpdir(), `overview-${process.pid}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(10_000);
  const visible = await page.locator('#section-quadro').innerText();
  for (const text of ['Ufficio incentivi risparmio energetico e fonti rinnovabili', 'Ufficio patenti', 'Fuori termine', 'Più vecchio da', 'Aperto da', 'meno di un minuto', late, other]) expect(visible).toContain(text);

  await item.getByRole('button', { name: `Riassegna la pratica ${lateEsc.body.id}` }).click();
  await page.getByLabel('Nuovo ufficio').selectOption('APIAE-SEGRETERIA');
  await page.getByRole('button', { name: 'Riassegna', exact: true }).click();
  await page.getByText(`Pratica ${lateEsc.body.id} riassegnata`).waitFor();
  const after = await request(stack.app).get(`/api/v1/escalations/${lateEsc.body.id}`).set('Authorization', supervisor);
  expect(after.body.office).toBe('APIAE-SEGRETERIA');
  await page.close();
});

it('lets URU register a complaint that arrived by letter', async () => {
  const page = await signIn(await stack.bearer('uru', undefined, 'Sara URU'));
  await page.getByRole('button', { name: 'Registra un reclamo' }).click();
  const form = page.locator('#manual-complaint-form');
  await form.getByLabel('Arrivato').selectOption('letter');
  await form.getByLabel('Servizio interessato').selectOption('MCTC');
  await form.getByLabel('Cognome').fill('Postale');
  await form.locator('input[name=name]').fill('Pietro');
  await form.getByLabel('Indirizzo postale').fill('Via Roma 1, 38122 Trento');
  await form.getByLabel('Oggetto').fill('Sportello chiuso');
  await form.getByLabel('Testo del reclamo').fill('Lo sportello era chiuso in orario di apertura.');
  await form.getByRole('button', { name: 'Registra la pratica' }).click();
  const message = page.getByText(/Pratica .* registrata: è nell’elenco dei reclami\./);
  await message.waitFor();
  const id = /Pratica (\S+) registrata/.exec(await message.innerText())![1];
  const uru = await stack.bearer('uru');
  const saved = await request(stack.app).get(`/api/v1/complaints/${id}`).set('Authorization', uru);
  expect(saved.body).toMatchObject({ channel: 'letter', service: 'MCTC', subject: 'Sportello chiuso' });

  await page.getByRole('button', { name: 'Reclami', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Cerca' }).fill('postale');
  await page.keyboard.press('Enter');
  await page.getByRole('row').filter({ hasText: id }).waitFor();
  await page.close();
});
