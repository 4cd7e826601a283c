// The element types' codes are written once, in src/wasmetrics/core/dtype.hpp; scripts/build.mjs
// generates the package's side from it (npm/scripts/dtype-codes.mjs: 'wasmetrics:dtypes' for
// src/tensor.mjs, the TypeScript DType union). This fails when the two drift: a dist built from
// another header, a code or typed array the JS side sends that the engine reads as another type, a
// dtype the JS side lacks (the bundle refuses to load), or a header the reader misreads.
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

test('the header lists the element types, each with a distinct code', () => {
  assert.ok(dtypes.length >= 10, `only ${dtypes.length} dtypes read from dtype.hpp`);
  assert.ok(['float32', 'int64', 'bool'].every((n) => dtypes.some((d) => d.name === n)));
  assert.equal(new Set(dtypes.map((d) => d.code)).size, dtypes.length);
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

// A wrong code (or a typed array of the wrong width) makes the engine read the bytes as another
// type. Each dtype goes in as the package's own buffer (allocInput: read in place) and as a copy of
// it ({data, shape, dtype}: copied into the heap), the two ways a code reaches the binding.
test('every dtype of the header reaches the engine as itself: SumMetric reads its values', () => {
  for (const { name } of dtypes) {
    const values = name === 'bool' ? [1, 0, 1, 1] : name.startsWith('uint') ? [1, 2, 3, 40] : [1, 2, -3, 40];
    const expected = values.reduce((a, v) => a + v, 0);
    const h = lib.allocInput(name, [values.length]);
    const m = new lib.SumMetric();
    try {
      h.data.set(h.data instanceof BigInt64Array ? values.map(BigInt) : values);
      m.update(h);
      assert.equal(m.compute(), expected, `dtype ${name}, read in place`);
      m.reset();
      m.update({ data: h.data.slice(), shape: [values.length], dtype: name });
      assert.equal(m.compute(), expected, `dtype ${name}, copied in`);
    } finally {
      m.dispose();
      h.dispose();
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

test('the header reader refuses a header it would misread', () => {
  const broken = {
    'a duplicate code': header.replace(/float64 = 1\b/, 'float64 = 0'),
    'an enumerator without dtype_name case': header.replace(/case DType::int16:\s*return "int16";/, ''),
    'a count that disagrees': header.replace(/kDTypeCount = \d+/, 'kDTypeCount = 3'),
    'an implicit code': header.replace(/int8 = 2\b/, 'int8'),
  };
  for (const [what, text] of Object.entries(broken)) {
    assert.notEqual(text, header, `the test's edit for ${what} no longer matches dtype.hpp`);
    assert.throws(() => dtypeCodesFromHeader(text), Error, what);
  }
});
