// Writes the demo's small COCO pair (web/samples/coco-gt.json, web/samples/coco-results.json):
// 12 images, 3 categories with COCO's ids (person 1, car 3, dog 18), polygon segmentation and
// area as COCO ground truth has them, one crowd region, one image without ground truth (only
// false positives) and one without detections. Deterministic (fixed seed); rerun to regenerate.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';

const samples = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'samples');
const r = mulberry32(12345);
const r1 = (v) => Math.round(v * 10) / 10;
const categories = [
  { id: 1, name: 'person', supercategory: 'person' },
  { id: 3, name: 'car', supercategory: 'vehicle' },
  { id: 18, name: 'dog', supercategory: 'animal' },
];
const images = [];
const annotations = [];
const results = [];
for (let i = 0; i < 12; i++) {
  const id = 139 + i * 58;
  images.push({ id, file_name: `${String(id).padStart(12, '0')}.jpg`, width: 640, height: 480 });
  const nGt = i === 4 ? 0 : 1 + Math.floor(r() * 5);
  for (let j = 0; j < nGt; j++) {
    const w = r1(12 + r() * 220);
    const h = r1(12 + r() * 200);
    const x = r1(r() * (640 - w));
    const y = r1(r() * (480 - h));
    const cat = categories[Math.floor(r() * 3)].id;
    const crowd = i === 7 && j === 0 ? 1 : 0;
    annotations.push({
      id: 900100 + annotations.length,
      image_id: id,
      category_id: cat,
      iscrowd: crowd,
      bbox: [x, y, w, h],
      area: r1(w * h * (0.55 + 0.3 * r())),
      segmentation: [[x, y, r1(x + w), y, r1(x + w), r1(y + h), x, r1(y + h)]],
    });
    if (i === 9) continue; // no detections for this image
    const found = r() < 0.85;
    if (found) {
      const jit = () => (r() - 0.5) * 0.3;
      results.push({
        image_id: id,
        category_id: r() < 0.9 ? cat : 1,
        bbox: [r1(x + jit() * w), r1(y + jit() * h), r1(w * (1 + jit())), r1(h * (1 + jit()))],
        score: Math.round((0.35 + 0.65 * r()) * 1000) / 1000,
      });
    }
  }
  if (i === 9) continue;
  for (let j = Math.floor(r() * 3); j > 0; j--) {
    results.push({
      image_id: id,
      category_id: categories[Math.floor(r() * 3)].id,
      bbox: [r1(r() * 500), r1(r() * 350), r1(10 + r() * 120), r1(10 + r() * 120)],
      score: Math.round(r() * 600) / 1000,
    });
  }
}
writeFileSync(
  join(samples, 'coco-gt.json'),
  `${JSON.stringify({ info: { description: 'wasmetrics demo sample' }, images, annotations, categories })}\n`,
);
writeFileSync(join(samples, 'coco-results.json'), `${JSON.stringify(results)}\n`);
console.log(
  `web/samples: coco-gt.json (${images.length} images, ${annotations.length} annotations), coco-results.json (${results.length} detections)`,
);
