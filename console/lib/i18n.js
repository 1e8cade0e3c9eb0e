// UI text in English and Chinese. `t('key', {n: 3})` looks the key up in the chosen language,
// falls back to English, and fills `{n}`-style placeholders. The choice is kept in localStorage
// (it is not secret) and mirrored in <html lang>.

import en from '../i18n/en.js';
import zh from '../i18n/zh.js';

const DICTIONARIES = { en, zh };
export const LANGUAGES = [
  ['en', 'English'],
  ['zh', '中文'],
];
const LANG_ITEM = 'answergraph.lang';

let current = pick(localStorage.getItem(LANG_ITEM) || navigator.language || 'en');

function pick(tag) {
  return String(tag).toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function lang() {
  return current;
}

export function setLang(tag) {
  current = pick(tag);
  localStorage.setItem(LANG_ITEM, current);
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

export function t(key, vars = {}) {
  const text = DICTIONARIES[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

/** A handoff reason or match kind as words; unknown codes are shown as they are. */
export function term(group, code) {
  if (code === null || code === undefined) return '–';
  const key = `${group}.${code}`;
  const text = t(key);
  return text === key ? String(code) : text;
}

/** What a write changed (or would change), as words: "1 node updated, 2 edges added". */
export function summaryText(summary) {
  const parts = [];
  for (const key of ['nodes_added', 'nodes_updated', 'nodes_deleted', 'edges_added', 'edges_updated', 'edges_deleted']) {
    if (summary[key]) parts.push(t(`sum.${key}`, { n: summary[key] }));
  }
  if (summary.schema_changed) parts.push(t('sum.schema_changed'));
  return parts.length ? parts.join(', ') : t('sum.nothing');
}

setLang(current);
