// The back-office page: sign in with an API key, then the sections of the key's role.
import { api, session, h, showMessage, explain, failedList, fmtTime, UNAUTHORIZED_EVENT, ApiError } from './ui.js';
import { officeTabs } from './office.js';
import { operatorTabs } from './operator.js';
import { uruTabs } from './uru.js';
import { supervisorTabs } from './supervisor.js';
import { planningTabs } from './planning.js';
import { appointmentTabs } from './appointments.js';
import { searchTabs } from './search.js';
import { answerTabs } from './answers.js';
import { crmTabs } from './crm.js';

const ROLE_NAMES = { admin: 'Amministratore', supervisor: 'Supervisore', operator: 'Operatore', office: 'Ufficio', uru: 'URU', integrator: 'Integrazione', scheduler: 'Pianificazione' };
/** Queues refresh themselves this often, unless the user is busy in them. */
const AUTO_REFRESH_MS = 60_000;

const $ = (id) => document.getElementById(id);
let signedIn = false;

function start() {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) {
      showMessage('Inserisca la chiave di accesso.', 'err');
      $('api-key').focus();
      return;
    }
    session.key = key;
    $('api-key').value = '';
    await enter();
  });
  $('logout').addEventListener('click', () => signOut());
  window.addEventListener(UNAUTHORIZED_EVENT, () => {
    if (signedIn) signOut('La chiave di accesso non è più valida: acceda di nuovo.');
  });
  if (session.key) void enter();
  else $('api-key').focus();
}

function signOut(message) {
  session.key = null;
  signedIn = false;
  clearInterval(autoRefresh);
  $('who').hidden = true;
  $('tabs').hidden = true;
  $('tabs').replaceChildren();
  $('view').replaceChildren();
  $('login').hidden = false;
  history.replaceState(null, '', location.pathname);
  if (message) showMessage(message, 'err');
  else showMessage('Uscita eseguita. La chiave è stata cancellata da questa scheda.', 'ok');
  $('api-key').focus();
}

let autoRefresh;

async function enter() {
  let me;
  let catalog;
  try {
    me = await api('/me');
    catalog = (await api('/services')).services ?? [];
  } catch (err) {
    session.key = null;
    showMessage(err instanceof ApiError && err.status === 401 ? 'Chiave di accesso non valida o revocata.' : `Accesso non riuscito: ${explain(err)}`, 'err');
    $('api-key').focus();
    return;
  }
  signedIn = true;
  $('messages').replaceChildren();
  const offices = catalog.flatMap((s) => s.offices ?? []);
  const ctx = {
    me,
    catalog,
    service: (code) => catalog.find((s) => s.code === code),
    serviceName: (code) => catalog.find((s) => s.code === code)?.name ?? code,
    officeName: (code) => offices.find((o) => o.code === code)?.name ?? code,
    categoryName: (service, code) => catalog.find((s) => s.code === service)?.categories?.find((c) => c.code === code)?.name ?? code,
  };
  $('login').hidden = true;
  $('who').hidden = false;
  $('who-name').textContent = me.name;
  $('who-role').textContent = me.office ? `${ROLE_NAMES.office} · ${ctx.officeName(me.office)}` : ROLE_NAMES[me.role] ?? me.role;

  const tabs = [...tabsFor(me.role, ctx), ...appointmentTabs(me.role, ctx)];
  tabs.push(...searchTabs(me.role));
  tabs.push(...answerTabs(me.role, ctx));
  if (!tabs.length) {
    $('view').replaceChildren(h('div', { class: 'card' }, h('h1', {}, 'Nessuna sezione per questa chiave'), h('p', {}, 'Questa chiave serve alle integrazioni tra sistemi e non ha pagine nel back office. Chieda all’amministratore una chiave personale.')));
    return;
  }
  const nav = $('tabs');
  nav.hidden = false;
  let current;

  let renders = 0;
  const show = async (tab, { focus = false, quiet = false } = {}) => {
    current = tab;
    // Only the latest render may land: a slow earlier one (e.g. before a filter changed) is dropped.
    const seq = ++renders;
    for (const b of nav.querySelectorAll('button')) {
      if (b.dataset.id === tab.id) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    }
    if (location.hash !== `#${tab.id}`) history.replaceState(null, '', `#${tab.id}`);
    const view = $('view');
    if (!quiet) view.replaceChildren(h('p', { class: 'muted loading' }, 'Caricamento…'));
    const section = h('section', { 'aria-labelledby': `title-${tab.id}`, id: `section-${tab.id}`, class: 'section' });
    const refresh = () => show(tab);
    try {
      await tab.render(section, refresh);
    } catch (err) {
      if (!signedIn) return;
      section.replaceChildren(h('h1', { id: `title-${tab.id}`, tabindex: '-1' }, tab.label), failedList('questa sezione', err));
    }
    if (seq !== renders || !signedIn) return;
    const h1 = section.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      if (tab.live) {
        const head = h('div', { class: 'section-head' });
        h1.replaceWith(head);
        head.append(h1, h('div', { class: 'updated' }, h('span', { class: 'muted' }, `Aggiornato alle ${fmtTime(new Date())}`), h('button', { type: 'button', class: 'btn btn-small', onclick: refresh }, 'Aggiorna')));
      }
    }
    view.replaceChildren(section);
    if (focus) h1?.focus();
  };

  nav.replaceChildren(
    h('ul', {}, ...tabs.map((t) => h('li', {}, h('button', { type: 'button', 'data-id': t.id, onclick: () => show(t, { focus: true }) }, t.label)))),
  );
  const fromHash = tabs.find((t) => `#${t.id}` === location.hash);
  await show(fromHash ?? tabs[0]);

  // Queues change under the user's eyes (new escalations, voicemails at opening): reload them, but
  // never while a dialog is open or the user is working inside the section.
  clearInterval(autoRefresh);
  autoRefresh = setInterval(() => {
    if (!signedIn || !current?.live || document.hidden) return;
    if (document.querySelector('dialog[open]')) return;
    if ($('view').contains(document.activeElement) && document.activeElement !== document.body && document.activeElement.tagName !== 'H1') return;
    void show(current, { quiet: true });
  }, AUTO_REFRESH_MS);
}

function tabsFor(role, ctx) {
  switch (role) {
    case 'office':
      return officeTabs(ctx);
    case 'operator':
      return operatorTabs(ctx);
    case 'uru':
      return uruTabs(ctx);
    case 'supervisor':
      return [...supervisorTabs(ctx), ...planningTabs(ctx), ...crmTabs(ctx)];
    case 'admin':
      return [...supervisorTabs(ctx), ...planningTabs(ctx), ...crmTabs(ctx), ...operatorTabs(ctx), ...uruTabs(ctx)];
    default:
      return [];
  }
}

start();
