// Charts beyond the confusion matrix and the per-class bars: ROC and PR curves per class, the
// reliability diagram, and the masks cell's per-class and per-image IoU charts. Chart.js
// (vendored, window.Chart); each function appends a .plot box to `container`, returns the chart.
const Chart = globalThis.Chart;
const BASE = { animation: false, responsive: true, maintainAspectRatio: false };
const PALETTE = ['#3b5bdb', '#f59f00', '#2b8a3e', '#c92a2a', '#ae3ec9', '#0c8599', '#e8590c', '#5c940d', '#862e9c', '#1864ab'];
export const colour = (k) => PALETTE[k % PALETTE.length];

export function plotBox(container, id, title) {
  const canvas = document.createElement('canvas');
  canvas.id = id;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  const box = document.createElement('div');
  box.className = 'plot';
  box.dataset.plot = id;
  const h = document.createElement('h3');
  h.textContent = title;
  const inner = document.createElement('div');
  inner.className = 'canvas-box';
  inner.append(canvas);
  box.append(h, inner);
  container.append(box);
  return canvas;
}

/**
 * One chart per curve kind ('roc', 'pr') with one line per class or label, its area (AUC or AP,
 * from the package) in the legend; ROC gets the chance diagonal, PR each class's prevalence (the
 * precision of a random ranking) as a dashed baseline.
 */
export function curveChart(container, curve) {
  const id = `plot-${curve.kind}`;
  const canvas = plotBox(container, id, `${curve.name} curve${curve.series.length > 1 ? ' per class' : ''} (${curve.metric}${curve.binned ? ', 201 thresholds' : ', exact'})`);
  const lines = curve.series.map((s, k) => ({ label: `${s.label} (${curve.area.name} ${s.area.toFixed(3)})`, data: Array.from(s.x, (x, i) => ({ x, y: s.y[i] })),
    showLine: true, pointRadius: 0, borderWidth: 1.5, borderColor: colour(k), backgroundColor: colour(k) }));
  const baselines = curve.kind === 'roc'
    ? [{ label: 'chance (AUC 0.5)', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, pointRadius: 0, borderWidth: 1, borderDash: [5, 4], borderColor: '#868e96', backgroundColor: '#868e96' }]
    : curve.series.map((s, k) => ({ label: `${s.label} baseline (prevalence ${s.prevalence.toFixed(3)})`, data: [{ x: 0, y: s.prevalence }, { x: 1, y: s.prevalence }],
      showLine: true, pointRadius: 0, borderWidth: 1, borderDash: [5, 4], borderColor: colour(k), backgroundColor: colour(k) }));
  return new Chart(canvas, { type: 'scatter',
    data: { datasets: [...lines, ...baselines] },
    options: { ...BASE, scales: { x: { min: 0, max: 1, title: { display: true, text: curve.xLabel } }, y: { min: 0, max: 1, title: { display: true, text: curve.yLabel } } } } });
}

/** Reliability diagram: accuracy per confidence bin as bars at the bins' mean confidence, and the diagonal. */
export function calibrationChart(container, cal) {
  const canvas = plotBox(container, 'plot-calibration', `Reliability diagram (${cal.metric}${cal.pooled ? ', all labels pooled' : ''}: ECE ${cal.ece.toFixed(4)})`);
  return new Chart(canvas, { type: 'scatter',
    data: { datasets: [
      { label: 'accuracy per bin', data: cal.bins.map((b) => ({ x: b.confidence, y: b.accuracy })), showLine: true, borderColor: '#3b5bdb', backgroundColor: '#3b5bdb', pointRadius: cal.bins.map((b) => 2 + 6 * Math.sqrt(b.count / cal.total)) },
      { label: 'perfect calibration', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: '#868e96', borderDash: [5, 4], pointRadius: 0 },
    ] },
    options: { ...BASE, plugins: { tooltip: { callbacks: { label: (c) => (c.datasetIndex ? '' : `confidence ${c.raw.x.toFixed(3)}, accuracy ${c.raw.y.toFixed(3)}, ${cal.bins[c.dataIndex].count} samples`) } } },
      scales: { x: { min: 0, max: 1, title: { display: true, text: 'mean confidence in bin' } }, y: { min: 0, max: 1, title: { display: true, text: 'accuracy in bin' } } } } });
}

/** Grouped bars per class: `series` is [[label, values], ...]. */
export function barChart(container, id, title, labels, series, { max = 1 } = {}) {
  const canvas = plotBox(container, id, title);
  return new Chart(canvas, { type: 'bar',
    data: { labels, datasets: series.map(([label, data], k) => ({ label, data, backgroundColor: colour(k) })) },
    options: { ...BASE, scales: { y: { min: 0, max } } } });
}
