// Issue 16, item 2: every wrapper and composite leaves its state unchanged on a rejected call
// (README: a rejected update changes nothing). The contract test covers the metrics themselves;
// this covers every class that holds several metrics, for each call that can be refused: update,
// forward, merge, loadState. The parts are chosen so that the first part accepts what a later one
// refuses (the partial change the issue found: a CompositionalMetric moved from 1.39 to 41.6).
// Also the JS-side blob fields a forger can set (issue 16, item 3): rng, seed, min, max, updates,
// section lengths, each refused with the state unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { decodeBlob, encodeBlob, fnv1a32 } from '../../npm/src/blob.mjs';

const lib = await importPackage();
const {
  init,
  BootStrapper,
  ClasswiseWrapper,
  MeanSquaredError,
  MetricCollection,
  MetricTracker,
  MinMaxMetric,
  MulticlassAccuracy,
  MulticlassRecall,
  MultitaskWrapper,
  defineMetric,
} = lib;
await init({ simd: true });

// Accepted by MeanSquaredError, refused by MulticlassAccuracy({numClasses: 3}) (a target of 7).
const good = () => [Float32Array.of(0, 1, 2, 1), Int32Array.of(0, 1, 1, 2)];
const bad = () => [Float32Array.of(0, 1, 2, 1), Int32Array.of(0, 1, 7, 2)];
const mse = () => new MeanSquaredError();
const acc = (numClasses = 3) => new MulticlassAccuracy({ numClasses });

// The value first: MinMaxMetric's compute() takes its value into min and max, part of its state.
function snapshot(w) {
  const value = JSON.stringify(w.compute(), (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
  return { value, blob: Array.from(w.saveState()) };
}

function assertUnchanged(w, call, what) {
  const before = snapshot(w);
  assert.throws(call, Error, `${w.name}: ${what} was accepted`);
  assert.deepEqual(snapshot(w), before, `${w.name}: state changed by a rejected ${what}`);
}

// Replaces fields of a WMJS blob's header (the checksum is recomputed by encodeBlob).
function forgeHeader(blob, where, expected, change) {
  const { header, sections } = decodeBlob(blob, where, expected);
  const { sections: _lengths, ...rest } = header;
  return encodeBlob(change({ ...rest }), sections);
}

// Every wrapper and composite: how to build one with two parts (the second refusing `bad`), the
// batch form its update takes, and another instance whose merge the second part refuses.
const CASES = [
  {
    name: 'CompositionalMetric',
    make: (c = 3) => mse().add(acc(c)),
    batch: (b) => b,
    mergeRefused: () => mse().add(acc(4)),
  },
  {
    name: 'MetricCollection',
    make: (c = 3) => new MetricCollection({ mse: mse(), acc: acc(c) }),
    batch: (b) => b,
  },
  {
    name: 'MultitaskWrapper',
    make: (c = 3) => new MultitaskWrapper({ a: mse(), b: acc(c) }),
    batch: ([p, t]) => [
      { a: p, b: p },
      { a: t, b: t },
    ],
  },
  {
    name: 'BootStrapper',
    make: (c = 3) => new BootStrapper(acc(c), { numBootstraps: 8, seed: 7 }),
    batch: (b) => b,
  },
  {
    name: 'ClasswiseWrapper',
    make: (c = 3) => new ClasswiseWrapper(new MulticlassRecall({ numClasses: c, average: 'none' })),
    batch: (b) => b,
  },
  {
    name: 'MinMaxMetric',
    make: (c = 3) => new MinMaxMetric(acc(c)),
    batch: (b) => b,
  },
  {
    name: 'MetricTracker',
    make: (c = 3) => {
      const t = new MetricTracker(acc(c));
      t.increment();
      return t;
    },
    batch: (b) => b,
  },
];

for (const c of CASES) {
  test(`${c.name}: a rejected update, forward, merge or loadState changes nothing`, () => {
    const w = c.make();
    w.update(...c.batch(good()));
    w.update(...c.batch(good()));
    assertUnchanged(w, () => w.update(...c.batch(bad())), 'update');
    assertUnchanged(w, () => w.forward(...c.batch(bad())), 'forward');
    if (c.mergeRefused) assertUnchanged(w, () => w.merge(c.mergeRefused()), 'merge');
    // A blob of another instance (other values) whose last part is corrupt.
    const other = c.make();
    other.update(...c.batch(good()));
    assertUnchanged(
      w,
      () => w.loadState(corruptLastPart(other.saveState())),
      'loadState of a blob with a corrupt last part',
    );
    // What was accepted still works.
    w.update(...c.batch(good()));
    w.compute();
  });
}

// The blob with its last part's last byte flipped: a native blob (or the last section of a WMJS
// container) whose own checksum no longer matches, the container around it still whole.
function corruptLastPart(blob) {
  const bytes = Uint8Array.from(blob);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== 'WMJS') {
    bytes[bytes.length - 1] ^= 0xff;
    return bytes;
  }
  const view = new DataView(bytes.buffer);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + view.getUint32(8, true))));
  const { header: h, sections } = decodeBlob(bytes, 'test', { kind: header.kind, name: header.name });
  const broken = sections.map((x) => Uint8Array.from(x));
  broken[broken.length - 1][broken[broken.length - 1].length - 1] ^= 0xff;
  const { sections: _lengths, ...rest } = h;
  return encodeBlob(rest, broken);
}

test('forged JS-side blob fields are refused and change nothing: rng, seed, min, max, updates, section lengths', () => {
  const boot = new BootStrapper(acc(), { numBootstraps: 3, seed: 1 });
  boot.update(...good());
  const bootExpected = { kind: 'wrapper', name: 'BootStrapper' };
  const bootBlob = boot.saveState();
  for (const [what, change] of [
    ['an all-zero rng', (h) => ({ ...h, rng: [0, 0, 0, 0] })],
    ['a short rng', (h) => ({ ...h, rng: [1, 2, 3] })],
    ['an rng word out of range', (h) => ({ ...h, rng: [1, 2, 3, 2 ** 32] })],
    ['an rng of strings', (h) => ({ ...h, rng: ['1', '2', '3', '4'] })],
    ['a negative seed', (h) => ({ ...h, seed: -1 })],
    ['a fractional seed', (h) => ({ ...h, seed: 0.5 })],
  ]) {
    assertUnchanged(boot, () => boot.loadState(forgeHeader(bootBlob, 't', bootExpected, change)), `blob with ${what}`);
  }

  const mm = new MinMaxMetric(acc());
  mm.update(...good());
  mm.compute();
  const mmBlob = mm.saveState();
  for (const [what, change] of [
    ['min above max', (h) => ({ ...h, min: '0.9', max: '0.1' })],
    ['a min that is no number', (h) => ({ ...h, min: 'lots' })],
    ['a max that is not a string', (h) => ({ ...h, max: { valueOf: 1 } })],
  ]) {
    assertUnchanged(
      mm,
      () => mm.loadState(forgeHeader(mmBlob, 't', { kind: 'wrapper', name: 'MinMaxMetric' }, change)),
      `blob with ${what}`,
    );
  }

  const Sum = defineMetric({
    name: 'ForgedSum',
    states: { total: { init: 0, reduce: 'sum' } },
    update: (s, x) => ({ total: s.total + x.length }),
    compute: (s) => s.total,
  });
  const sum = new Sum();
  sum.update([1, 2]);
  const sumBlob = sum.saveState();
  for (const [what, change] of [
    ['a negative update count', (h) => ({ ...h, updates: -3 })],
    ['a fractional update count', (h) => ({ ...h, updates: 1.5 })],
    ['an update count that is a string', (h) => ({ ...h, updates: '1' })],
  ]) {
    assertUnchanged(
      sum,
      () => sum.loadState(forgeHeader(sumBlob, 't', { kind: 'custom', name: 'ForgedSum' }, change)),
      `blob with ${what}`,
    );
  }
  // A section length that is no byte count.
  assertUnchanged(sum, () => sum.loadState(forgeNegativeSection(sumBlob)), 'blob with a negative section length');
});

// The blob with its one section's length written as negative (header JSON rewritten, checksum fixed).
function forgeNegativeSection(blob) {
  const bytes = Uint8Array.from(blob);
  const view = new DataView(bytes.buffer);
  const headLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLength)));
  const body = bytes.subarray(12 + headLength, bytes.length - 4);
  header.sections = [-body.length];
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + head.length + body.length + 4);
  out.set(bytes.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 12);
  out.set(body, 12 + head.length);
  new DataView(out.buffer).setUint32(out.length - 4, fnv1a32(out.subarray(0, out.length - 4)), true);
  return out;
}
