// Pianificazione (supervisor): the half-hour profile of a month, the agents each weekday's half hours
// need (Erlang C and Erlang A), and an editable plan replayed against the month's real calls.
import { api, h, act, button, explain, fmtNumber, table, chartOptions, recentMonths, monthName } from './ui.js';

const COLORS = { answered: '#0b4f8a', abandoned: '#c2410c', short: '#98a2b3', line: '#1b1f24', predicted: '#6d28d9', actual: '#0f766e' };
const DAYS = [
  ['mon', 'Lun', 'lunedì'],
  ['tue', 'Mar', 'martedì'],
  ['wed', 'Mer', 'mercoledì'],
  ['thu', 'Gio', 'giovedì'],
  ['fri', 'Ven', 'venerdì'],
  ['sat', 'Sab', 'sabato'],
  ['sun', 'Dom', 'domenica'],
];
const DAY_COLORS = ['#0b4f8a', '#c2410c', '#1a7f4b', '#6d28d9', '#b45309', '#0f766e', '#9f1239'];
const charts = [];

function lastDay(ym) {
  const [y, m] = ym.split('-').map(Number);
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}
const withUnit = (v, unit) => (v === null || v === undefined ? '—' : `${fmtNumber(v)} ${unit}`);


function figure(id, title, description, label) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  return { canvas, box: h('figure', { class: 'chart-box chart-wide', id }, h('figcaption', {}, h('strong', {}, title), h('span', { class: 'muted' }, description)), h('div', { class: 'chart-area' }, canvas)) };
}

/** The month's intervals summed per half hour of the day. */
function profileOf(intervals) {
  const byHalfHour = new Map();
  for (const r of intervals) {
    const p = byHalfHour.get(r.from) ?? { from: r.from, to: r.to, registered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, waitSum: 0 };
    p.registered += r.registered;
    p.answered += r.answered;
    p.abandoned += r.abandoned;
    p.shortAbandoned += r.shortAbandoned;
    p.waitSum += (r.answerTimeAvgSec ?? 0) * r.answered;
    byHalfHour.set(r.from, p);
  }
  return [...byHalfHour.values()]
    .sort((a, b) => a.from.localeCompare(b.from))
    .map((p) => ({ ...p, answerTimeAvgSec: p.answered > 0 ? Math.round((p.waitSum / p.answered) * 10) / 10 : null }));
}

function profileChart(canvas, profile) {
  const options = chartOptions('chiamate nel mese');
  options.scales.x.stacked = true;
  options.scales.y.stacked = true;
  options.scales.y.ticks.precision = 0;
  options.scales.y2 = { position: 'right', beginAtZero: true, title: { display: true, text: 'secondi', color: '#3d4752' }, grid: { display: false } };
  charts.push(
    new Chart(canvas, {
      data: {
        labels: profile.map((p) => p.from),
        datasets: [
          { type: 'bar', label: 'Risposte', data: profile.map((p) => p.answered), backgroundColor: COLORS.answered, stack: 'calls' },
          { type: 'bar', label: 'Abbandonate', data: profile.map((p) => p.abandoned), backgroundColor: COLORS.abandoned, stack: 'calls' },
          { type: 'bar', label: 'Chiuse entro 10 s', data: profile.map((p) => p.shortAbandoned), backgroundColor: COLORS.short, stack: 'calls' },
          { type: 'line', label: 'Tempo medio di risposta (s)', data: profile.map((p) => p.answerTimeAvgSec), borderColor: COLORS.line, backgroundColor: COLORS.line, yAxisID: 'y2', pointRadius: 2 },
        ],
      },
      options,
    }),
  );
}

function agentsChart(canvas, staffing) {
  const halfHours = [...new Set(staffing.slots.map((s) => s.from))].sort();
  const options = chartOptions('operatori necessari');
  options.scales.y.ticks.precision = 0;
  const datasets = DAYS.filter(([code]) => staffing.slots.some((s) => s.weekday === code)).map(([code, , name]) => {
    const color = DAY_COLORS[DAYS.findIndex(([c]) => c === code)];
    return {
      type: 'line',
      label: name,
      data: halfHours.map((from) => staffing.slots.find((s) => s.weekday === code && s.from === from)?.erlangA.agents ?? null),
      borderColor: color,
      backgroundColor: color,
      stepped: 'before',
      pointRadius: 0,
    };
  });
  charts.push(new Chart(canvas, { data: { labels: halfHours, datasets }, options }));
}

function predictionChart(canvas, result) {
  const options = chartOptions('secondi');
  charts.push(
    new Chart(canvas, {
      data: {
        labels: result.halfHours.map((x) => x.from),
        datasets: [
          { type: 'bar', label: 'Tempo di risposta previsto', data: result.halfHours.map((x) => x.predicted.answerTimeAvgSec), backgroundColor: COLORS.predicted },
          { type: 'bar', label: 'Tempo di risposta effettivo', data: result.halfHours.map((x) => x.actual.answerTimeAvgSec), backgroundColor: COLORS.actual },
        ],
      },
      options,
    }),
  );
}

async function download(path, accept, filename) {
  const res = await api(path, { accept, raw: true });
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A starting plan: on each weekday, its window with the peak of the agents Erlang A asks for. */
function initialPlan(staffing) {
  return DAYS.filter(([code]) => staffing.slots.some((s) => s.weekday === code)).map(([code]) => {
    const slots = staffing.slots.filter((s) => s.weekday === code);
    return { days: [code], from: slots[0].from, to: slots[slots.length - 1].to, agents: Math.max(...slots.map((s) => s.erlangA.agents)) };
  });
}

function planEditor(plan, onChange) {
  const body = h('tbody');
  const render = () => {
    body.replaceChildren(
      ...plan.map((item, i) =>
        h(
          'tr',
          {},
          h(
            'td',
            { 'data-label': 'Giorni' },
            h(
              'fieldset',
              { class: 'plan-days' },
              h('legend', { class: 'sr-only' }, `Giorni della fascia ${i + 1}`),
              ...DAYS.map(([code, short, name]) =>
                h(
                  'label',
                  { title: name },
                  h('input', {
                    type: 'checkbox',
                    checked: item.days.includes(code),
                    onchange: (e) => {
                      item.days = e.target.checked ? [...item.days, code] : item.days.filter((d) => d !== code);
                      onChange();
                    },
                  }),
                  ` ${short}`,
                ),
              ),
            ),
          ),
          h('td', { 'data-label': 'Dalle' }, h('input', { type: 'text', inputmode: 'numeric', pattern: '([01][0-9]|2[0-3]):[0-5][0-9]', value: item.from, 'aria-label': `Inizio della fascia ${i + 1}`, onchange: (e) => ((item.from = e.target.value), onChange()) })),
          h('td', { 'data-label': 'Alle' }, h('input', { type: 'text', inputmode: 'numeric', pattern: '([01][0-9]|2[0-3]):[0-5][0-9]|24:00', value: item.to, 'aria-label': `Fine della fascia ${i + 1}`, onchange: (e) => ((item.to = e.target.value), onChange()) })),
          h('td', { 'data-label': 'Operatori' }, h('input', { type: 'number', min: 0, step: 1, value: item.agents, 'aria-label': `Operatori della fascia ${i + 1}`, onchange: (e) => ((item.agents = Number(e.target.value)), onChange()) })),
          h('td', { 'data-label': '' }, button('Rimuovi', () => (plan.splice(i, 1), render(), onChange()))),
        ),
      ),
    );
  };
  render();
  return {
    element: h(
      'div',
      {},
      h('div', { class: 'table-wrap' }, h('table', { class: 'cards-on-narrow', id: 'planning-plan' }, h('caption', { class: 'sr-only' }, 'Piano degli operatori'), h('thead', {}, h('tr', {}, ...['Giorni', 'Dalle', 'Alle', 'Operatori', ''].map((t) => h('th', { scope: 'col' }, t)))), body)),
      h('div', { class: 'actions actions-start' }, button('Aggiungi una fascia', () => (plan.push({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00', agents: 1 }), render(), onChange()))),
    ),
  };
}

export function planningTabs(ctx) {
  const months = recentMonths(36);
  let month = months[1];
  let service = ctx.catalog.find((s) => s.code === 'MCTC')?.code ?? ctx.catalog[0]?.code ?? '';
  let shrinkage = 30;
  return [
    {
      id: 'pianificazione',
      label: 'Pianificazione',
      async render(section, refresh) {
        while (charts.length) charts.pop().destroy();
        const query = `month=${encodeURIComponent(month)}&service=${encodeURIComponent(service)}`;
        const monthSelect = h('select', { id: 'planning-month', onchange: (e) => ((month = e.target.value), refresh()) }, ...months.map((m, i) => h('option', { value: m, selected: m === month }, i === 0 ? `${monthName(m)} (in corso)` : monthName(m))));
        const serviceSelect = h('select', { id: 'planning-service', onchange: (e) => ((service = e.target.value), refresh()) }, ...ctx.catalog.map((s) => h('option', { value: s.code, selected: s.code === service }, s.name)));
        const shrinkageInput = h('input', { id: 'planning-shrinkage', type: 'number', min: 0, max: 90, step: 1, value: shrinkage, onchange: (e) => ((shrinkage = Number(e.target.value)), refresh()) });
        section.append(
          h('h1', { id: 'title-pianificazione' }, 'Pianificazione del personale'),
          h('p', { class: 'lead' }, 'Chiamate per mezz’ora, operatori necessari per rispettare gli obiettivi e previsione del mese con un piano diverso, calcolati sulle chiamate reali.'),
          h(
            'div',
            { class: 'toolbar' },
            h('div', { class: 'field' }, h('label', { for: 'planning-month' }, 'Mese'), monthSelect),
            h('div', { class: 'field' }, h('label', { for: 'planning-service' }, 'Servizio'), serviceSelect),
            h('div', { class: 'field' }, h('label', { for: 'planning-shrinkage' }, 'Tempo non al telefono (%)'), shrinkageInput),
            button('Scarica le mezz’ore (CSV)', () => act(() => download(`/reports/sla/intervals?${query}`, 'text/csv', `sla-intervalli-${service}-${month}.csv`)), '', { id: 'planning-csv' }),
            button('Scarica le mezz’ore (Excel)', () => act(() => download(`/reports/sla/intervals?${query}&format=xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `sla-intervalli-${service}-${month}.xlsx`)), '', { id: 'planning-xlsx' }),
          ),
        );
        let intervals;
        let staffing;
        try {
          intervals = await api(`/reports/sla/intervals?${query}`);
          staffing = intervals.totals.registered > 0 ? await api(`/reports/staffing?service=${encodeURIComponent(service)}&from=${month}-01&to=${lastDay(month)}&shrinkage=${shrinkage}`) : null;
        } catch (err) {
          section.append(h('div', { class: 'notice notice-err' }, h('strong', {}, 'Impossibile calcolare la pianificazione: '), explain(err)));
          return;
        }
        if (!staffing) {
          section.append(h('div', { class: 'empty' }, `Nessuna chiamata nell’orario di servizio a ${monthName(month).toLowerCase()} per ${ctx.serviceName(service)}.`));
          return;
        }
        const profile = profileOf(intervals.intervals);
        const hasCharts = typeof Chart !== 'undefined';
        section.append(
          h(
            'ul',
            { class: 'stats', 'aria-label': 'Dati del mese' },
            h('li', {}, h('strong', {}, String(intervals.totals.registered)), ' chiamate nell’orario di servizio'),
            h('li', {}, 'durata media ', h('strong', {}, withUnit(staffing.handleTimeAvgSec, 's'))),
            h('li', {}, 'pazienza media stimata ', h('strong', {}, staffing.patienceSec === null ? 'nessun abbandono' : withUnit(staffing.patienceSec, 's'))),
            h('li', {}, 'obiettivi ', h('strong', {}, `≤ ${fmtNumber(staffing.targets.answerTimeTargetSec)} s, ≤ ${fmtNumber(staffing.targets.abandonedPctTarget)} %`)),
          ),
        );
        if (!hasCharts) section.append(h('div', { class: 'notice' }, 'I grafici non sono disponibili in questo browser: i dati sono nelle tabelle.'));
        const profileFigure = figure('planning-profile', 'Chiamate per mezz’ora', 'Somma del mese per fascia oraria; linea: tempo medio di risposta.', `Chiamate per mezz’ora di ${monthName(month)}`);
        const agentsFigure = figure('planning-agents', 'Operatori necessari per giorno della settimana', 'Erlang A: tiene conto di chi riaggancia. Il modello Erlang C è nella tabella.', 'Operatori necessari per mezz’ora e giorno della settimana');
        section.append(h('h2', {}, 'Profilo per mezz’ora'), hasCharts ? profileFigure.box : '', h('h2', {}, 'Operatori necessari'), hasCharts ? agentsFigure.box : '');
        section.append(
          h(
            'ul',
            { class: 'stats', id: 'planning-weekly', 'aria-label': 'Fabbisogno settimanale' },
            h('li', {}, 'Erlang A: ', h('strong', {}, `${fmtNumber(staffing.weekly.erlangA.agentHours)} ore-operatore`), ` a settimana, ${fmtNumber(staffing.weekly.erlangA.fte)} persone a tempo pieno`),
            h('li', {}, 'Erlang C: ', h('strong', {}, `${fmtNumber(staffing.weekly.erlangC.agentHours)} ore-operatore`), ` a settimana, ${fmtNumber(staffing.weekly.erlangC.fte)} persone a tempo pieno`),
          ),
          h(
            'details',
            { class: 'daily' },
            h('summary', {}, 'Fabbisogno per mezz’ora (tabella)'),
            table(
              'Fabbisogno per mezz’ora',
              ['Giorno', 'Fascia', 'Chiamate/ora', 'Durata media', 'Erlang C', 'Erlang A', 'Risposta prevista', 'Abbandoni previsti'],
              staffing.slots,
              (s) => [DAYS.find(([c]) => c === s.weekday)[2], `${s.from}-${s.to}`, fmtNumber(s.arrivalsPerHour), withUnit(s.handleTimeAvgSec, 's'), s.erlangC.agents, s.erlangA.agents, withUnit(s.erlangA.answerTimeAvgSec, 's'), withUnit(s.erlangA.abandonedPct, '%')],
            ),
          ),
        );

        const plan = initialPlan(staffing);
        const result = h('div', { id: 'planning-result', 'aria-live': 'polite' });
        const editor = planEditor(plan, () => undefined);
        const predict = async () => {
          for (const c of charts.splice(2)) c.destroy();
          let r;
          try {
            r = await api('/reports/what-if', { method: 'POST', body: { service, month, staffing: plan } });
          } catch (err) {
            result.replaceChildren(h('div', { class: 'notice notice-err' }, h('strong', {}, 'Previsione non calcolata: '), explain(err)));
            return;
          }
          const fig = figure('planning-prediction', 'Tempo di risposta per mezz’ora', 'Previsto con il piano e registrato nel mese.', 'Tempo di risposta previsto ed effettivo per mezz’ora');
          result.replaceChildren(
            table(
              'Previsione del mese',
              ['', 'Tempo medio di risposta', 'Chiamate abbandonate'],
              [
                { name: 'Previsto con il piano', o: r.predicted },
                { name: 'Effettivo del mese', o: r.actual },
              ],
              (x) => [h('strong', {}, x.name), withUnit(x.o.answerTimeAvgSec, 's'), withUnit(x.o.abandonedPct, '%')],
            ),
            hasCharts ? fig.box : '',
          );
          if (hasCharts) predictionChart(fig.canvas, r);
        };
        section.append(
          h('h2', {}, 'Piano e previsione del mese'),
          h('p', {}, 'Il piano parte dal fabbisogno Erlang A. Modifichi fasce e operatori e calcoli la previsione: le chiamate reali del mese vengono rigiocate con il nuovo piano.'),
          editor.element,
          h('div', { class: 'actions actions-start' }, h('button', { type: 'button', class: 'btn btn-primary', id: 'planning-predict', onclick: () => act(predict) }, 'Calcola la previsione')),
          result,
        );
        if (hasCharts) {
          profileChart(profileFigure.canvas, profile);
          agentsChart(agentsFigure.canvas, staffing);
        }
      },
    },
  ];
}
