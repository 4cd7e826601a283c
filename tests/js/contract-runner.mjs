// The contract test through the npm package, with one WebAssembly build per process
// (contract-simd.test.mjs, contract-plain.test.mjs): for every registered metric and every
// example of its registry entry (listMetrics()[i].examples): the value; the rows split into 1, 2
// and 7 update() calls; shards merged in either order; forward() = compute() on a fresh instance;
// saveState/loadState round trip; a rejected update (mismatched lengths, or one input too many)
// that is an Error naming the metric and changes nothing; options given at their defaults = options
// omitted (`new m.constructor(m.options)` and MetricCollection.clone() take the blob); reset,
// dispose twice, use after dispose. Then, across builds: this build's blobs load in the other
// build (a child process) and native blobs (build/native/contract-blobs.json, written by the
// GoogleTest contract test) load here, with the same values; evaluateParallel with 1, 2 and 4
// workers equals one thread, per group of examples sharing their batches, with a metric of another
// family beside them where one takes the same batches. tests/cpp/contract_test.cpp is the native twin.
//
// The SIMD build runs all of it. The plain build is the same C++ and the same JS compiled without
// -msimd128, so it runs what can differ between builds (`scope: 'build'`): every example's value
// (fed as its batches, as 1/2/7 row splits, and through forward()), the save -> load round trip,
// the cross-build blobs both ways, and evaluateParallel on every 6th group (each worker count
// still runs). The checks of JS-side and build-independent behaviour (merge orders, rejected
// updates, options at their defaults, reset/dispose, MetricCollection) run in the SIMD build only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { batchInputs } from './conformance-runner.mjs';
import { camelCaseArgs, compareResult, importPackage, repoRoot } from './helpers.mjs';

const TIGHT = [1e-9, 1e-9]; // results that agree up to rounding (atol, rtol)

// ---- rows: an example's batches along dim 0 (images for detection) ------------------------------

const isDetection = (b) => Array.isArray(b.preds);

/** Whether the batches can be cut anywhere along dim 0 (see tests/cpp/contract_test.cpp). */
export function splittable(batches) {
  if (batches.length === 0) return false;
  const first = batches[0];
  const keys = Object.keys(first);
  for (const b of batches) {
    if (Object.keys(b).length !== keys.length) return false;
    if (isDetection(b)) {
      if (!Array.isArray(b.target) || b.preds.length !== b.target.length) return false;
      continue;
    }
    let rows = -1;
    for (const [key, t] of Object.entries(b)) {
      const t0 = first[key];
      // only tensors have rows to split (a text input may be one string, or a SQuAD dict)
      if (
        !t0 ||
        t === null ||
        typeof t !== 'object' ||
        Array.isArray(t) ||
        !Array.isArray(t.shape) ||
        t.shape.length === 0 ||
        t.shape.length !== t0.shape.length ||
        t.dtype !== t0.dtype
      )
        return false;
      if (t.shape.slice(1).some((d, i) => d !== t0.shape[i + 1])) return false;
      if (rows >= 0 && t.shape[0] !== rows) return false;
      rows = t.shape[0];
    }
  }
  return true;
}

const rowCount = (b) => (isDetection(b) ? b.preds.length : Object.values(b)[0].shape[0]);

function rowsOf(batches, from, to) {
  const out = {};
  let offset = 0;
  for (const b of batches) {
    const n = rowCount(b);
    const lo = Math.max(from - offset, 0);
    const hi = Math.min(to - offset, n);
    offset += n;
    for (const [key, t] of Object.entries(b)) {
      if (Array.isArray(t)) {
        out[key] ??= [];
        if (hi > lo) out[key].push(...t.slice(lo, hi));
        continue;
      }
      const width = t.shape.slice(1).reduce((a, d) => a * d, 1);
      out[key] ??= { dtype: t.dtype, shape: [0, ...t.shape.slice(1)], data: [] };
      if (hi > lo) {
        out[key].data.push(...t.data.slice(lo * width, hi * width));
        out[key].shape[0] += hi - lo;
      }
    }
  }
  return out;
}

/** The rows cut into `parts` batches of near-equal size (fewer when there are fewer rows). */
export function splitRows(batches, parts) {
  const n = batches.reduce((a, b) => a + rowCount(b), 0);
  const k = Math.max(1, Math.min(parts, n));
  return Array.from({ length: k }, (_, p) => rowsOf(batches, Math.floor((n * p) / k), Math.floor((n * (p + 1)) / k)));
}

/** A batch the metric must reject (see bad_batch in tests/cpp/contract_test.cpp). */
function badBatch(batches) {
  const b = structuredClone(batches[0]);
  if (isDetection(b)) {
    if (b.target.length > 0) return { batch: { ...b, target: b.target.slice(0, -1) }, extra: false };
    return { batch: b, extra: true };
  }
  let victim = null;
  let rows = -1;
  let shared = true;
  for (const [key, t] of Object.entries(b)) {
    if (t.shape.length === 0) continue;
    if (rows >= 0 && rows !== t.shape[0]) shared = false;
    rows = t.shape[0];
    victim = key;
  }
  if (Object.keys(b).length >= 2 && shared && rows >= 1 && victim !== null) {
    const t = b[victim];
    const width = t.shape.slice(1).reduce((a, d) => a * d, 1);
    t.data = t.data.slice(0, t.data.length - width);
    t.shape = [t.shape[0] - 1, ...t.shape.slice(1)];
    return { batch: b, extra: false };
  }
  return { batch: b, extra: true };
}

// ---- helpers over the package -------------------------------------------------------------------

const toHex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (hex) => new Uint8Array(Buffer.from(hex, 'hex'));

/** A compute() value as a fixture RESULT (what compareResult takes as `expected`). */
export function resultJson(v, Tensor) {
  const num = (x) => (Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : x);
  if (typeof v === 'number') return { shape: [], data: [num(v)] };
  if (v instanceof Tensor) return { shape: [...v.shape], data: Array.from(v.data, num) };
  if (Array.isArray(v)) return v.map((e) => resultJson(e, Tensor));
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, resultJson(e, Tensor)]));
}

function makeRunner(lib, spec, ex) {
  const args = camelCaseArgs(ex.args);
  const make = (options = args) => lib.createMetric(spec.name, options);
  const feed = (m, batches) => {
    for (let i = 0; i < batches.length; i++) m.update(...batchInputs(batches[i], spec, `batches[${i}]`));
    return m;
  };
  const fed = (batches) => feed(make(), batches);
  return { args, make, feed, fed };
}

function withMetrics(fn) {
  const made = [];
  const keep = (m) => {
    made.push(m);
    return m;
  };
  try {
    return fn(keep);
  } finally {
    for (const m of made) m.dispose();
  }
}

// ---- the per-example contract -------------------------------------------------------------------

function checkExample(lib, spec, ex, key, blobs, full = true) {
  const { Tensor } = lib;
  const { args, make, feed, fed } = makeRunner(lib, spec, ex);
  const same = (got, want, what, [atol, rtol] = [0, 0]) => {
    const d = compareResult(got, resultJson(want, Tensor), atol, rtol, Tensor, what);
    assert.equal(d, '', d);
  };
  withMetrics((keep) => {
    // 1. the value
    const whole = keep(fed(ex.batches));
    const value = whole.compute();
    const d = compareResult(value, ex.expected, ex.atol, ex.rtol, Tensor, 'compute()');
    assert.equal(d, '', `${d} (${ex.doc})`);

    // 2. forward(): the batch's own value
    const fwd = keep(make());
    ex.batches.forEach((b, i) => {
      const own = fwd.forward(...batchInputs(b, spec, `batches[${i}]`));
      same(own, keep(fed([b])).compute(), `forward(batches[${i}])`, TIGHT);
    });
    same(fwd.compute(), value, 'compute() after forward() calls');

    // 3. the rows in 1, 2 and 7 update() calls
    const rowsSplit = spec.batching !== 'updates' && splittable(ex.batches);
    if (rowsSplit) {
      for (const parts of [1, 2, 7])
        same(keep(fed(splitRows(ex.batches, parts))).compute(), value, `rows in ${parts} update() calls`, TIGHT);
    }
    if (!full) {
      // the plain build: the round trip, and the blob for the other build (steps 5 and 8 in part)
      const blob = whole.saveState();
      const restored = keep(make());
      restored.loadState(blob);
      same(restored.compute(), value, 'compute() after loadState');
      assert.deepEqual(restored.saveState(), blob, 'saveState() of a loaded instance');
      blobs[key] = { blob: toHex(blob), value: resultJson(value, Tensor) };
      return;
    }

    // 4. shards merged in stream order and (order-free metrics) reversed = one instance fed all
    const shards = rowsSplit ? splitRows(ex.batches, 3).map((b) => [b]) : ex.batches.map((b) => [b]);
    shards.push([]);
    const reference = keep(fed(shards.flat()));
    const orders = [shards.map((_, i) => i)];
    // a result per sample (samplewise, perSample) is in update order: stream order only
    const perSample = ex.args.multidim_average === 'samplewise' || ex.args.per_sample === true;
    if (spec.batching === 'rows' && !perSample) orders.push([...orders[0]].reverse());
    for (const order of orders) {
      const acc = keep(make());
      for (const s of order) acc.merge(keep(fed(shards[s])));
      same(acc.compute(), reference.compute(), `shards merged in order ${order}`, TIGHT);
    }

    // 5. saveState -> loadState, and the loaded instance keeps accumulating
    const blob = whole.saveState();
    const restored = keep(make());
    restored.loadState(blob);
    same(restored.compute(), value, 'compute() after loadState');
    assert.deepEqual(restored.saveState(), blob, 'saveState() of a loaded instance');
    const first = batchInputs(ex.batches[0], spec, 'batches[0]');
    restored.update(...first);
    same(restored.compute(), keep(fed([...ex.batches, ex.batches[0]])).compute(), 'an update after loadState');
    blobs[key] = { blob: toHex(blob), value: resultJson(value, Tensor) };

    // 6. a rejected update: an Error naming the metric; state and compute() unchanged
    // rejectsMismatchedRows false (text zips pairs, clustering raises at compute): one input too many
    const bad =
      spec.rejectsMismatchedRows === false
        ? { batch: structuredClone(ex.batches[0]), extra: true }
        : badBatch(ex.batches);
    let inputs = batchInputs(bad.batch, spec, 'bad batch');
    if (bad.extra) while (inputs.length <= spec.inputs.length) inputs = [...inputs, inputs[0]];
    for (const method of ['update', 'forward']) {
      assert.throws(
        () => whole[method](...inputs),
        (e) => e instanceof Error && e.message.includes(spec.name),
        `${method}(${bad.extra ? 'one input too many' : 'mismatched lengths'}) must throw an Error naming ${spec.name}`,
      );
      assert.deepEqual(whole.saveState(), blob, `state after a rejected ${method}`);
      same(whole.compute(), value, `compute() after a rejected ${method}`);
    }

    // 7. options at their defaults = options omitted; m.options makes an equal metric
    const explicit = { ...args };
    for (const o of spec.options) {
      if (Object.hasOwn(explicit, o.name) || Object.hasOwn(ex.args, o.snakeName ?? o.name)) continue;
      if (o.default === null && !o.nullable) continue;
      explicit[o.name] = o.default;
    }
    const withDefaults = keep(make(explicit));
    assert.deepEqual(withDefaults.options, whole.options, `options ${JSON.stringify(explicit)}`);
    withDefaults.loadState(blob);
    same(withDefaults.compute(), value, 'a blob loaded into the metric made with explicit defaults');
    withDefaults.merge(whole);
    const copy = keep(new whole.constructor(whole.options));
    copy.loadState(blob);
    same(copy.compute(), value, 'new m.constructor(m.options) takes the blob');

    // 8. reset() = fresh; dispose twice; any use after dispose throws
    whole.reset();
    assert.deepEqual(whole.saveState(), keep(make()).saveState(), 'reset() gives a fresh state');
    feed(whole, ex.batches);
    same(whole.compute(), value, 'compute() after reset() and the same batches');
    const gone = make();
    gone.dispose();
    gone.dispose();
    assert.equal(gone.disposed, true);
    assert.throws(() => gone.compute(), /disposed/);
    assert.throws(() => gone.update(...first), /disposed/);
  });
}

// A MetricCollection of the metric and a clone: clone() takes the blob; forward() works.
function checkCollection(lib, spec, ex) {
  const { fed } = makeRunner(lib, spec, ex);
  const coll = new lib.MetricCollection({ a: fed(ex.batches), b: fed([]) });
  try {
    const copy = coll.clone();
    try {
      copy.loadState(coll.saveState());
      assert.deepEqual(resultJson(copy.compute().a, lib.Tensor), resultJson(coll.compute().a, lib.Tensor));
      copy.forward(...batchInputs(ex.batches[0], spec, 'batches[0]'));
    } finally {
      copy.dispose();
    }
  } finally {
    coll.dispose();
  }
}

// ---- cross-build blobs --------------------------------------------------------------------------

/** Loads blobs {key: {blob, value}} into this build's metrics; returns {key: value JSON | {error}}. */
export function loadBlobs(lib, blobs) {
  const specs = new Map(lib.listMetrics().map((s) => [s.name, s]));
  const out = {};
  for (const [key, { blob }] of Object.entries(blobs)) {
    const [name, index] = key.split('#');
    const spec = specs.get(name);
    if (!spec || !spec.examples[Number(index)]) continue;
    const m = lib.createMetric(name, camelCaseArgs(spec.examples[Number(index)].args));
    try {
      m.loadState(fromHex(blob));
      out[key] = resultJson(m.compute(), lib.Tensor);
    } catch (e) {
      out[key] = { error: e.message };
    } finally {
      m.dispose();
    }
  }
  return out;
}

function compareLoaded(loaded, blobs, from, to, Tensor) {
  let n = 0;
  for (const [key, { value }] of Object.entries(blobs)) {
    const got = loaded[key];
    assert.ok(got, `${key}: not loaded by the ${to} build`);
    assert.ok(!got.error, `${key}: the ${to} build refused the ${from} blob: ${got.error}`);
    const d = compareResult(resultFromJson(got, Tensor), value, ...TIGHT, Tensor, `${key} (${from} blob in ${to})`);
    assert.equal(d, '', d);
    n++;
  }
  return n;
}

function resultFromJson(j, Tensor) {
  if (Array.isArray(j)) return j.map((e) => resultFromJson(e, Tensor));
  if (j && Array.isArray(j.shape) && Array.isArray(j.data) && Object.keys(j).length === 2) {
    const data = Float64Array.from(j.data, (x) =>
      x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x,
    );
    return j.shape.length === 0 ? data[0] : new Tensor(data, j.shape);
  }
  return Object.fromEntries(Object.entries(j).map(([k, e]) => [k, resultFromJson(e, Tensor)]));
}

// ---- evaluateParallel ---------------------------------------------------------------------------

// Examples grouped by identical batches (cut in 4 where the rows allow): one evaluateParallel call
// per group, every member with its own options, plus a metric of another family that takes the
// same batches when the group has one family only and one is found.
function parallelGroups(lib, specs) {
  const groups = new Map();
  for (const spec of specs) {
    spec.examples.forEach((ex, i) => {
      const batches = spec.batching !== 'updates' && splittable(ex.batches) ? splitRows(ex.batches, 4) : ex.batches;
      const k = JSON.stringify(batches);
      if (!groups.has(k)) groups.set(k, { batches, members: [] });
      groups.get(k).members.push({
        key: `${spec.name}#${i}`,
        name: spec.name,
        family: spec.family,
        options: camelCaseArgs(ex.args),
        spec,
      });
    });
  }
  const partners = [];
  for (const spec of specs)
    partners.push(
      ...spec.examples
        .slice(0, 1)
        .map((ex) => ({ name: spec.name, family: spec.family, options: camelCaseArgs(ex.args), spec })),
    );
  for (const g of groups.values()) {
    const families = new Set(g.members.map((m) => m.family));
    if (families.size > 1) continue;
    g.alone = g.members.map((m) => m.key);
    let tries = 0;
    for (const p of partners) {
      if (families.has(p.family) || p.spec.inputs.length !== g.members[0].spec.inputs.length) continue;
      if (++tries > 30) break;
      try {
        withMetrics((keep) => {
          const m = keep(lib.createMetric(p.name, p.options));
          for (const b of g.batches) m.update(...batchInputs(b, g.members[0].spec, 'batch'));
          m.compute();
        });
        g.members.push({ key: `partner ${p.name}`, ...p });
        break;
      } catch {
        // does not take these batches: try the next one
      }
    }
  }
  return [...groups.values()];
}

// ---- the test file body -------------------------------------------------------------------------

/** scope: 'all' (the SIMD build) or 'build' (the plain one: what can differ between builds, see the top). */
export async function runContract({ simd, scope = 'all' }) {
  const full = scope === 'all';
  const lib = await importPackage();
  await lib.init({ simd });
  const build = simd ? 'simd' : 'plain';
  const other = simd ? 'plain' : 'simd';
  const specs = lib.listMetrics();
  const blobs = {};

  test(`[${build}] every registered metric has examples`, () => {
    assert.equal(lib.simd(), simd);
    const tested = specs.filter((s) => s.examples.length > 0);
    const examples = tested.reduce((a, s) => a + s.examples.length, 0);
    console.log(
      `contract test [${build}]: ${tested.length} metrics (${examples} examples) of ${specs.length} registered`,
    );
    assert.deepEqual(
      specs.filter((s) => s.examples.length === 0).map((s) => s.name),
      [],
      'metrics without examples',
    );
    assert.equal(tested.length, specs.length);
  });

  for (const spec of specs) {
    describe(`contract [${build}] ${spec.name}`, () => {
      spec.examples.forEach((ex, i) => {
        it(`example ${i}: ${ex.doc}`, () => checkExample(lib, spec, ex, `${spec.name}#${i}`, blobs, full));
      });
      if (full && spec.examples.length > 0)
        it('in a MetricCollection: clone() takes the blob, forward() works', () =>
          checkCollection(lib, spec, spec.examples[0]));
    });
  }

  test(`[${build}] blobs saved here load in the ${other} build with the same values`, () => {
    assert.ok(Object.keys(blobs).length > 0, 'no blobs were saved');
    writeFileSync(join(repoRoot, 'build', `contract-blobs-${build}.json`), JSON.stringify({ build, blobs }));
    const dir = mkdtempSync(join(tmpdir(), 'wasmetrics-contract-'));
    try {
      const file = join(dir, 'blobs.json');
      writeFileSync(file, JSON.stringify(blobs));
      const child = fileURLToPath(new URL('./contract-load-blobs.mjs', import.meta.url));
      execFileSync(process.execPath, [child, other, file, `${file}.out`], { stdio: ['ignore', 'inherit', 'inherit'] });
      const n = compareLoaded(JSON.parse(readFileSync(`${file}.out`, 'utf8')), blobs, build, other, lib.Tensor);
      assert.equal(n, Object.keys(blobs).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // `make test` runs the native contract test in build/native-check (ASan+UBSan), `make native`
  // in build/native: the newer of the two files is the last native run's.
  const nativeFile =
    ['native-check', 'native']
      .map((dir) => join(repoRoot, 'build', dir, 'contract-blobs.json'))
      .filter((f) => existsSync(f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] ??
    join(repoRoot, 'build', 'native', 'contract-blobs.json');
  test(`[${build}] native blobs (GoogleTest contract test) load here with the same values`, (t) => {
    if (!existsSync(nativeFile)) {
      t.skip(`${nativeFile} is missing: run the native contract test first`);
      return;
    }
    const native = JSON.parse(readFileSync(nativeFile, 'utf8')).blobs;
    const known = Object.fromEntries(Object.entries(native).filter(([k]) => Object.hasOwn(blobs, k)));
    assert.ok(Object.keys(known).length > 0, 'no native blob matches an example of this build');
    compareLoaded(loadBlobs(lib, known), known, 'native', build, lib.Tensor);
  });

  const groups = parallelGroups(lib, specs).filter((_, i) => full || i % 6 === 0);
  test(`[${build}] evaluateParallel with 1, 2 and 4 workers equals one thread (${groups.length} groups of examples)`, async () => {
    const { evaluateParallel, createMetric } = lib;
    let call = 0;
    for (const g of groups) {
      const metrics = Object.fromEntries(g.members.map((m) => [m.key, { name: m.name, options: m.options }]));
      const inputs = g.batches.map((b, i) => batchInputs(b, g.members[0].spec, `batches[${i}]`));
      const want = {};
      for (const [key, { name, options }] of Object.entries(metrics)) {
        withMetrics((keep) => {
          const m = keep(createMetric(name, options));
          for (const b of inputs) m.update(...b);
          want[key] = resultJson(m.compute(), lib.Tensor);
        });
      }
      // each group runs with the worker count cycling through 1, 2, 4 (every count for every
      // example would cost a worker start each: the collection in the worker is the same code);
      // a group with a partner of another family runs alone too, with the next count
      const runs = [Object.keys(metrics)];
      if (g.alone && g.alone.length < runs[0].length) runs.push(g.alone);
      for (const keys of runs) {
        const workers = [1, 2, 4][call++ % 3];
        const subset = Object.fromEntries(keys.map((k) => [k, metrics[k]]));
        const batches = g.batches.map((b, i) => batchInputs(b, g.members[0].spec, `batches[${i}]`));
        const got = await evaluateParallel({ metrics: subset, batches, workers });
        for (const key of keys) {
          assert.deepStrictEqual(
            resultJson(got[key], lib.Tensor),
            want[key],
            `${key} with ${workers} workers (${keys.length} metrics)`,
          );
        }
      }
    }
  });
}
