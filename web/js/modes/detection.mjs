// The Detection (COCO) mode: a COCO ground-truth file and a results file -> pycocotools' twelve
// numbers, per-category AP/AR, and per-category precision-recall curves at one IoU threshold
// (pycocotools' interpolated precision at its 101 recall points, from the package's
// MeanAveragePrecision with extendedSummary; AP in the legend; with more than 10 categories a
// filter, the 10 with the lowest AP by default). A notebook mode (mode-shell.mjs): evaluate runs
// in the mode worker with the npm package's evaluateCoco.
import { chartCell, codeSnippet, pick, plain, resultCell, table } from '../mode-lib.mjs';
import { el, fmt } from '../ui.mjs';

const METRIC = 'MeanAveragePrecision';
/**
 * What one of pycocotools' summarize() lines measures, from its key in the package's
 * COCO_SUMMARY_KEYS (map_50: AP at IoU .50; mar_10: AR with 10 detections; map_small: area small).
 */
function summaryLine(key) {
  const kind = key.startsWith('map') ? 'AP' : 'AR';
  const suffix = key.slice(4);
  const number = /^\d+$/.test(suffix) ? Number(suffix) : null;
  const iou = kind === 'AP' && number !== null ? (number / 100).toFixed(2) : '0.50:0.95';
  const area = ['small', 'medium', 'large'].includes(suffix) ? suffix : 'all';
  const maxDets = kind === 'AR' && number !== null ? number : 100;
  return { kind, iou, area, maxDets };
}
const SUMMARY_OPTIONS = { classMetrics: true };
/** The PR curves' run: one IoU threshold, with pycocotools' precision array (extendedSummary). */
const curveOptions = (iou) => ({ classMetrics: true, iouThresholds: [Number(iou)] });
const MAX_CURVES = 10;

/**
 * One category's precision at the 101 recall thresholds (area "all", the last max-detections
 * threshold, 100), from MeanAveragePrecision's `precision` [T, R, K, A, M] of a run with one IoU
 * threshold; -1 where the category has no ground truth (pycocotools' marker).
 */
function precisionCurve(report, id) {
  const p = plain(report.precision);
  const k = [plain(report.classes)].flat().indexOf(id);
  return p[0].map((r) => r[k][0][r[k][0].length - 1]);
}

/** The two evaluateCoco runs behind the page: the twelve numbers and per category, then the curves. */
function evaluateBoth(wasmetrics, files, iou) {
  const read = (role) => {
    const f = files[role];
    try {
      return JSON.parse(f.text);
    } catch (e) {
      throw new Error(`${f.name}: not JSON (${e.message})`);
    }
  };
  const [gt, dt] = [read('coco-gt'), read('coco-dt')];
  const named = (fn) => {
    try {
      return fn();
    } catch (e) {
      throw new Error(`${files['coco-gt'].name} + ${files['coco-dt'].name}: ${e.message}`);
    }
  };
  const all = named(() => wasmetrics.evaluateCoco(gt, dt, SUMMARY_OPTIONS));
  const atIou = named(() => wasmetrics.evaluateCoco(gt, dt, { ...curveOptions(iou), extendedSummary: true }));
  return { gt, dt, all, atIou };
}

export default {
  name: 'detection',
  title: 'Detection (COCO)',
  label: 'Object detection (COCO)',
  about:
    "A COCO ground-truth file (images, annotations, categories) and a detector's results file (an array of {image_id, category_id, bbox, score}) give pycocotools' COCOeval numbers for boxes, per category, and each category's precision-recall curve.",
  inputs: [
    { role: 'coco-gt', label: 'Ground truth', hint: 'instances_*.json', accept: '.json,application/json' },
    { role: 'coco-dt', label: 'Results', hint: "the detector's bbox results JSON", accept: '.json,application/json' },
  ],
  options: [{ name: 'iou', label: 'PR curves at IoU', choices: ['0.5', '0.75'], default: '0.5' }],
  samples: [
    {
      name: 'coco-small',
      label: 'Small COCO pair (3 classes)',
      files: { 'coco-gt': 'samples/coco-gt.json', 'coco-dt': 'samples/coco-results.json' },
    },
  ],

  async evaluate(files, wasmetrics, { iou = '0.5' } = {}, { progress = () => {} } = {}) {
    progress(0, 'COCO evaluation');
    const { gt, dt, all, atIou } = evaluateBoth(wasmetrics, files, iou);
    progress(0.5, `precision-recall at IoU ${iou}`);
    const count = (list) => list.reduce((m, x) => m.set(x.category_id, (m.get(x.category_id) ?? 0) + 1), new Map());
    const [gtCount, dtCount] = [count(gt.annotations ?? []), count(Array.isArray(dt) ? dt : [])];
    const apAt = new Map(atIou.perClass.map((c) => [c.id, c.map]));
    return {
      images: all.images,
      annotations: all.annotations,
      detections: all.detections,
      iou: Number(iou),
      stats: Object.fromEntries(wasmetrics.COCO_SUMMARY_KEYS.map((key) => [key, plain(all[key])])),
      perClass: all.perClass.map((c) => ({
        id: c.id,
        name: c.name,
        map: c.map,
        mar: c.mar,
        groundTruth: gtCount.get(c.id) ?? 0,
        detections: dtCount.get(c.id) ?? 0,
      })),
      curves: atIou.perClass.map((c) => ({
        id: c.id,
        name: c.name,
        ap: apAt.get(c.id),
        precision: precisionCurve(atIou, c.id),
      })),
    };
  },

  render(r, out, { ms, simd }) {
    out.replaceChildren(
      el('p', {
        class: 'muted',
        text: `${r.images} images, ${r.annotations} ground-truth boxes, ${r.detections} detections; evaluated by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.`,
      }),
    );
    const shown = (v) => (v === -1 ? '-1 (none)' : fmt(v));
    const cell = (value, key, extra = {}, options = SUMMARY_OPTIONS) => {
      const td = resultCell('td', { metric: METRIC, value, options, key, extra });
      td.textContent = shown(value);
      return td;
    };
    out.append(
      el('h3', { text: "Summary (pycocotools' twelve numbers)" }),
      table(
        'coco-summary-table',
        ['Metric', 'IoU', 'Area', 'Max dets', 'Value'],
        Object.keys(r.stats).map((key) => {
          const { kind, iou, area, maxDets } = summaryLine(key);
          return [`${kind} (${key})`, iou, area, String(maxDets), cell(r.stats[key], key)];
        }),
      ),
    );
    const worst = [...r.perClass].sort((a, b) => a.map - b.map || a.id - b.id);
    const perClass = table(
      'coco-per-class-table',
      ['Category', 'Id', 'ground-truth boxes', 'detections', 'AP @[.50:.95]', 'AR @100'],
      worst.map((c) => [
        c.name,
        String(c.id),
        el('td', {
          class: 'num',
          text: String(c.groundTruth),
          dataset: { value: String(c.groundTruth), count: 'ground-truth boxes' },
        }),
        el('td', {
          class: 'num',
          text: String(c.detections),
          dataset: { value: String(c.detections), count: 'detections' },
        }),
        cell(c.map, 'map_per_class', { class: String(c.id) }),
        cell(c.mar, 'mar_100_per_class', { class: String(c.id) }),
      ]),
    );
    worst.forEach((c, i) => (perClass.tBodies[0].rows[i].dataset.id = String(c.id)));
    out.append(el('h3', { text: 'Per category (worst AP first)' }), perClass);
    prCurves(r, out, cell);
    return [
      ['map', 'mAP @[.50:.95]'],
      ['map_50', 'AP @.50'],
      ['mar_100', 'AR @100'],
    ].map(([key, label]) => ({
      label,
      metric: METRIC,
      value: r.stats[key],
      options: SUMMARY_OPTIONS,
      dataset: { key },
    }));
  },

  /** A Node script printing the numbers shown (the package's evaluateCoco), for "Copy as code". */
  code(r, files) {
    return codeSnippet({
      title: 'Detection (COCO)',
      files,
      helpers: [precisionCurve],
      consts: { METRIC, SUMMARY_OPTIONS, CURVE_OPTIONS: curveOptions(r.iou) },
      body: `
const [gt, dt] = [JSON.parse(files['coco-gt'].text), JSON.parse(files['coco-dt'].text)];
const all = wasmetrics.evaluateCoco(gt, dt, SUMMARY_OPTIONS);
for (const key of wasmetrics.COCO_SUMMARY_KEYS) cells.push({ metric: METRIC, options: SUMMARY_OPTIONS, key, value: plain(all[key]) });
for (const c of all.perClass) {
  cells.push({ metric: METRIC, options: SUMMARY_OPTIONS, key: 'map_per_class', class: String(c.id), value: c.map });
  cells.push({ metric: METRIC, options: SUMMARY_OPTIONS, key: 'mar_100_per_class', class: String(c.id), value: c.mar });
}
// the precision-recall curves: one IoU threshold, pycocotools' precision array (extendedSummary)
const atIou = wasmetrics.evaluateCoco(gt, dt, { ...CURVE_OPTIONS, extendedSummary: true });
for (const c of atIou.perClass) {
  cells.push({ metric: METRIC, options: CURVE_OPTIONS, key: 'map_per_class', class: String(c.id), value: c.map });
  cells.push({ metric: METRIC, options: CURVE_OPTIONS, key: 'precision', class: String(c.id), value: precisionCurve(atIou, c.id) });
}
`,
    });
  },

  csvRows(r) {
    return [
      ['section', 'key', 'category_id', 'category', 'value'],
      ...Object.entries(r.stats).map(([key, value]) => ['summary', key, '', '', value]),
      ...r.perClass.flatMap((c) => [
        ['per_class', 'map', c.id, c.name, c.map],
        ['per_class', 'mar_100', c.id, c.name, c.mar],
      ]),
      ...r.curves.map((c) => ['pr_curve', `ap_iou_${r.iou}`, c.id, c.name, c.ap]),
      ...r.curves.flatMap((c) =>
        c.precision.map((p, i) => [
          'pr_curve',
          `precision_at_recall_${(i / (c.precision.length - 1)).toFixed(2)}_iou_${r.iou}`,
          c.id,
          c.name,
          p,
        ]),
      ),
    ];
  },

  /**
   * The package's value for a shown cell: evaluateCoco on the same files with the cell's options
   * (the twelve numbers and per category; at one IoU threshold for the curves' AP), its data-key
   * picked (per category by id); `precision`: the category's curve from extendedSummary.
   */
  async expected(cell, files, wasmetrics) {
    if (cell.metric !== METRIC) return undefined;
    const [gt, dt] = [JSON.parse(files['coco-gt'].text), JSON.parse(files['coco-dt'].text)];
    const options = cell.options ?? SUMMARY_OPTIONS;
    if (cell.key === 'precision')
      return precisionCurve(wasmetrics.evaluateCoco(gt, dt, { ...options, extendedSummary: true }), Number(cell.class));
    const r = wasmetrics.evaluateCoco(gt, dt, options);
    if (cell.key === 'map_per_class' || cell.key === 'mar_100_per_class') {
      const c = r.perClass.find((x) => String(x.id) === cell.class);
      return c && (cell.key === 'map_per_class' ? c.map : c.mar);
    }
    return plain(pick(r, cell.key));
  },
};

/**
 * Per-category precision-recall curves at the run's IoU threshold, AP in the legend (the sklearn
 * display's convention), a PNG button; more than MAX_CURVES categories get a filter (the ones
 * with the lowest AP by default). Its text alternative is the table of the plotted values.
 */
function prCurves(r, out, cell) {
  const withData = r.curves.filter((c) => c.ap !== -1);
  const box = el('div', { class: 'plots' });
  out.append(
    el('h3', { text: `Precision-recall per category at IoU ${r.iou}` }),
    el('p', {
      class: 'muted',
      text: "pycocotools' interpolated precision at 101 recall points (area all, 100 detections per image); a category's AP at this IoU is the mean of its curve. Categories without ground truth have no curve.",
    }),
  );
  const ranked = [...withData].sort((a, b) => a.ap - b.ap || a.id - b.id);
  let filter = null;
  if (withData.length > MAX_CURVES) {
    filter = el(
      'select',
      { id: 'detection-pr-filter' },
      el('option', { value: 'worst', text: `the ${MAX_CURVES} with the lowest AP` }),
      el('option', { value: 'best', text: `the ${MAX_CURVES} with the highest AP` }),
      el('option', { value: 'all', text: `all ${withData.length}` }),
      ...ranked.map((c) => el('option', { value: `id:${c.id}`, text: `${c.name} only` })),
    );
    out.append(
      el('p', { class: 'opts' }, el('label', { for: 'detection-pr-filter', text: 'Categories shown ' }), filter),
    );
  }
  out.append(box);
  const values = el('div');
  const pickShown = () => {
    const v = filter?.value ?? 'all';
    const list =
      v === 'worst'
        ? ranked.slice(0, MAX_CURVES)
        : v === 'best'
          ? ranked.slice(-MAX_CURVES).reverse()
          : v === 'all'
            ? ranked
            : ranked.filter((c) => `id:${c.id}` === v);
    return list;
  };
  let chart = null;
  const draw = () => {
    const shown = pickShown();
    chart?.destroy();
    box.replaceChildren();
    const colour = (k) =>
      ['#3b5bdb', '#f59f00', '#2b8a3e', '#c92a2a', '#ae3ec9', '#0c8599', '#e8590c', '#5c940d', '#862e9c', '#1864ab'][
        k % 10
      ];
    const n = shown[0]?.precision.length ?? 101;
    chart = chartCell(box, {
      id: 'detection-pr',
      title: `Precision-recall at IoU ${r.iou}${withData.length > shown.length ? ` (${shown.length} of ${withData.length} categories)` : ''}`,
      fileName: `detection-pr-iou-${r.iou}.png`,
      config: {
        type: 'scatter',
        data: {
          datasets: shown.map((c, k) => ({
            label: `${c.name} (AP ${c.ap.toFixed(3)})`,
            data: c.precision.map((p, i) => ({ x: i / (n - 1), y: p })),
            showLine: true,
            stepped: 'after',
            pointRadius: 0,
            borderWidth: 1.5,
            borderColor: colour(k),
            backgroundColor: colour(k),
            borderDash: k >= 10 ? [6, 3] : undefined,
          })),
        },
        options: {
          scales: {
            x: { min: 0, max: 1, title: { display: true, text: 'recall' } },
            y: { min: 0, max: 1.02, title: { display: true, text: 'precision' } },
          },
        },
      },
    });
    // the text alternative: AP and the plotted precision of each category shown (its curve as the
    // header cell's data-value, a JSON list)
    const opts = curveOptions(r.iou);
    const head = (c) => {
      const th = el('th', {
        text: c.name,
        scope: 'col',
        dataset: {
          metric: METRIC,
          key: 'precision',
          class: String(c.id),
          options: JSON.stringify(opts),
          value: JSON.stringify(c.precision),
        },
      });
      return th;
    };
    const t = el(
      'table',
      { id: 'detection-pr-table' },
      el('thead', {}, el('tr', {}, el('th', { text: 'recall', scope: 'col' }), ...shown.map(head))),
      el(
        'tbody',
        {},
        el(
          'tr',
          { dataset: { row: 'ap' } },
          el('th', { text: `AP @${r.iou}`, scope: 'row' }),
          ...shown.map((c) => cell(c.ap, 'map_per_class', { class: String(c.id) }, opts)),
        ),
        ...Array.from({ length: n }, (_, i) =>
          el(
            'tr',
            {},
            el('th', { text: (i / (n - 1)).toFixed(2), scope: 'row' }),
            ...shown.map((c) => el('td', { class: 'num', text: fmt(c.precision[i]) })),
          ),
        ),
      ),
    );
    values.replaceChildren(
      el(
        'details',
        {},
        el('summary', { text: 'Plotted values (AP and precision at each recall point)' }),
        el('div', { class: 'table-scroll' }, t),
      ),
    );
  };
  filter?.addEventListener('change', draw);
  draw();
  out.append(values);
  const none = r.curves.filter((c) => c.ap === -1);
  if (none.length)
    out.append(el('p', { class: 'muted', text: `No ground truth, no curve: ${none.map((c) => c.name).join(', ')}.` }));
}
