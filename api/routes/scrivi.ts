/**
 * The public "Scrivi" form (no key): a citizen writes to a service and gets a reference by email.
 * `GET /scrivi` renders the form (works without JavaScript; /js/scrivi.js adds inline errors and a
 * JSON submit); `POST /scrivi` takes a form post or JSON, opens a contact (channel `web`) or a
 * complaint (kind `complaint`, channel `web`) through the same workflows as the API, and starts the
 * receipt email. Rate-limited per client address and per email address; a filled honeypot field
 * gets a success answer and nothing is stored. Nothing personal is logged: only the request line.
 */
import { createHash, randomInt } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { MemoryStore } from 'express-rate-limit';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RouterDeps } from '../app';
import { Problem, sendProblem, type FieldError } from '../errors';
import { CONTROL_CHARACTER } from '../hostile-input';
import { esc, sendPage } from '../public-pages';
import { startContact } from './contacts';
import type { Actor } from '../../domain/actor';
import type { Service } from '../../domain/catalog';
import { complaintReference, complaintSettingsFor, referenceYear } from '../../domain/complaints';
import { allocateComplaintNumber } from '../../infra/stores/complaints';
import { complaintWorkflow } from '../../workflows/complaint';
import { registerComplaintUpdate, workflowId, type ComplaintInput } from '../../workflows/definitions';
import { scriviReceiptWorkflow, scriviReceiptWorkflowId } from '../../workflows/scrivi-receipt';

/** Who acts for the form in every history. */
export const SCRIVI_ACTOR: Actor = { name: 'scrivi', role: 'integrator' };
export const SCRIVI_TYPES = ['request', 'complaint'] as const;

const noControl = (s: string) => !CONTROL_CHARACTER.test(s);
const text = (what: string, max: number) =>
  z
    .string({ error: `Indichi ${what}` })
    .trim()
    .min(1, `Indichi ${what}`)
    .max(max, `Al massimo ${max} caratteri`)
    .refine(noControl, 'Il testo contiene caratteri non ammessi');

/** One schema for the form post and the JSON body; messages are Italian, shown beside each field. */
export const scriviSchema = z
  .object({
    service: text('il servizio', 50),
    category: z
      .string()
      .trim()
      .max(50)
      .optional()
      .transform((v) => (v ? v : undefined)),
    type: z.enum(SCRIVI_TYPES, { error: 'Scelga se si tratta di una richiesta di informazioni o di un reclamo' }),
    name: text('il nome', 100),
    surname: text('il cognome', 100),
    email: z
      .string({ error: "Indichi l'indirizzo email" })
      .trim()
      .min(1, "Indichi l'indirizzo email")
      .max(320, 'Al massimo 320 caratteri')
      .pipe(z.email("L'indirizzo email non è valido (esempio: nome@dominio.it)")),
    message: text('il testo del messaggio', 4000),
    consent: z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.literal(true, { error: 'Per inviare il messaggio occorre acconsentire al trattamento dei dati personali' })),
    /** The honeypot: hidden from people; anything in it marks a robot. */
    website: z.string().max(1000).optional(),
  })
  .strict();
type ScriviBody = z.infer<typeof scriviSchema>;
type Values = Partial<Record<keyof ScriviBody, string>>;

const FIELD_ORDER = ['service', 'category', 'type', 'name', 'surname', 'email', 'message', 'consent'] as const;
const LABELS: Record<string, string> = {
  service: 'Servizio',
  category: 'Argomento',
  type: 'Tipo di messaggio',
  name: 'Nome',
  surname: 'Cognome',
  email: 'Email',
  message: 'Messaggio',
  consent: 'Consenso al trattamento dei dati',
};

const HOUR_MS = 3_600_000;

/** Counts accepted messages per key over a sliding hour (express-rate-limit's store, in memory). */
function hourlyCounter() {
  const store = new MemoryStore();
  store.init({ windowMs: HOUR_MS } as Parameters<MemoryStore['init']>[0]);
  return {
    /** Seconds to wait when the key is at the limit; undefined when it may send. */
    async blocked(key: string, limit: number): Promise<number | undefined> {
      const seen = await store.get(key);
      if (!seen || seen.totalHits < limit) return undefined;
      const waitMs = seen.resetTime ? seen.resetTime.getTime() - Date.now() : HOUR_MS;
      return Math.max(1, Math.ceil(waitMs / 1000));
    },
    hit: (key: string) => store.increment(key),
  };
}

/** An email address as a counter key: the address itself is not kept, even in memory. */
const emailKey = (email: string) => 'email:' + createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

const wantsJson = (req: Request) => typeof req.is('application/json') === 'string';

export function scriviRouter(deps: RouterDeps & { scriviRateLimitPerHour?: number }): Router {
  const router = Router();
  const limit = deps.scriviRateLimitPerHour ?? 5;
  const counter = hourlyCounter();
  const services = () => deps.catalog.services;

  router.get('/scrivi', (_req, res) => {
    sendPage(res, 200, { title: 'Scrivi', body: formHtml(services(), {}, []), script: '/js/scrivi.js' });
  });

  router.post('/scrivi', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 30 }), async (req: Request, res: Response) => {
    const json = wantsJson(req);
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const values: Values = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as Values;

    const refuse = (status: number, detail: string, errors: FieldError[], retryAfter?: number) => {
      if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
      if (json) return sendProblem(res, new Problem(status, status === 429 ? 'Too Many Requests' : 'Bad Request', detail, errors.length ? errors : undefined));
      const notice = `<div class="notice bad" role="alert" tabindex="-1" id="summary"><h2>${status === 429 ? 'Troppi messaggi' : 'Il messaggio non è stato inviato'}</h2><p>${esc(detail)}</p>${
        errors.length ? `<ul>${errors.map((e) => `<li><a href="#f-${esc(e.field)}">${esc(LABELS[e.field] ?? e.field)}: ${esc(e.message)}</a></li>`).join('')}</ul>` : ''
      }</div>`;
      sendPage(res, status, { title: 'Scrivi', body: formHtml(services(), values, errors, notice), script: '/js/scrivi.js' });
    };
    const tooMany = (seconds: number) =>
      refuse(429, `Sono stati inviati troppi messaggi. Riprovi tra ${Math.ceil(seconds / 60)} minut${Math.ceil(seconds / 60) === 1 ? 'o' : 'i'}.`, [], seconds);

    const ipKey = `ip:${req.ip ?? 'unknown'}`;
    const ipWait = await counter.blocked(ipKey, limit);
    if (ipWait) return tooMany(ipWait);

    // A robot filled the hidden field: it is told "received" and nothing is stored or sent.
    if (typeof raw.website === 'string' && raw.website.trim() !== '') {
      await counter.hit(ipKey);
      const reference = raw.type === 'complaint' ? complaintReference(new Date().getUTCFullYear(), randomInt(1, 999_999)) : `CON-${new Date().getUTCFullYear()}-${String(randomInt(1, 999_999)).padStart(6, '0')}`;
      return received(res, json, reference, raw.type === 'complaint' ? 'complaint' : 'request');
    }

    const parsed = scriviSchema.safeParse(raw);
    const errors: FieldError[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: i.path.length ? String(i.path[0]) : '(body)', message: i.message }));
    let service: Service | undefined;
    if (parsed.success) {
      service = deps.catalog.service(parsed.data.service);
      if (!service) errors.push({ field: 'service', message: "Scelga un servizio dall'elenco" });
      else if (parsed.data.category && !service.categories.some((c) => c.code === parsed.data.category))
        errors.push({ field: 'category', message: `Scelga un argomento del servizio ${service.name}` });
    }
    if (!parsed.success || errors.length || !service) {
      const unique = FIELD_ORDER.flatMap((f) => errors.filter((e) => e.field === f).slice(0, 1)).concat(errors.filter((e) => !(FIELD_ORDER as readonly string[]).includes(e.field)));
      return refuse(400, `Controlli i campi indicati: ${unique.map((e) => LABELS[e.field] ?? e.field).join(', ')}.`, unique);
    }
    const body = parsed.data;

    const mailKey = emailKey(body.email);
    const mailWait = await counter.blocked(mailKey, limit);
    if (mailWait) return tooMany(mailWait);
    await Promise.all([counter.hit(ipKey), counter.hit(mailKey)]);

    const reference = body.type === 'complaint' ? await openComplaint(deps, body, service) : await openContact(deps, body, service);
    await startReceipt(deps, { reference, kind: body.type, serviceName: service.name, email: body.email });
    received(res, json, reference, body.type);
  });

  return router;
}

function received(res: Response, json: boolean, reference: string, kind: 'request' | 'complaint') {
  const what = kind === 'complaint' ? 'Il suo reclamo è stato registrato' : 'La sua richiesta è stata registrata';
  if (json) {
    res.status(201).setHeader('Cache-Control', 'no-store');
    res.json({ reference, kind, message: `${what} con il riferimento ${reference}. Le abbiamo inviato una email di conferma.` });
    return;
  }
  sendPage(res, 201, {
    title: 'Messaggio inviato',
    body: `<div class="notice ok" role="status"><h1>${what}</h1><p>Riferimento: <span class="reference" id="reference">${esc(reference)}</span></p><p>Le abbiamo inviato una email di conferma con questo riferimento. Lo indichi in ogni comunicazione successiva.</p></div><p><a href="/scrivi">Scrivi un altro messaggio</a></p>`,
  });
}

async function openContact(deps: RouterDeps, body: ScriviBody, service: Service): Promise<string> {
  const id = await deps.stores.contacts.nextContactId(new Date());
  const contact = await startContact(deps, {
    id,
    service: service.code,
    catalogVersion: deps.catalog.version,
    channel: 'web',
    origin: 'direct',
    caller: { name: body.name, surname: body.surname, email: body.email },
    reason: body.message,
    category: body.category,
    actor: SCRIVI_ACTOR,
  });
  return contact.id;
}

/** Registers a complaint as `POST /complaints` does (number, update-with-start), without a key. */
async function openComplaint(deps: RouterDeps, body: ScriviBody, service: Service): Promise<string> {
  let settings;
  try {
    settings = complaintSettingsFor(deps.catalog, 'complaint');
  } catch (err) {
    throw new Problem(503, 'Service Unavailable', (err as Error).message);
  }
  const registeredAt = Date.now();
  const year = referenceYear(registeredAt, settings.zone);
  const reference = complaintReference(year, await allocateComplaintNumber(deps.db, year));
  const category = body.category ? service.categories.find((c) => c.code === body.category)?.name : undefined;
  const input: ComplaintInput = {
    reference,
    kind: 'complaint',
    requester: { name: body.name, surname: body.surname, email: body.email },
    subject: `Reclamo dal modulo web - ${service.name}${category ? ` - ${category}` : ''}`,
    body: body.message,
    channel: 'web',
    service: service.code,
    contactId: null,
    registeredAt,
    actor: SCRIVI_ACTOR,
    settings,
  };
  await deps.temporal.workflow.executeUpdateWithStart(registerComplaintUpdate, {
    args: [{}],
    startWorkflowOperation: new WithStartWorkflowOperation(complaintWorkflow, {
      workflowId: workflowId.complaint(reference),
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }),
  });
  return reference;
}

async function startReceipt(deps: RouterDeps, input: { reference: string; kind: 'request' | 'complaint'; serviceName: string; email: string }) {
  try {
    await deps.temporal.workflow.start(scriviReceiptWorkflow, { workflowId: scriviReceiptWorkflowId(input.reference), taskQueue: deps.taskQueue, args: [input] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** The form; `values` refill it after an error, `errors` sit beside their fields. */
function formHtml(services: Service[], values: Values, errors: FieldError[], notice = ''): string {
  const err = (f: string) => errors.find((e) => e.field === f);
  const v = (f: keyof Values) => esc(values[f] ?? '');
  const described = (f: string, hint = false) => {
    const ids = [hint ? `h-${f}` : '', err(f) ? `e-${f}` : ''].filter(Boolean).join(' ');
    return `${ids ? ` aria-describedby="${ids}"` : ''}${err(f) ? ' aria-invalid="true"' : ''}`;
  };
  const errorLine = (f: string) => `<p class="error" id="e-${f}"${err(f) ? '' : ' hidden'}>${err(f) ? esc(err(f)!.message) : ''}</p>`;
  const input = (f: 'name' | 'surname' | 'email', label: string, type: string, autocomplete: string) =>
    `<div class="field"><label for="f-${f}">${label} <span aria-hidden="true">*</span></label><input id="f-${f}" name="${f}" type="${type}" required autocomplete="${autocomplete}" maxlength="${f === 'email' ? 320 : 100}" value="${v(f)}"${described(f)}>${errorLine(f)}</div>`;
  const type = values.type === 'complaint' ? 'complaint' : values.type === 'request' ? 'request' : '';
  return `<h1>Scrivi al Contact Center</h1>
<p class="lead">Invii una richiesta di informazioni o un reclamo. Riceverà per email il riferimento della sua pratica. I campi con * sono obbligatori.</p>
${notice}
<form class="pform" id="scrivi-form" method="post" action="/scrivi" novalidate>
  <div class="field"><label for="f-service">Servizio <span aria-hidden="true">*</span></label>
    <select id="f-service" name="service" required${described('service')}>
      <option value="">Scelga un servizio</option>
      ${services.map((s) => `<option value="${esc(s.code)}"${values.service === s.code ? ' selected' : ''}>${esc(s.name)}</option>`).join('\n      ')}
    </select>${errorLine('service')}</div>
  <div class="field"><label for="f-category">Argomento</label>
    <p class="hint" id="h-category">Facoltativo: se non sa quale scegliere, lo indicheremo noi.</p>
    <select id="f-category" name="category"${described('category', true)}>
      <option value="">Non so / altro</option>
      ${services
        .filter((s) => s.categories.length)
        .map((s) => `<optgroup label="${esc(s.name)}" data-service="${esc(s.code)}">${s.categories.map((c) => `<option value="${esc(c.code)}"${values.service === s.code && values.category === c.code ? ' selected' : ''}>${esc(c.name)}</option>`).join('')}</optgroup>`)
        .join('\n      ')}
    </select>${errorLine('category')}</div>
  <fieldset id="f-type"${err('type') ? ' aria-describedby="e-type"' : ''}><legend>Tipo di messaggio <span aria-hidden="true">*</span></legend>
    <input type="radio" id="f-type-request" name="type" value="request" required${type === 'request' ? ' checked' : ''}><label for="f-type-request">Richiesta di informazioni</label>
    <input type="radio" id="f-type-complaint" name="type" value="complaint"${type === 'complaint' ? ' checked' : ''}><label for="f-type-complaint">Reclamo</label>
    ${errorLine('type')}</fieldset>
  ${input('name', 'Nome', 'text', 'given-name')}
  ${input('surname', 'Cognome', 'text', 'family-name')}
  ${input('email', 'Email', 'email', 'email')}
  <div class="field"><label for="f-message">Messaggio <span aria-hidden="true">*</span></label>
    <p class="hint" id="h-message">Al massimo 4000 caratteri. Non indichi dati sanitari o giudiziari.</p>
    <textarea id="f-message" name="message" required maxlength="4000"${described('message', true)}>${v('message')}</textarea>${errorLine('message')}</div>
  <div class="hp" aria-hidden="true"><label for="f-website">Lasci vuoto questo campo</label><input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
  <div class="privacy" id="privacy-notice"><h2>Informativa sul trattamento dei dati personali</h2>
    <p>I dati inseriti (nome, cognome, email e testo del messaggio) sono trattati dall'amministrazione titolare del servizio, ai sensi del Regolamento (UE) 2016/679, al solo fine di rispondere alla sua richiesta o al suo reclamo e di chiederle un parere sul servizio ricevuto. Sono conservati per il tempo previsto dalle regole di conservazione dell'ente e non sono comunicati a terzi. Può chiedere l'accesso, la rettifica o la cancellazione dei suoi dati scrivendo all'Ufficio Relazioni con il Pubblico.</p></div>
  <div class="field consent"><input type="checkbox" id="f-consent" name="consent" value="on" required${described('consent')}${values.consent === 'on' ? ' checked' : ''}>
    <label for="f-consent" class="inline">Ho letto l'informativa e acconsento al trattamento dei miei dati <span aria-hidden="true">*</span></label>${errorLine('consent')}</div>
  <button type="submit">Invia</button>
</form>
<div id="scrivi-result" aria-live="polite"></div>`;
}
