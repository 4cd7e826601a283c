// Images as users have them: PNG (1/2/4/8/16-bit grey, grey+alpha, RGB, RGBA, palette) and JPEG
// files decoded into what the image metrics take, channel-first float32 samples with the
// data_range their bit depth implies. The same decoders in Node and in browsers: fast-png (shared
// with the label masks, png.mjs) and jpeg-js. createImageBitmap/canvas would be shorter in a
// browser, but they give 8-bit premultiplied RGBA (16-bit PNGs lose their low byte, alpha alters
// the colours) and do not exist in Node, so the package decodes itself.
/*! The JPEG decoder bundled here: jpeg-js (BSD-3-Clause, (c) 2011 notmasteryet, Eugene Ware and
 *  contributors; its decoder derives from Mozilla's pdf.js, Apache-2.0). */
import { fileBytes, MediaFormatError, mediaError } from './media-error.mjs';
import { decodePngChecked, isPng, paletteToRgb, unpackLowBitDepth } from './png.mjs';

const COLOR_TYPES = { 1: 'grey', 2: 'grey-alpha', 3: 'rgb', 4: 'rgba' };
const isJpeg = (view) => view.length >= 3 && view[0] === 0xff && view[1] === 0xd8 && view[2] === 0xff;

// The JPEG's frame header (SOFn): its precision and number of components. jpeg-js always hands
// back RGB(A), so a greyscale JPEG is told apart here, and what jpeg-js cannot decode (12-bit,
// lossless, arithmetic coding) is refused with a clear reason instead of its own message.
function jpegFrame(view, name) {
  for (let p = 2; p + 4 <= view.length;) {
    if (view[p] !== 0xff) throw mediaError(name, 'corrupt', `not a valid JPEG (no marker at byte ${p})`);
    const marker = view[p + 1];
    if (marker === 0xff) {
      p++;
      continue;
    } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    const len = (view[p + 2] << 8) | view[p + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (p + 10 > view.length) break;
      const frame = {
        precision: view[p + 4],
        height: (view[p + 5] << 8) | view[p + 6],
        width: (view[p + 7] << 8) | view[p + 8],
        components: view[p + 9],
      };
      if (![0xc0, 0xc1, 0xc2].includes(marker)) {
        throw mediaError(
          name,
          'unsupported',
          `this JPEG uses ${marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf ? 'lossless' : 'arithmetic'} coding (SOF${marker - 0xc0}), which is not supported: save it as a baseline or progressive JPEG, or as PNG`,
        );
      }
      if (frame.precision !== 8)
        throw mediaError(
          name,
          'unsupported',
          `${frame.precision}-bit JPEGs are not supported (8-bit only): save it as a 16-bit PNG`,
        );
      return frame;
    }
    p += 2 + len;
  }
  throw mediaError(name, 'truncated', 'the JPEG ends before its frame header (truncated or not a JPEG)');
}

function decodeJpeg(view, name) {
  const frame = jpegFrame(view, name);
  let img;
  try {
    // tolerantDecoding off: a truncated file is an error, never grey rows filled in silently
    // required on first use, not imported: the 40 KB decoder is evaluated when a JPEG is first read
    // instead of at every start of the package (issue 18)
    img = require('jpeg-js/lib/decoder.js')(view, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: 250,
      maxMemoryUsageInMB: 2048,
    });
  } catch (e) {
    // no end-of-image marker (FF D9) near the end: the file was cut short
    const ended = view.subarray(Math.max(0, view.length - 32)).some((b, i, tail) => b === 0xff && tail[i + 1] === 0xd9);
    throw mediaError(
      name,
      ended ? 'corrupt' : 'truncated',
      `cannot decode the JPEG (${ended ? '' : 'truncated: no end-of-image marker; '}${e?.message ?? e})`,
    );
  }
  if (!(img.width > 0 && img.height > 0))
    throw mediaError(name, 'corrupt', `the JPEG has no pixels (${img.width}x${img.height})`);
  if (frame.components === 1) {
    // jpeg-js repeats the grey value in R, G and B
    const grey = new Uint8Array(img.width * img.height);
    for (let i = 0; i < grey.length; i++) grey[i] = img.data[3 * i];
    return { width: img.width, height: img.height, channels: 1, depth: 8, data: grey };
  }
  return { width: img.width, height: img.height, channels: 3, depth: 8, data: img.data }; // YCbCr and CMYK come back as RGB
}

function decodePng(view, name) {
  const png = decodePngChecked(view, name);
  const { width, height } = png;
  if (png.palette) {
    const { data, channels } = paletteToRgb(png, name);
    return { width, height, channels, depth: 8, data, palette: true };
  }
  let { data, depth, channels } = png;
  if (depth < 8) data = unpackLowBitDepth(data, width, height, depth, channels);
  if (data.length !== width * height * channels) {
    throw mediaError(
      name,
      'corrupt',
      `decoded ${data.length} values for a ${width}x${height} image of ${channels} channels`,
    );
  }
  return { width, height, channels, depth, data, palette: false };
}

/**
 * Decodes a PNG or JPEG file (told apart by its first bytes, not its name) into channel-first
 * samples: float32 as the image metrics take them, or (samples: 'stored') the file's own 8- or
 * 16-bit integers, which PSNR reads 4x (2x) fewer bytes of, with an exact integer kernel.
 * See index.d.ts (readImage) for the options.
 */
export function readImage(bytes, { name = 'image', dataRange, alpha = 'keep', samples = 'float32' } = {}) {
  if (alpha !== 'keep' && alpha !== 'drop')
    throw new TypeError(`${name}: alpha must be 'keep' or 'drop', got ${JSON.stringify(alpha)}`);
  if (samples !== 'float32' && samples !== 'stored')
    throw new TypeError(`${name}: samples must be 'float32' or 'stored', got ${JSON.stringify(samples)}`);
  if (dataRange !== undefined && !(typeof dataRange === 'number' && dataRange > 0 && Number.isFinite(dataRange))) {
    throw new TypeError(`${name}: dataRange must be a positive number, got ${JSON.stringify(dataRange)}`);
  }
  const view = fileBytes(bytes, name, 'image');
  let img, format;
  if (isPng(view)) [img, format] = [decodePng(view, name), 'png'];
  else if (isJpeg(view)) [img, format] = [decodeJpeg(view, name), 'jpeg'];
  else if (view.length === 0) throw mediaError(name, 'truncated', 'the file is empty');
  else throw mediaError(name, 'not-recognised', 'not a PNG or JPEG file (the first bytes are neither signature)');
  const { width, height, channels, depth } = img;
  const hasAlpha = channels === 2 || channels === 4;
  const kept = alpha === 'drop' && hasAlpha ? channels - 1 : channels;
  // interleaved [H, W, channels] -> [kept, H, W]
  const plane = width * height;
  const Samples = samples === 'float32' ? Float32Array : depth === 16 ? Uint16Array : Uint8Array;
  const data = new Samples(kept * plane);
  const src = img.data;
  for (let c = 0; c < kept; c++) {
    const out = data.subarray(c * plane, (c + 1) * plane);
    for (let i = 0, j = c; i < plane; i++, j += channels) out[i] = src[j];
  }
  return {
    name,
    format,
    data,
    shape: [kept, height, width],
    width,
    height,
    colorType: COLOR_TYPES[kept],
    palette: Boolean(img.palette),
    bitDepth: depth,
    dataRange: dataRange ?? 2 ** depth - 1,
  };
}

const size = (img) => `${img.width}x${img.height}`;

/**
 * An estimate and its reference image as the image metrics' update(preds, target) takes them
 * ([1, C, H, W] each) and the data range they share. Throws a MediaFormatError (problem
 * 'mismatch') naming both files when sizes, channels or data ranges differ.
 */
export function imagePair(estimate, reference) {
  const names = `${estimate.name} (estimate) and ${reference.name} (reference)`;
  const mismatch = (text) => new MediaFormatError(`${names}: ${text}`, { file: estimate.name, problem: 'mismatch' });
  if (estimate.width !== reference.width || estimate.height !== reference.height) {
    throw mismatch(`the sizes differ: ${size(estimate)} and ${size(reference)}`);
  }
  if (estimate.shape[0] !== reference.shape[0]) {
    throw mismatch(
      `the channels differ: ${estimate.colorType} (${estimate.shape[0]}) and ${reference.colorType} (${reference.shape[0]})${
        /alpha|rgba/.test(estimate.colorType + reference.colorType)
          ? "; read both with {alpha: 'drop'} to compare the colours only"
          : ''
      }`,
    );
  }
  if (estimate.data.constructor !== reference.data.constructor) {
    throw mismatch(
      `the sample types differ: ${estimate.data.constructor.name} and ${reference.data.constructor.name}; read both with the same samples option`,
    );
  }
  if (estimate.dataRange !== reference.dataRange) {
    throw mismatch(
      `the data ranges differ: ${estimate.dataRange} (${estimate.bitDepth}-bit) and ${reference.dataRange} (${reference.bitDepth}-bit); give both the same dataRange`,
    );
  }
  return {
    preds: { data: estimate.data, shape: [1, ...estimate.shape] },
    target: { data: reference.data, shape: [1, ...reference.shape] },
    dataRange: reference.dataRange,
  };
}
