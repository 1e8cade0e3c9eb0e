// Small SVG charts for the Insights page: lines over time, columns over time, horizontal bars.
// Each chart carries an aria-label and a visually hidden table of its numbers, so the figures
// are also there for a screen reader or a copy-paste.

import { h, s } from './dom.js';

export const COLORS = ['#0b57d0', '#b3261e', '#146c2e', '#7d5260', '#8a4b00'];
const W = 560;
const H = 220;
const PAD = { left: 52, right: 12, top: 14, bottom: 40 };

/** A round axis top at or above `value`; for counts, a multiple of the 4 grid steps. */
function niceMax(value, integer = false) {
  if (integer) return Math.max(4, Math.ceil(value / 4) * 4);
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

function frame(title, yMax, yFormat, xLabels) {
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (plotH * i) / 4;
    svg.append(
      s('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }),
      s('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, yFormat((yMax * i) / 4)),
    );
  }
  const every = Math.max(1, Math.ceil(xLabels.length / 8));
  xLabels.forEach((label, i) => {
    if (i % every !== 0 && i !== xLabels.length - 1) return;
    const x = PAD.left + (plotW * (i + 0.5)) / xLabels.length;
    svg.append(s('text', { x, y: H - PAD.bottom + 16, 'text-anchor': 'middle', class: 'axis' }, label));
  });
  return { svg, plotW, plotH };
}

function dataTable(caption, xLabels, series, format) {
  return h('table', { class: 'sr-only' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', {}, ''), series.map((line) => h('th', {}, line.label)))),
    h('tbody', {}, xLabels.map((x, i) =>
      h('tr', {}, h('th', {}, x), series.map((line) => h('td', {}, format(line.values[i])))))));
}

function legendOf(series) {
  return h('ul', { class: 'chart-legend' }, series.map((line, i) =>
    h('li', {}, s('svg', { width: 14, height: 4, 'aria-hidden': 'true' },
      s('rect', { width: 14, height: 4, fill: line.color || COLORS[i] })), line.label)));
}

/**
 * Lines over buckets: series = [{label, values: [number|null]}]; a null value leaves a gap.
 */
export function lineChart(title, xLabels, series, { yFormat = String, yMax } = {}) {
  const top = yMax ?? niceMax(Math.max(0, ...series.flatMap((l) => l.values.filter((v) => v !== null))));
  const { svg, plotW, plotH } = frame(title, top, yFormat, xLabels);
  series.forEach((line, index) => {
    const color = line.color || COLORS[index];
    let d = '';
    line.values.forEach((value, i) => {
      if (value === null || value === undefined) {
        return;
      }
      const x = PAD.left + (plotW * (i + 0.5)) / xLabels.length;
      const y = PAD.top + plotH - (plotH * Math.min(value, top)) / top;
      const previous = line.values[i - 1];
      d += `${i === 0 || previous === null || previous === undefined ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)} `;
      svg.append(s('circle', { cx: x, cy: y, r: 3, fill: color }, s('title', {}, `${line.label} ${xLabels[i]}: ${yFormat(value)}`)));
    });
    if (d) svg.append(s('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 }));
  });
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, title), svg, legendOf(series), dataTable(title, xLabels, series, (v) => (v === null ? '–' : yFormat(v))));
}

/** Side-by-side columns per bucket: series = [{label, values: [number]}]. */
export function columnChart(title, xLabels, series, { yFormat = String } = {}) {
  const top = niceMax(Math.max(0, ...series.flatMap((l) => l.values)), true);
  const { svg, plotW, plotH } = frame(title, top, yFormat, xLabels);
  const slot = plotW / xLabels.length;
  const barW = Math.max(2, (slot * 0.7) / series.length);
  series.forEach((line, index) => {
    const color = line.color || COLORS[index];
    line.values.forEach((value, i) => {
      const height = (plotH * value) / top;
      const x = PAD.left + slot * i + slot * 0.15 + index * barW;
      svg.append(s('rect', { x, y: PAD.top + plotH - height, width: barW, height, fill: color },
        s('title', {}, `${line.label} ${xLabels[i]}: ${yFormat(value)}`)));
    });
  });
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, title), svg, legendOf(series), dataTable(title, xLabels, series, yFormat));
}

/** Horizontal bars: items = [[label, value]]. */
export function barChart(title, items, { format = String, empty = '–' } = {}) {
  if (!items.length) {
    return h('figure', { class: 'chart-box' }, h('figcaption', {}, title), h('p', { class: 'muted' }, empty));
  }
  const top = Math.max(...items.map(([, v]) => v), 1);
  const rowH = 28;
  const labelW = 170;
  const width = W;
  const height = items.length * rowH + 8;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  items.forEach(([label, value], i) => {
    const y = 4 + i * rowH;
    const barW = ((width - labelW - 60) * value) / top;
    svg.append(
      s('text', { x: labelW - 8, y: y + 18, 'text-anchor': 'end', class: 'axis' }, label),
      s('rect', { x: labelW, y: y + 4, width: Math.max(barW, 1), height: rowH - 10, fill: COLORS[0] }),
      s('text', { x: labelW + barW + 6, y: y + 18, class: 'axis' }, format(value)),
    );
  });
  return h('figure', { class: 'chart-box' }, h('figcaption', {}, title), svg,
    dataTable(title, items.map(([l]) => l), [{ label: title, values: items.map(([, v]) => v) }], format));
}
