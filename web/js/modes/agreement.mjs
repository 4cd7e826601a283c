// The Agreement mode (issue 19): one ratings file -> do the annotators agree, and where not?
// A wide table (one row per item, one column per annotator, empty cell = missing) or a long
// table (item, annotator, label rows, columns named by the header, any order), CSV or TSV; or
// Label Studio's JSON export (tasks with several annotations, one `choices` result each).
// Shows the counts, Krippendorff's alpha (level of measurement chosen; ordinal/interval/ratio only
// for numeric labels) with its bootstrap interval, Fleiss' kappa, Cohen's kappa of every pair
// and their mean, each annotator's agreement with the majority, the label distribution per
// annotator and the most contested items (MajorityVote, ties reported). All numbers come from the
// npm package (evaluate runs in a Web Worker, mode-worker.mjs).
import { codeSnippet, computeMetric, pick, readTable, resultCell, table } from '../mode-lib.mjs';
import { el, fmt } from '../ui.mjs';

const ITEM = /^(item|unit|id|item_id|task|task_id|example|sample|doc|document|text_id)$/i;
const RATER = /^(annotator|rater|coder|labeler|labeller|user|worker|judge|annotator_id|rater_id|user_id|worker_id)$/i;
const LABEL = /^(label|rating|value|class|category|answer|choice|annotation)$/i;

/**
 * Label Studio's JSON export (tasks, each with its `annotations`): (item, annotator, label, where)
 * rows from each annotation's `choices` result; cancelled annotations are left out. Items are the
 * task ids, annotators the `completed_by` user (email, else id).
 */
export function labelStudioRows(doc, fileName) {
  const tasks = Array.isArray(doc) ? doc : [doc];
  const rows = [];
  tasks.forEach((task, t) => {
    const at = `${fileName}, task ${t + 1}${task?.id !== undefined ? ` (id ${task.id})` : ''}`;
    if (!task || typeof task !== 'object' || !Array.isArray(task.annotations)) throw new Error(`${at}: not a Label Studio task (no "annotations" list)`);
    task.annotations.forEach((a, k) => {
      if (a?.was_cancelled) return;
      const by = a?.completed_by;
      const user = by && typeof by === 'object' ? by.email ?? by.id : by;
      if (user === undefined || user === null) throw new Error(`${at}, annotation ${k + 1}: no "completed_by" user`);
      const choices = (a.result ?? []).filter((r) => r?.type === 'choices');
      if (choices.length === 0) return; // an annotation without a choice is a missing rating
      const picked = choices[0].value?.choices;
      if (!Array.isArray(picked) || picked.length !== 1) throw new Error(`${at}, annotation ${k + 1}: ${Array.isArray(picked) ? `${picked.length} choices` : 'no choices'}; agreement needs exactly one label per annotation`);
      rows.push([String(task.id ?? t + 1), String(user), String(picked[0]), `task ${t + 1}, annotation ${k + 1}`]);
    });
  });
  return rows;
}

/**
 * The ratings of a file: items × annotators, labels (sorted; numeric when every label is a
 * number). A CSV/TSV (wide or long table), or Label Studio's JSON export.
 */
export function readRatings(text, fileName = 'the file') {
  const json = /^\s*[[{]/.test(text.replace(/^\uFEFF/, ''));
  let doc = null;
  if (json) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new Error(`${fileName}: not valid JSON (${e.message})`);
    }
  }
  const { header, rows, line } = json ? { header: [], rows: [], line: null } : readTable(text, fileName);
  const col = (re) => header.findIndex((h) => re.test(h));
  const [ci, cr, cl] = [col(ITEM), col(RATER), col(LABEL)];
  const cells = new Map(); // item -> Map(annotator -> label string)
  const items = [];
  const annotators = [];
  const seen = { items: new Set(), annotators: new Set() };
  const add = (item, rater, label, where) => {
    if (!seen.items.has(item)) seen.items.add(item), items.push(item), cells.set(item, new Map());
    if (!seen.annotators.has(rater)) seen.annotators.add(rater), annotators.push(rater);
    const m = cells.get(item);
    if (m.has(rater) && m.get(rater) !== label) throw new Error(`${fileName}, ${where}: ${rater} rated item "${item}" twice ("${m.get(rater)}" and "${label}")`);
    m.set(rater, label);
  };
  let format;
  if (json) {
    format = 'Label Studio';
    for (const [item, rater, label, where] of labelStudioRows(doc, fileName)) add(item, rater, label, where);
  } else if (ci >= 0 && cr >= 0 && cl >= 0 && header.length <= 4) {
    format = 'long';
    rows.forEach((r, i) => {
      if (r[ci] === '' || r[cr] === '') throw new Error(`${fileName}, line ${line(i)}: empty ${r[ci] === '' ? `"${header[ci]}"` : `"${header[cr]}"`}`);
      if (r[cl] !== '') add(r[ci], r[cr], r[cl], `line ${line(i)}`);
    });
  } else {
    format = 'wide';
    const idCol = ci >= 0 ? ci : -1;
    const raterCols = header.map((h, j) => j).filter((j) => j !== idCol);
    if (raterCols.length < 2) throw new Error(`${fileName}: a wide table needs at least two annotator columns (or a long table with columns item, annotator, label); the header is ${header.join(', ')}`);
    rows.forEach((r, i) => {
      const item = idCol >= 0 ? r[idCol] : String(i + 1);
      if (seen.items.has(item)) throw new Error(`${fileName}, line ${line(i)}: item "${item}" appears twice`);
      seen.items.add(item), items.push(item), cells.set(item, new Map());
      for (const j of raterCols) if (r[j] !== '') cells.get(item).set(header[j], r[j]);
    });
    for (const j of raterCols) annotators.push(header[j]);
  }
  const labelSet = new Set();
  for (const m of cells.values()) for (const v of m.values()) labelSet.add(v);
  if (labelSet.size === 0) throw new Error(`${fileName}: no ratings (every cell is empty)`);
  if (annotators.length < 2) throw new Error(`${fileName}: ${annotators.length} annotator; agreement needs at least two`);
  const numeric = [...labelSet].every((s) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s));
  const labels = [...labelSet].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(labels.map((l, k) => [l, k]));
  const U = items.length;
  const R = annotators.length;
  const classes = new Float64Array(U * R).fill(NaN); // class indices, NaN = missing
  const values = new Float64Array(U * R).fill(NaN); // the labels' numbers (numeric labels only)
  items.forEach((it, u) => annotators.forEach((a, r) => {
    const v = cells.get(it).get(a);
    if (v === undefined) return;
    classes[u * R + r] = index.get(v);
    if (numeric) values[u * R + r] = Number(v);
  }));
  return { format, items, annotators, labels, numeric, classes, values: numeric ? values : null, U, R };
}

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
  about: 'One ratings file: a wide table (one row per item, one column per annotator, an empty cell is a missing rating) or a long table with columns item, annotator, label (any order), CSV or TSV; or Label Studio\'s JSON export (one choice per annotation).',
  inputs: [{ role: 'ratings', label: 'Ratings', hint: 'CSV/TSV, wide or long; or a Label Studio JSON export', accept: '.csv,.tsv,.txt,.json' }],
  options: [{ name: 'level', label: 'Krippendorff\'s alpha, level of measurement', choices: LEVELS, default: 'nominal' }],
  samples: [
    { name: 'sentiment-long', label: 'Sentiment, 4 annotators (long CSV)', files: { ratings: 'samples/agreement-long.csv' } },
    { name: 'severity-wide', label: 'Severity 1–5, 3 raters (wide CSV)', files: { ratings: 'samples/agreement-wide.csv' } },
    { name: 'labelstudio', label: 'Animal photos (Label Studio JSON export)', files: { ratings: 'samples/agreement-labelstudio.json' } },
  ],

  async evaluate(files, wasmetrics, { level = 'nominal' } = {}) {
    const d = readRatings(files.ratings.text, files.ratings.name);
    if (level !== 'nominal' && !d.numeric) throw new Error(`the ${level} level of measurement needs numeric labels; these labels are text (${d.labels.slice(0, 4).join(', ')}…): choose nominal`);
    const C = d.labels.length;
    const run = (metric, options, { subset, key, query } = {}) => pick(computeMetric(wasmetrics, metric, options, inputsFor(d, metric, subset), query), key);
    const kOpts = { levelOfMeasurement: level };
    const alpha = run('KrippendorffAlpha', kOpts);
    const boot = computeMetric(wasmetrics, 'KrippendorffAlpha', kOpts, inputsFor(d, 'KrippendorffAlpha'), { name: 'bootstrap', options: BOOTSTRAP });
    const complete = inputsFor(d, 'FleissKappaRaters', 'complete')[0].shape[0];
    let fleiss = null;
    if (complete >= 1) {
      try {
        fleiss = run('FleissKappaRaters', { numClasses: C }, { subset: 'complete' });
      } catch (e) {
        fleiss = { error: e.message };
      }
    }
    const cohen = computeMetric(wasmetrics, 'CohenKappaMatrix', { numClasses: C }, inputsFor(d, 'CohenKappaMatrix'));
    const vote = computeMetric(wasmetrics, 'MajorityVote', { numClasses: C }, inputsFor(d, 'MajorityVote'));
    // each annotator against the majority, on the items without a tie they rated
    const perAnnotator = d.annotators.map((name, r) => {
      let n = 0, same = 0;
      const dist = new Array(C).fill(0);
      for (let u = 0; u < d.U; u++) {
        const c = d.classes[u * d.R + r];
        if (Number.isNaN(c)) continue;
        dist[c]++;
        if (vote.tied[u]) continue;
        n++;
        if (c === vote.labels[u]) same++;
      }
      return { name, rated: dist.reduce((a, b) => a + b, 0), compared: n, agreement: n ? same / n : NaN, distribution: dist };
    });
    let pairs = 0, sum = 0;
    for (let a = 0; a < d.R; a++) for (let b = a + 1; b < d.R; b++) if (!Number.isNaN(cohen[a][b])) pairs++, sum += cohen[a][b];
    const order = Array.from({ length: d.U }, (_, u) => u).sort((x, y) => vote.support[x] - vote.support[y] || vote.tied[y] - vote.tied[x] || x - y);
    const ratings = d.classes.reduce((n, v) => n + !Number.isNaN(v), 0);
    return {
      format: d.format, file: files.ratings.name, items: d.U, annotators: d.annotators, labels: d.labels, numeric: d.numeric, ratings, missing: d.U * d.R - ratings,
      level, alpha, bootstrap: { ...BOOTSTRAP, lower: boot.lower, upper: boot.upper }, fleiss, completeItems: complete,
      cohen, meanCohen: pairs ? sum / pairs : NaN, perAnnotator,
      contested: order.slice(0, 15).map((u) => ({ index: u, item: d.items[u], tied: vote.tied[u], support: vote.support[u], consensus: d.labels[vote.labels[u]],
        ratings: d.annotators.map((_, r) => (Number.isNaN(d.classes[u * d.R + r]) ? '' : d.labels[d.classes[u * d.R + r]])) })),
      consensus: d.items.map((item, u) => ({ item, label: d.labels[vote.labels[u]], tied: vote.tied[u], support: vote.support[u] })),
    };
  },

  render(r, out, { ms, simd }) {
    const C = r.labels.length;
    const kOpts = { levelOfMeasurement: r.level };
    out.replaceChildren(el('p', { class: 'muted', text: `${r.file}: ${r.format}${r.format === 'Label Studio' ? ' export' : ' table'}, ${r.ratings} ratings (${r.missing} missing); computed by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.` }));
    const count = (what, v) => el('td', { class: 'num', text: String(v), dataset: { value: String(v), count: what } });
    out.append(el('h3', { text: 'Overview' }), table('agreement-overview', ['', 'value'], [
      ['items', count('items', r.items)], ['annotators', count('annotators', r.annotators.length)], ['labels', count('labels', C)],
      [`Krippendorff's alpha (${r.level})`, resultCell('td', { metric: 'KrippendorffAlpha', value: r.alpha, options: kOpts })],
      [`alpha, ${r.bootstrap.confidenceLevel * 100}% bootstrap interval: lower`, resultCell('td', { metric: 'KrippendorffAlpha', value: r.bootstrap.lower, options: kOpts, key: 'lower', extra: { query: 'bootstrap', queryOptions: { nResamples: r.bootstrap.nResamples, confidenceLevel: r.bootstrap.confidenceLevel, seed: r.bootstrap.seed } } })],
      ['upper', resultCell('td', { metric: 'KrippendorffAlpha', value: r.bootstrap.upper, options: kOpts, key: 'upper', extra: { query: 'bootstrap', queryOptions: { nResamples: r.bootstrap.nResamples, confidenceLevel: r.bootstrap.confidenceLevel, seed: r.bootstrap.seed } } })],
      [`Fleiss' kappa (${r.completeItems} items rated by everyone)`, typeof r.fleiss === 'number' ? resultCell('td', { metric: 'FleissKappaRaters', value: r.fleiss, options: { numClasses: C }, extra: { subset: 'complete' } }) : (r.fleiss?.error ?? 'no item rated by every annotator')],
      ['mean pairwise Cohen\'s kappa', resultCell('td', { metric: 'CohenKappaMatrix', value: r.meanCohen, options: { numClasses: C }, key: 'meanPairwise' })],
    ]));
    out.append(el('h3', { text: 'Cohen\'s kappa of every pair' }), el('p', { class: 'muted', text: 'cell colour: kappa from -1 (red) through 0 to 1 (blue); pairs without a shared item are NaN' }),
      table('agreement-pairs', ['', ...r.annotators], r.cohen.map((row, a) => [r.annotators[a], ...row.map((v, b) => {
        const td = resultCell('td', { metric: 'CohenKappaMatrix', value: v, options: { numClasses: C }, key: `${a}.${b}` });
        if (Number.isFinite(v)) td.style.background = v >= 0 ? `rgba(59, 91, 219, ${0.6 * v})` : `rgba(201, 42, 42, ${-0.6 * v})`;
        return td;
      })])));
    out.append(el('h3', { text: 'Annotators' }), el('p', { class: 'muted', text: 'agreement with the majority label, over the items the annotator rated whose vote is not tied; then how often they gave each label' }),
      table('agreement-annotators', ['annotator', 'rated', 'agrees with majority', ...r.labels.map((l) => `"${l}"`)],
        r.perAnnotator.map((a) => [a.name, count('rated', a.rated), el('td', { class: 'num', text: fmt(a.agreement), dataset: { value: String(a.agreement), count: 'share-agreeing-with-majority' } }), ...a.distribution.map((n) => count('ratings', n))])));
    out.append(el('h3', { text: 'Most contested items' }), el('p', { class: 'muted', text: 'smallest majority share first; a tie is reported (the smallest tied label is shown), never broken silently' }),
      table('agreement-contested', ['item', ...r.annotators, 'majority', 'tied', 'majority share'], r.contested.map((c) => [c.item, ...c.ratings, c.consensus,
        resultCell('td', { metric: 'MajorityVote', value: c.tied, options: { numClasses: C }, key: `tied.${c.index}` }),
        resultCell('td', { metric: 'MajorityVote', value: c.support, options: { numClasses: C }, key: `support.${c.index}` })])));
    return [
      { label: `alpha (${r.level})`, metric: 'KrippendorffAlpha', value: r.alpha, options: kOpts },
      ...(typeof r.fleiss === 'number' ? [{ label: 'Fleiss\' kappa', metric: 'FleissKappaRaters', value: r.fleiss, options: { numClasses: C }, dataset: { subset: 'complete' } }] : []),
      { label: 'mean pairwise Cohen\'s kappa', metric: 'CohenKappaMatrix', value: r.meanCohen, options: { numClasses: C }, dataset: { key: 'meanPairwise' } },
    ];
  },

  /** A Node script printing the numbers shown (the page's reader included), for "Copy as code". */
  code(r, files) {
    return codeSnippet({ title: 'Agreement', files, helpers: [labelStudioRows, readRatings, inputsFor], consts: { ITEM, RATER, LABEL, BOOTSTRAP }, body: `
const d = readRatings(files.ratings.text, files.ratings.name);
const C = d.labels.length;
const kOpts = { levelOfMeasurement: ${JSON.stringify(r.level)} };
const ratings = (metric, subset) => inputsFor(d, metric, subset);
cells.push({ metric: 'KrippendorffAlpha', options: kOpts, value: computeMetric(wasmetrics, 'KrippendorffAlpha', kOpts, ratings('KrippendorffAlpha')) });
const boot = computeMetric(wasmetrics, 'KrippendorffAlpha', kOpts, ratings('KrippendorffAlpha'), { name: 'bootstrap', options: BOOTSTRAP });
for (const key of ['lower', 'upper']) cells.push({ metric: 'KrippendorffAlpha', options: kOpts, key, query: 'bootstrap', queryOptions: BOOTSTRAP, value: boot[key] });
${r.completeItems ? "cells.push({ metric: 'FleissKappaRaters', options: { numClasses: C }, subset: 'complete', value: computeMetric(wasmetrics, 'FleissKappaRaters', { numClasses: C }, ratings('FleissKappaRaters', 'complete')) }); // items rated by everyone" : '// no item is rated by every annotator: no Fleiss kappa'}
for (const metric of ['CohenKappaMatrix', 'MajorityVote']) cells.push({ metric, options: { numClasses: C }, value: computeMetric(wasmetrics, metric, { numClasses: C }, ratings(metric)) });
` });
  },

  csvRows(r) {
    return [['item', 'majority_label', 'tied', 'majority_share'], ...r.consensus.map((c) => [c.item, c.label, c.tied, c.support])];
  },

  /** The package's value for a shown cell: its metric and options on the same file's ratings. */
  async expected(cell, files, wasmetrics) {
    const d = readRatings(files.ratings.text, files.ratings.name);
    const query = cell.query ? { name: cell.query, options: cell.queryOptions } : null;
    const value = computeMetric(wasmetrics, cell.metric, cell.options, inputsFor(d, cell.metric, cell.subset), query);
    if (cell.key === 'meanPairwise') {
      const off = value.flatMap((row, a) => row.filter((v, b) => b > a && !Number.isNaN(v)));
      return off.reduce((s, v) => s + v, 0) / off.length;
    }
    return pick(value, cell.key);
  },
};
