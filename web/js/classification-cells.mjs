// The Classification / regression mode: Data -> Task and metrics -> Results -> Plots -> Export.
// Each cell's ▶ re-runs it and the cells below; any run first invalidates every cell from it down
// (results, plots and exports cleared, exports disabled), so nothing stale outlives a change or a
// failure. Parsing and computing happen in Web Workers; this thread only draws.
// User data (file names, CSV headers, labels) is only ever put in the page as text (textContent).
import { codeSnippet } from './code-snippet.mjs';
import { calibrationChart, curveChart, lowest, matrixImage, MAX_BAR_CLASSES, MAX_CURVES } from './plots-more.mjs';
import {
  buildInputs,
  checkColumns,
  collectColumns,
  columnKey,
  dataOptions,
  metricsForTask,
  suggestTask,
  TASKS,
} from './lib/task.mjs';
import { defaultSliceColumn, sliceCandidates, sliceKeys } from './lib/compare.mjs';
import { sliceChart, sliceFocus, sliceTable } from './slices.mjs';
import {
  $,
  cellChain,
  csvField,
  download,
  el,
  fieldError,
  fmt,
  metricCell,
  modePanel,
  readNumberField,
} from './ui.mjs';
import { workerClient } from './worker-client.mjs';

const Chart = globalThis.Chart;
const mode = modePanel('classification');

// ---- workers -------------------------------------------------------------------------------
// Each request resolves to the worker's answer: its result (compute) or dataset (parse).
const answers = (url) => {
  const request = workerClient(url);
  return (msg, onProgress, transfer) => request(msg, onProgress, transfer).then((done) => done.result ?? done.dataset);
};
const parseRequest = answers(new URL('./parse-worker.mjs', import.meta.url));
const computeRequest = answers(new URL('./compute-worker.mjs', import.meta.url));
// The package's registry, asked for at once; anything that computes waits for it.
const registryLoaded = computeRequest({ type: 'registry' });
registryLoaded.catch(() => {}); // reported where it is awaited below

// ---- state ---------------------------------------------------------------------------------
const state = {
  sources: { pred: null, target: null, b: null }, // File objects (or sample Files); b: model B's predictions
  datasets: { pred: null, target: null, b: null },
  inputsB: null, // model B's preds, shaped as model A's
  sliceBy: null, // the slice column's name, or null
  sliceByUser: false,
  focus: null, // the metric the slices are ordered by and the A/B bootstrap runs on
  parsed: new Map(), // File -> {headerMode, dataset}: a re-run of the Data cell does not parse again
  roles: new Map(), // columnKey -> role the user chose
  checks: null, // checkColumns(): {errors, warnings}
  collected: null,
  inputs: null,
  suggestion: null,
  task: null,
  taskByUser: false,
  registry: null,
  checked: new Map(), // task -> Set of metric names
  optionValues: new Map(), // metric name -> {option: raw string}
  labelThresholds: [],
  result: null,
  charts: [],
  sampleName: null,
};
window.__wasmetricsDemo = state; // for the browser test and the curious

const SAMPLES = {
  animals: ['samples/animals.csv'],
  tags: ['samples/tags.csv'],
  spam: ['samples/spam.csv'],
  houses: ['../examples/data/house_prices.csv'],
  tickets: ['samples/tickets.csv', null, 'samples/tickets-b.csv'], // predictions, targets, model B
};

// ---- cells ---------------------------------------------------------------------------------
const ORDER = ['data', 'task', 'results', 'plots', 'export'];
const RUN = { data: runData, task: runTask, results: runResults, plots: runPlots, export: runExport };
const TITLES = {
  data: 'Data [1]',
  task: 'Task and metrics [2]',
  results: 'Results [3]',
  plots: 'Plots [4]',
  export: 'Export [5]',
};

/** Clears what the cells from `name` down showed: results, plots, summary, exports (disabled). */
function invalidateFrom(name) {
  const k = ORDER.indexOf(name);
  if (k <= ORDER.indexOf('results')) {
    state.result = null;
    $('#results-out').replaceChildren();
    mode.summary([]);
  }
  if (k <= ORDER.indexOf('plots')) {
    destroyCharts();
    $('#plots-out').replaceChildren();
  }
  $('#code code').textContent = '';
  $('#export-png').replaceChildren();
  $('#copy-state').textContent = '';
  for (const b of document.querySelectorAll('#export-json, #export-csv, #copy-code')) b.disabled = true;
}
const chain = cellChain(mode, { order: ORDER, titles: TITLES, run: RUN, invalidate: invalidateFrom });
const schedule = chain.schedule;
const setError = chain.setError;

// ---- [1] data ------------------------------------------------------------------------------
function showProgress(id, done, total, label) {
  const box = $(id);
  box.hidden = false;
  $('progress', box).value = total ? done / total : 0;
  $('span', box).textContent = label;
}
const mb = (b) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`);

async function parse(side) {
  const file = state.sources[side];
  if (!file) return null;
  const headerMode = $('#header-mode').value;
  const cached = state.parsed.get(file);
  if (cached?.headerMode === headerMode) return cached.dataset;
  const hasHeader = headerMode === 'auto' ? 'auto' : headerMode === 'yes';
  const t0 = performance.now();
  try {
    const ds = await parseRequest({ file, hasHeader }, (p) =>
      showProgress('#parse-progress', p.done, p.total, `${file.name}: ${mb(p.done)} of ${mb(p.total)}`),
    );
    ds.ms = performance.now() - t0;
    state.parsed.set(file, { headerMode, dataset: ds });
    return ds;
  } catch (e) {
    throw new Error(`${file.name}: ${e.message}`);
  }
}

async function runData() {
  $('#name-pred').textContent = state.sources.pred ? `${state.sources.pred.name} (${mb(state.sources.pred.size)})` : '';
  $('#name-target').textContent = state.sources.target
    ? `${state.sources.target.name} (${mb(state.sources.target.size)})`
    : '';
  $('#name-b').textContent = state.sources.b ? `${state.sources.b.name} (${mb(state.sources.b.size)})` : '';
  const out = $('#data-out');
  out.replaceChildren();
  state.datasets = { pred: null, target: null, b: null };
  state.collected = null;
  state.inputs = null; // nothing below may run on the inputs of earlier data
  // keep parsed datasets of the current files only
  for (const f of state.parsed.keys())
    if (f !== state.sources.pred && f !== state.sources.target && f !== state.sources.b) state.parsed.delete(f);
  if (!state.sources.pred) throw new Error('pick or drop a predictions file, or load a sample');
  try {
    state.datasets.pred = await parse('pred');
    state.datasets.target = await parse('target');
    state.datasets.b = await parse('b');
  } finally {
    $('#parse-progress').hidden = true;
  }
  state.collected = collectColumns(state.datasets.pred, state.datasets.target, state.roles);
  state.checks = checkColumns(state.collected);
  renderData();
  // Bad cells stop here, listed by line and column, before anything is computed.
  if (state.checks.errors.length) throw new Error(`bad cells in the data:\n${state.checks.errors.join('\n')}`);
}

const ROLE_ROWS = 40;

function renderData() {
  const out = $('#data-out');
  out.replaceChildren();
  for (const ds of [state.datasets.pred, state.datasets.target, state.datasets.b].filter(Boolean)) {
    const what =
      ds.kind === 'table'
        ? `${ds.rows.toLocaleString()} rows × ${ds.columns.length} columns${ds.header ? ', header row' : ', no header row'}`
        : ds.kind === 'tensor'
          ? `array of shape [${ds.shape.join(', ')}] (${ds.dtype ?? 'float64'})`
          : `arrays ${Object.entries(ds.tensors)
              .map(([k, t]) => `${k} [${t.shape.join(', ')}]`)
              .join(', ')}`;
    out.append(
      el(
        'p',
        { class: 'file-summary' },
        el('strong', { text: ds.name }),
        ` — ${what}, ${mb(ds.bytes)}, parsed in ${Math.round(ds.ms)} ms`,
      ),
    );
  }
  const { columns, tensors } = state.collected;
  const { warnings } = state.checks;
  if (warnings.length)
    out.append(el('ul', { class: 'warn', id: 'data-warnings' }, ...warnings.map((w) => el('li', { text: w }))));
  if (Object.keys(tensors).length)
    out.append(
      el('p', {
        class: 'muted',
        text: `mask arrays: ${Object.entries(tensors)
          .map(([k, t]) => `${k} [${t.shape.join(', ')}]`)
          .join(', ')}`,
      }),
    );
  if (!columns.length) return;
  const table = el('table', { class: 'roles' });
  const head = el(
    'tr',
    {},
    el('th', { text: 'column' }),
    el('th', { text: 'file' }),
    el('th', { text: 'role' }),
    el('th', { text: 'first values' }),
  );
  table.append(el('thead', {}, head));
  const body = el('tbody');
  const roleRow = (c, i) => {
    const select = el(
      'select',
      {
        'aria-label': `role of ${c.name}`,
        dataset: { column: String(i), role: c.role },
        onchange: (e) => {
          state.roles.set(columnKey(c), e.target.value);
          state.taskByUser = false;
          schedule('data'); // the Data cell checks the columns that now count
        },
      },
      ...[
        ['pred', 'prediction'],
        ['target', 'target'],
        ['id', 'sample id'],
        ['ignore', 'ignore'],
      ].map(([v, t]) => el('option', { value: v, text: t, selected: c.role === v })),
    );
    const first = Array.from(c.values.subarray(0, 4), (v) =>
      c.categories ? (c.categories[v] ?? '') : +v.toPrecision(5),
    ).join(', ');
    return el(
      'tr',
      {},
      el('td', { class: 'colname', text: c.name }),
      el('td', { class: 'muted', text: c.file }),
      el('td', {}, select),
      el('td', { class: 'muted', text: first + (c.values.length > 4 ? ', …' : '') }),
    );
  };
  // A wide score matrix (hundreds of classes) would be hundreds of rows of selects built and laid
  // out on the main thread: the first ROLE_ROWS are shown, the rest are built when asked for.
  body.append(...columns.slice(0, ROLE_ROWS).map(roleRow));
  table.append(body);
  out.append(el('p', { class: 'muted', text: 'Column roles (guessed from the names; change them here):' }), table);
  if (columns.length > ROLE_ROWS) {
    const rest = columns.length - ROLE_ROWS;
    const more = el(
      'button',
      {
        type: 'button',
        id: 'more-columns',
        onclick: () => {
          body.append(...columns.slice(ROLE_ROWS).map((c, k) => roleRow(c, ROLE_ROWS + k)));
          more.remove();
        },
      },
      `Show the other ${rest.toLocaleString('en-US')} columns`,
    );
    out.append(el('p', {}, more));
  }
}

// ---- [2] task and metrics ------------------------------------------------------------------
async function runTask() {
  state.inputs = null;
  if (!state.collected) throw new Error('no data yet (cell [1])');
  state.inputs = buildInputs(state.collected);
  state.inputsB = state.datasets.b ? modelBInputs() : null;
  state.suggestion = suggestTask(state.inputs);
  if (!state.taskByUser || !state.task) state.task = state.suggestion.task;
  const taskSel = $('#task');
  taskSel.replaceChildren(
    ...TASKS.map((t) =>
      el('option', {
        value: t,
        text: t + (t === state.suggestion.task ? ' (suggested)' : ''),
        selected: t === state.task,
      }),
    ),
  );
  $('#task-reason').textContent =
    state.task === state.suggestion.task
      ? `suggested: ${state.suggestion.reason}`
      : `you chose ${state.task}; the data suggest ${state.suggestion.task} (${state.suggestion.reason})`;
  $('#threshold-row').hidden = state.task !== 'binary';
  fieldError($('#threshold'), null);
  renderLabelThresholds();
  renderPicker();
  renderSliceRow();
}

/** Model B's predictions: its prediction columns beside model A's targets, checked to match A's shape. */
function modelBInputs() {
  const b = collectColumns(state.datasets.b, null, state.roles).columns.filter((c) => c.role === 'pred');
  const targets = state.collected.columns.filter((c) => c.role === 'target');
  const name = state.datasets.b.name;
  if (!b.length) throw new Error(`model B (${name}) has no prediction column`);
  const n = state.inputs.preds.shape[0];
  if (b[0].values.length !== n)
    throw new Error(
      `model B (${name}) has ${b[0].values.length} rows but model A's predictions have ${n}: both models must be scored on the same rows`,
    );
  const preds = buildInputs({ columns: [...b, ...targets], tensors: {} }).preds;
  const a = state.inputs.preds;
  if (preds.shape.join() !== a.shape.join()) {
    throw new Error(
      `model B (${state.datasets.b.name}) has predictions of shape [${preds.shape}] but model A's are [${a.shape}]: give both models' predictions for the same rows, in the same columns`,
    );
  }
  return preds;
}

/** The "Slice by" and focus-metric selects: the candidate columns, and the metrics chosen. */
function renderSliceRow() {
  const candidates = sliceCandidates(state.collected.columns);
  if (!state.sliceByUser || !candidates.some((c) => c.name === state.sliceBy))
    state.sliceBy = defaultSliceColumn(state.collected.columns);
  $('#slice-by').replaceChildren(
    el('option', { value: '', text: candidates.length ? 'none' : 'none (no column to slice by)' }),
    ...candidates.map((c) =>
      el('option', {
        value: c.name,
        text: `${c.name} (${new Set(c.values).size} values)`,
        selected: c.name === state.sliceBy,
      }),
    ),
  );
  renderFocus();
}
function renderFocus() {
  const chosen = [...(state.checked.get(state.task) ?? [])];
  if (!chosen.includes(state.focus)) state.focus = chosen[0] ?? null;
  $('#focus-metric').replaceChildren(
    ...chosen.map((n) => el('option', { value: n, text: n, selected: n === state.focus })),
  );
}

/** The binary decision threshold; an empty or bad field is an error on the field, never 0. */
function readThreshold() {
  return readNumberField($('#threshold'), 'the decision threshold', { min: 0, max: 1 });
}

function taskSizes() {
  const s = { ...state.suggestion, task: state.task };
  const { preds, target } = state.inputs;
  if (state.task === 'multiclass' && !s.numClasses)
    s.numClasses = Math.max(
      2,
      preds.shape[1] ?? 0,
      maxOf(target.data) + 1,
      preds.shape.length === 1 ? maxOf(preds.data) + 1 : 0,
    );
  if (state.task === 'multilabel' && !s.numLabels) s.numLabels = target.shape[1] ?? 1;
  if (state.task === 'segmentation' && !s.numClasses)
    s.numClasses = Math.max(maxOf(target.data), maxOf(preds.data)) + 1;
  if (state.task === 'regression' && !s.numOutputs) s.numOutputs = target.shape[1] ?? 1;
  return s;
}
function maxOf(a) {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

function renderLabelThresholds() {
  const box = $('#label-thresholds');
  box.replaceChildren();
  box.hidden = state.task !== 'multilabel';
  if (box.hidden) return;
  const L = state.inputs.target.shape[1] ?? 1;
  const names = state.inputs.classNames ?? Array.from({ length: L }, (_, k) => `label ${k}`);
  if (state.labelThresholds.length !== L) state.labelThresholds = Array(L).fill(0.5);
  box.append(
    el('p', { class: 'muted', text: "Per-label thresholds (a score above its label's threshold counts as positive):" }),
  );
  names.forEach((n, k) =>
    box.append(
      el(
        'label',
        {},
        `${n} `,
        el('input', {
          type: 'number',
          min: 0,
          max: 1,
          step: 'any',
          value: state.labelThresholds[k],
          'aria-label': `threshold of ${n}`,
          id: `label-threshold-${k}`,
          dataset: { label: String(k) },
          onchange: () => schedule('results'),
        }),
      ),
    ),
  );
  const criterion = el(
    'select',
    { id: 'best-criterion', 'aria-label': 'criterion of the best thresholds' },
    ...[
      ['f1', 'F1'],
      ['youden', "Youden's J"],
    ].map(([v, t]) => el('option', { value: v, text: t })),
  );
  box.append(
    el(
      'p',
      {},
      el(
        'button',
        { type: 'button', id: 'best-thresholds', onclick: () => fillBestThresholds(criterion.value) },
        'Fill with the best thresholds',
      ),
      ' by ',
      criterion,
      el('span', { class: 'muted', text: ' (per label, on these data: bestThresholds() of the package)' }),
    ),
  );
}

// Asks the worker for the package's bestThresholds() on the loaded scores, fills the editor and
// re-runs the results; queued like every run, so body[data-state] stays true.
function fillBestThresholds(criterion) {
  return chain.enqueue(async () => {
    setError('task', null);
    try {
      const { preds, target } = state.inputs;
      const best = await computeRequest({
        type: 'bestThresholds',
        job: {
          criterion,
          preds: { data: preds.data.slice(), shape: preds.shape },
          target: { data: target.data.slice(), shape: target.shape },
        },
      });
      state.labelThresholds = Array.from(best.threshold.data);
      renderLabelThresholds();
      $('#best-criterion').value = criterion;
    } catch (e) {
      setError('task', e.message ?? String(e));
      return 'error';
    }
    schedule('results'); // queued behind this: the state stays 'computing' until it ends
    return 'ready';
  });
}

function renderPicker() {
  const box = $('#metric-picker');
  box.replaceChildren();
  const { list, checked } = metricsForTask(state.registry, state.task);
  if (!state.checked.has(state.task)) state.checked.set(state.task, new Set(checked));
  const chosen = state.checked.get(state.task);
  const sizes = taskSizes();
  // Compact: the chosen metrics in one line; the full list (with docs and options) folds open.
  const chosenLine = () =>
    `Metrics: ${
      list
        .filter((m) => chosen.has(m.name))
        .map((m) => m.name)
        .join(', ') || 'none'
    } (${chosen.size} of ${list.length}; change)`;
  const summary = el('summary', { class: 'picker-summary', text: chosenLine() });
  const fold = el(
    'details',
    {
      class: 'picker-fold',
      open: state.pickerOpen ?? false,
      ontoggle: (e) => {
        state.pickerOpen = e.target.open;
      },
    },
    summary,
    el('p', {
      class: 'muted',
      text: `Metrics for ${state.task} (${list.length} registered in this build; options come from listMetrics()):`,
    }),
  );
  const grid = el('div', { class: 'picker' });
  for (const spec of list) {
    const fromData = dataOptions(spec, sizes, state.inputs);
    const cb = el('input', {
      type: 'checkbox',
      checked: chosen.has(spec.name),
      dataset: { pick: spec.name },
      onchange: (e) => {
        if (e.target.checked) chosen.add(spec.name);
        else chosen.delete(spec.name);
        summary.textContent = chosenLine();
        renderFocus();
        schedule('results');
      },
    });
    const opts = el('details', { dataset: { metricOptions: spec.name } }, el('summary', { text: 'options' }));
    const values = state.optionValues.get(spec.name) ?? {};
    for (const o of spec.options) {
      if (o.name === 'validateArgs') continue;
      const current = values[o.name] ?? (o.name in fromData ? String(fromData[o.name]) : '');
      const onchange = (e) => {
        fieldError(e.target, null);
        const v = state.optionValues.get(spec.name) ?? {};
        v[o.name] = e.target.value;
        state.optionValues.set(spec.name, v);
        if (chosen.has(spec.name)) schedule('results');
      };
      let input;
      if (o.type === 'boolean' || o.choices) {
        const choices = o.type === 'boolean' ? ['true', 'false'] : o.choices.map(String);
        input = el(
          'select',
          { dataset: { option: o.name }, onchange },
          el('option', { value: '', text: `default (${JSON.stringify(o.default)})` }),
          ...choices.map((c) => el('option', { value: c, text: c, selected: current === c })),
        );
      } else {
        input = el('input', {
          type: o.type === 'integer' || o.type === 'number' ? 'number' : 'text',
          step: o.type === 'integer' ? 1 : 'any',
          value: current,
          placeholder: o.default === null ? 'none' : String(o.default),
          dataset: { option: o.name },
          onchange,
        });
      }
      opts.append(
        el(
          'label',
          {},
          `${o.name} `,
          input,
          o.name in fromData ? el('span', { class: 'fromdata', text: ' from the data' }) : null,
          el('span', { class: 'odoc', text: o.doc }),
        ),
      );
    }
    grid.append(
      el(
        'div',
        { class: 'metric' },
        el('label', {}, cb, ' ', el('strong', { text: spec.name })),
        el('div', { class: 'doc', text: spec.doc }),
        spec.options.length ? opts : null,
      ),
    );
  }
  fold.append(grid);
  box.append(fold);
}

/** An option field's value; empty means the option's default (shown as the placeholder). */
function parseOption(spec, o, raw) {
  if (raw === undefined || raw.trim() === '') return undefined;
  const t = raw.trim();
  if (o.type === 'boolean') return t === 'true';
  if (o.type === 'integer' || o.type === 'number') {
    const v = Number(t);
    if (!Number.isFinite(v) || (o.type === 'integer' && !Number.isInteger(v))) {
      const message = `${spec.name} ${o.name} must be ${o.type === 'integer' ? 'an integer' : 'a number'}, got "${t}"`;
      const input = document.querySelector(
        `#metric-picker [data-metric-options="${spec.name}"] [data-option="${o.name}"]`,
      );
      if (input) {
        fieldError(input, message);
        input.closest('details').open = true;
      }
      throw new Error(message);
    }
    return v;
  }
  if (o.type === 'number_or_string') return !Number.isNaN(Number(t)) ? Number(t) : t;
  return t;
}

function chosenMetrics() {
  const sizes = taskSizes();
  const chosen = state.checked.get(state.task) ?? new Set();
  return state.registry
    .filter((s) => chosen.has(s.name))
    .map((spec) => {
      const options = { ...dataOptions(spec, sizes, state.inputs) };
      const values = state.optionValues.get(spec.name) ?? {};
      for (const o of spec.options) {
        const v = parseOption(spec, o, values[o.name]);
        if (v !== undefined) options[o.name] = v;
      }
      if (
        state.task === 'binary' &&
        spec.options.some((o) => o.name === 'threshold') &&
        options.threshold === undefined
      )
        options.threshold = readThreshold();
      return { name: spec.name, options };
    });
}

// ---- [3] results ---------------------------------------------------------------------------
function numCell(v) {
  return el('td', { class: 'num', text: fmt(v), dataset: { value: String(v) } });
}
export function optionText(options) {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
}

function readLabelThresholds() {
  if (state.task !== 'multilabel') return null;
  const inputs = [...document.querySelectorAll('#label-thresholds input[data-label]')];
  let failed = null;
  state.labelThresholds = inputs.map((input) => {
    try {
      return readNumberField(input, input.getAttribute('aria-label'), { min: 0, max: 1 });
    } catch (e) {
      failed ??= e;
      return NaN;
    }
  });
  if (failed) throw failed;
  return state.labelThresholds;
}

// issue 14: the metrics table of a large input runs on several Web Workers (the package's
// evaluateParallel) only where that is faster: measured (web/README.md, "Parallel evaluation"),
// each worker costs a WebAssembly start-up that only inputs of PARALLEL_MIN_ROWS rows and more
// earn back, and never on fewer than 4 cores. ?parallel=N forces N workers, ?parallel=off none.
const PARALLEL_MIN_ROWS = 2_000_000;
function parallelPlan(rows) {
  const asked = new URLSearchParams(location.search).get('parallel');
  if (asked === 'off') return null;
  if (asked && Number(asked) >= 1) return { workers: Math.floor(Number(asked)) };
  const cores = navigator.hardwareConcurrency ?? 1;
  return cores >= 4 && rows >= PARALLEL_MIN_ROWS ? { workers: Math.min(4, cores - 1) } : null;
}

async function runResults() {
  if (!state.inputs) throw new Error('no task yet (cell [2])');
  const sizes = taskSizes();
  const { preds, target } = state.inputs;
  const threshold = state.task === 'binary' ? readThreshold() : null;
  const thresholds = readLabelThresholds();
  const job = {
    task: state.task,
    preds: { data: preds.data.slice(), shape: preds.shape },
    target: { data: target.data.slice(), shape: target.shape },
    metrics: chosenMetrics(),
    numClasses: sizes.numClasses,
    threshold,
    thresholds,
    classNames: state.inputs.classNames,
    ids: state.inputs.ids,
    parallel: parallelPlan(target.shape[0]),
    slice: sliceJob(),
    predsB: state.inputsB && { data: state.inputsB.data.slice(), shape: state.inputsB.shape },
    focus: state.focus,
  };
  const out = $('#results-out');
  try {
    // The job's arrays are fresh copies: moved to the worker, not cloned (a 200 MB CSV's columns
    // would otherwise be copied once more on this thread).
    state.result = await computeRequest(
      { type: 'run', job },
      (p) =>
        showProgress(
          '#compute-progress',
          p.done,
          p.total,
          p.step === 'bootstrap'
            ? `model B against A: bootstrap resample ${p.done} of ${p.total}`
            : `computing: batch ${p.done} of ${p.total}`,
        ),
      [job.preds.data.buffer, job.target.data.buffer, ...(job.predsB ? [job.predsB.data.buffer] : [])],
    );
  } finally {
    $('#compute-progress').hidden = true;
  }
  state.result.job = {
    metrics: job.metrics,
    classNames: job.classNames,
    thresholds: job.thresholds,
    threshold: job.threshold,
    focus: job.focus,
  };
  renderResults(out, state.result);
  mode.summary(
    state.result.metrics
      .filter((m) => typeof m.value === 'number')
      .slice(0, 4)
      .map((m) => ({ label: m.name, metric: m.name, value: m.value, options: m.options })),
  );
}

/** The slice column's keys, one per row, or null when the page does not slice. */
function sliceJob() {
  const column = state.sliceBy && state.collected.columns.find((c) => c.name === state.sliceBy);
  return column ? { column: column.name, keys: sliceKeys(column) } : null;
}

function valueNode(v, names) {
  if (typeof v === 'number') return [fmt(v), String(v)];
  if (v && v.shape && v.shape.length === 1) {
    return [v.data.map((x, k) => `${names?.[k] ?? k}: ${fmt(x)}`).join(', '), JSON.stringify(v.data)];
  }
  if (v && v.shape)
    return [
      `tensor [${v.shape.join(', ')}]${v.shape.length === 2 && v.shape[0] <= 6 ? ' ' + JSON.stringify(v.data.map((x) => +fmt(x))) : ' (see plots/export)'}`,
      JSON.stringify(v.data),
    ];
  if (Array.isArray(v)) return [`list of ${v.length}`, JSON.stringify(v)];
  if (v && typeof v === 'object')
    return [
      Object.entries(v)
        .map(([k, x]) => `${k}: ${valueNode(x, names)[0]}`)
        .join('; '),
      JSON.stringify(v),
    ];
  return [String(v), String(v)];
}

function renderResults(out, r) {
  out.replaceChildren();
  out.append(
    el('p', {
      class: 'muted',
      text:
        `${r.n.toLocaleString()} samples, task ${r.task}, computed by wasmetrics (${r.simd ? 'SIMD' : 'plain'} WebAssembly build) in a worker in ${Math.round(r.ms)} ms` +
        `${r.workers > 1 ? ` (the metrics table on ${r.workers} Web Workers: ${Math.round(r.metricsMs)} ms)` : ''}.`,
      dataset: { workers: String(r.workers), metricsMs: String(r.metricsMs) },
    }),
  );
  const names = r.perClass?.names;
  const mt = el(
    'table',
    { id: 'metrics-table' },
    el(
      'thead',
      {},
      el('tr', {}, el('th', { text: 'metric' }), el('th', { text: 'options' }), el('th', { text: 'value' })),
    ),
  );
  const mb_ = el('tbody');
  for (const m of r.metrics) {
    const row = el('tr', {}, el('td', { text: m.name }), el('td', { class: 'muted', text: optionText(m.options) }));
    if (m.error) row.append(el('td', { class: 'error-cell', text: 'error: ' + m.error }));
    else if (typeof m.value === 'number') row.append(metricCell(m.name, m.value, { options: m.options }));
    else if (m.value?.shape?.length === 1) {
      // a value per class: one element each, with its class index
      const td = el('td', {
        dataset: { metric: m.name, value: JSON.stringify(m.value.data), options: JSON.stringify(m.options) },
      });
      m.value.data.forEach((x, k) =>
        td.append(
          k ? ', ' : '',
          `${names?.[k] ?? k}: `,
          el('span', { class: 'num', text: fmt(x), dataset: { metric: m.name, class: String(k), value: String(x) } }),
        ),
      );
      row.append(td);
    } else {
      const [text, full] = valueNode(m.value, names);
      row.append(el('td', { text, dataset: { metric: m.name, value: full, options: JSON.stringify(m.options) } }));
    }
    mb_.append(row);
  }
  mt.append(mb_);
  out.append(el('h3', { text: 'Metrics' }), mt);
  if (r.slices) renderSlices(out, r);
  if (r.compare) renderCompare(out, r);

  if (r.perClass) {
    const pc = r.perClass;
    const cols = [
      ['precision', 'precision'],
      ['recall', 'recall'],
      ['f1', 'F1'],
      ...(pc.iou ? [['iou', 'IoU']] : []),
      ['support', 'support'],
    ];
    // the package's metric behind each column (average 'none' per class; the averages below)
    const metricOf = {
      precision: `${pc.family}Precision`,
      recall: `${pc.family}Recall`,
      f1: `${pc.family}F1Score`,
      iou: 'MulticlassJaccardIndex',
    };
    const cell = (key, v, extra) =>
      metricOf[key]
        ? metricCell(metricOf[key], v, extra)
        : el('td', { class: 'num', text: fmt(v), dataset: { value: String(v), count: key } });
    const t = el(
      'table',
      { id: 'per-class-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: r.task === 'multilabel' ? 'label' : 'class' }),
          ...cols.map(([, h]) => el('th', { text: h })),
        ),
      ),
    );
    const body = el('tbody');
    pc.names.forEach((n, k) =>
      body.append(
        el(
          'tr',
          { dataset: { class: String(k) } },
          el('td', { text: n }),
          ...cols.map(([key]) =>
            cell(key, pc[key][k], {
              class: String(k),
              options: pc.options,
              computedOn: pc.input,
              threshold: pc.threshold,
            }),
          ),
        ),
      ),
    );
    t.append(body);
    if (pc.averages) {
      const foot = el('tfoot');
      for (const [avg, label] of [
        ['macro', 'macro average'],
        ['weighted', 'weighted average'],
        ['micro', 'micro average'],
      ]) {
        const a = pc.averages[avg];
        if (a)
          foot.append(
            el(
              'tr',
              { dataset: { average: avg } },
              el('td', { text: label }),
              ...cols.map(([key]) =>
                key in a
                  ? cell(key, a[key], {
                      average: avg,
                      options: pc.averageOptions && { ...pc.averageOptions, average: avg },
                      computedOn: pc.input,
                      threshold: pc.threshold,
                    })
                  : el('td'),
              ),
            ),
          );
      }
      t.append(foot);
    }
    out.append(el('h3', { text: r.task === 'multilabel' ? 'Per label' : 'Per class' }), t);
  }

  if (r.worst?.length) {
    const hasPT = r.worst[0].target !== undefined;
    const t = el(
      'table',
      { id: 'worst-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: 'sample' }),
          ...(hasPT ? [el('th', { text: 'target' }), el('th', { text: 'predicted' })] : []),
          el('th', { text: r.task === 'regression' ? 'absolute error' : 'detail' }),
        ),
      ),
    );
    const body = el('tbody');
    for (const w of r.worst) {
      body.append(
        el(
          'tr',
          {},
          el('td', { text: w.id }),
          ...(hasPT ? [el('td', { text: w.target }), el('td', { text: w.predicted })] : []),
          r.task === 'regression' ? numCell(w.score) : el('td', { text: w.detail ?? fmt(w.score) }),
        ),
      );
    }
    t.append(body);
    out.append(el('h3', { text: 'Worst samples (for QA)' }), el('p', { class: 'muted', text: worstHow(r.task) }), t);
  }
}
/** The metric the slices are ordered by (the focus metric, else the first that ran on every slice). */
const focusOf = (r) => sliceFocus(r.slices, r.job.focus);

function renderSlices(out, r) {
  // .out scrolls a wide table sideways
  out.append(
    ...sliceTable(r.slices, focusOf(r), (m, v, key) =>
      metricCell(m.name, v, { options: m.options, slice: key, sliceBy: r.slices.column }),
    ),
  );
}

function renderCompare(out, r) {
  out.append(el('h3', { text: 'Model B against model A' }));
  if (r.compare.error) {
    out.append(el('p', { class: 'error-cell', text: `the comparison failed: ${r.compare.error}` }));
    return;
  }
  const t = el(
    'table',
    { id: 'compare-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['metric', 'model A', 'model B', 'B − A', 'test', 'statistic', 'p-value', '95% interval of B − A'].map((h) =>
          el('th', { text: h }),
        ),
      ),
    ),
  );
  const body = el('tbody');
  for (const c of r.compare.tests) {
    const field = (k) =>
      k in c.fields
        ? metricCell(c.name, c.fields[k], { options: c.options, run: 'B-A', key: `${c.test}.${k}` })
        : el('td', { class: 'muted', text: '—' });
    // the interval's two ends in one cell: spans carrying the same data-* as a metric cell
    const end = (k) => {
      const td = field(k);
      return el('span', { class: 'num', text: td.textContent, dataset: { ...td.dataset } });
    };
    const interval =
      'interval.0' in c.fields
        ? el('td', {}, '[', end('interval.0'), ', ', end('interval.1'), ']')
        : el('td', { class: 'muted', text: '—' });
    body.append(
      el(
        'tr',
        { dataset: { test: c.test } },
        el('td', { text: c.name }),
        metricCell(c.name, c.a, { options: c.options, run: 'A' }),
        metricCell(c.name, c.b, { options: c.options, run: 'B' }),
        field('difference'),
        el('td', { text: c.label }),
        field('statistic'),
        field('pValue'),
        interval,
      ),
    );
  }
  t.append(body);
  out.append(
    el('p', {
      class: 'muted',
      text: `${r.compare.n.toLocaleString()} rows scored by both models; two-sided p-values.`,
    }),
    t,
  );
}

function worstHow(task) {
  return {
    regression: 'largest absolute error first',
    multiclass:
      'lowest probability of the true class first (highest log loss); with label predictions, the misclassified ones',
    binary: 'wrong at the threshold first, then by distance of the score from the target',
    multilabel: 'most wrong labels first (at their thresholds), then by distance of the scores',
    segmentation: 'largest share of wrong pixels first',
  }[task];
}

// ---- [4] plots -----------------------------------------------------------------------------
function destroyCharts() {
  for (const c of state.charts) c.destroy();
  state.charts = [];
}
function plotBox(id, title) {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': title });
  const box = el(
    'div',
    { class: 'plot', dataset: { plot: id } },
    el('h3', { text: title }),
    el('div', { class: 'canvas-box' }, canvas),
  );
  $('#plots-out').append(box);
  return canvas;
}
const BASE = { animation: false, responsive: true, maintainAspectRatio: false };

async function runPlots() {
  destroyCharts();
  $('#plots-out').replaceChildren();
  const r = state.result;
  if (!r) throw new Error('no results yet (cell [3])');
  if (!Chart)
    throw new Error(
      'the charting library (web/vendor/chart.umd.min.js) did not load: run `node web/scripts/vendor.mjs`',
    );
  if (r.confusion && r.confusion.shape[0] > MAX_BAR_CLASSES) {
    const C = r.confusion.shape[0];
    state.charts.push(
      matrixImage(
        $('#plots-out'),
        'plot-confusion',
        `Confusion matrix of ${C.toLocaleString('en-US')} classes, one pixel per cell, darker is more (rows: target, columns: predicted)`,
        r.confusion.data,
        C,
      ),
    );
  } else if (r.confusion) {
    const C = r.confusion.shape[0];
    const names = r.perClass.names;
    const data = [];
    let max = 0;
    for (let i = 0; i < C; i++)
      for (let j = 0; j < C; j++) {
        const v = r.confusion.data[i * C + j];
        max = Math.max(max, v);
        data.push({ x: names[j], y: names[i], v });
      }
    const canvas = plotBox('plot-confusion', 'Confusion matrix (rows: target, columns: predicted)');
    state.charts.push(
      new Chart(canvas, {
        type: 'matrix',
        data: {
          datasets: [
            {
              label: 'count',
              data,
              backgroundColor: (c) => `rgba(59, 91, 219, ${0.06 + 0.94 * ((c.raw?.v ?? 0) / (max || 1))})`,
              borderColor: 'rgba(255,255,255,0.9)',
              borderWidth: 1,
              width: ({ chart }) => (chart.chartArea || {}).width / C - 1,
              height: ({ chart }) => (chart.chartArea || {}).height / C - 1,
            },
          ],
        },
        options: {
          ...BASE,
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: { title: () => '', label: (c) => `target ${c.raw.y}, predicted ${c.raw.x}: ${c.raw.v}` },
            },
          },
          scales: {
            x: {
              type: 'category',
              labels: names,
              offset: true,
              grid: { display: false },
              title: { display: true, text: 'predicted' },
            },
            y: {
              type: 'category',
              labels: names,
              offset: true,
              reverse: false,
              grid: { display: false },
              title: { display: true, text: 'target' },
            },
          },
        },
        plugins: [
          {
            id: 'cellLabels',
            afterDatasetsDraw(chart) {
              if (C > 20) return;
              const { ctx } = chart;
              const meta = chart.getDatasetMeta(0);
              ctx.save();
              ctx.font = '12px system-ui, sans-serif';
              ctx.textAlign = 'center';
              ctx.textBaseline = 'middle';
              meta.data.forEach((cell, k) => {
                const v = data[k].v;
                ctx.fillStyle = v / (max || 1) > 0.55 ? '#fff' : '#1d2430';
                const { x, y, width, height } = cell.getProps(['x', 'y', 'width', 'height']);
                ctx.fillText(String(v), x + width / 2, y + height / 2);
              });
              ctx.restore();
            },
          },
        ],
      }),
    );
  }
  if (r.perClass) {
    const what = r.task === 'multilabel' ? 'label' : 'class';
    const all = r.perClass.names.length;
    // Many classes: the MAX_BAR_CLASSES with the lowest F1, in class order.
    const shown =
      all > MAX_BAR_CLASSES
        ? lowest([...Array(all).keys()], MAX_BAR_CLASSES, (k) => r.perClass.f1[k])
        : [...Array(all).keys()];
    const canvas = plotBox(
      'plot-per-class',
      all > MAX_BAR_CLASSES
        ? `Per-${what} scores of the ${MAX_BAR_CLASSES} ${what === 'label' ? 'labels' : 'classes'} with the lowest F1 of ${all.toLocaleString('en-US')}`
        : r.task === 'multilabel'
          ? 'Per-label scores'
          : 'Per-class scores',
    );
    const series = [
      ['precision', '#3b5bdb'],
      ['recall', '#f59f00'],
      ['f1', '#2b8a3e'],
      ...(r.perClass.iou ? [['iou', '#ae3ec9']] : []),
    ];
    state.charts.push(
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: shown.map((k) => r.perClass.names[k]),
          datasets: series.map(([k, color]) => ({
            label: k === 'f1' ? 'F1' : k === 'iou' ? 'IoU' : k,
            data: shown.map((c) => r.perClass[k][c]),
            backgroundColor: color,
          })),
        },
        options: { ...BASE, scales: { y: { min: 0, max: 1 } } },
      }),
    );
  }
  if (r.scatter) {
    const canvas = plotBox('plot-scatter', 'Predicted against target');
    const xs = r.scatter.map((p) => p.x);
    const lo = Math.min(...xs),
      hi = Math.max(...xs);
    state.charts.push(
      new Chart(canvas, {
        type: 'scatter',
        data: {
          datasets: [
            { label: 'samples', data: r.scatter, backgroundColor: 'rgba(59,91,219,0.55)', pointRadius: 2.5 },
            {
              label: 'predicted = target',
              data: [
                { x: lo, y: lo },
                { x: hi, y: hi },
              ],
              showLine: true,
              borderColor: '#c92a2a',
              pointRadius: 0,
              borderDash: [5, 4],
            },
          ],
        },
        options: {
          ...BASE,
          scales: {
            x: { title: { display: true, text: 'target' } },
            y: { title: { display: true, text: 'predicted' } },
          },
        },
      }),
    );
  }
  const focus = r.slices && focusOf(r);
  if (focus) {
    const { title, config } = sliceChart(r.slices, focus);
    state.charts.push(new Chart(plotBox('plot-slices', title), { ...config, options: { ...BASE, ...config.options } }));
  }
  if (r.confusion && r.confusionSpec) plotValues('confusion', confusionValues(r));
  // ROC / PR per class and the reliability diagram (web/js/plots-more.mjs)
  for (const c of r.curves ?? []) {
    if (c.error) $('#plots-out').append(el('p', { class: 'muted', text: `${c.name} curve: ${c.error}` }));
    else {
      state.charts.push(curveChart($('#plots-out'), c));
      plotValues(`${c.kind}-areas`, curveAreas(c));
    }
  }
  if (r.calibration?.error)
    $('#plots-out').append(el('p', { class: 'muted', text: `Reliability diagram: ${r.calibration.error}` }));
  else if (r.calibration) {
    state.charts.push(calibrationChart($('#plots-out'), r.calibration));
    plotValues('calibration', calibrationValues(r.calibration));
  }
  if (!state.charts.length) $('#plots-out').append(el('p', { class: 'muted', text: 'No plot for this task.' }));
}

// The charts' text alternatives (a <details> table under each): the numbers they draw, each a
// result cell of the page contract (data-metric, data-options, data-key or data-class).
function plotValues(id, { summary, head, rows }) {
  const table = el(
    'table',
    { id: `${id}-values` },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h, scope: 'col' })))),
    el(
      'tbody',
      {},
      ...rows.map((cells) =>
        el(
          'tr',
          {},
          ...cells.map((c, k) =>
            c instanceof Node ? c : el(k ? 'td' : 'th', { text: String(c), ...(k ? {} : { scope: 'row' }) }),
          ),
        ),
      ),
    ),
  );
  $('#plots-out').append(
    el(
      'details',
      { class: 'plot-values' },
      el('summary', { text: summary }),
      el('div', { class: 'table-scroll' }, table),
    ),
  );
}
/** The confusion matrix's counts (the package's matrix on the inputs as given), up to MAX_BAR_CLASSES classes. */
function confusionValues(r) {
  const C = r.confusion.shape[0];
  const names = r.perClass.names;
  const { metric, options } = r.confusionSpec;
  const n = Math.min(C, MAX_BAR_CLASSES);
  return {
    summary: `Confusion matrix counts${C > n ? ` (the first ${n} of ${C} classes)` : ''} (rows: target, columns: predicted)`,
    head: ['target \\ predicted', ...names.slice(0, n)],
    rows: names
      .slice(0, n)
      .map((name, i) => [
        name,
        ...Array.from({ length: n }, (_, j) =>
          metricCell(metric, r.confusion.data[i * C + j], { options, key: `${i}.${j}` }),
        ),
      ]),
  };
}
/** A curve's areas (AUC or AP per class, the legend's numbers), for the classes it draws. */
function curveAreas(c) {
  const all = c.series.map((s, k) => ({ ...s, k }));
  const shown = all.length > MAX_CURVES ? lowest(all, MAX_CURVES, (s) => s.area) : all;
  return {
    summary: `${c.name} curve: ${c.area.name} per ${all.length > 1 ? 'class' : 'curve'} (${c.area.metric})`,
    head: ['', c.area.name],
    rows: shown.map((s) => [
      s.label,
      metricCell(c.area.metric, s.area, { options: c.area.options, ...(all.length > 1 ? { class: String(s.k) } : {}) }),
    ]),
  };
}
/** The reliability diagram's calibration error, and its bins (counts and means, not metric outputs). */
function calibrationValues(cal) {
  const ece = metricCell(cal.metric, cal.ece, {
    options: cal.options,
    ...(cal.pooled ? { computedOn: 'pooled' } : {}),
  });
  return {
    summary: `Reliability diagram: ${cal.metric} and the bins`,
    head: ['bin', 'samples', 'mean confidence', 'accuracy'],
    rows: [
      ['calibration error (ECE)', ece, '', ''],
      ...cal.bins.map((b) => [
        `${fmt(b.lo)}–${fmt(b.hi)}`,
        el('td', { class: 'num', text: String(b.count), dataset: { value: String(b.count), count: 'samples' } }),
        el('td', {
          class: 'num',
          text: fmt(b.confidence),
          dataset: { value: String(b.confidence), count: 'mean confidence' },
        }),
        el('td', { class: 'num', text: fmt(b.accuracy), dataset: { value: String(b.accuracy), count: 'accuracy' } }),
      ]),
    ],
  };
}

// ---- [5] export ----------------------------------------------------------------------------
function exportObject() {
  const r = state.result;
  return {
    generator: 'wasmetrics demo',
    files: [state.datasets.pred?.name, state.datasets.target?.name].filter(Boolean),
    task: r.task,
    samples: r.n,
    metrics: r.metrics.map((m) => ({
      name: m.name,
      options: m.options,
      ...(m.error ? { error: m.error } : { value: m.value }),
    })),
    perClass: r.perClass ?? null,
    confusionMatrix: r.confusion ?? null,
    worst: r.worst,
    curves: (r.curves ?? []).map(({ kind, metric, options, series, error, area }) => ({
      kind,
      metric,
      options,
      ...(error
        ? { error }
        : {
            series: series.map(({ label, x, y }) => ({ label, x: Array.from(x), y: Array.from(y) })),
            area: { ...area, values: series.map((s) => s.area) },
            ...(kind === 'pr' ? { prevalence: series.map((s) => s.prevalence) } : {}),
          }),
    })),
    calibration: r.calibration ?? null,
    slices: r.slices ?? null,
    comparison: r.compare ?? null,
    thresholds: r.job.thresholds ?? (r.task === 'binary' ? r.job.threshold : null),
  };
}
export function resultsCsv(o) {
  const rows = [['section', 'name', 'key', 'value']];
  const flat = (prefix, v, push) => {
    if (typeof v === 'number' || typeof v === 'string') push(prefix, v);
    else if (v && v.shape) v.data.forEach((x, k) => push(`${prefix}[${k}]`, x));
    else if (Array.isArray(v)) v.forEach((x, k) => flat(`${prefix}[${k}]`, x, push));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) flat(prefix ? `${prefix}.${k}` : k, x, push);
  };
  for (const m of o.metrics) {
    const name = m.name + (Object.keys(m.options).length ? `(${optionText(m.options)})` : '');
    if (m.error) rows.push(['metric', name, 'error', m.error]);
    else flat('', m.value, (key, v) => rows.push(['metric', name, key, v]));
  }
  if (o.perClass) {
    o.perClass.names.forEach((n, k) => {
      for (const key of ['precision', 'recall', 'f1', 'iou', 'support'])
        if (o.perClass[key]) rows.push(['per_class', n, key, o.perClass[key][k]]);
    });
  }
  for (const w of o.worst ?? []) rows.push(['worst', w.id, 'score', w.score]);
  for (const m of o.slices?.metrics ?? [])
    for (const s of m.slices ?? [])
      rows.push(['slice', `${m.name} ${o.slices.column}=${s.key}`, `value (rows ${s.count})`, s.value ?? '']);
  for (const c of o.comparison?.tests ?? [])
    for (const [k, v] of Object.entries({ a: c.a, b: c.b, ...c.fields }))
      rows.push(['compare', `${c.name} ${c.test}`, k, v]);
  for (const c of o.curves ?? []) {
    if (c.error) rows.push(['curve', c.metric, 'error', c.error]);
    else
      for (const s of c.series)
        s.x.forEach((x, i) => rows.push(['curve', `${c.metric} ${s.label}`, `point[${i}]`, `${x} ${s.y[i]}`]));
  }
  if (o.calibration && !o.calibration.error) {
    rows.push(['calibration', o.calibration.metric, 'ece', o.calibration.ece]);
    for (const b of o.calibration.bins)
      rows.push([
        'calibration',
        `bin ${b.lo}-${b.hi}`,
        'count confidence accuracy',
        `${b.count} ${b.confidence} ${b.accuracy}`,
      ]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

async function runExport() {
  if (!state.result) throw new Error('no results yet (cell [3])');
  const columnsB = state.datasets.b
    ? collectColumns(state.datasets.b, null, state.roles).columns.filter((c) => c.role === 'pred')
    : null;
  $('#code code').textContent = codeSnippet(state.result, state.collected, state.inputs, columnsB);
  $('#copy-state').textContent = '';
  for (const b of document.querySelectorAll('#export-json, #export-csv, #copy-code')) b.disabled = false;
  const box = $('#export-png');
  box.replaceChildren();
  for (const chart of state.charts) {
    const id = chart.canvas.id;
    box.append(
      el('button', {
        type: 'button',
        dataset: { png: id },
        text: `${id.replace('plot-', '')} as PNG`,
        onclick: () => chart.canvas.toBlob((b) => download(b, `${id}.png`), 'image/png'),
      }),
    );
  }
}

// ---- wiring --------------------------------------------------------------------------------
function baseName() {
  return (state.datasets.pred?.name ?? 'results').replace(/\.[^.]*$/, '');
}
$('#export-json').addEventListener(
  'click',
  () =>
    state.result &&
    download(
      new Blob([JSON.stringify(exportObject(), null, 2)], { type: 'application/json' }),
      `${baseName()}-metrics.json`,
    ),
);
$('#export-csv').addEventListener(
  'click',
  () =>
    state.result && download(new Blob([resultsCsv(exportObject())], { type: 'text/csv' }), `${baseName()}-metrics.csv`),
);
$('#copy-code').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('#code code').textContent);
    $('#copy-state').textContent = 'copied';
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('#code code'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $('#copy-state').textContent = 'selected: press Ctrl+C';
  }
});
for (const b of mode.panel.querySelectorAll('button[data-run]'))
  b.addEventListener('click', () => schedule(b.dataset.run));
$('#task').addEventListener('change', (e) => {
  state.task = e.target.value;
  state.taskByUser = true;
  schedule('task');
});
$('#threshold').addEventListener('change', () => schedule('results'));
$('#header-mode').addEventListener('change', () => schedule('data'));
$('#clear-target').addEventListener('click', () => {
  state.sources.target = null;
  $('#file-target').value = '';
  schedule('data');
});
$('#clear-b').addEventListener('click', () => {
  state.sources.b = null;
  $('#file-b').value = '';
  schedule('data');
});
$('#slice-by').addEventListener('change', (e) => {
  state.sliceBy = e.target.value || null;
  state.sliceByUser = true;
  schedule('results');
});
$('#focus-metric').addEventListener('change', (e) => {
  state.focus = e.target.value;
  schedule('results');
});

function setFile(side, file) {
  if (!file) return;
  state.sources[side] = file;
  state.roles.clear(); // roles chosen for the old file's columns do not carry over
  state.taskByUser = false;
  state.sampleName = null;
  for (const b of mode.panel.querySelectorAll('[data-sample]')) b.classList.remove('active');
  schedule('data');
}
for (const side of ['pred', 'target', 'b']) {
  const input = $(`#file-${side}`);
  input.addEventListener('change', () => setFile(side, input.files[0]));
  const drop = $(`#drop-${side}`);
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    setFile(side, e.dataTransfer.files[0]);
  });
}
// Dropping a file anywhere else must not navigate away from the page.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

async function loadSample(name) {
  mode.setState('computing'); // at once: the sample is fetched before the run is queued
  await registryLoaded; // a sample picked while the module loads waits for it (the cells need the registry)
  const files = await Promise.all(
    SAMPLES[name].map(async (url) => {
      if (!url) return null;
      const res = await fetch(url);
      if (!res.ok) throw new Error(`sample ${url}: HTTP ${res.status}`);
      return new File([await res.blob()], url.split('/').pop(), { type: 'text/csv' });
    }),
  );
  state.sources = { pred: files[0], target: files[1] ?? null, b: files[2] ?? null };
  $('#file-pred').value = '';
  $('#file-target').value = '';
  $('#file-b').value = '';
  state.sliceByUser = false;
  state.taskByUser = false;
  state.sampleName = name;
  for (const b of mode.panel.querySelectorAll('[data-sample]')) b.classList.toggle('active', b.dataset.sample === name);
  return schedule('data');
}
for (const b of mode.panel.querySelectorAll('[data-sample]'))
  b.addEventListener('click', () =>
    loadSample(b.dataset.sample).catch((e) => {
      setError('data', e.message);
      mode.setState('error');
    }),
  );

mode.setState('computing'); // before the page's load event: the first sample is on its way
try {
  const { registry, simd } = await registryLoaded;
  state.registry = registry;
  $('#status').textContent =
    `wasmetrics ready: ${registry.length} metrics, ${simd ? 'SIMD' : 'plain'} WebAssembly build, computing in a Web Worker.`;
  await loadSample(new URLSearchParams(location.search).get('sample') ?? 'animals');
} catch (e) {
  $('#status').textContent = `could not start: ${e.message}`;
  mode.error(`could not start: ${e.message}`);
  mode.setState('error');
}
