// Resampling the rows of update inputs, shared by BootStrapper (wrappers.mjs), SlicedMetric
// (sliced.mjs: the row gather) and pairedBootstrap (paired.mjs): rows along dim 0 of an input in
// its own form, a small seeded generator, and quantiles as torch.quantile takes them.
import { DTYPES, toInputTensor } from './tensor.mjs';

// xoshiro128** seeded through splitmix32: small, fast, reproducible in every engine (also pairedBootstrap's).
export class Rng {
  constructor(seed) {
    let s = seed >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = Uint32Array.of(splitmix(), splitmix(), splitmix(), splitmix());
  }

  next() {
    const s = this.s;
    const rotl = (x, k) => (x << k) | (x >>> (32 - k));
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform() {
    return this.next() / 4294967296;
  }

  /** Poisson(1) by Knuth's multiplication method. */
  poisson1() {
    let k = 0;
    let p = this.uniform();
    while (p > Math.exp(-1)) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
}

// Rows `index` (along dim 0) of one update input, in the input's own form (also SlicedMetric's).
export function takeRows(input, index, n, where) {
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return input;
  if (Array.isArray(input)) return index.map((i) => input[i]);
  if (ArrayBuffer.isView(input)) {
    const out = new input.constructor(index.length);
    for (let j = 0; j < index.length; j++) out[j] = input[index[j]];
    return out;
  }
  const t = toInputTensor(input, where);
  if (t.shape.length === 0) return input;
  const row = t.shape.slice(1).reduce((a, d) => a * d, 1);
  const data = new DTYPES[t.dtype].Array(index.length * row);
  for (let j = 0; j < index.length; j++) data.set(t.data.subarray(index[j] * row, (index[j] + 1) * row), j * row);
  return { data, shape: [index.length, ...t.shape.slice(1)], dtype: t.dtype };
}

/** The rows (dim 0) of one update input, or null for a scalar. */
export function rowCount(input, where) {
  if (Array.isArray(input) || ArrayBuffer.isView(input)) return input.length;
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return null;
  const t = toInputTensor(input, where);
  return t.shape.length === 0 ? null : t.shape[0];
}

// Linear interpolation between order statistics, as torch.quantile's default.
export function quantileOf(sorted, q) {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
