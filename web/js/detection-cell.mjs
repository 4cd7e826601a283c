// The demo's detection cell: a COCO ground-truth file + a results file -> COCO mAP (the twelve
// numbers pycocotools prints) and a per-class table, computed by the npm package's evaluateCoco in
// a Web Worker (detection-worker.mjs). Self-contained: index.html holds an empty
// <section id="cell-detection"> in the Detection mode's panel and loads this module; no other
// mode is touched. Its results area [data-results="detection"] carries data-state
// (empty | computing | ready | error); errors go to the panel's banner (web/js/ui.mjs).
import { fmt as fmtNumber, modePanel } from './ui.mjs';

const cell = document.getElementById('cell-detection');

const SAMPLE = { gt: 'samples/coco-gt.json', results: 'samples/coco-results.json' };

// pycocotools' summarize() lines, in its order.
const STATS = [
  ['map', 'AP', '0.50:0.95', 'all'], ['map_50', 'AP', '0.50', 'all'], ['map_75', 'AP', '0.75', 'all'],
  ['map_small', 'AP', '0.50:0.95', 'small'], ['map_medium', 'AP', '0.50:0.95', 'medium'], ['map_large', 'AP', '0.50:0.95', 'large'],
  ['mar_1', 'AR', '0.50:0.95', 'all', 1], ['mar_10', 'AR', '0.50:0.95', 'all', 10], ['mar_100', 'AR', '0.50:0.95', 'all', 100],
  ['mar_small', 'AR', '0.50:0.95', 'small'], ['mar_medium', 'AR', '0.50:0.95', 'medium'], ['mar_large', 'AR', '0.50:0.95', 'large'],
];

function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

cell.classList.add('cell');
cell.dataset.cell = 'detection';
cell.innerHTML = `
  <div class="cell-head"><span class="idx">[1]</span><h2>Object detection: COCO mAP</h2><button type="button" class="run" id="coco-run">▶ Run</button></div>
  <div class="cell-body">
    <p class="muted">A COCO ground-truth file (images, annotations, categories) and a detector's results file
      (an array of {image_id, category_id, bbox, score}) give pycocotools' COCOeval numbers for boxes.</p>
    <div class="samples">Sample: <button type="button" id="coco-sample" data-sample="coco-small">Small COCO pair (3 classes)</button></div>
    <div class="drops">
      <label class="drop"><span class="drop-title">Ground truth</span><span class="drop-hint">instances_*.json</span>
        <input type="file" id="coco-file-gt" data-input="coco-gt" accept=".json,application/json"><span class="drop-file" id="coco-name-gt"></span></label>
      <label class="drop"><span class="drop-title">Results</span><span class="drop-hint">the detector's bbox results JSON</span>
        <input type="file" id="coco-file-results" data-input="coco-dt" accept=".json,application/json"><span class="drop-file" id="coco-name-results"></span></label>
    </div>
    <div class="error" hidden></div>
    <div class="out" id="coco-out" data-results="detection" data-state="empty"></div>
  </div>`;

const $ = (s) => cell.querySelector(s);
const panel = modePanel('detection'); // its markup is in place now
const worker = new Worker(new URL('./detection-worker.mjs', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;
worker.onmessage = ({ data }) => {
  const p = pending.get(data.id);
  pending.delete(data.id);
  if (data.type === 'done') p.resolve(data);
  else p.reject(new Error(data.message));
};
worker.onerror = (e) => {
  for (const p of pending.values()) p.reject(new Error(`the detection worker failed: ${e.message}`));
  pending.clear();
};
const evaluate = (gt, results) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject });
  worker.postMessage({ id, gt, results, options: { classMetrics: true } });
});

const sources = { gt: null, results: null }; // {name, text}
let generation = 0;

const fmt = (v) => (v === -1 ? '-1 (none)' : fmtNumber(v));
const setState = (s) => panel.setState(s);
function setError(message) {
  const box = $('.error');
  box.hidden = !message;
  box.textContent = message ?? '';
  cell.classList.toggle('failed', Boolean(message));
  panel.error(message, 'cell-detection', 'Detection [1]');
}

function show(r, ms, isSimd) {
  const out = $('#coco-out');
  out.replaceChildren();
  out.append(el('p', { class: 'muted', text: `${r.images} images, ${r.annotations} ground-truth boxes, ${r.detections} detections (${sources.gt.name} + ${sources.results.name}); `
    + `evaluated by wasmetrics (${isSimd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.` }));
  const summary = el('table', { id: 'coco-summary-table' }, [
    el('thead', {}, [el('tr', {}, ['Metric', 'IoU', 'Area', 'Max dets', 'Value'].map((h) => el('th', { text: h })))]),
    el('tbody', {}, STATS.map(([key, kind, iou, area, maxDets = 100]) => el('tr', { 'data-key': key }, [
      el('td', { text: `${kind} (${key})` }), el('td', { text: iou }), el('td', { text: area }), el('td', { class: 'num', text: String(maxDets) }),
      el('td', { class: 'num', 'data-metric': 'MeanAveragePrecision', 'data-key': key, 'data-value': JSON.stringify(r[key]), text: fmt(r[key]) }),
    ]))),
  ]);
  out.append(el('h3', { text: 'Summary (pycocotools\' twelve numbers)' }), summary);
  const perClass = el('table', { id: 'coco-per-class-table' }, [
    el('thead', {}, [el('tr', {}, ['Category', 'Id', 'AP @[.50:.95]', 'AR @100'].map((h) => el('th', { text: h })))]),
    el('tbody', {}, r.perClass.map((c) => el('tr', { 'data-id': String(c.id) }, [
      el('td', { text: c.name }), el('td', { class: 'num', text: String(c.id) }),
      el('td', { class: 'num', 'data-metric': 'MeanAveragePrecision', 'data-key': 'map_per_class', 'data-class': String(c.id), 'data-value': JSON.stringify(c.map), text: fmt(c.map) }),
      el('td', { class: 'num', 'data-metric': 'MeanAveragePrecision', 'data-key': 'mar_100_per_class', 'data-class': String(c.id), 'data-value': JSON.stringify(c.mar), text: fmt(c.mar) }),
    ]))),
  ]);
  out.append(el('h3', { text: 'Per category (worst AP first)' }), perClass);
  const rows = [...perClass.tBodies[0].rows].sort((a, b) => Number(a.cells[2].dataset.value) - Number(b.cells[2].dataset.value));
  perClass.tBodies[0].append(...rows);
  panel.summary([['map', 'mAP @[.50:.95]'], ['map_50', 'AP @.50'], ['mar_100', 'AR @100']]
    .map(([key, label]) => ({ label, metric: 'MeanAveragePrecision', value: r[key], options: { key } })));
}

async function run() {
  const mine = ++generation;
  setError(null);
  // nothing of an earlier run survives a new one
  $('#coco-out').replaceChildren();
  panel.summary([]);
  if (!sources.gt || !sources.results) {
    setState('empty');
    $('#coco-out').replaceChildren(el('p', { class: 'muted', text: 'Pick both files, or load the sample.' }));
    return;
  }
  setState('computing');
  cell.classList.add('running');
  cell.classList.remove('done', 'failed');
  try {
    const { result, ms, simd } = await evaluate(sources.gt.text, sources.results.text);
    if (mine !== generation) return;
    show(result, ms, simd);
    cell.classList.add('done');
    setState('ready');
  } catch (e) {
    if (mine !== generation) return;
    $('#coco-out').replaceChildren();
    setError(e.message);
    setState('error');
  } finally {
    if (mine === generation) cell.classList.remove('running');
  }
}

for (const side of ['gt', 'results']) {
  $(`#coco-file-${side}`).addEventListener('change', async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    setState('computing');
    sources[side] = { name: file.name, text: await file.text() };
    $(`#coco-name-${side}`).textContent = file.name;
    $('#coco-sample').classList.remove('active');
    await run();
  });
}

$('#coco-sample').addEventListener('click', async () => {
  setState('computing');
  try {
    for (const side of ['gt', 'results']) {
      const url = new URL(`../${SAMPLE[side]}`, import.meta.url);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`could not load the sample ${SAMPLE[side]}: HTTP ${res.status}`);
      sources[side] = { name: SAMPLE[side].split('/').pop(), text: await res.text() };
      $(`#coco-name-${side}`).textContent = sources[side].name;
      $(`#coco-file-${side}`).value = '';
    }
    $('#coco-sample').classList.add('active');
    await run();
  } catch (e) {
    setError(e.message);
    setState('error');
  }
});
$('#coco-run').addEventListener('click', () => run());

setState('empty');
