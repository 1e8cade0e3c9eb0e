// Ask: a customer's question → the answer, its confidence, the handoff decision and why, the
// evidence path drawn as a chain, alternatives and per-stage timings. With the session toggle
// on, questions share a session id so that follow-ups ("how much is it?") resolve.

import { h, replace, num, percent, nodeHref } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t, term } from '../lib/i18n.js';
import { evidenceChain } from '../lib/graph.js';

const STAGES = ['understand', 'embed', 'lexical', 'dense', 'reason', 'assemble'];

const state = {
  question: '',
  sessionOn: false,
  sessionId: null,
  turns: [],
  names: new Map(),
};

function newSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `console-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Display names of the nodes on the evidence paths (fetched once each). */
async function loadNames(result) {
  if (result.answer) state.names.set(result.answer.node_id, result.answer.name);
  for (const alt of result.alternatives) state.names.set(alt.node_id, alt.name);
  const ids = new Set();
  for (const evidence of result.evidence) {
    evidence.path.forEach((part, i) => {
      if (i % 2 === 0 && !state.names.has(part)) ids.add(part);
    });
  }
  await Promise.all([...ids].map(async (id) => {
    try {
      state.names.set(id, (await api.node(id)).node.name);
    } catch {
      state.names.set(id, id);
    }
  }));
}

export async function render(container, ctx) {
  const question = h('textarea', { id: 'ask-question', rows: 3, required: true, maxlength: 2000, 'data-testid': 'ask-question' });
  question.value = state.question;
  const toggle = h('input', { type: 'checkbox', id: 'ask-session', checked: state.sessionOn, 'data-testid': 'session-toggle' });
  const sessionInfo = h('span', { class: 'muted', 'data-testid': 'session-id' });
  const newSession = h('button', { type: 'button', class: 'secondary' }, t('ask.new_session'));
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'ask-submit' }, t('ask.submit'));
  const output = h('div', { class: 'ask-output', 'aria-live': 'polite' });

  function showSession() {
    sessionInfo.textContent = state.sessionOn ? t('ask.session_id', { id: state.sessionId }) : '';
    newSession.hidden = !state.sessionOn;
  }
  toggle.addEventListener('change', () => {
    state.sessionOn = toggle.checked;
    state.sessionId = state.sessionOn ? newSessionId() : null;
    state.turns = [];
    showSession();
    renderTurns(output, ctx);
  });
  newSession.addEventListener('click', () => {
    state.sessionId = newSessionId();
    state.turns = [];
    showSession();
    renderTurns(output, ctx);
  });
  question.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  const form = h('form', { class: 'card ask-form' },
    h('h1', {}, t('ask.title')),
    h('div', { class: 'field wide' }, h('label', { for: 'ask-question' }, t('ask.question')), question,
      h('div', { class: 'hint' }, t('ask.hint'))),
    h('div', { class: 'row' },
      h('label', { class: 'check', for: 'ask-session' }, toggle, t('ask.session')),
      sessionInfo, newSession),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (!text) return;
    state.question = text;
    submit.disabled = true;
    submit.textContent = t('ask.asking');
    try {
      const result = await api.answer(text, state.sessionOn ? state.sessionId : null);
      await loadNames(result);
      state.turns = state.sessionOn ? [...state.turns, result] : [result];
      renderTurns(output, ctx);
    } catch (error) {
      replace(output, h('div', { class: 'card error', role: 'alert' }, error.message));
    } finally {
      submit.disabled = false;
      submit.textContent = t('ask.submit');
    }
  });
  showSession();
  replace(container, form, output);
  renderTurns(output, ctx);
}

function renderTurns(output, ctx) {
  if (!state.turns.length) {
    replace(output);
    return;
  }
  const latest = state.turns[state.turns.length - 1];
  const earlier = state.turns.slice(0, -1);
  replace(output,
    earlier.length ? h('section', { class: 'card' },
      h('h2', {}, t('ask.earlier')),
      h('ol', { class: 'turns' }, earlier.map((turn) => h('li', {},
        h('span', { class: 'q' }, turn.question), ' → ',
        turn.answer ? h('a', { href: nodeHref(turn.answer.node_id) }, turn.answer.name) : h('em', {}, t('ask.no_answer')))))) : null,
    renderResult(latest, ctx));
}

function renderResult(result, ctx) {
  const answer = result.answer;
  const handoff = result.handoff;
  return h('section', { class: 'card result', 'data-testid': 'answer' },
    h('div', { class: 'result-head' },
      h('h2', { 'data-testid': 'answer-name' }, answer ? answer.name : t('ask.no_answer')),
      answer ? h('a', { href: nodeHref(answer.node_id), class: 'mono' }, answer.node_id) : null),
    answer?.attribute ? h('p', { class: 'attribute' }, h('strong', {}, `${answer.attribute.key}: `), answer.attribute.value) : null,
    answer ? h('p', { class: 'answer-text' }, answer.text) : null,
    h('dl', { class: 'facts' },
      h('div', {}, h('dt', {}, t('ask.confidence')), h('dd', { 'data-testid': 'confidence' },
        h('meter', { min: 0, max: 1, low: 0.35, high: 0.7, optimum: 1, value: result.confidence, 'aria-label': t('ask.confidence') }),
        ` ${percent(result.confidence)}`)),
      h('div', {}, h('dt', {}, t('ask.handoff')), h('dd', { 'data-testid': 'handoff' },
        h('span', { class: ['badge', handoff.recommended ? 'warn' : 'ok'] },
          handoff.recommended ? t('ask.handoff_yes') : t('ask.handoff_no')),
        handoff.reason ? ` ${term('reason', handoff.reason)}` : '')),
      h('div', {}, h('dt', {}, t('ask.source')), h('dd', {}, answer ? term('source', answer.source) : '–')),
      h('div', {}, h('dt', {}, t('ask.lang')), h('dd', {}, result.lang)),
      h('div', {}, h('dt', {}, t('ask.kb_version')), h('dd', {}, String(result.kb_version)))),
    result.degraded ? h('p', { class: 'banner warn' }, t('ask.degraded')) : null,
    h('h3', {}, t('ask.evidence')),
    h('div', { class: 'evidence', 'data-testid': 'evidence' },
      result.evidence.length
        ? result.evidence.map((e) => h('div', { class: 'chain-box' },
          evidenceChain(e.path, {
            names: Object.fromEntries(state.names),
            label: t('ask.evidence_label', { path: e.path.join(' → ') }),
            onNode: (id) => ctx.navigate(nodeHref(id)),
            vertical: window.matchMedia('(max-width: 640px)').matches,
          }),
          h('span', { class: 'muted' }, term('source', e.source))))
        : h('p', { class: 'muted' }, t('ask.no_evidence'))),
    h('div', { class: 'two-col' },
      h('div', {},
        h('h3', {}, t('ask.alternatives')),
        result.alternatives.length
          ? h('table', { class: 'table', 'data-testid': 'alternatives' },
            h('thead', {}, h('tr', {}, h('th', {}, t('col.node')), h('th', {}, t('col.kind')), h('th', { class: 'num' }, t('col.score')))),
            h('tbody', {}, result.alternatives.map((alt) => h('tr', {},
              h('td', {}, h('a', { href: nodeHref(alt.node_id) }, alt.name)),
              h('td', {}, alt.kind),
              h('td', { class: 'num' }, num(alt.score, 3))))))
          : h('p', { class: 'muted' }, '–')),
      h('div', {},
        h('h3', {}, t('ask.timings')),
        timings(result.timings_ms))),
    feedback(result));
}

function timings(ms) {
  const total = ms.total || STAGES.reduce((sum, stage) => sum + (ms[stage] || 0), 0) || 1;
  return h('table', { class: 'table timings', 'data-testid': 'timings' },
    h('tbody', {},
      STAGES.filter((stage) => stage in ms).map((stage) => h('tr', {},
        h('th', { scope: 'row' }, term('stage', stage)),
        h('td', { class: 'bar-cell' }, h('progress', { max: total, value: ms[stage], 'aria-label': term('stage', stage) })),
        h('td', { class: 'num' }, `${num(ms[stage], 2)} ms`))),
      h('tr', { class: 'total' }, h('th', { scope: 'row' }, t('stage.total')), h('td', {}), h('td', { class: 'num' }, `${num(total, 2)} ms`))));
}

function feedback(result) {
  if (!result.query_id) return null;
  const status = h('span', { class: 'muted', role: 'status' });
  const rating = h('select', { id: `rating-${result.query_id}`, 'aria-label': t('ask.rating') },
    h('option', { value: '' }, t('ask.rating_none')),
    [5, 4, 3, 2, 1].map((n) => h('option', { value: n }, '★'.repeat(n))));
  const send = async (helpful) => {
    try {
      const body = { query_id: result.query_id, helpful };
      if (rating.value) body.rating = Number(rating.value);
      await api.feedback(body);
      status.textContent = t('ask.feedback_thanks');
    } catch (error) {
      status.textContent = error.message;
    }
  };
  return h('div', { class: 'feedback row' },
    h('span', {}, t('ask.helpful')),
    h('button', { type: 'button', class: 'secondary', onClick: () => send(true) }, t('ask.yes')),
    h('button', { type: 'button', class: 'secondary', onClick: () => send(false) }, t('ask.no')),
    h('label', { for: rating.id, class: 'sr-only' }, t('ask.rating')), rating,
    status);
}
