// Charts beyond the confusion matrix and the per-class bars: ROC and PR curves per class, the
// reliability diagram, and the masks cell's per-class and per-image IoU charts. Chart.js
// (vendored, window.Chart); each function appends a .plot box to `container`, returns the chart.
const Chart = globalThis.Chart;
const BASE = { animation: false, responsive: true, maintainAspectRatio: false };
const PALETTE = [
  '#3b5bdb',
  '#f59f00',
  '#2b8a3e',
  '#c92a2a',
  '#ae3ec9',
  '#0c8599',
  '#e8590c',
  '#5c940d',
  '#862e9c',
  '#1864ab',
];
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
  // With many classes a line each is unreadable and slow to draw: the MAX_CURVES lowest areas.
  const all = curve.series.length;
  const series = all > MAX_CURVES ? lowest(curve.series, MAX_CURVES, (s) => s.area) : curve.series;
  const which =
    all > MAX_CURVES
      ? ` for the ${MAX_CURVES} classes with the lowest ${curve.area.name} of ${all.toLocaleString('en-US')}`
      : all > 1
        ? ' per class'
        : '';
  const canvas = plotBox(
    container,
    id,
    `${curve.name} curve${which} (${curve.metric}${curve.binned ? ', 201 thresholds' : ', exact'})`,
  );
  curve = { ...curve, series };
  const lines = curve.series.map((s, k) => ({
    label: `${s.label} (${curve.area.name} ${s.area.toFixed(3)})`,
    data: Array.from(s.x, (x, i) => ({ x, y: s.y[i] })),
    showLine: true,
    pointRadius: 0,
    borderWidth: 1.5,
    borderColor: colour(k),
    backgroundColor: colour(k),
  }));
  const baselines =
    curve.kind === 'roc'
      ? [
          {
            label: 'chance (AUC 0.5)',
            data: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
            showLine: true,
            pointRadius: 0,
            borderWidth: 1,
            borderDash: [5, 4],
            borderColor: '#868e96',
            backgroundColor: '#868e96',
          },
        ]
      : curve.series.map((s, k) => ({
          label: `${s.label} baseline (prevalence ${s.prevalence.toFixed(3)})`,
          data: [
            { x: 0, y: s.prevalence },
            { x: 1, y: s.prevalence },
          ],
          showLine: true,
          pointRadius: 0,
          borderWidth: 1,
          borderDash: [5, 4],
          borderColor: colour(k),
          backgroundColor: colour(k),
        }));
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets: [...lines, ...baselines] },
    options: {
      ...BASE,
      scales: {
        x: { min: 0, max: 1, title: { display: true, text: curve.xLabel } },
        y: { min: 0, max: 1, title: { display: true, text: curve.yLabel } },
      },
    },
  });
}

/** Beyond this many classes a chart shows the worst ones only (and says so in its title). */
export const MAX_CURVES = 10;
export const MAX_BAR_CLASSES = 30;

/** The `n` items with the lowest key (NaN last), in their original order. */
export function lowest(items, n, key) {
  const rank = items
    .map((item, k) => [Number.isNaN(key(item)) ? Infinity : key(item), k])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return rank
    .slice(0, n)
    .map(([, k]) => k)
    .sort((a, b) => a - b)
    .map((k) => items[k]);
}

/**
 * A C×C matrix drawn as an image, one pixel per cell (scaled without smoothing): for many classes,
 * where a chart element per cell (C² of them) would take the page minutes to draw. Returns an
 * object with canvas and destroy() like a chart.
 */
export function matrixImage(container, id, title, matrix, size) {
  const canvas = plotBox(container, id, title);
  canvas.width = size;
  canvas.height = size;
  canvas.classList.add('matrix-image');
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(size, size);
  let max = 0;
  for (let i = 0; i < size * size; i++) max = Math.max(max, matrix[i]);
  for (let i = 0; i < size * size; i++) {
    const t = max > 0 ? matrix[i] / max : 0; // white → #3b5bdb
    image.data.set([255 - (255 - 59) * t, 255 - (255 - 91) * t, 255 - (255 - 219) * t, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return { canvas, destroy() {} }; // like a chart: the Export cell offers every canvas as PNG
}

/** Reliability diagram: accuracy per confidence bin as bars at the bins' mean confidence, and the diagonal. */
export function calibrationChart(container, cal) {
  const canvas = plotBox(
    container,
    'plot-calibration',
    `Reliability diagram (${cal.metric}${cal.pooled ? ', all labels pooled' : ''}: ECE ${cal.ece.toFixed(4)})`,
  );
  return new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'accuracy per bin',
          data: cal.bins.map((b) => ({ x: b.confidence, y: b.accuracy })),
          showLine: true,
          borderColor: '#3b5bdb',
          backgroundColor: '#3b5bdb',
          pointRadius: cal.bins.map((b) => 2 + 6 * Math.sqrt(b.count / cal.total)),
        },
        {
          label: 'perfect calibration',
          data: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
          showLine: true,
          borderColor: '#868e96',
          borderDash: [5, 4],
          pointRadius: 0,
        },
      ],
    },
    options: {
      ...BASE,
      plugins: {
        tooltip: {
          callbacks: {
            label: (c) =>
              c.datasetIndex
                ? ''
                : `confidence ${c.raw.x.toFixed(3)}, accuracy ${c.raw.y.toFixed(3)}, ${cal.bins[c.dataIndex].count} samples`,
          },
        },
      },
      scales: {
        x: { min: 0, max: 1, title: { display: true, text: 'mean confidence in bin' } },
        y: { min: 0, max: 1, title: { display: true, text: 'accuracy in bin' } },
      },
    },
  });
}

/** Grouped bars per class: `series` is [[label, values], ...]. */
export function barChart(container, id, title, labels, series, { max = 1 } = {}) {
  const canvas = plotBox(container, id, title);
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: series.map(([label, data], k) => ({ label, data, backgroundColor: colour(k) })) },
    options: { ...BASE, scales: { y: { min: 0, max } } },
  });
}
