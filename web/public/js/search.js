// Search and the citizen's timeline: one box over contacts, escalations, missed calls, complaints,
// renewals and appointments (an office finds its own records only), and everything about one person.
import { api, h, badge, facts, historyList, infoDialog, fmtDateTime, plural, explain, ApiError } from './ui.js';

const KIND_NAMES = {
  contact: 'Contatto',
  escalation: 'Pratica inoltrata',
  'missed-call': 'Mancata risposta',
  complaint: 'Reclamo o segnalazione',
  renewal: 'Rinnovo',
  appointment: 'Appuntamento',
};
const STATUS_NAMES = {
  waiting: 'In attesa', triage: 'Da smistare', escalated: 'Inoltrato', resolved: 'Risolto', open: 'Aperta', in_charge: 'In carico',
  returned: 'Restituita', closed: 'Chiusa', registered: 'Registrato', investigating: 'In istruttoria', awaiting_requester: 'In attesa del cittadino',
  responded: 'Risposto', pending: 'Da confermare', confirmed: 'Confermato', cancelled: 'Annullato', booked: 'Prenotato', reminded: 'Promemoria inviato',
  rescheduled: 'Spostato', attended: 'Presentato', no_show: 'Non presentato', incomplete: 'Documenti incompleti', waiting_citizen: 'In attesa del cittadino',
};
/** The steps most records go through, in Italian (any other step is shown as recorded). */
const STEP_NAMES = {
  opened: 'Aperto', created: 'Creato', registered: 'Registrato', classified: 'Classificato', resolved: 'Risolto', escalated: 'Inoltrato all’ufficio',
  'missed-call': 'Modulo di mancata risposta', 'taken-in-charge': 'Preso in carico', 'note-added': 'Nota aggiunta', returned: 'Restituito', reassigned: 'Riassegnato',
  responded: 'Risposta inviata', closed: 'Chiuso', confirmed: 'Confermato', cancelled: 'Annullato', booked: 'Prenotato', rescheduled: 'Spostato', reminded: 'Promemoria inviato',
  'info-requested': 'Informazioni chieste al cittadino', 'callback-recorded': 'Richiamata registrata',
};
const stepName = (a) => STEP_NAMES[a] ?? a;

/** Where each kind's details are read, and who may read them. */
const DETAIL = {
  contact: { path: (id) => `/contacts/${encodeURIComponent(id)}`, roles: ['operator', 'supervisor', 'admin'] },
  escalation: { path: (id) => `/escalations/${encodeURIComponent(id)}`, roles: ['office', 'supervisor', 'admin'] },
  'missed-call': { path: (id) => `/missed-calls/${encodeURIComponent(id)}`, roles: ['office', 'operator', 'supervisor', 'admin'] },
  complaint: { path: (id) => `/complaints/${encodeURIComponent(id)}`, roles: ['uru', 'supervisor', 'admin'] },
  renewal: { path: (id) => `/renewals/${encodeURIComponent(id)}`, roles: ['operator', 'supervisor', 'admin'] },
  appointment: { path: (id) => `/appointments/${encodeURIComponent(id)}`, roles: ['office', 'operator', 'supervisor', 'admin'] },
};
const PAGE = 20;
const SEARCH_ROLES = ['operator', 'supervisor', 'uru', 'office', 'admin'];
const TIMELINE_ROLES = ['operator', 'supervisor', 'uru', 'admin'];
const IDENTIFIERS = [
  ['email', 'Email', 'email'],
  ['phone', 'Telefono', 'tel'],
  ['taxCode', 'Codice fiscale', 'text'],
];

const statusName = (s) => STATUS_NAMES[s] ?? s;

/** The details of one record in a dialog, from its own endpoint when the key may read it. */
async function openItem(item, role) {
  const title = `${KIND_NAMES[item.kind] ?? item.kind} ${item.id}`;
  const base = facts([
    ['Tipo', KIND_NAMES[item.kind] ?? item.kind],
    ['Riferimento', item.id],
    ['Descrizione', item.title],
    ['Stato', statusName(item.status)],
    ['Data', fmtDateTime(item.at)],
  ]);
  const detail = DETAIL[item.kind];
  if (!detail?.roles.includes(role)) return infoDialog(title, base);
  try {
    const full = await api(detail.path(item.id));
    infoDialog(title, base, h('h3', {}, 'Passaggi'), historyList(full.history, STEP_NAMES));
  } catch (err) {
    infoDialog(title, base, h('p', { class: 'muted' }, err instanceof ApiError && err.status === 403 ? 'Dettagli non disponibili per questa chiave.' : explain(err)));
  }
}

/** A list of records: each one a link that opens its details. */
function resultList(items, role, { listLabel, withLastAction = false }) {
  return h(
    'ol',
    { class: 'search-results', 'aria-label': listLabel },
    ...items.map((item) =>
      h(
        'li',
        { class: 'search-result' },
        h(
          'a',
          {
            href: `#cerca/${encodeURIComponent(item.kind)}/${encodeURIComponent(item.id)}`,
            class: 'search-link',
            onclick: (e) => {
              e.preventDefault();
              void openItem(item, role);
            },
          },
          h('strong', {}, item.title),
        ),
        ' ',
        badge(KIND_NAMES[item.kind] ?? item.kind, 'info'),
        ' ',
        badge(statusName(item.status), 'neutral'),
        h('div', { class: 'muted' }, `${item.id} · ${fmtDateTime(item.at)}`, withLastAction && item.lastAction ? ` · ultimo passaggio: ${stepName(item.lastAction.action)} (${fmtDateTime(item.lastAction.at)})` : ''),
      ),
    ),
  );
}

function searchForm(role) {
  let offset = 0;
  const input = h('input', { id: 'search-q', name: 'q', type: 'search', required: true, minlength: 2, maxlength: 200, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'search-hint' });
  const kind = h('select', { id: 'search-kind', name: 'kind' }, h('option', { value: '' }, 'Tutti'), ...Object.entries(KIND_NAMES).map(([v, l]) => h('option', { value: v }, l)));
  const status = h('p', { id: 'search-status', class: 'muted', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { id: 'search-results' });
  const pager = h('div', { class: 'actions actions-start', id: 'search-pager' });

  const run = async () => {
    const q = input.value.trim();
    if (q.length < 2) {
      status.textContent = 'Scriva almeno 2 caratteri.';
      input.focus();
      return;
    }
    status.textContent = 'Ricerca in corso…';
    try {
      const params = new URLSearchParams({ q, limit: String(PAGE), offset: String(offset) });
      if (kind.value) params.set('kind', kind.value);
      const data = await api(`/search?${params}`);
      const from = offset + 1;
      status.textContent = data.items.length ? `Risultati ${from}–${offset + data.items.length}${data.hasMore ? ' (altri nelle pagine seguenti)' : ''}.` : 'Nessun risultato.';
      results.replaceChildren(data.items.length ? resultList(data.items, role, { listLabel: 'Risultati della ricerca' }) : '');
      pager.replaceChildren(
        ...(offset > 0 ? [h('button', { type: 'button', class: 'btn btn-small', onclick: () => ((offset = Math.max(0, offset - PAGE)), run()) }, 'Pagina precedente')] : []),
        ...(data.hasMore ? [h('button', { type: 'button', class: 'btn btn-small', onclick: () => ((offset += PAGE), run()) }, 'Pagina successiva')] : []),
      );
    } catch (err) {
      status.textContent = `Ricerca non riuscita: ${explain(err)}`;
      results.replaceChildren();
      pager.replaceChildren();
    }
  };

  const form = h(
    'form',
    { class: 'card form', id: 'search-form', role: 'search', novalidate: true, onsubmit: (e) => (e.preventDefault(), (offset = 0), void run()) },
    h('label', { for: 'search-q' }, 'Cerca'),
    input,
    h('p', { id: 'search-hint', class: 'hint' }, role === 'office'
      ? 'Nome, telefono, email, riferimento o testo: solo le pratiche, le richiamate e gli appuntamenti del suo ufficio.'
      : 'Nome e cognome (anche in parte), telefono, email, codice fiscale, riferimento (es. CON-2026-000123) o parole del testo.'),
    h('label', { for: 'search-kind' }, 'Tipo'),
    kind,
    h('div', { class: 'actions actions-start' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'search-submit' }, 'Cerca')),
  );
  return [form, status, results, pager];
}

function timelineForm(role) {
  const which = h('select', { id: 'timeline-kind', name: 'identifier' }, ...IDENTIFIERS.map(([v, l]) => h('option', { value: v }, l)));
  const value = h('input', { id: 'timeline-value', name: 'value', type: 'text', required: true, maxlength: 320, autocomplete: 'off', spellcheck: 'false' });
  which.addEventListener('change', () => value.setAttribute('type', IDENTIFIERS.find(([v]) => v === which.value)?.[2] ?? 'text'));
  const status = h('p', { id: 'timeline-status', class: 'muted', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { id: 'timeline-results' });
  const run = async () => {
    const v = value.value.trim();
    if (!v) {
      status.textContent = 'Inserisca l’email, il telefono o il codice fiscale.';
      value.focus();
      return;
    }
    status.textContent = 'Caricamento…';
    try {
      const data = await api(`/citizens/timeline?${new URLSearchParams({ [which.value]: v })}`);
      status.textContent = data.items.length ? `${plural(data.total, 'elemento', 'elementi')} per questa persona, dal più recente.` : 'Nessun elemento per questa persona.';
      results.replaceChildren(data.items.length ? resultList(data.items, role, { listLabel: 'Storia del cittadino', withLastAction: true }) : '');
    } catch (err) {
      status.textContent = `Storia non disponibile: ${explain(err)}`;
      results.replaceChildren();
    }
  };
  const form = h(
    'form',
    { class: 'card form', id: 'timeline-form', novalidate: true, onsubmit: (e) => (e.preventDefault(), void run()) },
    h('label', { for: 'timeline-kind' }, 'Cerca la persona per'),
    which,
    h('label', { for: 'timeline-value' }, 'Valore'),
    value,
    h('div', { class: 'actions actions-start' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'timeline-submit' }, 'Mostra la storia')),
  );
  return [form, status, results];
}

/** The "Cerca" tab for the roles that may search; the timeline too for those who may read it. */
export function searchTabs(role) {
  if (!SEARCH_ROLES.includes(role)) return [];
  return [
    {
      id: 'cerca',
      label: 'Cerca',
      async render(section) {
        section.append(
          h('h1', { id: 'title-cerca' }, 'Cerca'),
          h('p', { class: 'lead' }, 'Trovi contatti, pratiche, richiamate, reclami, rinnovi e appuntamenti.'),
          ...searchForm(role),
          ...(TIMELINE_ROLES.includes(role) ? [h('h2', { id: 'title-storia' }, 'Storia del cittadino'), ...timelineForm(role)] : []),
        );
      },
    },
  ];
}
