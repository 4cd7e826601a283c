#!/usr/bin/env node
// Text and retrieval families side by side with TorchMetrics 1.5.2 (issues 21 and 22), on the same
// data in one run: workloads generated here from fixed seeds (bench/data/, gitignored), timed
// through the npm package (npm/dist) and, in a child process, through TorchMetrics on CPU
// (bench/torchmetrics_bench.py; float32 scores). Each contender: construct, every batch update(),
// compute(), as a user would run it; median of --runs runs after one warm-up. The text
// metrics also against the plain-JS code a page would otherwise write (WER/CER: a two-row DP;
// BLEU, chrF: n-gram counting with Map; ROUGE-L: an LCS DP), on the same data. The values are
// compared (a disagreement prints a WARNING). When TorchMetrics cannot be imported (as in CI) its
// rows print "skipped: TorchMetrics not available" and the package's rows still run.
//   T1 WER / CER on 100,000 sentence pairs (8-20 words), 10 batches
//   T2 BLEU / chrF on 10,000 segments (15-30 words, one reference), 10 batches
//   T3 ROUGE-L on 10,000 summaries (40-80 words), 10 batches
//   R1 the 11 retrieval metrics on 10,000,000 rows over 100,000 queries (100 documents each,
//      30% relevant, graded 0-3 for nDCG), 10 batches of 1,000,000 rows in random query order
// TorchMetrics runs from source: put TorchMetrics' and lightning-utilities' src/ on PYTHONPATH
// (python3 with torch, numpy, packaging, typing_extensions, or the interpreter named by $PYTHON;
// see bench/README.md).
// Usage: node bench/text-retrieval.mjs [--scale=S] [--runs=N] [--quick] [--only=t1,r1] [--plain] [--full] [--out=DIR]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../scripts/lib/mulberry32.mjs';
import {
  camel,
  loadAverage,
  loadPackage,
  runTorchMetrics,
  sideBySideArgs,
  writeBenchResults,
} from './side-by-side.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const {
  args,
  scale: SCALE,
  runs: RUNS,
  only: ONLY,
  out: OUT,
} = sideBySideArgs('bench/text-retrieval.mjs', { here, quickScale: 0.01, extraFlags: ['full'] });
const lib = await loadPackage(repoRoot, args);
const buildName = lib.simd() ? 'simd' : 'plain';

// ---- data ---------------------------------------------------------------------------------------

const count = (n) => Math.max(16, Math.round(n * SCALE));
const dataDir = join(here, 'data', `text-retrieval-scale${SCALE}`);

function vocabulary(r, size) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const words = new Set();
  while (words.size < size) {
    const len = 2 + Math.floor(r() * 8);
    let w = '';
    for (let i = 0; i < len; i++) w += letters[Math.floor(r() * 26)];
    words.add(w);
  }
  return [...words];
}

// Sentences of Zipf-distributed words; a hypothesis edits ~20% of its reference's words.
function sentencePairs(seed, n, minWords, maxWords) {
  const r = mulberry32(seed);
  const vocab = vocabulary(r, 5000);
  const word = () => vocab[Math.min(vocab.length - 1, Math.floor(Math.exp(r() * Math.log(vocab.length)) - 1))];
  const preds = [];
  const target = [];
  for (let i = 0; i < n; i++) {
    const ref = [];
    const len = minWords + Math.floor(r() * (maxWords - minWords + 1));
    for (let k = 0; k < len; k++) ref.push(word());
    const hyp = [];
    for (const w of ref) {
      const x = r();
      if (x < 0.1)
        hyp.push(word()); // substitution
      else if (x < 0.15)
        continue; // deletion
      else if (x < 0.2)
        hyp.push(w, word()); // insertion
      else hyp.push(w);
    }
    preds.push(hyp.join(' '));
    target.push(ref.join(' '));
  }
  return { preds, target };
}

function retrievalRows(seed, queries, perQuery) {
  const r = mulberry32(seed);
  const n = queries * perQuery;
  const preds = new Float32Array(n);
  const target = new Uint8Array(n);
  const graded = new Uint8Array(n);
  const indexes = new BigInt64Array(n);
  // rows in a random order (a query's rows spread over every batch)
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const relevant = r() < 0.3;
    target[k] = relevant ? 1 : 0;
    graded[k] = relevant ? 1 + Math.floor(r() * 3) : 0;
    preds[k] = Math.fround(r() * 0.7 + (relevant ? 0.3 : 0));
    indexes[k] = BigInt(Math.floor(i / perQuery));
  }
  return { preds, target, graded, indexes };
}

const GENERATORS = {
  t1: () => sentencePairs(21, count(100_000), 8, 20),
  t2: () => sentencePairs(22, count(10_000), 15, 30),
  t3: () => sentencePairs(23, count(10_000), 40, 80),
  r1: () => retrievalRows(24, count(100_000), 100),
};

// Cached as JSON (text) or raw little-endian arrays (retrieval): what the Python side reads too.
function workload(name) {
  const meta = join(dataDir, `${name}.json`);
  if (!existsSync(meta)) {
    mkdirSync(dataDir, { recursive: true });
    const data = GENERATORS[name]();
    if (name.startsWith('t')) {
      writeFileSync(meta, JSON.stringify(data));
    } else {
      const arrays = {};
      for (const [k, v] of Object.entries(data)) {
        writeFileSync(join(dataDir, `${name}.${k}.bin`), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        arrays[k] = [v.constructor.name, v.length];
      }
      writeFileSync(meta, JSON.stringify({ arrays }));
    }
  }
  const parsed = JSON.parse(readFileSync(meta, 'utf8'));
  if (!parsed.arrays) return parsed;
  const out = {};
  for (const [k, [type]] of Object.entries(parsed.arrays)) {
    const bytes = readFileSync(join(dataDir, `${name}.${k}.bin`));
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    out[k] = new globalThis[type](copy.buffer);
  }
  return out;
}

const BATCHES = 10;
const slices = (v, b) => {
  const size = Math.ceil(v.length / b);
  return Array.from({ length: b }, (_, i) => v.slice(i * size, (i + 1) * size)).filter((s) => s.length);
};

// ---- what runs --------------------------------------------------------------------------------------

// [workload, TorchMetrics class, options (snake_case, as TorchMetrics takes them), result key,
// share]: `share` < 1 runs both contenders on that leading share of the workload's pairs only,
// where TorchMetrics' pure-Python loops (CER's character DP, chrF's n-gram dicts) would take hours
// at full size; the ratio is still on identical data.
// --full runs every case on its whole workload (CER and chrF included: tens of minutes).
const text = (w, cls, options = {}, key, share = 1) => ({
  w,
  cls,
  options,
  key,
  share: args.full ? 1 : share,
  graded: false,
});
const ret = (cls, options = {}, graded = false) => ({ w: 'r1', cls, options, share: 1, graded });
const CASES = [
  text('t1', 'WordErrorRate'),
  text('t1', 'CharErrorRate', {}, undefined, 0.02),
  text('t2', 'BLEUScore'),
  text('t2', 'CHRFScore', {}, undefined, 0.1),
  text('t3', 'ROUGEScore', { rouge_keys: 'rougeL' }, 'rougeL_fmeasure'),
  ret('RetrievalMAP'),
  ret('RetrievalMRR'),
  ret('RetrievalPrecision', { top_k: 10 }),
  ret('RetrievalRecall', { top_k: 10 }),
  ret('RetrievalFallOut', { top_k: 10 }),
  ret('RetrievalHitRate', { top_k: 10 }),
  ret('RetrievalRPrecision'),
  ret('RetrievalNormalizedDCG', { top_k: 10 }, true),
  ret('RetrievalAUROC'),
  ret('RetrievalPrecisionRecallCurve', { max_k: 10 }),
  ret('RetrievalRecallAtFixedPrecision', { min_precision: 0.5, max_k: 10 }),
].filter((c) => !ONLY || ONLY.includes(c.w));

const scalarOf = (v, key) => {
  if (typeof v === 'number') return v;
  if (key && v[key] !== undefined) return typeof v[key] === 'number' ? v[key] : v[key].data[0];
  const first = Object.values(v)[0]; // curves: the first value of the first output
  return typeof first === 'number' ? first : first.data[0];
};

const share = (c, data) =>
  c.share === 1
    ? data
    : {
        preds: data.preds.slice(0, Math.ceil(data.preds.length * c.share)),
        target: data.target.slice(0, Math.ceil(data.target.length * c.share)),
      };

function timeWasm(c, all) {
  const data = share(c, all);
  const p = slices(data.preds, BATCHES);
  const inputs =
    c.w === 'r1'
      ? slices(c.graded ? data.graded : data.target, BATCHES).map((t, b) => {
          data.indexSlices ??= slices(data.indexes, BATCHES);
          return [p[b], t, data.indexSlices[b]];
        })
      : slices(data.target, BATCHES).map((t, b) => [p[b], t]);
  const ts = [];
  let value;
  for (let r = 0; r <= RUNS; r++) {
    const t0 = performance.now();
    const m = lib.createMetric(c.cls, camel(c.options));
    for (const batch of inputs) m.update(...batch);
    value = scalarOf(m.compute(), c.key);
    m.dispose();
    if (r > 0) ts.push(performance.now() - t0); // run 0 warms up
  }
  return { ms: median(ts), value };
}

// What a page would otherwise hand-write, the same rules in plain JS (the values must equal the
// package's). WER/CER (jiwer-style): split, a two-row Levenshtein DP per pair over words (split on
// JS whitespace) or the UTF-16 units of code points.
function plainJsErrorRate(preds, target, chars) {
  let errors = 0;
  let total = 0;
  let prev = new Int32Array(0);
  let cur = new Int32Array(0);
  for (let i = 0; i < preds.length; i++) {
    const a = chars ? [...preds[i]] : preds[i].split(/\s+/).filter(Boolean);
    const b = chars ? [...target[i]] : target[i].split(/\s+/).filter(Boolean);
    if (prev.length < b.length + 1) {
      prev = new Int32Array(b.length + 1);
      cur = new Int32Array(b.length + 1);
    }
    for (let j = 0; j <= b.length; j++) prev[j] = j;
    for (let x = 1; x <= a.length; x++) {
      cur[0] = x;
      for (let j = 1; j <= b.length; j++) {
        cur[j] = a[x - 1] === b[j - 1] ? prev[j - 1] : 1 + Math.min(prev[j - 1], prev[j], cur[j - 1]);
      }
      const t = prev;
      prev = cur;
      cur = t;
    }
    errors += prev[b.length];
    total += b.length;
  }
  return errors / total;
}

// n-gram counts of a token list, orders 1..maxN, in one Map per order keyed by the joined n-gram.
function countNgrams(tokens, maxN, sep) {
  const counts = Array.from({ length: maxN }, () => new Map());
  for (let n = 1; n <= maxN; n++) {
    const m = counts[n - 1];
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(sep);
      m.set(key, (m.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

// Clipped matches of two count Maps, and the total of the first.
function clipped(hyp, ref) {
  let match = 0;
  let total = 0;
  for (const [k, c] of hyp) {
    total += c;
    const r = ref.get(k);
    if (r) match += Math.min(c, r);
  }
  return [match, total];
}

// Corpus BLEU-4 (TorchMetrics' BLEUScore defaults: str.split() tokens, one reference, no smoothing).
function plainJsBleu(preds, target, maxN = 4) {
  const num = new Float64Array(maxN);
  const den = new Float64Array(maxN);
  let predLen = 0;
  let refLen = 0;
  for (let i = 0; i < preds.length; i++) {
    const p = preds[i].split(/\s+/).filter(Boolean);
    const t = target[i].split(/\s+/).filter(Boolean);
    predLen += p.length;
    refLen += t.length;
    const pc = countNgrams(p, maxN, ' ');
    const tc = countNgrams(t, maxN, ' ');
    for (let n = 0; n < maxN; n++) {
      const [m, total] = clipped(pc[n], tc[n]);
      num[n] += m;
      den[n] += total;
    }
  }
  if (Math.min(...num) === 0) return 0;
  let logSum = 0;
  for (let n = 0; n < maxN; n++) logSum += Math.log(num[n] / den[n]) / maxN;
  return (predLen > refLen ? 1 : Math.exp(1 - refLen / predLen)) * Math.exp(logSum);
}

// Corpus chrF++ (CHRFScore defaults: character 6-grams without spaces, word 2-grams with edge
// punctuation split off, beta 2): matches and totals summed over the corpus, then the F-score
// per order, averaged.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
function chrfWords(s) {
  const out = [];
  for (const w of s.trim().split(/\s+/).filter(Boolean)) {
    const chars = [...w];
    if (chars.length === 1) out.push(w);
    else if (PUNCTUATION.has(chars[chars.length - 1])) out.push(chars.slice(0, -1).join(''), chars[chars.length - 1]);
    else if (PUNCTUATION.has(chars[0])) out.push(chars[0], chars.slice(1).join(''));
    else out.push(w);
  }
  return out;
}
function plainJsChrf(preds, target, charOrder = 6, wordOrder = 2, beta = 2) {
  const orders = charOrder + wordOrder;
  const match = new Float64Array(orders);
  const hypTotal = new Float64Array(orders);
  const refTotal = new Float64Array(orders);
  const add = (hyp, ref, offset, maxN, sep) => {
    const hc = countNgrams(hyp, maxN, sep);
    const rc = countNgrams(ref, maxN, sep);
    for (let n = 0; n < maxN; n++) {
      const [m, h] = clipped(hc[n], rc[n]);
      match[offset + n] += m;
      hypTotal[offset + n] += h;
      for (const c of rc[n].values()) refTotal[offset + n] += c;
    }
  };
  for (let i = 0; i < preds.length; i++) {
    add([...preds[i].trim().replaceAll(' ', '')], [...target[i].trim().replaceAll(' ', '')], 0, charOrder, '');
    add(chrfWords(preds[i]), chrfWords(target[i]), charOrder, wordOrder, ' ');
  }
  let sum = 0;
  for (let n = 0; n < orders; n++) {
    const p = hypTotal[n] > 0 ? match[n] / hypTotal[n] : 0;
    const r = refTotal[n] > 0 ? match[n] / refTotal[n] : 0;
    sum += ((1 + beta ** 2) * p * r) / Math.max(beta ** 2 * p + r, 1e-16);
  }
  return sum / orders;
}

// ROUGE-L F-measure averaged over summaries (ROUGEScore's default normalisation: lower case,
// non-alphanumerics to spaces), the LCS by a two-row DP.
function plainJsRougeL(preds, target) {
  const tokens = (s) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
  let sum = 0;
  let prev = new Int32Array(0);
  let cur = new Int32Array(0);
  for (let i = 0; i < preds.length; i++) {
    const a = tokens(preds[i]);
    const b = tokens(target[i]);
    if (!a.length || !b.length) continue;
    if (prev.length < b.length + 1) {
      prev = new Int32Array(b.length + 1);
      cur = new Int32Array(b.length + 1);
    }
    prev.fill(0);
    for (let x = 1; x <= a.length; x++) {
      cur[0] = 0;
      for (let j = 1; j <= b.length; j++)
        cur[j] = a[x - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      const t = prev;
      prev = cur;
      cur = t;
    }
    const lcs = prev[b.length];
    const p = lcs / a.length;
    const r = lcs / b.length;
    if (p + r > 0) sum += (2 * p * r) / (p + r);
  }
  return sum / preds.length;
}

const PLAIN_JS = {
  WordErrorRate: (p, t) => plainJsErrorRate(p, t, false),
  CharErrorRate: (p, t) => plainJsErrorRate(p, t, true),
  BLEUScore: plainJsBleu,
  CHRFScore: plainJsChrf,
  ROUGEScore: plainJsRougeL,
};

function timePlainJs(c, all) {
  const f = PLAIN_JS[c.cls];
  if (!f) return null;
  const data = share(c, all);
  const ts = [];
  let value;
  for (let r = 0; r <= RUNS; r++) {
    const t0 = performance.now();
    value = f(data.preds, data.target);
    if (r > 0) ts.push(performance.now() - t0);
  }
  return { ms: median(ts), value };
}

function timeTorchMetrics(cases) {
  const script = join(here, 'torchmetrics_bench.py');
  const spec = cases.map((c) => ({
    workload: c.w,
    cls: c.cls,
    options: c.options,
    key: c.key ?? null,
    graded: c.graded,
    share: c.share,
  }));
  return runTorchMetrics(script, [dataDir, String(RUNS), String(BATCHES)], spec);
}

// ---- run ------------------------------------------------------------------------------------------

const started = new Date();
const load = loadAverage();
console.log(
  `wasmetrics text/retrieval bench: ${buildName} build, scale ${SCALE}, median of ${RUNS} runs, ` +
    `node ${process.versions.node}, ${cpus().length} cores, load average ${load}`,
);
const rows = [];
// Every workload is generated (or read from the cache) before anything is timed: generating in
// the timed process leaves garbage that the first timed rows would pay for.
const workloads = [...new Set(CASES.map((c) => c.w))];
const loaded = Object.fromEntries(workloads.map((w) => [w, workload(w)]));
for (const w of workloads) {
  const cases = CASES.filter((c) => c.w === w);
  const data = loaded[w];
  // Both contenders per workload back to back, so each ratio comes from one stretch of machine load.
  const wasm = cases.map((c) => timeWasm(c, data));
  const plain = cases.map((c) => timePlainJs(c, data));
  const tm = timeTorchMetrics(cases);
  console.log(`\n${w.toUpperCase()} (${w === 'r1' ? `${data.preds.length} rows` : `${data.preds.length} pairs`})`);
  if (tm.skipped) console.log(`  skipped: ${tm.skipped}`);
  cases.forEach((c, i) => {
    const t = tm.skipped ? null : tm.results[i];
    const ratio = t ? t.ms / wasm[i].ms : null;
    const agree = t ? Math.abs(t.value - wasm[i].value) <= 1e-4 * Math.max(1, Math.abs(t.value)) : null;
    const items = Math.ceil(data.preds.length * c.share);
    rows.push({
      workload: w,
      metric: c.cls,
      options: c.options,
      items,
      wasmMs: wasm[i].ms,
      torchmetricsMs: t?.ms ?? null,
      ratio,
      wasmValue: wasm[i].value,
      torchmetricsValue: t?.value ?? null,
      agree,
      plainJsMs: plain[i]?.ms ?? null,
      plainJsValue: plain[i]?.value ?? null,
    });
    const opts =
      (Object.keys(c.options).length ? ` ${JSON.stringify(c.options)}` : '') +
      (c.share < 1 ? ` (first ${items} pairs)` : '');
    console.log(
      `  ${c.cls}${opts}: wasmetrics ${wasm[i].ms.toFixed(1)} ms` +
        (t
          ? `, TorchMetrics ${t.ms.toFixed(1)} ms, ratio ${ratio.toFixed(1)}x${ratio >= 5 ? '' : ' (target >= 5x MISSED)'}`
          : ''),
    );
    if (plain[i]) {
      console.log(
        `    plain JS ${plain[i].ms.toFixed(1)} ms: the package is ${(plain[i].ms / wasm[i].ms).toFixed(1)}x faster`,
      );
      if (Math.abs(plain[i].value - wasm[i].value) > 1e-9 * Math.max(1, Math.abs(wasm[i].value)))
        console.log(`  WARNING ${c.cls}: plain JS ${plain[i].value} vs wasmetrics ${wasm[i].value}`);
    }
    if (agree === false) console.log(`  WARNING ${c.cls}: wasmetrics ${wasm[i].value} vs TorchMetrics ${t.value}`);
  });
}
writeBenchResults(
  OUT,
  `text-retrieval-${buildName}${SCALE === 1 ? '' : `-scale${SCALE}`}`,
  { build: buildName, scale: SCALE, runs: RUNS },
  { date: started, load },
  rows,
);
