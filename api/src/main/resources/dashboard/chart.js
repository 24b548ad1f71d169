// Live curves of one run with uPlot: the series store (columns, as the API's buckets answer them), debiased EMA
// smoothing with the raw curve as a shadow, the min/max band of each bucket, four x-axes, a log y toggle, markers
// for phase boundaries and alerts, and at most one redraw per animation frame whatever the event rate.
import { FrameThrottle } from './dom.js';

export const PANELS = [
  { key: 'loss', label: 'loss', extra: 'eval_loss' },
  { key: 'lr', label: 'learning rate' },
  { key: 'grad_norm', label: 'grad norm' },
  { key: 'tokens_per_sec', label: 'tokens/s' },
];
export const X_MODES = { step: 'step', wall: 'wall clock', relative: 'relative time (s)', tokens: 'tokens seen' };
// A fast stream is drawn at most this often (about 30 times a second): a step every 50 ms is drawn in the next frame,
// a step every 10 ms waits for the next of these, and the page keeps CPU for the rest of the machine.
const MIN_REDRAW_MS = 33;

// TensorBoard's and W&B's EMA: the running average divided by the weight it has accumulated, so the first points
// are not pulled towards zero. Missing values (null) stay missing and do not advance it.
export class Ema {
  constructor(weight) {
    this.weight = weight;
    this.last = 0;
    this.debias = 0;
  }

  next(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return null;
    if (this.weight <= 0) return value;
    this.last = this.last * this.weight + (1 - this.weight) * value;
    this.debias = this.debias * this.weight + (1 - this.weight);
    return this.last / this.debias;
  }
}

export function ema(values, weight) {
  const state = new Ema(weight);
  return values.map((v) => state.next(v));
}

// One run's points: steps, times (epoch ms), and per metric the last, min and max value of each point (a bucket
// from the history, or a single step from the live stream, where all three are equal). A long live run is held at
// the chart's resolution: past `limit` points, all but the newest quarter of them are folded into buckets as the
// history answers them, so a redraw costs the chart's width, not the run's length, and no spike is lost.
export class RunSeries {
  constructor() {
    this.limit = Infinity;            // set by the charts: two points per pixel of their width
    this.reset();
  }

  reset() {
    this.steps = [];
    this.times = [];
    this.last = {};
    this.min = {};
    this.max = {};
    this.generation = (this.generation || 0) + 1;
  }

  get length() {
    return this.steps.length;
  }

  get lastStep() {
    return this.steps.length ? this.steps[this.steps.length - 1] : -1;
  }

  column(kind, name) {
    let columns = this[kind][name];
    if (!columns) {
      columns = this[kind][name] = new Array(this.steps.length).fill(null);
    }
    return columns;
  }

  // The API's MetricBuckets answer replaces everything.
  load(buckets) {
    this.reset();
    this.steps = Array.from(buckets.steps);
    this.times = Array.from(buckets.times);
    for (const [name, s] of Object.entries(buckets.series)) {
      this.last[name] = Array.from(s.last);
      this.min[name] = Array.from(s.min);
      this.max[name] = Array.from(s.max);
    }
  }

  // Adds a live step. A step not after the last one means the run resumed from an earlier checkpoint: the points
  // from that step on are replaced, as the server's history does. Returns false when the step was not added.
  append(step, time, metrics) {
    if (step <= this.lastStep) {
      let cut = this.steps.length;
      while (cut > 0 && this.steps[cut - 1] >= step) cut--;
      this.steps.length = cut;
      this.times.length = cut;
      for (const kind of ['last', 'min', 'max']) {
        for (const name of Object.keys(this[kind])) this[kind][name].length = cut;
      }
      this.generation++;
    }
    const at = this.steps.length;
    this.steps.push(step);
    this.times.push(time);
    for (const kind of ['last', 'min', 'max']) {
      for (const name of Object.keys(this[kind])) this[kind][name].push(null);
    }
    for (const [name, value] of Object.entries(metrics || {})) {
      if (typeof value !== 'number') continue;
      this.column('last', name)[at] = value;
      this.column('min', name)[at] = value;
      this.column('max', name)[at] = value;
    }
    if (this.steps.length > this.limit) this.fold();
    return true;
  }

  // Folds the older points into buckets of a power of two of steps, aligned as step / size, few enough that they
  // take half the limit: each the min of the mins, the max of the maxes, the last value measured, and the last
  // step and time, the shape of the history's buckets. The newest quarter of the limit stays raw. A fold costs the
  // limit and comes at most once every quarter of it, so a step costs a few operations per metric on average.
  fold() {
    const old = this.steps.length - Math.floor(this.limit / 4);
    let size = 2;
    while ((this.steps[old - 1] - this.steps[0]) / size >= this.limit / 2) size *= 2;
    const steps = [];
    const times = [];
    const into = new Array(old);      // the bucket of each old point
    for (let i = 0; i < old; i++) {
      const b = steps.length - 1;
      if (b < 0 || Math.ceil(this.steps[i] / size) !== Math.ceil(steps[b] / size)) {
        steps.push(this.steps[i]);
        times.push(this.times[i]);
      } else {
        steps[b] = this.steps[i];
        times[b] = this.times[i];
      }
      into[i] = steps.length - 1;
    }
    for (const name of Object.keys(this.last)) {
      const [last, min, max] = [this.last[name], this.min[name], this.max[name]];
      const [l, lo, hi] = [0, 1, 2].map(() => new Array(steps.length).fill(null));
      for (let i = 0; i < old; i++) {
        const b = into[i];
        if (last[i] !== null) l[b] = last[i];
        if (min[i] !== null && (lo[b] === null || min[i] < lo[b])) lo[b] = min[i];
        if (max[i] !== null && (hi[b] === null || max[i] > hi[b])) hi[b] = max[i];
      }
      this.last[name] = l.concat(last.slice(old));
      this.min[name] = lo.concat(min.slice(old));
      this.max[name] = hi.concat(max.slice(old));
    }
    this.steps = steps.concat(this.steps.slice(old));
    this.times = times.concat(this.times.slice(old));
    this.generation++;
  }

  // The index of the first point at or after a step (or time, with key 'times').
  indexOf(value, key = 'steps') {
    const a = this[key];
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] < value) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// The four panels of a run. Rebuilt on a mode change (x-axis, log, smoothing); appended to in place otherwise.
export class RunCharts {
  constructor(container, series, options, markers, hooks = {}) {
    this.container = container;
    this.series = series;
    this.options = options;           // { xMode, log, smoothing }
    this.hooks = hooks;               // { onZoom(fromStep, toStep), onDrawn() }
    this.markers = markers;           // { step?, time?, kind, label }, shared with the page that adds them
    this.drawnMarkers = [];           // what the loss panel last drew: { kind, label, x } (x in CSS pixels)
    this.charts = {};
    this.redraws = new FrameThrottle(() => {
      this.pending = Object.values(this.charts);
      this.redrawNext(false);
    }, MIN_REDRAW_MS);
    this.pending = [];                // panels still to redraw in this round, one task each
    this.posted = false;              // a task to redraw the next of them is queued
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = () => this.redrawNext();
    this.zoomed = false;
    this.build();
  }

  build() {
    for (const chart of Object.values(this.charts)) chart.u.destroy();
    this.container.textContent = '';
    this.charts = {};
    this.pending = [];
    // Read once per theme: a style read while drawing would make the browser recompute styles in the middle of it.
    this.colours = { alert: css('--bad') || '#dc2626', phase: css('--muted') || '#888' };
    const width = Math.max(320, Math.floor((this.container.clientWidth || 1200) / 2) - 16);
    this.series.limit = 2 * width;
    for (const panel of PANELS) {
      const box = document.createElement('figure');
      box.className = 'panel';
      const caption = document.createElement('figcaption');
      caption.textContent = panel.label;
      box.append(caption);
      this.container.append(box);
      const chart = { panel, synced: 0, generation: this.series.generation, data: null, u: null };
      this.reset(chart);
      chart.u = new uPlot(this.config(panel, width), chart.data, box);
      this.charts[panel.key] = chart;
    }
    if (this.hooks.onBuilt) this.hooks.onBuilt(this.charts);
  }

  width() {
    const any = Object.values(this.charts)[0];
    return any ? any.u.width : 600;
  }

  config(panel, width) {
    const accent = css('--accent') || '#2563eb';
    const text = css('--text') || '#222';
    const grid = css('--grid') || '#ddd';
    const timeX = this.options.xMode === 'wall';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const series = [
      { label: X_MODES[this.options.xMode] },
      { label: panel.label + ' (raw)', stroke: accent + '55', width: 1, show: this.options.smoothing > 0,
        points: { show: false } },
      { label: this.options.smoothing > 0 ? panel.label + ' (EMA ' + this.options.smoothing + ')' : panel.label,
        stroke: accent, width: 2, points: { show: false }, spanGaps: true },
      { label: 'min', stroke: 'transparent', points: { show: false } },
      { label: 'max', stroke: 'transparent', points: { show: false } },
    ];
    if (panel.extra) {
      series.push({ label: panel.extra, stroke: css('--accent2') || '#d97706', width: 2, spanGaps: true,
        points: { show: true, size: 5 } });
    }
    return {
      width,
      height: 220,
      series,
      bands: [{ series: [4, 3], fill: accent + '22' }],
      scales: { x: { time: timeX }, y: { distr: this.options.log ? 3 : 1 } },
      axes: [axis, { ...axis, size: 60 }],
      legend: { live: true },
      cursor: { sync: { key: 'run' }, drag: { x: true, y: false, setScale: true }, bind: { dblclick: () => null } },
      hooks: {
        draw: [(u) => this.drawn(u, panel)],
        setSelect: [(u) => this.selected(u)],
        ready: [(u) => u.over.addEventListener('dblclick', () => this.unzoom())],
      },
    };
  }

  // The panel's columns from scratch: x in the current mode, raw, smoothed, min, max (and the extra series).
  reset(chart) {
    const n = chart.panel.extra ? 6 : 5;
    chart.data = Array.from({ length: n }, () => []);
    chart.ema = new Ema(this.options.smoothing);
    chart.tokens = 0;
    chart.synced = 0;
    chart.generation = this.series.generation;
    this.sync(chart);
  }

  // Pushes the series' points the panel has not taken yet.
  sync(chart) {
    const s = this.series;
    const { key, extra } = chart.panel;
    const last = s.last[key] || [];
    const min = s.min[key] || [];
    const max = s.max[key] || [];
    const extraValues = extra ? s.last[extra] || [] : null;
    const tps = s.last.tokens_per_sec || [];
    const d = chart.data;
    const log = this.options.log;
    const positive = (v) => (v === null || v === undefined || (log && !(v > 0)) ? null : v);
    for (let i = chart.synced; i < s.length; i++) {
      d[0].push(this.x(chart, i, tps));
      const value = positive(last[i]);
      d[1].push(value);
      d[2].push(positive(chart.ema.next(value)));
      d[3].push(positive(min[i]));
      d[4].push(positive(max[i]));
      if (extraValues) d[5].push(positive(extraValues[i]));
    }
    chart.synced = s.length;
  }

  x(chart, i, tps) {
    const s = this.series;
    switch (this.options.xMode) {
      case 'wall': return s.times[i] / 1000;
      case 'relative': return (s.times[i] - s.times[0]) / 1000;
      case 'tokens': {
        // Tokens seen as the run counted them (tokens_seen); a run that does not report it is approximated from
        // each step's measured tokens/s over the time since the previous point.
        const seen = s.last.tokens_seen && s.last.tokens_seen[i];
        if (seen !== null && seen !== undefined) {
          chart.tokens = seen;
          return seen;
        }
        const dt = i > 0 ? (s.times[i] - s.times[i - 1]) / 1000 : 0;
        chart.tokens += (tps[i] || 0) * dt;
        return chart.tokens;
      }
      default: return s.steps[i];
    }
  }

  // Asks for one redraw, however many steps arrived since the last one (without new points, e.g. a new marker, a
  // plain redraw): the loss panel in the next animation frame, at most one round every MIN_REDRAW_MS, then each other
  // panel in a task of its own, so that no task of the page carries the four charts at once.
  update() {
    this.redraws.request();
  }

  redrawNext(posted = true) {
    if (posted) this.posted = false;
    const chart = this.pending.shift();
    if (!chart) return;
    if (this.pending.length && !this.posted) {
      this.posted = true;
      this.channel.port2.postMessage(0);
    }
    if (this.charts[chart.panel.key] !== chart) return;   // rebuilt meanwhile
    const before = chart.synced;
    const fresh = chart.generation !== this.series.generation;
    if (fresh) {
      this.reset(chart);
    } else {
      this.sync(chart);
    }
    if (!fresh && chart.synced === before) chart.u.redraw(false);
    else chart.u.setData(chart.data, !this.zoomed);
  }

  setOptions(options) {
    Object.assign(this.options, options);
    this.build();
  }

  drawn(u, panel) {
    const drawn = this.drawMarkers(u);
    if (panel.key === 'loss') {
      this.drawnMarkers = drawn;
      if (this.hooks.onDrawn) this.hooks.onDrawn();
    }
  }

  // Vertical lines at phase boundaries and alerts, placed by step (or by time, for alerts).
  drawMarkers(u) {
    const drawn = [];
    if (!this.markers.length) return drawn;
    const ctx = u.ctx;
    const top = u.bbox.top;
    const height = u.bbox.height;
    ctx.save();
    ctx.font = Math.round(10 * devicePixelRatio) + 'px sans-serif';
    for (const marker of this.markers) {
      const i = marker.step !== undefined ? this.series.indexOf(marker.step)
        : this.series.indexOf(marker.time, 'times');
      if (i >= u.data[0].length) continue;
      const x = u.valToPos(u.data[0][i], 'x', true);
      if (!Number.isFinite(x)) continue;
      ctx.strokeStyle = marker.kind === 'alert' ? this.colours.alert : this.colours.phase;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.fillText(marker.label, x + 3 * devicePixelRatio, top + 12 * devicePixelRatio);
      drawn.push({ kind: marker.kind, label: marker.label, x: x / devicePixelRatio });
    }
    ctx.restore();
    return drawn;
  }

  // A drag selection zooms the x scale (uPlot does that); the page then asks the server for finer buckets.
  selected(u) {
    if (u.select.width < 2 || !this.hooks.onZoom) return;
    const from = u.posToVal(u.select.left, 'x');
    const to = u.posToVal(u.select.left + u.select.width, 'x');
    const xs = u.data[0];
    let a = 0;
    while (a < xs.length - 1 && xs[a] < from) a++;
    let b = xs.length - 1;
    while (b > 0 && xs[b] > to) b--;
    if (b < a) return;
    // A bucket's step is its last; the window starts after the previous bucket.
    const fromStep = a > 0 ? this.series.steps[a - 1] + 1 : this.series.steps[0];
    this.zoomed = true;
    this.hooks.onZoom(fromStep, this.series.steps[b]);
  }

  unzoom() {
    if (!this.zoomed) return;
    this.zoomed = false;
    if (this.hooks.onZoom) this.hooks.onZoom(null, null);
  }

  destroy() {
    this.redraws.cancel();
    this.pending = [];
    this.channel.port1.close();
    for (const chart of Object.values(this.charts)) chart.u.destroy();
    this.charts = {};
  }
}
