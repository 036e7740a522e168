// URU's work: complaints with their deadline, inquiries to the structures, the definitive response.
import { api, h, act, formDialog, table, button, badge, fmtDateTime } from './ui.js';

const STATUS = {
  registered: ['Registrato', 'warn'],
  in_charge: ['In carico', 'info'],
  investigating: ['In istruttoria', 'info'],
  awaiting_requester: ['In attesa del richiedente', 'warn'],
  responded: ['Risposto', 'ok'],
  closed: ['Chiuso', 'ok'],
};
const KIND = { complaint: 'Reclamo', report: 'Segnalazione', suggestion: 'Suggerimento' };
const OUTCOMES = [['upheld', 'Accolto'], ['partially_upheld', 'Accolto in parte'], ['not_upheld', 'Non accolto'], ['answered', 'Risposta fornita'], ['thanked', 'Ringraziamento (suggerimento)']];

function deadlineCell(c) {
  if (c.clock === 'suspended') return h('span', {}, badge('Termine sospeso', 'warn'), h('div', { class: 'muted' }, 'in attesa del richiedente'));
  if (c.clock === 'stopped') return h('span', { class: 'muted' }, 'Concluso');
  const days = c.daysLeft;
  const kind = c.breached ? 'bad' : days <= 6 ? 'warn' : 'ok';
  return h('span', {}, fmtDateTime(c.deadline), h('div', {}, badge(c.breached ? `Scaduto da ${Math.abs(days)} giorni` : `${days} giorni rimasti`, kind)));
}

export function uruTabs(ctx) {
  const offices = ctx.catalog.flatMap((s) => s.offices.map((o) => [o.code, `${o.name} (${s.name})`]));
  return [
    {
      id: 'complaints',
      label: 'Reclami',
      async render(section, refresh) {
        const { items } = await api('/complaints?status=registered,in_charge,investigating,awaiting_requester&limit=500');
        const post = (c, path, body, ok) => act(() => api(`/complaints/${encodeURIComponent(c.id)}/${path}`, { method: 'POST', body }), ok).then((d) => d && refresh());
        section.append(
          h('h1', { id: 'title-complaints' }, 'Reclami, segnalazioni e suggerimenti aperti'),
          table(
            'Pratiche URU',
            ['Riferimento', 'Tipo', 'Oggetto', 'Richiedente', 'Stato', 'Termine', 'Azioni'],
            [...items].sort((a, b) => (a.remainingMs ?? 0) - (b.remainingMs ?? 0)),
            (c) => [
              h('strong', {}, c.id),
              KIND[c.kind] ?? c.kind,
              c.subject,
              [c.requester?.name, c.requester?.surname].filter(Boolean).join(' '),
              badge(...(STATUS[c.status] ?? [c.status, 'info'])),
              deadlineCell(c),
              h('div', { class: 'row-actions' },
                c.status === 'registered' ? button('Prendi in carico', () => post(c, 'take-charge', {}, `Pratica ${c.id} presa in carico: conferma inviata al richiedente.`), 'btn-primary') : null,
                ['in_charge', 'investigating'].includes(c.status)
                  ? button('Apri istruttoria', async () => {
                      const due = new Date(Date.now() + 7 * 86400000);
                      const v = await formDialog(`Istruttoria per ${c.id}`, [
                        { name: 'structure', label: 'Struttura interessata', type: 'select', required: true, options: offices },
                        { name: 'question', label: 'Domanda', type: 'textarea', required: true },
                        { name: 'dueAt', label: 'Risposta entro', type: 'date', required: true, value: due.toISOString().slice(0, 10) },
                      ], 'Invia la richiesta');
                      if (v) await post(c, 'inquiries', { structure: v.structure, question: v.question, dueAt: new Date(`${v.dueAt}T17:00:00`).toISOString() }, 'Istruttoria aperta.');
                    })
                  : null,
                ['in_charge', 'investigating'].includes(c.status)
                  ? button('Chiedi informazioni', async () => {
                      const v = await formDialog(`Informazioni dal richiedente (${c.id})`, [{ name: 'question', label: 'Domanda al richiedente', type: 'textarea', required: true, hint: 'Il termine di risposta resta sospeso fino alla risposta del richiedente.' }], 'Invia');
                      if (v) await post(c, 'request-info', { question: v.question }, 'Richiesta inviata: il termine è sospeso.');
                    })
                  : null,
                c.status === 'awaiting_requester'
                  ? button('Registra risposta del richiedente', async () => {
                      const v = await formDialog(`Risposta del richiedente (${c.id})`, [{ name: 'info', label: 'Informazioni ricevute', type: 'textarea', required: true }], 'Registra');
                      if (v) await post(c, 'requester-info', { info: v.info }, 'Informazioni registrate: il termine riprende.');
                    })
                  : null,
                ['in_charge', 'investigating'].includes(c.status)
                  ? button('Rispondi', async () => {
                      const v = await formDialog(`Risposta definitiva (${c.id})`, [
                        { name: 'response', label: 'Risposta al richiedente', type: 'textarea', required: c.kind !== 'suggestion' },
                        { name: 'outcome', label: 'Esito', type: 'select', options: OUTCOMES },
                      ], 'Invia la risposta');
                      if (v) await post(c, 'respond', Object.fromEntries(Object.entries(v).filter(([, x]) => x)), 'Risposta definitiva inviata.');
                    }, 'btn-primary')
                  : null,
              ),
            ],
            (c) => (c.breached ? 'breached' : undefined),
          ),
        );
      },
    },
    {
      id: 'uru-inquiries',
      label: 'Istruttorie',
      async render(section) {
        const { items } = await api('/inquiries?limit=500');
        section.append(
          h('h1', { id: 'title-uru-inquiries' }, 'Istruttorie con le strutture'),
          table(
            'Istruttorie',
            ['Reclamo', 'Struttura', 'Domanda', 'Scadenza', 'Esito'],
            items,
            (i) => [i.complaintId, i.structureName ?? i.structure, h('span', { class: 'details' }, i.question), h('span', {}, fmtDateTime(i.dueAt), i.overdue ? h('div', {}, badge('Scaduta', 'bad')) : null), i.findings ? h('span', { class: 'details' }, i.findings) : badge('In attesa', 'warn')],
            (i) => (i.overdue ? 'breached' : undefined),
          ),
        );
      },
    },
  ];
}
