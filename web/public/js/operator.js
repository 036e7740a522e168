// The operators' work: the triage queue, a new contact, the renewals database.
import { api, h, act, formDialog, fieldControl, table, button, badge, fmtDateTime, showMessage, explain } from './ui.js';

const CHANNELS = [['phone', 'Telefono'], ['email', 'Email'], ['web', 'Modulo web'], ['voicemail', 'Segreteria']];
const ORIGIN = { direct: '', ricaduta: 'Ricaduta', voicemail: 'Segreteria' };

function serviceOptions(ctx) {
  return ctx.catalog.map((s) => [s.code, s.name]);
}

function triageActions(c, ctx, refresh) {
  const service = ctx.catalog.find((s) => s.code === c.service);
  const post = (path, body, ok) => act(() => api(`/contacts/${encodeURIComponent(c.id)}/${path}`, { method: 'POST', body }), ok).then((done) => done && refresh());
  const offices = (service?.offices ?? []).map((o) => [o.code, o.name]);
  return h(
    'div',
    { class: 'row-actions' },
    button('Classifica', async () => {
      const v = await formDialog(`Classifica ${c.id}`, [{ name: 'category', label: 'Categoria', type: 'select', required: true, options: (service?.categories ?? []).map((x) => [x.code, x.name]), value: c.category }]);
      if (v) await post('classify', { category: v.category }, 'Contatto classificato.');
    }),
    button('Risolvi', async () => {
      const v = await formDialog(`Risposta di primo livello a ${c.id}`, [{ name: 'answer', label: 'Risposta data al cittadino', type: 'textarea', required: true, hint: 'Per i contatti scritti con email la risposta è inviata al cittadino.' }], 'Registra la risposta');
      if (v) await post('resolve', { answer: v.answer }, `Contatto ${c.id} risolto al primo livello.`);
    }, 'btn-primary'),
    button('Inoltra all’ufficio', async () => {
      const suggested = service?.categories.find((x) => x.code === c.category)?.office ?? c.office ?? service?.defaultOffice;
      const v = await formDialog(`Inoltra ${c.id} al back office`, [
        { name: 'office', label: 'Ufficio competente', type: 'select', required: true, options: offices, value: suggested },
        { name: 'note', label: 'Nota per l’ufficio', type: 'textarea' },
      ], 'Inoltra');
      if (v) await post('escalate', { office: v.office, ...(v.note ? { note: v.note } : {}) }, `Contatto ${c.id} inoltrato.`);
    }),
    button('Mancata risposta', async () => {
      const v = await formDialog(`Trasferimento non riuscito: ${c.id}`, [
        { name: 'callerSurname', label: 'Cognome', required: true, value: c.caller?.surname },
        { name: 'callerName', label: 'Nome', required: true, value: c.caller?.name },
        { name: 'personSought', label: 'Persona cercata', required: true, value: c.referent },
        { name: 'reason', label: 'Motivo della chiamata', type: 'textarea', required: true, value: c.reason },
        { name: 'office', label: 'Ufficio', type: 'select', required: true, options: offices, value: service?.categories.find((x) => x.code === c.category)?.office ?? c.office ?? service?.defaultOffice },
        { name: 'callbackPhone', label: 'Telefono per il richiamo', type: 'tel', required: true, value: c.caller?.phone },
        { name: 'callbackEmail', label: 'Email (se disponibile)', type: 'email', value: c.caller?.email },
        { name: 'alsoNotifyReferent', label: 'Invia anche al referente', type: 'checkbox' },
      ], 'Invia il modulo');
      if (!v) return;
      const body = { ...v };
      for (const k of Object.keys(body)) if (body[k] === '') delete body[k];
      await post('missed-call', body, 'Modulo di mancata risposta inviato all’ufficio.');
    }),
  );
}

export function operatorTabs(ctx) {
  let service = '';
  return [
    {
      id: 'triage',
      label: 'Smistamento',
      async render(section, refresh) {
        const { items } = await api(`/contacts?status=triage&limit=500${service ? `&service=${encodeURIComponent(service)}` : ''}`);
        const select = h('select', { id: 'triage-service', onchange: (e) => { service = e.target.value; refresh(); } }, h('option', { value: '' }, 'Tutti i servizi'), ...serviceOptions(ctx).map(([v, l]) => h('option', { value: v, selected: v === service }, l)));
        section.append(
          h('h1', { id: 'title-triage' }, 'Coda di smistamento'),
          h('div', { class: 'toolbar' }, h('label', { for: 'triage-service' }, 'Servizio', select), button('Aggiorna', refresh)),
          h('p', { class: 'muted' }, `${items.length} contatti in attesa, dal più vecchio. I messaggi lasciati in segreteria fuori orario compaiono alla riapertura del servizio.`),
          table(
            'Contatti da smistare',
            ['Contatto', 'Servizio', 'Richiesta', 'Cittadino', 'In coda da', 'Azioni'],
            items,
            (c) => [
              h('span', {}, h('strong', {}, c.id), h('div', { class: 'muted' }, CHANNELS.find(([v]) => v === c.channel)?.[1] ?? c.channel), ORIGIN[c.origin] ? badge(ORIGIN[c.origin], 'info') : null),
              ctx.catalog.find((s) => s.code === c.service)?.name ?? c.service,
              h('span', {}, c.reason, c.category ? h('div', { class: 'muted' }, `Categoria: ${c.category}`) : null, c.subService ? h('div', { class: 'muted' }, `Sottoservizio: ${c.subService}`) : null),
              [[c.caller?.surname, c.caller?.name].filter(Boolean).join(' '), c.caller?.phone, c.caller?.email].filter(Boolean).join(' · ') || '—',
              fmtDateTime(c.queuedAt),
              triageActions(c, ctx, refresh),
            ],
          ),
        );
      },
    },
    {
      id: 'new-contact',
      label: 'Nuovo contatto',
      async render(section) {
        const fields = [
          { name: 'service', label: 'Servizio', type: 'select', required: true, options: serviceOptions(ctx) },
          { name: 'channel', label: 'Canale', type: 'select', required: true, options: CHANNELS, value: 'phone' },
          { name: 'surname', label: 'Cognome' },
          { name: 'name', label: 'Nome' },
          { name: 'phone', label: 'Telefono', type: 'tel' },
          { name: 'email', label: 'Email', type: 'email' },
          { name: 'reason', label: 'Richiesta del cittadino', type: 'textarea', required: true },
        ];
        const form = h('form', { class: 'form card', id: 'new-contact-form' }, h('div', { class: 'grid-2' }, ...fields.map(fieldControl)), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Registra il contatto')));
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          const v = Object.fromEntries(new FormData(form).entries());
          const caller = Object.fromEntries(['surname', 'name', 'phone', 'email'].filter((k) => v[k]?.trim()).map((k) => [k, v[k].trim()]));
          try {
            const created = await api('/contacts', { method: 'POST', body: { service: v.service, channel: v.channel, caller, reason: v.reason.trim() } });
            showMessage(`Contatto ${created.id} registrato: è nella coda di smistamento.`, 'ok');
            form.reset();
          } catch (err) {
            showMessage(`Operazione non riuscita: ${explain(err)}`, 'err');
          }
        });
        section.append(h('h1', { id: 'title-new-contact' }, 'Nuovo contatto'), form);
      },
    },
    {
      id: 'renewals',
      label: 'Banca dati rinnovi',
      async render(section, refresh) {
        const { items } = await api('/renewals?limit=200');
        const adl = ctx.catalog.find((s) => s.jobCentres?.length);
        const STATUS = { pending: ['Da confermare', 'warn'], confirmed: ['Confermata', 'ok'], cancelled: ['Annullata', 'info'] };
        const post = (r, path, body, ok) => act(() => api(`/renewals/${encodeURIComponent(r.id)}/${path}`, { method: 'POST', body }), ok).then((d) => d && refresh());
        section.append(
          h('h1', { id: 'title-renewals' }, 'Banca dati rinnovi'),
          h('div', { class: 'toolbar' },
            button('Nuova iscrizione', async () => {
              const v = await formDialog('Nuova iscrizione', [
                { name: 'surname', label: 'Cognome', required: true },
                { name: 'name', label: 'Nome', required: true },
                { name: 'taxCode', label: 'Codice fiscale', required: true },
                { name: 'jobType', label: 'Tipo di lavoro', type: 'select', required: true, options: (adl?.jobTypes ?? []).map((t) => [t, t]) },
                { name: 'jobCentre', label: 'Centro per l’impiego', type: 'select', required: true, options: (adl?.jobCentres ?? []).map((c) => [c.code, c.name]) },
                { name: 'phone', label: 'Telefono', type: 'tel' },
                { name: 'email', label: 'Email', type: 'email' },
                { name: 'consentToPublish', label: 'Consenso alla pubblicazione', type: 'checkbox' },
              ], 'Inserisci');
              if (!v) return;
              const body = { ...v, taxCode: v.taxCode.toUpperCase() };
              for (const k of ['phone', 'email']) if (!body[k]) delete body[k];
              if (await act(() => api('/renewals', { method: 'POST', body }), 'Iscrizione inserita.')) refresh();
            }, 'btn-primary'),
          ),
          table(
            'Iscrizioni',
            ['Cognome e nome', 'Codice fiscale', 'Lavoro', 'Centro', 'Stato', 'Inserita', 'Azioni'],
            items,
            (r) => [
              `${r.surname} ${r.name}`,
              r.taxCode,
              r.jobType,
              adl?.jobCentres.find((c) => c.code === r.jobCentre)?.name ?? r.jobCentre,
              badge(...(STATUS[r.status] ?? [r.status, 'info'])),
              fmtDateTime(r.createdAt),
              h('div', { class: 'row-actions' },
                r.status === 'pending' ? button('Conferma', () => post(r, 'confirm', {}, 'Iscrizione confermata.'), 'btn-primary') : null,
                r.status !== 'cancelled' ? button('Annulla', async () => {
                  const v = await formDialog(`Annulla l’iscrizione di ${r.surname} ${r.name}`, [{ name: 'reason', label: 'Motivo' }], 'Annulla l’iscrizione');
                  if (v) await post(r, 'cancel', v.reason ? { reason: v.reason } : {}, 'Iscrizione annullata.');
                }) : null,
              ),
            ],
          ),
        );
      },
    },
  ];
}
