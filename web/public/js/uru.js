// URU's work: complaints with their deadline, inquiries to the structures, the definitive response.
import { manualComplaintTab } from './desk.js';
import { pager, filterBar, queryOf } from './ui.js';
import { api, h, act, formDialog, infoDialog, facts, historyList, table, button, badge, fmtDateTime, fmtDue, compact, loadList, romeDateTime, romeDatePlus } from './ui.js';

const STATUS = {
  registered: ['Da prendere in carico', 'warn'],
  in_charge: ['In carico', 'info'],
  investigating: ['In istruttoria', 'info'],
  awaiting_requester: ['In attesa del richiedente', 'warn'],
  responded: ['Risposta inviata', 'ok'],
  closed: ['Chiuso', 'neutral'],
};
const KIND = { complaint: 'Reclamo', report: 'Segnalazione', suggestion: 'Suggerimento' };
const CHANNEL = { phone: 'telefono', email: 'email', web: 'modulo web', letter: 'lettera', in_person: 'di persona' };
const OUTCOMES = [
  ['upheld', 'Accolto'],
  ['partially_upheld', 'Accolto in parte'],
  ['not_upheld', 'Non accolto'],
  ['answered', 'Risposta fornita'],
  ['thanked', 'Ringraziamento (solo suggerimenti)'],
];
const INQUIRY_STATUS = { open: ['In attesa', 'warn'], answered: ['Risposta ricevuta', 'ok'], withdrawn: ['Ritirata', 'neutral'] };
const STEPS = {
  registered: 'Registrato',
  'taken-in-charge': 'Preso in carico',
  'inquiry-opened': 'Istruttoria aperta',
  'inquiry-answered': 'Istruttoria: risposta della struttura',
  'inquiry-withdrawn': 'Istruttoria ritirata',
  'inquiry-reminder': 'Istruttoria: promemoria alla struttura',
  'inquiry-overdue': 'Istruttoria scaduta',
  'info-requested': 'Informazioni chieste al richiedente (termine sospeso)',
  'requester-info-received': 'Informazioni ricevute (termine ripreso)',
  responded: 'Risposta definitiva inviata',
  closed: 'Chiuso',
  'deadline-warning': 'Avviso: termine vicino',
  'deadline-breached': 'Termine scaduto',
  'email-sent': 'Email inviata al richiedente',
};
const OPEN = ['registered', 'in_charge', 'investigating', 'awaiting_requester'];
const DONE = ['responded', 'closed'];

function daysText(c) {
  const d = c.daysLeft;
  if (c.breached || d < 0) return `Scaduto da ${Math.abs(d ?? 0)} ${Math.abs(d ?? 0) === 1 ? 'giorno' : 'giorni'}`;
  if (d === 0) return 'Scade oggi';
  return d === 1 ? '1 giorno rimasto' : `${d} giorni rimasti`;
}

function deadlineCell(c) {
  if (c.clock === 'suspended') {
    const d = Math.max(0, c.daysLeft ?? 0);
    return h('span', { class: 'lines' }, badge('Termine sospeso', 'warn'), h('span', { class: 'muted' }, `in attesa del richiedente: alla sua risposta resteranno ${d === 1 ? '1 giorno' : `${d} giorni`}`));
  }
  if (c.clock === 'stopped') return h('span', { class: 'lines' }, h('span', { class: 'muted' }, 'Concluso'), c.respondedAt ? h('span', {}, `risposta del ${fmtDateTime(c.respondedAt)}`) : null);
  const kind = c.breached || c.daysLeft < 0 ? 'bad' : c.daysLeft <= 5 ? 'warn' : 'ok';
  return h('span', { class: 'lines' }, h('strong', {}, fmtDateTime(c.deadline)), badge(daysText(c), kind));
}

/** Most urgent first: running clocks by time left, then suspended ones, then the concluded. */
const urgency = (c) => (c.clock === 'running' ? 0 : c.clock === 'suspended' ? 1 : 2);
const byUrgency = (a, b) => urgency(a) - urgency(b) || (a.remainingMs ?? 0) - (b.remainingMs ?? 0);

async function showComplaint(id, ctx) {
  const c = await api(`/complaints/${encodeURIComponent(id)}`);
  const r = c.requester ?? {};
  infoDialog(
    `${KIND[c.kind] ?? c.kind} ${c.id}`,
    facts([
      ['Oggetto', c.subject],
      ['Testo', h('span', { class: 'details' }, c.body)],
      ['Richiedente', h('span', { class: 'lines' }, h('strong', {}, [r.name, r.surname].filter(Boolean).join(' ')), r.email ?? null, r.phone ?? null, r.postalAddress ?? null)],
      ['Arrivato', `${fmtDateTime(c.registeredAt)}${CHANNEL[c.channel] ? ` per ${CHANNEL[c.channel]}` : ''}`],
      ['Servizio', c.service ? ctx.serviceName(c.service) : null],
      ['Stato', badge(...(STATUS[c.status] ?? [c.status, 'info']))],
      ['Termine', deadlineCell(c)],
      ['Domanda al richiedente', c.pendingQuestion],
      ['Risposta definitiva', c.response ? h('span', { class: 'details' }, c.response) : null],
    ]),
    h('h3', {}, 'Istruttorie'),
    c.inquiries?.length
      ? h(
          'ul',
          { class: 'notes' },
          ...c.inquiries.map((q) =>
            h('li', {}, h('strong', {}, q.structureName ?? q.structure), ` — entro ${fmtDateTime(q.dueAt)} — `, badge(...(INQUIRY_STATUS[q.status] ?? [q.status, 'info'])), h('div', { class: 'details' }, `Domanda: ${q.question}`), q.findings ? h('div', { class: 'details' }, `Esito: ${q.findings}`) : null),
          ),
        )
      : h('p', { class: 'muted' }, 'Nessuna istruttoria aperta.'),
    h('h3', {}, 'Storico'),
    historyList(c.history, STEPS),
  );
}

function complaintActions(c, ctx, refresh) {
  const offices = ctx.catalog.flatMap((s) => (s.offices ?? []).map((o) => [o.code, `${o.name} — ${s.name}`]));
  const post = (path, body, ok) => act(() => api(`/complaints/${encodeURIComponent(c.id)}/${path}`, { method: 'POST', body }), ok).then((d) => d && refresh());
  const working = ['in_charge', 'investigating'].includes(c.status);
  const context = h('p', { class: 'dialog-context' }, `${KIND[c.kind] ?? ''}: ${c.subject}`);
  return h(
    'div',
    { class: 'row-actions' },
    c.status === 'registered' ? button('Prendi in carico', () => post('take-charge', undefined, `Pratica ${c.id} presa in carico: il richiedente riceve la conferma.`), 'btn-primary') : null,
    working
      ? button('Apri istruttoria', async () => {
          const v = await formDialog(
            `Istruttoria per ${c.id}`,
            [
              { name: 'structure', label: 'Struttura interessata', type: 'select', required: true, options: offices },
              { name: 'question', label: 'Domanda alla struttura', type: 'textarea', required: true },
              { name: 'dueAt', label: 'Risposta entro il', type: 'date', required: true, value: romeDatePlus(10), min: romeDatePlus(1), hint: 'La struttura riceve la domanda per email; la scadenza è alle 17:00 di quel giorno.' },
            ],
            'Invia la richiesta',
            context,
          );
          if (v) await post('inquiries', { structure: v.structure, question: v.question, dueAt: romeDateTime(v.dueAt, '17:00') }, `Istruttoria aperta con ${ctx.officeName(v.structure)}.`);
        })
      : null,
    working
      ? button('Chiedi informazioni', async () => {
          const v = await formDialog(`Informazioni dal richiedente (${c.id})`, [{ name: 'question', label: 'Domanda al richiedente', type: 'textarea', required: true, hint: 'Il termine di risposta resta sospeso finché il richiedente non risponde.' }], 'Invia la domanda', context);
          if (v) await post('request-info', { question: v.question }, 'Domanda inviata al richiedente: il termine è sospeso.');
        })
      : null,
    c.status === 'awaiting_requester'
      ? button('Registra la risposta del richiedente', async () => {
          const v = await formDialog(`Risposta del richiedente (${c.id})`, [{ name: 'info', label: 'Informazioni ricevute', type: 'textarea', required: true }], 'Registra', h('p', { class: 'dialog-context' }, `Domanda: ${c.pendingQuestion ?? ''}`));
          if (v) await post('requester-info', { info: v.info }, 'Informazioni registrate: il termine riprende.');
        })
      : null,
    working
      ? button(
          'Rispondi',
          async () => {
            const suggestion = c.kind === 'suggestion';
            const v = await formDialog(
              `Risposta definitiva (${c.id})`,
              [
                { name: 'response', label: 'Risposta al richiedente', type: 'textarea', required: !suggestion, rows: 8, hint: suggestion ? 'Per un suggerimento può lasciarla vuota: il richiedente riceve il ringraziamento standard.' : 'È inviata al richiedente e chiude la pratica.' },
                { name: 'outcome', label: 'Esito', type: 'select', options: suggestion ? OUTCOMES : OUTCOMES.filter(([o]) => o !== 'thanked') },
              ],
              'Invia la risposta',
              context,
            );
            if (v) await post('respond', compact(v), `Risposta definitiva inviata per ${c.id}.`);
          },
          'btn-primary',
        )
      : null,
    button('Dettagli', () => act(() => showComplaint(c.id, ctx)), 'btn-link', { 'aria-label': `Dettagli della pratica ${c.id}` }),
  );
}

export function complaintTable(items, ctx, refresh, { canAct = true, emptyText = 'Nessuna pratica.' } = {}) {
  return table(
    'Reclami, segnalazioni e suggerimenti',
    ['Pratica', 'Tipo', 'Oggetto', 'Richiedente', 'Stato', 'Termine di risposta', canAct ? 'Azioni' : 'Dettagli'],
    [...items].sort(byUrgency),
    (c) => [
      h('span', { class: 'lines' }, h('strong', { class: 'nowrap' }, c.id), h('span', { class: 'muted' }, `arrivato ${fmtDateTime(c.registeredAt)}`)),
      KIND[c.kind] ?? c.kind,
      c.subject,
      [c.requester?.name, c.requester?.surname].filter(Boolean).join(' '),
      badge(...(STATUS[c.status] ?? [c.status, 'info'])),
      deadlineCell(c),
      canAct ? complaintActions(c, ctx, refresh) : button('Dettagli', () => act(() => showComplaint(c.id, ctx)), 'btn-link', { 'aria-label': `Dettagli della pratica ${c.id}` }),
    ],
    (c) => (c.breached && c.clock !== 'stopped' ? 'breached' : undefined),
    emptyText,
  );
}

const COMPLAINTS_PAGE = 25;

export function uruTabs(ctx) {
  let which = 'open';
  const filters = { q: '', breached: '', olderThanHours: '', offset: 0 };
  let inquiryStatus = 'open';
  return [
    {
      id: 'reclami',
      label: 'Reclami',
      live: true,
      async render(section, refresh) {
        const statuses = which === 'open' ? OPEN : which === 'done' ? DONE : [...OPEN, ...DONE];
        const select = h(
          'select',
          { id: 'complaints-filter', onchange: (e) => ((which = e.target.value), (filters.offset = 0), refresh()) },
          ...[['open', 'Aperti'], ['done', 'Conclusi'], ['all', 'Tutti']].map(([v, l]) => h('option', { value: v, selected: v === which }, l)),
        );
        section.append(
          h('h1', { id: 'title-reclami' }, 'Reclami, segnalazioni e suggerimenti'),
          h('p', { class: 'lead' }, 'In cima le pratiche con meno tempo per rispondere. Il termine resta sospeso mentre si attendono informazioni dal richiedente.'),
          h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'complaints-filter' }, 'Mostra'), select)),
          filterBar('complaints-filters', filters, [
            { name: 'breached', label: 'Termine', options: [['', 'Tutte'], ['true', 'Oltre il termine'], ['false', 'Nei termini']] },
            { name: 'olderThanHours', label: 'Età', options: [['', 'Qualsiasi'], ['168', 'Da almeno 1 settimana'], ['480', 'Da almeno 20 giorni']] },
          ], refresh, 'Riferimento, richiedente o oggetto'),
          await loadList('i reclami', `/complaints?${queryOf({ status: statuses.join(','), ...filters, limit: COMPLAINTS_PAGE })}`, (page) =>
            h('div', {}, pager('complaints-pager', page, (offset) => ((filters.offset = offset), refresh())), complaintTable(page.items ?? [], ctx, refresh)),
          ),
        );
      },
    },
    {
      id: 'istruttorie-uru',
      label: 'Istruttorie',
      live: true,
      async render(section, refresh) {
        const select = h(
          'select',
          { id: 'inquiries-filter', onchange: (e) => ((inquiryStatus = e.target.value), refresh()) },
          ...[['open', 'In attesa di risposta'], ['answered', 'Con risposta'], ['', 'Tutte']].map(([v, l]) => h('option', { value: v, selected: v === inquiryStatus }, l)),
        );
        section.append(
          h('h1', { id: 'title-istruttorie-uru' }, 'Istruttorie con le strutture'),
          h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'inquiries-filter' }, 'Mostra'), select)),
          await loadList('le istruttorie', `/inquiries?limit=500${inquiryStatus ? `&status=${inquiryStatus}` : ''}`, ({ items = [] }) =>
            table(
              'Istruttorie',
              ['Pratica', 'Struttura', 'Domanda', 'Scadenza', 'Stato ed esito'],
              items,
              (i) => [
                button(i.complaintId, () => act(() => showComplaint(i.complaintId, ctx)), 'btn-link', { 'aria-label': `Dettagli della pratica ${i.complaintId}` }),
                i.structureName ?? ctx.officeName(i.structure),
                h('span', { class: 'details' }, i.question),
                h('span', { class: 'lines' }, h('strong', {}, fmtDateTime(i.dueAt)), i.status === 'open' ? h('span', { class: i.overdue ? 'due-late' : 'due-ok' }, fmtDue(i.dueAt)) : null),
                h('span', { class: 'lines' }, badge(...(i.overdue ? ['Scaduta', 'bad'] : INQUIRY_STATUS[i.status] ?? [i.status, 'info'])), i.findings ? h('span', { class: 'details' }, i.findings) : null),
              ],
              (i) => (i.overdue ? 'breached' : undefined),
              'Nessuna istruttoria.',
            ),
          ),
        );
      },
    },
    manualComplaintTab(ctx),
  ];
}
