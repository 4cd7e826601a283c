// Helpers the notebook modes share (web/js/modes/*.mjs): reading delimited text, turning the
// package's results into plain values, and the result cells of the page contract. Importable in
// the page, in a Web Worker and in Node (no DOM work at import).
import { splitCsv } from './lib/csv-lite.mjs';
import { plotBox } from './plots-more.mjs';
import { el, fmt, pngButton } from './ui.mjs';

/**
 * A CSV/TSV text as {header, rows, line(i)}: the delimiter is a tab when the first line has one;
 * blank lines are skipped but counted, so line(i) is row i's line number in the file.
 */
export function readTable(text, what = 'the file') {
  const clean = text.replace(/^\uFEFF/, '');
  const firstLine = clean.slice(0, clean.search(/\r?\n|$/));
  const all = splitCsv(clean.replace(/(\r?\n)+$/, ''), firstLine.includes('\t') ? '\t' : ',');
  const lines = [];
  const rows = [];
  all.forEach((r, k) => {
    if (r.every((f) => f.trim() === '')) return;
    rows.push(r.map((f) => f.trim()));
    lines.push(k + 1);
  });
  if (rows.length < 2) throw new Error(`${what} has no data rows (a header line and at least one row are needed)`);
  const header = rows.shift();
  lines.shift();
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new Error(`${what}, line ${lines[i]}: ${r.length} fields, but the header has ${header.length}`);
  });
  return { header, rows, line: (i) => lines[i] };
}

/** The package's result as plain data: numbers, nested arrays for tensors, objects for dicts. */
export function plain(v) {
  if (typeof v === 'number' || typeof v === 'string' || v === null) return v;
  if (v && ArrayBuffer.isView(v.data) && Array.isArray(v.shape)) {
    const nest = (off, d) =>
      d === v.shape.length
        ? v.data[off]
        : Array.from({ length: v.shape[d] }, (_, i) => nest(off * v.shape[d] + i, d + 1));
    return v.shape.length === 0 ? v.data[0] : nest(0, 0);
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** `value` at a dotted key path ("support.3", "1.2", "lower"); the whole value for no key. */
export function pick(value, key) {
  if (key === undefined || key === null || key === '') return value;
  return String(key)
    .split('.')
    .reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), value);
}

/** One metric computed by the package on one set of inputs: createMetric, update, compute (or a query). */
export function computeMetric(wasmetrics, name, options, inputs, query = null) {
  const m = wasmetrics.createMetric(name, options);
  try {
    m.update(...inputs);
    return plain(query ? m.query(query.name, query.options) : m.compute());
  } finally {
    m.dispose();
  }
}

/**
 * A result cell (page contract): data-metric, data-value (full precision), data-options (JSON)
 * and data-key (a dotted path into the metric's result); `extra` adds data-* (e.g. query).
 */
export function resultCell(tag, { metric, value, options, key, extra = {} }) {
  const dataset = { metric, value: String(value) };
  if (options) dataset.options = JSON.stringify(options);
  if (key !== undefined && key !== null) dataset.key = String(key);
  for (const [k, v] of Object.entries(extra))
    if (v !== undefined && v !== null) dataset[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return el(tag, { class: 'num', text: fmt(value), dataset });
}

/** A table: header texts and rows of cells (an element, or a value shown as text). */
export function table(id, head, rows) {
  return el(
    'table',
    { id },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h })))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          {},
          ...r.map((c) =>
            c instanceof Node ? c : el('td', { text: typeof c === 'number' ? fmt(c) : String(c ?? '') }),
          ),
        ),
      ),
    ),
  );
}

/**
 * A "Copy as code" Node script: the helpers' own source (functions and constants of the mode and
 * of this file, so the script reads the files exactly as the page does), then `body`, which fills
 * `cells` ({metric, options, key, ..., value}: the page contract's fields) and the script prints
 * them as JSON (NaN and infinities as strings). `files`: {role: file name}, read from the
 * current directory into {role: {name, text, bytes}}; {role: [file names]} (a list input) are read from
 * the folder <role>/ into lists of {name, relativePath?, text, bytes}.
 */
export function codeSnippet({ title, files, helpers = [], consts = {}, body }) {
  const all = [splitCsv, readTable, plain, pick, computeMetric, ...helpers];
  return [
    `// ${title}: reproduces the wasmetrics demo page's numbers in Node (npm install wasmetrics).`,
    '// Reads the same files from the current directory, the same way the page does.',
    "import { readFileSync } from 'node:fs';",
    "import * as wasmetrics from 'wasmetrics';",
    '',
    ...Object.entries(consts).map(([k, v]) => `const ${k} = ${v instanceof RegExp ? String(v) : JSON.stringify(v)};`),
    ...all.map((f) => (/^(async )?function/.test(String(f)) ? String(f) : `const ${f.name} = ${f};`)),
    '',
    'await wasmetrics.init();',
    ...(Object.values(files).some(Array.isArray)
      ? [
          // a list input's files are read from the folder named after its role, by their names on the
          // page (a picked folder's files by their path in it, which pairs them as on the page)
          `// The files of a list input are in the folder named after it: ${Object.keys(files)
            .filter((r) => Array.isArray(files[r]))
            .map((r) => `${r}/`)
            .join(', ')}.`,
          "const readInputFile = (path, relativePath) => { const b = readFileSync(path); return { name: path.split('/').pop(), ...(relativePath ? { relativePath } : {}), text: b.toString('utf8'), bytes: new Uint8Array(b) }; };",
          `const files = Object.fromEntries(Object.entries(${JSON.stringify(files)}).map(([role, f]) => [role, Array.isArray(f) ? f.map((n) => readInputFile(\`\${role}/\${n}\`, n.includes('/') ? n : undefined)) : readInputFile(f)]));`,
        ]
      : [
          // the bytes too: a mode may take binary files (the Agreement mode's .npy)
          "const readInputFile = (name) => { const b = readFileSync(name); return { name, text: b.toString('utf8'), bytes: new Uint8Array(b) }; };",
          `const files = Object.fromEntries(Object.entries(${JSON.stringify(files)}).map(([role, name]) => [role, readInputFile(name)]));`,
        ]),
    'const cells = [];',
    body.trim(),
    "console.log(JSON.stringify(cells, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1));",
    '',
  ].join('\n');
}

/**
 * A Chart.js chart (window.Chart, vendored) in a .plot box of `container`, with a "PNG" button
 * (ui.mjs pngButton: button[data-export="png"][data-plot=id]) saving it as `fileName` (default
 * `<id>.png`). `config` is Chart.js's {type, data, options}; no animation, sized by its box.
 * Call from render() (the page), never from evaluate() (the worker has no DOM). Returns the chart.
 */
export function chartCell(container, { id, title, config, fileName = `${id}.png` }) {
  const canvas = plotBox(container, id, title);
  canvas.closest('.plot').prepend(pngButton(canvas, fileName));
  return new globalThis.Chart(canvas, {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options },
  });
}
