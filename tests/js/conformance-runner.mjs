// Runs every case of ../shared/conformance/*.json through the npm package (npm/dist/index.mjs)
// with one WebAssembly build. The SIMD and plain builds cannot share a process (init() loads
// one module per realm), so each has its own test file, and node --test runs every file in its
// own process: conformance-simd.test.mjs and conformance-plain.test.mjs.
// A case whose metric is not registered is reported with t.skip(): never passed, never dropped.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';

import {
  camelCaseArgs,
  compareResult,
  fixtureTensor,
  importPackage,
  isFixtureTensor,
  readFixtureFiles,
} from './helpers.mjs';

// Detection batches hold `preds`/`target` as lists of per-image dicts of tensors; the detection
// metrics take them flat (src/wasmetrics/detection/inputs.hpp): input `<side>_<key>` is key <key>
// of every image of that side (`pred` -> "preds") concatenated along dim 0, and `<side>_counts`
// each image's number of boxes. Mirrors the native runner's adapter (tests/cpp/conformance_test.cpp):
// an optional input is given when some image has its key (or a later optional input is given),
// images without it getting zeros, as TorchMetrics' item.get("iscrowd", zeros_like(labels)).
function detectionInputs(batch, spec, where) {
  const sideOf = (name) => {
    const us = name.indexOf('_');
    if (us < 0) throw new Error(`${where}: detection input '${name}' is not <side>_<key>`);
    const side = name.slice(0, us);
    return [side === 'pred' ? 'preds' : side, name.slice(us + 1)];
  };
  const rowsOf = (t) => (t.shape.length === 0 ? 1 : t.shape[0]);
  const hasKey = (side, key) => batch[side].some((img) => Object.hasOwn(img, key));
  const give = new Array(spec.inputs.length).fill(false);
  let later = false;
  for (let i = spec.inputs.length - 1; i >= 0; i--) {
    const [side, key] = sideOf(spec.inputs[i].name);
    give[i] = !spec.inputs[i].optional || later || hasKey(side, key);
    later = later || (spec.inputs[i].optional && give[i]);
  }
  const inputs = [];
  for (let i = 0; i < spec.inputs.length && give[i]; i++) {
    const [side, key] = sideOf(spec.inputs[i].name);
    const images = batch[side];
    let t;
    if (key === 'counts') {
      const data = images.map((img) => (Object.hasOwn(img, 'labels') ? rowsOf(img.labels) : 0)); // as the native adapter
      t = { dtype: 'int64', shape: [data.length], data };
    } else {
      const first = images.find((img) => Object.hasOwn(img, key));
      const dtype = first ? first[key].dtype : key === 'labels' || key === 'iscrowd' ? 'int64' : 'float32';
      // Trailing dims from the first image that has the key (boxes [4], masks [H, W]), as the native adapter.
      const trailing = first && first[key].shape.length > 0 ? first[key].shape.slice(1) : key === 'boxes' ? [4] : [];
      const width = trailing.reduce((a, d) => a * d, 1);
      const data = [];
      let rows = 0;
      for (const img of images) {
        if (Object.hasOwn(img, key)) {
          data.push(...img[key].data);
          rows += rowsOf(img[key]);
        } else if (spec.inputs[i].optional && Object.hasOwn(img, 'labels')) {
          const n = rowsOf(img.labels);
          for (let k = 0; k < n * width; k++) data.push(0);
          rows += n;
        }
      }
      // Pieces that cannot be stacked (boxes of unequal widths) are handed over flat for the metric to reject.
      const shape = rows * width === data.length ? [rows, ...trailing] : [data.length];
      t = { dtype, shape, data };
    }
    inputs.push(fixtureTensor(t, `${where}.${spec.inputs[i].name}`));
  }
  return inputs;
}

// Text metrics (FORMAT-text-retrieval.md): a tensor object is a tensor, any other JSON value (a
// string, a list of strings, lists of references, SQuAD's dicts) is passed to update() as it is,
// for the package to convert by the input's kind (npm/src/text.mjs). Mirrors the native runner.
function textInputs(batch, spec, where) {
  const inputs = [];
  for (const input of spec.inputs) {
    if (!Object.hasOwn(batch, input.name)) {
      if (input.optional) break;
      throw new Error(`${where}: fixture batch lacks input '${input.name}'`);
    }
    const value = batch[input.name];
    // A `text` input given a JSON document (an object, or a list of objects: a COCO file) takes its
    // JSON text, as the package's COCO metrics expect. Mirrors the native runner.
    const document =
      (input.kind ?? 'tensor') === 'text' &&
      value !== null &&
      typeof value === 'object' &&
      !isFixtureTensor(value) &&
      (!Array.isArray(value) || (value.length > 0 && typeof value[0] === 'object' && value[0] !== null));
    inputs.push(
      isFixtureTensor(value)
        ? fixtureTensor(value, `${where}.${input.name}`)
        : document
          ? JSON.stringify(value)
          : value,
    );
  }
  if (inputs.length !== Object.keys(batch).length) {
    throw new Error(`${where}: fixture batch has inputs the registry does not list (${Object.keys(batch)})`);
  }
  return inputs;
}

// FORMAT-image-audio.md: a batch value that is an object but not a tensor, under a key the metric
// does not take, is a dict of named inputs (SpatialDistortionIndex's `target` {ms, pan, pan_lr});
// the metric takes its keys as inputs. Under a key it takes (SQuAD's dicts, COCO files as JSON
// text) it is that input's value. Mirrors the native runner.
const isDictValue = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !isFixtureTensor(v);
const isDictInput = (key, v, spec) => isDictValue(v) && !spec.inputs.some((i) => i.name === key);
function flattenDictInputs(batch, spec) {
  const out = {};
  for (const [key, value] of Object.entries(batch)) {
    if (isDictInput(key, value, spec)) Object.assign(out, value);
    else out[key] = value;
  }
  return out;
}

// The batch's inputs in the order of the metric's update() arguments (the registry's inputs).
export function batchInputs(given, spec, where) {
  if (spec.inputs.some((i) => (i.kind ?? 'tensor') !== 'tensor')) return textInputs(given, spec, where);
  if (Array.isArray(given.preds)) return detectionInputs(given, spec, where);
  const fromDict = Object.entries(given).some(([key, value]) => isDictInput(key, value, spec));
  const batch = fromDict ? flattenDictInputs(given, spec) : given;
  const inputs = [];
  for (const input of spec.inputs) {
    if (!Object.hasOwn(batch, input.name)) {
      // a dict lacking a key (D_s `target` without `pan`): the inputs before it, for the metric to refuse
      if (input.optional || fromDict) break;
      throw new Error(`${where}: fixture batch lacks input '${input.name}'`);
    }
    inputs.push(fixtureTensor(batch[input.name], `${where}.${input.name}`));
  }
  if (inputs.length !== Object.keys(batch).length && !fromDict) {
    throw new Error(`${where}: fixture batch has inputs the registry does not list (${Object.keys(batch)})`);
  }
  return inputs;
}

// FORMAT-image-audio.md: a tensor argument (SpatialCorrelationCoefficient's `high_pass_filter`) is a
// tensor object; options hold numbers, so the product takes its row-major values (a square kernel).
// Mirrors the native runner.
function tensorArgsAsValues(args = {}) {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, isFixtureTensor(v) ? v.data : v]));
}

// The batch keys that `spec` does not list as update() inputs: a case that gives a metric an
// input it does not take yet (weighted.json's `sample_weight` before weights land) is skipped with
// that reason, like a case whose metric is not registered. Mirrors the native runner.
export function inputsNotTaken(batches, spec) {
  const listed = new Set(spec.inputs.map((i) => i.name));
  const out = new Set();
  for (const b of batches) {
    if (Array.isArray(b.preds)) continue;
    for (const key of Object.keys(flattenDictInputs(b, spec))) if (!listed.has(key)) out.add(key);
  }
  return [...out];
}

// TorchMetrics refuses a Python int for some float arguments (VMeasureScore's `beta=1`: "should be
// a positive float"); a JS number has no int type, so the product takes it (QUIRKS.md C2). Such an
// `init` error case whose integral number goes to a `number` option is reported skipped when the
// product accepts it, never passed. The native runner reads the fixture's literal (1 vs 1.0) instead.
function pythonIntRefusal(lib, c, spec) {
  if (c.error_at !== 'init' || !String(c.error).includes('float')) return null;
  const key = Object.keys(c.args ?? {}).find(
    (k) => Number.isInteger(c.args[k]) && spec.options.some((o) => o.name === k && o.type === 'number'),
  );
  if (key === undefined) return null;
  try {
    lib.createMetric(c.metric, camelCaseArgs(c.args)).dispose();
  } catch {
    return null; // refused for another reason (e.g. out of range): run the case as usual
  }
  return `deliberate deviation: TorchMetrics refuses the Python int ${key}=${c.args[key]} for a float argument; a JS number has no int type (QUIRKS.md C2)`;
}

function runCase(lib, c, spec) {
  const args = camelCaseArgs(tensorArgsAsValues(c.args));
  const atol = c.atol ?? 1e-6;
  const rtol = c.rtol ?? 1e-5;
  const isError = Object.hasOwn(c, 'error');
  const errorAt = c.error_at ?? '';
  const expectation = isError ? `expected an Error (${errorAt}): ${c.error}` : '';

  if (isError && errorAt === 'init') {
    assert.throws(() => lib.createMetric(c.metric, args), Error, expectation);
    return;
  }
  const metric = lib.createMetric(c.metric, args);
  try {
    const useForward = Object.hasOwn(c, 'forward') && errorAt !== 'compute';
    for (let i = 0; i < c.batches.length; i++) {
      const inputs = batchInputs(c.batches[i], spec, `batches[${i}]`);
      if (isError && errorAt === `update[${i}]`) {
        const call = useForward ? () => metric.forward(...inputs) : () => metric.update(...inputs);
        assert.throws(call, Error, expectation);
        return;
      }
      if (useForward) {
        const got = metric.forward(...inputs);
        const diff = compareResult(got, c.forward[i], atol, rtol, lib.Tensor, `forward[${i}]`);
        assert.equal(diff, '', diff);
      } else {
        metric.update(...inputs);
      }
    }
    if (isError) {
      assert.equal(errorAt, 'compute', `unknown error_at ${JSON.stringify(errorAt)}`);
      assert.throws(() => metric.compute(), Error, expectation);
      return;
    }
    const diff = compareResult(metric.compute(), c.expected, atol, rtol, lib.Tensor, 'compute()');
    assert.equal(diff, '', diff);
  } finally {
    metric.dispose();
  }
}

export async function runConformance({ simd }) {
  const lib = await importPackage();
  await lib.init({ simd });
  const specs = new Map(lib.listMetrics().map((m) => [m.name, m]));
  const files = readFixtureFiles();
  const build = simd ? 'simd' : 'plain';

  test(`the ${build} build is loaded`, () => {
    assert.equal(lib.simd(), simd);
  });
  test('conformance fixtures are found', () => {
    assert.ok(files.length > 0 && files.some((f) => f.cases.length > 0), 'no fixture cases');
  });

  for (const { file, cases } of files) {
    describe(`conformance [${build}] ${file}`, () => {
      for (const c of cases) {
        it(c.id, (t) => {
          const spec = specs.get(c.metric);
          if (!spec) {
            t.skip(`${c.metric} is not registered`);
            return;
          }
          const extra = inputsNotTaken(c.batches ?? [], spec);
          if (extra.length > 0) {
            t.skip(`${c.metric} does not take input ${extra.join(', ')} yet`);
            return;
          }
          const deviation = pythonIntRefusal(lib, c, spec);
          if (deviation) {
            t.skip(deviation);
            return;
          }
          runCase(lib, c, spec);
        });
      }
    });
  }
}
