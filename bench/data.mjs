// Benchmark data for bench/run.mjs: workloads W1-W5 of issue 7, generated from fixed seeds and
// cached in bench/data/ (gitignored, never committed). `scale` shrinks every workload (1 = full).
// Usage as a script: node bench/data.mjs [--scale=S]   (writes the cache; run.mjs does it too)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from '../scripts/lib/mulberry32.mjs';
import { benchArgs } from './args.mjs';

const dataDir = join(resolve(dirname(fileURLToPath(import.meta.url))), 'data');

const rng = mulberry32;

const count = (n, scale) => Math.max(16, Math.round(n * scale));

const GENERATORS = {
  // W1: multilabel probabilities [N x 20] float32, targets uint8 correlated with them.
  w1(scale) {
    const L = 20;
    const N = count(1_000_000, scale);
    const r = rng(1);
    const preds = new Float32Array(N * L);
    const target = new Uint8Array(N * L);
    for (let i = 0; i < preds.length; i++) {
      const t = r() < 0.3 ? 1 : 0;
      target[i] = t;
      preds[i] = Math.min(1, Math.max(0, (t ? 0.65 : 0.35) + (r() - 0.5) * 0.8));
    }
    return { N, L, preds, target };
  },
  // W2: label maps [16 x 1024 x 1024] uint8, 21 classes, 5% of target = 255 (ignored).
  w2(scale) {
    const C = 21;
    const B = 16;
    const HW = count(1024 * 1024, scale);
    const r = rng(2);
    const pred = new Uint8Array(B * HW);
    const target = new Uint8Array(B * HW);
    for (let i = 0; i < pred.length; i++) {
      const t = Math.floor(r() * C);
      target[i] = r() < 0.05 ? 255 : t;
      pred[i] = r() < 0.8 ? t : Math.floor(r() * C);
    }
    return { C, B, HW, pred, target };
  },
  // W3: binary scores [10M] float32, targets uint8 with 10% positives.
  w3(scale) {
    const N = count(10_000_000, scale);
    const r = rng(3);
    const scores = new Float32Array(N);
    const target = new Uint8Array(N);
    for (let i = 0; i < N; i++) {
      const t = r() < 0.1 ? 1 : 0;
      target[i] = t;
      scores[i] = Math.min(1, Math.max(0, (t ? 0.6 : 0.4) + (r() - 0.5) * 0.9));
    }
    return { N, scores, target };
  },
  // W4: softmax rows [1M x 10] float32, targets int32.
  w4(scale) {
    const C = 10;
    const N = count(1_000_000, scale);
    const r = rng(4);
    const probs = new Float32Array(N * C);
    const target = new Int32Array(N);
    const logits = new Float64Array(C);
    for (let i = 0; i < N; i++) {
      const t = Math.floor(r() * C);
      target[i] = t;
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        logits[c] = (r() - 0.5) * 4 + (c === t ? 1.5 : 0);
        max = Math.max(max, logits[c]);
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += logits[c] = Math.exp(logits[c] - max);
      for (let c = 0; c < C; c++) probs[i * C + c] = logits[c] / sum;
    }
    return { N, C, probs, target };
  },
  // W5: regression pairs [10M] float32.
  w5(scale) {
    const N = count(10_000_000, scale);
    const r = rng(5);
    const preds = new Float32Array(N);
    const target = new Float32Array(N);
    for (let i = 0; i < N; i++) {
      const t = (r() - 0.5) * 10;
      target[i] = t;
      preds[i] = t + (r() - 0.5) * 2;
    }
    return { N, preds, target };
  },
};

// Typed arrays of a workload go to one file each plus a JSON of the scalars.
export function workloadData(name, scale, { cache = true } = {}) {
  const base = join(dataDir, `${name}-scale${scale}`);
  const metaFile = `${base}.json`;
  if (cache && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    const out = { ...meta.scalars };
    for (const [key, type] of Object.entries(meta.arrays)) {
      const bytes = readFileSync(`${base}.${key}.bin`);
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      out[key] = new globalThis[type](copy.buffer);
    }
    return out;
  }
  const data = GENERATORS[name](scale);
  if (cache) {
    mkdirSync(dataDir, { recursive: true });
    const meta = { scalars: {}, arrays: {} };
    for (const [key, value] of Object.entries(data)) {
      if (ArrayBuffer.isView(value)) {
        meta.arrays[key] = value.constructor.name;
        writeFileSync(`${base}.${key}.bin`, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } else {
        meta.scalars[key] = value;
      }
    }
    writeFileSync(metaFile, JSON.stringify(meta));
  }
  return data;
}

export const WORKLOADS = Object.keys(GENERATORS);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = Number(benchArgs('bench/data.mjs', ['scale']).scale ?? 1);
  for (const w of WORKLOADS) {
    workloadData(w, scale);
    console.log(`bench/data: ${w} at scale ${scale}`);
  }
}
