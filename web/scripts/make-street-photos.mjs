// Writes the "photos" of the Segmentation mode's second sample (web/samples/streets/): for each
// street scene of examples/data/masks, an RGB PNG of the same size painted from its reference mask
// (a colour per class, shaded and with seeded noise, void pixels given their neighbour's colour),
// and class-names.txt (one name a line, in class-id order). Deterministic: running it again
// rewrites identical files. Needs the built package (npm/dist) for decodeMask.
//
//   node web/scripts/make-street-photos.mjs
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CLASS_NAMES, VOID } from '../../examples/segmentation/make-masks.mjs';
import { writePng } from '../../examples/segmentation/png-write.mjs';
import { decodeMask, init } from '../../npm/dist/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const from = join(root, 'examples/data/masks/reference');
const to = join(root, 'web/samples/streets');
// background (grass/pavement), sky, road, building, car, person
const COLOURS = [
  [112, 138, 92],
  [150, 190, 235],
  [88, 88, 96],
  [168, 102, 82],
  [196, 40, 48],
  [230, 186, 150],
];

await init();
mkdirSync(to, { recursive: true });
let seed = 7;
const noise = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return ((seed >>> 16) % 25) - 12;
};
for (const file of readdirSync(from)
  .filter((f) => f.endsWith('.png'))
  .sort()) {
  const mask = decodeMask(readFileSync(join(from, file)), { name: file });
  const [h, w] = mask.shape;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let c = mask.data[y * w + x];
      for (let dx = 1; c === VOID && dx < w; dx++) c = mask.data[y * w + Math.min(w - 1, x + dx)] ?? c; // void: the colour to its right
      const base = COLOURS[c === VOID ? 0 : c % COLOURS.length];
      const shade = 0.8 + 0.3 * (y / h);
      for (let k = 0; k < 3; k++)
        rgb[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(base[k] * shade) + noise()));
    }
  }
  writeFileSync(join(to, file), writePng({ width: w, height: h, data: rgb, colorType: 'rgb' }));
}
writeFileSync(join(to, 'class-names.txt'), `${CLASS_NAMES.join('\n')}\n`);
console.log(`wrote ${to}`);
