// The Ranking mode (issue 22): a TREC qrels file and one or two run files -> MAP, MRR, NDCG@k,
// P@k and R@k of each run, the per-query table (run A against run B, sorted by the difference),
// and a paired comparison of the two runs (paired t-test, paired randomisation test) with two plots:
// each query's score in run A against run B, and the per-query differences sorted. Files are
// read by the npm package's readQrels / readRun / trecInputs (trec_eval's formats; a relevant
// document missing from a run counts as not retrieved; tied scores in trec_eval's order, by
// document id), the numbers computed by its Retrieval*
// metrics (evaluate runs in a Web Worker, mode-worker.mjs).
import { chartCell, codeSnippet, computeMetric, pick, readTable, resultCell, table } from '../mode-lib.mjs';
import {
  chooseSliceColumn,
  rowsAt,
  sliceChart,
  sliceColumns,
  sliceFocus,
  sliceOption,
  sliceTable,
  slicedMetrics,
} from '../slices.mjs';
import { el, fmt } from '../ui.mjs';

const RUNS = [
  ['run-a', 'A'],
  ['run-b', 'B'],
];
// [metric, takes the cut-off, graded relevance]
const METRICS = [
  ['RetrievalMAP', false, false, 'MAP'],
  ['RetrievalMRR', false, false, 'MRR'],
  ['RetrievalNormalizedDCG', true, true, 'NDCG@k'],
  ['RetrievalPrecision', true, false, 'P@k'],
  ['RetrievalRecall', true, false, 'R@k'],
];
const COMPARED = ['RetrievalMAP', 'RetrievalNormalizedDCG']; // per query and in the paired tests
const RANDOMIZATION = { trials: 10000, seed: 1 };
const WORST_QUERIES = 5;

function read(wasmetrics, files) {
  const parse = (role, fn) => {
    try {
      return fn(files[role].text);
    } catch (e) {
      throw new Error(`${files[role].name}: ${e.message}`);
    }
  };
  const tables = Object.fromEntries(
    RUNS.filter(([role]) => files[role] && wasmetrics.isTrecCsv(files[role].text)).map(([role]) => [
      role,
      parse(role, wasmetrics.readTrecCsv),
    ]),
  );
  // the judgments: the qrels file, else run A's table's relevance column
  if (!files.qrels && !tables['run-a'])
    throw new Error(
      `no judgments: give a qrels file, or run A as a CSV/TSV table with query, document, score and relevance columns (${files['run-a']?.name ?? 'run A'} is a run file)`,
    );
  const qrels = files.qrels ? parse('qrels', wasmetrics.readQrels) : tables['run-a'].qrels;
  if (!qrels.size) throw new Error(`${files['run-a'].name}: no row has a relevance: nothing is judged`);
  const runs = RUNS.filter(([role]) => files[role]).map(([role, tag]) => {
    const run = tables[role]?.run ?? parse(role, wasmetrics.readRun);
    const unjudged = [...run.keys()].filter((q) => !qrels.has(q));
    return {
      role,
      tag,
      name: files[role].name,
      run,
      unjudged,
      graded: wasmetrics.trecInputs(qrels, run),
      binary: wasmetrics.trecInputs(qrels, run, { binary: true }),
    };
  });
  return { qrels, runs };
}
/**
 * The query-level columns of run A's table ({name: {query: value}}): the columns other than the
 * query column whose value is the same on every row of a query (a topic, a source), which the
 * "Slice by column" option can slice the queries by. The query column is the one whose values
 * are the run's queries row for row (no copy of the package's list of column names).
 */
function queryColumns(text, run) {
  const { header, rows } = readTable(text, 'run A');
  const isQueryColumn = (j) => {
    const counts = new Map();
    for (const r of rows) counts.set(r[j], (counts.get(r[j]) ?? 0) + 1);
    return counts.size === run.size && [...run].every(([query, docs]) => counts.get(query) === docs.length);
  };
  const q = header.findIndex((_, j) => isQueryColumn(j));
  if (q < 0) return {};
  const out = {};
  header.forEach((name, j) => {
    if (j === q) return;
    const byQuery = new Map();
    for (const r of rows) {
      if (byQuery.has(r[q]) && byQuery.get(r[q]) !== r[j]) return;
      byQuery.set(r[q], r[j]);
    }
    out[name] = Object.fromEntries(byQuery);
  });
  return out;
}
/** A run's per-row slice keys (trecInputs' rows) for a query-level column. */
const rowSliceKeys = (inputs, byQuery) =>
  Array.from(inputs.indexes, (qi) => byQuery[inputs.queries[Number(qi)]] ?? '(not in the table)');
/** queryColumns as {name: [value per judged query]}: what sliceColumns counts. */
const perQueryColumns = (columns, queries) =>
  Object.fromEntries(
    Object.entries(columns).map(([name, byQuery]) => [name, queries.map((q) => byQuery[q] ?? '(not in the table)')]),
  );

const optionsOf = (metric, k) => (METRICS.find(([m]) => m === metric)[1] ? { topK: k } : {});
const inputsOf = (run, metric) => {
  const t = METRICS.find(([m]) => m === metric)[2] ? run.graded : run.binary;
  return [t.preds, t.target, t.indexes];
};
/** A run's per-query values of a metric, in the order of its `queries` (trecInputs sorts them). */
function perQuery(wasmetrics, run, metric, k) {
  const r = computeMetric(wasmetrics, metric, optionsOf(metric, k), inputsOf(run, metric), {
    name: 'per_query',
    options: {},
  });
  const byIndex = new Map(r.indexes.map((q, i) => [q, r.values[i]]));
  return run.graded.queries.map((_, qi) => byIndex.get(qi) ?? NaN);
}

/**
 * Run A against run B, query by query: a scatter of each query's AP and NDCG@k (A across, B up;
 * above the diagonal B is better), and the NDCG@k differences B − A sorted, one bar a query.
 */
function plots(r, out) {
  const [A, B] = r.runs;
  const box = el('div', { class: 'plots' });
  out.append(el('h3', { text: 'Per query: run A against run B' }), box);
  const colours = { RetrievalMAP: '#f59f00', RetrievalNormalizedDCG: '#3b5bdb' };
  const name = (m) => (m === 'RetrievalMAP' ? 'AP' : `NDCG@${r.k}`);
  chartCell(box, {
    id: 'ranking-scatter',
    title: `Per-query AP and NDCG@${r.k}: run A (across) against run B (up)`,
    fileName: `ranking-scatter-at-${r.k}.png`,
    config: {
      type: 'scatter',
      data: {
        datasets: [
          ...COMPARED.map((m) => ({
            label: name(m),
            data: r.queries.map((q, i) => ({ x: A.perQuery[m][i], y: B.perQuery[m][i], q })),
            backgroundColor: colours[m],
            borderColor: colours[m],
          })),
          {
            label: 'B = A',
            data: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
            showLine: true,
            borderColor: '#868e96',
            borderDash: [5, 4],
            pointRadius: 0,
          },
        ],
      },
      options: {
        plugins: {
          tooltip: {
            callbacks: {
              label: (c) =>
                c.raw.q === undefined
                  ? ''
                  : `query ${c.raw.q}: ${c.dataset.label} A ${c.raw.x.toFixed(3)}, B ${c.raw.y.toFixed(3)}`,
            },
          },
        },
        scales: {
          x: { min: 0, max: 1, title: { display: true, text: `run A (${A.name})` } },
          y: { min: 0, max: 1, title: { display: true, text: `run B (${B.name})` } },
        },
      },
    },
  });
  const diff = r.queries
    .map((q, i) => ({ q, d: B.perQuery.RetrievalNormalizedDCG[i] - A.perQuery.RetrievalNormalizedDCG[i] }))
    .sort((x, y) => x.d - y.d || (x.q < y.q ? -1 : 1));
  chartCell(box, {
    id: 'ranking-difference',
    title: `NDCG@${r.k} of run B − run A per query, sorted`,
    fileName: `ranking-difference-at-${r.k}.png`,
    config: {
      type: 'bar',
      data: {
        labels: diff.map((x) => x.q),
        datasets: [
          {
            label: `NDCG@${r.k} B − A`,
            data: diff.map((x) => x.d),
            backgroundColor: diff.map((x) => (x.d < 0 ? '#c92a2a' : '#2b8a3e')),
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: {
          x: { title: { display: true, text: 'query (largest loss of B first)' } },
          y: { title: { display: true, text: 'difference' } },
        },
      },
    },
  });
}

/** Run A's scores per slice of queries: the table and bar chart (slices.mjs), worst NDCG@k first. */
function renderSlices(slices, out) {
  const focus = sliceFocus(slices, 'RetrievalNormalizedDCG');
  out.append(
    ...sliceTable(slices, focus, (m, v, key) =>
      resultCell('td', {
        metric: m.name,
        value: v,
        options: m.options,
        extra: { run: 'A', slice: key, sliceBy: slices.column },
      }),
    ),
  );
  if (!focus) return;
  const plots = el('div', { class: 'plots' });
  out.append(el('p', { class: 'muted', text: `run A; a query's rows all go to its ${slices.column}'s slice` }), plots);
  chartCell(plots, {
    id: 'slice-plot',
    fileName: `ranking-${focus.label.replace(/\W+/g, '-')}-per-${slices.column}.png`,
    ...sliceChart(slices, focus),
  });
}

export default {
  name: 'ranking',
  title: 'Ranking (TREC runs)',
  label: 'Retrieval and ranking: TREC qrels and runs',
  about:
    "A qrels file (query iteration document relevance) and one or two runs (query Q0 document rank score tag), as trec_eval reads them; or a run as one CSV/TSV table with query, document, score and relevance columns (its relevance column then serves as the qrels). With two runs, each query's scores are compared and tested for a significant difference; the worst queries are listed with their top documents.",
  inputs: [
    {
      role: 'qrels',
      label: 'Qrels',
      hint: 'relevance judgments (not needed when run A is a table with a relevance column)',
      accept: '.txt,.qrels,.tsv',
      optional: true,
    },
    {
      role: 'run-a',
      label: 'Run A',
      hint: "a system's ranking: a run file, or a CSV/TSV with query, document, score, relevance columns",
      accept: '.txt,.run,.tsv,.csv',
    },
    {
      role: 'run-b',
      label: 'Run B',
      hint: 'a second system, to compare (run file or table)',
      accept: '.txt,.run,.tsv,.csv',
      optional: true,
    },
  ],
  options: [{ name: 'k', label: 'cut-off k', choices: [5, 10, 20, 100], default: 10 }, sliceOption],
  samples: [
    {
      name: 'two-runs',
      label: 'Search: BM25 against a reranker (12 queries)',
      files: {
        qrels: 'samples/ranking.qrels',
        'run-a': 'samples/ranking-bm25.run',
        'run-b': 'samples/ranking-rerank.run',
      },
    },
    {
      name: 'table',
      label: 'Search: BM25 as one CSV (query, document, score, relevance)',
      files: { 'run-a': 'samples/ranking-bm25.csv' },
    },
  ],

  async evaluate(files, wasmetrics, { k = '10', sliceBy } = {}, { progress = () => {} } = {}) {
    const cut = Number(k);
    progress(0, 'reading the qrels and runs');
    const { qrels, runs } = read(wasmetrics, files);
    const queries = runs[0].graded.queries;
    // slices: a query-level column of run A's table, every metric of run A per slice
    const columns = wasmetrics.isTrecCsv(files['run-a'].text) ? queryColumns(files['run-a'].text, runs[0].run) : {};
    const perQueryCols = perQueryColumns(columns, queries);
    const column = chooseSliceColumn(perQueryCols, sliceBy);
    const slices = column
      ? slicedMetrics(
          wasmetrics,
          column,
          rowSliceKeys(runs[0].graded, columns[column]),
          METRICS.map(([metric, , , label]) => ({
            name: metric,
            options: optionsOf(metric, cut),
            label: label.replace('k', String(cut)),
            inputs: inputsOf(runs[0], metric),
          })),
        )
      : null;
    const scores = runs.map((run, j) => {
      progress((j + 1) / (runs.length + 2), `run ${run.tag}`);
      return {
        tag: run.tag,
        name: run.name,
        unjudged: run.unjudged,
        missing: queries.filter((q) => !run.run.has(q)),
        metrics: METRICS.map(([metric, , , label]) => ({
          metric,
          label: label.replace('k', String(cut)),
          options: optionsOf(metric, cut),
          value: computeMetric(wasmetrics, metric, optionsOf(metric, cut), inputsOf(run, metric)),
        })),
        perQuery: Object.fromEntries(COMPARED.map((m) => [m, perQuery(wasmetrics, run, m, cut)])),
      };
    });
    progress((runs.length + 1) / (runs.length + 2), 'paired tests');
    const comparison =
      runs.length === 2
        ? COMPARED.map((metric) => {
            const [a, b] = scores.map((s) => s.perQuery[metric]);
            return {
              metric,
              options: optionsOf(metric, cut),
              tTest: wasmetrics.pairedTTest(b, a),
              randomization: { ...wasmetrics.pairedRandomizationTest(b, a, RANDOMIZATION), seed: RANDOMIZATION.seed },
            };
          })
        : null;
    // The worst queries (largest loss of B against A in NDCG@k, or worst NDCG@k of A), with each
    // run's top documents in trec_eval's order and their judgments: what a reviewer reads first.
    const loss = (i) =>
      scores.length === 2
        ? scores[1].perQuery.RetrievalNormalizedDCG[i] - scores[0].perQuery.RetrievalNormalizedDCG[i]
        : scores[0].perQuery.RetrievalNormalizedDCG[i];
    const worst = queries
      .map((q, i) => i)
      .sort((x, y) => loss(x) - loss(y) || x - y)
      .slice(0, WORST_QUERIES)
      .map((i) => ({
        query: queries[i],
        runs: runs.map((run) => ({
          tag: run.tag,
          docs: wasmetrics
            .trecRanking(run.run, queries[i])
            .slice(0, cut)
            .map((d) => ({ ...d, relevance: qrels.get(queries[i])?.get(d.doc) ?? null })),
        })),
        relevant: [...(qrels.get(queries[i]) ?? [])].filter(([, rel]) => rel > 0).length,
      }));
    return {
      optionChoices: { sliceBy: sliceColumns(perQueryCols) },
      slices,
      k: cut,
      judgedQueries: qrels.size,
      queries,
      runs: scores,
      comparison,
      worst,
    };
  },

  render(r, out, { ms, simd }) {
    const two = r.runs.length === 2;
    out.replaceChildren(
      el('p', {
        class: 'muted',
        text: `${r.judgedQueries} judged queries; ${r.runs.map((s) => `run ${s.tag}: ${s.name}`).join('; ')}. Computed by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.`,
      }),
    );
    const some = (qs) => `${qs.slice(0, 8).join(', ')}${qs.length > 8 ? `, … (${qs.length})` : ''}`;
    const warnings = r.runs.flatMap((s) => [
      ...(s.unjudged.length
        ? [
            `run ${s.tag} (${s.name}) ranks ${s.unjudged.length} queries the qrels do not judge, left out: ${some(s.unjudged)}`,
          ]
        : []),
      ...(s.missing.length
        ? [
            `run ${s.tag} (${s.name}) has no line for ${s.missing.length} judged queries, counted as retrieving nothing: ${some(s.missing)}`,
          ]
        : []),
    ]);
    if (warnings.length)
      out.append(el('ul', { class: 'warn', dataset: { warnings: '' } }, ...warnings.map((w) => el('li', { text: w }))));
    out.append(
      el('h3', { text: 'Scores' }),
      table(
        'ranking-scores',
        ['metric', ...r.runs.map((s) => `run ${s.tag}`)],
        r.runs[0].metrics.map((m, j) => [
          m.label,
          ...r.runs.map((s) =>
            resultCell('td', {
              metric: s.metrics[j].metric,
              value: s.metrics[j].value,
              options: s.metrics[j].options,
              extra: { run: s.tag },
            }),
          ),
        ]),
      ),
    );
    if (r.comparison) {
      out.append(
        el('h3', { text: 'Run B against run A (paired over queries)' }),
        table(
          'ranking-tests',
          [
            'metric',
            'mean difference (B − A)',
            't',
            'p (paired t-test)',
            `p (randomisation, ${RANDOMIZATION.trials} trials, seed ${RANDOMIZATION.seed})`,
          ],
          r.comparison.map((c) => {
            const cell = (key, value) =>
              resultCell('td', { metric: c.metric, value, options: c.options, key, extra: { run: 'B-A' } });
            return [
              c.metric === 'RetrievalMAP' ? 'AP' : `NDCG@${r.k}`,
              cell('tTest.meanDifference', c.tTest.meanDifference),
              cell('tTest.t', c.tTest.t),
              cell('tTest.pValue', c.tTest.pValue),
              cell('randomization.pValue', c.randomization.pValue),
            ];
          }),
        ),
      );
    }
    if (r.slices) renderSlices(r.slices, out);
    if (two) plots(r, out);
    const order = r.queries.map((_, i) => i);
    const key = two
      ? (i) => r.runs[1].perQuery.RetrievalNormalizedDCG[i] - r.runs[0].perQuery.RetrievalNormalizedDCG[i]
      : (i) => r.runs[0].perQuery.RetrievalNormalizedDCG[i];
    order.sort((x, y) => key(x) - key(y) || x - y);
    out.append(
      el('h3', {
        text: two
          ? `Per query (largest loss of B against A in NDCG@${r.k} first)`
          : `Per query (worst NDCG@${r.k} first)`,
      }),
      table(
        'ranking-per-query',
        [
          'query',
          ...r.runs.flatMap((s) => [`AP ${s.tag}`, `NDCG@${r.k} ${s.tag}`]),
          ...(two ? ['NDCG difference'] : []),
        ],
        order.map((i) => [
          r.queries[i],
          ...r.runs.flatMap((s) =>
            COMPARED.map((m) =>
              resultCell('td', {
                metric: m,
                value: s.perQuery[m][i],
                options: r.runs[0].metrics.find((x) => x.metric === m).options,
                key: `query.${r.queries[i]}`,
                extra: { run: s.tag },
              }),
            ),
          ),
          ...(two
            ? [el('td', { class: 'num', text: fmt(key(i)), dataset: { value: String(key(i)), count: 'difference' } })]
            : []),
        ]),
      ),
    );
    out.append(
      el('h3', { text: `The ${r.worst.length} worst queries: their top ${r.k} documents` }),
      el('p', {
        class: 'muted',
        text: `${two ? 'largest loss of B against A' : 'lowest'} in NDCG@${r.k} first; documents in trec_eval's order (score, then document id); relevance from the judgments, "–" unjudged`,
      }),
    );
    for (const w of r.worst) {
      const depth = Math.max(...w.runs.map((x) => x.docs.length), 0);
      out.append(
        el('h4', { text: `query ${w.query} (${w.relevant} relevant documents judged)` }),
        table(
          `ranking-worst-${w.query}`,
          ['rank', ...w.runs.flatMap((x) => [`run ${x.tag}: document`, 'score', 'relevance'])],
          Array.from({ length: depth }, (_, i) => [
            String(i + 1),
            ...w.runs.flatMap((x) => {
              const d = x.docs[i];
              if (!d) return ['', '', ''];
              return [
                d.doc,
                fmt(d.score),
                el('td', {
                  class: d.relevance > 0 ? 'num relevant' : 'num',
                  text: d.relevance === null ? '–' : String(d.relevance),
                  dataset: { relevance: d.relevance === null ? '' : String(d.relevance) },
                }),
              ];
            }),
          ]),
        ),
      );
    }
    const head = (tag, metric) => r.runs.find((s) => s.tag === tag).metrics.find((m) => m.metric === metric);
    return r.runs.flatMap((s) =>
      ['RetrievalMAP', 'RetrievalNormalizedDCG'].map((metric) => {
        const m = head(s.tag, metric);
        return { label: `${m.label} (${s.tag})`, metric, value: m.value, options: m.options, dataset: { run: s.tag } };
      }),
    );
  },

  /** A Node script printing the numbers shown (readQrels/readRun/trecInputs of the package), for "Copy as code". */
  code(r, files) {
    return codeSnippet({
      title: 'Ranking',
      files,
      helpers: [read, optionsOf, inputsOf, perQuery, queryColumns, rowSliceKeys],
      consts: { RUNS, METRICS, COMPARED, RANDOMIZATION },
      body: `
const k = ${r.k};
const { runs } = read(wasmetrics, files);
${
  r.slices
    ? `// run A per ${r.slices.column} (the page's slices table): one SlicedMetric per metric, one pass
const sliceBy = ${JSON.stringify(r.slices.column)};
const sliceKeys = rowSliceKeys(runs[0].graded, queryColumns(files['run-a'].text, runs[0].run)[sliceBy]);
for (const [metric] of METRICS) {
  const sliced = new wasmetrics.SlicedMetric(wasmetrics.createMetric(metric, optionsOf(metric, k)));
  try {
    sliced.update(...inputsOf(runs[0], metric), sliceKeys);
    for (const s of plain(sliced.compute()).slices) cells.push({ metric, options: optionsOf(metric, k), run: 'A', slice: JSON.stringify(s.key), sliceBy, count: s.count, value: s.value });
  } catch (e) {
    console.error(metric, 'per slice:', e.message); // the page shows it under the slices table
  } finally {
    sliced.dispose();
  }
}`
    : ''
}
for (const run of runs) {
  for (const [metric] of METRICS) cells.push({ metric, options: optionsOf(metric, k), run: run.tag, value: computeMetric(wasmetrics, metric, optionsOf(metric, k), inputsOf(run, metric)) });
  for (const metric of COMPARED) perQuery(wasmetrics, run, metric, k).forEach((value, i) => cells.push({ metric, options: optionsOf(metric, k), run: run.tag, key: 'query.' + run.graded.queries[i], value }));
}
if (runs.length === 2) for (const metric of COMPARED) {
  const [a, b] = runs.map((run) => perQuery(wasmetrics, run, metric, k));
  const tTest = wasmetrics.pairedTTest(b, a);
  const randomization = wasmetrics.pairedRandomizationTest(b, a, RANDOMIZATION);
  for (const key of ['tTest.meanDifference', 'tTest.t', 'tTest.pValue', 'randomization.pValue']) cells.push({ metric, options: optionsOf(metric, k), run: 'B-A', key, value: pick({ tTest, randomization }, key) });
}
`,
    });
  },

  csvRows(r) {
    return [
      ['query', ...r.runs.flatMap((s) => COMPARED.map((m) => `${m} ${s.tag}`))],
      ...r.queries.map((q, i) => [q, ...r.runs.flatMap((s) => COMPARED.map((m) => s.perQuery[m][i]))]),
      ...(r.slices?.metrics ?? []).flatMap((m) =>
        (m.slices ?? []).map((s) => [`run A ${r.slices.column}=${s.key} (${s.count} rows)`, m.name, s.value ?? '']),
      ),
    ];
  },

  /** The package's value for a shown cell: its metric (or per-query value, or paired test) on the same files. */
  async expected(cell, files, wasmetrics) {
    const { runs } = read(wasmetrics, files);
    if (cell.slice !== undefined) {
      // run A's rows of the slice's queries picked here, the metric run on them alone
      const byQuery = queryColumns(files['run-a'].text, runs[0].run)[cell.sliceBy];
      const key = JSON.parse(cell.slice);
      const keys = rowSliceKeys(runs[0].graded, byQuery);
      const idx = keys.flatMap((x, i) => (x === key ? [i] : []));
      return computeMetric(
        wasmetrics,
        cell.metric,
        cell.options,
        inputsOf(runs[0], cell.metric).map((x) => rowsAt(x, idx)),
      );
    }
    const k = cell.options.topK ?? 10;
    const runOf = (tag) => runs.find((s) => s.tag === tag);
    if (cell.run === 'B-A') {
      const [a, b] = ['A', 'B'].map((tag) => perQuery(wasmetrics, runOf(tag), cell.metric, k));
      const [test, field] = cell.key.split('.');
      return (
        test === 'tTest' ? wasmetrics.pairedTTest(b, a) : wasmetrics.pairedRandomizationTest(b, a, RANDOMIZATION)
      )[field];
    }
    const run = runOf(cell.run);
    if (cell.key?.startsWith('query.'))
      return perQuery(wasmetrics, run, cell.metric, k)[run.graded.queries.indexOf(cell.key.slice(6))];
    return pick(computeMetric(wasmetrics, cell.metric, cell.options, inputsOf(run, cell.metric)), cell.key);
  },
};
