#include "wasmetrics/detection/coco_eval.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace wasmetrics::detection {

namespace {

// evaluateImg's result for one (image, category, area range) as accumulate() reads it; absent when
// the image has neither detections nor ground truth of that category (pycocotools' None).
struct EvalImg {
  std::int64_t D = 0, G = 0;
  std::vector<double> dt_scores;         // [D], score order
  std::vector<std::uint8_t> dt_matched;  // [T, D]
  std::vector<std::uint8_t> dt_ignore;   // [T, D]
  std::vector<std::uint8_t> gt_ignore;   // [G]
};

// _gts / _dts grouped by (image, category), annotation order kept: [I * K] lists of global indices.
struct Grouped {
  std::vector<std::vector<std::int64_t>> gts, dts;
};

Grouped group_by_image_category(const CocoData& data, const std::vector<std::int64_t>& cat_ids) {
  const std::int64_t I = data.num_images, K = static_cast<std::int64_t>(cat_ids.size());
  auto cat_index = [&](std::int64_t label) -> std::int64_t {
    auto it = std::lower_bound(cat_ids.begin(), cat_ids.end(), label);
    return (it != cat_ids.end() && *it == label) ? it - cat_ids.begin() : -1;
  };
  Grouped g;
  g.gts.resize(static_cast<std::size_t>(I * K));
  g.dts.resize(static_cast<std::size_t>(I * K));
  for (std::int64_t i = 0; i < I; ++i) {
    for (std::int64_t n = data.gt_offsets[i]; n < data.gt_offsets[i + 1]; ++n) {
      auto k = cat_index(data.gt_labels[n]);
      if (k >= 0) g.gts[static_cast<std::size_t>(i * K + k)].push_back(n);
    }
    for (std::int64_t d = data.det_offsets[i]; d < data.det_offsets[i + 1]; ++d) {
      auto k = cat_index(data.det_labels[d]);
      if (k >= 0) g.dts[static_cast<std::size_t>(i * K + k)].push_back(d);
    }
  }
  return g;
}

// computeIoU / computeOks for one (image, category): the detections by score, highest first
// (stable), cut to maxDet; ious [D, G] in the original gt order, empty when either side is (pycocotools' []).
struct PairIous {
  std::vector<std::int64_t> dt;
  std::vector<double> ious;
};

PairIous pair_ious(const CocoData& data, const std::vector<std::int64_t>& gt, std::vector<std::int64_t> dt,
                   std::int64_t max_det) {
  std::stable_sort(dt.begin(), dt.end(),
                   [&](std::int64_t a, std::int64_t b) { return -data.det_scores[a] < -data.det_scores[b]; });
  if (static_cast<std::int64_t>(dt.size()) > max_det) dt.resize(static_cast<std::size_t>(max_det));
  PairIous out;
  const std::int64_t D = static_cast<std::int64_t>(dt.size()), G = static_cast<std::int64_t>(gt.size());
  if (D > 0 && G > 0) {
    out.ious.resize(static_cast<std::size_t>(D * G));
    for (std::int64_t di = 0; di < D; ++di)
      for (std::int64_t gi = 0; gi < G; ++gi) {
        const auto d = dt[static_cast<std::size_t>(di)];
        const auto g = gt[static_cast<std::size_t>(gi)];
        const bool crowd = data.gt_crowd[g] != 0;
        out.ious[static_cast<std::size_t>(di * G + gi)] =
            data.iou_fn ? data.iou_fn(d, g, crowd) : coco_box_iou(&data.det_boxes[d * 4], &data.gt_boxes[g * 4], crowd);
      }
  }
  out.dt = std::move(dt);
  return out;
}

// evaluateImg's matching for one area range.
ImageMatch match_image(const CocoData& data, const std::vector<std::int64_t>& gt, const PairIous& pair,
                       const std::array<double, 2>& rng, const std::vector<double>& iou_thrs) {
  ImageMatch e;
  const std::int64_t T = static_cast<std::int64_t>(iou_thrs.size());
  const std::int64_t D = static_cast<std::int64_t>(pair.dt.size()), G = static_cast<std::int64_t>(gt.size());
  // gt ignore flags, then gt sorted with ignored ones last (stable).
  std::vector<std::uint8_t> g_ign(static_cast<std::size_t>(G));
  for (std::int64_t gi = 0; gi < G; ++gi) {
    const auto g = gt[static_cast<std::size_t>(gi)];
    const double area = data.gt_area[g];
    const bool ignored = data.gt_crowd[g] != 0 || (!data.gt_ignore.empty() && data.gt_ignore[g] != 0);
    g_ign[static_cast<std::size_t>(gi)] = (ignored || area < rng[0] || area > rng[1]) ? 1 : 0;
  }
  std::vector<std::int64_t> gtind(static_cast<std::size_t>(G));
  std::iota(gtind.begin(), gtind.end(), 0);
  std::stable_sort(gtind.begin(), gtind.end(), [&](std::int64_t x, std::int64_t y) {
    return g_ign[static_cast<std::size_t>(x)] < g_ign[static_cast<std::size_t>(y)];
  });
  e.dt = pair.dt;
  e.gt.resize(static_cast<std::size_t>(G));
  e.gt_ignore.resize(static_cast<std::size_t>(G));
  std::vector<std::uint8_t> crowd(static_cast<std::size_t>(G));
  for (std::int64_t gi = 0; gi < G; ++gi) {
    const auto src = gtind[static_cast<std::size_t>(gi)];
    e.gt[static_cast<std::size_t>(gi)] = gt[static_cast<std::size_t>(src)];
    e.gt_ignore[static_cast<std::size_t>(gi)] = g_ign[static_cast<std::size_t>(src)];
    crowd[static_cast<std::size_t>(gi)] = data.gt_crowd[gt[static_cast<std::size_t>(src)]] != 0;
  }
  e.dt_match.assign(static_cast<std::size_t>(T * D), -1);
  e.gt_match.assign(static_cast<std::size_t>(T * G), -1);
  e.dt_ignore.assign(static_cast<std::size_t>(T * D), 0);
  if (!pair.ious.empty()) {
    for (std::int64_t t = 0; t < T; ++t) {
      for (std::int64_t di = 0; di < D; ++di) {
        double iou = std::min(iou_thrs[static_cast<std::size_t>(t)], 1 - 1e-10);
        std::int64_t m = -1;
        for (std::int64_t gi = 0; gi < G; ++gi) {
          // a matched gt takes no other detection, unless it is a crowd
          if (e.gt_match[static_cast<std::size_t>(t * G + gi)] >= 0 && !crowd[static_cast<std::size_t>(gi)]) continue;
          // matched to a regular gt already: the ignored ones (last) cannot replace it
          if (m > -1 && e.gt_ignore[static_cast<std::size_t>(m)] == 0 && e.gt_ignore[static_cast<std::size_t>(gi)] == 1)
            break;
          const double v = pair.ious[static_cast<std::size_t>(di * G + gtind[static_cast<std::size_t>(gi)])];
          if (v < iou) continue;
          iou = v;
          m = gi;
        }
        if (m == -1) continue;
        e.dt_ignore[static_cast<std::size_t>(t * D + di)] = e.gt_ignore[static_cast<std::size_t>(m)];
        e.dt_match[static_cast<std::size_t>(t * D + di)] = m;
        e.gt_match[static_cast<std::size_t>(t * G + m)] = di;
      }
    }
  }
  // Unmatched detections outside the area range are ignored.
  for (std::int64_t di = 0; di < D; ++di) {
    const double area = data.det_area[pair.dt[static_cast<std::size_t>(di)]];
    if (!(area < rng[0] || area > rng[1])) continue;
    for (std::int64_t t = 0; t < T; ++t)
      if (e.dt_match[static_cast<std::size_t>(t * D + di)] < 0) e.dt_ignore[static_cast<std::size_t>(t * D + di)] = 1;
  }
  return e;
}

}  // namespace

double coco_box_iou(const double* d, const double* g, bool crowd) {
  const double w = std::fmin(d[2] + d[0], g[2] + g[0]) - std::fmax(d[0], g[0]);
  if (w <= 0) return 0.0;
  const double h = std::fmin(d[3] + d[1], g[3] + g[1]) - std::fmax(d[1], g[1]);
  if (h <= 0) return 0.0;
  const double i = w * h;
  const double da = d[2] * d[3];
  const double u = crowd ? da : da + g[2] * g[3] - i;
  return i / u;
}

namespace {

// evaluateImg's result as accumulate() keeps it: the detections' scores and, per IoU threshold,
// matched / ignored flags.
EvalImg eval_img(const CocoData& data, const PairIous& pair, std::int64_t G, ImageMatch m) {
  EvalImg e;
  e.D = static_cast<std::int64_t>(pair.dt.size());
  e.G = G;
  e.gt_ignore = std::move(m.gt_ignore);
  e.dt_ignore = std::move(m.dt_ignore);
  e.dt_scores.resize(pair.dt.size());
  for (std::size_t di = 0; di < pair.dt.size(); ++di) e.dt_scores[di] = data.det_scores[pair.dt[di]];
  e.dt_matched.resize(m.dt_match.size());
  for (std::size_t n = 0; n < m.dt_match.size(); ++n) e.dt_matched[n] = m.dt_match[n] >= 0;
  return e;
}

// evaluate(): per (category k, area range a) at [k * A + a], the non-None evalImgs in image order
// (accumulate() only ever walks them that way), so memory follows the annotations, not categories
// x images. `ious`, when given, receives COCOeval.ious for every evaluated (image, category).
std::vector<std::vector<EvalImg>> evaluate_images(const CocoData& data, const std::vector<std::int64_t>& cat_ids,
                                                  const CocoParams& p, std::vector<CocoEvalOutput::Ious>* ious) {
  const std::int64_t I = data.num_images, K = static_cast<std::int64_t>(cat_ids.size());
  const std::int64_t A = static_cast<std::int64_t>(p.area_ranges.size());
  const std::int64_t max_det = p.max_dets.empty() ? 0 : p.max_dets.back();
  const auto grouped = group_by_image_category(data, cat_ids);
  std::vector<std::vector<EvalImg>> eval_imgs(static_cast<std::size_t>(K * A));
  std::vector<CocoEvalOutput::Ious> by_img_cat(ious ? static_cast<std::size_t>(I * K) : 0);
  auto evaluated = [&](std::int64_t i) {
    return data.image_evaluated.empty() || data.image_evaluated[static_cast<std::size_t>(i)] != 0;
  };
  for (std::int64_t k = 0; k < K; ++k) {
    for (std::int64_t i = 0; i < I; ++i) {
      if (!evaluated(i)) continue;
      const auto at = static_cast<std::size_t>(i * K + k);
      const auto& gt = grouped.gts[at];
      const auto& dts = grouped.dts[at];
      if (ious) by_img_cat[at] = {i, cat_ids[static_cast<std::size_t>(k)], 0, 0, {}};
      if (gt.empty() && dts.empty()) continue;
      const PairIous pair = pair_ious(data, gt, dts, max_det);
      const auto G = static_cast<std::int64_t>(gt.size());
      if (ious && !pair.ious.empty())
        by_img_cat[at] = {i, cat_ids[static_cast<std::size_t>(k)], static_cast<std::int64_t>(pair.dt.size()), G,
                          pair.ious};
      for (std::int64_t a = 0; a < A; ++a)
        eval_imgs[static_cast<std::size_t>(k * A + a)].push_back(eval_img(
            data, pair, G, match_image(data, gt, pair, p.area_ranges[static_cast<std::size_t>(a)], p.iou_thrs)));
    }
  }
  if (ious)
    for (std::size_t n = 0; n < by_img_cat.size(); ++n)
      if (evaluated(static_cast<std::int64_t>(n) / K)) ious->push_back(std::move(by_img_cat[n]));
  return eval_imgs;
}

// accumulate()'s pooled detections of one (category, area range) at one maxDet: the first maxDet
// of every image, in descending score order (stable, image order among equal scores).
struct Pooled {
  struct Ref {
    const EvalImg* e;
    std::int64_t j;
  };
  std::vector<Ref> refs;       // score order
  std::vector<double> scores;  // score order
};

Pooled pool_detections(const std::vector<EvalImg>& E, std::int64_t max_det) {
  std::vector<Pooled::Ref> refs;
  std::vector<double> sc;
  for (const auto& e : E)
    for (std::int64_t j = 0; j < std::min(e.D, max_det); ++j) {
      refs.push_back({&e, j});
      sc.push_back(e.dt_scores[static_cast<std::size_t>(j)]);
    }
  std::vector<std::size_t> order(refs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return -sc[x] < -sc[y]; });
  Pooled out;
  for (auto o : order) {
    out.refs.push_back(refs[o]);
    out.scores.push_back(sc[o]);
  }
  return out;
}

// One IoU threshold t of accumulate(): the recall reached, and precision (made non-increasing) and
// score sampled at the recall thresholds — q and ss stay 0 from the first recall threshold beyond
// the reached recall on.
struct ThresholdCurve {
  double recall = 0;
  std::vector<double> precision, scores;  // [R]
};

ThresholdCurve curve_at_threshold(const Pooled& pooled, std::int64_t t, std::int64_t npig,
                                  const std::vector<double>& rec_thrs) {
  const double eps = std::nextafter(1.0, 2.0) - 1.0;  // np.spacing(1)
  const auto nd = pooled.refs.size();
  std::vector<double> rc(nd), pr(nd);
  double tp = 0, fp = 0;
  for (std::size_t n = 0; n < nd; ++n) {
    const auto& ref = pooled.refs[n];
    const auto at = static_cast<std::size_t>(t * ref.e->D + ref.j);
    if (!ref.e->dt_ignore[at]) {
      if (ref.e->dt_matched[at])
        tp += 1;
      else
        fp += 1;
    }
    rc[n] = tp / static_cast<double>(npig);
    pr[n] = tp / (fp + tp + eps);
  }
  for (std::size_t n = nd; n-- > 1;)
    if (pr[n] > pr[n - 1]) pr[n - 1] = pr[n];
  ThresholdCurve out;
  out.recall = nd ? rc.back() : 0.0;
  out.precision.assign(rec_thrs.size(), 0.0);
  out.scores.assign(rec_thrs.size(), 0.0);
  for (std::size_t r = 0; r < rec_thrs.size(); ++r) {
    const auto pi = static_cast<std::size_t>(std::lower_bound(rc.begin(), rc.end(), rec_thrs[r]) - rc.begin());
    if (pi >= nd) break;
    out.precision[r] = pr[pi];
    out.scores[r] = pooled.scores[pi];
  }
  return out;
}

// accumulate(): precision, recall and scores of every (t, r, k, a, m) cell, -1 where a (category,
// area range) has no evalImg or no ground truth that is not ignored.
void accumulate(const std::vector<std::vector<EvalImg>>& eval_imgs, const CocoParams& p, CocoEvalOutput& out) {
  const std::int64_t T = out.T, R = out.R, K = out.K, A = out.A, M = out.M;
  out.precision.assign(static_cast<std::size_t>(T * R * K * A * M), -1.0);
  out.recall.assign(static_cast<std::size_t>(T * K * A * M), -1.0);
  out.scores.assign(static_cast<std::size_t>(T * R * K * A * M), -1.0);
  auto pidx = [&](std::int64_t t, std::int64_t r, std::int64_t k, std::int64_t a, std::int64_t m) {
    return static_cast<std::size_t>((((t * R + r) * K + k) * A + a) * M + m);
  };
  auto ridx = [&](std::int64_t t, std::int64_t k, std::int64_t a, std::int64_t m) {
    return static_cast<std::size_t>(((t * K + k) * A + a) * M + m);
  };
  for (std::int64_t k = 0; k < K; ++k) {
    for (std::int64_t a = 0; a < A; ++a) {
      const auto& E = eval_imgs[static_cast<std::size_t>(k * A + a)];
      std::int64_t npig = 0;
      for (const auto& e : E)
        for (auto ig : e.gt_ignore) npig += ig == 0;
      if (E.empty() || npig == 0) continue;
      for (std::int64_t m = 0; m < M; ++m) {
        const Pooled pooled = pool_detections(E, std::max<std::int64_t>(p.max_dets[static_cast<std::size_t>(m)], 0));
        for (std::int64_t t = 0; t < T; ++t) {
          const ThresholdCurve c = curve_at_threshold(pooled, t, npig, p.rec_thrs);
          out.recall[ridx(t, k, a, m)] = c.recall;
          for (std::int64_t r = 0; r < R; ++r) {
            out.precision[pidx(t, r, k, a, m)] = c.precision[static_cast<std::size_t>(r)];
            out.scores[pidx(t, r, k, a, m)] = c.scores[static_cast<std::size_t>(r)];
          }
        }
      }
    }
  }
}

}  // namespace

// COCOeval.evaluate() then accumulate().
CocoEvalOutput coco_evaluate(const CocoData& data, const std::vector<std::int64_t>& cat_ids, const CocoParams& p,
                             bool keep_ious) {
  CocoEvalOutput out;
  out.T = static_cast<std::int64_t>(p.iou_thrs.size());
  out.R = static_cast<std::int64_t>(p.rec_thrs.size());
  out.K = static_cast<std::int64_t>(cat_ids.size());
  out.A = static_cast<std::int64_t>(p.area_ranges.size());
  out.M = static_cast<std::int64_t>(p.max_dets.size());
  const auto eval_imgs = evaluate_images(data, cat_ids, p, keep_ious ? &out.ious : nullptr);
  accumulate(eval_imgs, p, out);
  return out;
}

namespace {

// _summarize(ap, iouThr, areaRng, maxDets): the mean of the cells > -1, -1 when there is none.
double summarize_one(const CocoEvalOutput& ev, const CocoParams& p, bool ap, std::optional<double> iou_thr,
                     std::int64_t area, std::int64_t max_dets, std::optional<std::int64_t> only_category) {
  double sum = 0;
  std::int64_t n = 0;
  for (std::int64_t t = 0; t < ev.T; ++t) {
    if (iou_thr && p.iou_thrs[static_cast<std::size_t>(t)] != *iou_thr) continue;
    for (std::int64_t m = 0; m < ev.M; ++m) {
      if (p.max_dets[static_cast<std::size_t>(m)] != max_dets) continue;
      for (std::int64_t k = 0; k < ev.K; ++k) {
        if (only_category && *only_category != k) continue;
        if (ap) {
          for (std::int64_t r = 0; r < ev.R; ++r) {
            double v = ev.precision[static_cast<std::size_t>((((t * ev.R + r) * ev.K + k) * ev.A + area) * ev.M + m)];
            if (v > -1) {
              sum += v;
              ++n;
            }
          }
        } else {
          double v = ev.recall[static_cast<std::size_t>(((t * ev.K + k) * ev.A + area) * ev.M + m)];
          if (v > -1) {
            sum += v;
            ++n;
          }
        }
      }
    }
  }
  return n == 0 ? -1.0 : sum / static_cast<double>(n);
}

}  // namespace

std::array<double, 12> coco_summarize(const CocoEvalOutput& ev, const CocoParams& p,
                                      std::optional<std::int64_t> only_category) {
  auto summarize = [&](bool ap, std::optional<double> iou_thr, std::int64_t area, std::int64_t max_dets) {
    return summarize_one(ev, p, ap, iou_thr, area, max_dets, only_category);
  };
  const auto& md = p.max_dets;
  const std::int64_t m0 = md.size() > 0 ? md[0] : 0, m1 = md.size() > 1 ? md[1] : 0, m2 = md.size() > 2 ? md[2] : 0;
  return {
      summarize(true, std::nullopt, 0, 100),  // maxDets=100 hard-coded (QUIRKS D1)
      summarize(true, 0.5, 0, m2),           summarize(true, 0.75, 0, m2),
      summarize(true, std::nullopt, 1, m2),  summarize(true, std::nullopt, 2, m2),
      summarize(true, std::nullopt, 3, m2),  summarize(false, std::nullopt, 0, m0),
      summarize(false, std::nullopt, 0, m1), summarize(false, std::nullopt, 0, m2),
      summarize(false, std::nullopt, 1, m2), summarize(false, std::nullopt, 2, m2),
      summarize(false, std::nullopt, 3, m2),
  };
}

std::array<double, 10> coco_summarize_keypoints(const CocoEvalOutput& ev, const CocoParams& p, std::int64_t max_det,
                                                std::optional<std::int64_t> only_category) {
  // areas: 0 all, 1 medium, 2 large (setKpParams)
  auto s = [&](bool ap, std::optional<double> iou_thr, std::int64_t area) {
    return summarize_one(ev, p, ap, iou_thr, area, max_det, only_category);
  };
  return {s(true, std::nullopt, 0),  s(true, 0.5, 0),           s(true, 0.75, 0), s(true, std::nullopt, 1),
          s(true, std::nullopt, 2),  s(false, std::nullopt, 0), s(false, 0.5, 0), s(false, 0.75, 0),
          s(false, std::nullopt, 1), s(false, std::nullopt, 2)};
}

std::vector<ImageMatch> coco_match_images(const CocoData& data, const std::vector<std::int64_t>& cat_ids,
                                          const CocoParams& p, std::size_t area) {
  const std::int64_t I = data.num_images, K = static_cast<std::int64_t>(cat_ids.size());
  const std::int64_t max_det = p.max_dets.empty() ? 0 : p.max_dets.back();
  const auto grouped = group_by_image_category(data, cat_ids);
  std::vector<ImageMatch> out;
  for (std::int64_t i = 0; i < I; ++i)
    for (std::int64_t k = 0; k < K; ++k) {
      const auto& gt = grouped.gts[static_cast<std::size_t>(i * K + k)];
      const auto& dts = grouped.dts[static_cast<std::size_t>(i * K + k)];
      if (gt.empty() && dts.empty()) continue;
      ImageMatch m = match_image(data, gt, pair_ious(data, gt, dts, max_det), p.area_ranges[area], p.iou_thrs);
      m.image = i;
      m.category = k;
      out.push_back(std::move(m));
    }
  return out;
}

std::vector<double> numpy_linspace(double start, double stop, std::int64_t num) {
  std::vector<double> out(static_cast<std::size_t>(std::max<std::int64_t>(num, 0)));
  if (num == 1) out[0] = start;
  if (num <= 1) return out;
  const double step = (stop - start) / static_cast<double>(num - 1);
  for (std::int64_t i = 0; i < num; ++i) out[static_cast<std::size_t>(i)] = static_cast<double>(i) * step + start;
  out.back() = stop;
  return out;
}

CocoParams coco_detection_params() {
  CocoParams p;
  p.iou_thrs = numpy_linspace(0.5, 0.95, 10);
  p.rec_thrs = numpy_linspace(0.0, 1.0, 101);
  p.max_dets = {1, 10, 100};
  return p;
}

CocoParams coco_keypoint_params() {
  CocoParams p = coco_detection_params();
  p.max_dets = {20};
  p.area_ranges = {{0.0, 1e5 * 1e5}, {32.0 * 32.0, 96.0 * 96.0}, {96.0 * 96.0, 1e5 * 1e5}};
  return p;
}

std::vector<double> torch_linspace_f32(double start_d, double end_d, std::int64_t steps, int lanes) {
  // ATen's CPU linspace kernel (RangeFactoriesKernel.cpp): step = (end - start) / (steps - 1) in
  // float; element idx is start + step * idx in the first half and end - step * (steps - idx - 1) in
  // the second. Its vectorised loop handles blocks of 2 * lanes elements, each vector of `lanes`
  // elements being base + j * step from the scalar value of its first element; the tail is scalar.
  std::vector<double> out;
  if (steps <= 0) return out;
  const float start = static_cast<float>(start_d), end = static_cast<float>(end_d);
  if (steps == 1) return {static_cast<double>(start)};
  const float step = (end - start) / static_cast<float>(steps - 1);
  const std::int64_t half = steps / 2;
  auto scalar = [&](std::int64_t i) {
    if (i < half) {
      const float s = step * static_cast<float>(i);
      return start + s;
    }
    const float s = step * static_cast<float>(steps - i - 1);
    return end - s;
  };
  std::vector<float> v(static_cast<std::size_t>(steps));
  std::int64_t i = 0;
  if (lanes > 0) {
    for (; i + 2 * lanes <= steps; i += 2 * lanes) {
      for (std::int64_t base_idx : {i, i + lanes}) {
        const float base = scalar(base_idx);
        for (std::int64_t j = 0; j < lanes; ++j) {
          const float js = static_cast<float>(j) * step;
          v[static_cast<std::size_t>(base_idx + j)] = j == 0 ? base : base + js;
        }
      }
    }
  }
  for (; i < steps; ++i) v[static_cast<std::size_t>(i)] = scalar(i);
  out.assign(v.begin(), v.end());
  return out;
}

}  // namespace wasmetrics::detection
