// The console's shell: sign-in, the navigation bar (only the pages the key's role may use), the
// language switch and a hash router (`#/nodes/<id>?…`) that hands each page its parameters.
// Pages are modules exporting `render(main, ctx)`.

import { h, replace } from './lib/dom.js';
import { api, storedKey, storeKey, forgetKey, onSignedOut, ApiError } from './lib/api.js';
import { t, lang, setLang, LANGUAGES } from './lib/i18n.js';
import * as askPage from './pages/ask.js';
import * as searchPage from './pages/search.js';
import * as nodesPage from './pages/nodes.js';
import * as graphPage from './pages/graph.js';
import * as importPage from './pages/import.js';
import * as changesPage from './pages/changes.js';
import * as insightsPage from './pages/insights.js';

const ROLES = ['reader', 'editor', 'admin'];
const PAGES = [
  { id: 'ask', role: 'reader', page: askPage },
  { id: 'search', role: 'reader', page: searchPage },
  { id: 'nodes', role: 'reader', page: nodesPage },
  { id: 'graph', role: 'reader', page: graphPage },
  { id: 'import', role: 'editor', page: importPage },
  { id: 'changes', role: 'admin', page: changesPage },
  { id: 'insights', role: 'admin', page: insightsPage },
];

const session = { role: null, keyId: null, schema: null };
const topbar = document.getElementById('topbar');
const main = document.getElementById('main');
const toastBox = document.getElementById('toast');

function can(role) {
  return session.role !== null && ROLES.indexOf(session.role) >= ROLES.indexOf(role);
}

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  const [pageId = '', ...rest] = path.split('/');
  return {
    pageId: pageId || 'ask',
    // A node id is one percent-encoded segment; join the rest so a plain `a/b` works too.
    param: rest.length ? decodeURIComponent(rest.join('/')) : '',
    query: new URLSearchParams(search),
  };
}

let toastTimer;
function toast(message, kind = 'ok') {
  toastBox.textContent = message;
  toastBox.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toastBox.className = 'toast';
  }, 5000);
}

function context(current) {
  return {
    role: session.role,
    keyId: session.keyId,
    can,
    param: current.param,
    query: current.query,
    navigate: (hash) => {
      location.hash = hash;
    },
    toast,
    rerender: render,
    schema: () => {
      session.schema ??= api.schema().catch((error) => {
        session.schema = null;
        throw error;
      });
      return session.schema;
    },
  };
}

function renderTopbar(current) {
  const languageSelect = h('select', { id: 'lang', 'aria-label': t('nav.language'), 'data-testid': 'lang' },
    LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === lang() }, name)));
  languageSelect.addEventListener('change', () => {
    setLang(languageSelect.value);
    render();
  });
  const parts = [
    h('a', { class: 'brand', href: '#/ask' }, h('img', { src: 'favicon.svg', alt: '', width: 22, height: 22 }), ' AnswerGraph'),
  ];
  if (session.role) {
    parts.push(h('nav', { 'aria-label': t('nav.label') },
      h('ul', {}, PAGES.filter((p) => can(p.role)).map((p) =>
        h('li', {}, h('a', {
          href: `#/${p.id}`,
          'aria-current': p.id === current.pageId ? 'page' : false,
          'data-testid': `nav-${p.id}`,
        }, t(`nav.${p.id}`)))))));
  }
  const tools = [languageSelect];
  if (session.role) {
    tools.push(
      h('span', { class: 'who', title: session.keyId, 'data-testid': 'role' },
        t(`role.${session.role}`)),
      h('button', { type: 'button', class: 'link', onClick: signOut, 'data-testid': 'sign-out' }, t('nav.sign_out')),
    );
  }
  parts.push(h('div', { class: 'tools' }, tools));
  replace(topbar, parts);
}

function renderSignIn(message) {
  renderTopbar({ pageId: '' });
  const input = h('input', { type: 'password', id: 'key', name: 'key', autocomplete: 'off', required: true, 'data-testid': 'key' });
  const error = h('div', { class: 'field-error', id: 'key-error', role: 'alert' }, message || '');
  const form = h('form', { class: 'card signin', 'data-testid': 'sign-in' },
    h('h1', {}, t('signin.title')),
    h('p', {}, t('signin.intro')),
    h('div', { class: 'field' }, h('label', { for: 'key' }, t('signin.key')), input, error),
    h('p', { class: 'hint' }, t('signin.session_only')),
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      const me = await api.whoami(input.value.trim());
      storeKey(input.value.trim());
      session.role = me.role;
      session.keyId = me.key_id;
      render();
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 401 ? t('signin.bad_key') : e.message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  replace(main, form);
  input.focus();
}

function signOut() {
  forgetKey();
  session.role = null;
  session.keyId = null;
  session.schema = null;
  renderSignIn();
}

let rendering = 0;
async function render() {
  if (!session.role) {
    renderSignIn();
    return;
  }
  const current = route();
  renderTopbar(current);
  const entry = PAGES.find((p) => p.id === current.pageId);
  const ticket = ++rendering;
  if (!entry) {
    replace(main, h('div', { class: 'card' }, h('h1', {}, t('page.not_found'))));
    return;
  }
  if (!can(entry.role)) {
    replace(main, h('div', { class: 'card', 'data-testid': 'forbidden' },
      h('h1', {}, t(`nav.${entry.id}`)),
      h('p', {}, t('page.needs_role', { role: t(`role.${entry.role}`) }))));
    return;
  }
  document.title = `${t(`nav.${entry.id}`)} · AnswerGraph`;
  const container = h('div', { class: `page page-${entry.id}` });
  replace(main, container);
  try {
    await entry.page.render(container, context(current));
  } catch (error) {
    if (ticket !== rendering) return;
    container.append(h('div', { class: 'card error', role: 'alert' }, `${t('error.load')}: ${error.message}`));
  }
}

onSignedOut(() => signOut());
window.addEventListener('hashchange', () => {
  render();
  main.focus({ preventScroll: true });
});

async function start() {
  const key = storedKey();
  if (key) {
    try {
      const me = await api.whoami(key);
      session.role = me.role;
      session.keyId = me.key_id;
    } catch {
      forgetKey();
    }
  }
  render();
}

start();
