/**
 * The paused clock on the office page, in Debian's Chromium against the real stack: the office asks
 * the citizen (the question reaches the citizen through the SMTP receiver), sees the escalation
 * "in attesa del cittadino" with its deadline suspended, records the reply that came by phone and
 * sees it back in charge with a later due time; a missed call marked "non raggiungibile, riprova"
 * shows the next attempt.
 */
import path from 'node:path';
import { statSync } from 'node:fs';
import request from 'supertest';
import type { Browser, Locator, Page } from 'playwright-core';
import { catalogWith, startStack, Stack } from '../support/harness';
import { ARTIFACTS, BrowserStage, serveToBrowser } from '../support/browser';

jest.setTimeout(180_000);
let stack: Stack;
let stage: BrowserStage;
let base: string;
let browser: Browser;
let operator: string;
let veicoli: string;

beforeAll(async () => {
  // MCTC open around the clock: the seconds spent waiting are business time, so the due time moves.
  const catalog = catalogWith((data) => {
    const mctc = data.services.find((s) => s.code === 'MCTC')!;
    mctc.calendar = { zone: mctc.calendar.zone, alwaysOpen: true };
  });
  stack = await startStack({ catalog });
  stage = await serveToBrowser(stack.app);
  ({ base, browser } = stage);
  operator = await stack.bearer('operator', undefined, 'Operatrice Sala');
  veicoli = await stack.bearer('office', 'MCTC-VEICOLI', 'Paolo Verdi');
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

async function escalated(caller: Record<string, string>, reason: string) {
  const contact = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'email', caller, reason });
  expect(contact.status).toBe(201);
  const esc = await request(stack.app).post(`/api/v1/contacts/${contact.body.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' });
  expect(esc.status).toBe(201);
  return { contactId: contact.body.id as string, id: esc.body.id as string };
}

const escalation = async (id: string) => (await request(stack.app).get(`/api/v1/escalations/${id}`).set('Authorization', veicoli)).body;

/** The page's own rendering of a time (same engine, locale and zone as the page). */
const shown = (page: Page, iso: string) =>
  page.evaluate((t) => new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(t)), iso);

/** Searches the office's escalations for one reference (Enter in the search box). */
async function find(page: Page, reference: string): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Cerca' }).fill(reference);
  await page.keyboard.press('Enter');
  const row = page.locator('#section-pratiche tbody tr').filter({ hasText: reference });
  await row.waitFor();
  return row;
}

it('lets the office ask the citizen, shows the paused clock, records the reply and resumes with a later due time', async () => {
  const { contactId, id } = await escalated({ surname: 'Ferrari', name: 'Lucia', email: 'lucia.ferrari@example.org' }, 'Duplicato della carta di circolazione');
  const page = await signIn(veicoli);
  await page.getByRole('heading', { name: 'Pratiche da gestire' }).waitFor();
  let row = await find(page, contactId);
  await row.getByRole('button', { name: 'Prendi in carico' }).click();
  await page.getByText(`Pratica ${contactId} presa in carico.`).waitFor();
  row = page.locator('#section-pratiche tbody tr').filter({ hasText: contactId });
  await row.getByText('In carico', { exact: true }).waitFor();
  const before = await escalation(id);

  // Ask: a labelled textarea in the dialog, sent with the keyboard-reachable submit button.
  await row.getByRole('button', { name: /Chiedi informazioni al cittadino/ }).click();
  const dialog = page.locator('#dialog');
  await dialog.getByRole('heading', { name: `Chiedi informazioni al cittadino — pratica ${contactId}` }).waitFor();
  await dialog.getByText('La domanda è inviata per email a lucia.ferrari@example.org').waitFor();
  // An empty question is refused next to the field, nothing is sent.
  await dialog.getByRole('button', { name: 'Invia la domanda' }).click();
  await dialog.getByText('Campo obbligatorio.').waitFor();
  await dialog.getByLabel('Domanda al cittadino').fill('Può indicarci il numero di targa del veicolo?');
  await dialog.getByRole('button', { name: 'Invia la domanda' }).click();
  await page.getByText(`Domanda inviata al cittadino: la pratica ${contactId} è in attesa del cittadino.`).waitFor();

  const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('lucia.ferrari@example.org') && String(m.parsed.subject).includes('Richiesta di informazioni'));
  expect(mail.parsed.subject).toContain(contactId);
  expect(mail.parsed.text).toContain('Può indicarci il numero di targa del veicolo?');

  const waiting = await escalation(id);
  expect(waiting).toMatchObject({ status: 'waiting_citizen', resolveDueAt: before.resolveDueAt });
  await row.getByText('In attesa del cittadino', { exact: true }).waitFor();
  await row.getByText(`In attesa del cittadino dal ${await shown(page, waiting.pause.since)}`).waitFor();
  await row.getByText('Domanda: Può indicarci il numero di targa del veicolo?').waitFor();
  await row.getByText(`Attesa fino al ${await shown(page, waiting.pause.until)}`, { exact: false }).waitFor();
  // The deadline is suspended, with the business time it had left (3 business days less the wait so far).
  await row.getByText('Sospesa', { exact: true }).waitFor();
  await row.getByText(/^sospesa, restano 2 giorni lavorativi e 23 ore$/).waitFor();
  await page.locator('#section-pratiche').getByText(/1\s+in attesa del cittadino/).waitFor();
  const waitingShot = path.join(ARTIFACTS, 'pause-waiting-citizen.png');
  await page.screenshot({ path: waitingShot, fullPage: true });
  expect(statSync(waitingShot).size).toBeGreaterThan(10_000);

  // The status filter finds it among the waiting ones, and not among those in charge.
  await page.getByLabel('Stato').selectOption({ label: 'In attesa del cittadino' });
  await page.getByRole('search', { name: 'Cerca e filtra' }).getByRole('button', { name: 'Cerca', exact: true }).click();
  await row.waitFor();
  await page.getByLabel('Stato').selectOption({ label: 'In carico' });
  await page.getByRole('search', { name: 'Cerca e filtra' }).getByRole('button', { name: 'Cerca', exact: true }).click();
  await page.getByText('Nessuna pratica da gestire.', { exact: false }).waitFor();
  await page.getByLabel('Stato').selectOption({ label: 'Tutte le aperte' });
  await page.getByRole('search', { name: 'Cerca e filtra' }).getByRole('button', { name: 'Cerca', exact: true }).click();
  await row.waitFor();

  // The details show the question and the wait.
  await row.getByRole('button', { name: `Dettagli della pratica ${contactId}` }).click();
  const info = page.locator('#info-dialog');
  await info.getByText('Attesa fino al', { exact: true }).waitFor();
  await info.getByText('Chieste informazioni al cittadino: scadenze sospese').waitFor();
  await info.getByText('In attesa di risposta').waitFor();
  await page.keyboard.press('Escape');

  // The supervisor's overview shows the same suspended deadline.
  const supervisorKey = await stack.bearer('supervisor', undefined, 'Giulia Neri');
  const overview = (await request(stack.app).get('/api/v1/overview?office=MCTC-VEICOLI').set('Authorization', supervisorKey)).body;
  expect(overview.items.find((i: { id: string }) => i.id === id)).toMatchObject({ status: 'waiting_citizen', pausedSince: waiting.pause.since, remaining: { overdue: false, days: 2, hours: 23 } });
  const supervisor = await signIn(supervisorKey);
  await supervisor.getByRole('button', { name: 'Quadro generale' }).click();
  const item = supervisor.locator('#section-quadro tbody tr').filter({ hasText: contactId });
  await item.getByText('In attesa del cittadino', { exact: true }).waitFor();
  await item.getByText(/^sospesa, restano 2 giorni lavorativi e 23 ore$/).waitFor();
  await supervisor.close();

  // The citizen answered by phone: the office records it.
  await row.getByRole('button', { name: /Registra la risposta del cittadino/ }).click();
  await dialog.getByText('Domanda del', { exact: false }).waitFor();
  await dialog.getByLabel('Risposta del cittadino').fill('La targa è AB123CD');
  await dialog.getByRole('button', { name: 'Registra la risposta' }).click();
  await page.getByText(`Risposta registrata: la pratica ${contactId} è di nuovo in carico.`).waitFor();
  await row.getByText('In carico', { exact: true }).waitFor();

  const resumed = await escalation(id);
  expect(resumed).toMatchObject({ status: 'in_charge', pause: null, infoRequests: [{ reply: 'La targa è AB123CD', endedBy: 'reply' }] });
  // The seconds spent waiting were business time (open around the clock): the deadline moved by them.
  expect(Date.parse(resumed.resolveDueAt)).toBeGreaterThan(Date.parse(before.resolveDueAt));
  expect(Date.parse(resumed.resolveDueAt) - Date.parse(before.resolveDueAt)).toBeLessThan(Date.parse(resumed.history.at(-1).at) - Date.parse(waiting.pause.since) + 5_000);
  await row.getByText(await shown(page, resumed.resolveDueAt), { exact: true }).waitFor();
  await row.getByText(/^tra 2 giorni lavorativi e 23 ore$/).waitFor();
  expect(await row.getByText('Sospesa', { exact: true }).count()).toBe(0);
  await page.close();
});

it('says in Italian that a citizen without an email cannot be asked by email', async () => {
  const { contactId, id } = await escalated({ surname: 'Senzamail', phone: '+39 333 0000000' }, 'Cambio di residenza');
  expect((await request(stack.app).post(`/api/v1/escalations/${id}/take-charge`).set('Authorization', veicoli).send({})).status).toBe(200);
  const page = await signIn(veicoli);
  const row = await find(page, contactId);
  await row.getByRole('button', { name: /Chiedi informazioni al cittadino/ }).click();
  await page.locator('#messages').getByText('non ha indicato un indirizzo email', { exact: false }).waitFor();
  expect((await escalation(id)).status).toBe('in_charge');
  await page.close();
});

it('marks a missed call "non raggiungibile, riprova" and shows the next attempt and the attempts made', async () => {
  const contact = await request(stack.app).post('/api/v1/contacts').set('Authorization', operator).send({ service: 'MCTC', channel: 'phone', caller: { surname: 'Moretti', name: 'Carlo', phone: '+39 333 7654321' }, reason: 'Chiede del funzionario' });
  const form = await request(stack.app).post(`/api/v1/contacts/${contact.body.id}/missed-call`).set('Authorization', operator).send({ personSought: 'Paolo Conti', reason: 'Pratica di immatricolazione ferma', office: 'MCTC-VEICOLI' });
  expect(form.status).toBe(201);
  const page = await signIn(veicoli);
  await page.getByRole('button', { name: 'Mancate risposte' }).click();
  await page.getByRole('heading', { name: 'Cittadini da richiamare' }).waitFor();
  const row = page.locator('#section-richiamate tbody tr').filter({ hasText: 'Moretti Carlo' });
  await row.waitFor();
  await row.getByRole('button', { name: 'Registra la richiamata' }).click();
  const dialog = page.locator('#dialog');
  const when = dialog.getByLabel('Nuovo tentativo (data e ora)');
  await dialog.getByLabel('Esito').waitFor();
  // Only asked for this outcome.
  expect(await when.isVisible()).toBe(false);
  await dialog.getByLabel('Esito').selectOption({ label: 'Non raggiungibile, riprova' });
  await when.waitFor();
  // A time in the past is refused before anything is sent.
  await when.fill('2020-01-02T09:00');
  await dialog.getByRole('button', { name: 'Registra' }).click();
  await page.locator('#messages').getByText('il nuovo tentativo deve essere una data e un’ora future').waitFor();
  expect((await request(stack.app).get(`/api/v1/missed-calls/${form.body.id}`).set('Authorization', veicoli)).body.retries).toBe(0);

  await row.getByRole('button', { name: 'Registra la richiamata' }).click();
  await dialog.getByLabel('Esito').selectOption('not_reachable_retry');
  // Tomorrow at 10:30, Rome time (the page's zone).
  const tomorrow = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + 86_400_000)));
  await when.fill(`${tomorrow}T10:30`);
  await dialog.getByLabel('Nota').fill('Squilla a vuoto');
  await dialog.getByRole('button', { name: 'Registra' }).click();
  await page.getByText('Richiamata a Moretti Carlo rinviata: nuovo tentativo registrato.').waitFor();

  const saved = (await request(stack.app).get(`/api/v1/missed-calls/${form.body.id}`).set('Authorization', veicoli)).body;
  expect(saved).toMatchObject({ status: 'open', retries: 1, note: 'Squilla a vuoto' });
  const rome = await page.evaluate((t) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(t)), saved.pause.until);
  expect(rome).toBe(`${tomorrow}, 10:30`);
  await row.getByText(`Nuovo tentativo: ${await shown(page, saved.pause.until)}`).waitFor();
  await row.getByText('1 tentativo senza risposta').waitFor();
  const overview = (await request(stack.app).get('/api/v1/overview?office=MCTC-VEICOLI').set('Authorization', await stack.bearer('supervisor'))).body;
  expect(overview.items.find((i: { id: string }) => i.id === form.body.id)).toMatchObject({ kind: 'missed_call', pausedSince: saved.pause.since });
  await row.getByText(/^sospesa, restano /).waitFor();
  const listShot = path.join(ARTIFACTS, 'pause-callback-list.png');
  await page.screenshot({ path: listShot, fullPage: true });
  expect(statSync(listShot).size).toBeGreaterThan(10_000);

  // The form stays open: the dialog recalls the attempt made and the one planned.
  await row.getByRole('button', { name: 'Registra la richiamata' }).click();
  await dialog.getByText(`1 tentativo senza risposta · nuovo tentativo previsto il ${await shown(page, saved.pause.until)}`).waitFor();
  await dialog.getByLabel('Esito').selectOption('not_reachable_retry');
  const retryShot = path.join(ARTIFACTS, 'pause-callback-retry.png');
  await page.screenshot({ path: retryShot, fullPage: true });
  expect(statSync(retryShot).size).toBeGreaterThan(10_000);
  await page.keyboard.press('Escape');
  await page.close();
});
