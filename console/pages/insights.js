// Insights (admin): volume, answer rate, handoff rate by reason, latency percentiles and
// feedback/CSAT over a window, as figures and charts; and the questions most often left
// unanswered, each with a button that opens the node editor with an FAQ drafted from it.

import { h, replace, num, percent, localTime } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, term } from '../lib/i18n.js';
import { lineChart, columnChart, barChart } from '../lib/charts.js';

const WINDOWS = {
  '24h': { buckets: 24, label: (date) => `${String(date.getHours()).padStart(2, '0')}:00` },
  '7d': { buckets: 7, label: (date) => `${date.getMonth() + 1}-${date.getDate()}` },
  '30d': { buckets: 30, label: (date) => `${date.getMonth() + 1}-${date.getDate()}` },
};
const state = { window: '7d' };

export async function render(container, ctx) {
  const choice = h('select', { id: 'insights-window', 'data-testid': 'insights-window' },
    Object.keys(WINDOWS).map((w) => h('option', { value: w, selected: w === state.window }, t(`insights.window_${w}`))));
  const body = h('div', { 'aria-live': 'polite' });
  choice.addEventListener('change', () => {
    state.window = choice.value;
    load(body, ctx).catch((error) => replace(body, h('div', { class: 'card error', role: 'alert' }, error.message)));
  });
  replace(container,
    h('div', { class: 'card row head-row' },
      h('h1', {}, t('insights.title')),
      h('div', { class: 'field inline' }, h('label', { for: 'insights-window' }, t('insights.window')), choice)),
    body);
  await load(body, ctx);
}

async function load(body, ctx) {
  const window = WINDOWS[state.window];
  const [report, series] = await Promise.all([
    api.analytics(state.window, 10),
    api.series(state.window, window.buckets),
  ]);
  const labels = series.points.map((p) => window.label(new Date(p.since)));
  const points = series.points;
  const ms = (v) => `${num(v, 1)} ms`;
  replace(body,
    h('section', { class: 'kpis', 'data-testid': 'kpis' },
      kpi(t('insights.queries'), num(report.queries, 0)),
      kpi(t('insights.answer_rate'), percent(report.answer_rate)),
      kpi(t('insights.handoff_rate'), percent(report.handoff_rate)),
      kpi(t('insights.p50'), report.latency_ms ? ms(report.latency_ms.p50) : '–'),
      kpi(t('insights.p90'), report.latency_ms ? ms(report.latency_ms.p90) : '–'),
      kpi(t('insights.p99'), report.latency_ms ? ms(report.latency_ms.p99) : '–'),
      kpi(t('insights.helpful_rate'), percent(report.feedback.helpful_rate)),
      kpi(t('insights.csat'), percent(report.feedback.csat)),
      kpi(t('insights.feedback'), num(report.feedback.responses, 0))),
    h('section', { class: 'charts', 'data-testid': 'charts' },
      columnChart(t('insights.volume'), labels, [
        { label: t('insights.queries'), values: points.map((p) => p.queries) },
        { label: t('insights.answered'), values: points.map((p) => p.answered) },
      ], { yFormat: (v) => num(v, 0) }),
      lineChart(t('insights.rates'), labels, [
        { label: t('insights.answer_rate'), values: points.map((p) => p.answer_rate) },
        { label: t('insights.handoff_rate'), values: points.map((p) => p.handoff_rate) },
      ], { yMax: 1, yFormat: (v) => percent(v, 0) }),
      barChart(t('insights.reasons'),
        Object.entries(report.handoff_reasons).sort((a, b) => b[1] - a[1]).map(([reason, n]) => [term('reason', reason), n]),
        { format: (v) => num(v, 0), empty: t('insights.no_handoffs') }),
      lineChart(t('insights.latency'), labels, ['p50', 'p90', 'p99'].map((p) => ({
        label: p, values: points.map((point) => (point.latency_ms ? point.latency_ms[p] : null)),
      })), { yFormat: ms }),
      lineChart(t('insights.satisfaction'), labels, [
        { label: t('insights.helpful_rate'), values: points.map((p) => p.feedback.helpful_rate) },
        { label: t('insights.csat'), values: points.map((p) => p.feedback.csat) },
      ], { yMax: 1, yFormat: (v) => percent(v, 0) })),
    h('section', { class: 'card', 'data-testid': 'unanswered' },
      h('h2', {}, t('insights.unanswered')),
      report.top_unanswered.length
        ? h('div', { class: 'scroll' }, h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, h('th', {}, t('col.question')), h('th', { class: 'num' }, t('col.count')), h('th', {}, t('col.last_asked')), h('th', {}, h('span', { class: 'sr-only' }, t('insights.draft'))))),
          h('tbody', {}, report.top_unanswered.map((gap) => h('tr', {},
            h('td', {}, gap.question),
            h('td', { class: 'num' }, String(gap.count)),
            h('td', {}, localTime(gap.last_asked)),
            h('td', {}, h('button', {
              type: 'button',
              class: 'secondary',
              'data-testid': 'draft-faq',
              onClick: () => ctx.navigate(draftHref(gap.question)),
            }, t('insights.draft'))))))))
        : h('p', { class: 'muted' }, t('insights.none_unanswered'))));
}

function kpi(label, value) {
  return h('div', { class: 'kpi card' }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
}

/** The node editor, pre-filled with an FAQ whose question is `question`. */
function draftHref(question) {
  const lang = /[\u3400-\u9fff]/.test(question) ? 'zh' : 'en';
  return `#/nodes/new?${new URLSearchParams({ kind: 'faq', name: question, lang })}`;
}
