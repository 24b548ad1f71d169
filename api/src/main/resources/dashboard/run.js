// The run detail page: the job's state and controls, its live curves, parameters, stats and log tail. Live by push:
// it follows jobs/{id} on the WebSocket before reading the history, so no step falls between the two.
// With ?since=<event id>&speed=10x it replays the run from the bus instead, at that speed: any run that started
// offers it, from the id of its first training_started event (the job's started_event_id).
import { api } from './api.js';
import { h, fmt, chip, jobState, keyValues, failure, FrameThrottle } from './dom.js';
import { RunCharts, RunSeries, X_MODES } from './chart.js';

const LOG_LINES = 200;
// The log tail and the latest values are text for people: rewritten at most five times a second, not per event.
const TEXT_REPAINT_MS = 200;

export function runPage(app, jobId, query) {
  const series = new RunSeries();
  const replay = query.get('since') ? { since: query.get('since'), speed: parseFloat(query.get('speed')) || 10 } : null;
  const view = {
    job: null, charts: null, buffered: [], ready: false, lastSeed: null, log: [], stats: {}, markers: [],
    options: { xMode: 'step', log: false, smoothing: 0.6 },
  };
  const forge = app.forge;
  const statusEl = h('span', {});
  const progressEl = h('progress', { max: 1, value: 0, 'aria-label': 'progress' });
  const stepEl = h('span', { class: 'live-value', id: 'step' });
  const valuesEl = h('div', { class: 'values live-value' });
  const messageEl = h('p', { class: 'muted', id: 'job-message' });
  const chartsEl = h('div', { class: 'charts', id: 'charts' });
  const paramsEl = h('div', {});
  const statsEl = h('div', {});
  const logEl = h('pre', { class: 'log', id: 'log', tabindex: 0, 'aria-label': 'log tail' });
  const errorEl = h('div', {});
  const button = (label, action, id) => h('button', { type: 'button', id, onclick: () => control(action) }, label);
  const cancelBtn = button('Cancel', 'cancel', 'cancel');
  const pauseBtn = button('Pause', 'pause', 'pause');
  const resumeBtn = button('Resume', 'resume', 'resume');
  const xSelect = h('select', { id: 'x-mode', 'aria-label': 'x axis', onchange: (e) => rebuild({ xMode: e.target.value }) },
    Object.entries(X_MODES).map(([value, label]) => h('option', { value }, label)));
  const logBox = h('input', { type: 'checkbox', id: 'log-scale', onchange: (e) => rebuild({ log: e.target.checked }) });
  const smoothing = h('input', { type: 'range', id: 'smoothing', min: 0, max: 0.99, step: 0.01,
    value: view.options.smoothing, 'aria-label': 'EMA smoothing',
    onchange: (e) => rebuild({ smoothing: parseFloat(e.target.value) }) });
  const replayLink = h('a', { id: 'replay-link', hidden: true }, 'Replay this run at 10×');
  const markersEl = h('p', { class: 'muted', id: 'markers' });

  app.main.replaceChildren(
    h('section', { class: 'run-head' },
      h('h1', {}, replay ? 'Replay of run ' : 'Run ', h('code', {}, jobId.slice(0, 8)), ' ', statusEl),
      h('div', { class: 'row' }, progressEl, stepEl, valuesEl),
      messageEl,
      h('div', { class: 'row controls' }, cancelBtn, pauseBtn, resumeBtn,
        h('label', {}, 'x axis ', xSelect), h('label', {}, logBox, ' log scale'),
        h('label', {}, 'smoothing ', smoothing), replayLink),
      errorEl),
    chartsEl,
    markersEl,
    h('section', { class: 'cols' },
      h('div', {}, h('h2', {}, 'Parameters'), paramsEl),
      h('div', {}, h('h2', {}, 'Stats'), statsEl),
      h('div', {}, h('h2', {}, 'Log tail'), logEl)));

  function setJob(job) {
    view.job = job;
    const state = jobState(job);
    statusEl.replaceChildren(chip(state, 'status'));
    if (forge) {
      const history = forge.statusHistory[jobId] || (forge.statusHistory[jobId] = []);
      if (history[history.length - 1] !== state) history.push(state);
    }
    progressEl.value = job.progress || 0;
    messageEl.textContent = (job.phase || '') + ' · ' + (job.message || '') + (job.error_message ? ' · ' + job.error_message : '');
    const final = ['completed', 'failed', 'cancelled'].includes(job.status);
    cancelBtn.disabled = final || !!replay;
    pauseBtn.disabled = final || state === 'paused' || !!replay;
    resumeBtn.disabled = state !== 'paused' || !!replay;
    paramsEl.replaceChildren(keyValues(job.parameters));
    if (job.started_event_id && !replay) {
      replayLink.href = '?since=' + encodeURIComponent(job.started_event_id) + '&speed=10x#/runs/' + encodeURIComponent(jobId);
      replayLink.hidden = false;
    }
  }

  // Vertical lines on every curve: phase boundaries (a new data seed, a pause, a resume) and alerts, from the
  // history when the page loads and live from then on. Listed under the charts too, for keyboards and readers.
  function mark(marker) {
    if (marker.id && view.markers.some((m) => m.id === marker.id)) return;
    view.markers.push(marker);
    markersEl.textContent = 'Markers: ' + view.markers.map((m) => m.label + (m.step !== undefined ? ' at step ' + fmt(m.step)
      : ' at ' + new Date(m.time).toISOString().slice(11, 19))).join(' · ');
    if (view.charts) view.charts.update();
  }

  // Where the history's data seed changes, a phase of the run begins (Cognate trains one model per seed).
  function seedMarkers() {
    const seeds = series.last.data_seed || [];
    let previous = null;
    for (let i = 0; i < seeds.length; i++) {
      if (seeds[i] === null) continue;
      if (previous !== null && seeds[i] !== previous) {
        mark({ id: 'seed ' + seeds[i], step: series.steps[i], kind: 'phase', label: 'seed ' + seeds[i] });
      }
      previous = seeds[i];
    }
    if (previous !== null) view.lastSeed = previous;
  }

  async function alertMarkers(job) {
    if (!job.started_at) return;
    const from = Date.parse(job.started_at);
    const to = job.completed_at ? Date.parse(job.completed_at) : Date.now();
    try {
      for (const alert of await api('/alerts')) {
        const at = Date.parse(alert.timestamp);
        if (at >= from && at <= to) mark({ id: alert.alert_id, time: at, kind: 'alert', label: alert.severity || 'alert' });
      }
    } catch (e) {
      // Without the alerts the curves still stand; the system page says why they are missing.
    }
  }

  function showValues() {
    const i = series.length - 1;
    stepEl.textContent = i < 0 ? 'no step yet' : 'step ' + fmt(series.steps[i]) + (view.job && view.job.config
      ? ' / ' + fmt(totalSteps()) : '');
    const last = (name) => { const c = series.last[name]; if (!c) return null; for (let k = c.length - 1; k >= 0; k--) if (c[k] !== null) return c[k]; return null; };
    valuesEl.replaceChildren(...['loss', 'eval_loss', 'lr', 'grad_norm', 'tokens_per_sec'].map((name) =>
      h('span', {}, name + ' ', h('b', {}, fmt(last(name))))));
  }

  function totalSteps() {
    return view.totalSteps || (view.job && view.job.config ? view.job.config.max_steps : 0);
  }

  function addLog(message) {
    const d = message.data || {};
    const time = (message.timestamp || '').slice(11, 23);
    view.log.push(time + ' ' + message.type + (d.current_step !== undefined ? ' step ' + d.current_step : '')
      + (d.message ? ' · ' + d.message : '') + (d.error_message ? ' · ' + d.error_message : ''));
    if (view.log.length > LOG_LINES) view.log.splice(0, view.log.length - LOG_LINES);
    repaint();
  }

  // The log and the latest values change with every event, but are rewritten together, at most every TEXT_REPAINT_MS.
  const text = new FrameThrottle(() => {
    const atBottom = logEl.scrollTop + logEl.clientHeight >= logEl.scrollHeight - 4;
    logEl.textContent = view.log.join('\n');
    if (atBottom) logEl.scrollTop = logEl.scrollHeight;
    showValues();
  }, TEXT_REPAINT_MS);

  function repaint() {
    text.request();
  }

  function onEvent(message) {
    if (message.type === 'reload') {
      errorEl.replaceChildren(failure(new Error('Reloading the run: ' + (message.reason || 'the stream was interrupted'))));
      load();
      return;
    }
    if (!view.ready) {
      view.buffered.push(message);
      return;
    }
    if (replay) {
      view.replayQueue.push(message);
      return;
    }
    apply(message, true);
  }

  // One event onto the page: a progress step onto the curves, a state change onto the chip.
  function apply(message, live) {
    const d = message.data || {};
    addLog(message);
    if (d.total_steps) view.totalSteps = d.total_steps;
    if (message.type === 'training_progress') {
      const step = d.current_step;
      const before = series.lastStep;
      if (replay || step > before || (before >= 0 && step <= before && d.message && live)) {
        if (forge && live && before >= 0 && step !== before + 1 && step > before) forge.gaps++;
        const at = Date.parse(d.timestamp || message.timestamp);
        series.append(step, at, d.metrics);
        const seed = d.metrics && d.metrics.data_seed;
        if (seed !== undefined && seed !== view.lastSeed) {
          if (view.lastSeed !== null) mark({ id: 'seed ' + seed, step, kind: 'phase', label: 'seed ' + seed });
          view.lastSeed = seed;
        }
        app.stepReceived(Date.parse(message.timestamp), step);
        if (view.charts) view.charts.update();
      }
      if (view.job && view.job.status !== 'running' && !replay) setJob({ ...view.job, status: 'running', message: d.message });
      else if (view.job) { view.job.progress = d.progress; progressEl.value = d.progress || 0; }
    } else if (message.type.startsWith('training_')) {
      if (message.type === 'training_paused' || (message.type === 'training_started' && d.resumed_from_step > 0)) {
        mark({ step: d.current_step, kind: 'phase', label: message.type === 'training_paused' ? 'paused' : 'resumed' });
      }
      if (message.type === 'training_completed' && d.metrics) {
        view.stats = d.metrics;
        statsEl.replaceChildren(keyValues(view.stats));
      }
      if (view.job && !replay) {
        setJob({ ...view.job, status: d.status || view.job.status, message: d.message || view.job.message,
          error_message: d.error_message, progress: d.progress });
        // The event says what changed; the API says the rest (completion time, final message).
        api('/jobs/' + encodeURIComponent(jobId)).then(setJob, () => {});
      }
    }
    repaint();
  }

  async function control(action) {
    errorEl.replaceChildren();
    try {
      const path = '/jobs/' + encodeURIComponent(jobId);
      const job = action === 'cancel' ? await api(path, { method: 'DELETE' })
        : await api(path + '/' + action, { method: 'POST' });
      setJob(job);
    } catch (e) {
      errorEl.replaceChildren(failure(e));
    }
  }

  function rebuild(options) {
    if (view.charts) view.charts.setOptions(options);
    view.options = { ...view.options, ...options };
  }

  async function zoom(fromStep, toStep) {
    const width = view.charts ? view.charts.width() : 600;
    const range = fromStep === null ? '' : '&from=' + fromStep + '&to=' + toStep;
    try {
      const buckets = await api('/jobs/' + encodeURIComponent(jobId) + '/metrics?buckets=' + 2 * width + range);
      if (forge) forge.zoomQueries.push({ from: fromStep, to: toStep, buckets: 2 * width, points: buckets.steps.length,
        total: buckets.total_points, first: buckets.from_step, last: buckets.to_step });
      series.load(buckets);
      seedMarkers();
      view.charts.update();
    } catch (e) {
      errorEl.replaceChildren(failure(e));
    }
  }

  async function load() {
    view.ready = false;
    // Following the run's topic first: a step recorded while the history is read arrives as an event.
    await app.live.confirmed('jobs/' + jobId);
    let job;
    try {
      job = await api('/jobs/' + encodeURIComponent(jobId));
      setJob(job);
    } catch (e) {
      app.main.replaceChildren(h('h1', {}, 'Run ', h('code', {}, jobId)),
        failure(new Error(e.status === 404 ? 'There is no job ' + jobId + '. ' + e.message : e.message)),
        h('p', {}, h('a', { href: '#/runs' }, 'Back to the runs')));
      return;
    }
    if (!replay) {
      const width = Math.max(320, Math.floor((chartsEl.clientWidth || 1200) / 2) - 16);
      try {
        series.load(await api('/jobs/' + encodeURIComponent(jobId) + '/metrics?buckets=' + 2 * width));
        seedMarkers();
      } catch (e) {
        errorEl.replaceChildren(failure(e));
      }
    }
    alertMarkers(job);
    try {
      const models = await api('/models?limit=100');
      const mine = (models.models || models.items || []).filter((m) => m.training_job_id === jobId);
      if (mine.length && !Object.keys(view.stats).length) {
        statsEl.replaceChildren(...mine.map((m) => h('div', {}, h('h3', {}, m.name), keyValues(m.metrics))));
      } else if (!Object.keys(view.stats).length) {
        statsEl.replaceChildren(h('p', { class: 'muted' }, 'The stats appear when the run completes.'));
      }
    } catch (e) {
      statsEl.replaceChildren(failure(e));
    }
    if (!view.charts) {
      view.charts = new RunCharts(chartsEl, series, view.options, view.markers, {
        onZoom: (a, b) => zoom(a, b),
        onDrawn: () => app.drawn(),
        onBuilt: (charts) => {
          if (forge) forge.charts = Object.fromEntries(Object.entries(charts).map(([k, c]) => [k, c.u]));
        },
      });
      if (forge) { forge.series = series; forge.runCharts = view.charts; }
    } else {
      view.charts.update();
    }
    view.ready = true;
    const buffered = view.buffered.splice(0);
    if (replay) {
      view.replayQueue = buffered;
      startReplay();
    } else {
      buffered.forEach((m) => apply(m, true));
    }
    showValues();
  }

  // Plays the replayed events at their recorded pace divided by the speed.
  function startReplay() {
    let origin = null;
    let started = performance.now();
    const tick = () => {
      if (view.stopped) return;
      const queue = view.replayQueue;
      while (queue.length) {
        const at = Date.parse(queue[0].timestamp);
        if (origin === null) { origin = at; started = performance.now(); }
        if ((at - origin) / replay.speed > performance.now() - started) break;
        apply(queue.shift(), false);
      }
      if (forge) forge.replayPending = queue.length;
      view.replayTimer = setTimeout(tick, 16);
    };
    tick();
  }

  const unsubscribe = app.live.subscribe('jobs/' + jobId, onEvent, replay ? replay.since : undefined);
  const unsubscribeAlerts = app.live.subscribe('admin_alerts', (message) => {
    const d = message.data || {};
    if (message.type === 'alert_created') {
      mark({ id: d.alert_id, time: Date.parse(d.timestamp || message.timestamp), kind: 'alert', label: d.severity || 'alert' });
    }
  });
  const repaintTheme = () => { if (view.charts) view.charts.build(); };
  addEventListener('forge-theme', repaintTheme);
  load();

  return () => {
    view.stopped = true;
    clearTimeout(view.replayTimer);
    text.cancel();
    unsubscribe();
    unsubscribeAlerts();
    removeEventListener('forge-theme', repaintTheme);
    if (view.charts) view.charts.destroy();
  };
}
