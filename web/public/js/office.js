// An office's work: its escalations, missed-call forms and complaint inquiries.
import { api, h, act, formDialog, table, button, badge, fmtDateTime } from './ui.js';

const STATUS = { open: ['Da prendere in carico', 'warn'], in_charge: ['In carico', 'info'], resolved: ['Risolta', 'ok'], returned: ['Restituita', 'info'] };

export function escalationStatus(e) {
  const [text, kind] = STATUS[e.status] ?? [e.status, 'info'];
  return badge(text, kind);
}

/** The deadline that matters now: take charge while open, resolution after. */
export function currentDue(e) {
  return e.status === 'open' ? e.takeChargeDueAt : e.resolveDueAt;
}
export const isBreached = (e) => e.takeChargeBreached || e.resolveBreached;

export function escalationTable(items, refresh, { withOffice = false, officeName = (c) => c } = {}) {
  const sorted = [...items].sort((a, b) => Number(isBreached(b)) - Number(isBreached(a)) || Date.parse(currentDue(a)) - Date.parse(currentDue(b)));
  return table(
    'Pratiche',
    ['Riferimento', 'Richiesta', 'Richiedente', ...(withOffice ? ['Ufficio'] : []), 'Stato', 'Scadenza', 'Azioni'],
    sorted,
    (e) => [
      h('span', {}, h('strong', {}, e.contactId), h('br'), h('span', { class: 'muted' }, e.id)),
      h('span', {}, e.contact?.reason ?? '', e.contact?.category ? h('div', { class: 'muted' }, e.contact.category) : null, e.note ? h('div', { class: 'muted' }, `Nota: ${e.note}`) : null),
      callerText(e.contact?.caller),
      ...(withOffice ? [officeName(e.office)] : []),
      escalationStatus(e),
      h('span', {}, e.status === 'open' ? 'Presa in carico entro ' : 'Risoluzione entro ', h('br'), h('strong', {}, fmtDateTime(currentDue(e))), isBreached(e) ? h('div', {}, badge('Fuori termine', 'bad')) : null),
      escalationActions(e, refresh),
    ],
    (e) => (isBreached(e) ? 'breached' : undefined),
  );
}

function callerText(c = {}) {
  return [[c.surname, c.name].filter(Boolean).join(' '), c.phone, c.email].filter(Boolean).join(' · ') || '—';
}

function escalationActions(e, refresh) {
  const post = (path, body, ok) => act(() => api(`/escalations/${encodeURIComponent(e.id)}/${path}`, { method: 'POST', body }), ok).then((done) => done && refresh());
  const actions = [];
  if (e.status === 'open') actions.push(button('Prendi in carico', () => post('take-charge', {}, `Pratica ${e.contactId} presa in carico.`), 'btn-primary'));
  if (e.status === 'in_charge') {
    actions.push(
      button('Risolvi', async () => {
        const v = await formDialog(`Risolvi la pratica ${e.contactId}`, [{ name: 'response', label: 'Risposta al cittadino', type: 'textarea', required: true, hint: "Il testo è inviato per email al cittadino, se ha indicato un indirizzo." }], 'Invia la risposta');
        if (v) await post('resolve', { response: v.response }, `Pratica ${e.contactId} risolta.`);
      }, 'btn-primary'),
      button('Aggiungi nota', async () => {
        const v = await formDialog(`Nota sulla pratica ${e.contactId}`, [{ name: 'text', label: 'Nota interna', type: 'textarea', required: true }], 'Salva la nota');
        if (v) await post('notes', { text: v.text }, 'Nota salvata.');
      }),
    );
  }
  if (e.status === 'open' || e.status === 'in_charge')
    actions.push(
      button('Restituisci', async () => {
        const v = await formDialog(`Restituisci la pratica ${e.contactId}`, [{ name: 'reason', label: 'Motivo (non di competenza)', type: 'textarea', required: true }], 'Restituisci al contact center');
        if (v) await post('return', { reason: v.reason }, `Pratica ${e.contactId} restituita al contact center.`);
      }),
    );
  return h('div', { class: 'row-actions' }, ...actions);
}

const OUTCOMES = [['reached', 'Utente raggiunto'], ['unreachable', 'Utente non raggiungibile'], ['not_needed', 'Richiamo non necessario']];

export function missedCallTable(items, refresh, canAct = true) {
  return table(
    'Moduli di mancata risposta',
    ['Utente', 'Telefono', 'Persona cercata', 'Motivo', 'Chiamata', 'Richiamare entro', ...(canAct ? ['Azioni'] : [])],
    items,
    (f) => [
      h('strong', {}, `${f.callerSurname} ${f.callerName}`),
      h('span', {}, f.callbackPhone, f.callbackEmail ? h('div', { class: 'muted' }, f.callbackEmail) : null),
      f.personSought,
      f.reason,
      fmtDateTime(f.callAt),
      h('span', {}, fmtDateTime(f.dueAt), f.breached ? h('div', {}, badge('Fuori termine', 'bad')) : null),
      ...(canAct
        ? [
            button('Registra richiamo', async () => {
              const v = await formDialog(`Richiamo di ${f.callerSurname} ${f.callerName}`, [
                { name: 'outcome', label: 'Esito', type: 'select', options: OUTCOMES, required: true, value: 'reached' },
                { name: 'note', label: 'Nota', type: 'textarea' },
              ], 'Registra');
              if (v && (await act(() => api(`/missed-calls/${encodeURIComponent(f.id)}/callback`, { method: 'POST', body: { outcome: v.outcome, ...(v.note ? { note: v.note } : {}) } }), 'Richiamo registrato.'))) refresh();
            }, 'btn-primary'),
          ]
        : []),
    ],
    (f) => (f.breached ? 'breached' : undefined),
  );
}

export function officeTabs(ctx) {
  return [
    {
      id: 'escalations',
      label: 'Pratiche',
      async render(section, refresh) {
        const [open, inCharge] = await Promise.all([api('/escalations?status=open&limit=500'), api('/escalations?status=in_charge&limit=500')]);
        const items = [...open.items, ...inCharge.items];
        section.append(
          h('h1', { id: 'title-escalations' }, `Pratiche dell'ufficio ${ctx.officeName(ctx.me.office)}`),
          h('p', { class: 'muted' }, `${items.length} pratiche aperte, ${items.filter(isBreached).length} fuori termine. Le pratiche fuori termine sono in cima.`),
          escalationTable(items, refresh),
        );
      },
    },
    {
      id: 'missed-calls',
      label: 'Mancate risposte',
      async render(section, refresh) {
        const { items } = await api('/missed-calls?status=open&limit=500');
        section.append(h('h1', { id: 'title-missed-calls' }, 'Utenti da richiamare'), missedCallTable(items, refresh));
      },
    },
    {
      id: 'inquiries',
      label: 'Istruttorie reclami',
      async render(section, refresh) {
        const { items } = await api('/inquiries?status=open&limit=500');
        section.append(
          h('h1', { id: 'title-inquiries' }, "Richieste dell'URU"),
          table(
            'Istruttorie',
            ['Reclamo', 'Domanda', 'Scadenza', 'Azioni'],
            items,
            (i) => [
              i.complaintId,
              h('span', { class: 'details' }, i.question),
              h('span', {}, fmtDateTime(i.dueAt), i.overdue ? h('div', {}, badge('Scaduta', 'bad')) : null),
              button('Rispondi', async () => {
                const v = await formDialog(`Risposta all'istruttoria ${i.id}`, [{ name: 'findings', label: 'Esito degli accertamenti', type: 'textarea', required: true }], 'Invia all’URU');
                if (v && (await act(() => api(`/inquiries/${encodeURIComponent(i.id)}/answer`, { method: 'POST', body: { findings: v.findings } }), 'Risposta inviata all’URU.'))) refresh();
              }, 'btn-primary'),
            ],
            (i) => (i.overdue ? 'breached' : undefined),
          ),
        );
      },
    },
  ];
}
