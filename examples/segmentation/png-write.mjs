// A minimal PNG *writer* for the sample masks and the tests (node:zlib for the compression).
// It is deliberately independent of the package's decoder (fast-png), so that decoding the files
// it writes checks that decoder against a second implementation of the format.
//
// writePng({width, height, data, colorType, bitDepth, palette}) -> Uint8Array
//   colorType 'grey' (bitDepth 1, 2, 4, 8 or 16), 'palette' (1, 2, 4 or 8; palette [[r, g, b], ...]),
//   'rgb' (8; data holds r, g, b per pixel), 'rgba' (8). data: one sample per array element.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, body) {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(body).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

const COLOR_TYPES = { grey: [0, 1], rgb: [2, 3], palette: [3, 1], rgba: [6, 4] };

export function writePng({ width, height, data, colorType = 'grey', bitDepth = 8, palette }) {
  const [code, channels] = COLOR_TYPES[colorType] ?? [];
  if (code === undefined) throw new Error(`writePng: unknown colorType ${colorType}`);
  if (data.length !== width * height * channels)
    throw new Error(`writePng: ${data.length} samples for ${width}x${height}x${channels}`);
  const max = 2 ** bitDepth - 1;
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  const raw = Buffer.alloc(height * (rowBytes + 1)); // filter byte 0 (None) before each row
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1) + 1;
    for (let x = 0; x < width * channels; x++) {
      const v = data[y * width * channels + x];
      if (!Number.isInteger(v) || v < 0 || v > max)
        throw new Error(`writePng: sample ${v} does not fit ${bitDepth} bits`);
      if (bitDepth === 16) raw.writeUInt16BE(v, row + 2 * x);
      else if (bitDepth === 8) raw[row + x] = v;
      else raw[row + Math.floor((x * bitDepth) / 8)] |= v << (8 - bitDepth - ((x * bitDepth) % 8));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = code;
  // compression 0, filter 0, interlace 0
  const chunks = [chunk('IHDR', ihdr)];
  if (colorType === 'palette') chunks.push(chunk('PLTE', Buffer.from(palette.flat())));
  chunks.push(chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]));
}

/** The PASCAL VOC colour map: colour of palette index i (bits of i spread over r, g, b). */
export function vocPalette(n = 256) {
  const bit = (v, i) => (v >> i) & 1;
  return Array.from({ length: n }, (_, i) => {
    let r = 0,
      g = 0,
      b = 0,
      c = i;
    for (let j = 0; j < 8; j++) {
      r |= bit(c, 0) << (7 - j);
      g |= bit(c, 1) << (7 - j);
      b |= bit(c, 2) << (7 - j);
      c >>= 3;
    }
    return [r, g, b];
  });
}
