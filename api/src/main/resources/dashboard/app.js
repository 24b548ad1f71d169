// The dashboard's start: theme, where the WebSocket service is (asked of the API), the live connection and its
// freshness, the hash router, and the step-to-pixel latency this browser measures and reports back.
import { api, withToken } from './api.js';
import { h, failure } from './dom.js';
import { Live } from './live.js';
import { runPage } from './run.js';
import { runsPage, pipelinePage, modelsPage, systemPage } from './pages.js';

const params = new URLSearchParams(location.search);
const now = () => performance.timeOrigin + performance.now();
const REPORT_EVERY_MS = 5000;

// Dark mode follows the OS unless ?theme=dark|light (or the button) says otherwise.
// Charts paint with the theme's colours, so a change of theme tells them to repaint ('forge-theme').
function applyTheme(choice) {
  const dark = choice ? choice === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  const theme = dark ? 'dark' : 'light';
  if (document.documentElement.dataset.theme === theme) return;
  document.documentElement.dataset.theme = theme;
  dispatchEvent(new Event('forge-theme'));
}
const themeParam = params.get('theme');
applyTheme(themeParam === 'dark' || themeParam === 'light' ? themeParam : sessionStorage.getItem('agentforge.theme'));
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () =>
  applyTheme(themeParam || sessionStorage.getItem('agentforge.theme')));

// The test hook: only with ?test=1.
const forge = params.get('test') === '1' ? {
  errors: [], recv: [], drawn: [], latencies: [], gaps: 0, statusHistory: {}, zoomQueries: [], longTasks: [],
  charts: {}, runCharts: null, series: null, live: null, bench: null, ready: false,
} : null;
if (forge) {
  window.__forge = forge;
  for (const level of ['error', 'warn']) {
    const original = console[level].bind(console);
    console[level] = (...args) => { forge.errors.push(level + ': ' + args.map(String).join(' ')); original(...args); };
  }
  addEventListener('error', (e) => forge.errors.push('error: ' + e.message));
  addEventListener('unhandledrejection', (e) => forge.errors.push('rejection: ' + (e.reason && e.reason.message || e.reason)));
  try {
    new PerformanceObserver((list) => list.getEntries().forEach((e) => forge.longTasks.push(e.duration)))
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { /* long tasks are not observable in every browser */ }
}

const main = document.getElementById('main');
const conn = document.getElementById('conn');
const banner = document.getElementById('banner');
const pending = [];     // steps received and not drawn yet: { server, recv }
let unreported = [];
const lags = [];

const app = {
  main,
  forge,
  live: null,
  // A training step arrived: remember when, to measure when it reaches the screen.
  stepReceived(serverTime, step) {
    const entry = { server: serverTime, recv: now(), step };
    pending.push(entry);
    if (forge) forge.recv.push(entry);
  },
  // The loss chart drew: every step received so far is on the screen.
  drawn() {
    const t = now();
    for (const entry of pending.splice(0)) {
      const lag = t - entry.server;
      lags.push(lag);
      if (lags.length > 1000) lags.shift();
      unreported.push(Math.max(0, Math.round(lag * 10) / 10));
      if (forge) { forge.drawn.push({ step: entry.step, at: t }); forge.latencies.push(lag); }
    }
  },
};

function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function showConnection() {
  const live = app.live;
  if (!live) return;
  const since = live.lastEventAt ? Math.round(Date.now() - live.lastEventAt) : null;
  const p50 = percentile(lags, 0.5);
  const parts = [];
  if (live.state === 'live') parts.push('live');
  else if (live.state === 'reconnecting') parts.push('reconnecting in ' + Math.max(0, live.nextRetryAt - Date.now()) + ' ms');
  else parts.push(live.state);
  parts.push(since === null ? 'no event yet' : 'last event ' + since.toLocaleString('en') + ' ms ago');
  parts.push('missed events replayed ' + live.replayed);
  if (p50 !== null) parts.push('step→pixel p50 ' + Math.round(p50) + ' ms');
  conn.textContent = parts.join(' · ');
  conn.dataset.state = live.state;
  document.body.classList.toggle('stale', live.state !== 'live');
  if (live.state === 'live') {
    banner.hidden = true;
  } else {
    banner.hidden = false;
    banner.textContent = live.state === 'unavailable' ? 'No live updates: ' + live.detail
      : 'The live connection is down (' + (live.detail || 'closed') + '); numbers shown may be stale until it is back.';
  }
}

async function reportLatency() {
  if (!unreported.length) return;
  const samples = unreported.splice(0, 1000);
  try {
    await api('/dashboard/latency', { method: 'POST', body: { samples_ms: samples } });
  } catch (e) {
    // The measurement is best effort; the page works without it.
  }
}

let stopPage = null;
function route() {
  if (stopPage) stopPage();
  stopPage = null;
  const [path, queryText] = location.hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(queryText || '');
  for (const [k, v] of params) if (!query.has(k)) query.set(k, v);
  const parts = (path || '/runs').split('/').filter(Boolean);
  const page = parts[0] || 'runs';
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  try {
    if (page === 'runs' && parts[1]) stopPage = runPage(app, decodeURIComponent(parts[1]), query);
    else if (page === 'pipeline') stopPage = pipelinePage(app, query);
    else if (page === 'models') stopPage = modelsPage(app, query);
    else if (page === 'system') stopPage = systemPage(app, query);
    else stopPage = runsPage(app, query);
  } catch (e) {
    main.replaceChildren(failure(e));
  }
}

async function start() {
  document.getElementById('theme').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    sessionStorage.setItem('agentforge.theme', next);
    applyTheme(next);
  });
  let url = null;
  // Asked together: the config says where the WebSocket service is, and an API that asks for a key asks now,
  // before the WebSocket opens with it (the page and its config are open). A page that cannot read jobs says so
  // where it needs them.
  const [config] = await Promise.allSettled([api('/dashboard/config'), api('/jobs?limit=1')]);
  if (config.status === 'fulfilled') {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const c = config.value;
    url = c.websocket_url || (c.websocket_port ? scheme + '//' + location.hostname + ':' + c.websocket_port + '/ws' : null);
  } else {
    main.replaceChildren(h('h1', {}, 'Agent Forge'), failure(config.reason));
  }
  app.live = new Live(url, showConnection, withToken).start();
  if (forge) {
    forge.live = app.live;
    import('./bench.js').then((bench) => { forge.bench = bench; });
  }
  setInterval(showConnection, 250);
  setInterval(reportLatency, REPORT_EVERY_MS);
  addEventListener('pagehide', reportLatency);
  addEventListener('hashchange', route);
  route();
  performance.mark('forge-ready');
  if (forge) forge.ready = true;
}

start();
