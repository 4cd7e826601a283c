// WAV files as the audio metrics take them: RIFF/WAVE with PCM (8-bit unsigned, 16-, 24-, 32-bit
// signed) or IEEE float (32-, 64-bit) samples, WAVE_FORMAT_EXTENSIBLE included, read into one
// float32 [channels, frames] array (integers scaled to [-1, 1) by 2^(bits-1), as soundfile and
// torchaudio do). Pure JS, no dependency; the same in Node and browsers.
import { fileBytes, MediaFormatError, mediaError } from './media-error.mjs';

const PCM = 1,
  FLOAT = 3,
  EXTENSIBLE = 0xfffe;
const FORMAT_NAMES = { 2: 'ADPCM', 6: 'A-law', 7: 'mu-law', 0x11: 'IMA ADPCM', 0x55: 'MP3', 0x50: 'MPEG' };
const tag = (view, p) => String.fromCharCode(view[p], view[p + 1], view[p + 2], view[p + 3]);

function readFormat(dv, p, len, name) {
  if (len < 16) throw mediaError(name, 'corrupt', `the fmt chunk is ${len} bytes, at least 16 are needed`);
  let format = dv.getUint16(p, true);
  const channels = dv.getUint16(p + 2, true),
    sampleRate = dv.getUint32(p + 4, true);
  const blockAlign = dv.getUint16(p + 12, true),
    bits = dv.getUint16(p + 14, true);
  if (format === EXTENSIBLE) {
    if (len < 40) throw mediaError(name, 'corrupt', `a WAVE_FORMAT_EXTENSIBLE fmt chunk is 40 bytes, this one ${len}`);
    format = dv.getUint16(p + 24, true); // the sub-format GUID's first two bytes
  }
  if (format !== PCM && format !== FLOAT) {
    throw mediaError(
      name,
      'unsupported',
      `${FORMAT_NAMES[format] ?? `format code ${format}`} WAV files are not supported: PCM (8/16/24/32-bit) or IEEE float (32/64-bit) only; convert it, e.g. ffmpeg -i in.wav -c:a pcm_s16le out.wav`,
    );
  }
  const ok = format === PCM ? [8, 16, 24, 32].includes(bits) : [32, 64].includes(bits);
  if (!ok)
    throw mediaError(name, 'unsupported', `${bits}-bit ${format === PCM ? 'PCM' : 'float'} samples are not supported`);
  if (channels === 0) throw mediaError(name, 'corrupt', 'the fmt chunk says 0 channels');
  if (sampleRate === 0) throw mediaError(name, 'corrupt', 'the fmt chunk says a sample rate of 0 Hz');
  if (blockAlign !== channels * (bits / 8))
    throw mediaError(name, 'corrupt', `the block size ${blockAlign} is not ${channels} channels x ${bits / 8} bytes`);
  return { float: format === FLOAT, channels, sampleRate, bits, blockAlign };
}

/** Reads a WAV file: see index.d.ts (readWav). */
export function readWav(bytes, { name = 'audio' } = {}) {
  const view = fileBytes(bytes, name, 'WAV');
  if (view.length === 0) throw mediaError(name, 'truncated', 'the file is empty');
  if (view.length < 12 || tag(view, 8) !== 'WAVE' || !['RIFF', 'RIFX', 'RF64'].includes(tag(view, 0))) {
    throw mediaError(name, view.length < 12 ? 'truncated' : 'not-recognised', 'not a WAV file (no RIFF/WAVE header)');
  }
  if (tag(view, 0) !== 'RIFF')
    throw mediaError(
      name,
      'unsupported',
      `${tag(view, 0)} WAV files (${tag(view, 0) === 'RIFX' ? 'big-endian' : 'over 4 GB'}) are not supported`,
    );
  const dv = new DataView(view.buffer, view.byteOffset, view.byteLength);
  let fmt = null;
  let data = null;
  for (let p = 12; p + 8 <= view.length;) {
    const id = tag(view, p);
    const len = dv.getUint32(p + 4, true);
    const body = p + 8;
    if (id === 'fmt ') {
      if (body + Math.min(len, 40) > view.length)
        throw mediaError(name, 'truncated', 'the file ends inside its fmt chunk');
      fmt = readFormat(dv, body, len, name);
    } else if (id === 'data') {
      if (!fmt) throw mediaError(name, 'corrupt', 'the data chunk comes before the fmt chunk');
      // 0xFFFFFFFF (and 0 with bytes after it): a size never filled in by a streaming writer
      const open = len === 0xffffffff || (len === 0 && body < view.length);
      const present = view.length - body;
      if (!open && len > present) {
        throw mediaError(
          name,
          'truncated',
          `the data chunk declares ${len} bytes but the file holds only ${present} (truncated)`,
        );
      }
      data = { offset: body, length: open ? present - (present % fmt.blockAlign) : len };
      break;
    }
    p = body + len + (len & 1); // chunks are padded to an even size
  }
  if (!fmt) throw mediaError(name, 'truncated', 'no fmt chunk (truncated or not a WAV file)');
  if (!data) throw mediaError(name, 'truncated', 'no data chunk (truncated)');
  if (data.length % fmt.blockAlign !== 0) {
    throw mediaError(
      name,
      'truncated',
      `the data chunk's ${data.length} bytes are not whole frames of ${fmt.blockAlign} bytes (truncated)`,
    );
  }
  const { channels, bits, float, blockAlign, sampleRate } = fmt;
  const frames = data.length / blockAlign;
  const out = new Float32Array(channels * frames);
  const bytesPer = bits / 8;
  const read = float
    ? bits === 32
      ? (q) => dv.getFloat32(q, true)
      : (q) => dv.getFloat64(q, true)
    : bits === 8
      ? (q) => (view[q] - 128) / 128
      : bits === 16
        ? (q) => dv.getInt16(q, true) / 32768
        : bits === 24
          ? (q) => (((view[q + 2] << 24) | (view[q + 1] << 16) | (view[q] << 8)) >> 8) / 8388608
          : (q) => dv.getInt32(q, true) / 2147483648;
  for (let c = 0; c < channels; c++) {
    const row = c * frames;
    for (let t = 0, q = data.offset + c * bytesPer; t < frames; t++, q += blockAlign) out[row + t] = read(q);
  }
  return {
    name,
    sampleRate,
    numChannels: channels,
    numFrames: frames,
    bitDepth: bits,
    sampleFormat: float ? 'float' : 'int',
    data: out,
    shape: [channels, frames],
    channelData: Array.from({ length: channels }, (_, c) => out.subarray(c * frames, (c + 1) * frames)),
  };
}

/**
 * An estimate and its reference recording as the audio metrics' update(preds, target) takes them
 * ([channels, frames] each). Throws a MediaFormatError (problem 'mismatch') naming both files
 * when the sample rates, channel counts or lengths differ.
 */
export function audioPair(estimate, reference) {
  const names = `${estimate.name} (estimate) and ${reference.name} (reference)`;
  const mismatch = (text) => new MediaFormatError(`${names}: ${text}`, { file: estimate.name, problem: 'mismatch' });
  if (estimate.sampleRate !== reference.sampleRate)
    throw mismatch(
      `the sample rates differ: ${estimate.sampleRate} Hz and ${reference.sampleRate} Hz (resample one of them)`,
    );
  if (estimate.numChannels !== reference.numChannels)
    throw mismatch(`the channel counts differ: ${estimate.numChannels} and ${reference.numChannels}`);
  if (estimate.numFrames !== reference.numFrames) {
    throw mismatch(
      `the lengths differ: ${estimate.numFrames} and ${reference.numFrames} samples (${(estimate.numFrames / estimate.sampleRate).toFixed(3)} s and ${(reference.numFrames / reference.sampleRate).toFixed(3)} s)`,
    );
  }
  return {
    preds: { data: estimate.data, shape: [...estimate.shape] },
    target: { data: reference.data, shape: [...reference.shape] },
    sampleRate: reference.sampleRate,
  };
}
