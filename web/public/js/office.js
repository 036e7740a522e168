// An office's work: its escalations, missed-call forms and complaint inquiries.
import { pager, filterBar, queryOf } from './ui.js';
import { api, h, act, formDialog, infoDialog, facts, historyList, table, button, badge, fmtDateTime, fmtDue, plural, loadList } from './ui.js';
import { fmtPaused, romeLocalToIso, romeLocalPlus, showMessage } from './ui.js';

const STATUS = { open: ['Da prendere in carico', 'warn'], in_charge: ['In carico', 'info'], waiting_citizen: ['In attesa del cittadino', 'warn'], resolved: ['Risolta', 'ok'], returned: ['Restituita', 'neutral'] };
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
  'info-requested': 'Chieste informazioni al cittadino: scadenze sospese',
  'citizen-replied': 'Registrata la risposta del cittadino: scadenze riprese',
  'wait-limit-reached': 'Nessuna risposta del cittadino nel termine: scadenze riprese',
};
/** The statuses of an escalation, for the list's filter. */
export const ESCALATION_STATUS_OPTIONS = Object.entries(STATUS).map(([v, [l]]) => [v, l]);

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

/** The question the office put to the citizen, still unanswered (the last one). */
const openQuestion = (e) => (e.infoRequests ?? []).filter((q) => !q.endedBy).at(-1) ?? null;

/** While waiting for the citizen: since when, the question, until when at the latest. */
function waitingNote(e) {
  if (e.status !== 'waiting_citizen' || !e.pause) return null;
  const q = openQuestion(e);
  return h(
    'span',
    { class: 'lines waiting-note', role: 'note' },
    h('strong', {}, `In attesa del cittadino dal ${fmtDateTime(e.pause.since)}`),
    q ? h('span', {}, `Domanda: ${q.question}`) : null,
    h('span', { class: 'muted' }, `Attesa fino al ${fmtDateTime(e.pause.until)}: poi la pratica torna all’ufficio con le scadenze riprese.`),
  );
}

function dueCell(e) {
  if (e.status === 'waiting_citizen')
    return h(
      'span',
      { class: 'lines' },
      h('span', { class: 'muted' }, 'Risoluzione entro'),
      h('span', {}, badge('Sospesa', 'neutral'), ' ', h('span', { class: 'sr-only' }, 'scadenza finora: '), h('s', {}, fmtDateTime(e.resolveDueAt))),
      h('span', { class: 'due-paused' }, fmtPaused(e.remaining)),
      h('span', { class: 'muted' }, 'Riprende alla risposta del cittadino.'),
      isBreached(e) ? badge('Fuori termine', 'bad') : null,
    );
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
        waitingNote(e),
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
      ['Risoluzione entro', full.status === 'waiting_citizen' ? `${fmtDateTime(full.resolveDueAt)} — ${fmtPaused(e.remaining)}` : fmtDateTime(full.resolveDueAt)],
      ['In attesa del cittadino dal', full.status === 'waiting_citizen' && full.pause ? fmtDateTime(full.pause.since) : null],
      ['Attesa fino al', full.status === 'waiting_citizen' && full.pause ? fmtDateTime(full.pause.until) : null],
      ['Risposta data', full.response],
      ['Motivo della restituzione', full.returnReason],
    ]),
    ...(full.infoRequests?.length ? [h('h3', {}, 'Domande al cittadino'), infoRequestList(full.infoRequests)] : []),
    h('h3', {}, 'Note interne'),
    full.notes?.length ? h('ul', { class: 'notes' }, ...full.notes.map((n) => h('li', {}, h('span', { class: 'muted' }, `${fmtDateTime(n.at)} — ${n.by}: `), n.text))) : h('p', { class: 'muted' }, 'Nessuna nota.'),
    h('h3', {}, 'Storico'),
    historyList(full.history, ESCALATION_STEPS),
  );
}

const ENDED_BY = { reply: 'Risposta', 'wait-limit': 'Nessuna risposta nel termine' };
function infoRequestList(requests) {
  return h(
    'ol',
    { class: 'notes info-requests' },
    ...requests.map((q) =>
      h(
        'li',
        {},
        h('span', { class: 'muted' }, `${fmtDateTime(q.askedAt)} — ${q.askedBy}: `),
        q.question,
        h('br'),
        q.endedBy === 'reply' ? [h('span', { class: 'muted' }, `${ENDED_BY.reply} del ${fmtDateTime(q.repliedAt)}: `), q.reply] : h('span', { class: 'muted' }, q.endedBy ? ENDED_BY[q.endedBy] : 'In attesa di risposta'),
      ),
    ),
  );
}

/** "Chiedi informazioni al cittadino": the question goes by email; the deadlines stop until the reply. */
async function askCitizen(e, post) {
  const email = e.contact?.caller?.email;
  // The API refuses too (409); saying it before the form spares the office a question it cannot send.
  if (e.contact?.caller && !email) {
    showMessage(`Il cittadino della pratica ${e.contactId} non ha indicato un indirizzo email: la domanda non può essere inviata. Lo chiami e registri l’esito in una nota.`, 'err');
    return;
  }
  const v = await formDialog(
    `Chiedi informazioni al cittadino — pratica ${e.contactId}`,
    [{ name: 'question', label: 'Domanda al cittadino', type: 'textarea', required: true, maxlength: 4000, hint: `La domanda è inviata per email a ${email}. Finché il cittadino non risponde, le scadenze della pratica sono sospese.` }],
    'Invia la domanda',
    h('p', { class: 'dialog-context' }, e.contact?.reason ?? ''),
  );
  if (v) await post('request-info', { question: v.question }, `Domanda inviata al cittadino: la pratica ${e.contactId} è in attesa del cittadino.`);
}

/** "Registra la risposta del cittadino": a reply that came by phone or at the desk resumes the deadlines. */
async function recordReply(e, post) {
  const q = openQuestion(e);
  const v = await formDialog(
    `Registra la risposta del cittadino — pratica ${e.contactId}`,
    [{ name: 'reply', label: 'Risposta del cittadino', type: 'textarea', required: true, maxlength: 8000, hint: 'Per una risposta arrivata per telefono o allo sportello. Le scadenze riprendono con il tempo lavorativo che restava.' }],
    'Registra la risposta',
    q ? h('p', { class: 'dialog-context' }, `Domanda del ${fmtDateTime(q.askedAt)}: ${q.question}`) : undefined,
  );
  if (v) await post('citizen-reply', { reply: v.reply }, `Risposta registrata: la pratica ${e.contactId} è di nuovo in carico.`);
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
      button('Chiedi informazioni al cittadino', () => askCitizen(e, post), '', { 'aria-label': `Chiedi informazioni al cittadino sulla pratica ${e.contactId}` }),
      button('Aggiungi nota', async () => {
        const v = await formDialog(`Nota sulla pratica ${e.contactId}`, [{ name: 'text', label: 'Nota interna', type: 'textarea', required: true, hint: 'Visibile all’ufficio e ai supervisori, non al cittadino.' }], 'Salva la nota');
        if (v) await post('notes', { text: v.text }, `Nota salvata sulla pratica ${e.contactId}.`);
      }),
    );
  }
  if (e.status === 'waiting_citizen')
    actions.push(
      button('Registra la risposta del cittadino', () => recordReply(e, post), 'btn-primary', { 'aria-label': `Registra la risposta del cittadino sulla pratica ${e.contactId}` }),
      button('Aggiungi nota', async () => {
        const v = await formDialog(`Nota sulla pratica ${e.contactId}`, [{ name: 'text', label: 'Nota interna', type: 'textarea', required: true, hint: 'Visibile all’ufficio e ai supervisori, non al cittadino.' }], 'Salva la nota');
        if (v) await post('notes', { text: v.text }, `Nota salvata sulla pratica ${e.contactId}.`);
      }),
    );
  if (e.status === 'open' || e.status === 'in_charge' || e.status === 'waiting_citizen')
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
  ['not_reachable_retry', 'Non raggiungibile, riprova'],
];
const RETRY = 'not_reachable_retry';

/** Attempts that found nobody and, while put off, the next attempt. */
function retryLines(f) {
  return [
    f.pause ? h('strong', { class: 'next-attempt' }, `Nuovo tentativo: ${fmtDateTime(f.pause.until)}`) : null,
    f.retries ? h('span', { class: 'muted' }, plural(f.retries, 'tentativo senza risposta', 'tentativi senza risposta')) : null,
  ];
}

function dueOfForm(f) {
  if (f.pause)
    return h('span', { class: 'lines' }, ...retryLines(f), h('span', { class: 'muted' }, `Termine sospeso (era ${fmtDateTime(f.dueAt)})`), h('span', { class: 'due-paused' }, fmtPaused(f.remaining)), f.breached ? badge('Fuori termine', 'bad') : null);
  return h('span', { class: 'lines' }, h('strong', {}, fmtDateTime(f.dueAt)), h('span', { class: f.breached ? 'due-late' : 'due-ok' }, fmtDue(f.dueAt, f.remaining)), ...retryLines(f), f.breached ? badge('Fuori termine', 'bad') : null);
}

/** The callback form: an outcome, and for "non raggiungibile, riprova" the new attempt (Rome time). */
async function recordCallback(f, refresh) {
  const retryField = () => document.getElementById('dialog-form').elements.namedItem('retryAt');
  const showRetry = (on) => {
    const input = retryField();
    input.required = on;
    input.closest('.field').hidden = !on;
  };
  const fields = [
    { name: 'outcome', label: 'Esito', type: 'select', options: OUTCOMES, required: true, value: 'reached', onchange: (ev) => showRetry(ev.target.value === RETRY) },
    { name: 'retryAt', label: 'Nuovo tentativo (data e ora)', type: 'datetime-local', min: romeLocalPlus(1), value: romeLocalPlus(24 * 60), hint: 'Ora italiana. Se l’ufficio è chiuso a quell’ora, il tentativo passa alla prima apertura. Fino ad allora il termine della richiamata è sospeso.' },
    { name: 'note', label: 'Nota', type: 'textarea', hint: 'Facoltativa: per esempio che cosa è stato detto o quando riprovare.' },
  ];
  const context = h(
    'div',
    { class: 'dialog-context' },
    h('p', {}, `Telefono: ${f.callbackPhone ?? '—'} · Motivo: ${f.reason ?? ''}`),
    f.retries || f.pause ? h('p', {}, [f.retries ? plural(f.retries, 'tentativo senza risposta', 'tentativi senza risposta') : '', f.pause ? `nuovo tentativo previsto il ${fmtDateTime(f.pause.until)}` : ''].filter(Boolean).join(' · ')) : null,
  );
  const pending = formDialog(`Richiamata a ${callerName(f)}`, fields, 'Registra', context);
  showRetry(false);
  const v = await pending;
  if (!v) return;
  const retry = v.outcome === RETRY;
  const retryAt = retry ? romeLocalToIso(v.retryAt) : undefined;
  if (retry && !(Date.parse(retryAt) > Date.now())) {
    showMessage('Operazione non riuscita: il nuovo tentativo deve essere una data e un’ora future.', 'err');
    return;
  }
  const body = { outcome: v.outcome, ...(retry ? { retryAt } : {}), ...(v.note ? { note: v.note } : {}) };
  const done = retry ? `Richiamata a ${callerName(f)} rinviata: nuovo tentativo registrato.` : `Richiamata a ${callerName(f)} registrata.`;
  if (await act(() => api(`/missed-calls/${encodeURIComponent(f.id)}/callback`, { method: 'POST', body }), done)) refresh();
}

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
      dueOfForm(f),
      ...(canAct
        ? [
            button('Registra la richiamata', () => recordCallback(f, refresh), 'btn-primary'),
          ]
        : []),
    ],
    (f) => (f.breached ? 'breached' : undefined),
    emptyText,
  );
}

const OFFICE_PAGE = 25;
const BREACHED = [['', 'Tutte'], ['true', 'Fuori termine'], ['false', 'Nei termini']];
const OPEN_STATUSES = ['open', 'in_charge', 'waiting_citizen'];
const STATUS_FILTER = [['', 'Tutte le aperte'], ...ESCALATION_STATUS_OPTIONS.filter(([v]) => OPEN_STATUSES.includes(v))];
const AGES = [['', 'Qualsiasi'], ['4', 'Da almeno 4 ore'], ['24', 'Da almeno 1 giorno'], ['72', 'Da almeno 3 giorni']];

export function officeTabs(ctx) {
  const office = ctx.me.office;
  const q = office ? `&office=${encodeURIComponent(office)}` : '';
  const escalationFilters = { q: '', status: '', breached: '', olderThanHours: '' };
  const formFilters = { q: '', breached: '', olderThanHours: '', offset: 0 };
  return [
    {
      id: 'pratiche',
      label: 'Pratiche',
      live: true,
      async render(section, refresh) {
        const { status, ...rest } = escalationFilters;
        const f = queryOf(rest);
        // One list per open status (the filter keeps one of them); each counted in the summary.
        const lists = await Promise.all(OPEN_STATUSES.map((st) => (!status || status === st ? api(`/escalations?status=${st}&limit=500${q}&${f}`) : { items: [] })));
        const [open, inCharge, waiting] = lists;
        const items = lists.flatMap((l) => l.items ?? []);
        const breached = items.filter(isBreached).length;
        section.append(
          h('h1', { id: 'title-pratiche' }, 'Pratiche da gestire'),
          h('p', { class: 'lead' }, `Ufficio: ${ctx.officeName(office)}. Le pratiche fuori termine sono in cima, poi quelle con la scadenza più vicina.`),
          h(
            'ul',
            { class: 'stats', 'aria-label': 'Riepilogo' },
            h('li', {}, h('strong', {}, String(open.items?.length ?? 0)), ' da prendere in carico'),
            h('li', {}, h('strong', {}, String(inCharge.items?.length ?? 0)), ' in carico'),
            h('li', {}, h('strong', {}, String(waiting.items?.length ?? 0)), ' in attesa del cittadino'),
            h('li', { class: breached ? 'stat-bad' : '' }, h('strong', {}, String(breached)), ' fuori termine'),
          ),
          filterBar('escalation-filters', escalationFilters, [
            { name: 'status', label: 'Stato', options: STATUS_FILTER },
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
