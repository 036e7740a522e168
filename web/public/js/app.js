// The back-office page: sign in with an API key, then the sections of the key's role.
import { api, session, h, showMessage, explain } from './ui.js';
import { officeTabs } from './office.js';
import { operatorTabs } from './operator.js';
import { uruTabs } from './uru.js';
import { supervisorTabs } from './supervisor.js';

const ROLE_NAMES = { admin: 'amministratore', supervisor: 'supervisione', operator: 'operatore', office: 'ufficio', uru: 'URU', integrator: 'integrazione', scheduler: 'pianificazione' };

const $ = (id) => document.getElementById(id);

async function start() {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    session.key = $('api-key').value.trim();
    $('api-key').value = '';
    await enter();
  });
  $('logout').addEventListener('click', () => {
    session.key = null;
    location.reload();
  });
  if (session.key) await enter();
}

async function enter() {
  let me;
  let catalog;
  try {
    me = await api('/me');
    catalog = (await api('/services')).services;
  } catch (err) {
    session.key = null;
    showMessage(err.status === 401 ? 'Chiave di accesso non valida o revocata.' : `Accesso non riuscito: ${explain(err)}`, 'err');
    return;
  }
  const ctx = { me, catalog, officeName: (code) => catalog.flatMap((s) => s.offices).find((o) => o.code === code)?.name ?? code };
  $('login').hidden = true;
  $('who').hidden = false;
  $('who-text').textContent = `${me.name} · ${ROLE_NAMES[me.role] ?? me.role}${me.office ? ` · ${ctx.officeName(me.office)}` : ''}`;
  const tabs = tabsFor(me.role, ctx);
  if (!tabs.length) {
    $('view').replaceChildren(h('div', { class: 'card' }, h('h1', {}, 'Nessuna sezione'), h('p', {}, 'Questa chiave serve alle integrazioni e non ha pagine nel back office.')));
    return;
  }
  const nav = $('tabs');
  nav.hidden = false;
  nav.setAttribute('role', 'tablist');
  const show = async (tab) => {
    for (const b of nav.children) b.setAttribute('aria-selected', String(b.dataset.id === tab.id));
    const view = $('view');
    view.replaceChildren(h('p', { class: 'muted' }, 'Caricamento…'));
    const section = h('section', { 'aria-labelledby': `title-${tab.id}`, id: `section-${tab.id}` });
    try {
      await tab.render(section, () => show(tab));
      view.replaceChildren(section);
    } catch (err) {
      view.replaceChildren(h('div', { class: 'card' }, h('p', {}, `Impossibile caricare la sezione: ${explain(err)}`)));
    }
  };
  nav.replaceChildren(...tabs.map((t) => h('button', { type: 'button', role: 'tab', 'data-id': t.id, onclick: () => show(t) }, t.label)));
  await show(tabs[0]);
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
      return supervisorTabs(ctx);
    case 'admin':
      return [...supervisorTabs(ctx), ...operatorTabs(ctx), ...uruTabs(ctx)];
    default:
      return [];
  }
}

start();
