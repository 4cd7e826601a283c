// The object-annotation importers of the npm package (npm/src/detection-importers.mjs) on the small
// files of tests/data/detection: YOLO txt (boxes, a confidence, a polygon; sizes from a PNG and a
// JPEG header or given), Pascal VOC XML and CVAT for images XML (box, polygon, points); the COCO
// objects they give are read by the package's COCO metrics; broken files name the file and record.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { importPackage } from './helpers.mjs';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '../data/detection');
const file = (path) => {
  const bytes = readFileSync(join(dataDir, path));
  return { name: path.split('/').pop(), text: bytes.toString('utf8'), bytes: new Uint8Array(bytes) };
};
const folder = (dir, ext) =>
  readdirSync(join(dataDir, dir))
    .filter((n) => n.endsWith(ext))
    .sort()
    .map((n) => file(`${dir}/${n}`));
const lib = await importPackage();
await lib.init();
const { readYolo, readPascalVoc, readCvatImages, cocoResults, imageSize, readYoloClasses, AnnotationFormatError } = lib;

const close = (got, want, what) => {
  assert.equal(got.length, want.length, what);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-9, `${what}[${i}]: ${v} vs ${want[i]}`));
};

test('image sizes from PNG and JPEG headers', () => {
  assert.deepEqual(imageSize(file('yolo/a.png').bytes), { width: 200, height: 100 });
  assert.deepEqual(imageSize(file('yolo/b.jpg').bytes), { width: 80, height: 50 });
  assert.equal(imageSize(new TextEncoder().encode('GIF89a')), null);
  assert.throws(() => imageSize(file('broken/cut.png').bytes, 'cut.png'), /cut\.png: a PNG cut short/);
});

test('YOLO: boxes, a confidence, a polygon; sizes from the images or given', () => {
  const labels = folder('yolo', '.txt');
  const images = [file('yolo/a.png'), file('yolo/b.jpg')];
  const coco = readYolo(labels, { classes: file('yolo/classes.txt').text, images });
  assert.deepEqual(coco.categories, [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
  ]);
  assert.deepEqual(coco.images, [
    { id: 1, file_name: 'a.png', width: 200, height: 100 },
    { id: 2, file_name: 'b.jpg', width: 80, height: 50 },
  ]);
  const [a0, a1, b0] = coco.annotations;
  assert.equal(a0.category_id, 1);
  close(a0.bbox, [75, 25, 50, 50], 'a line 1'); // cx 0.5*200, w 0.25*200, cy 0.5*100, h 0.5*100
  assert.equal(a1.score, 0.9);
  close(a1.bbox, [0, 0, 50, 50], 'a line 2');
  assert.equal(b0.category_id, 2);
  close(b0.segmentation[0], [8, 5, 40, 5, 40, 25], 'b polygon'); // x * 80, y * 50
  close(b0.bbox, [8, 5, 32, 20], 'b polygon box');
  assert.ok(Math.abs(b0.area - (32 * 20) / 2) < 1e-9, 'shoelace area of the right triangle');
  assert.equal(coco.scored, true);
  // a given size instead of the images; data.yaml's names
  const sized = readYolo(labels, {
    classes: readYoloClasses(file('yolo/data.yaml').text),
    imageSize: { width: 10, height: 10 },
  });
  assert.deepEqual(
    sized.images.map((i) => [i.file_name, i.width]),
    [
      ['a.jpg', 10],
      ['b.jpg', 10],
    ],
  );
  assert.deepEqual(readYoloClasses('names:\n  0: cat\n  1: "dog"\nnc: 2\n'), ['cat', 'dog']);
  // the package's COCO reader and COCOMatches take the result as COCO JSON
  const read = lib.readCoco(coco, cocoResults(coco));
  assert.equal(
    read.target.reduce((s, t) => s + t.labels.length, 0),
    3,
  );
  assert.ok(read.preds[0].scores.includes(0.9) && read.preds[0].scores.includes(1), 'scores kept, 1 where none');
});

test('YOLO: broken files name the file and the line', () => {
  const classes = ['cat', 'dog'];
  const size = { imageSize: { width: 10, height: 10 } };
  const err = (labels, opts, re) =>
    assert.throws(
      () => readYolo(labels, { classes, ...opts }),
      (e) => e instanceof AnnotationFormatError && re.test(e.message) && e.file !== undefined,
    );
  err([file('broken/short.txt')], size, /short\.txt, line 1: expected "class cx cy w h"/);
  err(
    [file('broken/badclass.txt')],
    size,
    /badclass\.txt, line 2: class 7 is not in the classes file \(2 classes: 0\.\.1\)/,
  );
  err([file('broken/nan.txt')], size, /nan\.txt, line 1: value 3 is not a number: "abc"/);
  err([file('yolo/a.txt')], {}, /a\.txt: no image named a\.png\/\.jpg/);
  err(
    [{ ...file('broken/short.txt'), name: 'cut.txt' }],
    { images: [file('broken/cut.png')] },
    /cut\.png: a PNG cut short/,
  );
  assert.throws(() => readYolo([file('yolo/a.txt')], size), /the classes are needed/);
});

test('Pascal VOC: boxes, difficult objects, categories as met or given', () => {
  const coco = readPascalVoc(folder('voc', '.xml'));
  assert.deepEqual(
    coco.categories.map((c) => c.name),
    ['dog', 'person', 'train'],
  );
  assert.deepEqual(
    coco.images.map((i) => [i.file_name, i.width, i.height]),
    [
      ['000001.jpg', 353, 500],
      ['000002.jpg', 335, 500],
    ],
  );
  assert.deepEqual(
    coco.annotations.map((a) => a.bbox),
    [
      [48, 240, 147, 131],
      [8, 12, 344, 486],
      [139, 200, 68, 101],
    ],
  );
  assert.deepEqual(
    coco.annotations.map((a) => [a.difficult ?? 0, a.iscrowd]),
    [
      [0, 0],
      [1, 0],
      [0, 0],
    ],
  );
  const crowd = readPascalVoc(folder('voc', '.xml'), {
    difficultAsCrowd: true,
    classes: ['person', 'dog', 'train', 'cat'],
  });
  assert.deepEqual(
    crowd.annotations.map((a) => a.iscrowd),
    [0, 1, 0],
  );
  assert.deepEqual(
    crowd.categories.map((c) => c.id),
    [1, 2, 3, 4],
  );
  assert.equal(crowd.annotations[0].category_id, 2, 'dog is the second class given');
  assert.throws(
    () => readPascalVoc(folder('voc', '.xml'), { classes: ['dog'] }),
    /000001\.xml, <object> 2 \(line 9\): class "person" is not in the classes given/,
  );
});

test('Pascal VOC: broken files name the file and the record', () => {
  assert.throws(
    () => readPascalVoc([file('broken/voc-bad-number.xml')]),
    /voc-bad-number\.xml, <object> 1 \(line 5\), line 7: <xmax> must be a number, got "oops"/,
  );
  assert.throws(
    () => readPascalVoc([file('broken/voc-unclosed.xml')]),
    (e) =>
      /voc-unclosed\.xml: line 8: closing tag <\/annotation> does not match <object> opened on line 4/.test(
        e.message,
      ) && e.line === 8,
  );
  assert.throws(
    () => readPascalVoc([file('cvat/task.xml')]),
    /task\.xml, line 2: the root element is <annotations>, not <annotation>/,
  );
});

test('CVAT for images: boxes, polygons, points; labels from the export', () => {
  const coco = readCvatImages(file('cvat/task.xml'));
  assert.deepEqual(coco.categories, [
    { id: 1, name: 'car' },
    { id: 2, name: 'person' },
    { id: 3, name: 'road' },
  ]);
  assert.deepEqual(coco.images, [
    { id: 1, file_name: 'frame_000.png', width: 640, height: 480 },
    { id: 2, file_name: 'frame_001.png', width: 640, height: 480 },
  ]);
  const [box, poly, pts] = coco.annotations;
  assert.deepEqual([box.category_id, box.bbox, box.area], [1, [10.5, 20, 100, 50], 5000]);
  assert.deepEqual(
    [poly.category_id, poly.segmentation, poly.bbox, poly.area],
    [3, [[0, 400, 640, 400, 640, 480, 0, 480]], [0, 400, 640, 80], 640 * 80],
  );
  assert.deepEqual(
    [pts.category_id, pts.keypoints, pts.num_keypoints, pts.bbox, pts.occluded],
    [2, [300, 100, 2, 310, 150, 2, 290, 150, 2], 3, [290, 100, 20, 50], 1],
  );
  assert.deepEqual(coco.skipped, { polyline: 1 });
  // the polygon is rasterised by the package's COCO segm reader
  const segmGt = { ...coco, annotations: [poly] };
  const m = new lib.COCOMatches({ iouType: 'segm' });
  try {
    m.update(JSON.stringify(segmGt), JSON.stringify(cocoResults(segmGt)));
    const [entry] = m.compute();
    assert.deepEqual(Array.from(entry.gt_matches.data), [1, 1], 'the polygon matches itself at IoU 0.5 and 0.75');
  } finally {
    m.dispose();
  }
});

test('CVAT for images: broken files name the file, the image and the element', () => {
  assert.throws(
    () => readCvatImages(file('broken/cvat-two-points.xml')),
    /cvat-two-points\.xml, image "frame_000\.png", <polygon> line 16: a polygon needs at least 3 points, got 2/,
  );
  assert.throws(
    () => readCvatImages(file('broken/cvat-unknown-label.xml')),
    /cvat-unknown-label\.xml, image "frame_000\.png", <box> line 15: label "truck" is not among the export's labels/,
  );
  assert.throws(
    () => readCvatImages([file('cvat/task.xml'), file('cvat/task.xml')]),
    /task\.xml, <image> line 14: image "frame_000\.png" is given twice \(also task\.xml line 14\)/,
  );
});
