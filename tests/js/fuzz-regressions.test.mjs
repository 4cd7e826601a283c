// Regression tests for what fuzz/js/readers.mjs found in the JS file readers; the inputs are in
// fuzz/corpus/readers (regress-*).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from './helpers.mjs';

const { decodeMask, MediaFormatError } = await import(join(repoRoot, 'npm', 'dist', 'index.mjs'));
const seed = (name) => readFileSync(join(repoRoot, 'fuzz', 'corpus', 'readers', name));

test('a 70-byte PNG claiming 654M x 2 pixels is refused before decoding (took seconds and GBs)', () => {
  const start = process.cpuUsage(); // CPU time, not wall time: a busy machine must not fail this
  assert.throws(
    () => decodeMask(seed('regress-huge-claimed-size.png'), { name: 'big.png' }),
    (e) => e.constructor === MediaFormatError && /big\.png: the PNG claims 654311426x2 pixels/.test(e.message),
  );
  const used = process.cpuUsage(start);
  assert.ok(used.user + used.system < 1e6, 'refused at once (under 1 s of CPU)');
});

test('a PNG of zero width is refused, not returned as an empty mask', () => {
  assert.throws(
    () => decodeMask(seed('regress-zero-width.png'), { name: 'z.png' }),
    (e) => e.constructor === MediaFormatError && /z\.png: the PNG has no pixels/.test(e.message),
  );
});

test('a version-2 .npy shorter than its 12-byte preamble is an Error, not a RangeError', async () => {
  const { parseNpy } = await import(join(repoRoot, 'web', 'js', 'lib', 'npy.mjs'));
  assert.throws(
    () => parseNpy(new Uint8Array(seed('regress-v2-truncated-header.npy'))),
    (e) => e.constructor === Error && /truncated/.test(e.message),
  );
});

test('JSON records without keys ([{}]) are refused, not a table without columns', async () => {
  const { jsonToDataset } = await import(join(repoRoot, 'web', 'js', 'lib', 'table.mjs'));
  assert.throws(
    () => jsonToDataset(JSON.parse(seed('regress-no-columns.json').toString())),
    (e) => e.constructor === Error && /no data columns/.test(e.message),
  );
});

test('a JSON cell holding an object or array is an Error or text, never a TypeError', async () => {
  const { jsonToDataset } = await import(join(repoRoot, 'web', 'js', 'lib', 'table.mjs'));
  const input = JSON.parse(seed('regress-object-cell.json').toString());
  try {
    const table = jsonToDataset(input);
    assert.ok(table && typeof table === 'object');
  } catch (e) {
    assert.equal(e.constructor, Error, `${e.constructor.name}: ${e.message}`);
  }
});
