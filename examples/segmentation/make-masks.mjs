// Writes the sample masks of the segmentation example (committed in examples/data/masks/):
// eight small synthetic street scenes, each a reference mask and a model's predicted mask, in
// the formats label masks come in: 8-bit greyscale, palette PNGs with the PASCAL VOC colour map
// (class id = palette index), 16-bit greyscale, one image of another size, void pixels (255) on
// the reference's object boundaries as VOC marks them, and one notably bad prediction.
// Deterministic (seeded): running it again rewrites identical files.
//
//   node examples/segmentation/make-masks.mjs [outDir]      (default examples/data/masks)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vocPalette, writePng } from './png-write.mjs';

export const CLASS_NAMES = ['background', 'sky', 'road', 'building', 'car', 'person'];
export const VOID = 255;

// mulberry32: a small, seedable PRNG (same sequence on every platform).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));

// A scene: horizon and road line, buildings, cars and people as rectangles.
function makeScene(r, w, h) {
  const horizon = int(r, Math.round(h * 0.2), Math.round(h * 0.35));
  const roadTop = int(r, Math.round(h * 0.6), Math.round(h * 0.7));
  const buildings = Array.from({ length: int(r, 2, 3) }, () => {
    const x0 = int(r, 0, w - 12);
    return { cls: 3, x0, x1: x0 + int(r, 8, 18), y0: int(r, 4, horizon + 4), y1: roadTop - 1 };
  });
  const cars = Array.from({ length: int(r, 1, 3) }, () => {
    const x0 = int(r, 0, w - 14);
    const y0 = int(r, roadTop - 4, h - 8);
    return { cls: 4, x0, x1: x0 + int(r, 8, 13), y0, y1: y0 + int(r, 4, 6) };
  });
  const people = Array.from({ length: int(r, 0, 2) }, () => {
    const x0 = int(r, 0, w - 4);
    const y0 = int(r, roadTop - 12, roadTop - 4);
    return { cls: 5, x0, x1: x0 + int(r, 1, 3), y0, y1: y0 + int(r, 7, 11) };
  });
  return { w, h, horizon, roadTop, rects: [...buildings, ...cars, ...people] };
}

function render(scene) {
  const { w, h } = scene;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.fill(y < scene.horizon ? 1 : y >= scene.roadTop ? 2 : 0, y * w, (y + 1) * w);
  for (const { cls, x0, x1, y0, y1 } of scene.rects) {
    for (let y = Math.max(0, y0); y <= Math.min(h - 1, y1); y++) {
      for (let x = Math.max(0, x0); x <= Math.min(w - 1, x1); x++) out[y * w + x] = cls;
    }
  }
  return out;
}

// VOC-style void: object pixels (car, person) next to another class become 255 in the reference.
function withVoidBoundaries(labels, w, h) {
  const out = labels.slice();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = labels[y * w + x];
      if (c < 4) continue;
      const edge = [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ].some(([dx, dy]) => {
        const u = x + dx,
          v = y + dy;
        return u >= 0 && v >= 0 && u < w && v < h && labels[v * w + u] !== c;
      });
      if (edge) out[y * w + x] = VOID;
    }
  }
  return out;
}

// A decent model: object boxes off by a pixel or two, horizon/road line off a little, a few blobs.
function predictScene(r, scene) {
  const jitter = (v) => v + int(r, -2, 2);
  const pred = {
    ...scene,
    horizon: jitter(scene.horizon),
    roadTop: jitter(scene.roadTop),
    rects: scene.rects
      .filter(() => r() > 0.1) // now and then an object is missed
      .map((b) => ({ ...b, x0: jitter(b.x0), x1: jitter(b.x1), y0: jitter(b.y0), y1: jitter(b.y1) })),
  };
  for (let k = int(r, 0, 2); k > 0; k--) {
    const x0 = int(r, 0, scene.w - 6),
      y0 = int(r, 0, scene.h - 6);
    pred.rects.push({ cls: int(r, 0, 5), x0, x1: x0 + int(r, 2, 5), y0, y1: y0 + int(r, 2, 5) });
  }
  return render(pred);
}

// A bad model: buildings taken for sky, cars for road, the road line far off.
function badPrediction(scene) {
  return render({
    ...scene,
    roadTop: scene.roadTop + 8,
    rects: scene.rects.filter((b) => b.cls !== 4).map((b) => (b.cls === 3 ? { ...b, cls: 1 } : b)),
  });
}

const VOC = vocPalette(256);

function encode(labels, w, h, format) {
  if (format === 'grey8') return writePng({ width: w, height: h, data: labels, colorType: 'grey', bitDepth: 8 });
  if (format === 'grey16')
    return writePng({ width: w, height: h, data: Uint16Array.from(labels), colorType: 'grey', bitDepth: 16 });
  if (format === 'palette8')
    return writePng({ width: w, height: h, data: labels, colorType: 'palette', bitDepth: 8, palette: VOC });
  throw new Error(format);
}

// name, size, reference format, prediction format, bad prediction?
export const SAMPLES = [
  ['street_01.png', [64, 48], 'grey8', 'grey8', false],
  ['street_02.png', [64, 48], 'grey8', 'grey8', false],
  ['street_03.png', [64, 48], 'grey8', 'grey8', false],
  ['street_04.png', [64, 48], 'palette8', 'palette8', false],
  ['street_05.png', [64, 48], 'palette8', 'grey8', false],
  ['street_06.png', [64, 48], 'grey16', 'grey16', false],
  ['street_07.png', [48, 32], 'grey8', 'grey8', false],
  ['street_08.png', [64, 48], 'palette8', 'palette8', true],
];

export function makeMasks(outDir) {
  const refDir = join(outDir, 'reference');
  const predDir = join(outDir, 'predicted');
  mkdirSync(refDir, { recursive: true });
  mkdirSync(predDir, { recursive: true });
  SAMPLES.forEach(([name, [w, h], refFormat, predFormat, bad], i) => {
    const r = rng(20240601 + i);
    const scene = makeScene(r, w, h);
    const reference = withVoidBoundaries(render(scene), w, h);
    const predicted = bad ? badPrediction(scene) : predictScene(r, scene);
    writeFileSync(join(refDir, name), encode(reference, w, h, refFormat));
    writeFileSync(join(predDir, name), encode(predicted, w, h, predFormat));
  });
  return { refDir, predDir, count: SAMPLES.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? fileURLToPath(new URL('../data/masks', import.meta.url)));
  const { count } = makeMasks(outDir);
  console.log(`wrote ${count} reference/predicted mask pairs to ${outDir}`);
}
