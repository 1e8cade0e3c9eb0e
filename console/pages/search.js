// Search: lexical, dense or hybrid retrieval with every hit's rank and score in each leg, so an
// editor can see why a node was (or was not) found.

import { h, replace, num, nodeHref } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, term } from '../lib/i18n.js';

const MODES = ['hybrid', 'lexical', 'dense'];
const LEGS = ['lexical', 'dense', 'dense_question', 'dense_text'];
const state = { query: '', mode: 'hybrid', k: 10, kind: '', result: null };

export async function render(container, ctx) {
  const schema = await ctx.schema();
  if (ctx.query.get('q')) state.query = ctx.query.get('q');
  if (MODES.includes(ctx.query.get('mode'))) state.mode = ctx.query.get('mode');
  const query = h('input', { type: 'search', id: 'search-query', value: state.query, required: true, 'data-testid': 'search-query' });
  const modes = h('fieldset', { class: 'segmented' },
    h('legend', {}, t('search.mode')),
    MODES.map((mode) => h('label', { class: 'seg' },
      h('input', { type: 'radio', name: 'mode', value: mode, checked: state.mode === mode, 'data-testid': `mode-${mode}` }),
      h('span', {}, t(`search.mode_${mode}`)))));
  const k = h('select', { id: 'search-k' }, [5, 10, 20, 50].map((n) => h('option', { value: n, selected: n === state.k }, String(n))));
  const kind = h('select', { id: 'search-kind' },
    h('option', { value: '' }, t('search.any_kind')),
    schema.kinds.map((name) => h('option', { value: name, selected: name === state.kind }, name)));
  const results = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card search-form' },
    h('h1', {}, t('search.title')),
    h('div', { class: 'grid-form' },
      h('div', { class: 'field wide' }, h('label', { for: 'search-query' }, t('search.query')), query),
      modes,
      h('div', { class: 'field' }, h('label', { for: 'search-k' }, t('search.k')), k),
      h('div', { class: 'field' }, h('label', { for: 'search-kind' }, t('search.kind')), kind)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'search-submit' }, t('search.submit'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    state.query = query.value.trim();
    state.mode = form.querySelector('input[name=mode]:checked').value;
    state.k = Number(k.value);
    state.kind = kind.value;
    if (!state.query) return;
    try {
      state.result = await api.search({
        query: state.query,
        mode: state.mode,
        k: state.k,
        kinds: state.kind ? [state.kind] : [],
      });
      renderResults(results);
    } catch (error) {
      replace(results, h('div', { class: 'card error', role: 'alert' }, error.message));
    }
  });
  replace(container, form, results);
  if (ctx.query.get('q')) form.requestSubmit();
  else renderResults(results);
}

function leg(value) {
  if (!value) return h('td', { class: 'num muted' }, '–');
  return h('td', { class: 'num' }, h('span', { class: 'rank' }, `#${value.rank}`), ' ', num(value.score, 3));
}

function renderResults(box) {
  const result = state.result;
  if (!result) {
    replace(box);
    return;
  }
  replace(box, h('section', { class: 'card', 'data-testid': 'search-results' },
    h('p', { class: 'muted' }, t('search.summary', {
      n: result.hits.length,
      mode: t(`search.mode_${result.mode}`),
      ms: num(result.took_ms, 1),
      version: result.kb_version,
    })),
    result.degraded ? h('p', { class: 'banner warn' }, t('search.degraded', { reason: result.degraded_reason || '' })) : null,
    result.hits.length
      ? h('div', { class: 'scroll' }, h('table', { class: 'table hits' },
        h('thead', {}, h('tr', {},
          h('th', { class: 'num' }, '#'),
          h('th', {}, t('col.node')),
          h('th', {}, t('col.kind')),
          h('th', { class: 'num' }, t('col.score')),
          LEGS.map((name) => h('th', { class: 'num' }, term('leg', name))))),
        h('tbody', {}, result.hits.map((hit, i) => h('tr', { 'data-node': hit.id },
          h('td', { class: 'num' }, String(i + 1)),
          h('td', {}, h('a', { href: nodeHref(hit.id) }, hit.name), h('div', { class: 'mono muted' }, hit.id)),
          h('td', {}, hit.kind),
          h('td', { class: 'num' }, num(hit.score, 3)),
          LEGS.map((name) => leg(hit[name])))))))
      : h('p', {}, t('search.none'))));
}
