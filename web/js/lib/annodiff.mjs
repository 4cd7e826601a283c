// The Annotation diff mode's reading and object outcomes (web/js/modes/annodiff.mjs), importable in
// the page, the worker and Node. Each function stands alone (no imports, no shared closures): the
// mode's "Copy as code" script includes their source as is, so it reads and counts exactly as
// the page does.

/**
 * One side (reference or candidate) from the files picked for it, read by the npm package: a COCO
 * JSON file (annotations, or a results list), Pascal VOC or CVAT for images XML, or a YOLO folder
 * (label .txt files with classes.txt / obj.names / data.yaml; sizes from `images` or `imageSize`).
 * Returns {format, coco} or {format, results}.
 */
export function readAnnotationSide(list, wasmetrics, { what, images = [], imageSize } = {}) {
  const files = [list].flat().filter(Boolean);
  const named = (f) => f.relativePath ?? f.name;
  const ext = (f) => named(f).toLowerCase().split('.').pop();
  const json = files.filter((f) => ext(f) === 'json');
  const xml = files.filter((f) => ext(f) === 'xml');
  const txt = files.filter((f) => ['txt', 'names', 'yaml', 'yml'].includes(ext(f)));
  const kinds = [json, xml, txt].filter((x) => x.length).length;
  if (kinds > 1)
    throw new Error(
      `${what}: one format at a time (COCO .json, VOC/CVAT .xml or a YOLO .txt folder); got ${files.map(named).slice(0, 5).join(', ')}`,
    );
  if (json.length) {
    if (json.length > 1)
      throw new Error(`${what}: one COCO JSON file, got ${json.length}: ${json.map(named).slice(0, 5).join(', ')}`);
    let v;
    try {
      v = JSON.parse(json[0].text);
    } catch (e) {
      throw new Error(`${what}: ${named(json[0])} is not JSON (${e.message})`);
    }
    if (Array.isArray(v)) return { format: 'COCO results', results: v };
    if (!v || !Array.isArray(v.images) || !Array.isArray(v.annotations) || !Array.isArray(v.categories)) {
      throw new Error(
        `${what}: ${named(json[0])} is neither COCO annotations ({images, annotations, categories}) nor a results list`,
      );
    }
    return { format: 'COCO', coco: v };
  }
  const wrap = (fn) => {
    try {
      return fn();
    } catch (e) {
      throw new Error(`${what}: ${e.message}`);
    }
  };
  if (xml.length) {
    const cvat = xml.filter((f) => /<annotations[\s>]/.test(f.text.slice(0, 4096)));
    if (cvat.length === xml.length)
      return { format: 'CVAT for images', coco: wrap(() => wasmetrics.readCvatImages(xml)) };
    if (cvat.length === 0) return { format: 'Pascal VOC', coco: wrap(() => wasmetrics.readPascalVoc(xml)) };
    throw new Error(
      `${what}: CVAT exports and Pascal VOC files mixed: ${cvat.map(named).slice(0, 3).join(', ')} are CVAT`,
    );
  }
  if (txt.length) {
    const isClasses = (f) => /^(classes|obj)\.(txt|names)$|\.ya?ml$/i.test(named(f).split('/').pop());
    const classFile = txt.find(isClasses);
    if (!classFile)
      throw new Error(
        `${what}: ${txt.map(named).slice(0, 3).join(', ')}${txt.length > 3 ? ', ...' : ''}: a YOLO folder needs its classes file (classes.txt, obj.names or data.yaml) beside the label files`,
      );
    const labels = txt.filter((f) => !isClasses(f) && ext(f) === 'txt');
    const sized = images.length ? { images } : imageSize ? { imageSize } : {};
    return { format: 'YOLO', coco: wrap(() => wasmetrics.readYolo(labels, { classes: classFile.text, ...sized })) };
  }
  throw new Error(
    `${what}: ${files.map(named).slice(0, 3).join(', ') || 'no file'}: not an annotation file (COCO .json, Pascal VOC or CVAT .xml, YOLO .txt with classes.txt)`,
  );
}

/**
 * The reference as a COCO ground truth and the candidate as a COCO results list over the same
 * images and categories: candidate images are matched to the reference's by file name without
 * extension, categories by name (ones the reference lacks are added: their objects are all false
 * positives); a results list keeps its image and category ids. A missing score is 1, a missing
 * area the box's, a missing iscrowd 0. Returns {gt, dt, added: {images, categories}}.
 */
export function alignPair(ref, cand) {
  if (!ref.coco)
    throw new Error('reference: a results list cannot be the reference (give annotations: COCO, VOC, CVAT or YOLO)');
  const stemOf = (n) =>
    String(n)
      .split('/')
      .pop()
      .replace(/\.[^.]*$/, '');
  const g = ref.coco;
  const images = g.images.map((im) => ({
    id: im.id,
    file_name: im.file_name ?? String(im.id),
    width: im.width,
    height: im.height,
  }));
  const categories = g.categories.map((c) => ({ ...c, name: c.name ?? String(c.id) }));
  const withDefaults = (a) => ({
    ...a,
    iscrowd: a.iscrowd ?? 0,
    area: a.area ?? (Array.isArray(a.bbox) ? a.bbox[2] * a.bbox[3] : a.area),
  });
  const gt = { images, categories, annotations: g.annotations.map(withDefaults) };
  const added = { images: 0, categories: 0 };
  const objectOf = (a, imageId, categoryId) => {
    const r = { image_id: imageId, category_id: categoryId, score: typeof a.score === 'number' ? a.score : 1 };
    for (const k of ['bbox', 'segmentation', 'keypoints']) if (a[k] !== undefined) r[k] = a[k];
    return r;
  };
  if (cand.results) return { gt, dt: cand.results.map((a) => objectOf(a, a.image_id, a.category_id)), added };
  const byStem = new Map(images.map((im) => [stemOf(im.file_name), im.id]));
  let nextImage = Math.max(0, ...images.map((im) => im.id)) + 1;
  const imageMap = new Map();
  for (const im of cand.coco.images) {
    let id = byStem.get(stemOf(im.file_name ?? im.id));
    if (id === undefined) {
      id = nextImage++;
      images.push({ id, file_name: im.file_name ?? String(im.id), width: im.width, height: im.height });
      added.images++;
    }
    imageMap.set(im.id, id);
  }
  const byName = new Map(categories.map((c) => [c.name, c.id]));
  let nextCategory = Math.max(0, ...categories.map((c) => c.id)) + 1;
  const categoryMap = new Map();
  for (const c of cand.coco.categories) {
    let id = byName.get(c.name ?? String(c.id));
    if (id === undefined) {
      id = nextCategory++;
      categories.push({ id, name: c.name ?? String(c.id) });
      byName.set(c.name ?? String(c.id), id);
      added.categories++;
    }
    categoryMap.set(c.id, id);
  }
  const dt = cand.coco.annotations.map((a, j) => {
    if (!imageMap.has(a.image_id))
      throw new Error(`candidate: annotations[${j}].image_id ${a.image_id} is not in its images`);
    if (!categoryMap.has(a.category_id))
      throw new Error(`candidate: annotations[${j}].category_id ${a.category_id} is not in its categories`);
    return objectOf(a, imageMap.get(a.image_id), categoryMap.get(a.category_id));
  });
  return { gt, dt, added };
}

/**
 * The package's COCOMatches (pycocotools evaluateImg: per image and category, IoU/OKS 0.5 and
 * 0.75, area all, 100 detections) on the pair, as plain values. `compare` is its iou_type; for
 * keypoints only the categories that declare keypoints are compared (sigmas: COCO's 17, else 0.1
 * each). Returns {gt, dt, entries} (gt/dt restricted as compared).
 */
export function cocoMatches(wasmetrics, gt, dt, compare) {
  let [g, d, options] = [gt, dt, { iouType: compare }];
  if (compare === 'keypoints') {
    const kp = g.categories.filter((c) => Array.isArray(c.keypoints) && c.keypoints.length);
    if (!kp.length) throw new Error('compare keypoints: no reference category declares keypoints');
    const ids = new Set(kp.map((c) => c.id));
    const n = kp[0].keypoints.length;
    g = { ...g, categories: kp, annotations: g.annotations.filter((a) => ids.has(a.category_id)) };
    d = d.filter((a) => ids.has(a.category_id));
    if (n !== 17) options = { ...options, kptOksSigmas: Array(n).fill(0.1) };
  }
  // only the fields the comparison reads go to the package (a 50,000-object file parses much faster)
  const keep =
    { bbox: ['bbox'], segm: ['bbox', 'segmentation'], keypoints: ['bbox', 'keypoints', 'num_keypoints'] }[compare] ??
    [];
  const slim = (a, fields) => {
    const o = {};
    for (const k of fields) if (a[k] !== undefined) o[k] = a[k];
    for (const k of keep) if (a[k] !== undefined) o[k] = a[k];
    return o;
  };
  const gtText = JSON.stringify({
    ...g,
    annotations: g.annotations.map((a) => slim(a, ['id', 'image_id', 'category_id', 'iscrowd', 'area'])),
  });
  const dtText = JSON.stringify(d.map((a) => slim(a, ['image_id', 'category_id', 'score'])));
  const m = wasmetrics.createMetric('COCOMatches', options);
  try {
    m.update(gtText, dtText);
    const list = m.compute();
    const flat = (t) => (typeof t === 'number' ? [t] : Array.from(t.data));
    const rows = (t) => {
      const v = flat(t);
      const n = v.length / 2;
      return [v.slice(0, n), v.slice(n)];
    };
    const entries = list.map((e) => ({
      imageId: flat(e.image_id)[0],
      categoryId: flat(e.category_id)[0],
      dtIds: flat(e.dt_ids),
      gtIds: flat(e.gt_ids),
      gtIgnore: flat(e.gt_ignore),
      dtMatches: rows(e.dt_matches),
      gtMatches: rows(e.gt_matches),
      dtIgnore: rows(e.dt_ignore),
    }));
    return { gt: g, dt: d, options, entries };
  } finally {
    m.dispose();
  }
}

/** Box IoU of two [x, y, w, h]. */
export function boxIou(a, b) {
  const iw = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/**
 * pycocotools' COCOeval.computeOks for one candidate and one reference object (COCO keypoint
 * lists [x, y, v, ...], the reference's bbox and area, one sigma per keypoint). Written here
 * because the package exposes OKS only inside its matching (COCOMatches / COCOKeypoints give the
 * matches, not the similarity) and adding a function to it needs an engine export; the test
 * (tests/js/web-annodiff.test.mjs) checks it by redoing COCOMatches' keypoint matching with it.
 * Same arithmetic as computeOks: a reference without labelled keypoints is compared through its
 * box enlarged to 3x; the mean is numpy's pairwise sum (8 running sums from 8 terms on) over the
 * count, so a value on a threshold falls on the same side as in COCOeval.
 */
export function keypointOks(dt, gt, gtBox, gtArea, sigmas) {
  const k = sigmas.length;
  let labelled = 0;
  for (let j = 0; j < k; j++) if (gt[3 * j + 2] > 0) labelled++;
  const [x0, x1] = [gtBox[0] - gtBox[2], gtBox[0] + gtBox[2] * 2];
  const [y0, y1] = [gtBox[1] - gtBox[3], gtBox[1] + gtBox[3] * 2];
  const eps = 2.220446049250313e-16; // np.spacing(1)
  const terms = [];
  for (let j = 0; j < k; j++) {
    let dx;
    let dy;
    if (labelled > 0) {
      if (!(gt[3 * j + 2] > 0)) continue;
      dx = dt[3 * j] - gt[3 * j];
      dy = dt[3 * j + 1] - gt[3 * j + 1];
    } else {
      const [xd, yd] = [dt[3 * j], dt[3 * j + 1]];
      dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
      dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
    }
    const v = sigmas[j] * 2 * (sigmas[j] * 2);
    terms.push(Math.exp(-((dx * dx + dy * dy) / v / (gtArea + eps) / 2)));
  }
  const n = terms.length;
  let sum = 0;
  if (n < 8) for (const t of terms) sum += t;
  else {
    const r = terms.slice(0, 8);
    let i = 8;
    for (; i + 8 <= n; i += 8) for (let j = 0; j < 8; j++) r[j] += terms[i + j];
    sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) sum += terms[i];
  }
  return sum / n;
}

/**
 * The similarity shown per object pair, the one the matching used: box IoU (bbox), the package's
 * mask IoU (segm: rleIou over rleFrPoly's masks, as COCOeval rasterises polygons; a crowd region's
 * own rule is not needed, crowds being ignored objects) or OKS (keypoints, the matching's sigmas).
 * Returns (refs, cands, image) => [cands.length][refs.length] (null where a side lacks geometry)
 * for one image's COCO annotations.
 */
export function pairSimilarity(wasmetrics, compare, options = {}) {
  if (compare === 'segm') {
    const maskOf = (a, im) => {
      const s = a.segmentation;
      if (Array.isArray(s)) return s.length ? wasmetrics.rleFrPoly(s, im.height, im.width) : null;
      return s && s.counts !== undefined ? s : null;
    };
    return (refs, cands, im) => {
      const [rm, cm] = [refs.map((a) => maskOf(a, im)), cands.map((a) => maskOf(a, im))];
      const [ri, ci] = [rm.flatMap((m, k) => (m ? [k] : [])), cm.flatMap((m, k) => (m ? [k] : []))];
      const out = cands.map(() => refs.map(() => null));
      if (!ri.length || !ci.length) return out;
      const m = wasmetrics.rleIou(
        ci.map((k) => cm[k]),
        ri.map((k) => rm[k]),
      );
      ci.forEach((c, a) => ri.forEach((r, b) => (out[c][r] = m[a][b])));
      return out;
    };
  }
  if (compare === 'keypoints') {
    // COCO's 17 person sigmas as COCOeval writes them (np.array([.26, ...]) / 10.0)
    const sigmas =
      options.kptOksSigmas ??
      [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map(
        (x) => x / 10.0,
      );
    return (refs, cands) =>
      cands.map((c) =>
        refs.map((r) =>
          Array.isArray(c.keypoints) && Array.isArray(r.keypoints) && r.bbox
            ? keypointOks(c.keypoints, r.keypoints, r.bbox, r.area ?? r.bbox[2] * r.bbox[3], sigmas)
            : null,
        ),
      );
  }
  return (refs, cands) => cands.map((c) => refs.map((r) => (r.bbox && c.bbox ? boxIou(r.bbox, c.bbox) : null)));
}

/**
 * Every object's outcome at the IoU threshold `iou` ('0.5' or '0.75': COCOMatches' row) from the
 * package's matching: reference objects matched / missed / ignored (crowd), candidate objects
 * matched / false positive / ignored / unevaluated (beyond the 100 best of its image and class).
 * On top, the page's own reading of the leftovers: a false positive overlapping a missed
 * object of another class at >= iou is a wrong class (both objects); other false positives are a
 * duplicate (same class, overlapping an object already matched), poor localisation (same class,
 * similarity 0.1 to iou) or background. `similarity` is pairSimilarity's (box IoU by default):
 * each object's `iou` is its box IoU, mask IoU or OKS with its partner.
 * Returns {images: [{id, ..., ref: [...], cand: [...]}]}.
 */
export function diffObjects(gt, dt, entries, iou, similarity) {
  const row = String(iou) === '0.75' ? 1 : 0;
  const thr = Number(iou);
  const images = new Map(gt.images.map((im) => [im.id, { ...im, ref: [], cand: [] }]));
  const refById = new Map();
  const source = new Map(); // object -> its COCO annotation
  for (const a of gt.annotations) {
    const o = {
      id: a.id,
      categoryId: a.category_id,
      bbox: a.bbox,
      outcome: 'unevaluated',
      kind: '',
      iou: null,
      partner: null,
    };
    if (a.segmentation && Array.isArray(a.segmentation)) o.polygons = a.segmentation;
    if (a.keypoints) o.keypoints = a.keypoints;
    const im = images.get(a.image_id);
    if (im) [o.at, o.image] = [im.ref.push(o) - 1, im];
    source.set(o, a);
    refById.set(a.id, o);
  }
  const cand = dt.map((a, j) => {
    const o = {
      id: j + 1,
      categoryId: a.category_id,
      bbox: a.bbox,
      score: a.score,
      outcome: 'unevaluated',
      kind: '',
      iou: null,
      partner: null,
    };
    if (Array.isArray(a.segmentation)) o.polygons = a.segmentation;
    if (a.keypoints) o.keypoints = a.keypoints;
    const im = images.get(a.image_id);
    if (im) [o.at, o.image] = [im.cand.push(o) - 1, im];
    source.set(o, a);
    return o;
  });
  // one image's [cand][ref] similarities, computed when first needed (mask IoU runs in the engine)
  const sim =
    similarity ??
    ((refs, cands) => cands.map((c) => refs.map((r) => (r.bbox && c.bbox ? boxIou(r.bbox, c.bbox) : null))));
  const matrices = new Map();
  const iouOf = (r, c) => {
    if (!r.image || r.image !== c.image) return null;
    let m = matrices.get(r.image);
    if (!m) {
      const src = (list) => list.map((o) => source.get(o));
      m = sim(src(r.image.ref), src(r.image.cand), r.image);
      matrices.set(r.image, m);
    }
    return m[c.at][r.at];
  };
  for (const e of entries) {
    e.gtIds.forEach((id, k) => {
      const o = refById.get(id);
      if (!o) return;
      if (e.gtIgnore[k]) o.outcome = 'ignored';
      else if (e.gtMatches[row][k]) [o.outcome, o.partner] = ['matched', e.gtMatches[row][k]];
      else [o.outcome, o.kind] = ['missed', 'missed'];
    });
    e.dtIds.forEach((id, k) => {
      const o = cand[id - 1];
      if (e.dtIgnore[row][k]) o.outcome = 'ignored';
      else if (e.dtMatches[row][k]) {
        [o.outcome, o.partner] = ['matched', e.dtMatches[row][k]];
        o.iou = iouOf(refById.get(o.partner), o);
        refById.get(o.partner).iou = o.iou;
      } else [o.outcome, o.kind] = ['fp', 'background'];
    });
  }
  for (const im of images.values()) {
    const fps = im.cand.filter((c) => c.outcome === 'fp').sort((a, b) => b.score - a.score || a.id - b.id);
    for (const c of fps) {
      let best = null;
      let bestIou = thr;
      for (const r of im.ref) {
        if (r.outcome !== 'missed' || r.kind === 'wrong class' || r.categoryId === c.categoryId) continue;
        const v = iouOf(r, c);
        if (v !== null && v >= bestIou) [best, bestIou] = [r, v];
      }
      if (best) {
        [c.kind, c.partner, c.iou] = ['wrong class', best.id, bestIou];
        [best.kind, best.partner, best.iou] = ['wrong class', c.id, bestIou];
        continue;
      }
      let same = 0;
      let taken = false;
      for (const r of im.ref) {
        if (r.categoryId !== c.categoryId || r.outcome === 'ignored') continue;
        const v = iouOf(r, c) ?? 0;
        if (v > same) [same, taken] = [v, r.outcome === 'matched'];
      }
      c.iou = same;
      c.kind = same >= thr && taken ? 'duplicate' : same >= 0.1 ? 'localisation' : 'background';
    }
    matrices.delete(im);
    const problems = [...im.ref.filter((r) => r.outcome === 'missed'), ...im.cand.filter((c) => c.outcome === 'fp')];
    im.problems = problems.length;
  }
  for (const o of [...refById.values(), ...cand]) {
    delete o.at;
    delete o.image;
  }
  return { images: [...images.values()] };
}

/**
 * Per category and in all: reference and candidate objects, true positives (matched candidate
 * objects), false positives, missed (false negatives), wrong class (candidate objects of this
 * class over another class's object; missedAsWrongClass: this class's objects found as another),
 * the other false positives by kind, and precision, recall and F1
 * from the first three (NaN where undefined), from diffObjects' outcomes.
 */
export function classCounts(diff, categories) {
  const blank = () => ({
    ref: 0,
    cand: 0,
    tp: 0,
    fp: 0,
    fn: 0,
    wrongClass: 0,
    missedAsWrongClass: 0,
    duplicate: 0,
    localisation: 0,
    background: 0,
  });
  const per = new Map(categories.map((c) => [c.id, blank()]));
  const all = blank();
  const add = (id, key) => {
    if (!per.has(id)) per.set(id, blank());
    per.get(id)[key]++;
    all[key]++;
  };
  for (const im of diff.images) {
    for (const r of im.ref) {
      if (r.outcome === 'ignored') continue;
      add(r.categoryId, 'ref');
      if (r.outcome === 'missed') add(r.categoryId, 'fn');
      if (r.kind === 'wrong class') add(r.categoryId, 'missedAsWrongClass');
    }
    for (const c of im.cand) {
      add(c.categoryId, 'cand');
      if (c.outcome === 'matched') add(c.categoryId, 'tp');
      if (c.outcome === 'fp') {
        add(c.categoryId, 'fp');
        add(
          c.categoryId,
          {
            'wrong class': 'wrongClass',
            duplicate: 'duplicate',
            localisation: 'localisation',
            background: 'background',
          }[c.kind],
        );
      }
    }
  }
  const rates = (n) => {
    const precision = n.tp / (n.tp + n.fp);
    const recall = n.tp / (n.tp + n.fn);
    return { ...n, precision, recall, f1: (2 * n.tp) / (2 * n.tp + n.fp + n.fn) };
  };
  return { perClass: categories.map((c) => ({ id: c.id, name: c.name, ...rates(per.get(c.id)) })), all: rates(all) };
}

/** Outcome and error-kind codes of packDiff's columns. */
export const OUTCOMES = ['matched', 'missed', 'fp', 'ignored', 'unevaluated'];
export const KINDS = ['', 'missed', 'wrong class', 'duplicate', 'localisation', 'background'];

/**
 * diffObjects' images as the worker posts them: the images' fields and, per side, one column
 * (a plain number list) per object field, geometry left out — 100,000 objects cross to the page
 * as a few lists instead of 100,000 objects (which took seconds to copy on the page's thread).
 */
export function packDiff(diff) {
  const columns = () => ({
    image: [],
    id: [],
    cat: [],
    outcome: [],
    kind: [],
    iou: [],
    partner: [],
    score: [],
    x: [],
    y: [],
    w: [],
    h: [],
  });
  const [ref, cand] = [columns(), columns()];
  diff.images.forEach((im, i) => {
    for (const [col, list] of [
      [ref, im.ref],
      [cand, im.cand],
    ]) {
      for (const o of list) {
        col.image.push(i);
        col.id.push(o.id);
        col.cat.push(o.categoryId);
        col.outcome.push(OUTCOMES.indexOf(o.outcome));
        col.kind.push(KINDS.indexOf(o.kind));
        col.iou.push(o.iou ?? NaN);
        col.partner.push(o.partner ?? -1);
        col.score.push(o.score ?? NaN);
        const b = o.bbox ?? [NaN, NaN, NaN, NaN];
        col.x.push(b[0]);
        col.y.push(b[1]);
        col.w.push(b[2]);
        col.h.push(b[3]);
      }
    }
  });
  const images = diff.images.map(({ id, file_name: fileName, width, height, problems }) => ({
    id,
    file_name: fileName,
    width,
    height,
    problems,
  }));
  return { images, ref, cand };
}

/** packDiff's columns back into per-image {ref, cand} object lists (without geometry). */
export function unpackDiff(packed) {
  const images = packed.images.map((im) => ({ ...im, ref: [], cand: [] }));
  for (const side of ['ref', 'cand']) {
    const c = packed[side];
    for (let k = 0; k < c.id.length; k++) {
      const o = {
        id: c.id[k],
        categoryId: c.cat[k],
        outcome: OUTCOMES[c.outcome[k]],
        kind: KINDS[c.kind[k]],
        iou: Number.isNaN(c.iou[k]) || c.iou[k] === null ? null : c.iou[k],
        partner: c.partner[k] === -1 ? null : c.partner[k],
        bbox: Number.isNaN(c.x[k]) || c.x[k] === null ? null : [c.x[k], c.y[k], c.w[k], c.h[k]],
      };
      if (c.score[k] !== null && !Number.isNaN(c.score[k])) o.score = c.score[k];
      images[c.image[k]][side].push(o);
    }
  }
  return images;
}
