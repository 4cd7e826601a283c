// The demo page's pure helpers (web/js/lib): the .npy reader, CSV header detection and columns,
// JSON datasets, and the task suggested from the data. No browser needed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { repoRoot } from './helpers.mjs';

const lib = (f) => import(pathToFileURL(join(repoRoot, 'web/js/lib', f)).href);
const { parseNpy, writeNpy } = await lib('npy.mjs');
const { cellNumber, detectHeader, jsonToDataset, TableBuilder } = await lib('table.mjs');
const { buildInputs, className, collectColumns, suggestTask } = await lib('task.mjs');

/** A .npy file by hand: header dict text and raw data bytes. */
function npy(header, data, major = 1) {
  const pre = major === 1 ? 10 : 12;
  let h = header;
  h += ' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(data, pre + h.length);
  return out;
}

test('npy: round trip of every little-endian dtype', () => {
  for (const T of [Float64Array, Float32Array, Int32Array, Int16Array, Int8Array, Uint8Array, Uint16Array, Uint32Array]) {
    const data = T.from([1, 2, 3, 4, 5, 6]);
    const r = parseNpy(writeNpy(data, [2, 3]));
    assert.deepEqual(r.shape, [2, 3]);
    assert.deepEqual(Array.from(r.data), [1, 2, 3, 4, 5, 6], T.name);
  }
  const r = parseNpy(writeNpy(BigInt64Array.from([7n, -2n]), [2]));
  assert.ok(r.data instanceof Float64Array);
  assert.deepEqual(Array.from(r.data), [7, -2]);
  assert.deepEqual(parseNpy(writeNpy(new Float64Array([3.5]), [])).shape, []);
});

test('npy: bool, big-endian, Fortran order, format 2.0', () => {
  const b = parseNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new Uint8Array([1, 0, 1])));
  assert.equal(b.dtype, 'bool');
  assert.deepEqual(Array.from(b.data), [1, 0, 1]);
  const be = new Uint8Array(16);
  new DataView(be.buffer).setFloat64(0, 1.5, false);
  new DataView(be.buffer).setFloat64(8, -2.25, false);
  assert.deepEqual(Array.from(parseNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be)).data), [1.5, -2.25]);
  // [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6
  const f = parseNpy(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(Int32Array.from([1, 4, 2, 5, 3, 6]).buffer)));
  assert.deepEqual(Array.from(f.data), [1, 2, 3, 4, 5, 6]);
  const v2 = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(Float32Array.from([0.5, 4]).buffer), 2));
  assert.deepEqual(Array.from(v2.data), [0.5, 4]);
});

test('npy: corrupt files are refused with a reason', () => {
  assert.throws(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])), /not a \.npy file/);
  assert.throws(() => parseNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 200, 0, 1, 2])), /truncated/);
  const full = writeNpy(new Float64Array([1, 2, 3]), [3]);
  assert.throws(() => parseNpy(full.subarray(0, full.length - 4)), /data is truncated/);
  assert.throws(() => parseNpy(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16))), /not supported/);
  assert.throws(() => parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16), 9)), /version 9/);
});

test('CSV cells and header detection', () => {
  assert.equal(cellNumber(' 1.5 '), 1.5);
  assert.ok(Number.isNaN(cellNumber('')));
  assert.ok(Number.isNaN(cellNumber('nan')));
  assert.equal(cellNumber('-inf'), -Infinity);
  assert.equal(cellNumber('cat'), undefined);
  assert.equal(detectHeader([['p', 'y'], ['0.1', '1'], ['0.3', '0']]), true);
  assert.equal(detectHeader([['0.1', '1'], ['0.3', '0']]), false);
  assert.equal(detectHeader([['label'], ['cat'], ['dog'], ['cat']]), true);
  assert.equal(detectHeader([['cat'], ['dog'], ['cat']]), false); // a label column without header
});

test('TableBuilder: text columns become categories; ragged rows are an error naming the line', () => {
  const t = new TableBuilder();
  t.add([['score', 'label'], ['0.5', '1'], ['0.25', 'x']]);
  const d = t.finish();
  assert.equal(d.header, true);
  assert.deepEqual(Array.from(d.columns[0].values), [0.5, 0.25]);
  assert.deepEqual(d.columns[1].categories, ['1', 'x']);
  const bad = new TableBuilder();
  assert.throws(() => bad.add([['a', 'b'], ['1', '2'], ['3']]), /line 3 has 1 field but the header has 2/);
});

test('JSON datasets: records, columns, nested arrays, {preds, target}; COCO and ragged refused', () => {
  assert.equal(jsonToDataset([{ p: 0.1, y: 0 }, { p: 0.9, y: 1 }]).columns.length, 2);
  assert.equal(jsonToDataset({ p: [0.1, 0.9], y: [0, 1] }).rows, 2);
  assert.deepEqual(jsonToDataset([[1, 2], [3, 4]]).shape, [2, 2]);
  assert.deepEqual(Object.keys(jsonToDataset({ preds: [[[1]]], target: [[[0]]] }).tensors), ['preds', 'target']);
  assert.throws(() => jsonToDataset({ images: [], annotations: [] }), /COCO/);
  assert.throws(() => jsonToDataset([[1, 2], [3]]), /ragged/);
});

const table = (...cols) => ({ kind: 'table', name: 'f.csv', rows: cols[0][1].length, columns: cols.map(([name, values, categories = null]) => ({ name, values: Float64Array.from(values), categories })) });

test('task suggestion from the data', () => {
  const suggest = (ds, tg = null) => suggestTask(buildInputs(collectColumns(ds, tg))).task;
  assert.equal(suggest(table(['score', [0.1, 0.8, 0.6]], ['label', [0, 1, 1]])), 'binary');
  assert.equal(suggest(table(['id', [0, 1, 2]], ['price_pred', [1.5, 2, 3]], ['true_price', [1.2, 2.5, 3]])), 'regression');
  assert.equal(suggest(table(['p_a', [0.7, 0.2]], ['p_b', [0.3, 0.8]], ['label', [0, 1]])), 'multiclass');
  assert.equal(suggest(table(['pred', [0, 2, 1]], ['target', [0, 2, 2]])), 'multiclass');
  assert.equal(suggest(table(['p_x', [0.7, 0.2]], ['p_y', [0.3, 0.8]], ['x_true', [1, 0]], ['y_true', [1, 1]])), 'multilabel');
  assert.equal(suggest({ kind: 'tensor', name: 'p.npy', data: new Float64Array(8), shape: [2, 2, 2] }, { kind: 'tensor', name: 't.npy', data: new Float64Array(8).fill(1), shape: [2, 2, 2] }), 'segmentation');
  // a separate targets file: its columns are targets
  assert.equal(suggest(table(['score', [0.1, 0.8]]), table(['whatever', [0, 1]])), 'binary');
});

test('class names from column names; text labels mapped to them', () => {
  assert.equal(className('p_cat'), 'cat');
  assert.equal(className('dog_prob'), 'dog');
  assert.equal(className('vehicle_true'), 'vehicle');
  const inputs = buildInputs(collectColumns(table(['cat', [0.9, 0.2]], ['dog', [0.1, 0.8]], ['label', [0, 1], ['dog', 'cat']])));
  assert.deepEqual(inputs.classNames, ['cat', 'dog']);
  assert.deepEqual(Array.from(inputs.target.data), [1, 0]);
  assert.throws(() => buildInputs(collectColumns(table(['cat', [0.9]], ['dog', [0.1]], ['label', [0], ['bird']]))), /not the class names/);
});
