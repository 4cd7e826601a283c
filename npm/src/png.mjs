// PNG decoding shared by the label masks (masks.mjs) and the image reader (images.mjs): one
// bundled copy of fast-png, the checks that run before it allocates, and low-bit-depth unpacking.
/*! The PNG decoder bundled here: fast-png (MIT, (c) 2015 Michaël Zasso) with its dependencies
 *  fflate (MIT, (c) Arjun Barrett) and iobuffer (MIT, (c) 2015 Michaël Zasso). */
import { fileBytes, mediaError } from './media-error.mjs';

// fast-png (and the fflate it imports) is required on first use, not imported: esbuild then
// evaluates it, with fflate's table-building top level, when a PNG is first read instead of at
// every start of the package (issue 18).
const fastPng = () => require('fast-png');

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const isPng = (view) => view.length >= 8 && PNG_SIGNATURE.every((b, i) => view[i] === b);

/** The bytes as a Uint8Array view; throws unless they start with the PNG signature. */
export function pngBytes(bytes, name) {
  const view = fileBytes(bytes, name, 'PNG');
  if (!isPng(view)) throw mediaError(name, 'not-recognised', 'not a PNG file (no PNG signature)');
  return view;
}

/** Rows of 1-, 2- or 4-bit samples, each row padded to a whole byte, as one value per byte. */
export function unpackLowBitDepth(packed, width, height, depth, channels = 1) {
  const out = new Uint8Array(width * height * channels);
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  const rowValues = width * channels;
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < rowValues; x++) {
      const byte = packed[row + Math.floor(x / perByte)];
      out[y * rowValues + x] = (byte >> (8 - depth * ((x % perByte) + 1))) & mask;
    }
  }
  return out;
}

// Refuses a PNG whose header claims more pixels than its compressed data can hold, before the
// decoder allocates them: deflate expands at most ~1032:1, so a 70-byte file claiming 654M x 2
// pixels (found by fuzz/js/readers.mjs; it took seconds and gigabytes) is corrupt. Also refuses
// a zero width or height, which PNG forbids.
function checkClaimedSize(view, name) {
  const dv = new DataView(view.buffer, view.byteOffset, view.byteLength);
  const type = (p) => String.fromCharCode(...view.subarray(p + 4, p + 8));
  const headers = [];
  let idat = 0;
  for (let p = 8; p + 8 <= view.length;) {
    // every chunk, as the decoder walks them
    const len = dv.getUint32(p);
    if (type(p) === 'IDAT') idat += Math.min(len, view.length - p - 8);
    if (type(p) === 'IHDR' && len >= 13 && p + 21 <= view.length) headers.push(p + 8);
    p += 12 + len;
  }
  for (const h of headers) {
    const width = dv.getUint32(h),
      height = dv.getUint32(h + 4),
      depth = view[h + 8],
      colorType = view[h + 9];
    if (width === 0 || height === 0) throw mediaError(name, 'corrupt', `the PNG has no pixels (${width}x${height})`);
    const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType] ?? 4;
    const rawBytes = height * (1 + Math.ceil((width * depth * channels) / 8));
    if (rawBytes > 1032 * idat + 1024) {
      throw mediaError(
        name,
        'truncated',
        `the PNG claims ${width}x${height} pixels but holds only ${idat} bytes of image data (corrupt or truncated)`,
      );
    }
  }
}

/**
 * fast-png's decoding of checked PNG bytes ({width, height, depth, channels, data, palette?}),
 * its errors (a truncated or corrupt file) rethrown naming the file.
 */
export function decodePngChecked(view, name) {
  checkClaimedSize(view, name);
  let png;
  try {
    png = fastPng().decode(view);
  } catch (e) {
    // no IEND chunk near the end: the file was cut short
    const tail = String.fromCharCode(...view.subarray(Math.max(0, view.length - 64)));
    const short = !tail.includes('IEND');
    throw mediaError(
      name,
      short ? 'truncated' : 'corrupt',
      `cannot decode the PNG (${short ? 'truncated: no IEND chunk; ' : ''}${e?.message ?? e})`,
    );
  }
  if (!(png.width > 0 && png.height > 0))
    throw mediaError(name, 'corrupt', `the PNG has no pixels (${png.width}x${png.height})`);
  return png;
}

/** A palette PNG's pixels as interleaved RGB (RGBA with a tRNS chunk) bytes, and the channel count. */
export function paletteToRgb(png, name) {
  try {
    const data = fastPng().convertIndexedToRgb(png);
    return { data, channels: png.palette[0].length };
  } catch (e) {
    throw mediaError(name, 'corrupt', `cannot expand the PNG's palette (${e?.message ?? e})`);
  }
}
