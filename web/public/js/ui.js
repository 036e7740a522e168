// Small DOM and API helpers for the back-office page: no framework, no build step.

const KEY = 'cc.apiKey';
export const session = {
  get key() { return sessionStorage.getItem(KEY); },
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

/** Calls the public API with the signed-in key; errors carry the problem details. */
export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${session.key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), Accept: 'application/json' },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
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

const ZONE = 'Europe/Rome';
export function fmtDateTime(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('it-IT', { timeZone: ZONE, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
export function fmtNumber(n, digits = 2) {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat('it-IT', { maximumFractionDigits: digits }).format(n);
}

export function badge(text, kind = 'info') {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export function showMessage(text, kind = 'ok') {
  const box = document.getElementById('messages');
  const msg = h('div', { class: `msg msg-${kind}` }, text);
  box.replaceChildren(msg);
  if (kind === 'ok') setTimeout(() => msg.remove(), 6000);
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

export function explain(err) {
  if (err instanceof ApiError) {
    if (err.status === 403) return 'questa chiave non è autorizzata a questa operazione.';
    if (err.status === 409) return `l'operazione non è possibile nello stato attuale (${err.message}).`;
    const fields = err.problem?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    return fields || err.message;
  }
  return err?.message ?? String(err);
}

/**
 * A modal form. fields: [{name, label, type: text|textarea|select|date|datetime-local|checkbox|email|tel,
 * options: [[value, label]], required, value, hint}]. Resolves with the values, or null if cancelled.
 */
export function formDialog(title, fields, okLabel = 'Conferma') {
  const dialog = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  document.getElementById('dialog-title').textContent = title;
  document.getElementById('dialog-ok').textContent = okLabel;
  const body = document.getElementById('dialog-body');
  body.replaceChildren(...fields.map(fieldControl));
  return new Promise((resolve) => {
    const done = (value) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      resolve(value);
    };
    const onSubmit = (e) => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      const values = {};
      for (const f of fields) {
        const input = form.elements.namedItem(f.name);
        values[f.name] = f.type === 'checkbox' ? input.checked : input.value.trim();
      }
      done(values);
    };
    const onCancel = (e) => {
      e?.preventDefault();
      done(null);
    };
    const cancel = document.getElementById('dialog-cancel');
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    body.querySelector('input, select, textarea')?.focus();
  });
}

let fieldSeq = 0;
export function fieldControl(f) {
  const id = `f-${f.name}-${++fieldSeq}`;
  let control;
  if (f.type === 'textarea') control = h('textarea', { id, name: f.name, required: f.required }, f.value ?? '');
  else if (f.type === 'select')
    control = h('select', { id, name: f.name, required: f.required }, ...(f.required ? [] : [h('option', { value: '' }, '—')]), ...f.options.map(([v, l]) => h('option', { value: v, selected: v === f.value }, l)));
  else if (f.type === 'checkbox') control = h('input', { id, name: f.name, type: 'checkbox', checked: !!f.value });
  else control = h('input', { id, name: f.name, type: f.type ?? 'text', required: f.required, value: f.value ?? '', autocomplete: 'off' });
  const hintId = f.hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'form' }, h('label', { for: id }, f.label + (f.required ? ' *' : '')), control, f.hint ? h('div', { class: 'hint', id: hintId }, f.hint) : null);
}

/** A table with a caption; rows are arrays of cells; `rowClass(row)` marks rows (e.g. breached). */
export function table(caption, headers, items, cells, rowClass) {
  if (!items.length) return h('div', { class: 'table-wrap' }, h('p', { class: 'empty' }, `${caption}: nessun elemento.`));
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', {}, h('caption', { class: 'sr-caption' }, caption), h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...items.map((it) => h('tr', { class: rowClass?.(it) }, ...cells(it).map((c) => h('td', {}, c)))))),
  );
}

export function button(label, onclick, kind = '') {
  return h('button', { type: 'button', class: `btn btn-small ${kind}`, onclick }, label);
}
