// Changes: the changelog, newest first — which key changed the KB, when, through which route or
// file, the counts, and per node or edge the fields before and after.

import { h, replace, localTime, nodeHref } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, summaryText } from '../lib/i18n.js';

const PAGE = 20;

export async function render(container, ctx) {
  const { kb_version: latest } = await api.schema();
  const list = h('ol', { class: 'changes', reversed: true, 'data-testid': 'changes' });
  const more = h('button', { type: 'button', class: 'secondary' }, t('changes.older'));
  replace(container,
    h('div', { class: 'card' },
      h('h1', {}, t('changes.title')),
      h('p', { class: 'muted' }, t('changes.intro', { version: latest }))),
    list, more);
  // Versions above `oldest` are shown; the next page is the PAGE versions below it.
  let oldest = latest + 1;
  async function loadOlder() {
    const since = Math.max(0, oldest - 1 - PAGE);
    const limit = Math.max(1, oldest - 1 - since);
    const page = await api.changes(since, limit);
    for (const record of [...page.changes].reverse()) list.append(renderRecord(record));
    oldest = since + 1;
    more.hidden = since === 0;
    if (!list.children.length) list.append(h('li', { class: 'muted' }, t('changes.none')));
  }
  more.addEventListener('click', () => loadOlder().catch((error) => ctx.toast(error.message, 'error')));
  await loadOlder();
}

function renderRecord(record) {
  // An import can record a thousand entries: build them when the record is opened.
  const details = record.changes.length ? h('details', {}, h('summary', {}, t('changes.details', { n: record.changes.length }))) : null;
  details?.addEventListener('toggle', () => {
    if (!details.open || details.dataset.filled) return;
    details.dataset.filled = 'yes';
    details.append(
      h('ul', { class: 'entries' }, record.changes.map(renderEntry)),
      record.truncated ? h('p', { class: 'muted' }, t('changes.truncated')) : null);
  });
  return h('li', { class: 'card change', 'data-version': record.kb_version },
    h('div', { class: 'change-head' },
      h('strong', {}, t('changes.version', { version: record.kb_version })),
      h('span', {}, localTime(record.time)),
      h('span', { class: 'badge' }, record.actor),
      h('span', { class: 'mono muted' }, record.source)),
    h('p', {}, summaryText(record.summary)),
    details);
}

function show(value) {
  if (value === undefined) return h('span', { class: 'muted' }, '–');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function renderEntry(entry) {
  const isNode = entry.op.endsWith('_node');
  const before = entry.before || {};
  const after = entry.after || {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]) || !entry.op.startsWith('update'));
  return h('li', { class: `entry ${entry.op}` },
    h('div', {},
      h('span', { class: 'badge' }, t(`op.${entry.op}`)), ' ',
      isNode && entry.op !== 'delete_node' ? h('a', { href: nodeHref(entry.target), class: 'mono' }, entry.target) : h('span', { class: 'mono' }, entry.target)),
    keys.length ? h('div', { class: 'scroll' }, h('table', { class: 'table diff' },
      h('thead', {}, h('tr', {}, h('th', {}, t('col.field')),
        entry.before ? h('th', {}, t('changes.before')) : null,
        entry.after ? h('th', {}, t('changes.after')) : null)),
      h('tbody', {}, keys.map((key) => h('tr', {},
        h('th', { scope: 'row', class: 'mono' }, key),
        entry.before ? h('td', { class: 'before' }, show(before[key])) : null,
        entry.after ? h('td', { class: 'after' }, show(after[key])) : null))))) : null);
}
