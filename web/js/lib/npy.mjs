// A NumPy .npy reader (format versions 1.0, 2.0 and 3.0; see numpy/lib/format.py). Small on purpose:
// the format is a magic string, a Python-literal header and raw row-major (or Fortran-order) data.
// npyjs, the one maintained npm reader, fetches by URL, reads no bool/big-endian/Fortran-order
// data and returns BigInt arrays for int64 labels; this one does all of that in ~100 lines and is
// tested in tests/js/web-lib.test.mjs against hand-made files of every dtype.

export const DTYPES = {
  b1: [1, Uint8Array, 'bool'],
  i1: [1, Int8Array],
  u1: [1, Uint8Array],
  i2: [2, Int16Array],
  u2: [2, Uint16Array],
  i4: [4, Int32Array],
  u4: [4, Uint32Array],
  i8: [8, BigInt64Array],
  u8: [8, BigUint64Array],
  f4: [4, Float32Array],
  f8: [8, Float64Array],
};

/**
 * Parses the bytes of a .npy file.
 * @returns {{data: TypedArray, shape: number[], dtype: string}} row-major data; int64/uint64 become
 *   Float64Array (exact below 2^53: labels and counts), bool a Uint8Array with dtype 'bool'.
 */
export function parseNpy(bytes) {
  const u8 =
    bytes instanceof Uint8Array
      ? bytes
      : new Uint8Array(bytes.buffer ?? bytes, bytes.byteOffset ?? 0, bytes.byteLength);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (u8.length < 10 || magic.some((b, i) => u8[i] !== b)) throw new Error('not a .npy file (no \\x93NUMPY magic)');
  const major = u8[6];
  if ((major === 2 || major === 3) && u8.length < 12) throw new Error('.npy header is truncated'); // found by fuzz/js/readers.mjs
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  let headerLen, start;
  if (major === 1) [headerLen, start] = [view.getUint16(8, true), 10];
  else if (major === 2 || major === 3) [headerLen, start] = [view.getUint32(8, true), 12];
  else throw new Error(`unsupported .npy format version ${major}.${u8[7]}`);
  if (start + headerLen > u8.length) throw new Error('.npy header is truncated');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(u8.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new Error(`.npy header is not a NumPy header: ${header.slice(0, 80)}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`.npy shape (${shapeText}) is not a tuple of sizes`);
  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  const spec = m && DTYPES[m[2] + m[3]];
  if (!spec) throw new Error(`.npy dtype '${descr}' is not supported (bool, int8-64, uint8-64, float32, float64 are)`);
  const [size, Ctor, dtypeName] = spec;
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (u8.length - offset < count * size)
    throw new Error(
      `.npy data is truncated: shape (${shape.join(', ')}) needs ${count * size} bytes, the file has ${u8.length - offset}`,
    );
  // Copy into an aligned buffer (also detaches the result from the file's bytes).
  const raw = u8.slice(offset, offset + count * size);
  if (m[1] === '>' && size > 1) {
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  }
  let data = new Ctor(raw.buffer, 0, count);
  if (Ctor === BigInt64Array || Ctor === BigUint64Array) data = Float64Array.from(data, Number);
  if (fortran === 'True' && shape.length > 1) data = fortranToC(data, shape);
  return { data, shape, dtype: dtypeName ?? data.constructor.name.replace('Array', '').toLowerCase() };
}

export function fortranToC(data, shape) {
  const out = new data.constructor(data.length);
  const n = shape.length;
  const fStride = new Array(n);
  fStride[0] = 1;
  for (let d = 1; d < n; d++) fStride[d] = fStride[d - 1] * shape[d - 1];
  const idx = new Array(n).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let d = 0; d < n; d++) f += idx[d] * fStride[d];
    out[c] = data[f];
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Writes a little-endian C-order .npy (version 1.0): the reverse of parseNpy, for tests and exports. */
export function writeNpy(data, shape) {
  const descr = {
    Float64Array: '<f8',
    Float32Array: '<f4',
    Int32Array: '<i4',
    Int16Array: '<i2',
    Int8Array: '|i1',
    Uint8Array: '|u1',
    Uint16Array: '<u2',
    Uint32Array: '<u4',
    BigInt64Array: '<i8',
    BigUint64Array: '<u8',
  }[data.constructor.name];
  if (!descr) throw new Error(`writeNpy: ${data.constructor.name} is not supported`);
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
