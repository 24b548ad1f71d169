// The runs, pipeline, models and system pages. Each renders from the REST API, then follows its WebSocket topics;
// each returns a function that stops following them.
import { api, withToken } from './api.js';
import { h, fmt, ago, table, chip, jobState, keyValues, failure } from './dom.js';

const PHASES = [
  ['cognate', 'Cognate'], ['evomerge', 'EvoMerge'], ['quietstar', 'Quiet-STaR'], ['bitnet', 'BitNet'],
  ['forge-training', 'Forge Training'], ['tool-persona', 'Tool/Persona'], ['adas', 'ADAS'],
  ['final-compression', 'Final Compression'],
];
const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];

// Reloads at most once per interval, however many events ask for it.
function throttled(fn, ms = 500) {
  let timer = 0;
  return () => {
    if (timer) return;
    timer = setTimeout(() => { timer = 0; fn(); }, ms);
  };
}

export function runsPage(app, query) {
  const phase = query.get('phase') || '';
  const status = query.get('status') || '';
  const listEl = h('div', { id: 'runs' });
  const select = (name, value, options) => h('select', { 'aria-label': name, onchange: (e) => {
    const q = new URLSearchParams({ phase, status, [name]: e.target.value });
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    location.hash = '#/runs' + (q.toString() ? '?' + q : '');
  } }, h('option', { value: '' }, 'any ' + name), options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
  const startForm = h('form', { class: 'row', onsubmit: async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    try {
      const started = await api('/phases/cognate/start', { method: 'POST', body: { parameters: {
        model_preset: form.get('preset'), max_steps: parseInt(form.get('steps'), 10) } } });
      location.hash = '#/runs/' + started.job_id;
    } catch (err) {
      startForm.append(failure(err));
    }
  } },
  h('label', {}, 'preset ', h('select', { name: 'preset' }, ['tiny', 'small', 'cognate-25m'].map((p) => h('option', {}, p)))),
  h('label', {}, 'steps per model ', h('input', { name: 'steps', type: 'number', min: 1, value: 50, size: 6 })),
  h('button', { type: 'submit' }, 'Start a Cognate run'));

  app.main.replaceChildren(h('h1', {}, 'Runs'),
    h('div', { class: 'row' }, select('phase', phase, PHASES), select('status', status, STATUSES.map((s) => [s, s]))),
    startForm, listEl);

  async function load() {
    try {
      const q = new URLSearchParams({ limit: 50 });
      if (phase) q.set('phase', phase);
      if (status) q.set('status', status);
      const page = await api('/jobs?' + q);
      listEl.replaceChildren(page.items.length ? table(page.items, [
        { label: 'run', cell: (j) => h('a', { href: '#/runs/' + j.job_id }, j.job_id.slice(0, 8)) },
        { label: 'phase', cell: (j) => j.phase },
        { label: 'status', cell: (j) => chip(jobState(j)) },
        { label: 'progress', cell: (j) => h('progress', { max: 1, value: j.progress || 0, 'aria-label': 'progress' }) },
        { label: 'step', cell: (j) => fmt(j.current_step) },
        { label: 'message', cell: (j) => j.message || '' },
        { label: 'created', cell: (j) => ago(j.created_at) },
      ]) : h('p', { class: 'muted' }, 'No runs yet' + (phase || status ? ' with this filter' : '') + '.'),
      h('p', { class: 'muted' }, page.total + ' runs in all'));
    } catch (e) {
      listEl.replaceChildren(failure(e));
    }
  }
  const reload = throttled(load, 400);
  const stop = app.live.subscribe('training_updates', (m) => {
    if (m.type !== 'training_progress' || m.data.current_step % 10 === 0) reload();
  });
  load();
  return stop;
}

export function pipelinePage(app) {
  const svgNS = 'http://www.w3.org/2000/svg';
  const chain = document.createElementNS(svgNS, 'svg');
  chain.setAttribute('viewBox', '0 0 1200 150');
  chain.setAttribute('role', 'img');
  chain.setAttribute('aria-label', 'the eight phases of the pipeline');
  chain.id = 'chain';
  const nodes = {};
  PHASES.forEach(([wire, label], i) => {
    const x = 10 + i * 148;
    const g = document.createElementNS(svgNS, 'g');
    g.setAttribute('class', 'node node-ready');
    g.dataset.phase = wire;
    const rect = document.createElementNS(svgNS, 'rect');
    Object.entries({ x, y: 30, width: 128, height: 70, rx: 8 }).forEach(([k, v]) => rect.setAttribute(k, v));
    const name = document.createElementNS(svgNS, 'text');
    Object.entries({ x: x + 64, y: 58, 'text-anchor': 'middle' }).forEach(([k, v]) => name.setAttribute(k, v));
    name.textContent = label;
    const state = document.createElementNS(svgNS, 'text');
    Object.entries({ x: x + 64, y: 82, 'text-anchor': 'middle', class: 'state' }).forEach(([k, v]) => state.setAttribute(k, v));
    state.textContent = 'ready';
    g.append(rect, name, state);
    if (i < PHASES.length - 1) {
      const line = document.createElementNS(svgNS, 'line');
      Object.entries({ x1: x + 128, y1: 65, x2: x + 148, y2: 65, class: 'edge' }).forEach(([k, v]) => line.setAttribute(k, v));
      chain.append(line);
    }
    chain.append(g);
    nodes[wire] = { g, state };
  });
  const statusEl = h('p', { id: 'pipeline-status', class: 'live-value' });
  const detailsEl = h('div', {});
  const reportEl = h('div', { id: 'pipeline-report' });
  const errorEl = h('div', {});
  const act = (path, body) => async () => {
    errorEl.replaceChildren();
    try { await api(path, { method: 'POST', body }); load(); } catch (e) { errorEl.replaceChildren(failure(e)); }
  };
  app.main.replaceChildren(h('h1', {}, 'Pipeline'), chain, statusEl,
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'pipeline-start', onclick: act('/pipeline/run', { parameters: { model_preset: 'tiny', max_steps: 50 } }) }, 'Start the pipeline (tiny)'),
      h('button', { type: 'button', id: 'pipeline-stop', onclick: act('/pipeline/stop') }, 'Stop'),
      h('button', { type: 'button', id: 'pipeline-reset', onclick: act('/pipeline/reset') }, 'Reset')),
    errorEl, h('h2', {}, 'Phases'), detailsEl, h('h2', {}, 'Report'), reportEl);

  function paint(wire, status, progress) {
    const node = nodes[wire];
    if (!node) return;
    node.g.setAttribute('class', 'node node-' + status);
    node.state.textContent = status + (status === 'running' && progress ? ' ' + Math.round(progress * 100) + '%' : '');
  }

  async function load() {
    try {
      const [overview, pipeline] = await Promise.all([api('/phases/status'), api('/pipeline/status')]);
      for (const [wire, p] of Object.entries(overview.phases)) paint(wire, p.status, p.progress);
      statusEl.textContent = 'pipeline ' + pipeline.status + ' · ' + Math.round((pipeline.progress || 0) * 100) + '% · '
        + (pipeline.message || '');
      detailsEl.replaceChildren(table(PHASES.map(([wire, label]) => ({ wire, label, p: overview.phases[wire] || {} })), [
        { label: 'phase', cell: (r) => r.label },
        { label: 'status', cell: (r) => chip(r.p.status || 'ready') },
        { label: 'run', cell: (r) => (r.p.job_id ? h('a', { href: '#/runs/' + r.p.job_id }, r.p.job_id.slice(0, 8)) : '–') },
        { label: 'proof', cell: (r) => keyValues(r.p.metrics) },
        { label: 'message', cell: (r) => r.p.message || r.p.error || '' },
      ]));
      // No run since the last reset has no report: asking would be a 404 in the browser's console.
      if (pipeline.status === 'idle') reportEl.replaceChildren(h('p', { class: 'muted' }, 'no run since the last reset'));
      else loadReport();
    } catch (e) {
      errorEl.replaceChildren(failure(e));
    }
  }

  // The run's report: each phase's proof numbers as its stats have them, wall times, and the lineage with sizes.
  async function loadReport() {
    let report;
    try {
      report = await api('/pipeline/report');
    } catch (e) {
      reportEl.replaceChildren(h('p', { class: 'muted' }, e.status === 404 ? 'no run since the last reset' : e.message));
      return;
    }
    const size = (bytes) => (bytes ? fmt(bytes / 1024, 3) + ' KiB' : '–');
    reportEl.replaceChildren(
      h('p', {}, 'run ' + report.run_id.slice(0, 8) + ' · ' + report.status + ' · ' + fmt(report.wall_time_seconds, 3)
        + ' s · ' + (report.message || '')),
      table(report.phases, [
        { label: 'phase', cell: (r) => r.phase },
        { label: 'status', cell: (r) => chip(r.status) },
        { label: 'wall time (s)', cell: (r) => fmt(r.wall_time_seconds, 3) },
        { label: 'job (s)', cell: (r) => fmt(r.job_seconds, 3) },
        { label: 'winner', cell: (r) => size(r.winner_bytes) },
        { label: 'handoffs in', cell: (r) => keyValues(r.handoffs) },
        { label: 'proof', cell: (r) => keyValues(r.proof) },
      ]),
      h('h3', {}, 'Lineage'),
      table(report.lineage, [
        { label: 'role', cell: (m) => m.role },
        { label: 'model', cell: (m) => h('a', { href: '#/models?phase=' + (m.phase || '') }, m.name || m.model_id.slice(0, 8)) },
        { label: 'phase', cell: (m) => m.phase || '–' },
        { label: 'size', cell: (m) => size(m.file_size) },
        { label: 'from', cell: (m) => m.parents.map((id) => id.slice(0, 8)).join(', ') || '–' },
      ]),
      report.tool_accuracy ? h('div', {}, h('h3', {}, 'Test accuracy with tools'), keyValues(report.tool_accuracy)) : '');
  }
  const reload = throttled(load, 1000);
  const stops = [
    app.live.subscribe('agent_forge_phases', (m) => {
      const d = m.data || m;
      paint(d.phase_name, d.status, d.progress);
      if (d.status !== 'running') reload();
    }),
    app.live.subscribe('pipeline', (m) => {
      const d = m.data || {};
      statusEl.textContent = 'pipeline ' + (m.type === 'pipeline_complete' ? d.status : 'running') + ' · '
        + Math.round((d.pipeline_progress || 0) * 100) + '% · ' + (d.message || d.current_phase || '');
      reload();
    }),
  ];
  load();
  return () => stops.forEach((s) => s());
}

export function modelsPage(app, query) {
  const phase = query.get('phase') || '';
  const listEl = h('div', { id: 'models' });
  const lineageEl = h('div', { id: 'lineage' });
  const chatEl = h('div', {});
  const errorEl = h('div', {});
  let models = [];
  app.main.replaceChildren(h('h1', {}, 'Models'),
    h('div', { class: 'row' }, h('label', {}, 'phase ', h('select', { 'aria-label': 'phase', onchange: (e) => {
      location.hash = '#/models' + (e.target.value ? '?phase=' + e.target.value : '');
    } }, h('option', { value: '' }, 'any'), PHASES.map(([v, l]) => h('option', { value: v, selected: v === phase }, l)))),
    h('button', { type: 'button', id: 'export', onclick: exportSelected }, 'Export the selected')),
    errorEl, listEl, h('h2', {}, 'Lineage'), lineageEl, h('h2', {}, 'Chat'), chatEl);

  async function exportSelected() {
    const ids = [...listEl.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value);
    errorEl.replaceChildren();
    if (!ids.length) { errorEl.replaceChildren(failure(new Error('Select the models to export first.'))); return; }
    try {
      const result = await api('/models/export', { method: 'POST', body: { model_ids: ids, compression: true } });
      errorEl.replaceChildren(h('p', {}, 'Exported ' + result.export.manifest.total_models + ' models: ',
        result.download_url ? h('a', { href: withToken(result.download_url), download: '' }, 'download the zip') : result.export.manifest.export_id));
    } catch (e) {
      errorEl.replaceChildren(failure(e));
    }
  }

  // The registry's lineage of the listed models (each model's recorded parents), laid out in layers by depth.
  async function lineage() {
    const svgNS = 'http://www.w3.org/2000/svg';
    if (!models.length) {
      lineageEl.replaceChildren(h('p', { class: 'muted' }, 'No models yet.'));
      return;
    }
    let records;
    try {
      records = await Promise.all(models.slice(0, 60).map((m) => api('/models/' + encodeURIComponent(m.model_id) + '/lineage')));
    } catch (e) {
      lineageEl.replaceChildren(failure(e));
      return;
    }
    const byId = new Map(models.map((m) => [m.model_id, m]));
    const parents = new Map(records.map((r) => [r.model_id, r.parent_model_ids.filter((p) => byId.has(p))]));
    const depth = new Map();
    const depthOf = (id, seen = new Set()) => {
      if (depth.has(id)) return depth.get(id);
      if (seen.has(id)) return 0;
      seen.add(id);
      const d = Math.max(-1, ...(parents.get(id) || []).map((p) => depthOf(p, seen))) + 1;
      depth.set(id, d);
      return d;
    };
    records.forEach((r) => depthOf(r.model_id));
    const layers = [];
    for (const [id, d] of depth) (layers[d] = layers[d] || []).push(id);
    const at = new Map();
    layers.forEach((ids, d) => ids.forEach((id, row) => at.set(id, { x: 10 + d * 260, y: 10 + row * 64 })));
    const svg = document.createElementNS(svgNS, 'svg');
    const height = 20 + Math.max(...layers.map((l) => l.length)) * 64;
    svg.setAttribute('viewBox', '0 0 ' + Math.max(600, 20 + layers.length * 260) + ' ' + height);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'model lineage');
    svg.id = 'lineage-graph';
    for (const [id, ps] of parents) {
      for (const p of ps) {
        const a = at.get(p);
        const b = at.get(id);
        const line = document.createElementNS(svgNS, 'line');
        Object.entries({ x1: a.x + 220, y1: a.y + 24, x2: b.x, y2: b.y + 24, class: 'edge' })
          .forEach(([k, v]) => line.setAttribute(k, v));
        svg.append(line);
      }
    }
    for (const [id, p] of at) {
      const m = byId.get(id);
      const g = document.createElementNS(svgNS, 'g');
      g.setAttribute('class', 'node ' + (m.is_winner ? 'node-completed' : 'node-ready'));
      const rect = document.createElementNS(svgNS, 'rect');
      Object.entries({ x: p.x, y: p.y, width: 220, height: 48, rx: 6 }).forEach(([k, v]) => rect.setAttribute(k, v));
      const t = document.createElementNS(svgNS, 'text');
      Object.entries({ x: p.x + 110, y: p.y + 29, 'text-anchor': 'middle' }).forEach(([k, v]) => t.setAttribute(k, v));
      t.textContent = m.name + ' v' + m.version + (m.is_winner ? ' ★' : '');
      g.append(rect, t);
      svg.append(g);
    }
    lineageEl.replaceChildren(svg);
  }

  function chat() {
    const out = h('pre', { class: 'log', id: 'chat-log', 'aria-live': 'polite' });
    const form = h('form', { class: 'row', onsubmit: async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      out.textContent += '> ' + data.get('message') + '\n';
      try {
        const reply = await api('/chat', { method: 'POST', body: { model_id: data.get('model'), message: data.get('message'),
          context: { max_tokens: 48 } } });
        out.textContent += reply.model_name + ': ' + reply.response + '\n';
      } catch (err) {
        out.textContent += '(' + err.message + ')\n';
      }
    } },
    h('select', { name: 'model', 'aria-label': 'model' }, models.map((m) => h('option', { value: m.model_id }, m.name + ' v' + m.version))),
    h('input', { name: 'message', 'aria-label': 'message', placeholder: 'Ask the model…', size: 40, required: true }),
    h('button', { type: 'submit', disabled: !models.length }, 'Send'));
    chatEl.replaceChildren(form, out);
  }

  async function load() {
    try {
      const listing = await api('/models?limit=100' + (phase ? '&phase=' + phase : ''));
      models = listing.items;
      const s = listing.summary || {};
      listEl.replaceChildren(h('p', { class: 'muted' }, fmt(s.total_models) + ' models · ' + fmt(s.total_parameters)
        + ' parameters · ' + fmt(s.winners) + ' winners'),
      models.length ? table(models, [
        { label: 'select', cell: (m) => h('input', { type: 'checkbox', value: m.model_id, 'aria-label': 'select ' + m.name }) },
        { label: 'name', cell: (m) => m.name + (m.is_winner ? ' ★' : '') },
        { label: 'phase', cell: (m) => m.phase },
        { label: 'version', cell: (m) => m.version },
        { label: 'size', cell: (m) => fmt(m.file_size) + ' B' },
        { label: 'metrics', cell: (m) => ['final_loss', 'best_eval_loss'].filter((k) => m.metrics && k in m.metrics)
          .map((k) => k + ' ' + fmt(m.metrics[k])).join(', ') },
        { label: 'run', cell: (m) => (m.training_job_id ? h('a', { href: '#/runs/' + m.training_job_id }, m.training_job_id.slice(0, 8)) : '–') },
        { label: 'download', cell: (m) => h('a', { href: withToken('/models/' + m.model_id + '/download'), download: '' }, 'artifact') },
      ]) : h('p', { class: 'muted' }, 'No models' + (phase ? ' in this phase' : '') + ' yet.'));
      lineage();
      chat();
    } catch (e) {
      errorEl.replaceChildren(failure(e));
    }
  }
  const stop = app.live.subscribe('model_updates', throttled(load, 1000));
  load();
  return stop;
}

export function systemPage(app) {
  const servicesEl = h('div', { id: 'services' });
  const metricsEl = h('div', { id: 'system-metrics', class: 'live-value' });
  const alertsEl = h('div', { id: 'alerts' });
  const healthEl = h('div', {});
  app.main.replaceChildren(h('h1', {}, 'System'),
    h('section', { class: 'cols' },
      h('div', {}, h('h2', {}, 'Services'), servicesEl, healthEl),
      h('div', {}, h('h2', {}, 'Host'), metricsEl)),
    h('h2', {}, 'Alerts'), alertsEl);

  function showMetrics(m) {
    const pct = (v) => (v === undefined || v === null ? '–' : (v * 100).toFixed(1) + ' %');
    const net = m.network_io || {};
    metricsEl.replaceChildren(keyValues({ cpu: pct(m.cpu_usage), memory: pct(m.memory_usage), disk: pct(m.disk_usage),
      'bytes sent': net.bytes_sent, 'bytes received': net.bytes_recv, sampled: m.timestamp }));
  }

  async function loadServices() {
    try {
      const services = await api('/system/services');
      servicesEl.replaceChildren(table(services, [
        { label: 'service', cell: (s) => s.service_name },
        { label: 'status', cell: (s) => chip(s.status) },
        { label: 'response', cell: (s) => fmt(s.response_time) + ' ms' },
        { label: 'error rate', cell: (s) => fmt(s.error_rate) },
        { label: 'uptime', cell: (s) => fmt(s.uptime_percentage) + ' %' },
        { label: 'checked', cell: (s) => ago(s.last_check) },
      ]));
    } catch (e) {
      servicesEl.replaceChildren(failure(e));
    }
    try {
      const health = await api('/health');
      healthEl.replaceChildren(h('p', {}, 'API: ', chip(health.status)));
    } catch (e) {
      healthEl.replaceChildren(failure(e));
    }
  }

  async function loadAlerts() {
    try {
      const alerts = await api('/alerts');
      alertsEl.replaceChildren(alerts.length ? table(alerts, [
        { label: 'severity', cell: (a) => chip(a.severity) },
        { label: 'service', cell: (a) => a.service },
        { label: 'message', cell: (a) => a.message },
        { label: 'when', cell: (a) => ago(a.timestamp) },
        { label: '', cell: (a) => (a.resolved ? 'resolved' : h('button', { type: 'button', onclick: async (e) => {
          try { await api('/alerts/' + encodeURIComponent(a.alert_id) + '/resolve', { method: 'POST' }); loadAlerts(); } catch (err) { e.target.after(failure(err)); }
        } }, 'Resolve')) },
      ]) : h('p', { class: 'muted' }, 'No alerts.'));
    } catch (e) {
      alertsEl.replaceChildren(failure(e));
    }
  }

  api('/system/metrics').then(showMetrics, (e) => metricsEl.replaceChildren(failure(e)));
  loadServices();
  loadAlerts();
  const stops = [
    app.live.subscribe('system_metrics', (m) => showMetrics((m.data && m.data.metrics) || m.metrics || {})),
    app.live.subscribe('admin_alerts', throttled(() => { loadAlerts(); loadServices(); }, 500)),
  ];
  return () => stops.forEach((s) => s());
}
