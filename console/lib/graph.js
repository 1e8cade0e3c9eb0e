// Graph drawing in plain SVG, no library: the evidence path of an answer as a chain of boxes
// (left to right, or top to bottom on a narrow screen), and a node's neighbourhood in a radial
// layout (rings by distance from the centre).

import { s, h } from './dom.js';

const PALETTE = {
  product: '#cfe3ff',
  category: '#e3d7ff',
  feature: '#d4f2dc',
  faq: '#fff0c2',
  issue: '#ffd9d6',
  solution: '#c9f0ee',
  policy: '#f3dfcf',
  plan: '#e6e6e6',
};
const EXTRA = ['#f7d6ec', '#dbeacb', '#d5e4ec', '#efe6c8'];

/** The fill colour of a kind (light, so dark text on it keeps a high contrast). */
export function kindColor(kind) {
  if (PALETTE[kind]) return PALETTE[kind];
  let hash = 0;
  for (const c of String(kind)) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return EXTRA[hash % EXTRA.length];
}

/** A legend of kinds with their colours. */
export function legend(kinds) {
  return h(
    'ul',
    { class: 'legend' },
    kinds.map((kind) =>
      h('li', {}, s('svg', { width: 12, height: 12, 'aria-hidden': 'true' },
        s('rect', { width: 12, height: 12, rx: 3, fill: kindColor(kind), stroke: '#555' })), kind),
    ),
  );
}

function clip(text, max) {
  const chars = [...String(text)];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : String(text);
}

let markerCount = 0;

function kindOf(id) {
  return String(id).split('/')[0];
}

/**
 * An evidence path — [node, relation, node, relation, node…] — as a chain of boxes joined by
 * labelled arrows, left to right (or top to bottom with `vertical`). `names` maps node ids to
 * display names; `onNode(id)` makes the boxes links.
 */
export function evidenceChain(path, { names = {}, label = '', onNode, vertical = false } = {}) {
  const nodes = path.filter((_, i) => i % 2 === 0);
  const rels = path.filter((_, i) => i % 2 === 1);
  const boxW = vertical ? 300 : 176;
  const boxH = 54;
  const gap = vertical ? 46 : 112;
  const step = (vertical ? boxH : boxW) + gap;
  const length = nodes.length * (vertical ? boxH : boxW) + (nodes.length - 1) * gap + 8;
  const width = vertical ? boxW + 8 : length;
  const height = vertical ? length : boxH + 8;
  const svg = s('svg', {
    class: 'chain',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': label || path.join(' → '),
  });
  const marker = `arrow${++markerCount}`;
  svg.append(
    s('defs', {},
      s('marker', { id: marker, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#444' }))),
  );
  nodes.forEach((id, i) => {
    const x = vertical ? 4 : 4 + i * step;
    const y = vertical ? 4 + i * step : 4;
    const group = s('g', { class: 'chain-node', transform: `translate(${x},${y})`, 'data-node': id });
    group.append(
      s('title', {}, `${id}${names[id] ? ` — ${names[id]}` : ''}`),
      s('rect', { width: boxW, height: boxH, rx: 8, fill: kindColor(kindOf(id)), stroke: '#333' }),
      s('text', { x: 10, y: 20, class: 'chain-kind' }, kindOf(id)),
      s('text', { x: 10, y: 40, class: 'chain-name' }, clip(names[id] || id.split('/').slice(1).join('/') || id, vertical ? 34 : 20)),
    );
    if (onNode) {
      const link = s('a', { href: '#', 'aria-label': names[id] ? `${names[id]} (${id})` : id });
      link.addEventListener('click', (event) => {
        event.preventDefault();
        onNode(id);
      });
      link.append(group);
      svg.append(link);
    } else {
      svg.append(group);
    }
    if (i < rels.length) {
      const arrow = vertical
        ? { x1: 4 + 40, y1: y + boxH + 2, x2: 4 + 40, y2: y + step - 2 }
        : { x1: x + boxW + 2, y1: 4 + boxH / 2, x2: x + step - 2, y2: 4 + boxH / 2 };
      const text = vertical
        ? { x: 4 + 52, y: y + boxH + gap / 2 + 4, 'text-anchor': 'start' }
        : { x: x + boxW + gap / 2, y: boxH / 2 - 2, 'text-anchor': 'middle' };
      svg.append(
        s('line', { ...arrow, stroke: '#444', 'stroke-width': 1.5, 'marker-end': `url(#${marker})` }),
        s('text', { ...text, class: 'chain-rel' }, clip(rels[i], vertical ? 30 : 16)),
      );
    }
  });
  return svg;
}

/**
 * Positions for `nodes` ({id, kind, distance}) joined by `edges` ({from, to}) in a width × height
 * box: a radial layout, ring d holding the nodes d hops from the centre. Ring 1 is ordered by
 * kind, so that products, FAQs, issues… sit together; every further ring is ordered by the
 * angle of each node's neighbours on the ring inside it, so a node sits near what it hangs
 * from and expanding a node moves little else. Each position carries its angle for labels.
 */
export function radialLayout(nodes, edges, { width, height }) {
  const cx = width / 2;
  const cy = height / 2;
  const rings = new Map();
  for (const node of nodes) {
    if (!rings.has(node.distance)) rings.set(node.distance, []);
    rings.get(node.distance).push(node);
  }
  const neighbours = new Map(nodes.map((n) => [n.id, []]));
  for (const edge of edges) {
    neighbours.get(edge.from)?.push(edge.to);
    neighbours.get(edge.to)?.push(edge.from);
  }
  const maxRing = Math.max(1, ...rings.keys());
  const rx = width / 2 - 165;
  const ry = height / 2 - 34;
  const pos = new Map();
  for (const distance of [...rings.keys()].sort((a, b) => a - b)) {
    const ring = rings.get(distance);
    if (distance === 0) {
      ring.forEach((node, i) => pos.set(node.id, { x: cx + i * 40, y: cy, angle: 0 }));
      continue;
    }
    const inner = (node) => {
      const angles = neighbours.get(node.id).map((id) => pos.get(id)).filter(Boolean).map((p) => p.angle);
      if (!angles.length) return Infinity;
      // The circular mean, so that neighbours either side of 0 do not average to π.
      const x = angles.reduce((sum, a) => sum + Math.cos(a), 0);
      const y = angles.reduce((sum, a) => sum + Math.sin(a), 0);
      return (Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI);
    };
    const order = distance === 1
      ? [...ring].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
      : ring.map((node) => [inner(node), node]).sort((a, b) => a[0] - b[0] || a[1].id.localeCompare(b[1].id)).map(([, node]) => node);
    const scale = distance / maxRing;
    order.forEach((node, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * (i + (distance % 2) * 0.5)) / order.length;
      pos.set(node.id, {
        x: cx + rx * scale * Math.cos(angle),
        y: cy + ry * scale * Math.sin(angle),
        angle: (angle + 2 * Math.PI) % (2 * Math.PI),
      });
    });
  }
  return pos;
}

/** A node's name beside it, on the side facing away from the centre. */
function nodeLabel(node, p, radius) {
  const cos = Math.cos(p.angle ?? Math.PI / 2);
  const sin = Math.sin(p.angle ?? Math.PI / 2);
  if (node.distance === 0 || Math.abs(cos) < 0.35) {
    const below = node.distance === 0 || sin > 0;
    return s('text', { y: below ? radius + 14 : -radius - 6, 'text-anchor': 'middle', class: 'gnode-name' }, clip(node.name, 20));
  }
  return s('text', { x: cos > 0 ? radius + 4 : -radius - 4, y: 4, 'text-anchor': cos > 0 ? 'start' : 'end', class: 'gnode-name' }, clip(node.name, 20));
}

/**
 * A neighbourhood drawing: nodes as labelled, focusable circles (click or Enter calls
 * `onActivate(id)`), edges as lines labelled with their relation.
 */
export function neighborhoodSvg(nodes, edges, positions, { width, height, center, label, onActivate }) {
  const svg = s('svg', {
    class: 'graph',
    viewBox: `0 0 ${width} ${height}`,
    role: 'group',
    'aria-label': label,
  });
  const marker = `garrow${++markerCount}`;
  svg.append(
    s('defs', {},
      s('marker', { id: marker, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
        s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#555' }))),
  );
  const radius = 16;
  const crowded = nodes.length > 50;
  const edgeLayer = s('g', { class: 'edges' });
  for (const edge of edges) {
    const a = positions.get(edge.from);
    const b = positions.get(edge.to);
    if (!a || !b) continue;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const d = Math.max(Math.hypot(dx, dy), 1);
    const x2 = b.x - (dx / d) * (radius + 2);
    const y2 = b.y - (dy / d) * (radius + 2);
    edgeLayer.append(
      s('line', { x1: a.x, y1: a.y, x2, y2, class: 'edge', 'marker-end': `url(#${marker})` },
        s('title', {}, `${edge.from} —${edge.rel}→ ${edge.to}`)),
      // With many edges the labels would cover each other: the tooltip and side panel say it.
      edges.length <= 16 ? s('text', { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, class: 'edge-label', 'text-anchor': 'middle' }, edge.rel) : null,
    );
  }
  svg.append(edgeLayer);
  const nodeLayer = s('g', { class: 'nodes' });
  for (const node of nodes) {
    const p = positions.get(node.id);
    if (!p) continue;
    const group = s('g', {
      // In a crowded drawing the outer rings' names show only on hover and focus.
      class: ['gnode', node.id === center && 'center', node.expanded && 'expanded', crowded && node.distance >= 2 && 'quiet'],
      transform: `translate(${p.x},${p.y})`,
      tabindex: 0,
      role: 'button',
      'aria-label': `${node.name} (${node.id})`,
      'data-node': node.id,
    });
    group.append(
      s('title', {}, `${node.name}\n${node.id}`),
      s('circle', { r: radius, fill: kindColor(node.kind) }),
      s('text', { y: 4, 'text-anchor': 'middle', class: 'gnode-kind' }, node.kind.slice(0, 4)),
      nodeLabel(node, p, radius),
    );
    group.addEventListener('click', () => onActivate(node.id));
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onActivate(node.id);
      }
    });
    nodeLayer.append(group);
  }
  svg.append(nodeLayer);
  return svg;
}
