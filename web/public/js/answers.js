// Standard answers: offered while the operator resolves a contact (search as you type), written,
// revised and retired by supervisors, and the knowledge report (answers used, needs to cover).
import { api, h, act, formDialog, infoDialog, compact, table, button, badge, fmtDate, fmtDateTime, fmtNumber, plural, explain, loadList, ZONE, recentMonths, monthName } from './ui.js';

const STATUS = {
  valid: ['In uso', 'ok'],
  scheduled: ['Non ancora valida', 'info'],
  expired: ['Scaduta', 'warn'],
  retired: ['Ritirata', 'neutral'],
};
const statusBadge = (s) => badge(...(STATUS[s] ?? [s, 'info']));

/** 'YYYY-MM-DD' in Rome of an instant (ms). */
const romeDay = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
/** The window as days: validTo is the first instant after it, so its last day is the one before. */
const fromDay = (a) => (a.validFrom ? romeDay(Date.parse(a.validFrom)) : '');
const toDay = (a) => (a.validTo ? romeDay(Date.parse(a.validTo) - 1) : '');
function validityText(a) {
  if (!a.validFrom && !a.validTo) return 'Sempre valida';
  if (!a.validTo) return `Dal ${fmtDate(a.validFrom)}`;
  const last = new Date(Date.parse(a.validTo) - 1).toISOString();
  return a.validFrom ? `Dal ${fmtDate(a.validFrom)} al ${fmtDate(last)}` : `Fino al ${fmtDate(last)}`;
}

let pickerSeq = 0;

/**
 * A combobox (ARIA 1.2 pattern): the operator types, the service's standard answers valid now are
 * listed best match first; arrows move, Enter or a click chooses, Esc closes the list.
 */
function answerPicker(c, ctx, onChoose) {
  const id = `answer-pick-${++pickerSeq}`;
  const listId = `${id}-list`;
  let options = [];
  let active = -1;
  let timer;
  let asked = 0;
  const input = h('input', {
    id,
    type: 'search',
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'aria-describedby': `${id}-hint ${id}-status`,
    placeholder: 'Es. raccolta frutta, orari sede…',
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'answer-options', 'aria-label': 'Risposte standard trovate', hidden: true });
  const status = h('p', { id: `${id}-status`, class: 'hint', 'aria-live': 'polite' });

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', `${listId}-${i}`);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (i) => {
    const a = options[i];
    if (!a) return;
    close();
    input.value = a.title;
    status.textContent = '';
    onChoose(a);
  };
  const show = (items) => {
    options = items;
    list.replaceChildren(
      ...items.map((a, i) =>
        h(
          'li',
          { id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', class: 'answer-option', onmousedown: (e) => e.preventDefault(), onclick: () => choose(i) },
          h('strong', {}, a.title),
          a.category ? h('span', { class: 'muted' }, ` — ${ctx.categoryName(a.service, a.category)}`) : null,
          h('span', { class: 'answer-snippet' }, a.body.length > 140 ? `${a.body.slice(0, 140)}…` : a.body),
        ),
      ),
    );
    list.hidden = !items.length;
    input.setAttribute('aria-expanded', String(items.length > 0));
    status.textContent = items.length ? `${plural(items.length, 'risposta standard trovata', 'risposte standard trovate')}: frecce per scorrere, Invio per scegliere.` : 'Nessuna risposta standard trovata.';
    active = -1;
  };
  const search = async () => {
    const q = input.value.trim();
    const seq = ++asked;
    const params = new URLSearchParams({ service: c.service, limit: '8' });
    if (q) params.set('q', q);
    else if (c.category) params.set('category', c.category);
    try {
      const { items = [] } = await api(`/answers?${params}`);
      if (seq === asked && document.activeElement === input) show(items);
    } catch (err) {
      if (seq === asked) status.textContent = `Ricerca non riuscita: ${explain(err)}`;
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener('focus', () => void search());
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden) void search();
      else mark(Math.min(active + 1, options.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      mark(Math.max(active - 1, 0));
    } else if (e.key === 'Enter') {
      // Inside the dialog's form: Enter chooses, it never submits the resolution by accident.
      e.preventDefault();
      if (!list.hidden) choose(active >= 0 ? active : 0);
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  return {
    input,
    element: h(
      'div',
      { class: 'field field-wide answer-picker' },
      h('label', { for: id }, 'Cerca una risposta standard'),
      h('div', { class: 'answer-combo' }, input, list),
      h('p', { id: `${id}-hint`, class: 'hint' }, 'Scriva alcune parole: le risposte standard del servizio valide oggi compaiono mentre scrive.'),
      status,
    ),
  };
}

/**
 * The operator's resolution: a standard answer found by typing, the operator's own text, or both
 * (the text then completes the standard answer). Resolves with the request body, or null.
 */
export async function resolveWithAnswer(c, ctx, context) {
  let chosen = null;
  const chosenBox = h('div', { class: 'answer-chosen', hidden: true, 'aria-live': 'polite' });
  const textarea = () => document.querySelector('#dialog-body textarea[name="answer"]');
  const hintOf = () => document.getElementById(`${textarea()?.id}-hint`);
  const ownHint = c.caller?.email ? `Per i contatti scritti la risposta è inviata a ${c.caller.email}.` : 'La risposta resta agli atti del contatto.';
  const setChosen = (a) => {
    chosen = a;
    const area = textarea();
    if (area) {
      // With a standard answer the operator's words are optional: they complete it.
      area.required = !a;
      area.setAttribute('aria-invalid', 'false');
    }
    const label = area && document.querySelector(`label[for="${area.id}"]`);
    if (label) {
      label.firstChild.textContent = a ? 'Testo aggiuntivo (facoltativo)' : 'Risposta data al cittadino';
      const star = label.querySelector('.req');
      if (star) star.hidden = !!a;
    }
    const hint = hintOf();
    if (hint) hint.textContent = a ? `Facoltativo: si aggiunge in coda alla risposta standard. ${ownHint}` : ownHint;
    chosenBox.hidden = !a;
    chosenBox.replaceChildren(
      ...(a
        ? [
            h('p', {}, h('strong', {}, 'Risposta standard scelta: '), a.title, h('span', { class: 'muted' }, ` (versione ${a.version})`)),
            h('blockquote', { class: 'answer-text' }, a.body),
            button('Togli la risposta standard', () => {
              setChosen(null);
              picker.input.value = '';
              picker.input.focus();
            }),
          ]
        : []),
    );
  };
  const picker = answerPicker(c, ctx, setChosen);
  const intro = h('div', {}, context, picker.element, chosenBox);
  const pending = formDialog(
    `Risposta di primo livello al contatto ${c.id}`,
    [{ name: 'answer', label: 'Risposta data al cittadino', type: 'textarea', required: true, hint: ownHint }],
    'Registra la risposta',
    intro,
  );
  picker.input.focus();
  const v = await pending;
  if (!v) return null;
  return compact({ answerId: chosen?.id, answer: v.answer });
}

// ---- Supervisors: writing answers, the knowledge report ----------------------------------------

function answerFields(ctx, service, a = {}) {
  const categories = (ctx.service(service)?.categories ?? []).map((x) => [x.code, x.name]);
  return [
    { name: 'title', label: 'Titolo', required: true, value: a.title, maxlength: 200, wide: true, hint: 'Le parole del titolo pesano di più nella ricerca degli operatori.' },
    { name: 'category', label: 'Categoria', type: 'select', options: categories, value: a.category ?? undefined, placeholder: '— tutte le categorie —' },
    { name: 'body', label: 'Testo della risposta', type: 'textarea', required: true, value: a.body, rows: 7, maxlength: 8000, hint: 'È il testo inviato al cittadino che ha scritto.' },
    { name: 'validFrom', label: 'Valida dal', type: 'date', value: a.validFrom ? fromDay(a) : undefined, hint: 'Facoltativo (es. inizio di un’iniziativa stagionale).' },
    { name: 'validTo', label: 'Valida fino al (compreso)', type: 'date', value: a.validTo ? toDay(a) : undefined, hint: 'Facoltativo.' },
  ];
}

async function showVersions(a, ctx) {
  let detail;
  try {
    detail = await api(`/answers/${encodeURIComponent(a.id)}`);
  } catch (err) {
    infoDialog(`Versioni di «${a.title}»`, h('p', {}, explain(err)));
    return;
  }
  infoDialog(
    `Versioni di «${detail.title}»`,
    h('p', { class: 'muted' }, `${ctx.serviceName(detail.service)} · ${detail.id} · versione attuale ${detail.version}`),
    h(
      'ul',
      { class: 'answer-versions' },
      ...detail.versions.map((v) =>
        h(
          'li',
          {},
          h('p', {}, h('strong', {}, `Versione ${v.version}: ${v.title}`)),
          h('p', { class: 'muted' }, `${fmtDateTime(v.createdAt)} — ${v.createdBy} — ${validityText(v)} — ${plural(v.uses, 'uso', 'usi')}`),
          h('blockquote', { class: 'answer-text' }, v.body),
        ),
      ),
    ),
  );
}

function manageTab(ctx) {
  let service = ctx.catalog[0]?.code ?? '';
  let q = '';
  let retired = false;
  return {
    id: 'risposte-standard',
    label: 'Risposte standard',
    async render(section, refresh) {
      const serviceSelect = h('select', { id: 'answers-service', onchange: (e) => ((service = e.target.value), refresh()) }, ...ctx.catalog.map((s) => h('option', { value: s.code, selected: s.code === service }, s.name)));
      const searchInput = h('input', { id: 'answers-q', type: 'search', value: q, autocomplete: 'off' });
      const searchForm = h(
        'form',
        { class: 'field', role: 'search', onsubmit: (e) => (e.preventDefault(), (q = searchInput.value.trim()), refresh()) },
        h('label', { for: 'answers-q' }, 'Cerca nel testo'),
        h('div', { class: 'answer-combo-row' }, searchInput, h('button', { type: 'submit', class: 'btn btn-small' }, 'Cerca')),
      );
      const retiredBox = h('div', { class: 'field field-check' }, h('input', { id: 'answers-retired', type: 'checkbox', checked: retired, onchange: (e) => ((retired = e.target.checked), refresh()) }), h('label', { for: 'answers-retired' }, 'Mostra anche le ritirate'));
      const write = button(
        'Nuova risposta standard',
        async () => {
          const v = await formDialog(`Nuova risposta standard — ${ctx.serviceName(service)}`, answerFields(ctx, service), 'Salva la risposta');
          if (v) await act(() => api('/answers', { method: 'POST', body: compact({ service, ...v }) }), 'Risposta standard salvata.').then((ok) => ok && refresh());
        },
        'btn-primary',
        { id: 'answers-new' },
      );
      const params = new URLSearchParams({ service, limit: '200' });
      if (q) params.set('q', q);
      if (retired) params.set('includeRetired', 'true');
      section.append(
        h('h1', { id: 'title-risposte-standard' }, 'Risposte standard'),
        h('p', { class: 'lead' }, 'Le risposte concordate con gli uffici, per servizio e categoria, con il periodo di validità. Ogni modifica crea una nuova versione; le precedenti restano consultabili.'),
        h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'answers-service' }, 'Servizio'), serviceSelect), searchForm, retiredBox, write),
        await loadList('le risposte standard', `/answers?${params}`, ({ items = [], total = 0 }) =>
          h(
            'div',
            {},
            h('p', { class: 'count' }, plural(total, 'risposta', 'risposte')),
            table(
              'Risposte standard',
              ['Risposta', 'Categoria', 'Validità', 'Stato', 'Versione', 'Azioni'],
              items,
              (a) => [
                h('span', { class: 'lines' }, h('strong', {}, a.title), h('span', { class: 'muted answer-snippet' }, a.body.length > 160 ? `${a.body.slice(0, 160)}…` : a.body)),
                a.category ? ctx.categoryName(a.service, a.category) : 'Tutte',
                validityText(a),
                statusBadge(a.status),
                String(a.version),
                h(
                  'div',
                  { class: 'row-actions' },
                  a.status !== 'retired'
                    ? button('Modifica', async () => {
                        const v = await formDialog(`Modifica «${a.title}» (nuova versione)`, answerFields(ctx, a.service, a), 'Salva la nuova versione');
                        if (v) await act(() => api(`/answers/${encodeURIComponent(a.id)}`, { method: 'PUT', body: compact(v) }), 'Nuova versione salvata.').then((ok) => ok && refresh());
                      })
                    : null,
                  button('Versioni', () => showVersions(a, ctx)),
                  a.status !== 'retired'
                    ? button('Ritira', async () => {
                        const ok = await formDialog(`Ritira «${a.title}»`, [], 'Ritira la risposta', h('p', {}, 'Non sarà più proposta agli operatori. Le versioni e i conteggi d’uso restano consultabili.'));
                        if (ok) await act(() => api(`/answers/${encodeURIComponent(a.id)}/retire`, { method: 'POST', body: {} }), 'Risposta ritirata.').then((done) => done && refresh());
                      })
                    : null,
                ),
              ],
              (a) => (a.status === 'retired' ? 'row-muted' : undefined),
              q ? 'Nessuna risposta corrisponde alla ricerca.' : 'Nessuna risposta standard per questo servizio.',
            ),
          ),
        ),
      );
    },
  };
}


function knowledgeTab(ctx) {
  const months = recentMonths(24);
  let month = months[0];
  let service = '';
  return {
    id: 'conoscenza',
    label: 'Bisogni informativi',
    async render(section, refresh) {
      const monthSelect = h('select', { id: 'knowledge-month', onchange: (e) => ((month = e.target.value), refresh()) }, ...months.map((m, i) => h('option', { value: m, selected: m === month }, i === 0 ? `${monthName(m)} (in corso)` : monthName(m))));
      const serviceSelect = h(
        'select',
        { id: 'knowledge-service', onchange: (e) => ((service = e.target.value), refresh()) },
        h('option', { value: '' }, 'Tutti i servizi'),
        ...ctx.catalog.map((s) => h('option', { value: s.code, selected: s.code === service }, s.name)),
      );
      section.append(
        h('h1', { id: 'title-conoscenza' }, 'Risposte standard e bisogni informativi'),
        h('p', { class: 'lead' }, 'Quali risposte standard usano gli operatori, quante risoluzioni di primo livello ne usano una e quali categorie finiscono più spesso agli uffici: le informazioni da coprire con nuove risposte.'),
        h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'knowledge-month' }, 'Mese'), monthSelect), h('div', { class: 'field' }, h('label', { for: 'knowledge-service' }, 'Servizio'), serviceSelect)),
        await loadList('il rapporto', `/reports/knowledge?month=${encodeURIComponent(month)}${service ? `&service=${encodeURIComponent(service)}` : ''}`, (r) => {
          const fl = r.firstLevel ?? {};
          return h(
            'div',
            { id: 'knowledge-report' },
            h(
              'ul',
              { class: 'stats', 'aria-label': 'Risoluzioni di primo livello del mese' },
              h('li', {}, h('strong', {}, String(fl.total ?? 0)), fl.total === 1 ? ' risoluzione di primo livello' : ' risoluzioni di primo livello'),
              h('li', {}, h('strong', {}, String(fl.withStandardAnswer ?? 0)), ' con una risposta standard'),
              h('li', {}, h('strong', {}, String(fl.withoutStandardAnswer ?? 0)), ' senza risposta standard'),
              h('li', {}, h('strong', {}, fl.withStandardAnswerPct === null || fl.withStandardAnswerPct === undefined ? '—' : `${fmtNumber(fl.withStandardAnswerPct)} %`), ' con risposta standard'),
            ),
            h('h2', {}, 'Risposte standard più usate'),
            table('Risposte standard più usate', ['Risposta', 'Versione', 'Servizio', 'Usi'], r.answers ?? [], (a) => [a.title, String(a.version), ctx.serviceName(a.service), String(a.uses)], undefined, 'Nessuna risposta standard usata nel mese.'),
            h('h2', {}, 'Categorie inoltrate più spesso agli uffici'),
            table(
              'Categorie inoltrate più spesso agli uffici',
              ['Servizio', 'Categoria', 'Inoltri'],
              (r.escalatedCategories ?? []).flatMap((s) => s.categories.map((c) => ({ service: s.service, ...c }))),
              (c) => [ctx.serviceName(c.service), c.category ? (c.name ?? c.category) : 'Non classificata', String(c.escalations)],
              undefined,
              'Nessun contatto inoltrato agli uffici nel mese.',
            ),
          );
        }),
      );
    },
  };
}

/** The sections of this module for a role (the page appends them to the role's tabs). */
export function answerTabs(role, ctx) {
  return role === 'supervisor' || role === 'admin' ? [manageTab(ctx), knowledgeTab(ctx)] : [];
}
