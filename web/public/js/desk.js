// The desk: contact history, the supervisor's overview of open work, the CRM and complaints
// reports, the renewals export history and complaints registered by hand at URU.
import { api, h, act, formDialog, infoDialog, facts, historyList, table, button, badge, fmtDateTime, fmtDue, fmtAge, pager, filterBar, queryOf, loadList, showMessage, explain, compact, fieldControl, validateForm, formValues, chartOptions, ZONE } from './ui.js';
import { fmtPaused } from './ui.js';

/** Italian names of a contact's steps (history actions of the contact lifecycle). */
export const CONTACT_STEPS = {
  registered: 'Registrato',
  queued: 'Entrato in coda all’apertura del servizio',
  classified: 'Classificato',
  resolved: 'Risolto',
  escalated: 'Inoltrato all’ufficio',
  'returned-to-triage': 'Restituito dall’ufficio al contact center',
  'transfer-failed': 'Trasferimento non riuscito: modulo di mancata risposta',
  'called-back': 'Cittadino richiamato',
  'answer-emailed': 'Risposta inviata per email',
};
const CONTACT_STATUS = { waiting: ['In attesa dell’apertura', 'neutral'], triage: ['Da smistare', 'warn'], escalated: ['All’ufficio', 'info'], callback: ['Da richiamare', 'warn'], resolved: ['Risolto', 'ok'] };
export const contactStatus = (c) => badge(...(CONTACT_STATUS[c.status] ?? [c.status, 'info']));

/** Why an office sent the contact back, on the operator's list. */
export function returnedNote(c, ctx) {
  if (!c.returned) return null;
  return h('span', { class: 'returned', role: 'note' }, h('strong', {}, `Restituito da ${ctx.officeName(c.returned.office)}`), ` il ${fmtDateTime(c.returned.at)}: `, c.returned.reason ?? 'motivo non indicato');
}

/** Who did a step: the name and, for an office, which one. */
function stepLine(s, ctx) {
  const who = s.actor?.name ? `${s.actor.name}${s.actor.office ? ` (${ctx.officeName(s.actor.office)})` : ''}` : 'sistema';
  const detail = s.payload?.reason && s.action === 'returned-to-triage' ? `Motivo: ${s.payload.reason}` : s.payload?.office && s.action === 'escalated' ? `Ufficio: ${ctx.officeName(s.payload.office)}` : s.payload?.to && s.action === 'classified' ? `Categoria: ${s.payload.to}` : '';
  return h('li', {}, h('strong', {}, CONTACT_STEPS[s.action] ?? s.action), ' — ', fmtDateTime(s.at), ` — ${who}`, detail ? h('span', { class: 'details' }, ` · ${detail}`) : null);
}

/** The full history of a contact: every transition with its actor and time, and what offices said. */
export async function showContactHistory(id, ctx) {
  const c = await api(`/contacts/${encodeURIComponent(id)}`);
  const returned = (c.escalations ?? []).filter((e) => e.status === 'returned');
  infoDialog(
    `Storia del contatto ${c.id}`,
    facts([
      ['Servizio', ctx.serviceName(c.service)],
      ['Stato', contactStatus(c)],
      ['Richiesta', c.reason],
      ['Categoria', c.category ? ctx.categoryName(c.service, c.category) : 'da classificare'],
      ['Risposta', c.answer],
    ]),
    ...returned.map((e) => h('p', { class: 'returned', role: 'note' }, h('strong', {}, `Restituito da ${ctx.officeName(e.office)}: `), e.returnReason ?? 'motivo non indicato')),
    h('h3', {}, 'Passaggi'),
    c.history?.length ? h('ol', { class: 'history', id: 'contact-history' }, ...c.history.map((s) => stepLine(s, ctx))) : historyList([]),
  );
}

const AGES = [['', 'Qualsiasi'], ['4', 'Da almeno 4 ore'], ['24', 'Da almeno 1 giorno'], ['72', 'Da almeno 3 giorni'], ['168', 'Da almeno 1 settimana']];
const PAGE = 25;

/** Every contact, searchable and filtered, a page at a time; each with its history. */
export function contactsTab(ctx) {
  const state = { q: '', status: '', service: '', channel: '', olderThanHours: '', offset: 0 };
  return {
    id: 'contatti',
    label: 'Tutti i contatti',
    async render(section, refresh) {
      const go = () => refresh();
      section.append(
        h('h1', { id: 'title-contatti' }, 'Tutti i contatti'),
        h('p', { class: 'lead' }, 'Cerchi per riferimento, nome, telefono, email o testo della richiesta; apra la storia per vedere ogni passaggio.'),
        filterBar('contacts-filters', state, [
          { name: 'status', label: 'Stato', options: [['', 'Tutti'], ...Object.entries(CONTACT_STATUS).map(([v, [l]]) => [v, l])] },
          { name: 'service', label: 'Servizio', options: [['', 'Tutti i servizi'], ...ctx.catalog.map((s) => [s.code, s.name])] },
          { name: 'channel', label: 'Canale', options: [['', 'Tutti'], ['phone', 'Telefono'], ['email', 'Email'], ['web', 'Modulo web'], ['voicemail', 'Segreteria']] },
          { name: 'olderThanHours', label: 'Età', options: AGES },
        ], go),
        await loadList('i contatti', `/contacts?${queryOf({ ...state, limit: PAGE })}`, (page) =>
          h(
            'div',
            {},
            pager('contacts-pager', page, (offset) => ((state.offset = offset), go())),
            table(
              'Contatti',
              ['Contatto', 'Servizio', 'Richiesta', 'Stato', 'Registrato', 'Storia'],
              page.items ?? [],
              (c) => [
                h('strong', { class: 'nowrap' }, c.id),
                ctx.serviceName(c.service),
                h('span', { class: 'lines' }, h('span', {}, c.reason), returnedNote(c, ctx)),
                contactStatus(c),
                fmtDateTime(c.createdAt),
                button('Storia', () => act(() => showContactHistory(c.id, ctx)), 'btn-link', { 'aria-label': `Storia del contatto ${c.id}` }),
              ],
              undefined,
              'Nessun contatto corrisponde alla ricerca.',
            ),
            pager('contacts-pager-bottom', page, (offset) => ((state.offset = offset), go())),
          ),
        ),
      );
    },
  };
}

const KIND_NAMES = { escalation: 'Pratica', missed_call: 'Da richiamare', inquiry: 'Istruttoria reclamo' };
const PAUSED_WHY = { escalation: 'In attesa del cittadino', missed_call: 'Nuovo tentativo di richiamata programmato' };

/** The supervisor's overview of all open work by office, across services; reassign from there. */
export function overviewTab(ctx) {
  const state = { service: '', office: '', breached: '' };
  return {
    id: 'quadro',
    label: 'Quadro generale',
    live: true,
    async render(section, refresh) {
      const offices = ctx.catalog.flatMap((s) => s.offices.map((o) => [o.code, `${o.name} (${s.name})`]));
      section.append(
        h('h1', { id: 'title-quadro' }, 'Quadro generale del lavoro aperto'),
        h('p', { class: 'lead' }, 'Tutte le pratiche, le richiamate e le istruttorie aperte, ufficio per ufficio, con l’età e i termini superati. Gli uffici con lavoro fuori termine sono in cima.'),
      );
      const form = h('form', { class: 'toolbar filters', role: 'search', 'aria-label': 'Filtra il quadro' });
      const sel = (name, label, options) => h('div', { class: 'field' }, h('label', { for: `overview-${name}` }, label), h('select', { id: `overview-${name}`, name }, ...options.map(([v, l]) => h('option', { value: v, selected: state[name] === v }, l))));
      form.append(
        sel('service', 'Servizio', [['', 'Tutti i servizi'], ...ctx.catalog.map((s) => [s.code, s.name])]),
        sel('office', 'Ufficio', [['', 'Tutti gli uffici'], ...offices]),
        sel('breached', 'Termini', [['', 'Tutto il lavoro aperto'], ['true', 'Solo fuori termine']]),
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Applica'),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        for (const k of Object.keys(state)) state[k] = form.elements.namedItem(k).value;
        refresh();
      });
      section.append(form);
      let o;
      try {
        o = await api(`/overview?${queryOf(state)}`);
      } catch (err) {
        section.append(h('div', { class: 'notice notice-err' }, h('strong', {}, 'Impossibile mostrare il quadro: '), explain(err)));
        return;
      }
      const t = o.totals;
      const stat = (n, text, bad) => h('li', { class: bad ? 'stat-bad' : '' }, h('strong', {}, String(n)), ` ${text}`);
      section.append(
        h(
          'ul',
          { class: 'stats', 'aria-label': 'Totali di tutti i servizi', id: 'overview-totals' },
          stat(t.escalations.open, 'pratiche aperte'),
          stat(t.escalations.breached, 'pratiche fuori termine', t.escalations.breached > 0),
          stat(t.missedCalls.open, 'cittadini da richiamare'),
          stat(t.missedCalls.breached, 'richiamate fuori termine', t.missedCalls.breached > 0),
          stat(t.inquiries.open, 'istruttorie aperte'),
          stat(t.complaints.open, 'reclami aperti (URU)'),
          stat(t.complaints.breached, 'reclami oltre il termine', t.complaints.breached > 0),
        ),
        h('h2', {}, 'Per ufficio'),
        table(
          'Lavoro aperto per ufficio',
          ['Ufficio', 'Servizio', 'Pratiche', 'Da richiamare', 'Istruttorie', 'Fuori termine', 'Più vecchio da'],
          o.offices,
          (r) => [
            h('strong', {}, r.officeName),
            r.serviceName,
            countCell(r.escalations),
            countCell(r.missedCalls),
            countCell(r.inquiries),
            r.breached ? h('span', { class: 'num-bad' }, String(r.breached)) : '0',
            r.oldestAgeMinutes === null ? '—' : fmtAge(r.oldestAgeMinutes),
          ],
          (r) => (r.breached ? 'breached' : undefined),
          'Nessun ufficio con lavoro aperto.',
        ),
        h('h2', {}, `Lavoro aperto (${o.items.length})`),
        table(
          'Lavoro aperto, fuori termine prima',
          ['Tipo', 'Riferimento', 'Ufficio', 'Aperto da', 'Scadenza', 'Azioni'],
          o.items,
          (i) => [
            KIND_NAMES[i.kind] ?? i.kind,
            h('span', { class: 'lines' }, h('strong', { class: 'nowrap' }, i.reference), h('span', { class: 'muted' }, i.id)),
            ctx.officeName(i.office),
            fmtAge(i.ageMinutes),
            i.pausedSince
              ? h('span', { class: 'lines' }, h('s', {}, fmtDateTime(i.dueAt)), h('span', { class: 'due-paused' }, fmtPaused(i.remaining)), h('span', { class: 'muted' }, PAUSED_WHY[i.kind] ?? ''), i.breached ? badge('Fuori termine', 'bad') : null)
              : h('span', { class: 'lines' }, h('span', {}, fmtDateTime(i.dueAt)), h('span', { class: i.breached ? 'due-late' : 'due-ok' }, fmtDue(i.dueAt, i.remaining)), i.breached ? badge('Fuori termine', 'bad') : null),
            i.kind === 'escalation' ? reassignButton(i, ctx, refresh) : h('span', { class: 'muted' }, '—'),
          ],
          (i) => (i.breached ? 'breached' : undefined),
          'Nessun lavoro aperto.',
        ),
      );
    },
  };
}

const countCell = (c) => (c.open ? h('span', {}, String(c.open), c.breached ? h('span', { class: 'num-bad' }, ` (${c.breached} fuori termine)`) : null) : '0');

function reassignButton(i, ctx, refresh) {
  const offices = (ctx.service(i.service)?.offices ?? []).filter((o) => o.code !== i.office).map((o) => [o.code, o.name]);
  return button(
    'Riassegna',
    async () => {
      const v = await formDialog(`Riassegna la pratica ${i.id}`, [{ name: 'office', label: 'Nuovo ufficio', type: 'select', required: true, options: offices, hint: 'L’ufficio riceve la pratica con nuovi termini.' }], 'Riassegna', h('p', { class: 'dialog-context' }, `Ora a ${ctx.officeName(i.office)}, aperta da ${fmtAge(i.ageMinutes)}.`));
      if (v && (await act(() => api(`/escalations/${encodeURIComponent(i.id)}/reassign`, { method: 'POST', body: { office: v.office } }), `Pratica ${i.id} riassegnata a ${ctx.officeName(v.office)}.`))) refresh();
    },
    '',
    { 'aria-label': `Riassegna la pratica ${i.id}` },
  );
}

/** 'YYYY-MM' of this month and the ones before, in Rome. */
function months(count) {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}
const monthLabel = (ym) => new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${ym}-01T12:00:00Z`));
const CHANNEL_NAMES = { phone: 'Telefono', email: 'Email', web: 'Modulo web', voicemail: 'Segreteria', letter: 'Lettera', in_person: 'Allo sportello' };
const COMPLAINT_KINDS = { complaint: 'Reclamo', report: 'Segnalazione', suggestion: 'Suggerimento' };
const reportCharts = [];

function barChart(title, labels, datasets, yTitle) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: ${labels.map((l, i) => `${l} ${datasets.map((d) => d.data[i]).join('/')}`).join(', ')}` });
  const box = h('figure', { class: 'chart-box' }, h('figcaption', {}, h('strong', {}, title)), h('div', { class: 'chart-area' }, canvas));
  return {
    box,
    draw: () => {
      if (typeof Chart === 'undefined') return;
      const options = chartOptions(yTitle);
      options.scales.y.ticks.precision = 0;
      reportCharts.push(new Chart(canvas, { type: 'bar', data: { labels, datasets: datasets.map((d, i) => ({ ...d, backgroundColor: ['#0b4f8a', '#1a7f4b', '#c2410c'][i % 3], maxBarThickness: 36 })) }, options }));
    },
  };
}

/** The CRM report (contacts by channel) and the complaints report, with charts and tables. */
export function reportsTab(ctx) {
  const state = { month: months(2)[1], service: '' };
  return {
    id: 'rapporti',
    label: 'Rapporti CRM e reclami',
    async render(section, refresh) {
      while (reportCharts.length) reportCharts.pop().destroy();
      const form = h('form', { class: 'toolbar', 'aria-label': 'Scelta del rapporto' });
      form.append(
        h('div', { class: 'field' }, h('label', { for: 'reports-month' }, 'Mese'), h('select', { id: 'reports-month', name: 'month' }, ...months(24).map((m) => h('option', { value: m, selected: m === state.month }, monthLabel(m))))),
        h('div', { class: 'field' }, h('label', { for: 'reports-service' }, 'Servizio (CRM)'), h('select', { id: 'reports-service', name: 'service' }, h('option', { value: '' }, 'Tutti i servizi'), ...ctx.catalog.map((s) => h('option', { value: s.code, selected: s.code === state.service }, s.name)))),
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Mostra'),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        state.month = form.elements.namedItem('month').value;
        state.service = form.elements.namedItem('service').value;
        refresh();
      });
      section.append(h('h1', { id: 'title-rapporti' }, 'Rapporti CRM e reclami'), h('p', { class: 'lead' }, 'Contatti registrati e risolti per canale; reclami, segnalazioni e suggerimenti per servizio e tipo.'), form);
      const draws = [];
      section.append(
        await loadList('il rapporto CRM', `/reports/crm?${queryOf(state)}`, (r) => {
          const labels = r.channels.map((c) => CHANNEL_NAMES[c.channel] ?? c.channel);
          const chart = barChart('Contatti per canale', labels, [{ label: 'Registrati', data: r.channels.map((c) => c.registered) }, { label: 'Risolti', data: r.channels.map((c) => c.resolved) }], 'contatti');
          draws.push(chart.draw);
          return h(
            'div',
            { id: 'crm-report' },
            h('h2', {}, `CRM — ${monthLabel(r.month)}`),
            h('ul', { class: 'stats' }, h('li', {}, h('strong', {}, String(r.contacts.registered)), ' contatti registrati'), h('li', {}, h('strong', {}, String(r.contacts.resolved)), ' risolti'), h('li', {}, h('strong', {}, String(r.contacts.firstLevel)), ' al primo livello'), h('li', {}, h('strong', {}, String(r.contacts.backOffice)), ' dagli uffici'), h('li', {}, h('strong', {}, r.responseRatePct === null ? '—' : `${r.responseRatePct} %`), ' tasso di risposta')),
            h('div', { class: 'charts' }, chart.box),
            table('Contatti per canale', ['Canale', 'Registrati', 'Risolti', 'Tasso di risposta', 'Tempo di risposta mediano'], r.channels, (c) => [CHANNEL_NAMES[c.channel] ?? c.channel, c.registered, c.resolved, c.responseRatePct === null ? '—' : `${c.responseRatePct} %`, c.responseTimeSec.median === null ? '—' : fmtAge(Math.round(c.responseTimeSec.median / 60))]),
          );
        }),
        await loadList('il rapporto reclami', `/reports/complaints?month=${state.month}`, (r) => {
          const chart = barChart('Reclami per servizio', r.byService.map((s) => ctx.serviceName(s.service) || 'Non indicato'), [{ label: 'Arrivati', data: r.byService.map((s) => s.count) }, { label: 'Con risposta', data: r.byService.map((s) => s.responded) }, { label: 'Oltre il termine', data: r.byService.map((s) => s.breached) }], 'pratiche');
          draws.push(chart.draw);
          return h(
            'div',
            { id: 'complaints-report' },
            h('h2', {}, `Reclami — ${monthLabel(r.month)}`),
            h('ul', { class: 'stats' }, h('li', {}, h('strong', {}, String(r.total.count)), ' pratiche'), h('li', {}, h('strong', {}, String(r.total.responded)), ' con risposta'), h('li', { class: r.total.breached ? 'stat-bad' : '' }, h('strong', {}, String(r.total.breached)), ' oltre il termine'), h('li', {}, h('strong', {}, r.total.medianResponseDays === null ? '—' : `${r.total.medianResponseDays} giorni`), ' tempo mediano di risposta')),
            r.byService.length ? h('div', { class: 'charts' }, chart.box) : h('div', { class: 'empty' }, 'Nessun reclamo nel mese.'),
            table('Per tipo', ['Tipo', 'Pratiche', 'Con risposta', 'Oltre il termine'], r.byKind, (k) => [COMPLAINT_KINDS[k.kind] ?? k.kind, k.count, k.responded, k.breached]),
          );
        }),
      );
      // Charts are drawn once their canvases are in the document (the section is shown after render).
      requestAnimationFrame(() => setTimeout(() => draws.forEach((d) => d()), 0));
    },
  };
}

const EXPORT_STATUS = { completed: ['Completata', 'ok'], running: ['In corso', 'info'], failed: ['Non riuscita', 'bad'], sent: ['Inviata', 'ok'], skipped: ['Niente da inviare', 'neutral'], pending: ['Da inviare', 'warn'] };

/** The daily renewals exports to the job centres: each day's run and each centre's delivery. */
export function exportsTab() {
  const state = { offset: 0 };
  return {
    id: 'esportazioni',
    label: 'Esportazioni rinnovi',
    async render(section, refresh) {
      section.append(
        h('h1', { id: 'title-esportazioni' }, 'Esportazioni della banca dati rinnovi'),
        h('p', { class: 'lead' }, 'Ogni giorno le iscrizioni confermate sono inviate ai centri per l’impiego: qui lo storico degli invii.'),
        await loadList('lo storico delle esportazioni', `/exports/renewals?${queryOf({ limit: PAGE, offset: state.offset })}`, (page) =>
          h(
            'div',
            {},
            pager('exports-pager', { ...page, limit: PAGE, offset: state.offset }, (offset) => ((state.offset = offset), refresh())),
            table(
              'Esportazioni',
              ['Giorno', 'Stato', 'Avvio', 'Centri per l’impiego'],
              page.items ?? [],
              (r) => [
                h('strong', {}, r.date.split('-').reverse().join('/')),
                badge(...(EXPORT_STATUS[r.status] ?? [r.status, 'info'])),
                h('span', { class: 'lines' }, h('span', {}, fmtDateTime(r.startedAt)), h('span', { class: 'muted' }, r.trigger === 'schedule' ? 'automatico' : `a mano (${r.requestedBy})`)),
                h('ul', { class: 'plain' }, ...(r.centres ?? []).map((c) => h('li', {}, `${c.name}: `, badge(...(EXPORT_STATUS[c.status] ?? [c.status, 'info'])), c.rows !== null ? ` ${c.rows} righe` : ''))),
              ],
              (r) => (r.status === 'failed' ? 'breached' : undefined),
              'Nessuna esportazione registrata.',
            ),
          ),
        ),
      );
    },
  };
}

/** URU registers a complaint that arrived by letter, at the desk or by phone. */
export function manualComplaintTab(ctx) {
  return {
    id: 'nuovo-reclamo',
    label: 'Registra un reclamo',
    async render(section) {
      const fields = [
        { name: 'kind', label: 'Tipo', type: 'select', required: true, value: 'complaint', options: Object.entries(COMPLAINT_KINDS) },
        { name: 'channel', label: 'Arrivato', type: 'select', required: true, value: 'letter', options: [['letter', 'Per lettera'], ['in_person', 'Allo sportello'], ['phone', 'Per telefono'], ['email', 'Per email']] },
        { name: 'service', label: 'Servizio interessato', type: 'select', options: ctx.catalog.map((s) => [s.code, s.name]), placeholder: '— nessuno in particolare —' },
        { name: 'surname', label: 'Cognome' },
        { name: 'name', label: 'Nome', required: true },
        { name: 'email', label: 'Email', type: 'email', hint: 'Serve l’email o l’indirizzo postale per inviare la risposta.' },
        { name: 'postalAddress', label: 'Indirizzo postale', hint: 'Per chi ha scritto per lettera.' },
        { name: 'phone', label: 'Telefono', type: 'tel' },
        { name: 'subject', label: 'Oggetto', required: true, wide: true, maxlength: 300 },
        { name: 'body', label: 'Testo del reclamo', type: 'textarea', required: true, rows: 8 },
      ];
      const control = (name) => fieldControl(fields.find((f) => f.name === name));
      const form = h(
        'form',
        { class: 'card', id: 'manual-complaint-form', novalidate: true },
        h('fieldset', {}, h('legend', {}, 'La pratica'), h('div', { class: 'grid-2' }, control('kind'), control('channel'), control('service'), control('subject'), control('body'))),
        h('fieldset', {}, h('legend', {}, 'Chi scrive'), h('div', { class: 'grid-2' }, control('surname'), control('name'), control('email'), control('postalAddress'), control('phone'))),
        h('p', { class: 'hint' }, 'I campi con * sono obbligatori. Il termine di risposta parte dalla registrazione.'),
        h('div', { class: 'actions actions-start' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Registra la pratica')),
      );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!validateForm(form)) return;
        const v = formValues(form, fields);
        if (!v.email && !v.postalAddress) {
          showMessage('Indichi l’email o l’indirizzo postale del richiedente: serve per inviare la risposta.', 'err');
          form.elements.namedItem('email').focus();
          return;
        }
        try {
          const created = await api('/complaints', {
            method: 'POST',
            body: compact({ kind: v.kind, channel: v.channel, service: v.service, subject: v.subject, body: v.body, requester: compact({ surname: v.surname, name: v.name, email: v.email, postalAddress: v.postalAddress, phone: v.phone }) }),
          });
          form.reset();
          showMessage(`Pratica ${created.id} registrata: è nell’elenco dei reclami.`, 'ok');
        } catch (err) {
          showMessage(`Operazione non riuscita: ${explain(err)}`, 'err');
        }
      });
      section.append(h('h1', { id: 'title-nuovo-reclamo' }, 'Registra un reclamo arrivato per lettera o allo sportello'), form);
    },
  };
}
