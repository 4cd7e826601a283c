// The "Segmentation masks (PNG)" cell: predicted and reference label masks picked as folders
// (webkitdirectory) or as several files, matched by name (web/js/lib/match.mjs), decoded and
// evaluated in the compute worker by the npm package (web/js/masks-job.mjs): MeanIoU, Jaccard,
// Dice and pixel accuracy with an ignoreIndex, per-class table, IoU per image, worst images,
// plots and exports. Optional: the scenes' images, paired by name like the masks (the worst images
// are drawn with the reference and predicted masks over them), and class names (typed, or a names
// file: lib/class-names.mjs), used in the tables, charts, overlays and exports. The Segmentation
// mode's module: its own worker, its panel's data-state and banner (web/js/ui.mjs). User-given
// names only ever reach the page as text.
import { classNamesText, parseClassNames } from './lib/class-names.mjs';
import { maskKey, matchMasks } from './lib/match.mjs';
import { barChart, plotBox } from './plots-more.mjs';
import {
  $,
  csvField,
  download,
  fieldError,
  fmt as fmtNumber,
  metricCell,
  modePanel,
  pngButton,
  readNumberField,
} from './ui.mjs';
import { workerClient } from './worker-client.mjs';

const cell = $('#cell-masks');
const mode = modePanel('segmentation');
const files = { pred: [], target: [], images: [] };
const state = { result: null, match: null, charts: [], sample: false };
window.__wasmetricsMasks = state; // for the browser test and the curious

const computeRequest = workerClient(new URL('./compute-worker.mjs', import.meta.url));
const request = (job, onProgress) => computeRequest({ type: 'masks', job }, onProgress).then((done) => done.result);

function el(tag, text, props = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  return e;
}
const num = (v, key) =>
  el('td', fmtNumber(v), { class: 'num', dataset: { value: String(v), ...(key ? { count: key } : {}) } });
const optionText = (o) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');

function setError(message) {
  const box = $('.error', cell);
  box.hidden = !message;
  box.textContent = message ?? '';
  cell.classList.toggle('failed', Boolean(message));
  mode.error(message, 'cell-masks', 'Segmentation masks [1]');
}
/** numClasses: empty means inferred from the labels (the placeholder says so). */
function readNumClasses() {
  const input = $('#masks-num-classes');
  if (input.value.trim() === '') {
    fieldError(input, null);
    return null;
  }
  return readNumberField(input, 'numClasses', { min: 1, max: 65536, integer: true });
}
/** The class names typed (or read from a names file): an array by class id, or null for none. */
function readClassNames() {
  const field = $('#masks-class-names');
  try {
    const names = parseClassNames(field.value, 'class names');
    fieldError(field, null);
    return names;
  } catch (e) {
    fieldError(field, e.message);
    throw e;
  }
}
/** The images paired with the matched masks by the same key (lib/match.mjs): {pair name: File}, and the images left over. */
function pairImages(pairs) {
  const wanted = new Set(pairs.map((p) => p.name));
  const byName = {};
  const unpaired = [];
  for (const f of files.images) {
    if (!/\.(png|jpe?g)$/i.test(f.name)) continue;
    const k = maskKey(f);
    if (wanted.has(k) && !byName[k]) byName[k] = f;
    else unpaired.push(k);
  }
  return { byName, unpaired };
}
/** ignoreIndex: a label, or "none"; an empty field is an error, never a silent "none". */
function readIgnoreIndex() {
  const v = readNumberField($('#masks-ignore'), 'ignoreIndex', { min: 0, max: 65535, integer: true, allow: ['none'] });
  return v === 'none' ? null : v;
}

function renderMatch(m) {
  const box = $('#masks-match');
  box.replaceChildren();
  box.append(
    el(
      'p',
      `${m.pairs.length} matched pair${m.pairs.length === 1 ? '' : 's'} of ${files.pred.length} prediction and ${files.target.length} reference file(s).`,
    ),
  );
  const list = (title, names, id) => {
    if (!names.length) return;
    const p = el('p', `${title} (${names.length}): `, { class: 'warn', id });
    p.append(el('span', names.slice(0, 50).join(', ') + (names.length > 50 ? ', …' : ''), { class: 'names' }));
    box.append(p);
  };
  list('Predictions without a reference of the same name, left out', m.onlyPred, 'masks-only-pred');
  list('References without a prediction of the same name, left out', m.onlyTarget, 'masks-only-target');
  list('Not .png, skipped', m.skipped, 'masks-skipped');
  list('Same name twice on one side, first kept', m.duplicates, 'masks-duplicates');
  if (files.images.length) {
    const { byName, unpaired } = pairImages(m.pairs);
    box.append(
      el('p', `${Object.keys(byName).length} of ${m.pairs.length} pairs have an image.`, {
        id: 'masks-images-matched',
      }),
    );
    list('Images without a mask pair of the same name, not shown', unpaired, 'masks-images-unpaired');
  }
}

function destroyCharts() {
  for (const c of state.charts) c.destroy();
  state.charts = [];
}

function render(r) {
  const out = $('#masks-out');
  out.replaceChildren();
  out.append(
    el(
      'p',
      `${r.numImages} image pairs, ${r.numClasses} classes${r.numClasses === r.inferredNumClasses ? ' (inferred from the labels)' : ` (the labels suggest ${r.inferredNumClasses})`}, ignoreIndex ${r.ignoreIndex ?? 'none'}; computed by wasmetrics in a worker in ${Math.round(r.ms)} ms.`,
      { class: 'muted' },
    ),
  );
  const mt = el('table', null, { id: 'masks-metrics' });
  mt.appendChild(el('thead')).appendChild(el('tr')).append(el('th', 'metric'), el('th', 'options'), el('th', 'value'));
  const mb = mt.appendChild(el('tbody'));
  for (const m of r.metrics) {
    const tr = el('tr');
    tr.append(
      el('td', m.name),
      el('td', optionText(m.options), { class: 'muted' }),
      metricCell(m.name, m.value, { options: m.options }),
    );
    mb.append(tr);
  }
  out.append(el('h3', 'Metrics'), mt);

  const cols = [
    ['iouDataset', 'IoU (dataset)'],
    ['iouSample', 'IoU (mean over images)'],
    ['jaccard', 'Jaccard'],
    ['dice', 'Dice'],
    ['targetPixels', 'reference pixels'],
    ['predPixels', 'predicted pixels'],
  ];
  const pt = el('table', null, { id: 'masks-per-class' });
  pt.appendChild(el('thead'))
    .appendChild(el('tr'))
    .append(el('th', 'class'), ...cols.map(([, h]) => el('th', h)));
  const pb = pt.appendChild(el('tbody'));
  // the package's metric behind each per-class column (pixel counts are counts)
  const metricOf = {
    iouDataset: 'MeanIoU',
    iouSample: 'MeanIoU',
    jaccard: 'MulticlassJaccardIndex',
    dice: 'DiceScore',
  };
  const optionsOf = {
    iouDataset: r.meanIoUSpecs?.dataset,
    iouSample: r.meanIoUSpecs?.sample,
    jaccard: r.perClassSpecs.jaccard[1],
    dice: r.perClassSpecs.dice[1],
  };
  for (const c of r.perClass) {
    const tr = el('tr', null, { dataset: { class: String(c.id) } });
    tr.append(
      el('td', c.name),
      ...cols.map(([k]) =>
        metricOf[k] ? metricCell(metricOf[k], c[k], { class: String(c.id), options: optionsOf[k] }) : num(c[k], k),
      ),
    );
    pb.append(tr);
  }
  out.append(el('h3', 'Per class'), pt);

  const wt = el('table', null, { id: 'masks-worst' });
  wt.appendChild(el('thead')).appendChild(el('tr')).append(el('th', 'image'), el('th', 'size'), el('th', 'mean IoU'));
  const wb = wt.appendChild(el('tbody'));
  for (const im of r.images.slice(0, 10)) {
    const tr = el('tr');
    tr.append(
      el('td', im.name),
      el('td', `${im.width}×${im.height}`),
      metricCell('MeanIoU', im.meanIoU, { image: im.name, options: r.meanIoUSpecs.image }),
    );
    wb.append(tr);
  }
  out.append(
    el('h3', 'Worst images (for QA)'),
    el('p', 'lowest mean IoU over the classes present in the image first (MeanIoU of each image alone)', {
      class: 'muted',
    }),
    wt,
  );
  if (r.overlays.length) renderOverlays(r, out);
  else
    out.append(
      el('p', 'Give the images too (paired with the masks by name) to see the worst ones with the masks over them.', {
        class: 'muted',
      }),
    );

  destroyCharts();
  const plots = $('#masks-plots');
  plots.replaceChildren();
  const names = r.perClass.map((c) => c.name);
  state.charts.push(
    barChart(plots, 'plot-masks-per-class', 'Per-class IoU and Dice', names, [
      ['IoU (dataset)', r.perClass.map((c) => c.iouDataset)],
      ['IoU (mean over images)', r.perClass.map((c) => c.iouSample)],
      ['Dice', r.perClass.map((c) => c.dice)],
    ]),
  );
  const byIndex = [...r.images].sort((a, b) => a.index - b.index);
  state.charts.push(
    barChart(
      plots,
      'plot-iou-per-image',
      'Mean IoU per image (input order)',
      byIndex.map((im) => im.name),
      [['mean IoU', byIndex.map((im) => im.meanIoU)]],
    ),
  );
  renderExport(r);
  const headline = (key) => r.metrics.find((m) => m.key === key);
  mode.summary(
    ['meanIoU', 'diceMacro', 'pixelAccuracy']
      .map(headline)
      .filter(Boolean)
      .map((m) => ({
        label: `${m.name}${m.key === 'meanIoU' ? ' (per image)' : ''}`,
        metric: m.name,
        value: m.value,
        options: m.options,
      })),
  );
}

/** Clears results, plots, summary and exports: nothing of an earlier run survives a new one. */
function invalidate() {
  state.result = null;
  $('#masks-out').replaceChildren();
  $('#masks-plots').replaceChildren();
  $('#masks-export').replaceChildren();
  $('#masks-code code').textContent = '';
  destroyCharts();
  mode.summary([]);
}
export function masksCsv(r) {
  const rows = [['section', 'name', 'key', 'value']];
  for (const m of r.metrics) rows.push(['metric', m.name, optionText(m.options), m.value]);
  for (const c of r.perClass)
    for (const k of ['iouDataset', 'iouSample', 'jaccard', 'dice', 'targetPixels', 'predPixels'])
      rows.push(['per_class', c.name, k, c[k]]);
  for (const im of r.images) rows.push(['image', im.name, 'meanIoU', im.meanIoU]);
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
export function masksCode(r) {
  const o = { numClasses: r.numClasses, ignoreIndex: r.ignoreIndex };
  return [
    '// Reproduces this evaluation with the wasmetrics npm package (Node 20+: `node evaluate-masks.mjs PRED_DIR REF_DIR`).',
    "import { readFileSync, readdirSync } from 'node:fs';",
    "import { join } from 'node:path';",
    "import { init, createMetric, evaluateMasks } from 'wasmetrics';",
    '',
    'await init();',
    'const [predDir, refDir] = process.argv.slice(2);',
    "const stem = (f) => f.replace(/\\.png$/i, '');",
    'const refs = new Map(readdirSync(refDir).filter((f) => /\\.png$/i.test(f)).map((f) => [stem(f), f]));',
    'const pairs = readdirSync(predDir).filter((f) => /\\.png$/i.test(f) && refs.has(stem(f))).sort()',
    '  .map((f) => ({ name: stem(f), pred: readFileSync(join(predDir, f)), target: readFileSync(join(refDir, refs.get(stem(f)))) }));',
    `const metrics = {${r.metrics.map((m) => `\n  ${m.key}: createMetric(${JSON.stringify(m.name)}, ${JSON.stringify(m.options)}),`).join('')}`,
    `  jaccardPerClass: createMetric('MulticlassJaccardIndex', ${JSON.stringify(r.perClassSpecs.jaccard[1])}),`,
    `  dicePerClass: createMetric('DiceScore', ${JSON.stringify(r.perClassSpecs.dice[1])}),`,
    '};',
    `const report = await evaluateMasks(pairs, { ...${JSON.stringify(o)},${r.classNames ? ` classNames: ${JSON.stringify(r.classNames)},` : ''} metrics });`,
    "for (const [key, m] of Object.entries(metrics)) { const v = report.metrics[key]; console.log(key, typeof v === 'number' ? v : Array.from(v.data)); m.dispose(); }",
    'console.table(report.classes);',
    "console.log('worst images:', report.images.slice(0, 10).map((im) => `${im.name} ${im.meanIoU}`));",
    '',
  ].join('\n');
}
function renderExport(r) {
  const box = $('#masks-export');
  box.replaceChildren();
  const button = (text, data, onclick) => {
    const b = el('button', text, { type: 'button', dataset: data });
    b.addEventListener('click', onclick);
    box.append(b, ' ');
  };
  // the overlays' pixels stay out of the JSON (their names and problems stay in)
  const json = {
    generator: 'wasmetrics demo',
    ...r,
    overlays: r.overlays.map(({ name, file, problem }) => ({ name, file, ...(problem ? { problem } : {}) })),
  };
  button('Results as JSON', { export: 'json' }, () =>
    download(new Blob([JSON.stringify(json, null, 2)], { type: 'application/json' }), 'masks-metrics.json'),
  );
  button('Results as CSV', { export: 'csv' }, () =>
    download(new Blob([masksCsv(r)], { type: 'text/csv' }), 'masks-metrics.csv'),
  );
  for (const chart of state.charts) {
    const id = chart.canvas.id;
    button(`${id.replace('plot-', '')} as PNG`, { png: id }, () =>
      chart.canvas.toBlob((b) => download(b, `${id}.png`), 'image/png'),
    );
  }
  $('#masks-code code').textContent = masksCode(r);
}

// A newer run (files picked again, options changed) supersedes one still computing: only the
// latest renders and sets body[data-state].
let generation = 0;
class Superseded extends Error {}

async function run() {
  const mine = ++generation;
  setError(null);
  invalidate();
  cell.classList.remove('done');
  cell.classList.add('running');
  mode.setState('computing');
  try {
    const m = matchMasks(files.pred, files.target);
    state.match = m;
    renderMatch(m);
    if (!files.pred.length || !files.target.length)
      throw new Error('pick the predicted masks and the reference masks (folders or several .png files)');
    if (!m.pairs.length) throw new Error('no predicted mask has a reference mask of the same name');
    const job = {
      pairs: m.pairs,
      numClasses: readNumClasses(),
      ignoreIndex: readIgnoreIndex(),
      classNames: readClassNames(),
      images: pairImages(m.pairs).byName,
    };
    const progress = $('#masks-progress');
    progress.hidden = false;
    try {
      state.result = await request(job, (p) => {
        $('progress', progress).value = p.done / p.total;
        $('span', progress).textContent =
          `${p.done <= m.pairs.length ? 'decoding' : 'evaluating'}: ${p.done} of ${p.total}`;
      });
    } finally {
      if (mine === generation) progress.hidden = true;
    }
    if (mine !== generation) throw new Superseded();
    if (!$('#masks-num-classes').value) $('#masks-num-classes').placeholder = `${state.result.numClasses} (inferred)`;
    render(state.result);
    cell.classList.add('done');
    mode.setState('ready');
  } catch (e) {
    if (e instanceof Superseded || mine !== generation) return;
    invalidate();
    setError(e.message ?? String(e));
    mode.setState('error');
  } finally {
    if (mine === generation) cell.classList.remove('running');
  }
}

// A dropped folder: its files, each tagged with its path inside the folder as a picked folder's
// files are (webkitRelativePath is read-only, so `relativePath`; lib/match.mjs reads either).
async function droppedFiles(entries) {
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      file.relativePath = entry.fullPath.replace(/^\//, '');
      out.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (!batch.length) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

for (const side of ['pred', 'target', 'images']) {
  for (const kind of ['dir', 'files']) {
    const input = $(`#masks-${side}-${kind}`);
    input.addEventListener('change', () => {
      files[side] = [...input.files];
      state.sample = false;
      $(`#masks-${side}-name`).textContent = `${files[side].length} file(s)`;
      run();
    });
  }
  const drop = $(`#masks-drop-${side}`);
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    const entries = [...e.dataTransfer.items].map((it) => it.webkitGetAsEntry?.()).filter(Boolean);
    try {
      files[side] = entries.some((en) => en.isDirectory) ? await droppedFiles(entries) : [...e.dataTransfer.files];
    } catch (err) {
      setError(`could not read the dropped folder: ${err.message}`);
      return;
    }
    state.sample = false;
    $(`#masks-${side}-name`).textContent = `${files[side].length} file(s)`;
    run();
  });
}
$('[data-run="masks"]', cell).addEventListener('click', run);
for (const id of ['#masks-num-classes', '#masks-ignore', '#masks-class-names']) $(id).addEventListener('change', run);
// A names file fills the names field (one source of truth: what the field shows is what is used).
$('#masks-names-file').addEventListener('change', async (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  mode.setState('computing');
  await useNamesFile(file.name, await file.text());
});
async function useNamesFile(name, text) {
  const field = $('#masks-class-names');
  try {
    field.value = classNamesText(parseClassNames(text, name) ?? []);
    fieldError(field, null);
  } catch (e) {
    invalidate();
    fieldError(field, e.message);
    setError(e.message);
    mode.setState('error');
    return;
  }
  await run();
}

// The bundled street scenes (examples/data/masks): 8 pairs, void = 255.
const SAMPLE = ['street_01', 'street_02', 'street_03', 'street_04', 'street_05', 'street_06', 'street_07', 'street_08'];
// The second sample adds the scenes' photos (web/samples/streets, web/scripts/make-street-photos.mjs)
// and their class names.
async function loadSample(withPhotos) {
  mode.setState('computing');
  try {
    const get = async (url, name) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`the sample file ${url}: HTTP ${res.status}`);
      return new File([await res.blob()], name, { type: 'image/png' });
    };
    files.pred = await Promise.all(SAMPLE.map((n) => get(`../examples/data/masks/predicted/${n}.png`, `${n}.png`)));
    files.target = await Promise.all(SAMPLE.map((n) => get(`../examples/data/masks/reference/${n}.png`, `${n}.png`)));
    files.images = withPhotos ? await Promise.all(SAMPLE.map((n) => get(`samples/streets/${n}.png`, `${n}.png`))) : [];
    const names = withPhotos ? await (await get('samples/streets/class-names.txt', 'class-names.txt')).text() : '';
    state.sample = true;
    for (const side of ['pred', 'target', 'images'])
      $(`#masks-${side}-name`).textContent = files[side].length ? `${files[side].length} sample file(s)` : '';
    for (const b of cell.querySelectorAll('[data-sample]'))
      b.classList.toggle('active', b.dataset.sample === (withPhotos ? 'streets-photos' : 'streets'));
    $('#masks-ignore').value = '255';
    $('#masks-names-file').value = '';
    $('#masks-class-names').value = classNamesText(parseClassNames(names) ?? []);
    await run();
  } catch (e) {
    setError(e.message);
    mode.setState('error');
  }
}
$('#masks-sample').addEventListener('click', () => loadSample(false));
$('#masks-sample-photos').addEventListener('click', () => loadSample(true));

// Class colours of the overlays (and their legend): distinct, readable over photos.
const CLASS_COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#e6550d',
  '#31a354',
  '#843c39',
  '#7b4173',
  '#fdd0a2',
  '#a1d99b',
  '#9ecae1',
  '#fcbba1',
  '#dadaeb',
];
const classColour = (id) => CLASS_COLOURS[id % CLASS_COLOURS.length];
const rgbOf = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/**
 * The worst images with their masks: one canvas each (image | reference over it | prediction over
 * it; the reference's ignored pixels left uncoloured), a PNG button, and a legend of the classes.
 */
function renderOverlays(r, out) {
  const box = el('div', null, { class: 'overlays', id: 'masks-overlays' });
  out.append(el('h4', `The ${r.overlays.length} worst images with their masks`), box);
  const shownClasses = new Set();
  r.overlays.forEach((o, i) => {
    if (o.problem) {
      box.append(el('p', `${o.name}: ${o.problem}`, { class: 'warn' }));
      return;
    }
    const { width: w, height: h } = o;
    const scale = Math.max(1, Math.min(4, Math.floor(240 / w))); // small masks drawn larger, crisp
    const down = Math.min(1, 240 / w); // large ones drawn smaller
    const [pw, ph] = [Math.round(w * scale * down), Math.round(h * scale * down)];
    const label = 16;
    const gap = 6;
    const canvas = el('canvas', null, {
      id: `masks-overlay-${i}`,
      role: 'img',
      'aria-label': `${o.name}: the image, the reference mask over it and the predicted mask over it`,
    });
    canvas.width = 3 * pw + 2 * gap;
    canvas.height = ph + label;
    const ctx = canvas.getContext('2d');
    const layer = (labels) => {
      const rgba = new Uint8ClampedArray(o.rgba);
      if (labels) {
        for (let p = 0; p < w * h; p++) {
          const c = labels[p];
          if (c === r.ignoreIndex || c >= r.numClasses) continue;
          shownClasses.add(c);
          const [cr, cg, cb] = rgbOf(classColour(c));
          rgba[p * 4] = (rgba[p * 4] + cr) >> 1;
          rgba[p * 4 + 1] = (rgba[p * 4 + 1] + cg) >> 1;
          rgba[p * 4 + 2] = (rgba[p * 4 + 2] + cb) >> 1;
        }
      }
      const src = el('canvas');
      src.width = w;
      src.height = h;
      src.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
      return src;
    };
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = down < 1;
    ctx.fillStyle = '#000000';
    ctx.font = '12px sans-serif';
    [
      [null, 'image'],
      [o.target, 'reference'],
      [o.pred, 'prediction'],
    ].forEach(([labels, title], k) => {
      ctx.drawImage(layer(labels), k * (pw + gap), label, pw, ph);
      ctx.fillText(title, k * (pw + gap) + 2, 12);
    });
    const im = r.images.find((x) => x.name === o.name);
    const figure = el('figure', null, { class: 'overlay', dataset: { image: o.name } });
    figure.append(
      pngButton(canvas, `masks-overlay-${o.name.replace(/[^\w.-]+/g, '_')}.png`),
      canvas,
      el('figcaption', `${o.name} (${o.file}): mean IoU ${fmtNumber(im?.meanIoU)}; image · reference · prediction`),
    );
    box.append(figure);
  });
  const names = new Map(r.perClass.map((c) => [c.id, c.name]));
  const legend = el('ul', null, { class: 'legend', 'aria-label': 'class colours of the overlays' });
  for (const id of [...shownClasses].sort((a, b) => a - b)) {
    const swatch = el('span', null, { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.backgroundColor = classColour(id);
    const li = el('li', null, { dataset: { class: String(id) } });
    li.append(swatch, ` ${names.get(id) ?? String(id)}`);
    legend.append(li);
  }
  box.after(legend);
}
export { plotBox };
