// DOM helpers. Every text the console shows goes in as a text node (never as HTML), so KB
// content and server messages cannot inject markup; the page's CSP forbids inline scripts and
// styles anyway.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      element.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'value' && 'value' in element && !(element instanceof SVGElement)) {
      element.value = value;
    } else if (name === 'checked' || name === 'selected' || name === 'disabled') {
      element[name] = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children: nodes, strings (as text), numbers, arrays of these; skips null/false. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** An HTML element: h('button', {class: 'primary', onClick}, 'Save'). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces the content of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A labelled form control: the label is tied to the control by id. */
let controlCount = 0;
export function field(label, control, { hint, error, wide } = {}) {
  if (!control.id) control.id = `f${++controlCount}`;
  const errorBox = h('div', { class: 'field-error', id: `${control.id}-error`, role: 'alert' });
  const parts = [h('label', { for: control.id }, label), control];
  if (hint) parts.push(h('div', { class: 'hint' }, hint));
  parts.push(errorBox);
  const wrapper = h('div', { class: ['field', wide && 'wide'] }, parts);
  wrapper.setError = (message) => setFieldError(control, errorBox, message);
  if (error) wrapper.setError(error);
  return wrapper;
}

export function setFieldError(control, errorBox, message) {
  errorBox.textContent = message || '';
  if (message) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', errorBox.id);
  } else {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
  }
}

/** Formats a number with at most `digits` fraction digits. */
export function num(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
}

export function percent(value, digits = 1) {
  if (value === null || value === undefined) return '–';
  return `${(value * 100).toFixed(digits)}%`;
}

export function localTime(rfc3339) {
  if (!rfc3339) return '–';
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime()) ? rfc3339 : date.toLocaleString();
}

/** The console URL of a node's page. */
export function nodeHref(id) {
  return `#/nodes/${encodeURIComponent(id)}`;
}

export function graphHref(id) {
  return `#/graph/${encodeURIComponent(id)}`;
}

/** Calls `fn` once `ms` after the last call. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
