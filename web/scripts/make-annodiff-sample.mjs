// A reference COCO file and a candidate (a model's results list) for the Annotation diff mode,
// deterministic (seeded): boxes, polygons and, for persons, 5 keypoints with a skeleton; the
// candidate finds most objects (boxes jittered), swaps some classes, duplicates some, misses
// some, and adds background detections. With --png the images too (a plain scene with each
// reference object as a filled shape), so the viewer has something under the boxes.
//   node web/scripts/make-annodiff-sample.mjs                       -> web/samples/annodiff/ (the bundled sample)
//   node web/scripts/make-annodiff-sample.mjs --images=5000 --objects=50000 --out=/tmp/big --no-png
//                                                                   -> the pair the docs' timing used
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';

const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const nImages = Number(arg('images', 10));
const nObjects = Number(arg('objects', 48));
const out = resolve(arg('out', join(dirname(fileURLToPath(import.meta.url)), '../samples/annodiff')));
const png = !process.argv.includes('--no-png');
const [W, H] = [Number(arg('width', 320)), Number(arg('height', 240))];
const r = mulberry32(Number(arg('seed', 20)));
const r1 = (v) => Math.round(v * 10) / 10;
const pick = (list) => list[Math.floor(r() * list.length)];

const KEYPOINTS = ['head', 'left_hand', 'right_hand', 'left_foot', 'right_foot'];
const categories = [
  {
    id: 1,
    name: 'person',
    supercategory: 'person',
    keypoints: KEYPOINTS,
    skeleton: [
      [1, 2],
      [1, 3],
      [1, 4],
      [1, 5],
    ],
  },
  { id: 2, name: 'car', supercategory: 'vehicle' },
  { id: 3, name: 'bicycle', supercategory: 'vehicle' },
  { id: 4, name: 'dog', supercategory: 'animal' },
];
const COLOURS = { 1: [220, 120, 90], 2: [90, 120, 200], 3: [120, 180, 100], 4: [190, 160, 80] };

function personKeypoints([x, y, w, h]) {
  const pts = [
    [0.5, 0.12],
    [0.1, 0.5],
    [0.9, 0.5],
    [0.3, 0.95],
    [0.7, 0.95],
  ];
  return pts.flatMap(([u, v]) => [r1(x + u * w), r1(y + v * h), 2]);
}
const polygonOf = ([x, y, w, h]) => [[x, y, r1(x + w), y, r1(x + w * 0.8), r1(y + h), r1(x + w * 0.2), r1(y + h)]];
const polygonArea = (p) =>
  Math.abs(
    p.reduce((s, _, i) => (i % 2 ? s : s + p[i] * p[(i + 3) % p.length] - p[(i + 2) % p.length] * p[i + 1]), 0),
  ) / 2;

const images = [];
const annotations = [];
const results = [];
const perImage = nObjects / nImages;
for (let i = 0; i < nImages; i++) {
  const id = i + 1;
  images.push({ id, file_name: `scene_${String(id).padStart(5, '0')}.png`, width: W, height: H });
  const n = Math.max(0, Math.round(perImage * (0.5 + r())));
  for (let j = 0; j < n; j++) {
    const cat = pick(categories).id;
    const w = r1(W * (0.08 + r() * 0.3));
    const h = r1(H * (0.1 + r() * 0.35));
    const bbox = [r1(r() * (W - w)), r1(r() * (H - h)), w, h];
    const segmentation = polygonOf(bbox);
    const ann = {
      id: annotations.length + 1,
      image_id: id,
      category_id: cat,
      iscrowd: 0,
      bbox,
      area: r1(polygonArea(segmentation[0])),
      segmentation,
    };
    if (cat === 1) Object.assign(ann, { keypoints: personKeypoints(bbox), num_keypoints: KEYPOINTS.length });
    annotations.push(ann);
    const u = r();
    if (u < 0.1) continue; // missed
    const jit = (s) => (r() - 0.5) * s;
    const loose = u > 0.9; // a sloppy box: poor localisation
    const s = loose ? 0.9 : 0.15;
    const box = [r1(bbox[0] + jit(s) * w), r1(bbox[1] + jit(s) * h), r1(w * (1 + jit(s))), r1(h * (1 + jit(s)))];
    const swapped = u < 0.17;
    const res = {
      image_id: id,
      category_id: swapped ? pick(categories.filter((c) => c.id !== cat)).id : cat,
      bbox: box,
      segmentation: polygonOf(box),
      score: Math.round((0.4 + 0.6 * r()) * 1000) / 1000,
    };
    if (res.category_id === 1) res.keypoints = personKeypoints(box).map((v, k) => (k % 3 === 2 ? 1 : r1(v + jit(4))));
    results.push(res);
    if (r() < 0.06)
      results.push({ ...res, bbox: res.bbox.map((v) => r1(v + jit(3))), score: Math.round(r() * 400) / 1000 }); // a duplicate
  }
  for (let k = Math.floor(r() * 2.2); k > 0; k--) {
    // background detections
    const box = [r1(r() * (W - 40)), r1(r() * (H - 40)), r1(10 + r() * 30), r1(10 + r() * 30)];
    const cat = pick(categories).id;
    const res = {
      image_id: id,
      category_id: cat,
      bbox: box,
      segmentation: polygonOf(box),
      score: Math.round(r() * 500) / 1000,
    };
    if (cat === 1) res.keypoints = personKeypoints(box).map((v, m) => (m % 3 === 2 ? 1 : v));
    results.push(res);
  }
}

// ---- PNG (8-bit RGB): a light scene with each reference object filled -----------------------
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function scenePng(imageId) {
  const row = W * 3 + 1;
  const raw = Buffer.alloc(row * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = y * row + 1 + x * 3;
      const g = 200 + Math.round(30 * (y / H));
      raw[o] = g;
      raw[o + 1] = g;
      raw[o + 2] = g + 10 > 255 ? 255 : g + 10;
    }
  }
  for (const a of annotations.filter((x) => x.image_id === imageId)) {
    const [x0, y0, w, h] = a.bbox.map(Math.round);
    const c = COLOURS[a.category_id];
    for (let y = Math.max(0, y0); y < Math.min(H, y0 + h); y++) {
      const t = (y - y0) / Math.max(1, h); // the trapezoid of polygonOf
      const [xa, xb] = [x0 + 0.2 * w * t, x0 + w - 0.2 * w * t];
      for (let x = Math.max(0, Math.ceil(xa)); x < Math.min(W, xb); x++) {
        const o = y * row + 1 + x * 3;
        raw[o] = c[0];
        raw[o + 1] = c[1];
        raw[o + 2] = c[2];
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(W, 0);
  ihdr.writeUInt32BE(H, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'reference.json'),
  `${JSON.stringify({ info: { description: 'wasmetrics Annotation diff sample (seeded)' }, images, annotations, categories })}\n`,
);
writeFileSync(join(out, 'candidate.json'), `${JSON.stringify(results)}\n`);
if (png) {
  // the same pair in two other tools' formats (the second sample: the page's importers at work):
  // the reference as a CVAT for images export (each object a <polygon>: its extent is the box),
  // the candidate as a YOLO folder (class cx cy w h confidence, normalised; classes.txt)
  const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const xml = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<annotations>',
    '  <version>1.1</version>',
    '  <meta>',
    '    <task>',
    '      <name>annodiff sample</name>',
    '      <labels>',
    ...categories.map((c) => `        <label><name>${esc(c.name)}</name><type>polygon</type></label>`),
    '      </labels>',
    '    </task>',
    '  </meta>',
  ];
  for (const im of images) {
    xml.push(`  <image id="${im.id - 1}" name="${esc(im.file_name)}" width="${W}" height="${H}">`);
    for (const a of annotations.filter((x) => x.image_id === im.id)) {
      const p = a.segmentation[0];
      const pts = [];
      for (let k = 0; k < p.length; k += 2) pts.push(`${p[k]},${p[k + 1]}`);
      xml.push(
        `    <polygon label="${esc(categories.find((c) => c.id === a.category_id).name)}" occluded="0" source="manual" points="${pts.join(';')}" z_order="0"></polygon>`,
      );
    }
    xml.push('  </image>');
  }
  xml.push('</annotations>');
  writeFileSync(join(out, 'reference-cvat.xml'), `${xml.join('\n')}\n`);
  mkdirSync(join(out, 'yolo'), { recursive: true });
  writeFileSync(join(out, 'yolo', 'classes.txt'), `${categories.map((c) => c.name).join('\n')}\n`);
  const clamp = (v) => Math.min(1, Math.max(0, v));
  const f6 = (v) => clamp(v).toFixed(6);
  for (const im of images) {
    const lines = results
      .filter((x) => x.image_id === im.id)
      .map((x) => {
        const [bx, by, bw, bh] = x.bbox;
        return `${categories.findIndex((c) => c.id === x.category_id)} ${f6((bx + bw / 2) / W)} ${f6((by + bh / 2) / H)} ${f6(bw / W)} ${f6(bh / H)} ${x.score}`;
      });
    writeFileSync(
      join(out, 'yolo', im.file_name.replace(/\.png$/, '.txt')),
      lines.length ? `${lines.join('\n')}\n` : '',
    );
  }
  mkdirSync(join(out, 'images'), { recursive: true });
  for (const im of images) writeFileSync(join(out, 'images', im.file_name), scenePng(im.id));
}
console.log(
  `${out}: reference.json (${images.length} images, ${annotations.length} objects), candidate.json (${results.length} results)${png ? `, ${images.length} PNG images` : ''}`,
);
