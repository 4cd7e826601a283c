// trec_eval files and run comparison, in plain JS (no WASM): read qrels and run files into the
// (preds, target, indexes) rows the Retrieval* metrics take, and compare two runs query by query
// with a paired t-test or a seeded paired randomisation test.
import { incompleteBeta } from './distributions.mjs';

export class TrecFormatError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TrecFormatError';
  }
}

function lines(text, what) {
  if (typeof text !== 'string') throw new TypeError(`${what}: expected the file's text (a string), got ${typeof text}`);
  return text.split(/\r?\n/);
}

// A line's whitespace-separated fields, as many as `names` lists; null for a blank line.
function columnsOf(line, at, names) {
  if (!line.trim()) return null;
  const f = line.trim().split(/\s+/);
  const n = names.split(' ').length;
  if (f.length !== n)
    throw new TrecFormatError(`${at}: expected ${n} columns (${names}), got ${f.length}: ${JSON.stringify(line)}`);
  return f;
}

/**
 * Reads a qrels file: one judgment per line, `query iteration document relevance` (whitespace
 * separated; the iteration column is ignored; relevance an integer, <= 0 is not relevant).
 * Blank lines are skipped. Returns Map<query, Map<document, relevance>>. Throws TrecFormatError
 * naming the line for a wrong column count, a non-integer relevance or a document judged twice.
 */
export function readQrels(text) {
  const out = new Map();
  lines(text, 'readQrels').forEach((line, i) => {
    const at = `qrels line ${i + 1}`;
    const f = columnsOf(line, at, 'query iteration document relevance');
    if (!f) return;
    const [query, , doc, relText] = f;
    if (!/^[+-]?\d+$/.test(relText))
      throw new TrecFormatError(`${at}: relevance must be an integer, got ${JSON.stringify(relText)}`);
    if (!out.has(query)) out.set(query, new Map());
    const judged = out.get(query);
    if (judged.has(doc))
      throw new TrecFormatError(
        `${at}: document ${JSON.stringify(doc)} of query ${JSON.stringify(query)} is judged twice`,
      );
    judged.set(doc, Number(relText));
  });
  return out;
}

/**
 * Reads a run file: one retrieved document per line, `query Q0 document rank score tag`
 * (whitespace separated; Q0 and tag are not checked; rank an integer, score a finite number).
 * Returns Map<query, Array<{doc, rank, score}>> in file order. As trec_eval, the ranking is by
 * score (rank only documents the file). Throws TrecFormatError naming the line for a wrong
 * column count, a bad rank or score, or a document listed twice for one query.
 */
export function readRun(text) {
  const out = new Map();
  const seen = new Map();
  lines(text, 'readRun').forEach((line, i) => {
    const at = `run line ${i + 1}`;
    const f = columnsOf(line, at, 'query Q0 document rank score tag');
    if (!f) return;
    const [query, , doc, rankText, scoreText] = f;
    if (!/^[+-]?\d+$/.test(rankText))
      throw new TrecFormatError(`${at}: rank must be an integer, got ${JSON.stringify(rankText)}`);
    const score = Number(scoreText);
    if (scoreText === '' || !Number.isFinite(score))
      throw new TrecFormatError(`${at}: score must be a finite number, got ${JSON.stringify(scoreText)}`);
    if (!out.has(query)) {
      out.set(query, []);
      seen.set(query, new Set());
    }
    if (seen.get(query).has(doc))
      throw new TrecFormatError(
        `${at}: document ${JSON.stringify(doc)} is listed twice for query ${JSON.stringify(query)}`,
      );
    seen.get(query).add(doc);
    out.get(query).push({ doc, rank: Number(rankText), score });
  });
  return out;
}

/**
 * The rows of a run against its qrels, ready for `metric.update(preds, target, indexes)`:
 * `{preds: Float32Array, target: Int32Array, indexes: BigInt64Array, queries: string[]}`, where
 * indexes[i] is the position of the row's query in `queries` (the judged queries, sorted as
 * trec_eval sorts them: by string). Only judged queries count (trec_eval's default); a judged
 * query absent from the run still counts through its relevant documents. A retrieved document
 * without a judgment is not relevant. Relevant documents missing from the run are not retrieved:
 * every query is first padded to `depth` rows (default: the largest number of documents a query
 * retrieved) with non-relevant filler rows (score -3.4e38), then they are added with score
 * -Infinity, so a cut `topK <= depth` never reaches them while recall still counts them (and a
 * filler counts as a non-relevant document, as trec_eval's P@k counts missing ranks). Without a
 * cut, give the metric `negInfNotRetrieved: true` for trec_eval's numbers (map, recip_rank, Rprec,
 * ndcg, set_recall): the -Infinity rows then count in the totals but hold no rank.
 * `relevance` is the judged value clipped at 0 (graded, for RetrievalNormalizedDCG); pass
 * `{binary: true}` for 0/1 (relevance >= `minRelevance`, default 1).
 *
 * Tied scores (`ties`): trec_eval ranks a query's documents by score (a double) descending and
 * breaks ties by document id, descending in byte order (form_res_rels.c, comp_sim_docno); the
 * file's rank column is ignored. With `ties: 'docno'` (the default) the rows come in that order
 * and `preds` are not the run's scores but the rank as a score (n, n-1, ..., 1 for a query's n
 * retrieved documents), so every metric, NDCG included, sees trec_eval's order, and two scores
 * that differ only beyond float32's precision stay apart. `ties: 'keep'` gives the run's scores
 * (as float32) in file order: the metrics' own rule (TorchMetrics'), where NDCG averages the gain
 * over tied documents and the other metrics rank ties in the order the rows arrive.
 */
export function trecInputs(qrels, run, { binary = false, minRelevance = 1, depth, ties = 'docno' } = {}) {
  if (!(qrels instanceof Map) || !(run instanceof Map))
    throw new TypeError('trecInputs(qrels, run): pass the Maps readQrels() and readRun() return');
  const queries = [...qrels.keys()].sort();
  const maxDepth = Math.max(1, ...queries.map((q) => (run.get(q) ?? []).length));
  const rows = depth ?? maxDepth;
  if (!Number.isSafeInteger(rows) || rows < 1)
    throw new RangeError(`trecInputs: depth must be a positive integer, got ${depth}`);
  if (ties !== 'docno' && ties !== 'keep')
    throw new RangeError(
      `trecInputs: ties must be 'docno' (trec_eval's order) or 'keep' (the run's scores), got ${JSON.stringify(ties)}`,
    );
  if (ties === 'docno' && maxDepth > MAX_RANK_SCORE)
    throw new RangeError(
      `trecInputs: a query retrieves ${maxDepth} documents; ranks as float32 scores are exact up to ${MAX_RANK_SCORE}: pass ties: 'keep'`,
    );
  const preds = [];
  const target = [];
  const indexes = [];
  const rel = (r) => (binary ? (r >= minRelevance ? 1 : 0) : Math.max(0, r));
  const push = (score, t, qi) => {
    preds.push(score);
    target.push(t);
    indexes.push(BigInt(qi));
  };
  queries.forEach((q, qi) => {
    const judged = qrels.get(q);
    const retrieved = new Set();
    const ranked = ties === 'docno' ? trecOrder(run.get(q) ?? []) : (run.get(q) ?? []);
    ranked.forEach(({ doc, score }, i) => {
      retrieved.add(doc);
      push(ties === 'docno' ? ranked.length - i : score, rel(judged.get(doc) ?? 0), qi);
    });
    const missing = [...judged].filter(([doc, r]) => !retrieved.has(doc) && rel(r) > 0);
    if (!missing.length) return;
    for (let k = retrieved.size; k < rows; k++) push(-3.4e38, 0, qi);
    for (const [, r] of missing) push(-Infinity, rel(r), qi);
  });
  return {
    preds: Float32Array.from(preds),
    target: Int32Array.from(target),
    indexes: BigInt64Array.from(indexes),
    queries,
  };
}

// Ranks n, n-1, ..., 1 as float32 scores are exact (and distinct) up to 2^24.
const MAX_RANK_SCORE = 2 ** 24;

/**
 * Byte order of two strings' UTF-8 (C's strcmp, as trec_eval compares document ids). UTF-16 code
 * unit order is the same except around surrogate pairs (code points above U+FFFF).
 */
function compareBytes(a, b) {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const [x, y] = [ENCODER.encode(a), ENCODER.encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
const SURROGATE = /[\uD800-\uDFFF]/;
const ENCODER = new TextEncoder();

/**
 * A query's retrieved documents in trec_eval's order: score descending, ties by document id
 * descending (byte order).
 */
function trecOrder(docs) {
  return [...docs].sort((p, q) => q.score - p.score || compareBytes(q.doc, p.doc));
}

/**
 * A query's retrieved documents as trec_eval ranks them (score descending, ties by document id
 * descending in byte order; the file's rank column ignored): [{doc, score, rank}], rank from 1.
 * A query the run does not hold gives [].
 */
export function trecRanking(run, query) {
  if (!(run instanceof Map)) throw new TypeError('trecRanking(run, query): pass the Map readRun() returns');
  return trecOrder(run.get(query) ?? []).map(({ doc, score }, i) => ({ doc, score, rank: i + 1 }));
}

const CSV_COLUMNS = {
  query: ['query', 'qid', 'query_id', 'topic'],
  doc: ['document', 'doc', 'docid', 'doc_id', 'docno'],
  score: ['score', 'sim', 'similarity'],
  relevance: ['relevance', 'rel', 'label', 'judgment', 'judgement'],
};

/**
 * Whether a file is a ranking table for readTrecCsv rather than a trec_eval run file: its first
 * line is a header naming a query and a score column (comma- or tab-separated).
 */
export function isTrecCsv(text) {
  const head =
    String(text)
      .slice(0, 4096)
      .split(/\r?\n/)
      .find((l) => l.trim() !== '') ?? '';
  const names = head.split(head.includes('\t') ? '\t' : ',').map((h) => h.trim().toLowerCase());
  return names.some((n) => CSV_COLUMNS.query.includes(n)) && names.some((n) => CSV_COLUMNS.score.includes(n));
}

/**
 * A ranking as one table: CSV or TSV (the delimiter is the header's: tab if it has one, else
 * comma) with a header naming a query, a document, a score and a relevance column (query/qid,
 * document/doc/docid/docno, score, relevance/rel/label; any order, other columns ignored). Each
 * row is a retrieved document with its score; an empty relevance is an unjudged document.
 * Returns {qrels, run} as readQrels() and readRun() do (the run's ranks are the row order per
 * query), for trecInputs(). Throws TrecFormatError naming the line for a missing column, a bad
 * score or relevance, or a document listed twice for a query. Fields are not quoted.
 */
export function readTrecCsv(text) {
  const rows = lines(text, 'readTrecCsv');
  const headerAt = rows.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new TrecFormatError('readTrecCsv: the file is empty');
  const delimiter = rows[headerAt].includes('\t') ? '\t' : ',';
  const header = rows[headerAt].split(delimiter).map((h) => h.trim().toLowerCase());
  const at = Object.fromEntries(
    Object.entries(CSV_COLUMNS).map(([key, names]) => [key, header.findIndex((h) => names.includes(h))]),
  );
  const absent = Object.entries(at)
    .filter(([, i]) => i < 0)
    .map(([key]) => CSV_COLUMNS[key].join('/'));
  if (absent.length)
    throw new TrecFormatError(
      `readTrecCsv line ${headerAt + 1}: the header needs a column for ${absent.join(', ')}; it has ${header.join(', ')}`,
    );
  const qrels = new Map();
  const run = new Map();
  for (let i = headerAt + 1; i < rows.length; i++) {
    if (!rows[i].trim()) continue;
    const f = rows[i].split(delimiter).map((x) => x.trim());
    const where = `readTrecCsv line ${i + 1}`;
    if (f.length !== header.length)
      throw new TrecFormatError(`${where}: ${f.length} fields, the header has ${header.length}`);
    const [query, doc, scoreText, relText] = [f[at.query], f[at.doc], f[at.score], f[at.relevance]];
    if (!query || !doc) throw new TrecFormatError(`${where}: empty ${query ? 'document' : 'query'}`);
    const score = Number(scoreText);
    if (scoreText === '' || !Number.isFinite(score))
      throw new TrecFormatError(`${where}: score must be a finite number, got ${JSON.stringify(scoreText)}`);
    if (relText !== '' && !/^[+-]?\d+$/.test(relText))
      throw new TrecFormatError(
        `${where}: relevance must be an integer (or empty: unjudged), got ${JSON.stringify(relText)}`,
      );
    if (!run.has(query)) run.set(query, []);
    const docs = run.get(query);
    if (docs.some((d) => d.doc === doc))
      throw new TrecFormatError(
        `${where}: document ${JSON.stringify(doc)} is listed twice for query ${JSON.stringify(query)}`,
      );
    docs.push({ doc, rank: docs.length + 1, score });
    if (relText !== '') {
      if (!qrels.has(query)) qrels.set(query, new Map());
      qrels.get(query).set(doc, Number(relText));
    }
  }
  if (!run.size) throw new TrecFormatError('readTrecCsv: no rows after the header');
  return { qrels, run };
}

function pairs(a, b, what) {
  const x = Array.from(a ?? [], Number);
  const y = Array.from(b ?? [], Number);
  if (x.length !== y.length)
    throw new RangeError(
      `${what}: the two runs have ${x.length} and ${y.length} per-query values; pair them by query first`,
    );
  if (x.length < 2) throw new RangeError(`${what}: needs at least 2 paired queries, got ${x.length}`);
  const bad = x.findIndex((v, i) => !Number.isFinite(v) || !Number.isFinite(y[i]));
  if (bad >= 0)
    throw new RangeError(
      `${what}: query ${bad} has a non-finite value (${x[bad]}, ${y[bad]}); drop skipped (NaN) queries first`,
    );
  return x.map((v, i) => v - y[i]);
}

/**
 * Paired two-sided t-test on per-query values of two runs (same queries, same order, e.g. the
 * `values` of two metrics' perQuery()). Returns {meanDifference, t, df, pValue}. Identical runs
 * give t = 0, pValue = 1; a constant non-zero difference gives t = ±Infinity, pValue = 0.
 */
export function pairedTTest(a, b) {
  const d = pairs(a, b, 'pairedTTest');
  const n = d.length;
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const df = n - 1;
  if (variance === 0)
    return { meanDifference: mean, t: mean === 0 ? 0 : Math.sign(mean) * Infinity, df, pValue: mean === 0 ? 1 : 0 };
  const t = mean / Math.sqrt(variance / n);
  const pValue = incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return { meanDifference: mean, t, df, pValue };
}

/**
 * Paired randomisation (permutation) test, two-sided: under the null hypothesis each query's two
 * values are exchangeable, so the sign of each difference is flipped at random `trials` times
 * (a seeded generator: the same seed gives the same p-value). Returns {meanDifference, pValue,
 * trials}, pValue = (1 + #{|permuted mean| >= |observed mean|}) / (1 + trials).
 */
export function pairedRandomizationTest(a, b, { trials = 10000, seed = 1 } = {}) {
  const d = pairs(a, b, 'pairedRandomizationTest');
  if (!Number.isSafeInteger(trials) || trials < 1)
    throw new RangeError(`pairedRandomizationTest: trials must be a positive integer, got ${trials}`);
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`pairedRandomizationTest: seed must be an integer, got ${seed}`);
  let s = seed >>> 0;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const n = d.length;
  const observed = Math.abs(d.reduce((x, v) => x + v, 0));
  const tolerance = 1e-12 * (1 + observed);
  let atLeast = 0;
  for (let k = 0; k < trials; k++) {
    let sum = 0;
    for (let i = 0; i < n; i += 32) {
      const bits = next();
      for (let j = i; j < Math.min(n, i + 32); j++) sum += (bits >>> (j - i)) & 1 ? d[j] : -d[j];
    }
    if (Math.abs(sum) >= observed - tolerance) atLeast++;
  }
  return { meanDifference: d.reduce((x, v) => x + v, 0) / n, pValue: (1 + atLeast) / (1 + trials), trials };
}
