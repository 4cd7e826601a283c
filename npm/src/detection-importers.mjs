// Object annotations in the formats labelling tools export, read into one COCO ground-truth object
// ({images, annotations, categories}, as instances_*.json holds it), plain JS (no WASM): YOLO txt
// folders, Pascal VOC XML and "CVAT for images" XML. The result goes wherever COCO JSON goes
// (readCoco, evaluateCoco, COCOMatches, COCOSegmPolygons: JSON.stringify it); cocoResults() turns
// it into a results list. A malformed file throws AnnotationFormatError naming the file, the
// record (line or element) and what is wrong.
import { AnnotationFormatError, parseXml } from './annotations.mjs';

const show = (v) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function formatError(fn, file, where, message, fields = {}) {
  const e = new AnnotationFormatError(`${fn}: ${file}${where ? `, ${where}` : ''}: ${message}`, fields);
  e.file = file;
  return e;
}

const stem = (name) =>
  name
    .split('/')
    .pop()
    .replace(/\.[^.]*$/, '');
const baseName = (name) => name.split('/').pop();
const fileName = (f) => f.relativePath ?? f.name;

function requireFiles(files, fn, what) {
  if (!Array.isArray(files)) throw new TypeError(`${fn}: ${what} must be a list of {name, text} (or {name, bytes})`);
  for (const [i, f] of files.entries()) {
    if (!f || typeof f.name !== 'string') throw new TypeError(`${fn}: ${what}[${i}] has no name`);
  }
}

const textOf = (f) => {
  if (typeof f.text === 'string') return f.text.charCodeAt(0) === 0xfeff ? f.text.slice(1) : f.text;
  if (f.bytes)
    return new TextDecoder('utf-8').decode(f.bytes instanceof ArrayBuffer ? new Uint8Array(f.bytes) : f.bytes);
  throw new TypeError(`${fileName(f)}: no text or bytes`);
};

const bytesOf = (f) => {
  const b = f.bytes ?? f.data;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  throw new TypeError(`${fileName(f)}: no bytes`);
};

// ---- image sizes from the file headers (no decoding) ------------------------------------------

/**
 * An image's {width, height} from its PNG (IHDR) or JPEG (first SOFn marker) header; null for
 * another format. Throws on a PNG or JPEG cut short before its size.
 */
export function imageSize(bytes, name = 'image') {
  const b =
    bytes instanceof ArrayBuffer
      ? new Uint8Array(bytes)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    if (b.length < 24) throw new Error(`${name}: a PNG cut short before its size (IHDR)`);
    return { width: u32(16), height: u32(20) };
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8) {
    let o = 2;
    while (o + 4 <= b.length) {
      if (b[o] !== 0xff) throw new Error(`${name}: a broken JPEG (no marker at byte ${o})`);
      const marker = b[o + 1];
      if (marker === 0xff) {
        o += 1; // fill byte
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        o += 2;
        continue;
      }
      const len = (b[o + 2] << 8) | b[o + 3];
      // SOF0..SOF15 but DHT (c4), JPG (c8) and DAC (cc)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        if (o + 9 > b.length) break;
        return { width: (b[o + 7] << 8) | b[o + 8], height: (b[o + 5] << 8) | b[o + 6] };
      }
      o += 2 + len;
    }
    throw new Error(`${name}: a JPEG without a frame header (SOF) before its end`);
  }
  return null;
}

// ---- building the COCO object ----------------------------------------------------------------

class CocoBuilder {
  constructor(classes) {
    this.images = [];
    this.annotations = [];
    this.categories = new Map(); // name -> id
    for (const c of classes ?? []) this.category(c);
  }

  category(name) {
    if (!this.categories.has(name)) this.categories.set(name, this.categories.size + 1);
    return this.categories.get(name);
  }

  image(file_name, width, height) {
    const id = this.images.length + 1;
    this.images.push({ id, file_name, width, height });
    return id;
  }

  add(ann) {
    const id = this.annotations.length + 1;
    this.annotations.push({ id, ...ann, iscrowd: ann.iscrowd ?? 0 });
    return id;
  }

  done(extra = {}) {
    return {
      images: this.images,
      annotations: this.annotations,
      categories: [...this.categories].map(([name, id]) => ({ id, name })),
      ...extra,
    };
  }
}

const boxOf = (xs, ys) => {
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return [x0, y0, x1 - x0, y1 - y0];
};

/** The area of a simple polygon [x0, y0, x1, y1, ...] (shoelace). */
function polygonArea(flat) {
  let s = 0;
  const n = flat.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += flat[2 * i] * flat[2 * j + 1] - flat[2 * j] * flat[2 * i + 1];
  }
  return Math.abs(s) / 2;
}

function polygonAnnotation(flat, extra) {
  const xs = flat.filter((_, i) => i % 2 === 0);
  const ys = flat.filter((_, i) => i % 2 === 1);
  return { ...extra, segmentation: [flat], bbox: boxOf(xs, ys), area: polygonArea(flat) };
}

// ---- YOLO ------------------------------------------------------------------------------------

/** The class names of a YOLO classes file: one a line (classes.txt, obj.names), or data.yaml's `names`. */
export function readYoloClasses(text, file = 'classes') {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const m = /^names[ \t]*:[ \t]*(.*)$/m.exec(t);
  if (!m)
    return t
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
  const inline = m[1].trim();
  const unquote = (s) => s.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (inline.startsWith('[')) {
    if (!inline.endsWith(']'))
      throw formatError('readYoloClasses', file, 'names', 'a list opened with [ is not closed on its line');
    return inline
      .slice(1, -1)
      .split(',')
      .map(unquote)
      .filter((s) => s !== '');
  }
  if (inline !== '') throw formatError('readYoloClasses', file, 'names', `expected a list, got ${show(inline)}`);
  // a block: "  0: person" lines, or "  - person" lines
  const names = [];
  const rest = t.slice(m.index + m[0].length).split(/\r?\n/);
  for (const line of rest) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) break;
    const kv = /^\s+(\d+)\s*:\s*(.+)$/.exec(line);
    const item = /^\s+-\s*(.+)$/.exec(line);
    if (kv) names[Number(kv[1])] = unquote(kv[2]);
    else if (item) names.push(unquote(item[1]));
    else break;
  }
  return names;
}

// An image's size for its YOLO labels: from the image file's header, else `imageSize`.
function yoloImageDims(fn, key, img, lf, size) {
  if (img) {
    let dims;
    try {
      dims = imageSize(bytesOf(img), fileName(img));
    } catch (e) {
      throw formatError(fn, fileName(img), '', e.message.replace(`${fileName(img)}: `, ''));
    }
    if (!dims) throw formatError(fn, fileName(img), '', 'not a PNG or JPEG: its size cannot be read (give imageSize)');
    return dims;
  }
  if (size) return { width: size.width, height: size.height };
  throw formatError(
    fn,
    fileName(lf),
    '',
    `no image named ${key}.png/.jpg to take the size from (give the images, or imageSize)`,
  );
}

// One YOLO label line (`class cx cy w h [score]` or `class x1 y1 ... [score]`) as a COCO annotation
// in pixels of `dims`; `bad(msg)` makes the error naming the line.
function yoloAnnotation(line, bad, names, imageId, dims) {
  const tok = line.split(/\s+/);
  const nums = tok.map(Number);
  const cls = nums[0];
  if (!Number.isInteger(cls) || cls < 0) throw bad(`the class must be an integer >= 0, got ${show(tok[0])}`);
  if (cls >= names.length)
    throw bad(`class ${cls} is not in the classes file (${names.length} classes: 0..${names.length - 1})`);
  const bi = nums.findIndex((v, k) => k > 0 && !Number.isFinite(v));
  if (bi > 0) throw bad(`value ${bi + 1} is not a number: ${show(tok[bi])}`);
  const vals = nums.slice(1);
  const ann = { image_id: imageId, category_id: cls + 1 };
  if (vals.length === 4 || vals.length === 5) {
    const [cx, cy, w, h] = vals;
    if (w < 0 || h < 0) throw bad(`a negative width or height: ${line}`);
    if ([cx, cy, w, h].some((v) => v < 0 || v > 1.0001))
      throw bad(`box values must be in [0, 1] (normalised by the image size), got ${line}`);
    const bbox = [(cx - w / 2) * dims.width, (cy - h / 2) * dims.height, w * dims.width, h * dims.height];
    if (vals.length === 5) ann.score = vals[4];
    return { ...ann, bbox, area: bbox[2] * bbox[3] };
  }
  if (vals.length >= 6) {
    const hasScore = vals.length % 2 === 1;
    const xy = hasScore ? vals.slice(0, -1) : vals;
    if (xy.some((v) => v < 0 || v > 1.0001))
      throw bad('polygon values must be in [0, 1] (normalised by the image size)');
    if (hasScore) ann.score = vals[vals.length - 1];
    return polygonAnnotation(
      xy.map((v, k) => v * (k % 2 === 0 ? dims.width : dims.height)),
      ann,
    );
  }
  throw bad(
    `expected "class cx cy w h" (5 values, 6 with a confidence) or a polygon "class x1 y1 x2 y2 x3 y3 ...", got ${tok.length} values`,
  );
}

/**
 * YOLO txt labels (one file per image: `class cx cy w h` in [0, 1] of the image size; a 6th value
 * is a confidence; `class x1 y1 x2 y2 ...` is a polygon, YOLO's segmentation format) into COCO.
 * `labels`: [{name, text}]; `classes`: the names (a list) or a classes file's text; `images`:
 * [{name, bytes}] whose PNG/JPEG headers give the sizes (paired with label files by name without
 * extension; an image without a label file has no objects), else `imageSize` {width, height}.
 */
export function readYolo(labels, { classes, images = [], imageSize: size } = {}) {
  const fn = 'readYolo';
  requireFiles(labels, fn, 'labels');
  requireFiles(images, fn, 'images');
  if (classes === undefined)
    throw new TypeError(`${fn}: the classes are needed (a list of names, or a classes.txt / data.yaml text)`);
  const names = typeof classes === 'string' ? readYoloClasses(classes) : [...classes].map(String);
  if (names.length === 0) throw new TypeError(`${fn}: the classes file lists no class`);
  if (
    size !== undefined &&
    !(Number.isFinite(size?.width) && Number.isFinite(size?.height) && size.width > 0 && size.height > 0)
  ) {
    throw new TypeError(`${fn}: imageSize must be {width, height} of positive numbers, got ${show(size)}`);
  }
  const byStem = new Map();
  for (const f of images) {
    const key = stem(fileName(f));
    if (byStem.has(key))
      throw new TypeError(
        `${fn}: two images for the label stem ${show(key)}: ${fileName(byStem.get(key))} and ${fileName(f)}`,
      );
    byStem.set(key, f);
  }
  const labelFiles = labels.filter((f) => !/^(classes|obj)\.(txt|names)$/i.test(baseName(f.name)));
  const labelStems = new Map(labelFiles.map((f) => [stem(fileName(f)), f]));
  const stems = [...new Set([...labelStems.keys(), ...byStem.keys()])].sort();
  const b = new CocoBuilder(names);
  let scored = false;
  for (const key of stems) {
    const lf = labelStems.get(key);
    const img = byStem.get(key);
    const dims = yoloImageDims(fn, key, img, lf, size);
    const imageId = b.image(img ? baseName(fileName(img)) : `${key}.jpg`, dims.width, dims.height);
    if (!lf) continue;
    textOf(lf)
      .split(/\r?\n/)
      .forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) return;
        const bad = (msg) => formatError(fn, fileName(lf), `line ${i + 1}`, msg, { line: i + 1 });
        const ann = yoloAnnotation(line, bad, names, imageId, dims);
        if (ann.score !== undefined) scored = true;
        b.add(ann);
      });
  }
  return b.done(scored ? { scored: true } : {});
}

// ---- Pascal VOC ------------------------------------------------------------------------------

const child = (el, name) => el.children.find((c) => c.name === name);
const children = (el, name) => el.children.filter((c) => c.name === name);

// An XML file's root element, which must be <root>; errors name the file and the line.
function xmlRoot(f, fn, file, root, what) {
  let doc;
  try {
    doc = parseXml(textOf(f), fn);
  } catch (e) {
    throw formatError(fn, file, '', e.message.replace(`${fn}: `, ''), { line: e.line });
  }
  if (doc.name !== root)
    throw formatError(
      fn,
      file,
      `line ${doc.line}`,
      `the root element is <${doc.name}>, not <${root}> (is it ${what}?)`,
      {
        line: doc.line,
      },
    );
  return doc;
}

/**
 * Pascal VOC XML (one file per image: <annotation><filename>, <size><width><height>, <object>s
 * with <name>, <difficult>, <bndbox> xmin ymin xmax ymax) into COCO; boxes taken as given (no
 * 1-based pixel shift). `classes` fixes the category order (else as first met); a <difficult>1
 * object keeps `difficult: 1` and, with `difficultAsCrowd`, becomes iscrowd 1 (ignored, as the
 * VOC evaluation ignores it). A <score> or <confidence> element is the object's score.
 */
export function readPascalVoc(files, { classes, difficultAsCrowd = false } = {}) {
  const fn = 'readPascalVoc';
  requireFiles(files, fn, 'files');
  const b = new CocoBuilder(classes);
  const strict = Array.isArray(classes) && classes.length > 0;
  let scored = false;
  const sorted = [...files].sort((x, y) => (fileName(x) < fileName(y) ? -1 : fileName(x) > fileName(y) ? 1 : 0));
  for (const f of sorted) {
    const file = fileName(f);
    const doc = xmlRoot(f, fn, file, 'annotation', 'a Pascal VOC file');
    const num = (el, tag, where) => {
      const c = el && child(el, tag);
      if (!c) throw formatError(fn, file, where, `<${tag}> is missing`, { line: el?.line, field: tag });
      const v = Number(c.text.trim());
      if (c.text.trim() === '' || !Number.isFinite(v))
        throw formatError(
          fn,
          file,
          `${where}, line ${c.line}`,
          `<${tag}> must be a number, got ${show(c.text.trim())}`,
          { line: c.line, field: tag },
        );
      return v;
    };
    const sizeEl = child(doc, 'size');
    if (!sizeEl)
      throw formatError(fn, file, `line ${doc.line}`, '<size> is missing (the image width and height)', {
        line: doc.line,
        field: 'size',
      });
    const width = num(sizeEl, 'width', '<size>');
    const height = num(sizeEl, 'height', '<size>');
    const name = child(doc, 'filename')?.text.trim() || `${stem(file)}.jpg`;
    const imageId = b.image(name, width, height);
    children(doc, 'object').forEach((o, k) => {
      const where = `<object> ${k + 1} (line ${o.line})`;
      const label = child(o, 'name')?.text.trim();
      if (!label) throw formatError(fn, file, where, '<name> is missing or empty', { line: o.line, field: 'name' });
      if (strict && !b.categories.has(label))
        throw formatError(fn, file, where, `class ${show(label)} is not in the classes given`, {
          line: o.line,
          field: 'name',
        });
      const box = child(o, 'bndbox');
      if (!box) throw formatError(fn, file, where, '<bndbox> is missing', { line: o.line, field: 'bndbox' });
      const [x0, y0, x1, y1] = ['xmin', 'ymin', 'xmax', 'ymax'].map((t) => num(box, t, where));
      if (x1 < x0 || y1 < y0)
        throw formatError(fn, file, where, `xmax < xmin or ymax < ymin: ${x0}, ${y0}, ${x1}, ${y1}`, {
          line: box.line,
          field: 'bndbox',
        });
      const difficult = child(o, 'difficult')?.text.trim() === '1' ? 1 : 0;
      const bbox = [x0, y0, x1 - x0, y1 - y0];
      const ann = {
        image_id: imageId,
        category_id: b.category(label),
        bbox,
        area: bbox[2] * bbox[3],
        iscrowd: difficultAsCrowd ? difficult : 0,
      };
      if (difficult) ann.difficult = 1;
      const scoreEl = child(o, 'score') ?? child(o, 'confidence');
      if (scoreEl) {
        ann.score = num(o, scoreEl.name, where);
        scored = true;
      }
      b.add(ann);
    });
  }
  return b.done(scored ? { scored: true } : {});
}

// ---- CVAT for images -------------------------------------------------------------------------

function cvatPoints(s, bad) {
  const out = [];
  for (const pair of s.split(';')) {
    const xy = pair.split(',').map((v) => Number(v.trim()));
    if (xy.length !== 2 || !xy.every(Number.isFinite)) throw bad(`points must be "x1,y1;x2,y2;...", got ${show(pair)}`);
    out.push(xy[0], xy[1]);
  }
  return out;
}

/**
 * "CVAT for images 1.1" XML (an export of a task or job) into COCO: <box> (xtl ytl xbr ybr) as a
 * box, <polygon> as a polygon (segmentation; area by the shoelace formula), <points> as keypoints
 * (each point visible, v = 2; the box is their extent). Categories: the export's <labels> in
 * order (else as first met). `files`: one {name, text} or a list; several files are read as one
 * set (images by name; the same image name twice is an error). Polylines, ellipses, masks, cuboids
 * and tags are skipped and counted in `skipped`.
 */
export function readCvatImages(files, { classes } = {}) {
  const fn = 'readCvatImages';
  const list = Array.isArray(files) ? files : [files];
  requireFiles(list, fn, 'files');
  const b = new CocoBuilder(classes);
  const seen = new Map();
  const skipped = {};
  for (const f of list) {
    const file = fileName(f);
    const doc = xmlRoot(f, fn, file, 'annotations', 'a CVAT for images export');
    const meta = child(doc, 'meta');
    const labelsEl =
      meta &&
      (child(child(meta, 'task') ?? meta, 'labels') ??
        child(child(meta, 'job') ?? meta, 'labels') ??
        child(child(meta, 'project') ?? meta, 'labels'));
    for (const l of labelsEl ? children(labelsEl, 'label') : []) {
      const n = child(l, 'name')?.text.trim();
      if (n) b.category(n);
    }
    for (const img of children(doc, 'image')) {
      const where0 = `<image> line ${img.line}`;
      const name = img.attrs.name;
      if (!name)
        throw formatError(fn, file, where0, 'the name attribute is missing', { line: img.line, field: 'name' });
      if (seen.has(name))
        throw formatError(fn, file, where0, `image ${show(name)} is given twice (also ${seen.get(name)})`, {
          line: img.line,
          field: 'name',
        });
      seen.set(name, `${file} line ${img.line}`);
      const [width, height] = ['width', 'height'].map((k) => {
        const v = Number(img.attrs[k]);
        if (img.attrs[k] === undefined || !Number.isFinite(v) || v <= 0)
          throw formatError(
            fn,
            file,
            `image ${show(name)} (line ${img.line})`,
            `${k} must be a positive number, got ${show(img.attrs[k])}`,
            { line: img.line, field: k },
          );
        return v;
      });
      const imageId = b.image(name, width, height);
      for (const shape of img.children) {
        const where = `image ${show(name)}, <${shape.name}> line ${shape.line}`;
        const bad = (msg, field) => formatError(fn, file, where, msg, { line: shape.line, field });
        if (!['box', 'polygon', 'points'].includes(shape.name)) {
          skipped[shape.name] = (skipped[shape.name] ?? 0) + 1;
          continue;
        }
        const label = shape.attrs.label;
        if (!label) throw bad('the label attribute is missing', 'label');
        if (labelsEl && !b.categories.has(label))
          throw bad(`label ${show(label)} is not among the export's labels`, 'label');
        const ann = { image_id: imageId, category_id: b.category(label) };
        if (shape.attrs.occluded === '1') ann.occluded = 1;
        if (shape.name === 'box') {
          const [x0, y0, x1, y1] = ['xtl', 'ytl', 'xbr', 'ybr'].map((k) => {
            const v = Number(shape.attrs[k]);
            if (shape.attrs[k] === undefined || !Number.isFinite(v))
              throw bad(`${k} must be a number, got ${show(shape.attrs[k])}`, k);
            return v;
          });
          if (x1 < x0 || y1 < y0) throw bad(`xbr < xtl or ybr < ytl: ${x0}, ${y0}, ${x1}, ${y1}`, 'xbr');
          const bbox = [x0, y0, x1 - x0, y1 - y0];
          b.add({ ...ann, bbox, area: bbox[2] * bbox[3] });
        } else {
          if (shape.attrs.points === undefined) throw bad('the points attribute is missing', 'points');
          const flat = cvatPoints(shape.attrs.points, (msg) => bad(msg, 'points'));
          if (shape.name === 'polygon') {
            if (flat.length < 6) throw bad(`a polygon needs at least 3 points, got ${flat.length / 2}`, 'points');
            b.add(polygonAnnotation(flat, ann));
          } else {
            const xs = flat.filter((_, i) => i % 2 === 0);
            const ys = flat.filter((_, i) => i % 2 === 1);
            const bbox = boxOf(xs, ys);
            const keypoints = [];
            for (let i = 0; i < flat.length; i += 2) keypoints.push(flat[i], flat[i + 1], 2);
            b.add({ ...ann, keypoints, num_keypoints: flat.length / 2, bbox, area: bbox[2] * bbox[3] });
          }
        }
      }
    }
  }
  return b.done(Object.keys(skipped).length ? { skipped } : {});
}

// ---- results ---------------------------------------------------------------------------------

/**
 * A COCO object's annotations as a results list ({image_id, category_id, bbox, score, and the
 * segmentation / keypoints when present}), as a detector's results file holds them: the
 * candidate side of a comparison. An annotation without a score gets `score` (default 1): equal
 * scores keep the file's order, as COCOeval's stable sort does.
 */
export function cocoResults(coco, { score = 1 } = {}) {
  if (!coco || !Array.isArray(coco.annotations))
    throw new TypeError('cocoResults: expected a COCO object with an annotations array');
  return coco.annotations.map((a) => {
    const r = {
      image_id: a.image_id,
      category_id: a.category_id,
      score: typeof a.score === 'number' ? a.score : score,
    };
    for (const k of ['bbox', 'segmentation', 'keypoints']) if (a[k] !== undefined) r[k] = a[k];
    return r;
  });
}
