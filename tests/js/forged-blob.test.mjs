// Forged native state blobs (issue 16): a checksum proves nothing against a forger, who can
// recompute it. These tests forge blobs field by field with a correct checksum and expect a clear
// Error and an unchanged metric. Here: a size field of 2^32 + k bytes, which a 32-bit size_t in
// WebAssembly used to read as k (the blob loaded, then the metric saved blobs nothing could load).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
await lib.init();

// FNV-1a 64, the native blob's trailing checksum (src/wasmetrics/core/state_blob.cpp), with the
// engine's offset basis 1469598103934665603 (the standard one, 14695981039346656037, a digit
// short: kept, blobs carry it). With the standard basis every resealed blob was refused for its
// checksum, so these tests would pass without reaching the check they are about.
function fnv1a64(bytes) {
  let h = 1469598103934665603n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

// Walks the native blob layout (core/state_blob.hpp) and returns the offsets of the first state's
// dims and byte-size fields.
function firstStateFields(blob) {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let at = 8; // magic, version
  at += 4 + view.getUint32(at, true); // metric name
  at += 8 + 8 + 4; // options hash, update count, state count
  at += 4 + view.getUint32(at, true); // state name
  at += 2; // reduction, dtype
  const ndim = view.getUint32(at, true);
  at += 4;
  const dims = at;
  at += 8 * ndim;
  return { view, dims, ndim, size: at };
}

function reseal(blob) {
  const body = blob.subarray(0, blob.length - 8);
  new DataView(blob.buffer, blob.byteOffset).setBigUint64(blob.length - 8, fnv1a64(body), true);
  return blob;
}

test('a forged state size of 2^32 + k bytes is refused as truncated, and the metric is unchanged', () => {
  const m = new lib.CatMetric();
  m.update({ data: Float32Array.of(1.5), shape: [1] });
  const blob = new Uint8Array(m.saveState());
  const { view, dims, ndim, size } = firstStateFields(blob);
  assert.equal(ndim, 1, 'CatMetric keeps one [n] state');
  const elementBytes = Number(view.getBigUint64(size, true)) / Number(view.getBigInt64(dims, true));
  // Claim 2^32 + elementBytes bytes holding (2^32 / elementBytes + 1) elements: consistent with
  // the shape, but only elementBytes are present.
  view.setBigInt64(dims, BigInt(2 ** 32 / elementBytes + 1), true);
  view.setBigUint64(size, BigInt(2 ** 32 + elementBytes), true);
  const fresh = new lib.CatMetric();
  fresh.update({ data: Float32Array.of(7), shape: [1] });
  assert.throws(
    () => fresh.loadState(reseal(blob)),
    (e) => e instanceof Error && /runs past its end|state size/.test(e.message) && !/checksum/.test(e.message),
  );
  assert.deepEqual(Array.from(fresh.compute().data ?? [fresh.compute()]), [7]);
  const again = new lib.CatMetric();
  again.loadState(fresh.saveState()); // what it saves still loads
  assert.deepEqual(Array.from(again.compute().data ?? [again.compute()]), [7]);
  for (const x of [m, fresh, again]) x.dispose();
});

// Every state of a native blob: name, dtype code, dims and the offset of its bytes.
function blobStates(blob) {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let at = 8;
  at += 4 + view.getUint32(at, true);
  at += 8 + 8;
  const count = view.getUint32(at, true);
  at += 4;
  const states = {};
  for (let k = 0; k < count; k++) {
    const nameLength = view.getUint32(at, true);
    const name = new TextDecoder().decode(blob.subarray(at + 4, at + 4 + nameLength));
    at += 4 + nameLength;
    const dtype = view.getUint8(at + 1);
    at += 2;
    const ndim = view.getUint32(at, true);
    at += 4;
    const dims = [];
    for (let d = 0; d < ndim; d++) dims.push(Number(view.getBigInt64(at + 8 * d, true)));
    at += 8 * ndim;
    const bytes = Number(view.getBigUint64(at, true));
    at += 8;
    states[name] = { dtype, dims, offset: at, bytes };
    at += bytes;
  }
  return { view, states };
}

// Cross-field totals (core/state_invariants.hpp), one metric per kind of invariant: a forged blob
// whose totals disagree, checksum recomputed, is refused naming the state, and the metric is
// unchanged.
const { batchInputs } = await import('./conformance-runner.mjs');
const forgeries = [
  // at_most: a float64 sum above its float64 bound
  {
    metric: 'BLEUScore',
    state: 'numerator',
    forge: (s, v) => v.setFloat64(s.numerator.offset, v.getFloat64(s.denominator.offset, true) + 1, true),
  },
  {
    metric: 'MeanIoU',
    args: { reduction: 'dataset' },
    state: 'intersection',
    forge: (s, v) => v.setFloat64(s.intersection.offset, v.getFloat64(s.union.offset, true) + 1, true),
  },
  // sum_is_rows: a per-image count one more than the boxes it counts
  {
    metric: 'IntersectionOverUnion',
    state: 'pred_counts',
    forge: (s, v) => v.setBigInt64(s.pred_counts.offset, v.getBigInt64(s.pred_counts.offset, true) + 1n, true),
  },
];
for (const { metric, args = {}, state, forge } of forgeries) {
  test(`a ${metric} blob whose '${state}' total disagrees with its sibling states is refused, the metric unchanged`, () => {
    const spec = lib.listMetrics().find((m) => m.name === metric);
    const ex = spec.examples[0];
    const fed = () => {
      const m = lib.createMetric(metric, { ...ex.args, ...args });
      for (let i = 0; i < ex.batches.length; i++) m.update(...batchInputs(ex.batches[i], spec, `batches[${i}]`));
      return m;
    };
    const source = fed();
    const blob = new Uint8Array(source.saveState());
    const { view, states } = blobStates(blob);
    assert.ok(states[state] && states[state].bytes > 0, `${metric} keeps a non-empty '${state}'`);
    forge(states, view);
    const receiver = fed();
    const before = new Uint8Array(receiver.saveState());
    assert.throws(
      () => receiver.loadState(reseal(blob)),
      (e) => e instanceof Error && e.message.includes(`'${state}'`) && !/checksum/.test(e.message),
    );
    assert.deepEqual(new Uint8Array(receiver.saveState()), before);
    source.dispose();
    receiver.dispose();
  });
}
