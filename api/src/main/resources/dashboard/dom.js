// A few DOM helpers: elements from tags and attributes, and numbers in words people read.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function fmt(value, digits = 4) {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en');
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(2) : value.toPrecision(digits);
}

export function ago(iso) {
  if (!iso) return '–';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  return Math.round(s / 3600) + ' h ago';
}

export function table(rows, columns) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', {}, c.cell(row)))))));
}

export function keyValues(map) {
  const entries = Object.entries(map || {});
  if (!entries.length) return h('p', { class: 'muted' }, 'none');
  return h('table', { class: 'kv' }, h('tbody', {},
    entries.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, typeof v === 'object' && v !== null
      ? JSON.stringify(v) : fmt(v))))));
}

// The chip of a job status; a pending job is "queued", or "paused" when its message says so.
export function jobState(job) {
  if (job.status === 'pending') return /^paused/.test(job.message || '') ? 'paused' : 'queued';
  return job.status;
}

export function chip(state, id) {
  return h('span', { class: 'chip chip-' + state, id, 'data-status': state }, state);
}

export function failure(error) {
  return h('p', { class: 'error', role: 'alert' }, error.message || String(error));
}

// Runs work in an animation frame when asked, however often it is asked, and at most once every minMs: a stream of
// events costs the page a bounded number of repaints a second.
export class FrameThrottle {
  constructor(work, minMs) {
    this.work = work;
    this.minMs = minMs;
    this.frame = 0;
    this.timer = 0;
    this.last = -Infinity;
  }

  request() {
    if (this.frame || this.timer) return;
    const wait = this.last + this.minMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = 0;
        this.request();
      }, wait);
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.last = performance.now();
      this.work();
    });
  }

  cancel() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = 0;
    this.timer = 0;
  }
}
