// The operators' work: the triage queue, a new contact, the renewals database.
import { api, h, act, formDialog, fieldControl, validateForm, formValues, compact, table, button, badge, fmtDateTime, fmtSince, showMessage, explain, loadList } from './ui.js';
import { callerLines } from './office.js';
import { bookFromContactButton } from './appointments.js';
import { resolveWithAnswer } from './answers.js';
import { contactsTab, returnedNote, showContactHistory } from './desk.js';
import { pager, filterBar, queryOf } from './ui.js';

const CHANNELS = [
  ['phone', 'Telefono'],
  ['email', 'Email'],
  ['web', 'Modulo web'],
  ['voicemail', 'Segreteria telefonica'],
];
const channelName = (c) => CHANNELS.find(([v]) => v === c)?.[1] ?? c;
const ORIGIN = { ricaduta: 'Ricaduta', voicemail: 'Messaggio in segreteria' };

/** The office a contact would go to: its category's, else the one already set, else the service's default. */
function suggestedOffice(c, service) {
  return service?.categories?.find((x) => x.code === c.category)?.office ?? c.office ?? service?.defaultOffice;
}

function triageActions(c, ctx, refresh) {
  const service = ctx.service(c.service);
  const categories = (service?.categories ?? []).map((x) => [x.code, x.name]);
  const offices = (service?.offices ?? []).map((o) => [o.code, o.name]);
  const referents = (service?.offices ?? []).flatMap((o) => (o.referents ?? []).map((r) => r.name));
  const post = (path, body, ok) => act(() => api(`/contacts/${encodeURIComponent(c.id)}/${path}`, { method: 'POST', body }), ok).then((done) => done && refresh());
  const context = h('p', { class: 'dialog-context' }, `${ctx.serviceName(c.service)} — ${c.reason}`);
  return h(
    'div',
    { class: 'row-actions' },
    categories.length
      ? button('Classifica', async () => {
          const v = await formDialog(`Classifica il contatto ${c.id}`, [{ name: 'category', label: 'Categoria', type: 'select', required: true, options: categories, value: c.category ?? undefined }], 'Salva la categoria', context);
          if (v) await post('classify', { category: v.category }, `Contatto ${c.id} classificato: ${ctx.categoryName(c.service, v.category)}.`);
        })
      : null,
    button(
      'Risolvi',
      async () => {
        // The resolve form with standard answers offered while typing (answers.js).
        const body = await resolveWithAnswer(c, ctx, context);
        if (body) await post('resolve', body, `Contatto ${c.id} risolto al primo livello.`);
      },
      'btn-primary',
    ),
    button('Inoltra all’ufficio', async () => {
      const v = await formDialog(
        `Inoltra il contatto ${c.id} al back office`,
        [
          { name: 'office', label: 'Ufficio competente', type: 'select', required: true, options: offices, value: suggestedOffice(c, service), hint: 'Proposto in base alla categoria.' },
          { name: 'note', label: 'Nota per l’ufficio', type: 'textarea', hint: 'Facoltativa: che cosa serve all’ufficio per rispondere.' },
        ],
        'Inoltra',
        context,
      );
      if (v) await post('escalate', compact({ office: v.office, note: v.note }), `Contatto ${c.id} inoltrato a ${ctx.officeName(v.office)}.`);
    }),
    button('Mancata risposta', async () => {
      const v = await formDialog(
        `Modulo di mancata risposta (${c.id})`,
        [
          { name: 'callerSurname', label: 'Cognome del cittadino', value: c.caller?.surname, hint: 'Se il cittadino non lo dice, il modulo riporta «non indicato».' },
          { name: 'callerName', label: 'Nome del cittadino', value: c.caller?.name },
          { name: 'personSought', label: 'Persona cercata', required: true, value: c.referent ?? undefined, suggestions: referents },
          { name: 'office', label: 'Ufficio che deve richiamare', type: 'select', required: true, options: offices, value: suggestedOffice(c, service) },
          { name: 'reason', label: 'Motivo della chiamata', type: 'textarea', required: true, value: c.reason, rows: 3 },
          { name: 'callbackPhone', label: 'Telefono per richiamare', type: 'tel', required: true, value: c.caller?.phone, autocomplete: 'off' },
          { name: 'callbackEmail', label: 'Email (se disponibile)', type: 'email', value: c.caller?.email },
          { name: 'alsoNotifyReferent', label: 'Invia il modulo anche alla persona cercata', type: 'checkbox' },
        ],
        'Invia il modulo',
        h('p', { class: 'dialog-context' }, 'Il trasferimento non è riuscito: il modulo va per email alla casella dell’ufficio, che richiamerà il cittadino.'),
      );
      if (v) await post('missed-call', compact({ ...v, alsoNotifyReferent: v.alsoNotifyReferent || undefined }), `Modulo di mancata risposta inviato a ${ctx.officeName(v.office)}.`);
    }),
    bookFromContactButton(c, ctx),
    button('Storia', () => act(() => showContactHistory(c.id, ctx)), 'btn-link', { 'aria-label': `Storia del contatto ${c.id}` }),
  );
}

function serviceOptions(ctx) {
  return ctx.catalog.map((s) => [s.code, s.name]);
}

function triageTable(items, ctx, refresh) {
  return table(
    'Contatti da smistare',
    ['Contatto', 'Servizio', 'Richiesta', 'Cittadino', 'In coda', 'Azioni'],
    items,
    (c) => [
      h('span', { class: 'lines' }, h('strong', { class: 'nowrap' }, c.id), h('span', { class: 'muted' }, channelName(c.channel)), ORIGIN[c.origin] ? badge(ORIGIN[c.origin], 'info') : null),
      ctx.serviceName(c.service),
      h(
        'span',
        { class: 'lines' },
        h('span', {}, c.reason),
        c.category ? h('span', { class: 'muted' }, `Categoria: ${ctx.categoryName(c.service, c.category)}`) : h('span', { class: 'muted' }, 'Da classificare'),
        c.referent ? h('span', { class: 'muted' }, `Persona cercata: ${c.referent}`) : null,
        returnedNote(c, ctx),
      ),
      callerLines(c.caller),
      h('span', { class: 'lines' }, h('span', {}, fmtDateTime(c.queuedAt)), h('span', { class: 'muted' }, fmtSince(c.queuedAt))),
      triageActions(c, ctx, refresh),
    ],
    undefined,
    'Nessun contatto da smistare.',
  );
}

const TRIAGE_PAGE = 25;

export function operatorTabs(ctx) {
  let service = '';
  const triage = { q: '', service: '', olderThanHours: '', offset: 0 };
  const renewalsState = { q: '', offset: 0 };
  let renewalStatus = 'pending';
  return [
    {
      id: 'smistamento',
      label: 'Smistamento',
      live: true,
      async render(section, refresh) {
        const go = () => refresh();
        triage.service = service;
        section.append(
          h('h1', { id: 'title-smistamento' }, 'Coda di smistamento'),
          h('p', { class: 'lead' }, 'Contatti da classificare, risolvere o inoltrare, dal più vecchio. I messaggi lasciati in segreteria fuori orario compaiono qui alla riapertura del servizio.'),
          filterBar('triage-filters', triage, [
            { name: 'service', label: 'Servizio', options: [['', 'Tutti i servizi'], ...serviceOptions(ctx)] },
            { name: 'olderThanHours', label: 'In coda', options: [['', 'Da qualsiasi tempo'], ['1', 'Da almeno 1 ora'], ['4', 'Da almeno 4 ore'], ['24', 'Da almeno 1 giorno']] },
          ], () => ((service = triage.service), go())),
          await loadList('la coda di smistamento', `/contacts?${queryOf({ status: 'triage', ...triage, limit: TRIAGE_PAGE })}`, (page) => {
            const items = page.items ?? [];
            const onPage = (offset) => ((triage.offset = offset), go());
            return h('div', {}, h('p', { class: 'count' }, `${page.total ?? items.length} ${(page.total ?? items.length) === 1 ? 'contatto in attesa' : 'contatti in attesa'}`), pager('triage-pager', page, onPage), triageTable(items, ctx, refresh), pager('triage-pager-bottom', page, onPage));
          }),
        );
      },
    },
    {
      id: 'nuovo',
      label: 'Nuovo contatto',
      async render(section) {
        const categoryOptions = (code) => (ctx.service(code)?.categories ?? []).map((x) => [x.code, x.name]);
        const fields = [
          { name: 'service', label: 'Servizio', type: 'select', required: true, options: serviceOptions(ctx), onchange: (e) => fillCategories(e.target.value) },
          { name: 'channel', label: 'Canale', type: 'select', required: true, options: CHANNELS, value: 'phone' },
          { name: 'category', label: 'Categoria', type: 'select', options: [], placeholder: '— da classificare —' },
          { name: 'surname', label: 'Cognome', autocomplete: 'off' },
          { name: 'name', label: 'Nome' },
          { name: 'phone', label: 'Telefono', type: 'tel', pattern: '\\+?[0-9 ./\\-]{3,30}', patternMessage: 'Solo cifre, spazi e + . / -' },
          { name: 'email', label: 'Email', type: 'email' },
          { name: 'reason', label: 'Richiesta del cittadino', type: 'textarea', required: true, wide: true },
        ];
        const control = (name) => fieldControl(fields.find((f) => f.name === name));
        const form = h(
          'form',
          { class: 'card', id: 'new-contact-form', novalidate: true },
          h('fieldset', {}, h('legend', {}, 'Richiesta'), h('div', { class: 'grid-2' }, control('service'), control('channel'), control('category'), control('reason'))),
          h('fieldset', {}, h('legend', {}, 'Chi chiede (dati facoltativi)'), h('div', { class: 'grid-2' }, control('surname'), control('name'), control('phone'), control('email'))),
          h('p', { class: 'hint' }, 'I campi con * sono obbligatori. Il contatto entra nella coda di smistamento.'),
          h('div', { class: 'actions actions-start' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Registra il contatto'), h('button', { type: 'reset', class: 'btn' }, 'Svuota')),
        );
        const fillCategories = (code) => {
          const select = form.elements.namedItem('category');
          select.replaceChildren(h('option', { value: '' }, '— da classificare —'), ...categoryOptions(code).map(([v, l]) => h('option', { value: v }, l)));
          select.disabled = categoryOptions(code).length === 0;
        };
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          if (!validateForm(form)) return;
          const v = formValues(form, fields);
          const caller = compact({ surname: v.surname, name: v.name, phone: v.phone, email: v.email });
          try {
            const created = await api('/contacts', { method: 'POST', body: compact({ service: v.service, channel: v.channel, category: v.category, caller, reason: v.reason }) });
            form.reset();
            fillCategories(form.elements.namedItem('service').value);
            showMessage(`Contatto ${created.id} registrato: è nella coda di smistamento.`, 'ok');
            form.elements.namedItem('service').focus();
          } catch (err) {
            showMessage(`Operazione non riuscita: ${explain(err)}`, 'err');
          }
        });
        form.addEventListener('reset', () => setTimeout(() => fillCategories(form.elements.namedItem('service').value)));
        fillCategories(fields[0].options[0]?.[0]);
        section.append(h('h1', { id: 'title-nuovo' }, 'Nuovo contatto'), h('p', { class: 'lead' }, 'Registri una richiesta arrivata per telefono, email o modulo web.'), form);
      },
    },
    {
      id: 'rinnovi',
      label: 'Banca dati rinnovi',
      live: true,
      async render(section, refresh) {
        const adl = ctx.catalog.find((s) => s.jobCentres?.length);
        const centreName = (code) => adl?.jobCentres.find((c) => c.code === code)?.name ?? code;
        const STATUS = { pending: ['Da confermare', 'warn'], confirmed: ['Confermata', 'ok'], cancelled: ['Annullata', 'neutral'] };
        const post = (r, path, body, ok) => act(() => api(`/renewals/${encodeURIComponent(r.id)}/${path}`, { method: 'POST', body }), ok).then((d) => d && refresh());
        const statusSelect = h(
          'select',
          { id: 'renewals-status', onchange: (e) => ((renewalStatus = e.target.value), (renewalsState.offset = 0), refresh()) },
          ...[['pending', 'Da confermare'], ['confirmed', 'Confermate'], ['cancelled', 'Annullate'], ['', 'Tutte']].map(([v, l]) => h('option', { value: v, selected: v === renewalStatus }, l)),
        );
        const insert = button(
          'Nuova iscrizione',
          async () => {
            const v = await formDialog('Nuova iscrizione nella banca dati rinnovi', [
              { name: 'surname', label: 'Cognome', required: true },
              { name: 'name', label: 'Nome', required: true },
              { name: 'taxCode', label: 'Codice fiscale', required: true, maxlength: 16, pattern: '[A-Za-z0-9]{16}', patternMessage: 'Il codice fiscale ha 16 caratteri, lettere e cifre.' },
              { name: 'jobType', label: 'Tipo di lavoro', type: adl?.jobTypes?.length ? 'select' : 'text', required: true, options: (adl?.jobTypes ?? []).map((t) => [t, t]) },
              { name: 'jobCentre', label: 'Centro per l’impiego', type: 'select', required: true, options: (adl?.jobCentres ?? []).map((c) => [c.code, c.name]) },
              { name: 'phone', label: 'Telefono', type: 'tel' },
              { name: 'email', label: 'Email', type: 'email' },
              { name: 'consentToPublish', label: 'Il cittadino acconsente alla pubblicazione', type: 'checkbox' },
            ], 'Inserisci');
            if (!v) return;
            if (await act(() => api('/renewals', { method: 'POST', body: compact({ ...v, taxCode: v.taxCode.toUpperCase() }) }), `Iscrizione di ${v.surname} ${v.name} inserita: ora va confermata.`)) refresh();
          },
          'btn-primary',
        );
        section.append(
          h('h1', { id: 'title-rinnovi' }, 'Banca dati rinnovi'),
          h('p', { class: 'lead' }, 'Iscrizioni dei cittadini disponibili per un tipo di lavoro. Le iscrizioni confermate sono inviate ogni giorno ai centri per l’impiego.'),
          h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'renewals-status' }, 'Mostra'), statusSelect), insert),
          filterBar('renewals-filters', renewalsState, [], refresh, 'Cognome, nome o codice fiscale'),
          await loadList('la banca dati rinnovi', `/renewals?${queryOf({ status: renewalStatus, q: renewalsState.q, limit: TRIAGE_PAGE, offset: renewalsState.offset })}`, ({ items = [], total }) => h(
            'div',
            {},
            pager('renewals-pager', { total, limit: TRIAGE_PAGE, offset: renewalsState.offset }, (offset) => ((renewalsState.offset = offset), refresh())),
            table(
              'Iscrizioni',
              ['Cittadino', 'Codice fiscale', 'Tipo di lavoro', 'Centro per l’impiego', 'Stato', 'Inserita', 'Azioni'],
              items,
              (r) => [
                h('span', { class: 'lines' }, h('strong', {}, `${r.surname} ${r.name}`), r.phone ? h('span', {}, r.phone) : null, r.email ? h('span', {}, r.email) : null),
                h('span', { class: 'mono' }, r.taxCode),
                r.jobType,
                centreName(r.jobCentre),
                badge(...(STATUS[r.status] ?? [r.status, 'info'])),
                fmtDateTime(r.createdAt),
                h(
                  'div',
                  { class: 'row-actions' },
                  r.status === 'pending' ? button('Conferma', () => post(r, 'confirm', undefined, `Iscrizione di ${r.surname} ${r.name} confermata.`), 'btn-primary', { 'aria-label': `Conferma l’iscrizione di ${r.surname} ${r.name}` }) : null,
                  r.status !== 'cancelled'
                    ? button(
                        'Annulla',
                        async () => {
                          const v = await formDialog(`Annulla l’iscrizione di ${r.surname} ${r.name}`, [{ name: 'reason', label: 'Motivo', type: 'textarea', rows: 3, hint: 'Facoltativo.' }], 'Annulla l’iscrizione');
                          if (v) await post(r, 'cancel', compact({ reason: v.reason }), `Iscrizione di ${r.surname} ${r.name} annullata.`);
                        },
                        '',
                        { 'aria-label': `Annulla l’iscrizione di ${r.surname} ${r.name}` },
                      )
                    : null,
                ),
              ],
              undefined,
              'Nessuna iscrizione con questo stato.',
            ),
          )),
        );
      },
    },
    contactsTab(ctx),
  ];
}
