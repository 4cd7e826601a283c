// The demo page's pure helpers (web/js/lib): the .npy reader, CSV header detection and columns,
// JSON datasets, and the task suggested from the data. No browser needed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { repoRoot } from './helpers.mjs';

const lib = (f) => import(pathToFileURL(join(repoRoot, 'web/js/lib', f)).href);
const { parseNpy, writeNpy } = await lib('npy.mjs');
const { cellNumber, detectHeader, jsonToDataset, rowPlace, TableBuilder } = await lib('table.mjs');
const { buildInputs, checkColumns, className, collectColumns, guessRole, suggestTask } = await lib('task.mjs');

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
  for (const T of [
    Float64Array,
    Float32Array,
    Int32Array,
    Int16Array,
    Int8Array,
    Uint8Array,
    Uint16Array,
    Uint32Array,
  ]) {
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
  assert.deepEqual(
    Array.from(parseNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be)).data),
    [1.5, -2.25],
  );
  // [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6
  const f = parseNpy(
    npy(
      "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }",
      new Uint8Array(Int32Array.from([1, 4, 2, 5, 3, 6]).buffer),
    ),
  );
  assert.deepEqual(Array.from(f.data), [1, 2, 3, 4, 5, 6]);
  const v2 = parseNpy(
    npy(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
      new Uint8Array(Float32Array.from([0.5, 4]).buffer),
      2,
    ),
  );
  assert.deepEqual(Array.from(v2.data), [0.5, 4]);
});

test('npy: corrupt files are refused with a reason', () => {
  assert.throws(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])), /not a \.npy file/);
  assert.throws(() => parseNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 200, 0, 1, 2])), /truncated/);
  const full = writeNpy(new Float64Array([1, 2, 3]), [3]);
  assert.throws(() => parseNpy(full.subarray(0, full.length - 4)), /data is truncated/);
  assert.throws(
    () => parseNpy(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16))),
    /not supported/,
  );
  assert.throws(
    () => parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16), 9)),
    /version 9/,
  );
});

test('CSV cells and header detection', () => {
  assert.equal(cellNumber(' 1.5 '), 1.5);
  assert.ok(Number.isNaN(cellNumber('')));
  assert.ok(Number.isNaN(cellNumber('nan')));
  assert.equal(cellNumber('-inf'), -Infinity);
  assert.equal(cellNumber('cat'), undefined);
  assert.equal(
    detectHeader([
      ['p', 'y'],
      ['0.1', '1'],
      ['0.3', '0'],
    ]),
    true,
  );
  assert.equal(
    detectHeader([
      ['0.1', '1'],
      ['0.3', '0'],
    ]),
    false,
  );
  assert.equal(detectHeader([['label'], ['cat'], ['dog'], ['cat']]), true);
  assert.equal(detectHeader([['cat'], ['dog'], ['cat']]), false); // a label column without header
});

test('TableBuilder: text columns become categories; ragged rows are an error naming the line', () => {
  const t = new TableBuilder();
  t.add([
    ['score', 'label'],
    ['0.5', 'cat'],
    ['0.25', 'dog'],
    ['0.75', 'cat'],
  ]);
  const d = t.finish();
  assert.equal(d.header, true);
  assert.deepEqual(Array.from(d.columns[0].values), [0.5, 0.25, 0.75]);
  assert.deepEqual(d.columns[1].categories, ['cat', 'dog']);
  const bad = new TableBuilder();
  assert.throws(() => bad.add([['a', 'b'], ['1', '2'], ['3']]), /line 3 has 1 field but the header has 2/);
});

test('JSON datasets: records, columns, nested arrays, {preds, target}; COCO and ragged refused', () => {
  assert.equal(
    jsonToDataset([
      { p: 0.1, y: 0 },
      { p: 0.9, y: 1 },
    ]).columns.length,
    2,
  );
  assert.equal(jsonToDataset({ p: [0.1, 0.9], y: [0, 1] }).rows, 2);
  assert.deepEqual(
    jsonToDataset([
      [1, 2],
      [3, 4],
    ]).shape,
    [2, 2],
  );
  assert.deepEqual(Object.keys(jsonToDataset({ preds: [[[1]]], target: [[[0]]] }).tensors), ['preds', 'target']);
  assert.throws(() => jsonToDataset({ images: [], annotations: [] }), /COCO/);
  assert.throws(() => jsonToDataset([[1, 2], [3]]), /ragged/);
});

const table = (...cols) => ({
  kind: 'table',
  name: 'f.csv',
  rows: cols[0][1].length,
  columns: cols.map(([name, values, categories = null]) => ({ name, values: Float64Array.from(values), categories })),
});

test('task suggestion from the data', () => {
  const suggest = (ds, tg = null) => suggestTask(buildInputs(collectColumns(ds, tg))).task;
  assert.equal(suggest(table(['score', [0.1, 0.8, 0.6]], ['label', [0, 1, 1]])), 'binary');
  assert.equal(
    suggest(table(['id', [0, 1, 2]], ['price_pred', [1.5, 2, 3]], ['true_price', [1.2, 2.5, 3]])),
    'regression',
  );
  assert.equal(suggest(table(['p_a', [0.7, 0.2]], ['p_b', [0.3, 0.8]], ['label', [0, 1]])), 'multiclass');
  assert.equal(suggest(table(['pred', [0, 2, 1]], ['target', [0, 2, 2]])), 'multiclass');
  assert.equal(
    suggest(table(['p_x', [0.7, 0.2]], ['p_y', [0.3, 0.8]], ['x_true', [1, 0]], ['y_true', [1, 1]])),
    'multilabel',
  );
  assert.equal(
    suggest(
      { kind: 'tensor', name: 'p.npy', data: new Float64Array(8), shape: [2, 2, 2] },
      { kind: 'tensor', name: 't.npy', data: new Float64Array(8).fill(1), shape: [2, 2, 2] },
    ),
    'segmentation',
  );
  // a separate targets file: its columns are targets
  assert.equal(suggest(table(['score', [0.1, 0.8]]), table(['whatever', [0, 1]])), 'binary');
});

test('class names from column names; text labels mapped to them', () => {
  assert.equal(className('p_cat'), 'cat');
  assert.equal(className('dog_prob'), 'dog');
  assert.equal(className('vehicle_true'), 'vehicle');
  const inputs = buildInputs(
    collectColumns(table(['cat', [0.9, 0.2]], ['dog', [0.1, 0.8]], ['label', [0, 1], ['dog', 'cat']])),
  );
  assert.deepEqual(inputs.classNames, ['cat', 'dog']);
  assert.deepEqual(Array.from(inputs.target.data), [1, 0]);
  assert.throws(
    () => buildInputs(collectColumns(table(['cat', [0.9]], ['dog', [0.1]], ['label', [0], ['bird']]))),
    /not the class names/,
  );
});

// Issue 15: the defects seen on the demo page, at the level of the pure helpers (the browser
// tests in web-demo-defects.test.mjs check the page itself).
const csvTable = (text, hasHeader = 'auto') => {
  const t = new TableBuilder({ skipBlank: true });
  t.add(
    text.split('\n').map((l) => l.split(',')),
    hasHeader,
  );
  return { ...t.finish(), name: 'f.csv', format: 'csv' };
};

test('pandas: an unnamed first column 0..n-1 is a sample id; a header 0..C-1 is a header', () => {
  // pd.DataFrame({'p_a':..., 'p_b':..., 'label':...}).to_csv(): an index column with an empty name
  const indexed = csvTable(',p_a,p_b,label\n0,0.9,0.1,0\n1,0.2,0.8,1\n2,0.6,0.4,0\n');
  const { columns } = collectColumns({ ...indexed, name: 'p.csv' }, null);
  assert.deepEqual(
    columns.map((c) => c.role),
    ['id', 'pred', 'pred', 'target'],
  );
  // a named column holding 0..n-1 is not taken for an index
  assert.equal(
    guessRole({ name: 'score', unnamed: false, values: Float64Array.from([0, 1, 2]), categories: null }, 0),
    'pred',
  );
  // pd.DataFrame(proba).to_csv(index=False) and pd.DataFrame(proba).to_csv()
  for (const text of ['0,1,2\n0.2,0.3,0.5\n0.1,0.1,0.8\n', ',0,1,2\n0,0.2,0.3,0.5\n1,0.1,0.1,0.8\n']) {
    const d = csvTable(text);
    assert.equal(d.header, true, text);
    assert.equal(d.rows, 2, text);
  }
  // a headerless file of integer labels that happens to start 0,1,2 keeps its first row
  assert.equal(
    detectHeader([
      ['0', '1', '2'],
      ['1', '2', '0'],
      ['2', '0', '1'],
    ]),
    false,
  );
});

test('sklearn names: y_true/y_test are targets; y_pred, y_score, y_prob, y_proba, y_hat are predictions', () => {
  const col = (name) => ({ name, values: Float64Array.from([0.1, 0.9]), categories: null });
  for (const n of ['y_true', 'y_test', 'y', 'target', 'label', 'labels', 'cat_true', 'target_cat'])
    assert.equal(guessRole(col(n)), 'target', n);
  for (const n of ['y_score', 'y_pred', 'y_prob', 'y_proba', 'y_hat', 'y:hat', 'score'])
    assert.equal(guessRole(col(n)), 'pred', n);
});

test('bad cells: text, empty and NaN cells are listed by line and column, not turned into categories', () => {
  const d = csvTable('score,label\n0.5,1\n\n0.25,oops\n0.75,0\n,1\n0.1,nan\n');
  assert.equal(d.columns[1].categories, null, 'one text cell does not make the label column categorical');
  const { columns } = collectColumns({ ...d, name: 'f.csv' }, null);
  const { errors } = checkColumns({ columns });
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /column "score" \(f\.csv\): 1 bad cell: line 6: empty/);
  assert.match(
    errors[1],
    /column "label" \(f\.csv\): 2 bad cells: line 4: "oops" is not a number; line 7: nan \(not a number\)/,
  );
  assert.equal(rowPlace(d, 0), 'line 2');
  // a column that is not used (role ignore) is not checked
  columns[1].role = 'ignore';
  assert.equal(checkColumns({ columns }).errors.length, 1);
  // JSON: records are counted from 0
  const j = {
    ...jsonToDataset([
      { p: 0.2, y: 0 },
      { p: null, y: 1 },
    ]),
    name: 'r.json',
  };
  assert.match(checkColumns(collectColumns(j, null)).errors[0], /column "p" \(r\.json\): 1 bad cell: record 1: empty/);
  // arrays: NaN entries by row
  const a = { kind: 'tensor', data: Float64Array.from([0.1, NaN, 0.3]), shape: [3], name: 'p.npy', format: 'npy' };
  const tg = { kind: 'tensor', data: Float64Array.from([0, 1, 1]), shape: [3], name: 't.npy', format: 'npy' };
  assert.match(checkColumns(collectColumns(a, tg)).errors[0], /column "pred" \(p\.npy\): 1 bad cell: row 1: NaN/);
});

test('data warnings: 1-based labels, rows not summing to 1, id-like score columns; one error for 1-based labels', () => {
  const oneBased = csvTable(
    'p_a,p_b,p_c,p_d,label\n0.7,0.1,0.1,0.1,1\n0.1,0.7,0.1,0.1,2\n0.1,0.1,0.7,0.1,3\n0.1,0.1,0.1,0.7,4\n',
  );
  const cols = collectColumns({ ...oneBased, name: 'f.csv' }, null);
  const { errors, warnings } = checkColumns(cols);
  assert.deepEqual(errors, []);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /run 1\.\.4 with 4 score columns: they look 1-based/);
  assert.throws(
    () => suggestTask(buildInputs(cols)),
    /target labels run 1\.\.4 but 4 score columns mean classes 0\.\.3 \(they look 1-based/,
  );
  const notSoftmax = csvTable('p_a,p_b,label\n0.5,0.4,0\n0.5,0.5,1\n');
  const w2 = checkColumns(collectColumns({ ...notSoftmax, name: 'f.csv' }, null)).warnings;
  assert.equal(w2.length, 1);
  assert.match(w2[0], /1 of 2 rows of the 2 score columns do not sum to 1 \(line 2 sums to 0\.9\)/);
  const idLike = csvTable('row_no,p_a,p_b,label\n17,0.5,0.5,0\n3,0.2,0.8,1\n9,0.9,0.1,0\n');
  const w3 = checkColumns(collectColumns({ ...idLike, name: 'f.csv' }, null)).warnings;
  assert.equal(w3.length, 1, w3.join('\n'));
  assert.match(
    w3[0],
    /column "row_no" \(f\.csv\) holds distinct integers 3\.\.17 beside probability columns: it looks like a sample id/,
  );
});

test('class names: typed (commas or lines), a names file (lines, JSON list, {id: name}); bad JSON named', async () => {
  const { classNamesText, parseClassNames } = await lib('class-names.mjs');
  assert.equal(parseClassNames('  '), null);
  assert.deepEqual(parseClassNames('background, sky ,road'), ['background', 'sky', 'road']);
  assert.deepEqual(parseClassNames('\uFEFFbackground\r\nsky, blue\nroad\n'), ['background', 'sky, blue', 'road']);
  assert.deepEqual(parseClassNames('["a", "b", 3]'), ['a', 'b', '3']);
  const map = parseClassNames('{"0": "void", "2": "road"}');
  assert.deepEqual([map.length, map[0], map[1], map[2]], [3, 'void', undefined, 'road']);
  assert.throws(() => parseClassNames('{"x": "a"}', 'names.json'), /names\.json: "x" is not a class id/);
  assert.throws(() => parseClassNames('[1, 2', 'names.json'), /names\.json: not valid JSON/);
  assert.throws(() => parseClassNames('{"a": 1', 'names.json'), /names\.json: not valid JSON/);
  assert.equal(classNamesText(['a', 'b']), 'a, b');
  assert.deepEqual(
    parseClassNames(classNamesText(['a', 'b, c'])),
    ['a', 'b, c'],
    'a name with a comma survives the field',
  );
});
