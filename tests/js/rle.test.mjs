// rleEncode, rleDecode, rleArea, rleToBbox, rleIou, rleFrPoly (npm/src/rle.mjs): hand-worked COCO
// RLEs, agreement with the package's decodeRle, and bad input refused as WasmetricsError by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
await lib.init();
const { rleEncode, rleDecode, rleArea, rleToBbox, rleIou, rleFrPoly, decodeRle, WasmetricsError } = lib;

test('encode, decode, area and bbox of a hand-worked mask', () => {
  // [[0, 1], [1, 1]] read down the columns (COCO's order): 0, 1 | 1, 1 -> runs [1, 3] -> "13".
  const rle = rleEncode([
    [0, 1],
    [1, 1],
  ]);
  assert.deepEqual(rle, { size: [2, 2], counts: '13' });
  assert.deepEqual(rleDecode(rle), { data: Uint8Array.from([0, 1, 1, 1]), shape: [2, 2] });
  assert.deepEqual(rleDecode({ size: [2, 2], counts: [1, 3] }).data, Uint8Array.from([0, 1, 1, 1]));
  assert.equal(rleArea(rle), 3);
  assert.deepEqual(rleToBbox(rle), [0, 0, 2, 2]);
  // A 3 x 4 mask with a 2 x 2 block at rows 1-2, columns 2-3: bbox [2, 1, 2, 2], area 4.
  const block = { data: Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]), shape: [3, 4] };
  const enc = rleEncode(block);
  assert.equal(rleArea(enc), 4);
  assert.deepEqual(rleToBbox(enc), [2, 1, 2, 2]);
  assert.deepEqual(decodeRle(enc), block.data, 'the JS decoder reads what the engine encodes');
  assert.deepEqual(rleDecode(enc).data, block.data);
});

test('IoU matrix, crowd rule, polygons', () => {
  const a = rleEncode([
    [0, 1],
    [1, 1],
  ]);
  const full = rleEncode([
    [1, 1],
    [1, 1],
  ]);
  const empty = rleEncode([
    [0, 0],
    [0, 0],
  ]);
  // a vs full: 3 / 4; a vs a: 1; empty vs anything: 0. Crowd gt: intersection / area(dt) = 3 / 3.
  assert.deepEqual(rleIou([a, empty], [full, a]), [
    [0.75, 1],
    [0, 0],
  ]);
  assert.deepEqual(rleIou([a], [full], [1]), [[1]]);
  // The square (1,1)-(5,5) covers the 4 x 4 pixels whose centres are inside it; a second part
  // inside it changes nothing once merged.
  const sq = rleFrPoly([[1, 1, 5, 1, 5, 5, 1, 5]], 7, 6);
  assert.equal(rleArea(sq), 16);
  assert.deepEqual(rleToBbox(sq), [1, 1, 4, 4]);
  assert.deepEqual(
    rleFrPoly(
      [
        [1, 1, 5, 1, 5, 5, 1, 5],
        [1, 1, 3, 1, 3, 3, 1, 3],
      ],
      7,
      6,
    ),
    sq,
  );
});

test('bad input is a WasmetricsError naming the function and argument', () => {
  const refuses = (fn, re) =>
    assert.throws(fn, (e) => e instanceof WasmetricsError && e.code === 'E_INPUT' && re.test(e.message), String(re));
  refuses(() => rleArea({ size: [2, 2], counts: [1, 2] }), /must add up to h \* w = 4/);
  refuses(() => rleArea({ size: [2, 2], counts: '1!' }), /rleArea: `rle\.counts` is not a compressed COCO RLE/);
  refuses(() => rleArea([1, 3]), /rleArea: `rle` must be a COCO RLE/);
  refuses(() => rleDecode({ counts: '13' }), /rleDecode: `rle` must be a COCO RLE/);
  refuses(
    () => rleIou([{ size: [2, 2], counts: [4] }], [{ size: [1, 4], counts: [4] }]),
    /rleIou: `dt\[0\]` is 2 x 2 but `gt\[0\]` is 1 x 4/,
  );
  refuses(() => rleFrPoly([[1, 1, 5, 1]], 7, 6), /rleFrPoly: `polygons\[0\]` must have at least 3 points/);
  refuses(() => rleFrPoly([[1, 1, 5, 1, 5, 5]], 0, 6), /rleFrPoly: `height` must be a positive integer/);
  assert.throws(
    () => rleEncode([1, 0, 1]),
    (e) => e instanceof WasmetricsError && e.code === 'E_SHAPE' && /2-D/.test(e.message),
  );
  // The module keeps working after refusals.
  assert.equal(rleArea({ size: [1, 2], counts: [0, 2] }), 2);
});
