// CRM channels and citizens' satisfaction (GET /reports/crm): what arrives by each channel, how
// much of it is answered and how fast, and the satisfaction surveys' votes of the month.
import { api, h, table, fmtNumber, explain, recentMonths, monthName } from './ui.js';

const CHANNEL_NAMES = { phone: 'Telefono', email: 'Email', web: 'Modulo web', voicemail: 'Segreteria', letter: 'Lettera', in_person: 'Di persona' };
const channelName = (c) => CHANNEL_NAMES[c] ?? c;

const hours = (sec) => (sec === null || sec === undefined ? '—' : sec < 3600 ? `${fmtNumber(sec / 60)} min` : `${fmtNumber(sec / 3600)} h`);
const pct = (v) => (v === null || v === undefined ? '—' : `${fmtNumber(v)} %`);

export function crmTabs(ctx) {
  const months = recentMonths(24);
  let month = months[0];
  let service = '';
  return [
    {
      id: 'crm',
      label: 'Canali e soddisfazione',
      async render(section, refresh) {
        const monthSelect = h('select', { id: 'crm-month', onchange: (e) => ((month = e.target.value), refresh()) }, ...months.map((m, i) => h('option', { value: m, selected: m === month }, i === 0 ? `${monthName(m)} (in corso)` : monthName(m))));
        const serviceSelect = h('select', { id: 'crm-service', onchange: (e) => ((service = e.target.value), refresh()) }, h('option', { value: '', selected: service === '' }, 'Tutti i servizi'), ...ctx.catalog.map((s) => h('option', { value: s.code, selected: s.code === service }, s.name)));
        section.append(
          h('h1', { id: 'title-crm' }, 'Canali e soddisfazione dei cittadini'),
          h('p', { class: 'lead' }, 'Contatti e reclami arrivati nel mese per canale, quota con risposta e tempi di risposta; voti dei questionari di soddisfazione (da 1 a 5).'),
          h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'crm-month' }, 'Mese'), monthSelect), h('div', { class: 'field' }, h('label', { for: 'crm-service' }, 'Servizio'), serviceSelect)),
        );
        let r;
        try {
          r = await api(`/reports/crm?month=${encodeURIComponent(month)}${service ? `&service=${encodeURIComponent(service)}` : ''}`);
        } catch (err) {
          section.append(h('div', { class: 'notice notice-err' }, h('strong', {}, 'Impossibile calcolare il rapporto: '), explain(err)));
          return;
        }
        const s = r.satisfaction;
        section.append(
          h('h2', { id: 'crm-satisfaction-title' }, 'Soddisfazione'),
          h(
            'p',
            { id: 'crm-satisfaction' },
            s.responses ? `${s.responses} ${s.responses === 1 ? 'voto' : 'voti'}, media ${fmtNumber(s.average, 2)} su 5.` : 'Nessun voto nel mese.',
          ),
          table('Voti per punteggio', ['Voto', 'Risposte'], ['1', '2', '3', '4', '5'], (k) => [k, String(s.distribution[k])]),
          table('Soddisfazione per canale', ['Canale', 'Risposte', 'Media'], s.byChannel, (c) => [channelName(c.channel), String(c.responses), fmtNumber(c.average, 2)], undefined, 'Nessun voto per canale nel mese.'),
          h('h2', {}, 'Contatti per canale'),
          table('Contatti per canale', ['Canale', 'Arrivati', 'Con risposta', 'Tasso di risposta', 'Tempo mediano', '90° percentile'], r.channels, (c) => [channelName(c.channel), String(c.registered), String(c.resolved), pct(c.responseRatePct), hours(c.responseTimeSec.median), hours(c.responseTimeSec.p90)]),
          h('h2', {}, 'Reclami per canale'),
          table('Reclami per canale', ['Canale', 'Arrivati', 'Con risposta', 'Tasso di risposta', 'Tempo mediano', '90° percentile'], r.complaints, (c) => [channelName(c.channel), String(c.registered), String(c.responded), pct(c.responseRatePct), hours(c.responseTimeSec.median), hours(c.responseTimeSec.p90)], undefined, 'Nessun reclamo nel mese.'),
        );
      },
    },
  ];
}
