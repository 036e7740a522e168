// Appointments: operators book a desk slot (from a contact or a new call), offices see their agenda
// and record what happened, supervisors see fill rate and no-shows per office.
import { api, h, act, formDialog, fieldControl, validateForm, formValues, compact, table, button, badge, fmtDateTime, fmtNumber, plural, showMessage, explain, loadList, romeDatePlus } from './ui.js';

const STATUS = {
  booked: ['Prenotato', 'info'],
  reminded: ['Promemoria inviato', 'info'],
  rescheduled: ['Spostato', 'warn'],
  attended: ['Presentato', 'ok'],
  no_show: ['Non presentato', 'bad'],
  incomplete: ['Documenti incompleti', 'warn'],
  cancelled: ['Annullato', 'neutral'],
};
const OUTCOMES = [
  ['attended', 'Presentato'],
  ['no_show', 'Non presentato'],
  ['incomplete', 'Documenti incompleti'],
];
const ACTIVE = ['booked', 'reminded', 'rescheduled'];
const time = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });
const dayName = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', weekday: 'long', day: 'numeric', month: 'long' });

/** The contact an operator is turning into a booking (set by the triage queue's button). */
let pendingContact = null;

const bookingServices = (ctx) => ctx.catalog.filter((s) => s.appointments);
const statusBadge = (a) => badge(...(STATUS[a.status] ?? [a.status, 'info']));
const openTab = (id) => document.querySelector(`#tabs button[data-id="${id}"]`)?.click();

/** Triage hook: a contact of a service with appointments can be booked. */
export function bookFromContactButton(c, ctx) {
  if (!ctx.service(c.service)?.appointments) return null;
  return button('Prenota appuntamento', () => {
    pendingContact = c;
    openTab('prenota');
  }, '', { 'aria-label': `Prenota un appuntamento per il contatto ${c.id}` });
}

function bookingTab(ctx) {
  return {
    id: 'prenota',
    label: 'Prenota appuntamento',
    async render(section, refresh) {
      const contact = pendingContact;
      const services = bookingServices(ctx);
      const serviceCode = contact?.service ?? services[0]?.code;
      const fields = [
        { name: 'service', label: 'Servizio', type: 'select', required: true, options: services.map((s) => [s.code, s.name]), value: serviceCode },
        { name: 'applicationType', label: 'Tipo di domanda', type: 'select', required: true, options: [] },
        { name: 'office', label: 'Sportello', type: 'select', required: true, options: [] },
        { name: 'day', label: 'Giorno', type: 'date', required: true, value: romeDatePlus(1), min: romeDatePlus(0) },
        { name: 'surname', label: 'Cognome', required: true, value: contact?.caller?.surname },
        { name: 'name', label: 'Nome', required: true, value: contact?.caller?.name },
        { name: 'taxCode', label: 'Codice fiscale', maxlength: 16, pattern: '[A-Za-z0-9]{11,16}', patternMessage: 'Lettere e cifre, 11-16 caratteri.' },
        { name: 'phone', label: 'Telefono', type: 'tel', value: contact?.caller?.phone },
        { name: 'email', label: 'Email (per conferma e promemoria)', type: 'email', value: contact?.caller?.email },
        { name: 'note', label: 'Nota per lo sportello', type: 'textarea', rows: 2 },
      ];
      const control = (name) => fieldControl(fields.find((f) => f.name === name));
      const slots = h('fieldset', { class: 'slot-picker', id: 'slot-picker' }, h('legend', {}, 'Orari liberi'), h('p', { class: 'muted' }, 'Scelga tipo di domanda, sportello e giorno, poi «Cerca orari».'));
      const info = h('div', { class: 'hint', id: 'booking-info', 'aria-live': 'polite' });
      const form = h(
        'form',
        { class: 'card', id: 'booking-form', novalidate: true },
        contact ? h('p', { class: 'dialog-context' }, `Dal contatto ${contact.id}: ${contact.reason}`) : null,
        h('fieldset', {}, h('legend', {}, 'Appuntamento'), h('div', { class: 'grid-2' }, control('service'), control('applicationType'), control('office'), control('day')), info, h('div', { class: 'actions actions-start' }, h('button', { type: 'button', class: 'btn', id: 'find-slots' }, 'Cerca orari')), slots),
        h('fieldset', {}, h('legend', {}, 'Cittadino'), h('div', { class: 'grid-2' }, control('surname'), control('name'), control('taxCode'), control('phone'), control('email'), control('note'))),
        h('div', { class: 'actions actions-start' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Prenota')),
      );
      const el = (name) => form.elements.namedItem(name);
      const fillService = () => {
        const service = ctx.service(el('service').value);
        const types = service?.appointments?.applicationTypes ?? [];
        el('applicationType').replaceChildren(...types.map((t) => h('option', { value: t.code }, `${t.name} (${t.openFrom} – ${t.openTo})`)));
        fillType();
      };
      const fillType = () => {
        const service = ctx.service(el('service').value);
        const type = service?.appointments?.applicationTypes.find((t) => t.code === el('applicationType').value);
        const agendas = (service?.appointments?.agendas ?? []).filter((a) => !type?.offices || type.offices.includes(a.office));
        el('office').replaceChildren(...agendas.map((a) => h('option', { value: a.office }, `${a.location} – ${a.address}`)));
        info.textContent = type ? `Documenti da portare: ${type.documents.join('; ') || 'nessuno'}. ${type.notice}` : '';
      };
      el('service').addEventListener('change', fillService);
      el('applicationType').addEventListener('change', fillType);
      fillService();

      const findSlots = async () => {
        const day = el('day').value;
        if (!day) return void showMessage('Scelga un giorno.', 'err');
        const q = new URLSearchParams({ service: el('service').value, applicationType: el('applicationType').value, office: el('office').value, from: day, to: day });
        try {
          const { items = [] } = await api(`/appointments/slots?${q}`);
          slots.replaceChildren(
            h('legend', {}, `Orari liberi di ${dayName.format(new Date(`${day}T12:00:00Z`))}`),
            items.length
              ? h('div', { class: 'slot-list', role: 'radiogroup' }, ...items.map((s, i) => h('label', { class: 'slot' }, h('input', { type: 'radio', name: 'slot', value: s.start, required: true, checked: i === 0 }), ` ${time.format(new Date(s.start))}–${time.format(new Date(s.end))} `, h('span', { class: 'muted' }, `(${plural(s.free, 'posto libero', 'posti liberi')})`))))
              : h('p', { class: 'muted' }, 'Nessun orario libero in questo giorno: provi un altro giorno.'),
          );
          slots.querySelector('input')?.focus();
        } catch (err) {
          showMessage(`Ricerca non riuscita: ${explain(err)}`, 'err');
        }
      };
      form.querySelector('#find-slots').addEventListener('click', findSlots);

      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!validateForm(form)) return;
        const start = form.querySelector('input[name="slot"]:checked')?.value;
        if (!start) return void showMessage('Scelga un orario libero.', 'err');
        const v = formValues(form, fields);
        const body = compact({
          service: v.service,
          applicationType: v.applicationType,
          office: v.office,
          start,
          citizen: compact({ surname: v.surname, name: v.name, taxCode: v.taxCode.toUpperCase(), phone: v.phone, email: v.email }),
          note: v.note,
          contactId: contact?.id,
        });
        try {
          const booked = await api('/appointments', { method: 'POST', body });
          pendingContact = null;
          showMessage(`Appuntamento ${booked.id} prenotato: ${fmtDateTime(booked.start)}, ${booked.location}.`, 'ok');
          // A clean form for the next call (the contact's data leaves with it).
          refresh();
        } catch (err) {
          showMessage(`Prenotazione non riuscita: ${explain(err)}`, 'err');
          if (err?.status === 409) await findSlots();
        }
      });
      section.append(h('h1', { id: 'title-prenota' }, 'Prenota appuntamento'), h('p', { class: 'lead' }, 'Fissi data e sportello per la consegna della domanda. Il cittadino con email riceve conferma e promemoria.'), form);
    },
  };
}

function agendaTable(items, ctx, refresh, canRecord) {
  const post = (a, path, body, ok) => act(() => api(`/appointments/${encodeURIComponent(a.id)}/${path}`, { method: 'POST', body }), ok).then((done) => done && refresh());
  return table(
    'Appuntamenti',
    ['Orario', 'Cittadino', 'Tipo di domanda', 'Stato', 'Azioni'],
    items,
    (a) => [
      h('span', { class: 'lines' }, h('strong', {}, fmtDateTime(a.start)), h('span', { class: 'muted' }, `${a.id} · ${a.location}`)),
      h('span', { class: 'lines' }, h('strong', {}, `${a.citizen.surname} ${a.citizen.name}`), a.citizen.phone ? h('span', {}, a.citizen.phone) : null),
      ctx.service(a.service)?.appointments?.applicationTypes.find((t) => t.code === a.applicationType)?.name ?? a.applicationType,
      statusBadge(a),
      ACTIVE.includes(a.status)
        ? h(
            'div',
            { class: 'row-actions' },
            canRecord
              ? button('Esito', async () => {
                  const v = await formDialog(`Esito dell’appuntamento ${a.id}`, [
                    { name: 'outcome', label: 'Esito', type: 'select', required: true, options: OUTCOMES },
                    { name: 'note', label: 'Nota', type: 'textarea', rows: 2 },
                  ], 'Registra l’esito');
                  if (v) await post(a, 'outcome', compact(v), `Esito registrato per ${a.id}.`);
                }, 'btn-primary', { 'aria-label': `Registra l’esito dell’appuntamento ${a.id}` })
              : null,
            button('Annulla', async () => {
              const v = await formDialog(`Annulla l’appuntamento ${a.id}`, [{ name: 'reason', label: 'Motivo', type: 'textarea', required: true, rows: 2 }], 'Annulla l’appuntamento');
              if (v) await post(a, 'cancel', { reason: v.reason }, `Appuntamento ${a.id} annullato.`);
            }, '', { 'aria-label': `Annulla l’appuntamento ${a.id}` }),
          )
        : h('span', { class: 'muted' }, a.outcomeNote ?? a.cancelReason ?? ''),
    ],
    undefined,
    'Nessun appuntamento in questo periodo.',
  );
}

function agendaTab(ctx, { canRecord }) {
  let range = 'today';
  return {
    id: 'agenda',
    label: 'Agenda appuntamenti',
    live: true,
    async render(section, refresh) {
      const select = h(
        'select',
        { id: 'agenda-range', onchange: (e) => ((range = e.target.value), refresh()) },
        ...[['today', 'Oggi'], ['week', 'Prossimi 7 giorni']].map(([v, l]) => h('option', { value: v, selected: v === range }, l)),
      );
      const from = romeDatePlus(0);
      const to = range === 'today' ? from : romeDatePlus(6);
      section.append(
        h('h1', { id: 'title-agenda' }, 'Agenda appuntamenti'),
        h('p', { class: 'lead' }, 'Gli appuntamenti allo sportello; registri l’esito di ciascuno quando il cittadino è passato.'),
        h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'agenda-range' }, 'Periodo'), select)),
        await loadList('l’agenda', `/appointments?from=${from}&to=${to}&limit=500`, ({ items = [] }) =>
          h('div', {}, h('p', { class: 'count' }, plural(items.filter((a) => a.status !== 'cancelled').length, 'appuntamento', 'appuntamenti')), agendaTable(items, ctx, refresh, canRecord)),
        ),
      );
    },
  };
}

function reportTab() {
  let month = romeDatePlus(0).slice(0, 7);
  return {
    id: 'appuntamenti-report',
    label: 'Appuntamenti',
    async render(section, refresh) {
      const input = h('input', { id: 'appointments-month', type: 'month', value: month, onchange: (e) => ((month = e.target.value), refresh()) });
      section.append(
        h('h1', { id: 'title-appuntamenti-report' }, 'Appuntamenti per sportello'),
        h('p', { class: 'lead' }, 'Posti offerti, prenotati e riempimento; presenze, mancate presentazioni e anticipo medio della prenotazione.'),
        h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'appointments-month' }, 'Mese'), input)),
        await loadList('il rapporto appuntamenti', `/reports/appointments?month=${month}`, ({ items = [] }) =>
          table(
            'Appuntamenti per sportello',
            ['Sportello', 'Offerti', 'Prenotati', 'Riempimento', 'Presentati', 'Non presentati', 'Incompleti', 'Annullati', 'Anticipo medio'],
            items,
            (r) => [r.office, fmtNumber(r.offered, 0), fmtNumber(r.booked, 0), r.fillRatePct === null ? '—' : `${fmtNumber(r.fillRatePct)} %`, fmtNumber(r.attended, 0), fmtNumber(r.noShow, 0), fmtNumber(r.incomplete, 0), fmtNumber(r.cancelled, 0), r.leadTimeAvgHours === null ? '—' : `${fmtNumber(r.leadTimeAvgHours / 24)} giorni`],
            undefined,
            'Nessuno sportello con agenda.',
          ),
        ),
      );
    },
  };
}

/** Tabs added to each role's sections (only when the catalog has appointments). */
export function appointmentTabs(role, ctx) {
  if (!bookingServices(ctx).length) return [];
  if (role === 'operator') return [bookingTab(ctx)];
  if (role === 'office') return ctx.catalog.some((s) => s.appointments?.agendas.some((a) => a.office === ctx.me.office)) ? [agendaTab(ctx, { canRecord: true })] : [];
  if (role === 'supervisor') return [reportTab(), agendaTab(ctx, { canRecord: true })];
  if (role === 'admin') return [reportTab(), bookingTab(ctx), agendaTab(ctx, { canRecord: true })];
  return [];
}
