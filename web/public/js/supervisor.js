// Supervision: the monthly SLA dashboard against the contract's targets, and what is overdue.
import { api, h, table, badge, fmtNumber } from './ui.js';
import { escalationTable, missedCallTable } from './office.js';

const charts = [];

function previousMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

function kpi(title, value, unit, target, targetText, met) {
  return h(
    'div',
    { class: 'kpi' },
    h('div', {}, title),
    h('div', { class: 'value' }, value === null || value === undefined ? '—' : `${fmtNumber(value)} ${unit}`),
    h('div', { class: 'target' }, `Obiettivo: ${targetText} ${fmtNumber(target)} ${unit}`),
    met === null || met === undefined ? badge('Non misurabile', 'info') : met ? badge('Obiettivo rispettato', 'ok') : badge('Obiettivo non rispettato', 'bad'),
  );
}

function trendChart(canvas, label, daily, key, target, color) {
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      labels: daily.map((d) => d.date.slice(8, 10) + '/' + d.date.slice(5, 7)),
      datasets: [
        { label, data: daily.map((d) => d[key]), borderColor: color, backgroundColor: color, spanGaps: true, tension: 0.2 },
        { label: 'Obiettivo', data: daily.map(() => target), borderColor: '#a4161a', borderDash: [6, 4], pointRadius: 0, fill: false },
      ],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true } } },
  });
  charts.push(chart);
}

export function supervisorTabs(ctx) {
  let month = previousMonth();
  let service = ctx.catalog[0]?.code ?? '';
  return [
    {
      id: 'sla',
      label: 'Cruscotto SLA',
      async render(section, refresh) {
        while (charts.length) charts.pop().destroy();
        const monthInput = h('input', { id: 'sla-month', type: 'month', value: month, onchange: (e) => { month = e.target.value; refresh(); } });
        const serviceSelect = h('select', { id: 'sla-service', onchange: (e) => { service = e.target.value; refresh(); } }, ...ctx.catalog.map((s) => h('option', { value: s.code, selected: s.code === service }, s.name)));
        const r = await api(`/reports/sla?month=${encodeURIComponent(month)}&service=${encodeURIComponent(service)}`);
        const daily = r.daily ?? [];
        section.append(
          h('h1', { id: 'title-sla' }, 'Livelli di servizio del mese'),
          h('div', { class: 'toolbar' }, h('label', { for: 'sla-month' }, 'Mese', monthInput), h('label', { for: 'sla-service' }, 'Servizio', serviceSelect)),
          h('div', { class: 'kpis', id: 'sla-kpis' },
            kpi('Tempo medio di risposta', r.answerTimeAvgSec, 's', r.targets.answerTimeAvgSec, '≤', r.met.answerTime),
            kpi('Chiamate abbandonate', r.abandonedPct, '%', r.targets.abandonedPct, '≤', r.met.abandoned),
            kpi('Risolte al primo livello', r.firstLevelResolvedPct, '%', r.targets.firstLevelResolvedPct, '≥', r.met.firstLevelResolved),
          ),
          h('p', { class: 'muted' }, `Chiamate nell'orario di servizio: ${r.calls.registered} (risposte ${r.calls.answered}, abbandonate ${r.calls.abandoned}, abbandoni entro 10 secondi ${r.calls.shortAbandoned}); fuori orario: ${r.calls.outOfWindow ?? 0}.`),
        );
        if (daily.length && r.calls.registered > 0) {
          const boxes = [
            ['Tempo medio di risposta (s) per giorno', 'answerTimeAvgSec', r.targets.answerTimeAvgSec, '#0b4f8a'],
            ['Chiamate abbandonate (%) per giorno', 'abandonedPct', r.targets.abandonedPct, '#8a5300'],
            ['Risolte al primo livello (%) per giorno', 'firstLevelResolvedPct', r.targets.firstLevelResolvedPct, '#136f3a'],
          ].map(([title, key, target, color]) => {
            const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: andamento giornaliero rispetto all'obiettivo` });
            return { box: h('figure', { class: 'chart-box' }, h('figcaption', {}, h('strong', {}, title)), canvas), canvas, title, key, target, color };
          });
          section.append(h('div', { class: 'charts', id: 'sla-charts' }, ...boxes.map((b) => b.box)));
          for (const b of boxes) trendChart(b.canvas, b.title, daily, b.key, b.target, b.color);
          section.append(
            h('h2', {}, 'Dettaglio giornaliero'),
            table('Dettaglio giornaliero', ['Giorno', 'Risposte', 'Abbandonate', 'Tempo medio (s)', 'Abbandonate (%)', 'Primo livello (%)'], daily, (d) => [d.date.split('-').reverse().join('/'), d.answered, d.abandoned, fmtNumber(d.answerTimeAvgSec), fmtNumber(d.abandonedPct), fmtNumber(d.firstLevelResolvedPct)]),
          );
        } else section.append(h('p', { class: 'empty' }, 'Nessuna chiamata registrata in questo mese per il servizio scelto.'));
      },
    },
    {
      id: 'breached',
      label: 'Fuori termine',
      async render(section, refresh) {
        const [esc, forms] = await Promise.all([api('/escalations?breached=true&limit=500'), api('/missed-calls?status=open&limit=500')]);
        const open = esc.items.filter((e) => e.status === 'open' || e.status === 'in_charge');
        section.append(
          h('h1', { id: 'title-breached' }, 'Pratiche e richiami fuori termine'),
          h('h2', {}, `Pratiche degli uffici (${open.length})`),
          escalationTable(open, refresh, { withOffice: true, officeName: ctx.officeName }),
          h('h2', { style: 'margin-top:1rem' }, 'Richiami non effettuati nei termini'),
          missedCallTable(forms.items.filter((f) => f.breached), refresh, false),
        );
      },
    },
  ];
}
