// The Classification / regression mode: Data -> Task and metrics -> Results -> Plots -> Export,
// drawn by ../classification-cells.mjs (which also parses and computes in Web Workers). This file
// is the mode's entry in the registry: its name, title, inputs, samples, its cells' markup, and
// `expected` (what the npm package computes for a number the page shows, for the browser test
// that checks every mode: tests/js/web-modes.test.mjs). No DOM work happens at import.

/**
 * Parses a CSV sample as the page does (header detection, column roles) into preds/target, with
 * the columns (for the slice column) and model B's predictions when the sample has them.
 */
async function inputsOf(files) {
  const [{ splitCsv }, { TableBuilder }, { buildInputs, collectColumns }] = await Promise.all([
    import('../lib/csv-lite.mjs'),
    import('../lib/table.mjs'),
    import('../lib/task.mjs'),
  ]);
  const dataset = (f) => {
    if (!f) return null;
    const table = new TableBuilder({ skipBlank: true });
    table.add(splitCsv(f.text.replace(/\r?\n$/, ''), f.text.includes('\t') ? '\t' : ','), 'auto');
    return { ...table.finish(), format: 'csv', name: f.name };
  };
  const collected = collectColumns(dataset(files.predictions), dataset(files.targets));
  const inputs = buildInputs(collected);
  const b = dataset(files['predictions-b']);
  const predsB =
    b &&
    buildInputs({
      columns: [
        ...collectColumns(b, null).columns.filter((c) => c.role === 'pred'),
        ...collected.columns.filter((c) => c.role === 'target'),
      ],
      tensors: {},
    }).preds;
  return { ...inputs, columns: collected.columns, predsB };
}

// Rows `idx` of a {data, shape} input.
function rowsOf(x, idx) {
  const per = x.shape.slice(1).reduce((a, d) => a * d, 1);
  const data = new Float64Array(idx.length * per);
  idx.forEach((i, j) => data.set(x.data.subarray(i * per, (i + 1) * per), j * per));
  return { data, shape: [idx.length, ...x.shape.slice(1)] };
}

/** A metric on {data, shape} inputs, as the compute worker runs it. */
function valueOf(wasmetrics, name, options, preds, target) {
  const m = wasmetrics.createMetric(name, options);
  try {
    m.update(preds, target);
    return m.compute();
  } finally {
    m.dispose?.();
  }
}

/**
 * A cell of the slices table (data-slice, data-slice-by) or of the A/B table (data-run A | B |
 * B-A, data-key "<test>.<field>"), recomputed from the files: the slice's rows picked here and
 * the metric run on them alone (not through SlicedMetric); the tests called directly.
 */
async function expectedExtra(cell, files, wasmetrics) {
  const { sliceKeys, correctness, bootstrapCount, BOOTSTRAP_SEED } = await import('../lib/compare.mjs');
  const { preds, target, columns, predsB } = await inputsOf(files);
  if (cell.slice !== undefined) {
    const keys = sliceKeys(columns.find((c) => c.name === cell.sliceBy));
    const key = JSON.parse(cell.slice);
    const idx = keys.flatMap((k, i) => (k === key ? [i] : []));
    return valueOf(wasmetrics, cell.metric, cell.options, rowsOf(preds, idx), rowsOf(target, idx));
  }
  if (cell.run === 'A' || cell.run === 'B')
    return valueOf(wasmetrics, cell.metric, cell.options, cell.run === 'A' ? preds : predsB, target);
  const [test, ...field] = cell.key.split('.');
  const pick = (r) => (field[0] === 'interval' ? r.interval[Number(field[1])] : r[field[0]]);
  if (test === 'mcnemar') {
    const threshold = cell.options.threshold ?? null;
    if (field[0] === 'difference')
      return (
        valueOf(wasmetrics, cell.metric, cell.options, predsB, target) -
        valueOf(wasmetrics, cell.metric, cell.options, preds, target)
      );
    return pick(wasmetrics.mcnemarTest(correctness(preds, target, threshold), correctness(predsB, target, threshold)));
  }
  if (test === 'delong') return pick(wasmetrics.delongTest(preds.data, predsB.data, target.data));
  const m = wasmetrics.createMetric(cell.metric, cell.options);
  try {
    return pick(
      wasmetrics.pairedBootstrap(m, [preds, target], [predsB, target], {
        numBootstraps: bootstrapCount(target.shape[0]),
        seed: BOOTSTRAP_SEED,
      }),
    );
  } finally {
    m.dispose();
  }
}

export default {
  name: 'classification',
  title: 'Classification / regression',
  label: 'Classification and regression',
  inputs: [
    { role: 'predictions', label: 'Predictions', accept: '.csv,.tsv,.txt,.json,.npy,.png' },
    { role: 'targets', label: 'Targets', accept: '.csv,.tsv,.txt,.json,.npy,.png', optional: true },
    { role: 'predictions-b', label: 'Predictions of model B', accept: '.csv,.tsv,.txt,.json,.npy', optional: true },
  ],
  samples: [
    { name: 'animals', label: 'Animals (multiclass)', files: { predictions: 'samples/animals.csv' } },
    { name: 'tags', label: 'Photo tags (multilabel)', files: { predictions: 'samples/tags.csv' } },
    { name: 'spam', label: 'Spam (binary)', files: { predictions: 'samples/spam.csv' } },
    { name: 'houses', label: 'House prices (regression)', files: { predictions: '../examples/data/house_prices.csv' } },
    {
      name: 'tickets',
      label: 'Tickets (binary, A/B, by channel)',
      files: { predictions: 'samples/tickets.csv', 'predictions-b': 'samples/tickets-b.csv' },
    },
  ],
  markup: `
  <section class="cell" id="cell-data" data-cell="data">
    <div class="cell-head"><span class="idx">[1]</span><h2>Data</h2><button type="button" class="run" data-run="data" title="Re-run this cell and the ones below">▶ Run</button></div>
    <div class="cell-body">
      <div class="samples">Samples:
        <button type="button" data-sample="animals">Animals (multiclass)</button>
        <button type="button" data-sample="tags">Photo tags (multilabel)</button>
        <button type="button" data-sample="spam">Spam (binary)</button>
        <button type="button" data-sample="houses">House prices (regression)</button>
        <button type="button" data-sample="tickets">Tickets (binary, A/B, by channel)</button>
      </div>
      <div class="drops">
        <label class="drop" id="drop-pred">
          <span class="drop-title">Predictions</span>
          <span class="drop-hint">drop a CSV, JSON or .npy file here, or click to pick one (it may hold the targets too)</span>
          <input type="file" id="file-pred" data-input="predictions" accept=".csv,.tsv,.txt,.json,.npy,.png">
          <span class="drop-file" id="name-pred"></span>
        </label>
        <label class="drop" id="drop-target">
          <span class="drop-title">Targets <small>(optional)</small></span>
          <span class="drop-hint">a second file with the true values, row for row</span>
          <input type="file" id="file-target" data-input="targets" accept=".csv,.tsv,.txt,.json,.npy,.png">
          <span class="drop-file" id="name-target"></span>
        </label>
        <label class="drop" id="drop-b">
          <span class="drop-title">Model B <small>(optional)</small></span>
          <span class="drop-hint">a second model's predictions on the same rows, to compare with (A/B)</span>
          <input type="file" id="file-b" data-input="predictions-b" accept=".csv,.tsv,.txt,.json,.npy">
          <span class="drop-file" id="name-b"></span>
        </label>
      </div>
      <p class="opts">CSV header row:
        <select id="header-mode" aria-label="CSV header row"><option value="auto">detect</option><option value="yes">yes</option><option value="no">no</option></select>
        <button type="button" id="clear-target">clear targets file</button>
        <button type="button" id="clear-b">clear model B</button>
      </p>
      <div class="progress" id="parse-progress" hidden><progress max="1" value="0"></progress> <span></span></div>
      <div class="error" hidden></div>
      <div class="out" id="data-out"></div>
    </div>
  </section>

  <section class="cell" id="cell-task" data-cell="task">
    <div class="cell-head"><span class="idx">[2]</span><h2>Task and metrics</h2><button type="button" class="run" data-run="task">▶ Run</button></div>
    <div class="cell-body">
      <p><label for="task">Task:</label> <select id="task"></select> <span id="task-reason" class="muted"></span></p>
      <p id="threshold-row" hidden><label for="threshold">Decision threshold</label> <input type="number" id="threshold" min="0" max="1" step="0.05" value="0.5"> <span class="muted">(a score above the threshold counts as positive, as in TorchMetrics)</span></p>
      <div id="label-thresholds" hidden></div>
      <p id="slice-row"><label for="slice-by">Slice by</label> <select id="slice-by" data-option="sliceBy"></select>
        <label for="focus-metric">· metric for the slices' order and the A/B bootstrap</label> <select id="focus-metric" data-option="focusMetric"></select>
        <span class="muted">(a column whose role is "ignore", with 2 to 50 values)</span></p>
      <div class="error" hidden></div>
      <div id="metric-picker"></div>
    </div>
  </section>

  <div data-results="classification" data-state="empty">
  <section class="cell" id="cell-results" data-cell="results">
    <div class="cell-head"><span class="idx">[3]</span><h2>Results</h2><button type="button" class="run" data-run="results">▶ Run</button></div>
    <div class="cell-body">
      <div class="progress" id="compute-progress" hidden><progress max="1" value="0"></progress> <span></span></div>
      <div class="error" hidden></div>
      <div class="out" id="results-out"></div>
    </div>
  </section>

  <section class="cell" id="cell-plots" data-cell="plots">
    <div class="cell-head"><span class="idx">[4]</span><h2>Plots</h2><button type="button" class="run" data-run="plots">▶ Run</button></div>
    <div class="cell-body">
      <div class="error" hidden></div>
      <div class="plots" id="plots-out"></div>
    </div>
  </section>

  <section class="cell" id="cell-export" data-cell="export">
    <div class="cell-head"><span class="idx">[5]</span><h2>Export</h2><button type="button" class="run" data-run="export">▶ Run</button></div>
    <div class="cell-body">
      <div class="error" hidden></div>
      <p class="buttons">
        <button type="button" id="export-json" data-export="json" disabled>Results as JSON</button>
        <button type="button" id="export-csv" data-export="csv" disabled>Results as CSV</button>
        <span id="export-png"></span>
      </p>
      <h3>Copy as code <button type="button" id="copy-code" disabled>Copy</button> <span id="copy-state" class="muted"></span></h3>
      <pre id="code" tabindex="0" aria-label="code that reproduces these results"><code></code></pre>
    </div>
  </section>
  </div>
`,
  mount: () => import('../classification-cells.mjs'),

  /**
   * The package's value for a number the page shows (the page contract's [data-metric] cell), or
   * undefined for one this cannot recompute alone: the metrics table's and the per-class table's
   * cells carry their options (data-options), so they are recomputed from the file (a per-class
   * cell picks its class); the averages rows and a binary task's per-class cells are not.
   */
  async expected(cell, files, wasmetrics) {
    // per-class cells of a binary task ran on the 0/1 labels at the threshold (data-computed-on="labels",
    // data-threshold): recomputed on preds > threshold, the package's rule
    if (!cell.options || (cell.computedOn === 'labels' && cell.threshold === undefined)) return undefined;
    if (cell.slice !== undefined || cell.run !== undefined) return expectedExtra(cell, files, wasmetrics);
    const inputs = await inputsOf(files);
    const { target } = inputs;
    const threshold = Number(cell.threshold);
    const preds =
      cell.computedOn === 'labels'
        ? { data: Float64Array.from(inputs.preds.data, (v) => (v > threshold ? 1 : 0)), shape: inputs.preds.shape }
        : inputs.preds;
    // the reliability diagram of a multilabel task pools every (sample, label) score as binary
    const flat = (x) => (cell.computedOn === 'pooled' ? [x.data, [x.data.length]] : [x.data, x.shape]);
    const m = wasmetrics.createMetric(cell.metric, cell.options);
    try {
      m.update(new wasmetrics.Tensor(...flat(preds)), new wasmetrics.Tensor(...flat(target)));
      const v = m.compute();
      // a cell of a matrix (the confusion matrix's "target.predicted")
      if (cell.key === undefined) return v;
      const { pick, plain } = await import('../mode-lib.mjs');
      return pick(plain(v), cell.key);
    } finally {
      m.dispose?.();
    }
  },
};
