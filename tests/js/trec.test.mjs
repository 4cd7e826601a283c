// trec_eval readers and run comparison (npm/src/trec.mjs) through the package: small qrels and run
// files, broken ones, relevant documents missing from the run, and the paired tests against exact
// references (Cauchy tail for df = 1, full sign-flip enumeration for the randomisation test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importPackage } from './helpers.mjs';

const wm = await importPackage();
await wm.init();

const QRELS = `q1 0 d1 1
q1 0 d2 0
q1 0 d3 2
q2 0 d7 1

q3 0 d9 0
`;
// q1: d3 (relevant) first, d2 (judged 0), d5 (unjudged); d1 (relevant) is missing from the run.
// q2 is judged but absent from the run; q9 is in the run but not judged (left out).
const RUN = `q1 Q0 d2 2 0.5 tag
q1 Q0 d3 1 0.9 tag
q1 Q0 d5 3 0.1 tag
q9 Q0 d1 1 0.3 tag
`;

test('readQrels / readRun read the files; trecInputs lines them up for the Retrieval metrics', () => {
  const qrels = wm.readQrels(QRELS);
  assert.deepEqual([...qrels.keys()], ['q1', 'q2', 'q3']);
  assert.equal(qrels.get('q1').get('d3'), 2);
  const run = wm.readRun(RUN);
  assert.deepEqual(
    run.get('q1').map((r) => r.doc),
    ['d2', 'd3', 'd5'],
  );
  const rows = wm.trecInputs(qrels, run, { binary: true });
  assert.deepEqual(rows.queries, ['q1', 'q2', 'q3']);
  // depth 3 (q1 retrieved 3): q1 = three retrieved in trec_eval's order (d3 0.9, d2 0.5, d5 0.1)
  // + d1 not retrieved; q2 = three fillers + d7 not retrieved; q3: nothing relevant, nothing
  // retrieved, no rows. preds: the rank as a score (3, 2, 1), the fillers, -Infinity.
  assert.deepEqual(Array.from(rows.target), [1, 0, 0, 1, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(rows.indexes, Number), [0, 0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(rows.preds.subarray(0, 3)), [3, 2, 1]);
  assert.equal(rows.preds[3], -Infinity);
  // ties: 'keep': the run's scores in file order (d2, d3, d5)
  const kept = wm.trecInputs(qrels, run, { binary: true, ties: 'keep' });
  assert.deepEqual(Array.from(kept.target), [0, 1, 0, 1, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(kept.preds.subarray(0, 3)), Array.from(Float32Array.of(0.5, 0.9, 0.1)));
  assert.throws(() => wm.trecInputs(qrels, run, { ties: 'random' }), /ties must be 'docno'.*got "random"/);
  // Recall@3: q1 1/2 (d1 was not retrieved), q2 0 (nothing retrieved): mean 0.25; P@3 q1 1/3, q2 0
  const recall = new wm.RetrievalRecall({ topK: 3 });
  recall.update(rows.preds, rows.target, rows.indexes);
  assert.ok(Math.abs(recall.compute() - 0.25) < 1e-7);
  const pq = recall.perQuery();
  assert.deepEqual(Array.from(pq.values.data), [0.5, 0]);
  recall.dispose();
  const precision = new wm.RetrievalPrecision({ topK: 3 });
  precision.update(rows.preds, rows.target, rows.indexes);
  assert.ok(Math.abs(precision.compute() - 1 / 6) < 1e-7);
  precision.dispose();
  assert.throws(() => wm.trecInputs(qrels, run, { depth: 0 }), /depth/);
  // graded relevance for NDCG: d3 keeps its 2
  assert.deepEqual(Array.from(wm.trecInputs(qrels, run).target), [2, 0, 0, 1, 0, 0, 0, 1]);
});

// Tied scores, worked by hand with trec_eval's rule (form_res_rels.c: score descending as a double,
// then document id descending in byte order; the rank column is ignored).
test("tied scores: trecInputs orders them as trec_eval does (document id descending), 'keep' as the metrics do", () => {
  const qrels = wm.readQrels(
    ['t1 0 a 2', 't1 0 b 0', 't1 0 c 1', 't1 0 d 0', 't2 0 y 1', 't2 0 z 0', 't3 0 \u{1F600} 1', 't3 0 \uFB01 0'].join(
      '\n',
    ),
  );
  const run = wm.readRun(
    [
      // t1: a, b, c tie at 1.0 -> trec_eval ranks c, b, a, then d
      't1 Q0 a 1 1.0 r',
      't1 Q0 b 2 1.0 r',
      't1 Q0 c 3 1.0 r',
      't1 Q0 d 4 0.5 r',
      // t2: 0.30000001 > 0.3 as doubles (trec_eval: y first), equal as float32
      't2 Q0 z 1 0.3 r',
      't2 Q0 y 2 0.30000001 r',
      // t3: a tie; UTF-8 bytes F0.. (emoji) > EF.. (U+FB01), though UTF-16 orders them the other way
      't3 Q0 \uFB01 1 2 r',
      't3 Q0 \u{1F600} 2 2 r',
    ].join('\n'),
  );
  assert.equal(Math.fround(0.3), Math.fround(0.30000001), 'the t2 case needs scores equal in float32');
  const perQuery = (Cls, options, rows) => {
    const m = new Cls(options);
    try {
      m.update(rows.preds, rows.target, rows.indexes);
      return Array.from(m.perQuery().values.data);
    } finally {
      m.dispose();
    }
  };
  const close = (a, b) =>
    assert.ok(a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-6), `${a} vs ${b}`);
  // binary at relevance >= 2: only t1's a (rank 3 in trec_eval's order), t2's y (rank 1), t3's emoji (rank 1)
  const strict = { binary: true, minRelevance: 2 };
  const docno = wm.trecInputs(qrels, run, strict);
  close(perQuery(wm.RetrievalMRR, {}, docno), [1 / 3, 0, 0]); // t2, t3: nothing at relevance 2
  const trecBinary = wm.trecInputs(qrels, run, { binary: true });
  // relevance >= 1: t1 ranks c (rel), b, a (rel), d: AP (1 + 2/3) / 2; t2 y first: 1; t3 emoji first: 1
  close(perQuery(wm.RetrievalMAP, {}, trecBinary), [(1 + 2 / 3) / 2, 1, 1]);
  close(perQuery(wm.RetrievalMRR, {}, trecBinary), [1, 1, 1]);
  // graded NDCG, no tie averaging: t1 gains c 1, b 0, a 2, d 0: DCG 1 + 2/log2(4) = 2; ideal 2 + 1/log2(3)
  const graded = wm.trecInputs(qrels, run);
  close(perQuery(wm.RetrievalNormalizedDCG, {}, graded).slice(0, 1), [2 / (2 + 1 / Math.log2(3))]);
  // 'keep': the metrics' rule. t1 in file order a, b, c: MRR at relevance >= 2 is 1; t2: z first
  // (float32 tie, file order): RR 1/2; t3: U+FB01 first: RR 1/2
  const kept = wm.trecInputs(qrels, run, { ...strict, ties: 'keep' });
  close(perQuery(wm.RetrievalMRR, {}, kept), [1, 0, 0]);
  close(perQuery(wm.RetrievalMRR, {}, wm.trecInputs(qrels, run, { binary: true, ties: 'keep' })), [1, 1 / 2, 1 / 2]);
  // and NDCG averages the tied group's gain (2 + 0 + 1) / 3 over ranks 1-3 (TorchMetrics, scikit-learn)
  const tied = (1 + 1 / Math.log2(3) + 1 / 2) * 1;
  close(perQuery(wm.RetrievalNormalizedDCG, {}, wm.trecInputs(qrels, run, { ties: 'keep' })).slice(0, 1), [
    tied / (2 + 1 / Math.log2(3)),
  ]);
});

test("negInfNotRetrieved: trec_eval's map / recip_rank / Rprec / ndcg without a cut", () => {
  const rows = wm.trecInputs(wm.readQrels(QRELS), wm.readRun(RUN), { binary: true });
  const value = (Cls, options) => {
    const m = new Cls(options);
    m.update(rows.preds, rows.target, rows.indexes);
    const v = m.perQuery().values.data;
    m.dispose();
    return Array.from(v);
  };
  const close = (a, b) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${a} vs ${b}`));
  const trec = { negInfNotRetrieved: true };
  // q1 ranks d3 (rel), d2, d5 and misses d1 (R = 2): map 1/2, recip_rank 1, Rprec 1/2; q2 retrieved
  // nothing: 0 everywhere (trec_eval's per-query values; q3 has no relevant document: left out by
  // trec_eval, empty_target_action 'neg' scores it 0 here, and it has no rows at all).
  close(value(wm.RetrievalMAP, trec), [0.5, 0]);
  close(value(wm.RetrievalMRR, trec), [1, 0]);
  close(value(wm.RetrievalRPrecision, trec), [0.5, 0]);
  // ndcg: DCG 1 (d3 at rank 1), ideal 1 + 1/log2(3)
  close(value(wm.RetrievalNormalizedDCG, { ...trec }), [1 / (1 + 1 / Math.log2(3)), 0]);
  // TorchMetrics' reading ranks the missing documents after the padding: d1 at rank 4 of q1
  close(value(wm.RetrievalMAP, {}), [(1 + 2 / 4) / 2, 1 / 4]);
  assert.throws(() => new wm.RetrievalAUROC(trec), /neg_inf_not_retrieved|negInfNotRetrieved/);
});

test('broken files are TrecFormatErrors naming the line', () => {
  const cases = [
    [() => wm.readQrels('q1 0 d1\n'), /qrels line 1: expected 4 columns/],
    [() => wm.readQrels('q1 0 d1 1\nq1 0 d2 high\n'), /qrels line 2: relevance must be an integer, got "high"/],
    [() => wm.readQrels('q1 0 d1 1\nq1 0 d1 0\n'), /qrels line 2: document "d1" of query "q1" is judged twice/],
    [() => wm.readRun('q1 Q0 d1 1 0.5\n'), /run line 1: expected 6 columns/],
    [() => wm.readRun('q1 Q0 d1 first 0.5 t\n'), /run line 1: rank must be an integer/],
    [() => wm.readRun('q1 Q0 d1 1 NaN t\n'), /run line 1: score must be a finite number, got "NaN"/],
    [
      () => wm.readRun('q1 Q0 d1 1 0.5 t\nq1 Q0 d1 2 0.4 t\n'),
      /run line 2: document "d1" is listed twice for query "q1"/,
    ],
  ];
  for (const [f, pattern] of cases) assert.throws(f, (e) => e instanceof wm.TrecFormatError && pattern.test(e.message));
  assert.throws(() => wm.readRun(42), TypeError);
  assert.throws(() => wm.trecInputs({}, new Map()), TypeError);
});

test('pairedTTest: df = 1 follows the Cauchy tail exactly; identical runs give p = 1', () => {
  for (const t of [0.5, 1, 3, 12.706]) {
    // two differences x, y with (x + y) / |x - y| = t
    const x = (t + 1) / 2;
    const y = (t - 1) / 2;
    const r = wm.pairedTTest([x, y], [0, 0]);
    assert.ok(Math.abs(r.t - t) < 1e-12);
    const want = 1 - (2 / Math.PI) * Math.atan(t);
    assert.ok(Math.abs(r.pValue - want) < 1e-10, `t=${t}: ${r.pValue} vs ${want}`);
  }
  assert.equal(wm.pairedTTest([0.3, 0.4, 0.5], [0.3, 0.4, 0.5]).pValue, 1);
  assert.throws(() => wm.pairedTTest([1, 2], [1]), /2 and 1/);
  assert.throws(() => wm.pairedTTest([1, NaN], [1, 2]), /non-finite/);
});

test('pairedRandomizationTest: seeded (same seed, same p) and close to the exact sign-flip p-value', () => {
  const a = [0.5, 0.62, 0.7, 0.41, 0.9, 0.3, 0.55, 0.8];
  const b = [0.4, 0.65, 0.5, 0.35, 0.7, 0.35, 0.5, 0.6];
  const d = a.map((v, i) => v - b[i]);
  const observed = Math.abs(d.reduce((s, v) => s + v, 0));
  let atLeast = 0;
  for (let mask = 0; mask < 1 << d.length; mask++) {
    const s = d.reduce((acc, v, i) => acc + ((mask >> i) & 1 ? v : -v), 0);
    if (Math.abs(s) >= observed - 1e-12) atLeast++;
  }
  const exact = atLeast / (1 << d.length);
  const r1 = wm.pairedRandomizationTest(a, b, { trials: 20000, seed: 7 });
  const r2 = wm.pairedRandomizationTest(a, b, { trials: 20000, seed: 7 });
  assert.equal(r1.pValue, r2.pValue);
  assert.ok(Math.abs(r1.pValue - exact) < 0.01, `${r1.pValue} vs exact ${exact}`);
  assert.notEqual(wm.pairedRandomizationTest(a, b, { trials: 20000, seed: 8 }).pValue, r1.pValue);
  assert.throws(() => wm.pairedRandomizationTest(a, b, { trials: 0 }), /trials/);
});

test('readTrecCsv: one table (query, document, score, relevance) gives the qrels and the run; trecRanking orders as trec_eval', () => {
  const csv = 'qid\tdocno\tscore\trel\textra\nq1\tb\t2.5\t1\tx\nq1\ta\t2.5\t\tx\nq1\tc\t9\t0\tx\n\nq2\td\t1\t2\tx\n';
  const { qrels, run } = wm.readTrecCsv(csv);
  assert.deepEqual(
    [...qrels.get('q1')],
    [
      ['b', 1],
      ['c', 0],
    ],
    'an empty relevance is unjudged',
  );
  assert.deepEqual([...qrels.get('q2')], [['d', 2]]);
  assert.deepEqual(
    run.get('q1').map((d) => [d.doc, d.rank, d.score]),
    [
      ['b', 1, 2.5],
      ['a', 2, 2.5],
      ['c', 3, 9],
    ],
  );
  // trec_eval's order: score descending, the tie of a and b by document id descending
  assert.deepEqual(
    wm.trecRanking(run, 'q1').map((d) => [d.doc, d.rank]),
    [
      ['c', 1],
      ['b', 2],
      ['a', 3],
    ],
  );
  assert.deepEqual(wm.trecRanking(run, 'nope'), []);
  // the same numbers as the two trec_eval files holding the same lines
  const fromFiles = wm.trecInputs(
    wm.readQrels('q1 0 b 1\nq1 0 c 0\nq2 0 d 2\n'),
    wm.readRun('q1 Q0 b 1 2.5 t\nq1 Q0 a 2 2.5 t\nq1 Q0 c 3 9 t\nq2 Q0 d 1 1 t\n'),
  );
  const fromCsv = wm.trecInputs(qrels, run);
  for (const k of ['preds', 'target', 'indexes', 'queries'])
    assert.deepEqual(Array.from(fromCsv[k]), Array.from(fromFiles[k]), k);
  assert.equal(wm.isTrecCsv(csv), true);
  assert.equal(wm.isTrecCsv('\nquery,document,score,relevance\n'), true);
  assert.equal(wm.isTrecCsv('q1 Q0 doc1 1 2.5 run\n'), false, 'a trec_eval run file');
  assert.equal(wm.isTrecCsv('q1\tQ0\tdoc1\t1\t2.5\trun\n'), false, 'a tab-separated run file');
  const comma = wm.readTrecCsv('query,document,score,relevance\nq,x,1,1\n');
  assert.equal(comma.run.get('q')[0].doc, 'x');
});

test('readTrecCsv: broken tables are TrecFormatErrors naming the line', () => {
  const bad = [
    ['query,document,relevance\nq,x,1\n', /line 1: the header needs a column for score\/sim\/similarity/],
    ['query,document,score,relevance\nq,x,high,1\n', /line 2: score must be a finite number, got "high"/],
    ['query,document,score,relevance\nq,x,1,yes\n', /line 2: relevance must be an integer/],
    ['query,document,score,relevance\nq,x,1,1\nq,x,2,0\n', /line 3: document "x" is listed twice for query "q"/],
    ['query,document,score,relevance\nq,x,1\n', /line 2: 3 fields, the header has 4/],
    ['query,document,score,relevance\n', /no rows after the header/],
    ['', /the file is empty/],
  ];
  for (const [text, re] of bad)
    assert.throws(
      () => wm.readTrecCsv(text),
      (e) => e instanceof wm.TrecFormatError && re.test(e.message),
      JSON.stringify(text),
    );
  assert.throws(() => wm.trecRanking({}, 'q'), TypeError);
});
