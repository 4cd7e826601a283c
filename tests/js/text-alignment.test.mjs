// alignTranscripts (npm/src/alignment.mjs over the `alignment` query): named runs of operations,
// token spans that slice the strings given (UTF-16), agreement with WordErrorRate / CharErrorRate
// on the same pairs, and clear errors. Expected values are hand-counted here.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
await lib.init();

test('one pair: a deletion and an insertion keep five hits', () => {
  const a = lib.alignTranscripts('cat sat on the mat today', 'the cat sat on the mat');
  assert.deepEqual([a.hits, a.substitutions, a.insertions, a.deletions, a.errors], [5, 0, 1, 1, 2]);
  assert.equal(a.errorRate, 2 / 6);
  assert.deepEqual(a.ops, [
    { type: 'delete', targetStart: 0, targetEnd: 1, predStart: 0, predEnd: 0 },
    { type: 'equal', targetStart: 1, targetEnd: 6, predStart: 0, predEnd: 5 },
    { type: 'insert', targetStart: 6, targetEnd: 6, predStart: 5, predEnd: 6 },
  ]);
  assert.deepEqual(a.predsTokens.at(-1), { text: 'today', start: 19, end: 24 });
});

test('spans slice the strings given: emoji, accents, Python whitespace', () => {
  const pred = 'héllo \u{1F600}  wörld';
  const target = 'héllo\u3000there wörld';
  const a = lib.alignTranscripts(pred, target);
  for (const t of a.predsTokens) assert.equal(pred.slice(t.start, t.end), t.text);
  assert.deepEqual(
    a.predsTokens.map((t) => t.text),
    ['héllo', '\u{1F600}', 'wörld'],
  );
  assert.deepEqual(
    a.targetTokens.map((t) => t.text),
    ['héllo', 'there', 'wörld'],
  );
  assert.deepEqual(
    a.ops.map((o) => o.type),
    ['equal', 'substitute', 'equal'],
  );
  const c = lib.alignTranscripts('a\u{1F600}c', 'abc', { unit: 'char' });
  assert.deepEqual(
    c.predsTokens.map((t) => t.text),
    ['a', '\u{1F600}', 'c'],
  );
  assert.equal(c.substitutions, 1);
});

test('errors summed over pairs give WordErrorRate and CharErrorRate', () => {
  const preds = ['this is the prediction', 'there is an other sample', '', 'extra words here'];
  const target = ['this is the reference', 'there is another one', 'nothing said', 'words'];
  for (const [unit, Cls] of [
    ['word', lib.WordErrorRate],
    ['char', lib.CharErrorRate],
  ]) {
    const pairs = lib.alignTranscripts(preds, target, { unit });
    assert.equal(pairs.length, 4);
    const errors = pairs.reduce((s, p) => s + p.errors, 0);
    const refTokens = pairs.reduce((s, p) => s + p.targetTokens.length, 0);
    const m = new Cls();
    m.update(preds, target);
    assert.ok(Math.abs(m.compute() - errors / refTokens) < 1e-12, unit);
    m.dispose();
  }
});

test('bad input is a clear error', () => {
  assert.throws(() => lib.alignTranscripts(['a'], ['a', 'b']), /same length, got 1 and 2/);
  assert.throws(() => lib.alignTranscripts(['a', 3], ['a', 'b']), /preds\[1\] must be a string/);
  assert.throws(() => lib.alignTranscripts('a', 'b', { unit: 'token' }), /unit/);
  assert.deepEqual(lib.alignTranscripts([], []), []);
  const long = 'x'.repeat(9000);
  assert.throws(() => lib.alignTranscripts(long, long, { unit: 'char' }), /limit of 67108864/);
});
