/**
 * The back-office page in Debian's Chromium, driven by playwright-core, against the real stack:
 * an office resolves an escalation and sees it leave its queue; a supervisor sees the SLA charts;
 * operators and URU get their own sections. Screenshots land in test-artifacts/.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { catalogWith, startStack, Stack } from '../support/harness';
import { ARTIFACTS, BrowserStage, serveToBrowser } from '../support/browser';
import { businessCalendar } from '../../domain/business-calendar';

jest.setTimeout(120_000);
let stack: Stack;
let stage: BrowserStage;
let base: string;
let browser: Browser;

const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 820, height: 1180 };

beforeAll(async () => {
  // APIAE alone runs 24/7 with a take-charge term of seconds, so an escalation can be seen breaching;
  // MCTC keeps its real window for the SLA month.
  const catalog = catalogWith((data) => {
    const apiae = data.services.find((s) => s.code === 'APIAE')!;
    apiae.calendar = { zone: apiae.calendar.zone, alwaysOpen: true };
    apiae.sla = { ...apiae.sla, takeCharge: 'PT3S', reminderLead: 'PT1S', resolve: 'PT1H' };
  });
  stack = await startStack({ catalog });
  stage = await serveToBrowser(stack.app);
  ({ base, browser } = stage);
});
afterAll(async () => {
  await stage?.close();
  await stack?.stop();
});

async function openPage(viewport = DESKTOP): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'it-IT', timezoneId: 'Europe/Rome' });
  await page.goto(base + '/');
  return page;
}

async function signIn(bearer: string, viewport = DESKTOP): Promise<Page> {
  const page = await openPage(viewport);
  await page.getByLabel('Chiave di accesso').fill(bearer.replace(/^Bearer /, ''));
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: 'Esci' }).waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

/** The page fits the viewport's width: nothing to scroll sideways. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

it('serves an Italian page at /', async () => {
  const res = await request(stack.app).get('/');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.text).toMatch(/<html lang="it">/);
  expect(res.text).toContain('Chiave di accesso');
  // Chart.js and the page's modules are served locally: no network at run time.
  expect((await request(stack.app).get('/vendor/chart.js/chart.umd.min.js')).status).toBe(200);
  expect((await request(stack.app).get('/js/app.js')).headers['content-type']).toMatch(/javascript/);
});

it('refuses a wrong key, keeps the key out of the URL and signs out', async () => {
  const page = await openPage();
  await page.getByLabel('Chiave di accesso').fill('not-a-key');
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByText('Chiave di accesso non valida o revocata.').waitFor();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

  const key = (await stack.bearer('integrator', undefined, 'Centralino')).replace(/^Bearer /, '');
  await page.getByLabel('Chiave di accesso').fill(key);
  await page.keyboard.press('Enter');
  // An integration key has no sections: the page says so in Italian instead of failing.
  await page.getByRole('heading', { name: 'Nessuna sezione per questa chiave' }).waitFor();
  expect(page.url()).not.toContain(key);
  expect(await page.evaluate(() => sessionStorage.getItem('cc.apiKey'))).toBe(key);
  await page.getByRole('button', { name: 'Esci' }).click();
  await page.getByLabel('Chiave di accesso').waitFor();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  await page.close();
});

it('lets an office take charge of an escalation, resolve it and see it leave the queue', async () => {
  const operator = await stack.bearer('operator');
  const contact = (
    await request(stack.app)
      .post('/api/v1/contacts')
      .set('Authorization', operator)
      .send({ service: 'MCTC', channel: 'email', caller: { surname: 'Ferri', name: 'Laura', email: 'laura.ferri@example.org' }, reason: 'Cambio di residenza sul libretto' })
      .expect(201)
  ).body;
  await request(stack.app).post(`/api/v1/contacts/${contact.id}/classify`).set('Authorization', operator).send({ category: 'VEICOLI' }).expect(200);
  await request(stack.app).post(`/api/v1/contacts/${contact.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI', note: 'Verificare l’aggiornamento' }).expect(201);

  const page = await signIn(await stack.bearer('office', 'MCTC-VEICOLI', 'Marco Ferrari'));
  expect(await page.locator('html').getAttribute('lang')).toBe('it');
  const row = page.getByRole('row').filter({ hasText: contact.id });
  await row.waitFor();
  // The category's name from the catalog, not its code; the operator's note for the office.
  await row.getByText('Categoria: Veicoli').waitFor();
  await row.getByText('Nota del contact center: Verificare l’aggiornamento').waitFor();
  await shot(page, 'office-queue-1280x800');

  await row.getByRole('button', { name: 'Prendi in carico' }).click();
  await page.getByText(`Pratica ${contact.id} presa in carico.`).waitFor();
  const resolve = page.getByRole('row').filter({ hasText: contact.id }).getByRole('button', { name: 'Risolvi' });

  // Keyboard: the dialog opens with the focus in its field, Esc closes it and nothing happens.
  await resolve.focus();
  await page.keyboard.press('Enter');
  const response = page.getByLabel('Risposta al cittadino');
  await response.waitFor();
  expect(await response.evaluate((el) => el === document.activeElement)).toBe(true);
  // An empty answer is refused next to the field, in Italian.
  await page.getByRole('button', { name: 'Invia la risposta' }).click();
  await page.getByText('Campo obbligatorio.').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  expect(await resolve.evaluate((el) => el === document.activeElement)).toBe(true);

  await resolve.click();
  await response.fill('Il libretto è stato aggiornato: non deve fare altro.');
  await shot(page, 'office-resolve-dialog');
  await page.getByRole('button', { name: 'Invia la risposta' }).click();
  await page.getByText(`Pratica ${contact.id} risolta.`).waitFor();
  await page.getByRole('row').filter({ hasText: contact.id }).waitFor({ state: 'detached' });
  await page.getByText('Nessuna pratica da gestire.').waitFor();
  await shot(page, 'office-after-resolve');

  const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('laura.ferri@example.org'));
  expect(mail.parsed.text).toContain('Il libretto è stato aggiornato');
  await page.close();

  // On a tablet the queue reads as cards, with nothing to scroll sideways.
  const second = (
    await request(stack.app)
      .post('/api/v1/contacts')
      .set('Authorization', operator)
      .send({ service: 'MCTC', channel: 'phone', category: 'IMMATRICOLAZIONI', caller: { surname: 'Gatti', name: 'Paolo', phone: '0461 765432' }, reason: 'Immatricolazione di un rimorchio usato' })
      .expect(201)
  ).body;
  await request(stack.app).post(`/api/v1/contacts/${second.id}/escalate`).set('Authorization', operator).send({ office: 'MCTC-VEICOLI' }).expect(201);
  const tablet = await signIn(await stack.bearer('office', 'MCTC-VEICOLI', 'Elena Fabbri'), TABLET);
  await tablet.getByRole('row').filter({ hasText: second.id }).waitFor();
  expect(await fitsWidth(tablet)).toBe(true);
  await shot(tablet, 'office-queue-tablet-820x1180');
  await tablet.close();
});

it('shows a supervisor the SLA charts of a month with data against the targets', async () => {
  // Last month in Rome, on its first three days the MCTC window is open (Mon-Fri 08-17, no holidays).
  const month = DateTime.now().setZone('Europe/Rome').minus({ months: 1 }).startOf('month');
  const calendar = businessCalendar(stack.catalog.service('MCTC')!.calendar);
  const days: string[] = [];
  for (let d = month; days.length < 3; d = d.plus({ days: 1 })) if (calendar.isBusinessDay(d.toISODate()!)) days.push(d.toISODate()!);
  // Each day four calls at 09, 10, 11, 12: three answered after 8, 12 and 16 s, one abandoned after 2 minutes.
  const calls = days.flatMap((day) =>
    [0, 1, 2, 3].map((i) => {
      const at = DateTime.fromISO(`${day}T${String(9 + i).padStart(2, '0')}:00`, { zone: 'Europe/Rome' });
      return {
        callId: `web-${day}-${i}`,
        service: 'MCTC',
        registeredAt: at.toISO(),
        ...(i < 3 ? { answeredAt: at.plus({ seconds: 8 + i * 4 }).toISO() } : {}),
        endedAt: at.plus({ minutes: 2 }).toISO(),
      };
    }),
  );
  await request(stack.app).post('/api/v1/calls').set('Authorization', await stack.bearer('integrator')).send(calls).expect(201);

  for (const [name, viewport] of [['1280x800', DESKTOP], ['tablet-820x1180', TABLET]] as const) {
    const page = await signIn(await stack.bearer('supervisor', undefined, 'Giulia Neri'), viewport);
    await page.getByLabel('Mese', { exact: true }).selectOption(month.toFormat('yyyy-LL'));
    await page.getByLabel('Servizio', { exact: true }).selectOption('MCTC');
    const kpis = page.locator('#sla-kpis');
    // Answer times 8, 12, 16 s every day: mean 12 s (target ≤ 13 s: met).
    const answer = kpis.locator('.kpi').filter({ hasText: 'Tempo medio di risposta' });
    await answer.getByText('12 s', { exact: true }).waitFor();
    await answer.getByText('Obiettivo rispettato').waitFor();
    // One abandoned call in four each day: 3 / (3 + 9) = 25 % (target ≤ 3 %: not met).
    const abandoned = kpis.locator('.kpi').filter({ hasText: 'Chiamate abbandonate' });
    await abandoned.getByText('25 %', { exact: true }).waitFor();
    await abandoned.getByText('Obiettivo non rispettato').waitFor();
    await page.getByText('12 chiamate nell’orario di servizio').waitFor();

    // Four charts (calls per day and one per indicator), each really drawn: painted pixels.
    const canvases = page.locator('#sla-charts canvas');
    expect(await canvases.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      const painted = await canvases.nth(i).evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let p = 3; p < data.length; p += 4) if (data[p] > 0) n++;
        return n;
      });
      expect(painted).toBeGreaterThan(500);
    }
    // The chart of the answer time holds the month's three days at 12 s against the 13 s target.
    const series = await canvases.nth(1).evaluate((c) => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: (number | null)[] }[] } } } }).Chart.getChart(c as HTMLCanvasElement);
      return chart.data.datasets.map((d) => d.data.filter((v) => v !== null));
    });
    expect(series[0]).toEqual([12, 12, 12]);
    expect(new Set(series[1])).toEqual(new Set([13]));
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, `supervisor-sla-${name}`);

    if (name === '1280x800') {
      // The same figures as CSV, downloaded with the key in a header (never in a link).
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Scarica i dati (CSV)' }).click()]);
      expect(download.suggestedFilename()).toBe(`sla-MCTC-${month.toFormat('yyyy-LL')}.csv`);
      const csv = readFileSync((await download.path())!, 'utf8');
      // The CSV for Excel in Italian locale: BOM, `;`, CRLF.
      expect(csv.charCodeAt(0)).toBe(0xfeff);
      expect(csv.split('\r\n')[1]).toMatch(new RegExp(`^${month.toFormat('yyyy-LL')};MCTC;12;25;`));

      await page.getByRole('button', { name: 'Fuori termine' }).click();
      await page.getByRole('heading', { name: 'Lavoro fuori termine' }).waitFor();
      await page.getByRole('heading', { name: /^Pratiche degli uffici \(\d+\)$/ }).waitFor();
      await shot(page, 'supervisor-breached-empty-1280x800');
    }
    await page.close();
  }
});

it('gives operators the triage queue, a new-contact form and the renewals database', async () => {
  const operatorKey = await stack.bearer('operator', undefined, 'Anna Conti');
  await request(stack.app)
    .post('/api/v1/contacts')
    .set('Authorization', operatorKey)
    .send({ service: 'TNDIGITALE', channel: 'phone', ivrCode: '1', caller: { surname: 'Sartori', phone: '0461 123456' }, reason: 'Non riesce ad attivare la Carta Provinciale dei Servizi' })
    .expect(201);
  const page = await signIn(operatorKey);
  await page.getByRole('heading', { name: 'Coda di smistamento' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'Carta Provinciale' });
  await row.waitFor();
  for (const action of ['Classifica', 'Risolvi', 'Inoltra all’ufficio', 'Mancata risposta']) expect(await row.getByRole('button', { name: action }).count()).toBe(1);
  await shot(page, 'operator-triage-1280x800');

  // A new contact from the form lands in the queue.
  await page.getByRole('button', { name: 'Nuovo contatto' }).click();
  await page.getByLabel('Servizio').selectOption('MCTC');
  await page.getByLabel('Categoria').selectOption('PATENTI');
  await page.getByLabel('Cognome').fill('Moretti');
  await page.getByLabel('Email').fill('giorgio.moretti@example.org');
  await page.getByLabel('Richiesta del cittadino').fill('Rinnovo della patente scaduta da un mese');
  await shot(page, 'operator-new-contact-1280x800');
  await page.getByRole('button', { name: 'Registra il contatto' }).click();
  await page.getByText(/Contatto CON-\d{4}-\d{6} registrato/).waitFor();
  await page.getByRole('button', { name: 'Smistamento' }).click();
  await page.getByRole('row').filter({ hasText: 'Rinnovo della patente' }).getByText('Categoria: Patenti').waitFor();

  // Renewals: a wrong tax code is explained in Italian, a right one is inserted and confirmed.
  await page.getByRole('button', { name: 'Banca dati rinnovi' }).click();
  const insert = async (taxCode: string) => {
    await page.getByRole('button', { name: 'Nuova iscrizione' }).click();
    await page.getByLabel('Cognome').fill('Rossi');
    await page.getByRole('textbox', { name: 'Nome', exact: true }).fill('Mario');
    await page.getByLabel('Codice fiscale').fill(taxCode);
    await page.getByLabel('Tipo di lavoro').selectOption('Custode');
    await page.getByLabel('Centro per l’impiego').selectOption('CPI-TRENTO');
    await page.getByRole('button', { name: 'Inserisci' }).click();
  };
  // RSSMRA85T10A562 has check character S, not X.
  await insert('RSSMRA85T10A562X');
  await page.getByText(/Operazione non riuscita: dati non validi — codice fiscale/).waitFor();
  await insert('rssmra85t10a562s');
  await page.getByText('Iscrizione di Rossi Mario inserita: ora va confermata.').waitFor();
  const entry = page.getByRole('row').filter({ hasText: 'RSSMRA85T10A562S' });
  await entry.getByText('Da confermare').waitFor();
  await shot(page, 'operator-renewals-1280x800');
  await entry.getByRole('button', { name: 'Conferma' }).click();
  await page.getByText('Iscrizione di Rossi Mario confermata.').waitFor();
  await entry.waitFor({ state: 'detached' });
  await page.getByLabel('Mostra').selectOption('confirmed');
  await page.getByRole('row').filter({ hasText: 'RSSMRA85T10A562S' }).getByText('Confermata').waitFor();
  await page.close();
});

it('gives URU the complaints with their deadline and days left, and the file', async () => {
  await request(stack.app)
    .post('/api/v1/complaints')
    .set('Authorization', await stack.bearer('operator'))
    .send({ kind: 'complaint', requester: { name: 'Elena', surname: 'Bassi', email: 'elena.bassi@example.org' }, subject: 'Attesa troppo lunga al telefono', body: 'Ho atteso venti minuti prima di parlare con un operatore.', channel: 'phone' })
    .expect(201);
  const page = await signIn(await stack.bearer('uru', undefined, 'Ufficio relazioni'));
  const complaint = page.getByRole('row').filter({ hasText: 'Attesa troppo lunga' });
  await complaint.waitFor();
  // The sample catalog gives complaints 30 calendar days: just registered, 30 days are left.
  await complaint.getByText('30 giorni rimasti').waitFor();
  await complaint.getByRole('button', { name: 'Prendi in carico' }).click();
  await page.getByText(/presa in carico: il richiedente riceve la conferma/).waitFor();
  await page.getByRole('row').filter({ hasText: 'Attesa troppo lunga' }).getByText('In carico').waitFor();
  await shot(page, 'uru-complaints-1280x800');
  await page.getByRole('row').filter({ hasText: 'Attesa troppo lunga' }).getByRole('button', { name: 'Dettagli' }).click();
  const file = page.getByRole('dialog');
  await file.getByText('Ho atteso venti minuti prima di parlare con un operatore.').waitFor();
  await file.getByText('Preso in carico', { exact: true }).waitFor();
  await shot(page, 'uru-complaint-file-1280x800');
  await file.getByRole('button', { name: 'Chiudi' }).click();
  await page.close();
});

it('puts a breached escalation first for the office and shows it to the supervisor', async () => {
  const operator = await stack.bearer('operator');
  const escalate = async (reason: string) => {
    const c = (
      await request(stack.app)
        .post('/api/v1/contacts')
        .set('Authorization', operator)
        .send({ service: 'APIAE', channel: 'phone', category: 'ENERGIA', caller: { surname: 'Lodi', name: 'Carla', phone: '0461 111222' }, reason })
        .expect(201)
    ).body;
    await request(stack.app).post(`/api/v1/contacts/${c.id}/escalate`).set('Authorization', operator).send({ office: 'APIAE-ENERGIA' }).expect(201);
    return c.id as string;
  };
  const late = await escalate('A che punto è la domanda di contributo per il fotovoltaico?');
  const onTime = await escalate('Quali documenti servono per il contributo sul cappotto termico?');
  const office = await stack.bearer('office', 'APIAE-ENERGIA', 'Davide Greco');
  const queue = (await request(stack.app).get('/api/v1/escalations?status=open').set('Authorization', office).expect(200)).body.items as { id: string; contactId: string }[];
  // The second is taken in charge within its 3 seconds; the first is left to breach.
  await request(stack.app).post(`/api/v1/escalations/${queue.find((e) => e.contactId === onTime)!.id}/take-charge`).set('Authorization', office).send({}).expect(200);
  for (let i = 0; ; i++) {
    const breached = (await request(stack.app).get('/api/v1/escalations?breached=true').set('Authorization', office).expect(200)).body.items as { contactId: string }[];
    if (breached.some((e) => e.contactId === late)) break;
    if (i > 100) throw new Error(`escalation of ${late} never breached`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const page = await signIn(office);
  const rows = page.locator('#section-pratiche tbody tr');
  await rows.filter({ hasText: onTime }).waitFor();
  expect(await rows.count()).toBe(2);
  await expect(rows.nth(0).textContent()).resolves.toContain(late);
  expect(await rows.nth(0).getAttribute('class')).toBe('breached');
  await rows.nth(0).getByText('Fuori termine').waitFor();
  await rows.nth(1).getByText('In carico').waitFor();
  await page.getByText('1 fuori termine').waitFor();
  await shot(page, 'office-breached-first-1280x800');
  await page.close();

  const supervisor = await signIn(await stack.bearer('supervisor', undefined, 'Giulia Neri'));
  await supervisor.getByRole('button', { name: 'Fuori termine' }).click();
  await supervisor.getByRole('heading', { name: 'Pratiche degli uffici (1)' }).waitFor();
  const row = supervisor.getByRole('row').filter({ hasText: late });
  await row.getByText('Ufficio incentivi risparmio energetico e fonti rinnovabili').waitFor();
  await row.getByRole('button', { name: 'Riassegna' }).waitFor();
  await shot(supervisor, 'supervisor-breached-1280x800');
  await supervisor.close();
});

it('lets an operator send a missed-call form and the office record the callback', async () => {
  const operatorKey = await stack.bearer('operator', undefined, 'Anna Conti');
  // IVR choice 1 of Trentino Digitale: the Carta Provinciale dei Servizi, whose referent is Alessio Barbieri.
  const contact = (
    await request(stack.app)
      .post('/api/v1/contacts')
      .set('Authorization', operatorKey)
      .send({ service: 'TNDIGITALE', channel: 'phone', ivrCode: '1', caller: { surname: 'Pace', phone: '0461 998877' }, reason: 'PIN della carta smarrito' })
      .expect(201)
  ).body;
  const operator = await signIn(operatorKey);
  await operator.getByRole('row').filter({ hasText: contact.id }).getByRole('button', { name: 'Mancata risposta' }).click();
  const form = operator.getByRole('dialog');
  // Prefilled from the contact and the IVR: the caller, the person sought, the office, the phone.
  expect(await form.getByLabel('Cognome del cittadino').inputValue()).toBe('Pace');
  expect(await form.getByRole('combobox', { name: 'Persona cercata', exact: true }).inputValue()).toBe('Alessio Barbieri');
  expect(await form.getByLabel('Ufficio che deve richiamare').inputValue()).toBe('TD-CPS');
  expect(await form.getByLabel('Telefono per richiamare').inputValue()).toBe('0461 998877');
  await form.getByLabel('Invia il modulo anche alla persona cercata').check();
  await shot(operator, 'operator-missed-call-form-1280x800');
  await form.getByRole('button', { name: 'Invia il modulo' }).click();
  await operator.getByText('Modulo di mancata risposta inviato a Carta Provinciale dei Servizi.').waitFor();
  await stack.smtp.waitFor((m) => m.envelope.to.includes('alessio.barbieri@example.org'));
  await operator.close();

  const office = await signIn(await stack.bearer('office', 'TD-CPS', 'Alessio Barbieri'));
  await office.getByRole('button', { name: 'Mancate risposte' }).click();
  const row = office.getByRole('row').filter({ hasText: 'PIN della carta smarrito' });
  await row.getByText('Tel. 0461 998877').waitFor();
  await shot(office, 'office-missed-calls-1280x800');
  await row.getByRole('button', { name: 'Registra la richiamata' }).click();
  await office.getByLabel('Esito').selectOption('reached');
  await office.getByLabel('Nota').fill('Inviato il nuovo PIN per posta.');
  await office.getByRole('button', { name: 'Registra', exact: true }).click();
  await office.getByText('Richiamata a Pace registrata.').waitFor();
  await row.waitFor({ state: 'detached' });
  await office.getByText('Nessun cittadino da richiamare.').waitFor();
  await office.close();
});
