// The Agreement mode (issue 19): one ratings file -> do the annotators agree, and where not?
// Any format the package's readRatings reads (wide or long CSV/TSV, Label Studio's JSON export,
// CVAT XML, a wide JSON table), or several CVAT XML exports, one per annotator (readCvatXml): the
// page has no reader of its own.
// Shows the counts, Krippendorff's alpha (level of measurement chosen; ordinal/interval/ratio only
// for numeric labels) with its bootstrap interval, Fleiss' kappa, Cohen's kappa of every pair
// and their mean, each annotator's agreement with the majority, the label distribution per
// annotator and the most contested items (MajorityVote, ties reported); Dawid–Skene's consensus
// (DawidSkene: each annotator's estimated accuracy, the items whose consensus differs from the
// majority). All numbers come from the npm package (evaluate runs in a Web Worker,
// mode-worker.mjs, reporting its progress step by step); the charts save as PNG.
import { chartCell, codeSnippet, computeMetric, pick, resultCell, table } from '../mode-lib.mjs';
import { colour } from '../plots-more.mjs';
import { el, fmt } from '../ui.mjs';

// The package's readRatings formats, as the page names them.
const FORMAT_NAMES = {
  wide: 'wide',
  long: 'long',
  'label-studio': 'Label Studio',
  cvat: 'CVAT XML',
  'wide-json': 'JSON',
  npy: '.npy',
};

/**
 * The ratings of a file, read by the package's readRatings (wide or long CSV/TSV, Label Studio's
 * JSON export, CVAT XML, a wide JSON table): items × annotators as class indices (NaN = missing),
 * the labels (numeric ones sorted by value, with their numbers in `values`). Errors name the file.
 * `text`: the file's text, or a .npy file's bytes.
 */
export function readRatings(text, fileName, wasmetrics) {
  let format, table;
  try {
    format = wasmetrics.detectRatingsFormat(text);
    table = wasmetrics.readRatings(text, { format });
  } catch (e) {
    throw new Error(`${fileName}: ${e.message}`);
  }
  return ratingsFrom(table, FORMAT_NAMES[format] ?? format, fileName);
}

/** A package RatingTable as the mode uses it; `what` (the file names) starts its errors. */
function ratingsFrom(table, format, what) {
  const [U, R] = table.ratings.shape;
  if (table.count === 0) throw new Error(`${what}: no ratings (every cell is empty)`);
  if (R < 2) throw new Error(`${what}: ${R} annotator; agreement needs at least two`);
  return {
    format,
    items: table.items,
    annotators: table.annotators,
    labels: table.labels,
    numeric: table.values !== null,
    classes: table.ratings.data,
    values: table.values?.data ?? null,
    U,
    R,
  };
}

// The input is read as bytes (a wide .npy table is binary): a file with NumPy's magic stays bytes
// for the package's readWideNpy, any other is UTF-8 text. A file given as text is kept as it is.
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
function asTextOrNpy(f) {
  if (f.bytes === undefined) return f;
  const u8 = new Uint8Array(f.bytes);
  if (NPY_MAGIC.every((b, k) => u8[k] === b)) return { name: f.name, npy: u8 };
  return { name: f.name, text: f.text ?? new TextDecoder('utf-8').decode(u8) };
}

/**
 * The ratings of the mode's input: one file (any format readRatings reads) or several CVAT XML
 * exports, one per annotator (the package's readCvatXml; annotators are the exports' assignees,
 * or the file names when an export names none or two name the same). Errors name the file.
 */
export function readRatingFiles(files, wasmetrics) {
  const list = [files].flat().map(asTextOrNpy);
  if (list.length === 1) return readRatings(list[0].npy ?? list[0].text, list[0].name, wasmetrics);
  for (const f of list) {
    let format;
    try {
      format = wasmetrics.detectRatingsFormat(f.npy ?? f.text);
    } catch (e) {
      throw new Error(`${f.name}: ${e.message}`);
    }
    if (format !== 'cvat')
      throw new Error(
        `${f.name}: a ${FORMAT_NAMES[format] ?? format} file; several files are read as CVAT XML exports, one per annotator (pick one file of any other format)`,
      );
  }
  const named = (byFile) =>
    list.map((f) => ({ text: f.text, ...(byFile ? { annotator: f.name.replace(/\.xml$/i, '') } : {}) }));
  const byName = (e) => new Error(e.message.replace(/file (\d+)/, (m, k) => list[Number(k)].name));
  let table;
  let byFile = false;
  try {
    table = wasmetrics.readCvatXml(named(false));
  } catch (e) {
    if (e.field !== 'annotator') throw byName(e);
    byFile = true; // an export names no annotator, or two name the same one: name them by file
    try {
      table = wasmetrics.readCvatXml(named(true));
    } catch (e2) {
      throw byName(e2);
    }
  }
  return ratingsFrom(
    table,
    `CVAT XML (${list.length} files, annotators named by ${byFile ? 'file' : 'export'})`,
    list.map((f) => f.name).join(', '),
  );
}

const MAX_PAIR_TABLE = 40;
const LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'];
const BOOTSTRAP = { nResamples: 1000, confidenceLevel: 0.95, seed: 0 };

/** The inputs of each metric the page shows, from the ratings (one rule for the page and the test). */
function inputsFor(d, metric, subset) {
  if (metric === 'KrippendorffAlpha') return [{ data: d.values ?? d.classes, shape: [d.U, d.R] }];
  if (subset === 'complete') {
    const rows = [];
    for (let u = 0; u < d.U; u++) if (!d.classes.subarray(u * d.R, (u + 1) * d.R).some(Number.isNaN)) rows.push(u);
    const data = new Float64Array(rows.length * d.R);
    rows.forEach((u, k) => data.set(d.classes.subarray(u * d.R, (u + 1) * d.R), k * d.R));
    return [{ data, shape: [rows.length, d.R] }];
  }
  return [{ data: d.classes, shape: [d.U, d.R] }];
}

export default {
  name: 'agreement',
  title: 'Agreement (annotators)',
  label: 'Inter-annotator agreement',
  about:
    "One ratings file, read by the package's readRatings: a wide table (the first column the item, one column per annotator, an empty cell is a missing rating) or a long table with columns item, annotator, label (any order), CSV or TSV; Label Studio's JSON export (one choice per annotation); a CVAT XML export; a wide JSON table; or a wide NumPy .npy array [items, annotators] of numeric labels (NaN missing).",
  inputs: [
    {
      role: 'ratings',
      label: 'Ratings',
      hint: 'CSV/TSV, wide or long; a Label Studio JSON export; CVAT XML exports (one file per annotator: pick them together); a wide NumPy .npy [items, annotators]',
      accept: '.csv,.tsv,.txt,.json,.xml,.npy',
      multiple: true,
      binary: true,
    },
  ],
  options: [
    { name: 'level', label: "Krippendorff's alpha, level of measurement", choices: LEVELS, default: 'nominal' },
  ],
  samples: [
    {
      name: 'sentiment-long',
      label: 'Sentiment, 4 annotators (long CSV)',
      files: { ratings: 'samples/agreement-long.csv' },
    },
    {
      name: 'severity-wide',
      label: 'Severity 1–5, 3 raters (wide CSV)',
      files: { ratings: 'samples/agreement-wide.csv' },
    },
    {
      name: 'severity-npy',
      label: 'Severity 1–5, 3 raters (wide NumPy .npy)',
      files: { ratings: 'samples/agreement-wide.npy' },
    },
    {
      name: 'labelstudio',
      label: 'Animal photos (Label Studio JSON export)',
      files: { ratings: 'samples/agreement-labelstudio.json' },
    },
    {
      name: 'cvat',
      label: 'Street photos, 3 CVAT exports (one per annotator)',
      files: {
        ratings: ['samples/cvat-street-ana.xml', 'samples/cvat-street-ben.xml', 'samples/cvat-street-chen.xml'],
      },
    },
  ],

  async evaluate(files, wasmetrics, { level = 'nominal' } = {}, { progress = () => {} } = {}) {
    const steps = [
      'reading the ratings',
      "Krippendorff's alpha",
      'bootstrap interval (1000 resamples)',
      "Fleiss' kappa",
      "Cohen's kappa of every pair",
      'majority vote',
      'Dawid–Skene EM',
    ];
    const step = (k) => progress(k / steps.length, steps[k]);
    step(0);
    const d = readRatingFiles(files.ratings, wasmetrics);
    if (level !== 'nominal' && !d.numeric)
      throw new Error(
        `the ${level} level of measurement needs numeric labels; these labels are text (${d.labels.slice(0, 4).join(', ')}…): choose nominal`,
      );
    const C = d.labels.length;
    const run = (metric, options, { subset, key, query } = {}) =>
      pick(computeMetric(wasmetrics, metric, options, inputsFor(d, metric, subset), query), key);
    const kOpts = { levelOfMeasurement: level };
    step(1);
    const alpha = run('KrippendorffAlpha', kOpts);
    step(2);
    const boot = computeMetric(wasmetrics, 'KrippendorffAlpha', kOpts, inputsFor(d, 'KrippendorffAlpha'), {
      name: 'bootstrap',
      options: BOOTSTRAP,
    });
    const complete = inputsFor(d, 'FleissKappaRaters', 'complete')[0].shape[0];
    let fleiss = null;
    step(3);
    if (complete >= 1) {
      try {
        fleiss = run('FleissKappaRaters', { numClasses: C }, { subset: 'complete' });
      } catch (e) {
        fleiss = { error: e.message };
      }
    }
    step(4);
    const cohen = computeMetric(wasmetrics, 'CohenKappaMatrix', { numClasses: C }, inputsFor(d, 'CohenKappaMatrix'));
    step(5);
    const vote = computeMetric(wasmetrics, 'MajorityVote', { numClasses: C }, inputsFor(d, 'MajorityVote'));
    step(6);
    const ds = computeMetric(wasmetrics, 'DawidSkene', { numClasses: C }, inputsFor(d, 'DawidSkene'));
    progress(1, 'drawing');
    // each annotator against the majority, on the items without a tie they rated
    const perAnnotator = d.annotators.map((name, r) => {
      let n = 0,
        same = 0;
      const dist = new Array(C).fill(0);
      for (let u = 0; u < d.U; u++) {
        const c = d.classes[u * d.R + r];
        if (Number.isNaN(c)) continue;
        dist[c]++;
        if (vote.tied[u]) continue;
        n++;
        if (c === vote.labels[u]) same++;
      }
      return {
        name,
        rated: dist.reduce((a, b) => a + b, 0),
        compared: n,
        agreement: n ? same / n : NaN,
        distribution: dist,
        dsAccuracy: ds.rater_accuracy[r],
      };
    });
    let pairs = 0,
      sum = 0;
    for (let a = 0; a < d.R; a++)
      for (let b = a + 1; b < d.R; b++) if (!Number.isNaN(cohen[a][b])) (pairs++, (sum += cohen[a][b]));
    const order = Array.from({ length: d.U }, (_, u) => u).sort(
      (x, y) => vote.support[x] - vote.support[y] || vote.tied[y] - vote.tied[x] || x - y,
    );
    const ratings = d.classes.reduce((n, v) => n + !Number.isNaN(v), 0);
    const ratingsOf = (u) =>
      d.annotators.map((_, r) => (Number.isNaN(d.classes[u * d.R + r]) ? '' : d.labels[d.classes[u * d.R + r]]));
    // items whose Dawid–Skene label is not the majority's (a tied majority shows its smallest label)
    const differ = [];
    for (let u = 0; u < d.U; u++) if (!Number.isNaN(ds.labels[u]) && ds.labels[u] !== vote.labels[u]) differ.push(u);
    return {
      format: d.format,
      file: [files.ratings]
        .flat()
        .map((f) => f.name)
        .join(', '),
      items: d.U,
      annotators: d.annotators,
      labels: d.labels,
      numeric: d.numeric,
      ratings,
      missing: d.U * d.R - ratings,
      level,
      alpha,
      bootstrap: { ...BOOTSTRAP, lower: boot.lower, upper: boot.upper },
      fleiss,
      completeItems: complete,
      cohen,
      meanCohen: pairs ? sum / pairs : NaN,
      perAnnotator,
      contested: order.slice(0, 15).map((u) => ({
        index: u,
        item: d.items[u],
        tied: vote.tied[u],
        support: vote.support[u],
        consensus: d.labels[vote.labels[u]],
        ratings: ratingsOf(u),
      })),
      dawidSkene: {
        iterations: ds.iterations,
        converged: Boolean(ds.converged),
        differ: differ.length,
        items: differ.slice(0, 20).map((u) => ({
          index: u,
          item: d.items[u],
          ratings: ratingsOf(u),
          majority: d.labels[vote.labels[u]],
          tied: vote.tied[u],
          label: d.labels[ds.labels[u]],
          labelIndex: ds.labels[u],
          posterior: ds.posteriors[u][ds.labels[u]],
        })),
      },
      consensus: d.items.map((item, u) => ({
        item,
        label: d.labels[vote.labels[u]],
        tied: vote.tied[u],
        support: vote.support[u],
        dawidSkene: Number.isNaN(ds.labels[u]) ? '' : d.labels[ds.labels[u]],
        posterior: Number.isNaN(ds.labels[u]) ? NaN : ds.posteriors[u][ds.labels[u]],
      })),
    };
  },

  render(r, out, { ms, simd }) {
    const C = r.labels.length;
    const kOpts = { levelOfMeasurement: r.level };
    out.replaceChildren(
      el('p', {
        class: 'muted',
        text: `${r.file}: ${r.format}${/Studio|CVAT/.test(r.format) ? ' export' : ' table'}, ${r.ratings} ratings (${r.missing} missing); computed by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.`,
      }),
    );
    const count = (what, v) => el('td', { class: 'num', text: String(v), dataset: { value: String(v), count: what } });
    out.append(
      el('h3', { text: 'Overview' }),
      table(
        'agreement-overview',
        ['', 'value'],
        [
          ['items', count('items', r.items)],
          ['annotators', count('annotators', r.annotators.length)],
          ['labels', count('labels', C)],
          [
            `Krippendorff's alpha (${r.level})`,
            resultCell('td', { metric: 'KrippendorffAlpha', value: r.alpha, options: kOpts }),
          ],
          [
            `alpha, ${r.bootstrap.confidenceLevel * 100}% bootstrap interval: lower`,
            resultCell('td', {
              metric: 'KrippendorffAlpha',
              value: r.bootstrap.lower,
              options: kOpts,
              key: 'lower',
              extra: {
                query: 'bootstrap',
                queryOptions: {
                  nResamples: r.bootstrap.nResamples,
                  confidenceLevel: r.bootstrap.confidenceLevel,
                  seed: r.bootstrap.seed,
                },
              },
            }),
          ],
          [
            'upper',
            resultCell('td', {
              metric: 'KrippendorffAlpha',
              value: r.bootstrap.upper,
              options: kOpts,
              key: 'upper',
              extra: {
                query: 'bootstrap',
                queryOptions: {
                  nResamples: r.bootstrap.nResamples,
                  confidenceLevel: r.bootstrap.confidenceLevel,
                  seed: r.bootstrap.seed,
                },
              },
            }),
          ],
          [
            `Fleiss' kappa (${r.completeItems} items rated by everyone)`,
            typeof r.fleiss === 'number'
              ? resultCell('td', {
                  metric: 'FleissKappaRaters',
                  value: r.fleiss,
                  options: { numClasses: C },
                  extra: { subset: 'complete' },
                })
              : (r.fleiss?.error ?? 'no item rated by every annotator'),
          ],
          [
            "mean pairwise Cohen's kappa",
            resultCell('td', {
              metric: 'CohenKappaMatrix',
              value: r.meanCohen,
              options: { numClasses: C },
              key: 'meanPairwise',
            }),
          ],
        ],
      ),
    );
    // R² cells: beyond MAX_PAIR_TABLE annotators (a crowd) the table would be unreadable and slow to
    // lay out on the page's thread; the JSON export keeps the whole matrix.
    if (r.annotators.length > MAX_PAIR_TABLE) {
      out.append(
        el('h3', { text: "Cohen's kappa of every pair" }),
        el('p', {
          class: 'muted',
          dataset: { note: 'pairs-not-drawn' },
          text: `${r.annotators.length.toLocaleString('en-US')} annotators: the pair table is drawn for at most ${MAX_PAIR_TABLE}; the mean is above and every pair is in the JSON export`,
        }),
      );
    } else
      out.append(
        el('h3', { text: "Cohen's kappa of every pair" }),
        el('p', {
          class: 'muted',
          text: 'cell colour: kappa from -1 (red) through 0 to 1 (blue); pairs without a shared item are NaN',
        }),
        table(
          'agreement-pairs',
          ['', ...r.annotators],
          r.cohen.map((row, a) => [
            r.annotators[a],
            ...row.map((v, b) => {
              const td = resultCell('td', {
                metric: 'CohenKappaMatrix',
                value: v,
                options: { numClasses: C },
                key: `${a}.${b}`,
              });
              if (Number.isFinite(v))
                td.style.background = v >= 0 ? `rgba(59, 91, 219, ${0.6 * v})` : `rgba(201, 42, 42, ${-0.6 * v})`;
              return td;
            }),
          ]),
        ),
      );
    out.append(
      el('h3', { text: 'Annotators' }),
      el('p', {
        class: 'muted',
        text: 'agreement with the majority label, over the items the annotator rated whose vote is not tied; then how often they gave each label',
      }),
      table(
        'agreement-annotators',
        ['annotator', 'rated', 'agrees with majority', 'accuracy (Dawid–Skene)', ...r.labels.map((l) => `"${l}"`)],
        r.perAnnotator.map((a, k) => [
          a.name,
          count('rated', a.rated),
          el('td', {
            class: 'num',
            text: fmt(a.agreement),
            dataset: { value: String(a.agreement), count: 'share-agreeing-with-majority' },
          }),
          resultCell('td', {
            metric: 'DawidSkene',
            value: a.dsAccuracy,
            options: { numClasses: C },
            key: `rater_accuracy.${k}`,
          }),
          ...a.distribution.map((n) => count('ratings', n)),
        ]),
      ),
    );
    const plots = el('div', { class: 'plots' });
    out.append(plots);
    chartCell(plots, {
      id: 'agreement-label-distribution',
      title: 'Labels given by each annotator',
      fileName: 'agreement-label-distribution.png',
      config: {
        type: 'bar',
        data: {
          labels: r.annotators,
          datasets: r.labels.map((l, c) => ({
            label: String(l),
            data: r.perAnnotator.map((a) => a.distribution[c]),
            backgroundColor: colour(c),
          })),
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'ratings' } } } },
      },
    });
    chartCell(plots, {
      id: 'agreement-annotator-accuracy',
      title: 'Each annotator: agreement with the majority and Dawid–Skene accuracy',
      fileName: 'agreement-annotator-accuracy.png',
      config: {
        type: 'bar',
        data: {
          labels: r.annotators,
          datasets: [
            { label: 'agrees with majority', data: r.perAnnotator.map((a) => a.agreement), backgroundColor: colour(0) },
            {
              label: 'accuracy (Dawid–Skene)',
              data: r.perAnnotator.map((a) => a.dsAccuracy),
              backgroundColor: colour(1),
            },
          ],
        },
        options: { scales: { y: { min: 0, max: 1 } } },
      },
    });
    out.append(
      el('h3', { text: 'Most contested items' }),
      el('p', {
        class: 'muted',
        text: 'smallest majority share first; a tie is reported (the smallest tied label is shown), never broken silently',
      }),
      table(
        'agreement-contested',
        ['item', ...r.annotators, 'majority', 'tied', 'majority share'],
        r.contested.map((c) => [
          c.item,
          ...c.ratings,
          c.consensus,
          resultCell('td', {
            metric: 'MajorityVote',
            value: c.tied,
            options: { numClasses: C },
            key: `tied.${c.index}`,
          }),
          resultCell('td', {
            metric: 'MajorityVote',
            value: c.support,
            options: { numClasses: C },
            key: `support.${c.index}`,
          }),
        ]),
      ),
    );
    const dsr = r.dawidSkene;
    out.append(
      el('h3', { text: 'Dawid–Skene consensus' }),
      el('p', {
        class: 'muted',
        text: `EM from the vote shares, ${dsr.iterations} rounds (${dsr.converged ? 'converged' : 'not converged: stopped at the cap'}); it weighs each annotator by their estimated confusion matrix. ${dsr.differ} item${dsr.differ === 1 ? '' : 's'} get a different label than the majority vote${dsr.differ > dsr.items.length ? ` (the first ${dsr.items.length} shown)` : ''}.`,
      }),
    );
    if (dsr.items.length) {
      out.append(
        table(
          'agreement-dawid-skene',
          ['item', ...r.annotators, 'majority', 'Dawid–Skene', 'posterior'],
          dsr.items.map((x) => [
            x.item,
            ...x.ratings,
            `${x.majority}${x.tied ? ' (tied)' : ''}`,
            x.label,
            resultCell('td', {
              metric: 'DawidSkene',
              value: x.posterior,
              options: { numClasses: C },
              key: `posteriors.${x.index}.${x.labelIndex}`,
            }),
          ]),
        ),
      );
    }
    return [
      { label: `alpha (${r.level})`, metric: 'KrippendorffAlpha', value: r.alpha, options: kOpts },
      ...(typeof r.fleiss === 'number'
        ? [
            {
              label: "Fleiss' kappa",
              metric: 'FleissKappaRaters',
              value: r.fleiss,
              options: { numClasses: C },
              dataset: { subset: 'complete' },
            },
          ]
        : []),
      {
        label: "mean pairwise Cohen's kappa",
        metric: 'CohenKappaMatrix',
        value: r.meanCohen,
        options: { numClasses: C },
        dataset: { key: 'meanPairwise' },
      },
    ];
  },

  /** A Node script printing the numbers shown (the page's reader included), for "Copy as code". */
  code(r, files) {
    return codeSnippet({
      title: 'Agreement',
      files,
      helpers: [readRatings, ratingsFrom, asTextOrNpy, readRatingFiles, inputsFor],
      consts: { FORMAT_NAMES, BOOTSTRAP, NPY_MAGIC },
      body: `
const d = readRatingFiles(files.ratings, wasmetrics);
const C = d.labels.length;
const kOpts = { levelOfMeasurement: ${JSON.stringify(r.level)} };
const ratings = (metric, subset) => inputsFor(d, metric, subset);
cells.push({ metric: 'KrippendorffAlpha', options: kOpts, value: computeMetric(wasmetrics, 'KrippendorffAlpha', kOpts, ratings('KrippendorffAlpha')) });
const boot = computeMetric(wasmetrics, 'KrippendorffAlpha', kOpts, ratings('KrippendorffAlpha'), { name: 'bootstrap', options: BOOTSTRAP });
for (const key of ['lower', 'upper']) cells.push({ metric: 'KrippendorffAlpha', options: kOpts, key, query: 'bootstrap', queryOptions: BOOTSTRAP, value: boot[key] });
${r.completeItems ? "cells.push({ metric: 'FleissKappaRaters', options: { numClasses: C }, subset: 'complete', value: computeMetric(wasmetrics, 'FleissKappaRaters', { numClasses: C }, ratings('FleissKappaRaters', 'complete')) }); // items rated by everyone" : '// no item is rated by every annotator: no Fleiss kappa'}
for (const metric of ['CohenKappaMatrix', 'MajorityVote', 'DawidSkene']) cells.push({ metric, options: { numClasses: C }, value: computeMetric(wasmetrics, metric, { numClasses: C }, ratings(metric)) });
`,
    });
  },

  csvRows(r) {
    return [
      ['item', 'majority_label', 'tied', 'majority_share', 'dawid_skene_label', 'dawid_skene_posterior'],
      ...r.consensus.map((c) => [c.item, c.label, c.tied, c.support, c.dawidSkene, c.posterior]),
    ];
  },

  /** The package's value for a shown cell: its metric and options on the same file's ratings. */
  async expected(cell, files, wasmetrics) {
    const d = readRatingFiles(files.ratings, wasmetrics);
    const query = cell.query ? { name: cell.query, options: cell.queryOptions } : null;
    const value = computeMetric(wasmetrics, cell.metric, cell.options, inputsFor(d, cell.metric, cell.subset), query);
    if (cell.key === 'meanPairwise') {
      const off = value.flatMap((row, a) => row.filter((v, b) => b > a && !Number.isNaN(v)));
      return off.reduce((s, v) => s + v, 0) / off.length;
    }
    return pick(value, cell.key);
  },
};
