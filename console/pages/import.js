// Import: a JSONL delta file or an FAQ spreadsheet (CSV), uploaded or pasted. A dry run comes
// first — every validation error with its line and field, or the counts of what would be added,
// updated and deleted — and only a clean dry run of exactly this content enables Apply.

import { h, replace } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, summaryText } from '../lib/i18n.js';

const TYPES = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv',
};

export async function render(container, ctx) {
  const file = h('input', { type: 'file', id: 'import-file', accept: '.jsonl,.ndjson,.json,.csv,.txt', 'data-testid': 'import-file' });
  const format = h('select', { id: 'import-format', 'data-testid': 'import-format' },
    h('option', { value: 'jsonl' }, t('import.jsonl')), h('option', { value: 'csv' }, t('import.csv')));
  const text = h('textarea', { id: 'import-text', rows: 10, class: 'mono', spellcheck: 'false', 'data-testid': 'import-text' });
  const dryRun = h('button', { type: 'submit', class: 'primary', 'data-testid': 'import-dry-run' }, t('import.dry_run'));
  const apply = h('button', { type: 'button', class: 'danger', disabled: true, 'data-testid': 'import-apply' }, t('import.apply'));
  const report = h('div', { class: 'report', 'aria-live': 'polite', 'data-testid': 'import-report' });
  // The content and format the last clean dry run checked; Apply sends exactly that.
  let checked = null;

  const invalidate = () => {
    checked = null;
    apply.disabled = true;
  };
  text.addEventListener('input', invalidate);
  format.addEventListener('change', invalidate);
  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    text.value = await chosen.text();
    format.value = /\.csv$/i.test(chosen.name) ? 'csv' : 'jsonl';
    invalidate();
    replace(report, h('p', { class: 'muted' }, t('import.loaded', { name: chosen.name, bytes: chosen.size })));
  });

  const form = h('form', { class: 'card' },
    h('h1', {}, t('import.title')),
    h('p', {}, t('import.intro')),
    h('div', { class: 'grid-form' },
      h('div', { class: 'field' }, h('label', { for: 'import-file' }, t('import.file')), file),
      h('div', { class: 'field' }, h('label', { for: 'import-format' }, t('import.format')), format),
      h('div', { class: 'field wide' }, h('label', { for: 'import-text' }, t('import.content')), text,
        h('div', { class: 'hint' }, t('import.hint')))),
    h('div', { class: 'actions' }, dryRun, apply));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    invalidate();
    if (!text.value.trim()) {
      replace(report, h('p', { class: 'error', role: 'alert' }, t('import.empty')));
      return;
    }
    const body = text.value;
    const type = TYPES[format.value];
    dryRun.disabled = true;
    try {
      const outcome = await api.importBody(body, type, true);
      checked = { body, type };
      apply.disabled = !hasChanges(outcome.summary);
      replace(report, h('div', { class: 'card ok', 'data-testid': 'import-ok' },
        h('h2', {}, t('import.dry_ok')),
        counts(outcome.summary),
        h('p', {}, hasChanges(outcome.summary) ? t('import.ready') : t('import.nothing'))));
    } catch (error) {
      showError(report, error);
    } finally {
      dryRun.disabled = false;
    }
  });

  apply.addEventListener('click', async () => {
    if (!checked) return;
    apply.disabled = true;
    try {
      const outcome = await api.importBody(checked.body, checked.type, false);
      checked = null;
      replace(report, h('div', { class: 'card ok', 'data-testid': 'import-applied' },
        h('h2', {}, t('import.applied', { version: outcome.kb_version })),
        counts(outcome.summary),
        h('p', { class: 'muted' }, t('import.embedded', { n: outcome.embedded, ms: Math.round(outcome.took_ms) }))));
      ctx.toast(t('import.applied', { version: outcome.kb_version }));
    } catch (error) {
      showError(report, error);
    }
  });

  replace(container, form, report);
}

function hasChanges(summary) {
  return ['nodes_added', 'nodes_updated', 'nodes_deleted', 'edges_added', 'edges_updated', 'edges_deleted']
    .some((key) => summary[key] > 0) || summary.schema_changed;
}

function counts(summary) {
  const rows = [
    ['nodes', summary.nodes_added, summary.nodes_updated, summary.nodes_deleted, summary.nodes_unchanged],
    ['edges', summary.edges_added, summary.edges_updated, summary.edges_deleted, summary.edges_unchanged],
  ];
  return h('div', {},
    h('table', { class: 'table counts', 'data-testid': 'import-counts' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), ['added', 'updated', 'deleted', 'unchanged'].map((c) => h('th', { class: 'num' }, t(`import.${c}`))))),
      h('tbody', {}, rows.map(([what, ...values]) => h('tr', { 'data-row': what },
        h('th', { scope: 'row' }, t(`import.${what}`)),
        values.map((v) => h('td', { class: 'num' }, String(v))))))),
    h('p', { class: 'muted' }, summaryText(summary)));
}

function showError(report, error) {
  if (error instanceof ApiError && error.status === 422 && error.errors.length) {
    replace(report, h('div', { class: 'card error', role: 'alert', 'data-testid': 'import-errors' },
      h('h2', {}, t('import.refused', { n: error.errors.length })),
      h('p', {}, t('import.nothing_changed')),
      h('div', { class: 'scroll' }, h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { class: 'num' }, t('col.line')), h('th', {}, t('col.field')), h('th', {}, t('col.problem')))),
        h('tbody', {}, error.errors.map((e) => h('tr', { 'data-line': e.line ?? '' },
          h('td', { class: 'num' }, e.line ?? '–'),
          h('td', { class: 'mono' }, e.field ?? '–'),
          h('td', {}, e.message))))))));
  } else {
    replace(report, h('div', { class: 'card error', role: 'alert', 'data-testid': 'import-errors' }, error.message));
  }
}
