// TIDE (Bolya et al., "TIDE: A General Toolbox for Identifying Object Detection Errors", ECCV 2020):
// every false positive and missed ground truth gets one error type, and each type's effect on AP is
// the AP gained by fixing only the errors of that type. The rules are the tidecv package's
// (TIDEExample / TIDERun / fix_errors), written from its published algorithm:
// - matching per image, detections in score order (the first maxDetections): each takes the
//   unused same-class ground truth of highest IoU if that IoU >= iouThreshold; a detection left
//   unmatched whose crowd-IoU with a crowd region of its class is > iouThreshold is ignored;
// - an unmatched (or ignored) detection is, tested in this order: bkg if the image has no
//   (non-crowd) ground truth; loc if its best same-class IoU is in [bg, fg]; cls if its best
//   other-class IoU is >= fg; dupe if its best IoU with an already matched same-class ground truth
//   is >= fg; bkg if its best IoU with any ground truth is <= bg; both otherwise;
// - an unmatched ground truth is missed unless a cls or loc error points at it (then fixing that
//   error claims it: the highest-scored such detection becomes a true positive);
// - fixing cls/loc turns the best such detection into a true positive (the others are removed);
//   fixing dupe/bkg/both removes the detection; fixing miss removes the ground truth;
// - AP per class: 101-point interpolated, as COCO; mAP the mean over classes with detections or
//   ground truth. tidecv prints AP and dAP in percent; here they are fractions.
import { iouMatrix, numberOption, optionsObject, readDetectionImages } from './detection-objects.mjs';

const FN = 'tideErrors';
export const TIDE_ERROR_TYPES = ['cls', 'loc', 'both', 'dupe', 'bkg', 'miss'];

// Per-class AP data: TIDE's ClassedAPDataObject (insertion order kept, as its dicts do).
class ApData {
  constructor() {
    this.objs = new Map();
  }

  obj(cls) {
    let o = this.objs.get(cls);
    if (!o) {
      o = { points: new Map(), numGt: 0 };
      this.objs.set(cls, o);
    }
    return o;
  }

  push(cls, id, score, tp) {
    this.obj(cls).points.set(id, { score, tp });
  }

  mAP() {
    const aps = [...this.objs.values()].filter((o) => o.points.size > 0 || o.numGt !== 0).map(classAp);
    return aps.length === 0 ? NaN : aps.reduce((s, a) => s + a, 0) / aps.length;
  }
}

// APDataObject.get_ap: precision made non-increasing, sampled at recall 0, 0.01, ..., 1 (the first
// point whose recall reaches each), 0 past the last point.
function classAp(o) {
  if (o.numGt === 0) return 0;
  const points = [...o.points.values()].sort((a, b) => b.score - a.score);
  const precisions = [];
  const recalls = [];
  let tp = 0;
  let fp = 0;
  for (const p of points) {
    if (p.tp) tp++;
    else fp++;
    precisions.push(tp / (tp + fp));
    recalls.push(tp / o.numGt);
  }
  for (let i = precisions.length - 1; i > 0; i--)
    if (precisions[i] > precisions[i - 1]) precisions[i - 1] = precisions[i];
  let sum = 0;
  let at = 0;
  for (let k = 0; k <= 100; k++) {
    const x = k / 100;
    while (at < recalls.length && recalls[at] < x) at++;
    if (at < precisions.length) sum += precisions[at];
  }
  return sum / 101;
}

// np.argmax over g < n of value(g): the first index of the largest value.
function argmax(n, value) {
  let best = 0;
  let bestValue = n > 0 ? value(0) : 0;
  for (let g = 1; g < n; g++) {
    const v = value(g);
    if (v > bestValue) {
      best = g;
      bestValue = v;
    }
  }
  return [best, bestValue];
}

// TIDERun._eval_image's tests for an unmatched detection p, in its order: {type, gt}.
function classify(p, kept, gts, iou, fg, bg) {
  const n = gts.length;
  if (n === 0) return { type: 'bkg', gt: null };
  const same = (k) => kept[p].label === gts[k].label;
  let [g, v] = argmax(n, (k) => (same(k) ? iou[p][k] : 0));
  if (bg <= v && v <= fg) return { type: 'loc', gt: gts[g] };
  [g, v] = argmax(n, (k) => (same(k) ? 0 : iou[p][k]));
  if (v >= fg) return { type: 'cls', gt: gts[g] };
  [g, v] = argmax(n, (k) => (same(k) && gts[k].used ? iou[p][k] : 0));
  if (v >= fg) return { type: 'dupe', gt: gts[g] };
  [, v] = argmax(n, (k) => iou[p][k]);
  return { type: v <= bg ? 'bkg' : 'both', gt: null };
}

// One image: matching, ignore regions, then an error type for every detection not matched.
function evaluateImage(image, ctx, out) {
  const { fg, bg, maxDets, ap, errors, falseNegatives } = ctx;
  const gts = [];
  const crowds = [];
  image.gts.forEach((g, k) => {
    const entry = {
      ...g,
      index: k,
      id: ctx.nextGtId++,
      used: false,
      usable: false,
      bestScore: -1,
      bestId: -1,
      matchedWith: -1,
    };
    (g.crowd ? crowds : gts).push(entry);
    out.target[k] = { type: g.crowd ? 'ignored' : 'miss', pred: -1 };
  });
  for (const g of gts) ap.obj(g.label).numGt += 1;
  const dets = image.dets.map((d, k) => ({ ...d, index: k, id: ctx.nextDetId++ }));
  for (const d of dets) out.preds[d.index] = { type: 'dropped', ignored: false, gt: -1, iou: 0 };
  const missRest = () => {
    for (const g of gts) {
      if (g.used) continue;
      ap.obj(g.label);
      falseNegatives.set(g.label, (falseNegatives.get(g.label) ?? 0) + 1);
      if (!g.usable) errors.push({ type: 'miss', gt: g });
      else out.target[g.index].type = 'fixable';
    }
  };
  if (dets.length === 0) return missRest();

  const kept = dets
    .slice()
    .sort((a, b) => b.score - a.score)
    .slice(0, maxDets);
  const iou = iouMatrix(kept, gts, false, ctx.iouType);
  const sameClass = (p, g) => kept[p].label === gts[g].label;
  const buffer = iou.map((row, p) => row.map((v, g) => (sameClass(p, g) ? v : 0)));
  kept.forEach((d, p) => {
    d.used = false;
    d.iou = gts.length ? argmax(gts.length, (g) => (sameClass(p, g) ? iou[p][g] : 0))[1] : 0;
    if (gts.length === 0) return;
    const [g, v] = argmax(gts.length, (k) => buffer[p][k]);
    if (v >= fg) {
      d.used = true;
      d.matched = g;
      gts[g].used = true;
      gts[g].matchedWith = p;
      for (const row of buffer) row[g] = 0;
    }
  });
  const crowdIou = iouMatrix(kept, crowds, true, ctx.iouType);
  crowds.forEach((region, r) => {
    kept.forEach((d, p) => {
      if (!d.used && crowdIou[p][r] > fg && region.label === d.label) d.used = null;
    });
  });

  kept.forEach((d, p) => {
    const record = out.preds[d.index];
    record.iou = d.iou;
    record.ignored = d.used === null;
    if (d.used !== null) ap.push(d.label, d.id, d.score, d.used);
    if (d.used === true) {
      record.type = 'tp';
      record.gt = gts[d.matched].index;
      out.target[gts[d.matched].index] = { type: 'tp', pred: d.index };
      return;
    }
    const error = { pred: d, ...classify(p, kept, gts, iou, fg, bg) };
    if (error.gt !== null) record.gt = error.gt.index;
    // BestGTMatch: a cls/loc error on a free ground truth can claim it; the highest score wins.
    if ((error.type === 'loc' || error.type === 'cls') && !error.gt.used) {
      error.gt.usable = true;
      if (error.gt.bestScore < d.score) {
        error.gt.bestScore = d.score;
        error.gt.bestId = d.id;
      }
    }
    record.type = error.type;
    errors.push(error);
  });
  missRest();
}

// The AP data point an error stands for now (original) and once fixed: [class, point] or null;
// a fixed miss is [class, -1] (one ground truth fewer).
function original(error) {
  if (!error.pred || error.pred.used === null) return null;
  return [error.pred.label, { score: error.pred.score, tp: false }];
}

function fixed(error) {
  if (error.type === 'miss') return [error.gt.label, -1];
  if (error.type !== 'cls' && error.type !== 'loc') return null;
  const g = error.gt;
  if (g.used || g.bestId !== error.pred.id) return null;
  return [error.type === 'cls' ? g.label : error.pred.label, { score: error.pred.score, tp: true }];
}

// TIDERun.fix_errors: the AP data with the errors `condition` selects fixed.
function fixErrors(ap, errors, { condition = () => false, transform = null, falseNegatives = null } = {}) {
  const gtPos = new Map([...ap.objs].map(([k, o]) => [k, o.numGt]));
  const out = new ApData();
  for (const e of errors) {
    let point = condition(e) ? e.fixed : e.original;
    if (point !== null && point[1] === -1) {
      gtPos.set(point[0], gtPos.get(point[0]) - 1);
      point = null;
    }
    if (point === null) continue;
    const p = transform ? transform(point[1]) : point[1];
    out.push(point[0], e.pred.id, p.score, p.tp);
  }
  for (const k of gtPos.keys()) {
    for (const [id, p] of ap.objs.get(k).points) {
      if (!p.tp) continue;
      const q = transform ? transform(p) : p;
      out.push(k, id, q.score, q.tp);
    }
  }
  for (const [k, v] of gtPos) out.obj(k).numGt += v - (falseNegatives?.get(k) ?? 0);
  return out;
}

/**
 * TIDE's error breakdown of detections against ground truth (per-image lists as
 * MeanAveragePrecision.update takes them). See /docs/ANNOTATION_QA.md and src/tide.d.ts.
 */
export function tideErrors(preds, target, options) {
  const opts = optionsObject(FN, options);
  const fg = numberOption(FN, opts, 'iouThreshold', 0.5);
  const bg = numberOption(FN, opts, 'backgroundThreshold', 0.1);
  const maxDets = numberOption(FN, opts, 'maxDetections', 100, { integer: true });
  const iouType = opts.iouType ?? 'bbox';
  const images = readDetectionImages(FN, preds, target, opts.boxFormat ?? 'xyxy', iouType);
  const ctx = {
    iouType,
    fg,
    bg,
    maxDets,
    ap: new ApData(),
    errors: [],
    falseNegatives: new Map(),
    nextGtId: 0,
    nextDetId: 0,
  };
  const perImage = images.map((image) => {
    const out = { preds: new Array(image.dets.length), target: new Array(image.gts.length) };
    evaluateImage(image, ctx, out);
    return out;
  });
  const { ap, errors } = ctx;
  for (const e of errors) {
    e.original = original(e);
    e.fixed = fixed(e);
  }
  const base = ap.mAP();
  const counts = {};
  const dAP = {};
  for (const type of TIDE_ERROR_TYPES) {
    counts[type] = errors.filter((e) => e.type === type).length;
    dAP[type] = Math.max(fixErrors(ap, errors, { condition: (e) => e.type === type }).mAP() - base, 0);
  }
  const perfectPrecision = (p) => (p.tp ? { score: 1, tp: true } : { score: 0, tp: false });
  return {
    ap: base,
    counts,
    dAP,
    dAPSpecial: {
      falsePositive: fixErrors(ap, errors, { transform: perfectPrecision }).mAP() - base,
      falseNegative: fixErrors(ap, errors, { falseNegatives: ctx.falseNegatives }).mAP() - base,
    },
    preds: perImage.map((o) => o.preds),
    target: perImage.map((o) => o.target),
  };
}
