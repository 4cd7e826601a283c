// Text inputs through the npm package (npm/src/text.mjs -> one UTF-8 buffer + offsets): code
// points counted as Python counts them, a large batch in one update, the input kinds in the
// registry, and clear errors for values of the wrong kind. Expected values are computed here from
// the data (string lengths, hand-counted edits), never copied from a reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
await lib.init();
const names = new Set(lib.listMetrics().map((m) => m.name));
const needs = (...metrics) =>
  metrics.every((m) => names.has(m)) ? {} : { skip: `${metrics.join(', ')} not registered` };

test('listMetrics() names each input kind', needs('WordErrorRate', 'BLEUScore', 'SQuAD', 'Perplexity'), () => {
  const kinds = (name) =>
    lib
      .listMetrics()
      .find((m) => m.name === name)
      .inputs.map((i) => i.kind);
  assert.deepEqual(kinds('WordErrorRate'), ['text', 'text']);
  assert.deepEqual(kinds('BLEUScore'), ['text', 'text_lists']);
  assert.deepEqual(kinds('SQuAD'), ['records', 'records']);
  assert.deepEqual(kinds('Perplexity'), ['tensor', 'tensor']);
});

test('characters are code points, as Python counts them', needs('EditDistance'), () => {
  // Inserting every character of s into "" costs len(s) (Python's len: code points).
  const samples = {
    café: 4, // precomposed é
    'cafe\u0301': 5, // e + COMBINING ACUTE ACCENT
    日本語: 3,
    '\u{1F600}!': 2, // an emoji outside the BMP is one code point (two UTF-16 units)
    '\u{1F44D}\u{1F3FD}': 2, // thumbs up + skin tone modifier
    'a\tb\nc': 5,
  };
  const m = new lib.EditDistance({ reduction: 'none' });
  const strings = Object.keys(samples);
  const got = m.forward(
    strings.map(() => ''),
    strings,
  );
  assert.deepEqual(Array.from(got.data), Object.values(samples));
  m.dispose();
});

test('a lone string is one sample; a 100,000-sentence batch is one update', needs('WordErrorRate'), () => {
  const wer = new lib.WordErrorRate();
  assert.equal(wer.forward('the cat sat', 'the cat sat on'), 1 / 4);
  wer.reset();
  const n = 100_000;
  const preds = Array.from({ length: n }, (_, i) => `sentence ${i} has ${i % 7} words é 日本`);
  const target = Array.from({ length: n }, (_, i) =>
    i % 10 === 0 ? `sentence ${i} had ${i % 7} words é 日本` : preds[i],
  );
  const cpu = process.cpuUsage();
  wer.update(preds, target);
  const ms = process.cpuUsage(cpu).user / 1000; // CPU time: wall time on a shared machine says little
  assert.equal(wer.compute(), n / 10 / (n * 7)); // one substitution in every tenth 7-word reference
  assert.ok(ms < 5000, `100,000 sentences took ${ms.toFixed(0)} ms of CPU`);
  wer.dispose();
});

test('references: lists of lists, ragged; a lone string inside stands for a list of one', needs('BLEUScore'), () => {
  const a = new lib.BLEUScore({ nGram: 1 });
  const b = new lib.BLEUScore({ nGram: 1 });
  a.update(['the cat', 'a dog'], [['the cat', 'a cat'], 'a dog']);
  b.update(['the cat', 'a dog'], [['the cat', 'a cat'], ['a dog']]);
  assert.equal(a.compute(), b.compute());
  assert.equal(a.compute(), 1);
  a.dispose();
  b.dispose();
});

test('SQuAD takes dicts; a missing key is an error naming it, the state unchanged', needs('SQuAD'), () => {
  const m = new lib.SQuAD();
  m.update(
    [{ prediction_text: 'Denver Broncos', id: 'q1' }],
    [{ answers: { answer_start: [177], text: ['Denver Broncos', 'The Denver Broncos'] }, id: 'q1' }],
  );
  assert.throws(() => m.update([{ text: 'x', id: 'q2' }], [{ answers: { text: ['x'] }, id: 'q2' }]), /prediction_text/);
  assert.deepEqual(m.compute(), { exact_match: 100, f1: 100 });
  m.dispose();
});

test(
  'a value of the wrong kind is a TypeError naming the input',
  needs('WordErrorRate', 'Perplexity', 'BLEUScore'),
  () => {
    const wer = new lib.WordErrorRate();
    assert.throws(
      () => wer.update(new Float32Array(3), ['a']),
      /WordErrorRate\.update: `preds` must be a string or an array of strings/,
    );
    assert.throws(() => wer.update(['a', 3], ['a', 'b']), /`preds`\[1\] must be a string/);
    assert.throws(() => wer.update([['a']], ['a']), /`preds`\[0\] must be a string/);
    const bleu = new lib.BLEUScore();
    assert.throws(() => bleu.update(['a'], [['a', 1]]), /`target`\[0\]\[1\] must be a string/);
    const ppl = new lib.Perplexity();
    assert.throws(() => ppl.update('logits', 'ids'), /Perplexity\.update: `preds`/);
    for (const m of [wer, bleu, ppl]) m.dispose();
  },
);
