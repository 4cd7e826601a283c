// "Slice by column" for the tabular modes (issue 24; Classification, Text, Ranking): which columns
// can slice the rows, every metric per slice with the package's SlicedMetric (one pass for all
// slices), the slices worst first, and the per-slice table and bar chart. Importable in the page,
// a Web Worker and Node (no DOM work at import).
import { lowerIsBetter, MAX_SLICES } from './lib/compare.mjs';
import { pick, plain } from './mode-lib.mjs';
import { el } from './ui.mjs';

// The "Slice by" option of a notebook mode: its first two choices; the mode's columns follow
// once a file is read (mode-shell.mjs fills the select from the result's `optionChoices`).
export const SLICE_AUTO = 'auto';
export const SLICE_NONE = 'none';
export const sliceOption = {
  name: 'sliceBy',
  label: 'Slice by column',
  choices: [SLICE_AUTO, SLICE_NONE],
  default: SLICE_AUTO,
};

/** The columns ({name: [text per row]}) that can slice the rows: 2 to MAX_SLICES distinct values. */
export function sliceColumns(columns) {
  return Object.entries(columns ?? {})
    .filter(([, v]) => {
      const n = new Set(v).size;
      return n >= 2 && n <= MAX_SLICES && n < v.length;
    })
    .map(([name]) => name);
}

/**
 * The column to slice by for the option's value: 'auto' the first candidate (none if there is
 * none), 'none' none, else that column, which must be a candidate (an error names them).
 */
export function chooseSliceColumn(columns, wanted = SLICE_AUTO) {
  const names = sliceColumns(columns);
  if (!wanted || wanted === SLICE_AUTO) return names[0] ?? null;
  if (wanted === SLICE_NONE) return null;
  if (!names.includes(wanted))
    throw new Error(
      `Slice by column: no column "${wanted}" with 2 to ${MAX_SLICES} values (${names.length ? `these can: ${names.join(', ')}` : 'no column can'})`,
    );
  return wanted;
}

/**
 * Every metric per slice of `keys` (one int or string per row): `metrics` are [{name, options,
 * key?, label?, inputs}] (`key` picks a number from a dict result, `inputs` the update()
 * arguments), each run through one SlicedMetric. A metric that fails (e.g. a class missing from
 * a slice) reports its error instead of values. Returns {column, metrics: [{name, options, key,
 * label, overall, slices: [{key, value, count}]} or {..., error}]}.
 */
export function slicedMetrics(wasmetrics, column, keys, metrics) {
  return {
    column,
    metrics: metrics.map(({ name, options, key = null, label = name, inputs }) => {
      const m = new wasmetrics.SlicedMetric(wasmetrics.createMetric(name, options));
      try {
        m.update(...inputs, keys);
        const r = plain(m.compute());
        return {
          name,
          options,
          key,
          label,
          overall: pick(r.overall, key),
          slices: r.slices.map((s) => ({ ...s, value: s.value === null ? null : pick(s.value, key) })),
        };
      } catch (e) {
        return { name, options, key, label, error: e.message };
      } finally {
        m.dispose();
      }
    }),
  };
}

/** The metric the slices are ordered by: the one named `focus` (and `focusKey`), else the first that ran. */
export function sliceFocus(slices, focus, focusKey = null) {
  const ok = slices.metrics.filter((m) => !m.error);
  return (
    ok.find((m) => m.name === focus && (m.key ?? null) === focusKey) ??
    ok.find((m) => m.name === focus) ??
    ok[0] ??
    null
  );
}

/** The slices worst first by `focus`'s value (lowest first, highest for errors and losses; empty and NaN last). */
export function slicesWorstFirst(focus) {
  const lower = lowerIsBetter(focus.name);
  const bad = (v) => typeof v !== 'number' || Number.isNaN(v);
  return [...focus.slices].sort(
    (a, b) => bad(a.value) - bad(b.value) || (lower ? b.value - a.value : a.value - b.value),
  );
}

/**
 * The per-slice table (table#slice-table) with its heading and notes, as elements to append:
 * one row a slice, worst first by `focus`, its row count (data-count="rows"), then one cell per
 * metric made by `cell(metric, value, sliceKeyJson)` (a result cell carrying data-slice and
 * data-slice-by, as the mode draws its cells).
 */
export function sliceTable(slices, focus, cell) {
  const { column, metrics } = slices;
  const out = [el('h3', { text: `By ${column}` })];
  if (!focus)
    return [
      ...out,
      el('p', {
        class: 'error-cell',
        text: `no metric could be computed per ${column}: ${metrics.map((m) => `${m.label}: ${m.error}`).join('; ')}`,
      }),
    ];
  const ok = metrics.filter((m) => !m.error);
  out.push(
    el('p', {
      class: 'muted',
      text: `${focus.slices.length} slices, worst ${focus.label} first (${lowerIsBetter(focus.name) ? 'highest' : 'lowest'} first); each metric computed on the slice's rows alone (the package's SlicedMetric).`,
    }),
  );
  const body = el('tbody');
  for (const s of slicesWorstFirst(focus)) {
    const key = JSON.stringify(s.key);
    body.append(
      el(
        'tr',
        { dataset: { slice: key } },
        el('td', { text: String(s.key) }),
        el('td', { class: 'num', text: String(s.count), dataset: { value: String(s.count), count: 'rows' } }),
        ...ok.map((m) => {
          const v = m.slices.find((x) => x.key === s.key)?.value;
          return typeof v === 'number'
            ? cell(m, v, key)
            : el('td', { class: 'muted', text: v === null ? 'no rows' : 'not a number' });
        }),
      ),
    );
  }
  out.push(
    el(
      'table',
      { id: 'slice-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: column }),
          el('th', { text: 'rows' }),
          ...ok.map((m) => el('th', { text: m.label })),
        ),
      ),
      body,
    ),
  );
  const failed = metrics.filter((m) => m.error);
  if (failed.length)
    out.push(
      el('p', { class: 'muted', text: `not per slice: ${failed.map((m) => `${m.label} (${m.error})`).join('; ')}` }),
    );
  return out;
}

/** The bar chart of `focus` per slice, worst first: {title, config} (Chart.js's {type, data, options}). */
export function sliceChart(slices, focus) {
  const rows = slicesWorstFirst(focus).filter((s) => typeof s.value === 'number');
  return {
    title: `${focus.label} per ${slices.column} (worst first)`,
    config: {
      type: 'bar',
      data: {
        labels: rows.map((s) => `${s.key} (${s.count})`),
        datasets: [{ label: focus.label, data: rows.map((s) => s.value), backgroundColor: '#3b5bdb' }],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: {
          x: { title: { display: true, text: slices.column } },
          y: { title: { display: true, text: focus.label } },
        },
      },
    },
  };
}

/** Rows `idx` of an update input (an array, a typed array or {data, shape}), for expected(): a slice picked by hand. */
export function rowsAt(input, idx) {
  if (Array.isArray(input)) return idx.map((i) => input[i]);
  if (ArrayBuffer.isView(input)) {
    const out = new input.constructor(idx.length);
    idx.forEach((i, j) => {
      out[j] = input[i];
    });
    return out;
  }
  const per = input.shape.slice(1).reduce((a, d) => a * d, 1);
  const data = new input.data.constructor(idx.length * per);
  idx.forEach((i, j) => data.set(input.data.subarray(i * per, (i + 1) * per), j * per));
  return { data, shape: [idx.length, ...input.shape.slice(1)] };
}
