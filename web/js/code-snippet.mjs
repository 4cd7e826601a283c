// "Copy as code" of the Classification / regression mode: a Node script that reads the same
// files the same way the page did (CSV with its delimiter and header, JSON records / columns /
// arrays, NumPy .npy), builds the same preds and target, and prints every metric the page shows
// and the curves it plots. The readers are the page's own functions (their source is copied in),
// so the script reproduces the page's numbers for every input format; tests/js/web-demo-defects
// runs it in Node for each format.
import { splitCsv } from './lib/csv-lite.mjs';
import { DTYPES, fortranToC, parseNpy } from './lib/npy.mjs';
import {
  binaryLabels,
  BOOTSTRAP_SEED as BOOTSTRAP_SEED_IN_SNIPPET,
  correctness,
  predictedLabels,
} from './lib/compare.mjs';
import { cellNumber, SPECIAL } from './lib/table.mjs';

const J = JSON.stringify;

/**
 * The Node script for `result` (compute worker), the columns/tensors and inputs the page used,
 * and model B's prediction columns (`columnsB`) when the page compared two models.
 */
export function codeSnippet(result, collected, inputs, columnsB = null) {
  const helpers = new Set();
  const lines = [];
  const files = new Map(); // file name -> variable
  const fileVar = (src) => {
    if (files.has(src.file)) return files.get(src.file);
    const v = `file${files.size}`;
    files.set(src.file, v);
    if (src.format === 'csv') {
      helpers.add('csv');
      lines.push(`const ${v} = readCsv(${J(src.file)}, ${J(src.delimiter)}, ${src.header});`);
    } else if (src.format === 'npy') {
      helpers.add('npy');
      lines.push(`const ${v} = readNpy(${J(src.file)});`);
    } else {
      lines.push(`const ${v} = JSON.parse(readFileSync(${J(src.file)}, 'utf8'));`);
    }
    return v;
  };
  // An expression for a tensor ({data, shape}) of a file (npy, a JSON array or one key of it).
  const tensorExpr = (src) => {
    const v = fileVar(src);
    if (src.format === 'npy') return v;
    helpers.add('nested');
    helpers.add('number');
    return src.layout === 'keys' ? `nested(${v}[${J(src.key)}])` : `nested(${v})`;
  };
  // An expression for one column's raw cells (strings or numbers).
  const cellsExpr = (c) => {
    const src = c.source;
    if (src.format === 'csv') return `${fileVar(src)}.map((row) => row[${src.col}])`;
    if (src.format === 'json' && src.layout === 'records')
      return `${fileVar(src)}.map((record) => record[${J(src.key)}])`;
    if (src.format === 'json' && src.layout === 'columns') return `${fileVar(src)}[${J(src.key)}]`;
    if (src.format === 'json' && src.layout === 'strings') return fileVar(src);
    helpers.add('column');
    return src.col === null ? `Array.from(${tensorExpr(src)}.data)` : `column(${tensorExpr(src)}, ${src.col})`;
  };
  const valuesExpr = (c) => {
    helpers.add('number');
    if (!c.categories) return `${cellsExpr(c)}.map(cellNumber)`;
    return `${cellsExpr(c)}.map((s) => (${J(c.labelIndex ?? {})})[String(s).trim()])`;
  };

  const { columns, tensors } = collected;
  const body = [];
  // model B: its prediction columns, read as model A's are (the comparison needs column inputs)
  const compare =
    result.compare && !result.compare.error && columnsB?.length && !tensors.pred && !tensors.target
      ? result.compare
      : null;
  if (tensors.pred || tensors.target) {
    for (const [name, t] of [
      ['preds', tensors.pred],
      ['target', tensors.target],
    ]) {
      body.push(
        `const ${name}T = ${tensorExpr(t.source)};`,
        `const ${name} = { data: Float64Array.from(${name}T.data, Number), shape: ${name}T.shape };`,
      );
    }
  } else {
    const pc = columns.filter((c) => c.role === 'pred'),
      tc = columns.filter((c) => c.role === 'target');
    for (const [name, list] of [['preds', pc], ['target', tc], ...(compare ? [['predsB', columnsB]] : [])]) {
      if (list.length === 1) body.push(`const ${name} = Float64Array.from(${valuesExpr(list[0])});`);
      else {
        helpers.add('stack');
        body.push(`const ${name} = stack([`, ...list.map((c) => `  ${valuesExpr(c)},`), ']);');
      }
    }
  }

  // the slice column (the page's "Slice by"): the page's keys are a text column's trimmed text,
  // an integer column's numbers, other numbers as text
  const sliceColumn = result.slices && columns.find((c) => c.name === result.slices.column);
  const sliceKeysExpr =
    sliceColumn &&
    (sliceColumn.categories
      ? `${cellsExpr(sliceColumn)}.map((s) => String(s ?? '').trim())`
      : `${cellsExpr(sliceColumn)}.map(cellNumber).map((v) => (Number.isSafeInteger(v) ? v : String(v)))`);
  if (sliceColumn) helpers.add('number');

  const out = [
    '// Reproduces this evaluation with the wasmetrics npm package (Node 20+: `node evaluate.mjs`, next to the data files).',
    "import { readFileSync } from 'node:fs';",
    `import { init, createMetric${sliceColumn ? ', SlicedMetric' : ''}${compare ? ', mcnemarTest, delongTest, pairedBootstrap' : ''} } from 'wasmetrics';`,
    '',
    'await init();',
    '',
  ];
  if (helpers.has('number'))
    out.push(
      '// Cells as the page reads them: numbers, nan/inf, true/false; an empty cell is NaN.',
      `const SPECIAL = new Map([${[...SPECIAL].map(([k, v]) => `[${J(k)}, ${v}]`).join(', ')}]);`,
      cellNumber.toString(),
      '',
    );
  if (helpers.has('csv')) {
    out.push(
      splitCsv.toString(),
      "const readCsv = (file, delimiter, header) => splitCsv(readFileSync(file, 'utf8'), delimiter)",
      "  .filter((row) => row.some((cell) => cell.trim() !== '')).slice(header ? 1 : 0);",
      '',
    );
  }
  if (helpers.has('npy'))
    out.push(
      `const DTYPES = { ${Object.entries(DTYPES)
        .map(([k, [size, Ctor, name]]) => `${k}: [${size}, ${Ctor.name}${name ? `, ${J(name)}` : ''}]`)
        .join(', ')} };`,
      parseNpy.toString(),
      fortranToC.toString(),
      'const readNpy = (file) => parseNpy(new Uint8Array(readFileSync(file)));',
      '',
    );
  if (helpers.has('nested')) {
    out.push(
      '// A nested JSON array as {data, shape} (row-major).',
      'const nested = (v) => {',
      '  const shape = [];',
      '  for (let x = v; Array.isArray(x); x = x[0]) shape.push(x.length);',
      '  return { data: Float64Array.from(v.flat(Infinity), cellNumber), shape };',
      '};',
      '',
    );
    helpers.add('number');
  }
  if (helpers.has('column'))
    out.push('const column = (t, j) => Array.from({ length: t.shape[0] }, (_, i) => t.data[i * t.shape[1] + j]);', '');
  if (helpers.has('stack'))
    out.push(
      'const stack = (cols) => ({ data: Float64Array.from({ length: cols[0].length * cols.length }, (_, k) => cols[k % cols.length][Math.floor(k / cols.length)]), shape: [cols[0].length, cols.length] });',
      '',
    );
  out.push(...lines, ...body, '');

  out.push('const metrics = [');
  // the options each metric ran with (binary ones carry the threshold, multilabel ones the per-label array)
  for (const m of result.metrics) out.push(`  [${J(m.name)}, ${J(m.options)}],`);
  out.push('];');
  out.push('for (const [name, options] of metrics) {');
  out.push('  const metric = createMetric(name, options);');
  out.push('  metric.update(preds, target);');
  out.push('  const value = metric.compute();');
  out.push("  console.log(name, typeof value === 'number' ? value : JSON.stringify(value.toArray?.() ?? value));");
  out.push('  metric.dispose();');
  out.push('}');
  if (sliceColumn) {
    out.push(
      '',
      `// Per slice of ${J(sliceColumn.name)} (the page's slices table): one SlicedMetric per metric, one pass.`,
    );
    out.push(`const sliceKeys = ${sliceKeysExpr};`);
    out.push('for (const [name, options] of metrics) {');
    out.push('  const sliced = new SlicedMetric(createMetric(name, options));');
    out.push('  try {');
    out.push('    sliced.update(preds, target, sliceKeys);');
    out.push(
      `    for (const s of sliced.compute().slices) console.log('slice', ${J(sliceColumn.name)}, JSON.stringify(s.key), s.count, name, typeof s.value === 'number' ? s.value : JSON.stringify(s.value));`,
    );
    out.push('  } catch (e) {');
    out.push("    console.log('slice', name, 'error:', e.message);");
    out.push('  } finally {');
    out.push('    sliced.dispose();');
    out.push('  }');
    out.push('}');
  }
  if (compare) out.push('', ...compareLines(compare));
  const plotted = (result.curves ?? []).filter((c) => !c.error).map((c) => [c.metric, c.options, false]);
  if (result.calibration && !result.calibration.error)
    plotted.push([result.calibration.metric, result.calibration.options, result.calibration.pooled]);
  if (plotted.length) {
    out.push('', "// The plotted curves (one per class/label) and the reliability diagram's calibration error.");
    out.push('const flat = (t) => ({ data: t.data, shape: [t.data.length] }); // multilabel scores pooled as binary');
    out.push('const plots = [');
    for (const [name, options, pooled] of plotted) out.push(`  [${J(name)}, ${J(options)}, ${pooled}],`);
    out.push('];');
    out.push('for (const [name, options, pooled] of plots) {');
    out.push('  const metric = createMetric(name, options);');
    out.push('  metric.update(pooled ? flat(preds) : preds, pooled ? flat(target) : target);');
    out.push(
      '  console.log(name, JSON.stringify(metric.compute(), (k, x) => (x?.shape && x.data ? Array.from(x.data) : x)));',
    );
    out.push('  metric.dispose();');
    out.push('}');
  }
  return out.join('\n') + '\n';
}

/**
 * The A/B comparison's lines (the page's #compare-table): model B against model A with the same
 * tests, options and seed as the page (lib/compare.mjs's compareModels), printed as
 * `compare <test> <key> <value>` with keys as the page's data-key shows them.
 */
function compareLines(compare) {
  const out = [
    "// Model B against model A (the page's comparison table): McNemar, DeLong, paired bootstrap.",
    "// The per-row correctness McNemar counts: the page's label rule (TorchMetrics': score > threshold, logits through a sigmoid; argmax).",
    binaryLabels.toString(),
    predictedLabels.toString(),
    correctness.toString(),
    'const asTensor = (x) => (ArrayBuffer.isView(x) ? { data: x, shape: [x.length] } : x);',
    'const [tA, tB, tT] = [preds, predsB, target].map(asTensor);',
    'const valueOf = (name, options, p) => { const m = createMetric(name, options); m.update(p, target); const v = m.compute(); m.dispose(); return v; };',
  ];
  for (const t of compare.tests) {
    out.push(
      `console.log('compare ${t.test} A', valueOf(${J(t.name)}, ${J(t.options)}, preds));`,
      `console.log('compare ${t.test} B', valueOf(${J(t.name)}, ${J(t.options)}, predsB));`,
    );
    if (t.test === 'mcnemar') {
      const threshold = t.name === 'BinaryAccuracy' ? (t.options.threshold ?? 0.5) : null;
      out.push(
        '{',
        `  const r = mcnemarTest(correctness(tA, tT, ${J(threshold)}), correctness(tB, tT, ${J(threshold)}));`,
        `  console.log('compare mcnemar difference', valueOf(${J(t.name)}, ${J(t.options)}, predsB) - valueOf(${J(t.name)}, ${J(t.options)}, preds));`,
        "  console.log('compare mcnemar statistic', r.statistic);",
        "  console.log('compare mcnemar pValue', r.pValue);",
        '}',
      );
    } else if (t.test === 'delong') {
      out.push(
        '{',
        '  const r = delongTest(tA.data, tB.data, tT.data);',
        "  for (const [k, v] of [['difference', r.difference], ['statistic', r.z], ['pValue', r.pValue], ['interval.0', r.interval[0]], ['interval.1', r.interval[1]]]) console.log('compare delong', k, v);",
        '}',
      );
    } else if (t.test === 'bootstrap') {
      out.push(
        '{',
        `  const m = createMetric(${J(t.name)}, ${J(t.options)});`,
        `  const r = pairedBootstrap(m, [preds, target], [predsB, target], { numBootstraps: ${t.numBootstraps}, seed: ${BOOTSTRAP_SEED_IN_SNIPPET} });`,
        '  m.dispose();',
        "  for (const [k, v] of [['difference', r.difference], ['pValue', r.pValue], ['interval.0', r.interval[0]], ['interval.1', r.interval[1]]]) console.log('compare bootstrap', k, v);",
        '}',
      );
    }
  }
  return out;
}
