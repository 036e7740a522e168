// Small DOM and API helpers for the back-office page: no framework, no build step.

const KEY = 'cc.apiKey';
/** The API key lives in sessionStorage only: never in a URL, gone when the tab closes. */
export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set key(v) {
    if (v) sessionStorage.setItem(KEY, v);
    else sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Errore ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Fired when the key stops working mid-session (revoked): the page goes back to the sign-in. */
export const UNAUTHORIZED_EVENT = 'cc:unauthorized';

/** Calls the public API with the signed-in key; errors carry the problem details. */
export async function api(path, { method = 'GET', body, accept = 'application/json', raw = false } = {}) {
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${session.key}`, Accept: accept, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { detail: 'network' });
  }
  if (res.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
  if (raw && res.ok) return res;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Builds an element: h('button', {class: 'btn', onclick}, 'Testo'). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// ---- Italian formatting, in the services' time zone -------------------------------------------

export const ZONE = 'Europe/Rome';
const dateTime = new Intl.DateTimeFormat('it-IT', { timeZone: ZONE, weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateOnly = new Intl.DateTimeFormat('it-IT', { timeZone: ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeOnly = new Intl.DateTimeFormat('it-IT', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });

export const fmtDateTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
export const fmtDate = (iso) => (iso ? dateOnly.format(new Date(iso)) : '—');
export const fmtTime = (d) => timeOnly.format(d);
export function fmtNumber(n, digits = 1) {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat('it-IT', { maximumFractionDigits: digits }).format(n);
}

const UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];
/** "3 ore", "2 giorni", "1 minuto": a duration in its largest sensible unit. */
export function fmtDuration(ms) {
  const abs = Math.abs(ms);
  if (abs < 60_000) return 'meno di un minuto';
  const [unit, size] = abs >= 2 * 86_400_000 ? UNITS[0] : abs >= 3_600_000 ? UNITS[1] : UNITS[2];
  return new Intl.NumberFormat('it-IT', { style: 'unit', unit, unitDisplay: 'long' }).format(Math.max(1, Math.round(abs / size)));
}
/**
 * "tra 3 ore" before the time, "scaduta da 2 giorni" after it. With the API's `remaining` (business
 * time of the service's calendar), "tra 1 giorno lavorativo e 3 ore": weekends and holidays do not count.
 */
export function fmtDue(iso, remaining, now = Date.now()) {
  if (!iso) return '';
  if (remaining && typeof remaining === 'object') return fmtRemaining(remaining);
  if (typeof remaining === 'number') now = remaining;
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `tra ${fmtDuration(ms)}` : `scaduta da ${fmtDuration(ms)}`;
}
export function fmtSince(iso, now = Date.now()) {
  return iso ? `da ${fmtDuration(now - Date.parse(iso))}` : '';
}

/** "1 pratica aperta" / "3 pratiche aperte". */
export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

export function badge(text, kind = 'info') {
  return h('span', { class: `badge badge-${kind}` }, text);
}

// ---- Messages --------------------------------------------------------------------------------

/** One message at a time in the aria-live region; errors stay until closed, the rest fade. */
export function showMessage(text, kind = 'ok') {
  const box = document.getElementById('messages');
  const close = h('button', { type: 'button', class: 'msg-close', 'aria-label': 'Chiudi il messaggio', onclick: () => msg.remove() }, '×');
  const msg = h('div', { class: `msg msg-${kind}` }, h('span', { class: 'msg-icon', 'aria-hidden': 'true' }, kind === 'err' ? '!' : '✓'), h('span', { class: 'msg-text' }, text), close);
  box.replaceChildren(msg);
  if (kind === 'ok') setTimeout(() => msg.remove(), 8000);
}

/** Runs an action, then shows success or the API's explanation in Italian. */
export async function act(fn, success) {
  try {
    await fn();
    if (success) showMessage(success, 'ok');
    return true;
  } catch (err) {
    showMessage(`Operazione non riuscita: ${explain(err)}`, 'err');
    return false;
  }
}

// Field names of the API, as the forms call them.
const FIELD_LABELS = {
  taxCode: 'codice fiscale',
  surname: 'cognome',
  name: 'nome',
  birthDate: 'data di nascita',
  email: 'email',
  phone: 'telefono',
  jobType: 'tipo di lavoro',
  jobCentre: 'centro per l’impiego',
  reason: 'motivo',
  response: 'risposta',
  answer: 'risposta',
  category: 'categoria',
  office: 'ufficio',
  note: 'nota',
  text: 'nota',
  findings: 'esito degli accertamenti',
  question: 'domanda',
  dueAt: 'scadenza',
  structure: 'struttura',
  callbackPhone: 'telefono per il richiamo',
  callbackEmail: 'email per il richiamo',
  callerSurname: 'cognome',
  callerName: 'nome',
  personSought: 'persona cercata',
  outcome: 'esito',
  month: 'mese',
  service: 'servizio',
  channel: 'canale',
  info: 'informazioni',
  alsoNotifyReferent: 'invio al referente',
  reply: 'risposta del cittadino',
  retryAt: 'nuovo tentativo',
};
const fieldLabel = (field) => FIELD_LABELS[String(field).split('.').pop()] ?? field;

/** The API's problem details, explained in Italian (the detail itself is kept for the record). */
export function explain(err) {
  if (!(err instanceof ApiError)) return err?.message ?? String(err);
  const detail = err.problem?.detail;
  switch (true) {
    case err.status === 0:
      return 'il server non risponde. Controlli la connessione e riprovi.';
    case err.status === 401:
      return 'la chiave di accesso non è valida o è stata revocata.';
    case err.status === 403:
      return 'questa chiave non è autorizzata a questa operazione.';
    case err.status === 404:
      return `elemento non trovato: forse è già stato gestito da un collega${detail ? ` (${detail})` : ''}.`;
    case err.status === 409 && /no email address/.test(detail ?? ''):
      return 'il cittadino non ha indicato un indirizzo email, quindi la domanda non può essere inviata. Lo chiami e registri l’esito in una nota.';
    case err.status === 409:
      return `non è possibile nello stato attuale: forse è già stato gestito da un collega (${detail ?? 'conflitto'}).`;
    case err.status === 400 || err.status === 422: {
      const fields = err.problem?.errors?.map((e) => `${fieldLabel(e.field)}: ${e.message}`).join('; ');
      return `dati non validi — ${fields || detail}.`;
    }
    case err.status >= 500:
      return `errore del server, riprovi tra poco${detail ? ` (${detail})` : ''}.`;
    default:
      return detail ?? err.message;
  }
}

/** A list whose endpoint failed: an Italian explanation in place of the table, never a crash. */
export function failedList(what, err) {
  return h('div', { class: 'notice notice-err', role: 'note' }, h('strong', {}, `Impossibile mostrare ${what}: `), explain(err));
}

/** Loads `path` and renders it with `render(data)`; a failure renders `failedList`. */
export async function loadList(what, path, render) {
  try {
    return render(await api(path));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw err;
    return failedList(what, err);
  }
}

// ---- Forms and dialogs -----------------------------------------------------------------------

let fieldSeq = 0;
/**
 * A labelled control: {name, label, type: text|textarea|select|date|checkbox|email|tel, options:
 * [[value, label]], required, value, hint, placeholder, pattern, patternMessage, maxlength}.
 */
export function fieldControl(f) {
  const id = `f-${f.name}-${++fieldSeq}`;
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [f.hint ? hintId : null, errId].filter(Boolean).join(' ');
  let control;
  if (f.type === 'textarea') control = h('textarea', { id, name: f.name, required: f.required, rows: f.rows ?? 5, maxlength: f.maxlength, 'aria-describedby': describedBy }, f.value ?? '');
  else if (f.type === 'select')
    control = h(
      'select',
      { id, name: f.name, required: f.required, 'aria-describedby': describedBy, onchange: f.onchange },
      ...(f.required && f.value ? [] : [h('option', { value: '' }, f.placeholder ?? '— scelga —')]),
      ...f.options.map(([v, l]) => h('option', { value: v, selected: v === f.value }, l)),
    );
  else if (f.type === 'checkbox') {
    control = h('input', { id, name: f.name, type: 'checkbox', checked: !!f.value, 'aria-describedby': describedBy });
    return h('div', { class: 'field field-check field-wide' }, control, h('label', { for: id }, f.label), f.hint ? h('div', { class: 'hint', id: hintId }, f.hint) : null, h('div', { class: 'field-error', id: errId }));
  } else
    control = h('input', {
      id,
      name: f.name,
      type: f.type ?? 'text',
      required: f.required,
      value: f.value ?? '',
      autocomplete: f.autocomplete ?? 'off',
      pattern: f.pattern,
      maxlength: f.maxlength,
      placeholder: f.placeholder,
      min: f.min,
      max: f.max,
      'aria-describedby': describedBy,
      'data-pattern-message': f.patternMessage,
      list: f.suggestions?.length ? `${id}-list` : undefined,
    });
  const suggestions = f.suggestions?.length ? h('datalist', { id: `${id}-list` }, ...f.suggestions.map((s) => h('option', { value: s }))) : null;
  return h(
    'div',
    { class: `field${f.wide || f.type === 'textarea' ? ' field-wide' : ''}` },
    h('label', { for: id }, f.label, f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    suggestions,
    f.hint ? h('div', { class: 'hint', id: hintId }, f.hint) : null,
    h('div', { class: 'field-error', id: errId }),
  );
}

/** Checks a form's controls with Italian messages next to each field; focuses the first bad one. */
export function validateForm(form) {
  let first = null;
  for (const el of form.querySelectorAll('input, select, textarea')) {
    const err = document.getElementById(`${el.id}-err`);
    if (!err) continue;
    let message = '';
    const v = el.type === 'checkbox' ? 'x' : el.value.trim();
    if (el.required && !v) message = 'Campo obbligatorio.';
    else if (v && el.validity.typeMismatch) message = el.type === 'email' ? 'Indirizzo email non valido.' : 'Valore non valido.';
    else if (v && el.validity.patternMismatch) message = el.dataset.patternMessage || 'Formato non valido.';
    err.textContent = message;
    el.setAttribute('aria-invalid', String(!!message));
    if (message && !first) first = el;
  }
  first?.focus();
  return !first;
}

/** The values of `fields` in `form`: trimmed strings, booleans for checkboxes. */
export function formValues(form, fields) {
  const values = {};
  for (const f of fields) {
    const input = form.elements.namedItem(f.name);
    values[f.name] = f.type === 'checkbox' ? input.checked : input.value.trim();
  }
  return values;
}

/** Drops empty strings, so optional fields are simply absent from the request. */
export const compact = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null));

/**
 * A modal form (native <dialog>: focus stays inside, Esc cancels, focus returns to the button).
 * Resolves with the values, or null if cancelled.
 */
export function formDialog(title, fields, okLabel = 'Conferma', intro) {
  const dialog = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  document.getElementById('dialog-title').textContent = title;
  document.getElementById('dialog-ok').textContent = okLabel;
  document.getElementById('dialog-intro').replaceChildren(...(intro ? [intro] : []));
  const body = document.getElementById('dialog-body');
  body.replaceChildren(...fields.map(fieldControl));
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const cancel = document.getElementById('dialog-cancel');
    const done = (value) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      if (opener?.isConnected) opener.focus();
      resolve(value);
    };
    const onSubmit = (e) => {
      e.preventDefault();
      if (validateForm(form)) done(formValues(form, fields));
    };
    const onCancel = (e) => {
      e?.preventDefault();
      done(null);
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    body.querySelector('input, select, textarea')?.focus();
  });
}

/** A read-only dialog (details of a file). */
export function infoDialog(title, ...content) {
  const dialog = document.getElementById('info-dialog');
  document.getElementById('info-title').textContent = title;
  document.getElementById('info-body').replaceChildren(...content);
  const opener = document.activeElement;
  const close = document.getElementById('info-close');
  const onClose = () => {
    dialog.removeEventListener('close', onClose);
    if (opener?.isConnected) opener.focus();
  };
  close.onclick = () => dialog.close();
  dialog.addEventListener('close', onClose);
  dialog.showModal();
  close.focus();
}

/** A definition list: [[term, value], ...]; empty values are left out. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, ...pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** Every step of a lifecycle, as the API's history lists them. */
export function historyList(steps, actionNames = {}) {
  if (!steps?.length) return h('p', { class: 'muted' }, 'Nessun passaggio registrato.');
  return h(
    'ol',
    { class: 'history' },
    ...steps.map((s) => h('li', {}, h('strong', {}, actionNames[s.action] ?? s.action), ' — ', fmtDateTime(s.at), s.actor?.name ? ` — ${s.actor.name}` : '')),
  );
}

/**
 * A table with a hidden caption; on narrow screens each row becomes a card whose cells carry their
 * column name (data-label). `rowClass(item)` marks rows (e.g. breached).
 */
export function table(caption, headers, items, cells, rowClass, emptyText) {
  if (!items.length) return h('div', { class: 'empty' }, emptyText ?? `${caption}: nessun elemento.`);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cards-on-narrow' },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...items.map((it) => h('tr', { class: rowClass?.(it) }, ...cells(it).map((c, i) => h('td', { 'data-label': headers[i] }, c))))),
    ),
  );
}

export function button(label, onclick, kind = '', attrs = {}) {
  return h('button', { type: 'button', class: `btn btn-small ${kind}`, onclick, ...attrs }, label);
}

/** 'YYYY-MM-DD' and 'HH:MM' in Rome as an ISO 8601 instant with its offset (the API wants one). */
export function romeDateTime(date, time = '17:00') {
  const guess = new Date(`${date}T${time}:00Z`);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'longOffset' }).formatToParts(guess).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return `${date}T${time}:00${m ? `${m[1]}:${m[2] ?? '00'}` : 'Z'}`;
}

/** Today plus `days`, as 'YYYY-MM-DD' in Rome. */
export function romeDatePlus(days) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

/** Chart.js options shared by every chart of the page: Italian locale, legend below, no animation. */
export function chartOptions(yTitle) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    locale: 'it-IT',
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, color: '#1b1f24' } } },
    scales: {
      x: { grid: { display: false }, ticks: { color: '#3d4752', autoSkip: true, maxRotation: 0 } },
      y: { beginAtZero: true, title: { display: true, text: yTitle, color: '#3d4752' }, grid: { color: '#e4e8ee' }, ticks: { color: '#3d4752' } },
    },
  };
}

/** The API's remaining time: "tra 2 giorni lavorativi e 3 ore", "scaduta da 1 ora lavorativa". */
export function fmtRemaining(r) {
  const business = r.basis === 'business';
  const n = (v, one, many) => `${v} ${v === 1 ? one : many}`;
  const parts = [];
  if (r.days) parts.push(business ? n(r.days, 'giorno lavorativo', 'giorni lavorativi') : n(r.days, 'giorno', 'giorni'));
  if (r.hours) parts.push(n(r.hours, business && !r.days ? 'ora lavorativa' : 'ora', business && !r.days ? 'ore lavorative' : 'ore'));
  if (!r.days && r.minutes) parts.push(n(r.minutes, 'minuto', 'minuti'));
  const text = parts.length ? parts.join(' e ') : 'meno di un minuto';
  return r.overdue ? `scaduta da ${text}` : `tra ${text}`;
}

/**
 * A deadline whose clock is paused (waiting for the citizen, a callback put off): "sospesa, restano
 * 2 giorni lavorativi e 3 ore" with the time it had left at the pause (the API's `remaining`).
 */
export function fmtPaused(r) {
  if (!r || typeof r !== 'object') return 'sospesa';
  const left = fmtRemaining(r);
  return r.overdue ? `sospesa, ${left}` : `sospesa, restano ${left.replace(/^tra /, '')}`;
}

/** The value of an `<input type="datetime-local">` ('YYYY-MM-DDTHH:MM', Rome time) as an ISO instant with offset. */
export function romeLocalToIso(value) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value ?? '');
  return m ? romeDateTime(m[1], m[2]) : null;
}

/** Now plus `minutes`, as a `datetime-local` value in Rome ('YYYY-MM-DDTHH:MM'). */
export function romeLocalPlus(minutes) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(Date.now() + minutes * 60_000)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** "1–25 di 63" with the previous and next page buttons; `onPage(offset)` loads another page. */
export function pager(id, { total, limit, offset }, onPage) {
  if (!total || total <= limit) return total ? h('p', { class: 'count', id }, `${total} ${total === 1 ? 'elemento' : 'elementi'}`) : null;
  const last = Math.min(offset + limit, total);
  return h(
    'nav',
    { class: 'pager', id, 'aria-label': 'Pagine' },
    button('‹ Precedente', () => onPage(Math.max(0, offset - limit)), '', { disabled: offset === 0, 'aria-label': 'Pagina precedente' }),
    h('span', { class: 'pager-status', 'aria-live': 'polite' }, `${offset + 1}–${last} di ${total} · pagina ${Math.floor(offset / limit) + 1} di ${Math.ceil(total / limit)}`),
    button('Successiva ›', () => onPage(offset + limit), '', { disabled: last >= total, 'aria-label': 'Pagina successiva' }),
  );
}

/**
 * A search box and filters above a list (a form with role=search: Enter searches). `state` keeps
 * the values between renders; `fields`: [{name, label, options?: [[value, label]]}] beside `q`.
 */
export function filterBar(id, state, fields, onChange, placeholder = 'Riferimento, nome o testo') {
  const form = h('form', { class: 'toolbar filters', role: 'search', id, 'aria-label': 'Cerca e filtra' });
  const qId = `${id}-q`;
  form.append(
    h('div', { class: 'field' }, h('label', { for: qId }, 'Cerca'), h('input', { id: qId, name: 'q', type: 'search', value: state.q ?? '', placeholder, maxlength: 200, autocomplete: 'off' })),
    ...fields.map((f) =>
      h(
        'div',
        { class: 'field' },
        h('label', { for: `${id}-${f.name}` }, f.label),
        h('select', { id: `${id}-${f.name}`, name: f.name }, ...f.options.map(([v, l]) => h('option', { value: v, selected: String(state[f.name] ?? '') === v }, l))),
      ),
    ),
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Cerca'),
    h('button', { type: 'button', class: 'btn', onclick: () => { for (const k of ['q', ...fields.map((f) => f.name)]) state[k] = fields.find((f) => f.name === k)?.reset ?? ''; state.offset = 0; onChange(); } }, 'Azzera'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = form.elements.namedItem('q').value.trim();
    for (const f of fields) state[f.name] = form.elements.namedItem(f.name).value;
    state.offset = 0;
    onChange();
  });
  return form;
}

/** `?a=1&b=x` of the non-empty values (the filters, q, limit and offset of a list). */
export function queryOf(values) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== '' && v !== undefined && v !== null) p.set(k, String(v));
  return p.toString();
}

/** "3 ore", "2 giorni": how long something has been waiting. */
export const fmtAge = (minutes) => (minutes === null || minutes === undefined ? '—' : fmtDuration(minutes * 60_000));

/** 'YYYY-MM' of the current month in Rome, and the months before it. */
export function recentMonths(count) {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}
/** 'YYYY-MM' as 'Marzo 2026'. */
export function monthName(ym) {
  const [y, m] = ym.split('-').map(Number);
  const text = new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
  return text.charAt(0).toUpperCase() + text.slice(1);
}
