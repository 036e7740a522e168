// Supervision: the monthly SLA dashboard against the contract's targets, and what is overdue.
import { api, h, act, table, badge, button, fmtNumber, explain, loadList, chartOptions, recentMonths, monthName } from './ui.js';
import { escalationTable, missedCallTable, isBreached } from './office.js';
import { complaintTable } from './uru.js';
import { overviewTab, reportsTab, exportsTab } from './desk.js';

const COLORS = { met: '#1a7f4b', missed: '#b42318', target: '#1b1f24', answered: '#0b4f8a', abandoned: '#c2410c', short: '#98a2b3' };
const charts = [];

const weekday = new Intl.DateTimeFormat('it-IT', { weekday: 'short', day: 'numeric', timeZone: 'UTC' });
const dayLabel = (iso) => weekday.format(new Date(`${iso}T12:00:00Z`));

const INDICATORS = [
  {
    key: 'answerTimeAvgSec',
    met: 'answerTime',
    title: 'Tempo medio di risposta',
    explain: 'Attesa media dalla registrazione della chiamata alla risposta dell’operatore.',
    unit: 's',
    cmp: '≤',
    ok: (v, t) => v <= t,
  },
  {
    key: 'abandonedPct',
    met: 'abandoned',
    title: 'Chiamate abbandonate',
    explain: 'Chiamate chiuse dal cittadino prima della risposta, dopo almeno 10 secondi di attesa.',
    unit: '%',
    cmp: '≤',
    ok: (v, t) => v <= t,
  },
  {
    key: 'firstLevelResolvedPct',
    met: 'firstLevelResolved',
    title: 'Risolte al primo livello',
    explain: 'Chiamate risposte e risolte dal contact center senza passare all’ufficio competente.',
    unit: '%',
    cmp: '≥',
    ok: (v, t) => v >= t,
  },
];

const withUnit = (v, unit) => (v === null || v === undefined ? '—' : `${fmtNumber(v)} ${unit}`);

/** Answered calls but none with a linked contact: the first-level figure cannot be judged. */
const unlinked = (r) => r.linkedContacts === 0 && (r.calls?.answered ?? 0) > 0;

function noLinkedContacts(r) {
  if (!unlinked(r)) return null;
  return h(
    'div',
    { class: 'notice notice-info', role: 'note', id: 'sla-no-linked' },
    h('strong', {}, 'Risoluzione al primo livello non misurabile: '),
    `nessuna delle ${r.calls.answered} chiamate risposte del mese ha un contatto collegato (il codice della chiamata registrato con il contatto). Il valore 0 % non indica un servizio scadente: mancano i collegamenti tra chiamate e contatti.`,
  );
}

function kpi(ind, r) {
  const value = r[ind.key];
  const target = r.targets?.[ind.key];
  const met = r.met?.[ind.met];
  const noLinks = ind.key === 'firstLevelResolvedPct' && unlinked(r);
  const state = noLinks ? ['Non misurabile: nessun contatto collegato', 'neutral'] : met === null || met === undefined ? ['Non misurabile: nessuna chiamata', 'neutral'] : met ? ['Obiettivo rispettato', 'ok'] : ['Obiettivo non rispettato', 'bad'];
  return h(
    'div',
    { class: `kpi kpi-${state[1]}` },
    h('h2', { class: 'kpi-title' }, ind.title),
    h('p', { class: 'kpi-value' }, withUnit(value, ind.unit)),
    h('p', { class: 'kpi-target' }, `Obiettivo: ${ind.cmp} ${withUnit(target, ind.unit)}`),
    badge(state[0], state[1]),
    h('p', { class: 'kpi-explain' }, ind.explain),
  );
}


/** Daily bars, green on days that met the target and red on the others, with the target as a dashed line. */
function indicatorChart(canvas, ind, r, daily) {
  const target = r.targets?.[ind.key];
  const values = daily.map((d) => d[ind.key]);
  const max = Math.max(target ?? 0, ...values.filter((v) => v !== null));
  const options = chartOptions(ind.unit === '%' ? 'percentuale' : 'secondi');
  options.scales.y.suggestedMax = ind.unit === '%' ? Math.min(100, max * 1.15 + 1) : max * 1.15 + 1;
  options.plugins.tooltip = { callbacks: { label: (c) => `${c.dataset.label}: ${withUnit(c.parsed.y, ind.unit)}` } };
  charts.push(
    new Chart(canvas, {
      data: {
        labels: daily.map((d) => dayLabel(d.date)),
        datasets: [
          {
            type: 'bar',
            label: 'Valore del giorno',
            data: values,
            backgroundColor: values.map((v) => (v === null ? COLORS.short : ind.ok(v, target) ? COLORS.met : COLORS.missed)),
            borderRadius: 3,
            maxBarThickness: 28,
            // A day at 0 still shows a sliver of colour (a day without calls stays empty: null).
            minBarLength: 3,
          },
          { type: 'line', label: `Obiettivo (${ind.cmp} ${withUnit(target, ind.unit)})`, data: daily.map(() => target), borderColor: COLORS.target, borderWidth: 2, borderDash: [6, 4], pointRadius: 0, fill: false },
        ],
      },
      options,
    }),
  );
}

/** Calls per day: answered, abandoned and the short hang-ups that count in neither. */
function volumeChart(canvas, daily) {
  const options = chartOptions('chiamate');
  options.scales.x.stacked = true;
  options.scales.y.stacked = true;
  options.scales.y.ticks.precision = 0;
  charts.push(
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: daily.map((d) => dayLabel(d.date)),
        datasets: [
          { label: 'Risposte', data: daily.map((d) => d.answered), backgroundColor: COLORS.answered, maxBarThickness: 28 },
          { label: 'Abbandonate', data: daily.map((d) => d.abandoned), backgroundColor: COLORS.abandoned, maxBarThickness: 28 },
          { label: 'Chiuse entro 10 s (escluse)', data: daily.map((d) => d.shortAbandoned ?? 0), backgroundColor: COLORS.short, maxBarThickness: 28 },
        ],
      },
      options,
    }),
  );
}

function figure(title, description, canvasLabel, wide = false) {
  const canvas = h('canvas', { role: 'img', 'aria-label': canvasLabel });
  return { canvas, box: h('figure', { class: `chart-box${wide ? ' chart-wide' : ''}` }, h('figcaption', {}, h('strong', {}, title), h('span', { class: 'muted' }, description)), h('div', { class: 'chart-area' }, canvas)) };
}

/** Every service side by side and the totals across services (recomputed over all calls). */
async function allServices(month, ctx) {
  let r;
  try {
    r = await api(`/reports/sla?month=${encodeURIComponent(month)}`);
  } catch (err) {
    return h('div', { class: 'notice notice-err' }, h('strong', {}, 'Impossibile calcolare gli indicatori: '), explain(err));
  }
  const rows = [...r.services, { ...r.totals, service: null }];
  const cell = (row, ind) => {
    const v = withUnit(row[ind.key], ind.unit);
    if (ind.key === 'firstLevelResolvedPct' && unlinked(row)) return h('span', { class: 'muted' }, `${v} (nessun contatto collegato)`);
    const met = row.met?.[ind.met];
    return met === false ? h('span', { class: 'num-bad' }, v) : v;
  };
  return h(
    'div',
    { id: 'sla-all' },
    h('div', { class: 'kpis', id: 'sla-kpis' }, ...INDICATORS.map((ind) => kpi(ind, r.totals))),
    noLinkedContacts(r.totals),
    h('h2', {}, `Tutti i servizi — ${monthName(month)}`),
    table(
      'Indicatori per servizio e totali',
      ['Servizio', 'Chiamate', 'Risposte', 'Abbandonate', ...INDICATORS.map((i) => i.title), 'Contatti collegati'],
      rows,
      (row) => [row.service ? ctx.serviceName(row.service) : h('strong', {}, 'Totale'), row.calls.registered, row.calls.answered, row.calls.abandoned, ...INDICATORS.map((ind) => cell(row, ind)), row.linkedContacts ?? '—'],
    ),
  );
}

async function downloadCsv(month, service) {
  const res = await api(`/reports/sla?month=${encodeURIComponent(month)}${service ? `&service=${encodeURIComponent(service)}` : ''}`, { accept: 'text/csv', raw: true });
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: `sla-${service || 'tutti'}-${month}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function supervisorTabs(ctx) {
  const months = recentMonths(36);
  let month = months[1];
  let service = ctx.catalog.find((s) => s.code === 'MCTC')?.code ?? ctx.catalog[0]?.code ?? '';
  return [
    {
      id: 'sla',
      label: 'Livelli di servizio',
      async render(section, refresh) {
        while (charts.length) charts.pop().destroy();
        const monthSelect = h(
          'select',
          { id: 'sla-month', onchange: (e) => ((month = e.target.value), refresh()) },
          ...months.map((m, i) => h('option', { value: m, selected: m === month }, i === 0 ? `${monthName(m)} (in corso)` : monthName(m))),
        );
        const serviceSelect = h('select', { id: 'sla-service', onchange: (e) => ((service = e.target.value), refresh()) }, h('option', { value: '', selected: service === '' }, 'Tutti i servizi (totali)'), ...ctx.catalog.map((s) => h('option', { value: s.code, selected: s.code === service }, s.name)));
        const csv = button('Scarica i dati (CSV)', () => act(() => downloadCsv(month, service)), '', { id: 'sla-csv' });
        section.append(
          h('h1', { id: 'title-sla' }, 'Livelli di servizio del mese'),
          h('p', { class: 'lead' }, 'Indicatori del capitolato, calcolati sulle chiamate arrivate nell’orario di servizio, confrontati con gli obiettivi.'),
          h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'sla-month' }, 'Mese'), monthSelect), h('div', { class: 'field' }, h('label', { for: 'sla-service' }, 'Servizio'), serviceSelect), csv),
        );
        if (!service) {
          section.append(await allServices(month, ctx));
          return;
        }
        let r;
        try {
          r = await api(`/reports/sla?month=${encodeURIComponent(month)}&service=${encodeURIComponent(service)}`);
        } catch (err) {
          section.append(h('div', { class: 'notice notice-err' }, h('strong', {}, 'Impossibile calcolare gli indicatori: '), explain(err)));
          return;
        }
        const daily = r.daily ?? [];
        const calls = r.calls ?? {};
        section.append(
          h('h2', { class: 'sr-only' }, `Indicatori di ${monthName(month)} per ${ctx.serviceName(service)}`),
          h('div', { class: 'kpis', id: 'sla-kpis' }, ...INDICATORS.map((ind) => kpi(ind, r))),
          noLinkedContacts(r),
          h(
            'ul',
            { class: 'stats', 'aria-label': 'Chiamate del mese' },
            h('li', {}, h('strong', {}, String(calls.registered ?? 0)), ' chiamate nell’orario di servizio'),
            h('li', {}, h('strong', {}, String(calls.answered ?? 0)), ' risposte'),
            h('li', {}, h('strong', {}, String(calls.abandoned ?? 0)), ' abbandonate'),
            h('li', {}, h('strong', {}, String(calls.shortAbandoned ?? 0)), ' chiuse entro 10 secondi (escluse dal calcolo)'),
            h('li', {}, h('strong', {}, String(calls.outOfWindow ?? 0)), ' fuori orario'),
          ),
        );
        if (!(calls.registered > 0)) {
          section.append(h('div', { class: 'empty' }, `Nessuna chiamata registrata a ${monthName(month).toLowerCase()} per ${ctx.serviceName(service)}.`));
          return;
        }
        if (typeof Chart === 'undefined') section.append(h('div', { class: 'notice' }, 'I grafici non sono disponibili in questo browser: i dati sono nella tabella qui sotto.'));
        else {
          const volume = figure('Chiamate giorno per giorno', 'Giorni lavorativi del mese.', `Chiamate per giorno di ${monthName(month)}: ${calls.answered} risposte e ${calls.abandoned} abbandonate in tutto.`, true);
          const boxes = INDICATORS.map((ind) => ({
            ind,
            ...figure(`${ind.title} per giorno`, `Verde: obiettivo rispettato quel giorno; rosso: non rispettato. Linea tratteggiata: obiettivo.`, `${ind.title} per giorno: nel mese ${withUnit(r[ind.key], ind.unit)}, obiettivo ${ind.cmp} ${withUnit(r.targets?.[ind.key], ind.unit)}.`),
          }));
          section.append(h('h2', {}, 'Andamento giornaliero'), h('div', { class: 'charts', id: 'sla-charts' }, volume.box, ...boxes.map((b) => b.box)));
          volumeChart(volume.canvas, daily);
          for (const b of boxes) indicatorChart(b.canvas, b.ind, r, daily);
        }
        section.append(
          h(
            'details',
            { class: 'daily' },
            h('summary', {}, 'Dati giorno per giorno (tabella)'),
            table(
              'Dati giorno per giorno',
              ['Giorno', 'Chiamate', 'Risposte', 'Abbandonate', 'Tempo medio', 'Abbandonate %', 'Primo livello %'],
              daily,
              (d) => [d.date.split('-').reverse().join('/'), d.registered ?? d.answered + d.abandoned, d.answered, d.abandoned, withUnit(d.answerTimeAvgSec, 's'), withUnit(d.abandonedPct, '%'), withUnit(d.firstLevelResolvedPct, '%')],
            ),
          ),
        );
      },
    },
    {
      id: 'fuori-termine',
      label: 'Fuori termine',
      live: true,
      async render(section, refresh) {
        const [escalations, missed, complaints] = await Promise.all([
          loadList('le pratiche degli uffici', '/escalations?breached=true&limit=500', ({ items = [] }) => {
            const open = items.filter((e) => ['open', 'in_charge', 'waiting_citizen'].includes(e.status) && isBreached(e));
            return [h('h2', {}, `Pratiche degli uffici (${open.length})`), escalationTable(open, refresh, ctx, { withOffice: true, emptyText: 'Nessuna pratica fuori termine.' })];
          }),
          loadList('i moduli di mancata risposta', '/missed-calls?status=open&limit=500', ({ items = [] }) => {
            const late = items.filter((f) => f.breached);
            return [h('h2', {}, `Cittadini non richiamati nei termini (${late.length})`), missedCallTable(late, refresh, ctx, { canAct: false, withOffice: true, emptyText: 'Nessuna richiamata fuori termine.' })];
          }),
          loadList('i reclami', '/complaints?status=registered,in_charge,investigating,awaiting_requester&limit=500', ({ items = [] }) => {
            const late = items.filter((c) => c.breached);
            return [h('h2', {}, `Reclami oltre il termine di risposta (${late.length})`), complaintTable(late, ctx, refresh, { canAct: false, emptyText: 'Nessun reclamo oltre il termine.' })];
          }),
        ]);
        section.append(
          h('h1', { id: 'title-fuori-termine' }, 'Lavoro fuori termine'),
          h('p', { class: 'lead' }, 'Pratiche, richiamate e reclami che hanno superato la scadenza e sono ancora aperti.'),
          ...[escalations, missed, complaints].flat(),
        );
      },
    },
    overviewTab(ctx),
    reportsTab(ctx),
    exportsTab(ctx),
  ];
}
