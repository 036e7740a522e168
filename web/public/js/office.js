// An office's work: its escalations, missed-call forms and complaint inquiries.
import { pager, filterBar, queryOf } from './ui.js';
import { api, h, act, formDialog, infoDialog, facts, historyList, table, button, badge, fmtDateTime, fmtDue, plural, loadList } from './ui.js';

const STATUS = { open: ['Da prendere in carico', 'warn'], in_charge: ['In carico', 'info'], resolved: ['Risolta', 'ok'], returned: ['Restituita', 'neutral'] };
const CHANNELS = { phone: 'Telefono', email: 'Email', web: 'Modulo web', voicemail: 'Segreteria' };
export const ESCALATION_STEPS = {
  opened: 'Inoltrata all’ufficio',
  'taken-in-charge': 'Presa in carico',
  'note-added': 'Nota aggiunta',
  resolved: 'Risolta',
  returned: 'Restituita al contact center',
  reassigned: 'Assegnata a un altro ufficio',
  'reminder-take-charge': 'Promemoria: presa in carico in scadenza',
  'reminder-resolve': 'Promemoria: risoluzione in scadenza',
  'breached-take-charge': 'Presa in carico fuori termine',
  'breached-resolve': 'Risoluzione fuori termine',
};

export function escalationStatus(e) {
  const [text, kind] = STATUS[e.status] ?? [e.status, 'info'];
  return badge(text, kind);
}

/** The deadline that matters now: take charge while open, resolution after. */
export const currentDue = (e) => (e.status === 'open' ? e.takeChargeDueAt : e.resolveDueAt);
export const isBreached = (e) => !!(e.takeChargeBreached || e.resolveBreached);
/** Breached first, then the nearest deadline. */
export const byUrgency = (a, b) => Number(isBreached(b)) - Number(isBreached(a)) || Date.parse(currentDue(a)) - Date.parse(currentDue(b));

export function callerLines(c = {}) {
  const name = [c.surname, c.name].filter(Boolean).join(' ');
  const lines = [name, c.phone, c.email].filter(Boolean);
  return lines.length ? h('span', { class: 'lines' }, ...lines.map((l, i) => (i === 0 && name ? h('strong', {}, l) : h('span', {}, l)))) : h('span', { class: 'muted' }, 'non indicato');
}

function dueCell(e) {
  const due = currentDue(e);
  const late = isBreached(e) || Date.parse(due) < Date.now();
  return h(
    'span',
    { class: 'lines' },
    h('span', { class: 'muted' }, e.status === 'open' ? 'Presa in carico entro' : 'Risoluzione entro'),
    h('strong', {}, fmtDateTime(due)),
    h('span', { class: late ? 'due-late' : 'due-ok' }, fmtDue(due, e.remaining)),
    isBreached(e) ? badge('Fuori termine', 'bad') : null,
  );
}

export function escalationTable(items, refresh, ctx, { withOffice = false, canAct = true, emptyText = 'Nessuna pratica da gestire. Le nuove pratiche inoltrate dal contact center compaiono qui.' } = {}) {
  return table(
    'Pratiche inoltrate dal contact center',
    ['Pratica', 'Richiesta del cittadino', 'Cittadino', ...(withOffice ? ['Ufficio'] : []), 'Stato', 'Scadenza', canAct ? 'Azioni' : 'Dettagli'],
    [...items].sort(byUrgency),
    (e) => [
      h('span', { class: 'lines' }, h('strong', { class: 'nowrap' }, e.contactId), h('span', { class: 'muted' }, `${CHANNELS[e.contact?.channel] ?? ''}${e.contact?.channel ? ' · ' : ''}ricevuta ${fmtDateTime(e.createdAt)}`)),
      h(
        'span',
        { class: 'lines' },
        h('span', {}, e.contact?.reason ?? ''),
        e.contact?.category ? h('span', { class: 'muted' }, `Categoria: ${ctx.categoryName(e.service, e.contact.category)}`) : null,
        e.note ? h('span', { class: 'note' }, `Nota del contact center: ${e.note}`) : null,
        e.notes?.length ? h('span', { class: 'muted' }, plural(e.notes.length, 'nota interna', 'note interne')) : null,
      ),
      callerLines(e.contact?.caller),
      ...(withOffice ? [ctx.officeName(e.office)] : []),
      escalationStatus(e),
      dueCell(e),
      escalationActions(e, refresh, ctx, canAct),
    ],
    (e) => (isBreached(e) ? 'breached' : undefined),
    emptyText,
  );
}

async function showEscalation(e, ctx) {
  const full = await api(`/escalations/${encodeURIComponent(e.id)}`);
  infoDialog(
    `Pratica ${full.contactId}`,
    facts([
      ['Ufficio', ctx.officeName(full.office)],
      ['Stato', escalationStatus(full)],
      ['Richiesta', full.contact?.reason],
      ['Cittadino', callerLines(full.contact?.caller)],
      ['Nota del contact center', full.note],
      ['Presa in carico entro', fmtDateTime(full.takeChargeDueAt)],
      ['Risoluzione entro', fmtDateTime(full.resolveDueAt)],
      ['Risposta data', full.response],
      ['Motivo della restituzione', full.returnReason],
    ]),
    h('h3', {}, 'Note interne'),
    full.notes?.length ? h('ul', { class: 'notes' }, ...full.notes.map((n) => h('li', {}, h('span', { class: 'muted' }, `${fmtDateTime(n.at)} — ${n.by}: `), n.text))) : h('p', { class: 'muted' }, 'Nessuna nota.'),
    h('h3', {}, 'Storico'),
    historyList(full.history, ESCALATION_STEPS),
  );
}

function escalationActions(e, refresh, ctx, canAct) {
  const post = (path, body, ok) => act(() => api(`/escalations/${encodeURIComponent(e.id)}/${path}`, { method: 'POST', body }), ok).then((done) => done && refresh());
  const details = button('Dettagli', () => act(() => showEscalation(e, ctx)), 'btn-link', { 'aria-label': `Dettagli della pratica ${e.contactId}` });
  if (!canAct) return h('div', { class: 'row-actions' }, details);
  const actions = [];
  if (e.status === 'open') actions.push(button('Prendi in carico', () => post('take-charge', {}, `Pratica ${e.contactId} presa in carico.`), 'btn-primary'));
  if (e.status === 'in_charge') {
    actions.push(
      button(
        'Risolvi',
        async () => {
          const hasEmail = !!e.contact?.caller?.email;
          const v = await formDialog(
            `Risolvi la pratica ${e.contactId}`,
            [{ name: 'response', label: 'Risposta al cittadino', type: 'textarea', required: true, hint: hasEmail ? `La risposta è inviata per email a ${e.contact.caller.email}.` : 'Il cittadino non ha indicato un’email: la risposta resta agli atti della pratica.' }],
            'Invia la risposta',
            h('p', { class: 'dialog-context' }, e.contact?.reason ?? ''),
          );
          if (v) await post('resolve', { response: v.response }, `Pratica ${e.contactId} risolta.`);
        },
        'btn-primary',
      ),
      button('Aggiungi nota', async () => {
        const v = await formDialog(`Nota sulla pratica ${e.contactId}`, [{ name: 'text', label: 'Nota interna', type: 'textarea', required: true, hint: 'Visibile all’ufficio e ai supervisori, non al cittadino.' }], 'Salva la nota');
        if (v) await post('notes', { text: v.text }, `Nota salvata sulla pratica ${e.contactId}.`);
      }),
    );
  }
  if (e.status === 'open' || e.status === 'in_charge')
    actions.push(
      button('Restituisci', async () => {
        const v = await formDialog(`Restituisci la pratica ${e.contactId}`, [{ name: 'reason', label: 'Motivo della restituzione', type: 'textarea', required: true, hint: 'Per esempio: la richiesta è di competenza di un altro ufficio (indichi quale, se lo sa).' }], 'Restituisci al contact center');
        if (v) await post('return', { reason: v.reason }, `Pratica ${e.contactId} restituita al contact center.`);
      }),
    );
  // Reassigning is a supervisor's decision: an office returns work, it does not hand it over.
  if (['supervisor', 'admin'].includes(ctx.me.role) && (e.status === 'open' || e.status === 'in_charge')) {
    const offices = (ctx.service(e.service)?.offices ?? []).filter((o) => o.code !== e.office).map((o) => [o.code, o.name]);
    actions.push(
      button('Riassegna', async () => {
        const v = await formDialog(`Riassegna la pratica ${e.contactId}`, [{ name: 'office', label: 'Nuovo ufficio', type: 'select', required: true, options: offices, hint: 'Le scadenze ripartono per il nuovo ufficio.' }], 'Riassegna');
        if (v) await post('reassign', { office: v.office }, `Pratica ${e.contactId} assegnata a ${ctx.officeName(v.office)}.`);
      }),
    );
  }
  return h('div', { class: 'row-actions' }, ...actions, details);
}

const OUTCOMES = [
  ['reached', 'Cittadino raggiunto'],
  ['unreachable', 'Cittadino non raggiungibile'],
  ['not_needed', 'Richiamata non necessaria'],
];

/** "Rossi Mario"; a name the caller did not give is left out rather than printed. */
const callerName = (f) => [f.callerSurname, f.callerName].filter((x) => x && x !== 'non indicato').join(' ') || 'Nome non indicato';

export function missedCallTable(items, refresh, ctx, { canAct = true, withOffice = false, emptyText = 'Nessun cittadino da richiamare.' } = {}) {
  return table(
    'Moduli di mancata risposta',
    ['Cittadino da richiamare', 'Persona cercata', 'Motivo', ...(withOffice ? ['Ufficio'] : []), 'Chiamata del', 'Richiamare entro', ...(canAct ? ['Azioni'] : [])],
    items,
    (f) => [
      h('span', { class: 'lines' }, h('strong', {}, callerName(f)), h('span', {}, `Tel. ${f.callbackPhone ?? '—'}`), f.callbackEmail ? h('span', {}, f.callbackEmail) : null),
      f.personSought,
      f.reason,
      ...(withOffice ? [ctx.officeName(f.office)] : []),
      fmtDateTime(f.callAt),
      h('span', { class: 'lines' }, h('strong', {}, fmtDateTime(f.dueAt)), h('span', { class: f.breached ? 'due-late' : 'due-ok' }, fmtDue(f.dueAt, f.remaining)), f.breached ? badge('Fuori termine', 'bad') : null),
      ...(canAct
        ? [
            button(
              'Registra la richiamata',
              async () => {
                const v = await formDialog(`Richiamata a ${callerName(f)}`, [
                  { name: 'outcome', label: 'Esito', type: 'select', options: OUTCOMES, required: true, value: 'reached' },
                  { name: 'note', label: 'Nota', type: 'textarea', hint: 'Facoltativa: per esempio che cosa è stato detto o quando riprovare.' },
                ], 'Registra', h('p', { class: 'dialog-context' }, `Telefono: ${f.callbackPhone ?? '—'} · Motivo: ${f.reason ?? ''}`));
                if (v && (await act(() => api(`/missed-calls/${encodeURIComponent(f.id)}/callback`, { method: 'POST', body: { outcome: v.outcome, ...(v.note ? { note: v.note } : {}) } }), `Richiamata a ${callerName(f)} registrata.`))) refresh();
              },
              'btn-primary',
            ),
          ]
        : []),
    ],
    (f) => (f.breached ? 'breached' : undefined),
    emptyText,
  );
}

const OFFICE_PAGE = 25;
const BREACHED = [['', 'Tutte'], ['true', 'Fuori termine'], ['false', 'Nei termini']];
const AGES = [['', 'Qualsiasi'], ['4', 'Da almeno 4 ore'], ['24', 'Da almeno 1 giorno'], ['72', 'Da almeno 3 giorni']];

export function officeTabs(ctx) {
  const office = ctx.me.office;
  const q = office ? `&office=${encodeURIComponent(office)}` : '';
  const escalationFilters = { q: '', breached: '', olderThanHours: '' };
  const formFilters = { q: '', breached: '', olderThanHours: '', offset: 0 };
  return [
    {
      id: 'pratiche',
      label: 'Pratiche',
      live: true,
      async render(section, refresh) {
        const f = queryOf(escalationFilters);
        const [open, inCharge] = await Promise.all([api(`/escalations?status=open&limit=500${q}&${f}`), api(`/escalations?status=in_charge&limit=500${q}&${f}`)]);
        const items = [...(open.items ?? []), ...(inCharge.items ?? [])];
        const breached = items.filter(isBreached).length;
        section.append(
          h('h1', { id: 'title-pratiche' }, 'Pratiche da gestire'),
          h('p', { class: 'lead' }, `Ufficio: ${ctx.officeName(office)}. Le pratiche fuori termine sono in cima, poi quelle con la scadenza più vicina.`),
          h(
            'ul',
            { class: 'stats', 'aria-label': 'Riepilogo' },
            h('li', {}, h('strong', {}, String(open.items?.length ?? 0)), ' da prendere in carico'),
            h('li', {}, h('strong', {}, String(inCharge.items?.length ?? 0)), ' in carico'),
            h('li', { class: breached ? 'stat-bad' : '' }, h('strong', {}, String(breached)), ' fuori termine'),
          ),
          filterBar('escalation-filters', escalationFilters, [
            { name: 'breached', label: 'Termini', options: BREACHED },
            { name: 'olderThanHours', label: 'Età', options: AGES },
          ], refresh),
          escalationTable(items, refresh, ctx),
        );
      },
    },
    {
      id: 'richiamate',
      label: 'Mancate risposte',
      live: true,
      async render(section, refresh) {
        section.append(
          h('h1', { id: 'title-richiamate' }, 'Cittadini da richiamare'),
          h('p', { class: 'lead' }, 'Moduli di mancata risposta: il contact center non è riuscito a trasferire la chiamata. Richiami il cittadino e registri l’esito.'),
          filterBar('missed-call-filters', formFilters, [
            { name: 'breached', label: 'Termini', options: BREACHED },
            { name: 'olderThanHours', label: 'Età', options: AGES },
          ], refresh),
          await loadList('i moduli di mancata risposta', `/missed-calls?status=open${q}&${queryOf({ ...formFilters, limit: OFFICE_PAGE })}`, (page) =>
            h('div', {}, pager('missed-call-pager', page, (offset) => ((formFilters.offset = offset), refresh())), missedCallTable(page.items ?? [], refresh, ctx)),
          ),
        );
      },
    },
    {
      id: 'istruttorie',
      label: 'Istruttorie reclami',
      live: true,
      async render(section, refresh) {
        section.append(
          h('h1', { id: 'title-istruttorie' }, 'Richieste dell’Ufficio relazioni con il pubblico'),
          h('p', { class: 'lead' }, 'L’URU sta istruendo un reclamo e chiede all’ufficio una verifica. La risposta va all’URU, non al cittadino.'),
          await loadList('le istruttorie', `/inquiries?status=open&limit=500${q}`, ({ items = [] }) =>
            table(
              'Istruttorie',
              ['Reclamo', 'Domanda dell’URU', 'Rispondere entro', 'Azioni'],
              items,
              (i) => [
                h('strong', {}, i.complaintId),
                h('span', { class: 'details' }, i.question),
                h('span', { class: 'lines' }, h('strong', {}, fmtDateTime(i.dueAt)), h('span', { class: i.overdue ? 'due-late' : 'due-ok' }, fmtDue(i.dueAt)), i.overdue ? badge('Scaduta', 'bad') : null),
                button(
                  'Rispondi',
                  async () => {
                    const v = await formDialog(`Risposta all’istruttoria sul reclamo ${i.complaintId}`, [{ name: 'findings', label: 'Esito degli accertamenti', type: 'textarea', required: true, rows: 8 }], 'Invia all’URU', h('p', { class: 'dialog-context' }, i.question));
                    if (v && (await act(() => api(`/inquiries/${encodeURIComponent(i.id)}/answer`, { method: 'POST', body: { findings: v.findings } }), 'Risposta inviata all’URU.'))) refresh();
                  },
                  'btn-primary',
                ),
              ],
              (i) => (i.overdue ? 'breached' : undefined),
              'Nessuna istruttoria in attesa di risposta.',
            ),
          ),
        );
      },
    },
  ];
}
