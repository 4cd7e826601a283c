// The element types' codes are written once, in src/wasmetrics/core/dtype.hpp; scripts/build.mjs
// generates the package's side from it (npm/scripts/dtype-codes.mjs: 'wasmetrics:dtypes' for
// src/tensor.mjs, the TypeScript DType union). This fails when the two drift: a dist built from
// another header, a code the JS side sends that the engine reads as another type, a dtype one side
// lacks, or a header the reader misreads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { distDir, importPackage } from './helpers.mjs';
import { DTYPE_HEADER, dtypeCodesFromHeader, readDtypeCodes } from '../../npm/scripts/dtype-codes.mjs';

const lib = await importPackage();
await lib.init();

const header = readFileSync(DTYPE_HEADER, 'utf8');
const dtypes = readDtypeCodes();

// The typed array of each name as a user would pick it (the test's own table, not tensor.mjs's).
const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  bool: Uint8Array,
};

test('the header lists the element types the package knows, each with a distinct code', () => {
  assert.ok(dtypes.length >= 10, `only ${dtypes.length} dtypes read from dtype.hpp`);
  assert.deepEqual(
    dtypes.map((d) => d.name).sort(),
    Object.keys(ARRAYS).sort(),
    'dtype.hpp and this test name other types: teach tensor.mjs (DTYPE_ARRAYS) and this table the new one',
  );
});

test('the generated TypeScript DType union is the header list', () => {
  const dts = readFileSync(join(distDir, 'index.d.cts'), 'utf8');
  const union = /export type DType = ([^;]+);/.exec(dts)?.[1];
  assert.ok(union, 'index.d.cts declares no DType');
  assert.deepEqual(
    union.split('|').map((s) => s.trim().replace(/^'|'$/g, '')),
    dtypes.map((d) => d.name),
  );
});

// A wrong code makes the engine read the bytes as another type (another width or signedness).
test('every dtype reaches the engine as itself: SumMetric reads its values', () => {
  for (const { name } of dtypes) {
    const values =
      name === 'bool' ? [1, 0, 1, 1] : [1, 2, -3, 40].map((v) => (name.startsWith('uint') ? Math.abs(v) : v));
    const data = name === 'int64' ? BigInt64Array.from(values, BigInt) : ARRAYS[name].from(values);
    const m = new lib.SumMetric();
    try {
      m.update({ data, shape: [values.length], dtype: name });
      assert.equal(
        m.compute(),
        values.reduce((a, v) => a + v, 0),
        `dtype ${name}`,
      );
    } finally {
      m.dispose();
    }
  }
});

// bool and uint8 share a width: only the engine's bool rule (a byte 0 or 1) tells them apart.
test('bool is sent as bool and uint8 as uint8', () => {
  const m = new lib.SumMetric();
  try {
    assert.throws(
      () => m.update({ data: Uint8Array.of(0, 2), shape: [2], dtype: 'bool' }),
      (e) => e.code === 'E_INPUT',
    );
    m.update({ data: Uint8Array.of(0, 2), shape: [2], dtype: 'uint8' });
    assert.equal(m.compute(), 2);
  } finally {
    m.dispose();
  }
});

test('allocInput takes every dtype of the header', () => {
  for (const { name } of dtypes) {
    const h = lib.allocInput(name, [3]);
    try {
      assert.equal(h.data.constructor, ARRAYS[name], name);
    } finally {
      h.dispose();
    }
  }
});

test('the header reader refuses a header it would misread', () => {
  const broken = {
    'a duplicate code': header.replace(/float64 = 1\b/, 'float64 = 0'),
    'an enumerator without dtype_name case': header.replace(/case DType::int16: return "int16";/, ''),
    'a count that disagrees': header.replace(/kDTypeCount = \d+/, 'kDTypeCount = 3'),
    'an implicit code': header.replace(/int8 = 2\b/, 'int8'),
  };
  for (const [what, text] of Object.entries(broken)) {
    assert.notEqual(text, header, `the test's edit for ${what} no longer matches dtype.hpp`);
    assert.throws(() => dtypeCodesFromHeader(text), Error, what);
  }
});
