// Nodes: find nodes by name, id, alias or kind; read one with its edges; and — for editors —
// edit every field, alias, attribute and edge. A save is ONE atomic delta import (the node line,
// then one line per added or removed edge), so the node and its edges change together or not at
// all, and the server's validation errors come back by line and field and are shown next to the
// field they concern. "Check" sends the same batch as a dry run. Delete first asks the server
// what would go (a dry run) and lists the edges before it confirms.

import { h, replace, field, setFieldError, localTime, nodeHref, graphHref, debounce } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, summaryText } from '../lib/i18n.js';
import { kindColor } from '../lib/graph.js';

const PAGE = 50;
const finder = { q: '', kind: '', shown: PAGE };

export async function render(container, ctx) {
  const schema = await ctx.schema();
  const aside = h('aside', { class: 'card finder', 'aria-label': t('nodes.find') });
  const detail = h('section', { class: 'detail', 'aria-live': 'polite' });
  replace(container, h('h1', { class: 'sr-only' }, t('nav.nodes')),
    h('div', { class: ['split', ctx.param && 'has-detail'] }, aside, detail));
  renderFinder(aside, ctx, schema);
  if (ctx.param === 'new') {
    if (!ctx.can('editor')) {
      replace(detail, h('div', { class: 'card' }, t('page.needs_role', { role: t('role.editor') })));
      return;
    }
    renderEditor(detail, ctx, schema, draftFromQuery(ctx.query, schema), null);
  } else if (ctx.param) {
    await renderNode(detail, ctx, schema, ctx.param);
  } else {
    replace(detail, h('div', { class: 'card placeholder' },
      h('p', {}, t('nodes.pick')),
      ctx.can('editor') ? h('a', { class: 'button primary', href: '#/nodes/new', 'data-testid': 'new-node' }, t('nodes.new')) : null));
  }
}

function renderFinder(aside, ctx, schema) {
  const q = h('input', { type: 'search', id: 'node-q', value: finder.q, 'data-testid': 'node-q', autocomplete: 'off' });
  const kind = h('select', { id: 'node-kind', 'data-testid': 'node-kind' },
    h('option', { value: '' }, t('search.any_kind')),
    schema.kinds.map((name) => h('option', { value: name, selected: name === finder.kind }, name)));
  const list = h('div', { class: 'found', 'data-testid': 'node-list' });
  const load = async () => {
    try {
      const found = await api.findNodes({ q: finder.q, kind: finder.kind, limit: finder.shown });
      replace(list,
        h('p', { class: 'muted' }, t('nodes.found', { n: found.total })),
        h('ul', { class: 'node-list' }, found.nodes.map((node) => h('li', {},
          h('a', { href: nodeHref(node.id), 'aria-current': node.id === ctx.param ? 'true' : false },
            h('span', { class: 'kind-chip', dataset: { kind: node.kind } }, node.kind),
            h('span', { class: 'name' }, node.name),
            h('span', { class: 'mono muted' }, node.id))))),
        found.total > found.nodes.length
          ? h('button', { type: 'button', class: 'secondary', onClick: () => { finder.shown += PAGE; load(); } }, t('nodes.more'))
          : null);
      list.querySelectorAll('.kind-chip').forEach((chip) => { chip.style.background = kindColor(chip.dataset.kind); });
    } catch (error) {
      replace(list, h('p', { class: 'error', role: 'alert' }, error.message));
    }
  };
  const refresh = debounce(() => {
    finder.q = q.value;
    finder.kind = kind.value;
    finder.shown = PAGE;
    load();
  }, 200);
  q.addEventListener('input', refresh);
  kind.addEventListener('change', refresh);
  replace(aside,
    h('h2', {}, t('nodes.find')),
    h('div', { class: 'field' }, h('label', { for: 'node-q' }, t('nodes.query')), q),
    h('div', { class: 'field' }, h('label', { for: 'node-kind' }, t('search.kind')), kind),
    ctx.can('editor') ? h('a', { class: 'button secondary', href: '#/nodes/new', 'data-testid': 'new-node' }, t('nodes.new')) : null,
    list);
  load();
}

async function renderNode(box, ctx, schema, id) {
  let detail;
  try {
    detail = await api.node(id);
  } catch (error) {
    replace(box, h('div', { class: 'card error', role: 'alert' },
      error instanceof ApiError && error.status === 404 ? t('nodes.not_found', { id }) : error.message));
    return;
  }
  if (ctx.can('editor')) renderEditor(box, ctx, schema, draftFromNode(detail), detail);
  else renderView(box, detail);
}

// ---------------------------------------------------------------- read-only view (readers)

function renderView(box, detail) {
  const node = detail.node;
  const attrs = Object.entries(node.attrs || {});
  replace(box, h('article', { class: 'card node-view', 'data-testid': 'node-view' },
    h('div', { class: 'result-head' },
      h('h2', {}, node.name),
      h('a', { href: graphHref(node.id) }, t('nodes.show_graph'))),
    h('dl', { class: 'facts' },
      fact(t('node.id'), h('span', { class: 'mono' }, node.id)),
      fact(t('node.kind'), node.kind),
      fact(t('node.lang'), node.lang || '–'),
      fact(t('node.version'), `${detail.version} · ${localTime(detail.updated_at)}`)),
    node.text ? h('p', { class: 'answer-text' }, node.text) : null,
    h('h3', {}, t('node.aliases')),
    node.aliases?.length ? h('ul', { class: 'chips' }, node.aliases.map((a) => h('li', {}, a))) : h('p', { class: 'muted' }, '–'),
    h('h3', {}, t('node.tags')),
    node.tags?.length ? h('ul', { class: 'chips' }, node.tags.map((a) => h('li', {}, a))) : h('p', { class: 'muted' }, '–'),
    h('h3', {}, t('node.attrs')),
    attrs.length ? h('table', { class: 'table' }, h('tbody', {}, attrs.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, String(v))))))
      : h('p', { class: 'muted' }, '–'),
    h('h3', {}, t('node.edges', { n: detail.edges.length })),
    edgeTable(node.id, detail.edges.map((edge) => ({ ...edge, state: 'kept' })), null)));
}

function fact(label, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

// ---------------------------------------------------------------- the editor (editors, admins)

function valueType(value) {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'text';
}

function draftFromNode(detail) {
  const node = detail.node;
  return {
    isNew: false,
    id: node.id,
    kind: node.kind,
    name: node.name,
    aliases: node.aliases || [],
    text: node.text || '',
    lang: node.lang || '',
    tags: node.tags || [],
    attrs: Object.entries(node.attrs || {}).map(([key, value]) => ({ key, type: valueType(value), value: String(value) })),
    edges: detail.edges.map((edge) => ({ ...edge, state: 'kept' })),
  };
}

function slugify(text) {
  const slug = String(text).toLowerCase().normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return slug || `new-${Date.now().toString(36)}`;
}

function draftFromQuery(query, schema) {
  const kind = schema.kinds.includes(query.get('kind')) ? query.get('kind') : schema.kinds[0];
  const name = query.get('name') || '';
  return {
    isNew: true,
    id: name ? `${kind}/${slugify(name)}` : '',
    idTouched: false,
    kind,
    name,
    aliases: [],
    text: query.get('text') || '',
    lang: query.get('lang') || '',
    tags: [],
    attrs: [],
    edges: [],
  };
}

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

function renderEditor(box, ctx, schema, draft, detail) {
  const fields = {};
  const general = h('div', { class: 'errors', role: 'alert', 'data-testid': 'editor-errors' });
  const status = h('div', { class: 'status', role: 'status', 'data-testid': 'editor-status' });

  // --- identity
  const kind = h('select', { id: 'node-kind-edit', disabled: !draft.isNew, 'data-testid': 'field-kind' },
    schema.kinds.map((name) => h('option', { value: name, selected: name === draft.kind }, name)));
  const id = h('input', { id: 'node-id', value: draft.id, readonly: !draft.isNew, class: 'mono', 'data-testid': 'field-id', autocomplete: 'off' });
  const name = h('input', { id: 'node-name', value: draft.name, 'data-testid': 'field-name' });
  const suggestId = () => {
    if (draft.isNew && !draft.idTouched) id.value = name.value.trim() ? `${kind.value}/${slugify(name.value)}` : '';
  };
  id.addEventListener('input', () => { draft.idTouched = true; });
  name.addEventListener('input', suggestId);
  kind.addEventListener('change', () => {
    if (draft.idTouched && id.value.includes('/')) id.value = `${kind.value}/${id.value.split('/').slice(1).join('/')}`;
    suggestId();
    draft.kind = kind.value;
    renderEdges();
  });
  const aliases = h('textarea', { id: 'node-aliases', rows: 4, 'data-testid': 'field-aliases' });
  aliases.value = draft.aliases.join('\n');
  const text = h('textarea', { id: 'node-text', rows: 6, 'data-testid': 'field-text' });
  text.value = draft.text;
  const lang = h('input', { id: 'node-lang', value: draft.lang, list: 'langs', size: 6, 'data-testid': 'field-lang' });
  const tags = h('input', { id: 'node-tags', value: draft.tags.join(', '), 'data-testid': 'field-tags' });

  fields.id = field(t('node.id'), id, { hint: draft.isNew ? t('node.id_hint') : t('node.id_fixed') });
  fields.kind = field(t('node.kind'), kind, { hint: draft.isNew ? null : t('node.kind_fixed') });
  fields.name = field(t('node.name'), name, { wide: true, hint: draft.kind === 'faq' ? t('node.name_faq') : null });
  fields.aliases = field(t('node.aliases'), aliases, { wide: true, hint: t('node.aliases_hint') });
  fields.text = field(t('node.text'), text, { wide: true, hint: draft.kind === 'faq' ? t('node.text_faq') : null });
  fields.lang = field(t('node.lang'), lang);
  fields.tags = field(t('node.tags'), tags, { hint: t('node.tags_hint') });

  // --- attributes: rows of key, type, value
  const attrRows = h('tbody', {});
  const attrState = draft.attrs.map((a) => ({ ...a }));
  const attrBox = h('div', { class: 'field wide' });
  const attrError = h('div', { class: 'field-error', id: 'attrs-error', role: 'alert' });
  fields.attrs = { setError: (message) => { attrError.textContent = message || ''; } };
  function renderAttrs() {
    replace(attrRows, attrState.map((row, index) => {
      const key = h('input', { value: row.key, 'aria-label': t('node.attr_key'), class: 'mono', 'data-testid': `attr-key-${index}` });
      const type = h('select', { 'aria-label': t('node.attr_type') },
        ['text', 'number', 'boolean'].map((v) => h('option', { value: v, selected: v === row.type }, t(`type.${v}`))));
      const value = row.type === 'boolean'
        ? h('select', { 'aria-label': t('node.attr_value') }, ['true', 'false'].map((v) => h('option', { value: v, selected: v === row.value }, v)))
        : h('input', { value: row.value, 'aria-label': t('node.attr_value'), inputmode: row.type === 'number' ? 'decimal' : false, 'data-testid': `attr-value-${index}` });
      const error = h('div', { class: 'field-error', id: `attr-error-${index}`, role: 'alert' });
      row.setError = (message) => setFieldError(value, error, message);
      key.addEventListener('input', () => { row.key = key.value.trim(); });
      value.addEventListener('input', () => { row.value = value.value; });
      value.addEventListener('change', () => { row.value = value.value; });
      type.addEventListener('change', () => {
        row.type = type.value;
        if (row.type === 'boolean' && !['true', 'false'].includes(row.value)) row.value = 'true';
        renderAttrs();
      });
      return h('tr', {},
        h('td', {}, key), h('td', {}, type), h('td', {}, value, error),
        h('td', {}, h('button', { type: 'button', class: 'icon', 'aria-label': t('node.attr_remove', { key: row.key }), onClick: () => { attrState.splice(index, 1); renderAttrs(); } }, '✕')));
    }));
  }
  renderAttrs();
  replace(attrBox,
    h('span', { class: 'label' }, t('node.attrs')),
    h('table', { class: 'table attrs' },
      h('thead', {}, h('tr', {}, h('th', {}, t('node.attr_key')), h('th', {}, t('node.attr_type')), h('th', {}, t('node.attr_value')), h('th', {}, h('span', { class: 'sr-only' }, t('node.remove'))))),
      attrRows),
    h('button', { type: 'button', class: 'secondary', 'data-testid': 'add-attr', onClick: () => { attrState.push({ key: '', type: 'text', value: '' }); renderAttrs(); attrRows.querySelector('tr:last-child input')?.focus(); } }, t('node.attr_add')),
    attrError);

  // --- edges: kept, removed (struck out until saved), added
  const edgeBox = h('div', { class: 'edges-box' });
  function renderEdges() {
    const currentId = id.value.trim();
    replace(edgeBox,
      h('h3', {}, t('node.edges', { n: draft.edges.filter((e) => e.state !== 'removed').length })),
      edgeTable(currentId, draft.edges, (edge) => {
        if (edge.state === 'added') draft.edges.splice(draft.edges.indexOf(edge), 1);
        else edge.state = edge.state === 'removed' ? 'kept' : 'removed';
        renderEdges();
      }),
      addEdgeForm(currentId, kind.value, schema, draft, renderEdges));
  }
  renderEdges();
  // Added edges follow a new node's id while it is being typed.
  let lastId = id.value.trim();
  id.addEventListener('change', () => {
    const next = id.value.trim();
    for (const edge of draft.edges.filter((e) => e.state === 'added')) {
      if (edge.from === lastId) edge.from = next;
      if (edge.to === lastId) edge.to = next;
    }
    lastId = next;
    renderEdges();
  });

  // --- the batch
  function collect() {
    const errors = [];
    const node = { id: id.value.trim(), kind: kind.value, name: name.value.trim() };
    const aliasList = lines(aliases.value);
    if (aliasList.length) node.aliases = aliasList;
    if (text.value.trim()) node.text = text.value.trim();
    if (lang.value.trim()) node.lang = lang.value.trim();
    const tagList = tags.value.split(',').map((tag) => tag.trim()).filter(Boolean);
    if (tagList.length) node.tags = tagList;
    const attrs = {};
    for (const row of attrState) {
      row.setError?.('');
      if (!row.key) continue;
      if (row.type === 'number') {
        const number = Number(row.value);
        if (row.value.trim() === '' || !Number.isFinite(number)) {
          errors.push(() => row.setError(t('node.not_a_number')));
          continue;
        }
        attrs[row.key] = number;
      } else if (row.type === 'boolean') {
        attrs[row.key] = row.value === 'true';
      } else {
        attrs[row.key] = row.value;
      }
    }
    if (Object.keys(attrs).length) node.attrs = attrs;
    const owners = [{ type: 'node' }];
    const body = [JSON.stringify(node)];
    for (const edge of draft.edges) {
      const key = { from: edge.from === '' ? node.id : edge.from, rel: edge.rel, to: edge.to === '' ? node.id : edge.to };
      if (edge.state === 'added') {
        body.push(JSON.stringify(key));
        owners.push({ type: 'edge', edge });
      } else if (edge.state === 'removed') {
        body.push(JSON.stringify({ delete_edge: key }));
        owners.push({ type: 'edge', edge });
      }
    }
    return { node, body: `${body.join('\n')}\n`, owners, errors };
  }

  function clearErrors() {
    Object.values(fields).forEach((f) => f.setError(''));
    draft.edges.forEach((edge) => { edge.error = ''; });
    replace(general);
  }

  function showErrors(error, owners) {
    const leftovers = [];
    for (const problem of error.errors) {
      const owner = owners[(problem.line || 1) - 1] || owners[0];
      if (owner.type === 'edge') {
        owner.edge.error = problem.message;
        continue;
      }
      const base = String(problem.field || '').split(/[.[]/)[0];
      if (base === 'attrs') {
        const key = String(problem.field).slice('attrs.'.length);
        const row = attrState.find((r) => r.key === key);
        if (row) row.setError(problem.message);
        else fields.attrs.setError(problem.message);
      } else if (fields[base]) {
        fields[base].setError(problem.message);
      } else {
        leftovers.push(problem.field ? `${problem.field}: ${problem.message}` : problem.message);
      }
    }
    renderEdges();
    if (!error.errors.length) leftovers.push(error.message);
    if (leftovers.length) replace(general, h('ul', {}, leftovers.map((m) => h('li', {}, m))));
    box.querySelector('[aria-invalid=true], .edge-error:not(:empty), .errors li')?.scrollIntoView({ block: 'center' });
  }

  async function submit(dryRun) {
    clearErrors();
    replace(status);
    const batch = collect();
    if (batch.errors.length) {
      batch.errors.forEach((show) => show());
      return;
    }
    try {
      const outcome = await api.importBody(batch.body, 'application/x-ndjson', dryRun);
      if (dryRun) {
        replace(status, h('p', { class: 'banner ok' }, `${t('node.check_ok')} ${summaryText(outcome.summary)}`));
        return;
      }
      ctx.toast(t('node.saved', { version: outcome.kb_version }));
      if (draft.isNew) {
        ctx.navigate(nodeHref(batch.node.id));
      } else {
        await renderNode(box, ctx, schema, batch.node.id);
        box.querySelector('[data-testid=editor-status]')?.append(h('p', { class: 'banner ok' }, `${t('node.saved', { version: outcome.kb_version })} ${summaryText(outcome.summary)}`));
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) showErrors(error, batch.owners);
      else replace(general, h('p', {}, error.message));
    }
  }

  const form = h('form', { class: 'card editor', 'data-testid': 'node-editor', novalidate: true },
    h('div', { class: 'result-head' },
      h('h2', {}, draft.isNew ? t('nodes.new') : draft.name),
      draft.isNew ? null : h('a', { href: graphHref(draft.id) }, t('nodes.show_graph'))),
    detail ? h('p', { class: 'muted' }, t('node.last_changed', { version: detail.version, time: localTime(detail.updated_at) })) : null,
    general,
    h('datalist', { id: 'langs' }, h('option', { value: 'en' }), h('option', { value: 'zh' })),
    h('div', { class: 'grid-form' }, fields.kind, fields.id, fields.name, fields.aliases, fields.text, fields.lang, fields.tags, attrBox),
    edgeBox,
    status,
    h('div', { class: 'actions sticky' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'save' }, t('node.save')),
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'check', onClick: () => submit(true) }, t('node.check')),
      draft.isNew ? null : h('button', { type: 'button', class: 'danger', 'data-testid': 'delete', onClick: () => confirmDelete(ctx, detail) }, t('node.delete'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(false);
  });
  replace(box, form);
}


/** The edges of `nodeId` as a table; `onToggle(edge)` adds remove/undo buttons. */
function edgeTable(nodeId, edges, onToggle) {
  if (!edges.length) return h('p', { class: 'muted' }, t('node.no_edges'));
  return h('div', { class: 'scroll' }, h('table', { class: 'table edges', 'data-testid': 'edges' },
    h('thead', {}, h('tr', {},
      h('th', {}, t('col.direction')), h('th', {}, t('col.relation')), h('th', {}, t('col.other')),
      onToggle ? h('th', {}, h('span', { class: 'sr-only' }, t('node.remove'))) : null)),
    h('tbody', {}, edges.map((edge) => {
      const outgoing = edge.from === nodeId || edge.from === '';
      const other = outgoing ? edge.to : edge.from;
      return h('tr', { class: [edge.state === 'removed' && 'removed', edge.state === 'added' && 'added'] },
        h('td', {}, outgoing ? t('edge.out') : t('edge.in')),
        h('td', { class: 'mono' }, edge.rel, edge.state === 'added' ? h('span', { class: 'badge ok' }, t('edge.new')) : null,
          edge.state === 'removed' ? h('span', { class: 'badge warn' }, t('edge.removed')) : null),
        h('td', {}, h('a', { href: nodeHref(other), class: 'mono' }, other),
          edge.error ? h('div', { class: 'field-error edge-error', role: 'alert' }, edge.error) : null),
        onToggle ? h('td', {}, h('button', {
          type: 'button',
          class: 'icon',
          'aria-label': edge.state === 'removed' ? t('edge.undo', { other }) : t('edge.remove', { rel: edge.rel, other }),
          onClick: () => onToggle(edge),
        }, edge.state === 'removed' ? '↺' : '✕')) : null);
    }))));
}

function addEdgeForm(nodeId, kind, schema, draft, rerender) {
  const direction = h('select', { id: 'edge-dir', 'data-testid': 'edge-dir' },
    h('option', { value: 'out' }, t('edge.out')), h('option', { value: 'in' }, t('edge.in')));
  const rel = h('select', { id: 'edge-rel', 'data-testid': 'edge-rel' });
  const other = h('input', { id: 'edge-other', list: 'edge-other-options', class: 'mono', autocomplete: 'off', 'data-testid': 'edge-other' });
  const options = h('datalist', { id: 'edge-other-options' });
  const error = h('div', { class: 'field-error', id: 'edge-other-error', role: 'alert' });
  const fillRelations = () => {
    const out = direction.value === 'out';
    const allowed = schema.relations.filter((r) => (out ? r.from : r.to).includes(kind));
    replace(rel, allowed.map((r) => h('option', { value: r.name },
      `${r.name} (${(out ? r.to : r.from).join(', ')})`)));
  };
  direction.addEventListener('change', fillRelations);
  fillRelations();
  other.addEventListener('input', debounce(async () => {
    if (other.value.trim().length < 2) return;
    try {
      const found = await api.findNodes({ q: other.value.trim(), limit: 10 });
      replace(options, found.nodes.map((n) => h('option', { value: n.id }, n.name)));
    } catch {
      // Suggestions are a convenience; the save validates the id anyway.
    }
  }, 200));
  const add = () => {
    const target = other.value.trim();
    setFieldError(other, error, '');
    if (!target || !rel.value) {
      setFieldError(other, error, t('edge.need_target'));
      return;
    }
    const edge = direction.value === 'out'
      ? { from: nodeId, rel: rel.value, to: target, state: 'added' }
      : { from: target, rel: rel.value, to: nodeId, state: 'added' };
    const same = draft.edges.find((e) => e.from === edge.from && e.rel === edge.rel && e.to === edge.to);
    if (same) {
      if (same.state === 'removed') same.state = 'kept';
      else setFieldError(other, error, t('edge.exists'));
      if (same.state === 'kept') rerender();
      return;
    }
    draft.edges.push(edge);
    rerender();
    document.getElementById('edge-other')?.focus();
  };
  other.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  });
  return h('fieldset', { class: 'add-edge' },
    h('legend', {}, t('edge.add_title')),
    h('div', { class: 'field' }, h('label', { for: 'edge-dir' }, t('col.direction')), direction),
    h('div', { class: 'field' }, h('label', { for: 'edge-rel' }, t('col.relation')), rel),
    h('div', { class: 'field' }, h('label', { for: 'edge-other' }, t('col.other')), other, options, error),
    h('button', { type: 'button', class: 'secondary', 'data-testid': 'edge-add', onClick: add }, t('edge.add')));
}

async function confirmDelete(ctx, detail) {
  let preview;
  try {
    preview = await api.deleteNode(detail.node.id, true);
  } catch (error) {
    ctx.toast(error.message, 'error');
    return;
  }
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'delete-title', 'data-testid': 'delete-dialog' });
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  const confirm = h('button', { type: 'button', class: 'danger', 'data-testid': 'delete-confirm' }, t('node.delete_confirm'));
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      const outcome = await api.deleteNode(detail.node.id, false);
      close();
      ctx.toast(t('node.deleted', { id: detail.node.id, version: outcome.kb_version }));
      ctx.navigate('#/nodes');
    } catch (error) {
      confirm.disabled = false;
      dialog.querySelector('.errors').textContent = error.message;
    }
  });
  replace(dialog,
    h('h2', { id: 'delete-title' }, t('node.delete_title', { id: detail.node.id })),
    h('p', {}, t('node.delete_goes', { nodes: preview.summary.nodes_deleted, edges: preview.summary.edges_deleted })),
    detail.edges.length ? h('ul', { class: 'goes' }, detail.edges.map((edge) => h('li', { class: 'mono' }, `${edge.from} —${edge.rel}→ ${edge.to}`))) : null,
    h('div', { class: 'errors', role: 'alert' }),
    h('div', { class: 'actions' },
      confirm,
      h('button', { type: 'button', class: 'secondary', onClick: close }, t('action.cancel'))));
  dialog.addEventListener('cancel', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  dialog.querySelector('.secondary').focus();
}
