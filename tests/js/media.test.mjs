// The package's image and WAV readers (readImage, imagePair, readWav, audioPair; npm/src/images.mjs,
// wav.mjs) on small real files (tests/data/media, made by make_media.py): every sample equals
// what an independent decoder reads (PIL: libpng, libjpeg; WAV: the integers written), and each
// broken file is refused with a MediaFormatError naming the file and the problem.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { importPackage, repoRoot } from './helpers.mjs';

const w = await importPackage();
await w.init();
const dir = join(repoRoot, 'tests/data/media');
const bytes = (name) => readFileSync(join(dir, name));
const expected = JSON.parse(readFileSync(join(dir, 'media.json'), 'utf8'));

for (const [name, want] of Object.entries(expected)) {
  test(`${name}: decoded samples equal the reference decoder's`, () => {
    const wav = name.endsWith('.wav');
    const got = wav ? w.readWav(bytes(name), { name }) : w.readImage(bytes(name), { name });
    assert.equal(got.name, name);
    assert.deepEqual(got.shape, want.shape);
    assert.ok(got.data instanceof Float32Array);
    assert.equal(got.data.length, want.data.length);
    assert.equal(got.bitDepth, want.bitDepth);
    const tol = want.tolerance ?? (wav ? 1e-7 : 0); // float32 of int / 2^(bits-1); JPEG: see make_media.py
    let worst = 0;
    want.data.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(got.data[i] - Math.fround(v)));
    });
    assert.ok(worst <= tol, `largest difference ${worst} > ${tol}`);
    if (wav) {
      assert.equal(got.sampleRate, want.sampleRate);
      assert.equal(got.sampleFormat, want.sampleFormat);
      assert.deepEqual(
        got.channelData.map((c) => c.length),
        Array(want.shape[0]).fill(want.shape[1]),
      );
      assert.equal(got.channelData.at(-1)[0], got.data[(want.shape[0] - 1) * want.shape[1]], 'channelData views data');
    } else {
      assert.equal(got.dataRange, 2 ** want.bitDepth - 1, 'data range from the bit depth');
      assert.equal(got.format, name.endsWith('.jpg') ? 'jpeg' : 'png');
    }
  });
}

test('readImage: colour types, alpha dropped, a data range given', () => {
  const types = Object.fromEntries(
    [
      'grey8.png',
      'greyalpha8.png',
      'rgb16.png',
      'rgba8.png',
      'palette.png',
      'palette-trns.png',
      'grey.jpg',
      'rgb.jpg',
    ].map((n) => [n, w.readImage(bytes(n), { name: n }).colorType]),
  );
  assert.deepEqual(types, {
    'grey8.png': 'grey',
    'greyalpha8.png': 'grey-alpha',
    'rgb16.png': 'rgb',
    'rgba8.png': 'rgba',
    'palette.png': 'rgb',
    'palette-trns.png': 'rgba',
    'grey.jpg': 'grey',
    'rgb.jpg': 'rgb',
  });
  const rgba = w.readImage(bytes('rgba16.png'), { name: 'rgba16.png' });
  const rgb = w.readImage(bytes('rgba16.png'), { name: 'rgba16.png', alpha: 'drop', dataRange: 4095 });
  assert.deepEqual(rgb.shape, [3, 9, 13]);
  assert.equal(rgb.colorType, 'rgb');
  assert.equal(rgb.dataRange, 4095);
  assert.deepEqual(rgb.data, rgba.data.subarray(0, 3 * 9 * 13));
  assert.equal(w.readImage(bytes('palette.png')).palette, true);
  assert.throws(() => w.readImage(bytes('rgb8.png'), { alpha: 'yes' }), /alpha must be 'keep' or 'drop'/);
  assert.throws(() => w.readImage(bytes('rgb8.png'), { dataRange: 0 }), /dataRange must be a positive number/);
  assert.throws(() => w.readImage('rgb8.png'), TypeError);
});

test('imagePair feeds the image metrics; the same numbers as the samples given by hand', () => {
  const ref = w.readImage(bytes('rgba8.png'), { name: 'ref.png', alpha: 'drop' });
  const est = w.readImage(bytes('rgb8.png'), { name: 'est.png' });
  const { preds, target, dataRange } = w.imagePair(est, ref);
  assert.deepEqual(preds.shape, [1, 3, 9, 13]);
  assert.equal(dataRange, 255);
  const psnr = new w.PeakSignalNoiseRatio({ dataRange });
  let mse = 0;
  for (let i = 0; i < preds.data.length; i++) mse += (preds.data[i] - target.data[i]) ** 2 / preds.data.length;
  assert.ok(Math.abs(psnr.forward(preds, target) - 10 * Math.log10(255 ** 2 / mse)) < 1e-9);
  psnr.dispose();
  const ssim = new w.StructuralSimilarityIndexMeasure({ dataRange, kernelSize: 7 });
  const same = ssim.forward(target, target);
  assert.ok(Math.abs(same - 1) < 1e-12, `SSIM of an image with itself is 1, got ${same}`);
  ssim.dispose();
});

test('imagePair: mismatched sizes, channels and ranges name both files', () => {
  const read = (n, o = {}) => w.readImage(bytes(n), { name: n, ...o });
  const cases = [
    [
      read('rgb8.png'),
      read('rgba8.png'),
      /rgb8\.png \(estimate\) and rgba8\.png \(reference\): the channels differ: rgb \(3\) and rgba \(4\); read both with \{alpha: 'drop'\}/,
    ],
    [read('rgb8.png'), read('rgb16.png'), /the data ranges differ: 255 \(8-bit\) and 65535 \(16-bit\)/],
    [
      read('grey8.png'),
      { ...read('grey8.png', { name: 'wide.png' }), width: 14, shape: [1, 9, 14] },
      /the sizes differ: 13x9 and 14x9/,
    ],
  ];
  for (const [est, ref, message] of cases) {
    assert.throws(
      () => w.imagePair(est, ref),
      (e) =>
        e instanceof w.MediaFormatError && e.problem === 'mismatch' && e.file === est.name && message.test(e.message),
    );
  }
});

test("readImage samples: 'stored': the file's integers, the same values; PSNR gives the same number", () => {
  for (const [file, Type] of [
    ['grey8.png', Uint8Array],
    ['rgb16.png', Uint16Array],
    ['palette.png', Uint8Array],
    ['rgb.jpg', Uint8Array],
  ]) {
    const float = w.readImage(bytes(file), { name: file });
    const stored = w.readImage(bytes(file), { name: file, samples: 'stored' });
    assert.ok(stored.data instanceof Type, `${file}: ${stored.data.constructor.name}, wanted ${Type.name}`);
    assert.deepEqual(stored.shape, float.shape);
    assert.equal(stored.dataRange, float.dataRange);
    assert.deepEqual(Array.from(stored.data), Array.from(float.data), file);
  }
  const est = w.readImage(bytes('rgb8.png'), { name: 'est.png' });
  const ref = w.readImage(bytes('rgba8.png'), { name: 'ref.png', alpha: 'drop' });
  const estU8 = w.readImage(bytes('rgb8.png'), { name: 'est.png', samples: 'stored' });
  const refU8 = w.readImage(bytes('rgba8.png'), { name: 'ref.png', alpha: 'drop', samples: 'stored' });
  const value = (pair) => {
    const psnr = new w.PeakSignalNoiseRatio({ dataRange: pair.dataRange });
    try {
      return psnr.forward(pair.preds, pair.target);
    } finally {
      psnr.dispose();
    }
  };
  assert.equal(value(w.imagePair(estU8, refU8)), value(w.imagePair(est, ref)));
  assert.throws(
    () => w.imagePair(estU8, ref),
    (e) =>
      e instanceof w.MediaFormatError &&
      e.problem === 'mismatch' &&
      /the sample types differ: Uint8Array and Float32Array/.test(e.message),
  );
  assert.throws(
    () => w.readImage(bytes('rgb8.png'), { name: 'x.png', samples: 'uint8' }),
    /x\.png: samples must be 'float32' or 'stored', got "uint8"/,
  );
});

test('broken and unsupported files: a MediaFormatError naming the file and the problem', () => {
  const cases = [
    ['truncated.png', w.readImage, 'truncated', /truncated\.png: cannot decode the PNG \(truncated/],
    ['truncated.jpg', w.readImage, 'truncated', /truncated\.jpg: cannot decode the JPEG \(truncated/],
    ['arithmetic.jpg', w.readImage, 'unsupported', /arithmetic\.jpg: this JPEG uses arithmetic coding/],
    ['notes.png', w.readImage, 'not-recognised', /notes\.png: not a PNG or JPEG file/],
    ['rgb8.png', w.readWav, 'not-recognised', /rgb8\.png: not a WAV file/],
    [
      'truncated.wav',
      w.readWav,
      'truncated',
      /truncated\.wav: the data chunk declares 200 bytes but the file holds only 163/,
    ],
    [
      'partial-frame.wav',
      w.readWav,
      'truncated',
      /partial-frame\.wav: the data chunk's 198 bytes are not whole frames of 4 bytes/,
    ],
    ['adpcm.wav', w.readWav, 'unsupported', /adpcm\.wav: ADPCM WAV files are not supported/],
    ['rifx.wav', w.readWav, 'unsupported', /rifx\.wav: RIFX WAV files \(big-endian\)/],
    ['header-only.wav', w.readWav, 'truncated', /header-only\.wav: the file ends inside its fmt chunk/],
  ];
  for (const [name, read, problem, message] of cases) {
    assert.throws(
      () => read(bytes(name), { name }),
      (e) => {
        assert.ok(e instanceof w.MediaFormatError, `${name}: ${e}`);
        assert.equal(e.name, 'MediaFormatError');
        assert.equal(e.file, name);
        assert.equal(e.problem, problem, `${name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      },
    );
  }
  assert.throws(() => w.readImage(new Uint8Array(0), { name: 'empty.png' }), /empty\.png: the file is empty/);
  assert.throws(() => w.readWav(new ArrayBuffer(0), { name: 'empty.wav' }), /empty\.wav: the file is empty/);
  // the label-mask reader shares the PNG decoder and its errors
  assert.throws(
    () => w.decodeMask(bytes('truncated.png'), { name: 'cut.png' }),
    (e) => e instanceof w.MediaFormatError && /cut\.png: cannot decode the PNG/.test(e.message),
  );
});

test('readWav: an unset data size runs to the end; audioPair: rate, channel and length mismatches', () => {
  const full = bytes('pcm16-stereo.wav');
  const open = new Uint8Array(full);
  const at = Buffer.from(full).indexOf('data');
  new DataView(open.buffer).setUint32(at + 4, 0xffffffff, true);
  assert.deepEqual(w.readWav(open, { name: 'stream.wav' }).data, w.readWav(full).data);

  const read = (n) => w.readWav(bytes(n), { name: n });
  const stereo = read('pcm16-stereo.wav');
  const { preds, target, sampleRate } = w.audioPair(stereo, stereo);
  assert.deepEqual([preds.shape, target.shape, sampleRate], [[2, 50], [2, 50], 16000]);
  const snr = new w.SignalNoiseRatio();
  assert.equal(
    typeof snr.forward(w.audioPair(read('extensible-pcm24.wav'), read('extensible-pcm24.wav')).preds, preds),
    'number',
  );
  snr.dispose();
  const mismatch = (est, ref, message) =>
    assert.throws(
      () => w.audioPair(est, ref),
      (e) => e instanceof w.MediaFormatError && e.problem === 'mismatch' && message.test(e.message),
    );
  mismatch(
    read('pcm24-mono.wav'),
    read('pcm32-mono.wav'),
    /pcm24-mono\.wav \(estimate\) and pcm32-mono\.wav \(reference\): the sample rates differ: 22050 Hz and 8000 Hz/,
  );
  mismatch(
    read('extensible-pcm24.wav'),
    read('extensible-float32.wav'),
    /the sample rates differ|the channel counts differ/,
  );
  mismatch(stereo, read('extensible-pcm24.wav'), /the sample rates differ: 16000 Hz and 48000 Hz/);
  mismatch(
    read('extensible-float32.wav'),
    { ...read('extensible-float32.wav'), name: 'long.wav', numFrames: 60 },
    /the lengths differ: 50 and 60 samples \(0\.003 s and 0\.004 s\)/,
  );
  mismatch(
    read('pcm16-stereo.wav'),
    { ...read('extensible-float32.wav'), name: 'mono.wav', sampleRate: 16000 },
    /the channel counts differ: 2 and 1/,
  );
});
