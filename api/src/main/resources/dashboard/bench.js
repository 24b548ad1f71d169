// Chart benchmarks the browser suite runs (loaded only in test mode): a cold draw of n points, and the time from
// appending one point to a series of n to its draw.
function chart(n, onDraw) {
  const xs = new Array(n);
  const ys = new Array(n);
  for (let i = 0; i < n; i++) { xs[i] = i; ys[i] = Math.sin(i / 500) + (i % 97) / 97; }
  const box = document.createElement('div');
  box.style.position = 'absolute';
  box.style.left = '-10000px';
  document.body.append(box);
  const opts = { width: 600, height: 220, series: [{}, { stroke: '#2563eb', points: { show: false } }],
    scales: { x: { time: false } }, hooks: { draw: [onDraw] } };
  return { xs, ys, box, opts };
}

const drawn = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

export async function coldDraw(n) {
  let end = 0;
  const { xs, ys, box, opts } = chart(n, () => { if (!end) end = performance.now(); });
  const start = performance.now();
  const u = new uPlot(opts, [xs, ys], box);
  await drawn();
  u.destroy();
  box.remove();
  return end - start;
}

export async function appendTimes(n, appends) {
  let end = 0;
  const { xs, ys, box, opts } = chart(n, () => { end = performance.now(); });
  const u = new uPlot(opts, [xs, ys], box);
  await drawn();
  const times = [];
  for (let k = 0; k < appends; k++) {
    xs.push(n + k);
    ys.push(Math.random());
    end = 0;
    const start = performance.now();
    u.setData([xs, ys]);
    await drawn();
    times.push(end - start);
  }
  u.destroy();
  box.remove();
  return times;
}
