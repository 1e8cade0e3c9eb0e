// Graph: a node's neighbourhood (1 or 2 hops, optionally only some relations), drawn in rings
// by distance. Clicking a node (or Enter on it) expands its own neighbours into the drawing
// and shows it in the side panel; the list under the drawing holds the same nodes as links.

import { h, replace, nodeHref, graphHref, debounce } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { radialLayout, neighborhoodSvg, legend } from '../lib/graph.js';

const WIDTH = 900;
const HEIGHT = 560;

export async function render(container, ctx) {
  const schema = await ctx.schema();
  const center = ctx.param;
  const hops = ctx.query.get('hops') === '2' ? 2 : 1;
  const rels = (ctx.query.get('rel') || '').split(',').filter((r) => schema.relations.some((d) => d.name === r));

  const nodeInput = h('input', { id: 'graph-node', value: center, list: 'graph-node-options', class: 'mono', autocomplete: 'off', required: true, 'data-testid': 'graph-node' });
  const options = h('datalist', { id: 'graph-node-options' });
  nodeInput.addEventListener('input', debounce(async () => {
    if (nodeInput.value.trim().length < 2) return;
    try {
      const found = await api.findNodes({ q: nodeInput.value.trim(), limit: 10 });
      replace(options, found.nodes.map((n) => h('option', { value: n.id }, n.name)));
    } catch {
      // Only suggestions.
    }
  }, 200));
  const hopsSelect = h('select', { id: 'graph-hops', 'data-testid': 'graph-hops' },
    [1, 2].map((n) => h('option', { value: n, selected: n === hops }, t('graph.hops_n', { n }))));
  const relBoxes = schema.relations.map((r) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'rel', value: r.name, checked: rels.includes(r.name) }), r.name));
  const form = h('form', { class: 'card graph-form' },
    h('h1', {}, t('graph.title')),
    h('div', { class: 'grid-form' },
      h('div', { class: 'field' }, h('label', { for: 'graph-node' }, t('graph.node')), nodeInput, options),
      h('div', { class: 'field' }, h('label', { for: 'graph-hops' }, t('graph.hops')), hopsSelect),
      h('fieldset', { class: 'rels wide' }, h('legend', {}, t('graph.relations')), relBoxes)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'graph-show' }, t('graph.show'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = relBoxes.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    const params = new URLSearchParams({ hops: hopsSelect.value });
    if (chosen.length) params.set('rel', chosen.join(','));
    ctx.navigate(`${graphHref(nodeInput.value.trim())}?${params}`);
  });
  const view = h('div', { class: 'graph-view' });
  replace(container, form, view);
  if (!center) {
    replace(view, h('p', { class: 'card muted' }, t('graph.pick')));
    return;
  }

  let first;
  try {
    first = await api.neighbors(center, { hops, rels, limit: 150 });
  } catch (error) {
    replace(view, h('div', { class: 'card error', role: 'alert' },
      error instanceof ApiError && error.status === 404 ? t('nodes.not_found', { id: center }) : error.message));
    return;
  }
  const graph = { nodes: new Map(), edges: new Map(), positions: new Map(), truncated: first.truncated, selected: center };
  merge(graph, first, 0);
  graph.nodes.get(first.center).expanded = true;

  const drawing = h('div', { class: 'card drawing', 'data-testid': 'graph' });
  const panel = h('aside', { class: 'card side', 'aria-live': 'polite', 'data-testid': 'graph-panel' });
  const list = h('details', { class: 'card' });
  replace(view, h('div', { class: 'graph-layout' }, drawing, panel), list);

  async function activate(id) {
    graph.selected = id;
    const node = graph.nodes.get(id);
    if (node && !node.expanded) {
      try {
        const more = await api.neighbors(id, { hops: 1, rels, limit: 60 });
        node.expanded = true;
        merge(graph, more, node.distance);
        graph.truncated ||= more.truncated;
      } catch (error) {
        ctx.toast(error.message, 'error');
      }
    }
    draw();
    drawing.querySelector(`[data-node="${CSS.escape(id)}"]`)?.focus();
  }

  function draw() {
    const nodes = [...graph.nodes.values()];
    const edges = [...graph.edges.values()];
    graph.positions = radialLayout(nodes, edges, { width: WIDTH, height: HEIGHT });
    const kinds = [...new Set(nodes.map((n) => n.kind))];
    replace(drawing,
      neighborhoodSvg(nodes, edges, graph.positions, {
        width: WIDTH,
        height: HEIGHT,
        center: first.center,
        label: t('graph.label', { id: first.center, n: nodes.length }),
        onActivate: activate,
      }),
      h('div', { class: 'row' }, legend(kinds),
        h('span', { class: 'muted' }, t('graph.counts', { nodes: nodes.length, edges: edges.length })),
        graph.truncated ? h('span', { class: 'badge warn' }, t('graph.truncated')) : null),
      h('p', { class: 'hint' }, t('graph.hint')));
    const selected = graph.nodes.get(graph.selected);
    replace(panel,
      h('h2', {}, selected.name),
      h('p', { class: 'mono' }, selected.id),
      h('p', {}, `${t('node.kind')}: ${selected.kind}`),
      h('ul', { class: 'links' },
        h('li', {}, h('a', { href: nodeHref(selected.id) }, ctx.can('editor') ? t('graph.open_editor') : t('graph.open_node'))),
        selected.id !== first.center ? h('li', {}, h('a', { href: `${graphHref(selected.id)}?${new URLSearchParams({ hops: String(hops), ...(rels.length ? { rel: rels.join(',') } : {}) })}` }, t('graph.recenter'))) : null),
      h('h3', {}, t('graph.edges_here')),
      h('ul', { class: 'plain' }, edges.filter((e) => e.from === selected.id || e.to === selected.id).map((e) =>
        h('li', { class: 'mono' }, e.from === selected.id ? `→ ${e.rel} → ${e.to}` : `← ${e.rel} ← ${e.from}`))));
    replace(list,
      h('summary', {}, t('graph.list', { n: nodes.length })),
      h('ul', { class: 'plain' }, nodes.map((n) => h('li', {},
        h('a', { href: nodeHref(n.id) }, n.name), ' ', h('span', { class: 'mono muted' }, n.id)))));
  }
  draw();
}

/** Adds a neighbourhood's nodes (their distance counted from the first centre) and edges. */
function merge(graph, neighborhood, baseDistance) {
  for (const node of neighborhood.nodes) {
    if (graph.nodes.has(node.id)) continue;
    graph.nodes.set(node.id, { ...node, distance: baseDistance + node.distance, expanded: false });
  }
  for (const edge of neighborhood.edges) {
    graph.edges.set(`${edge.from}\u0000${edge.rel}\u0000${edge.to}`, edge);
  }
}
