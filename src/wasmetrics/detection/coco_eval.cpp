#include "wasmetrics/detection/coco_eval.hpp"

#include "wasmetrics/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

// Layout of the evaluation (COCOeval's evaluate + accumulate, same numbers): one category at a
// time. The annotations are grouped by category once (a counting sort of indices); a category's
// images are visited in image order, each (image, category) pair sorted, its IoU matrix computed
// and matched at every area range into one status byte per (detection, area, IoU threshold); then
// the category is accumulated and its buffers reused for the next. Nothing is kept per box across
// categories, and the scratch vectors are reused for every pair, so compute() needs the output
// tables plus one category's detections beyond the state it reads.
//
// The per-pair and per-category steps are separate, non-inlined functions on purpose: WebAssembly
// engines compile a module quickly first (V8's Liftoff) and swap in optimised code per function
// once it is hot, but a call already running keeps the code it started with. Work done in one long
// call stays on the baseline code for the whole first compute(); work done in many short calls
// moves to the optimised code after the first few hundred of them.
#if defined(__GNUC__) || defined(__clang__)
#define WASMETRICS_COCO_STEP __attribute__((noinline))
#else
#define WASMETRICS_COCO_STEP
#endif

namespace wasmetrics::detection {

namespace {

// Category k's annotation indices (one side), in input order and so in image order, are
// index[offsets[k] .. offsets[k + 1]). 32-bit: a WebAssembly heap cannot hold 2^32 boxes.
struct ByCategory {
  std::vector<std::size_t> offsets;  // [K + 1]
  std::vector<std::uint32_t> index;  // annotations whose label is one of the categories
};

ByCategory group_by_category(std::span<const std::int64_t> labels, const std::vector<std::int64_t>& cat_ids) {
  const std::size_t K = cat_ids.size();
  auto cat_index = [&](std::int64_t label) -> std::size_t {
    auto it = std::lower_bound(cat_ids.begin(), cat_ids.end(), label);
    return (it != cat_ids.end() && *it == label) ? static_cast<std::size_t>(it - cat_ids.begin()) : K;
  };
  ByCategory g;
  g.offsets.assign(K + 2, 0);  // [K]: labels outside the categories, counted then dropped
  for (auto label : labels) ++g.offsets[cat_index(label) + 1];
  for (std::size_t k = 0; k <= K; ++k) g.offsets[k + 1] += g.offsets[k];
  std::vector<std::size_t> next(g.offsets.begin(), g.offsets.end() - 1);
  g.index.resize(g.offsets[K]);
  for (std::size_t n = 0; n < labels.size(); ++n) {
    const auto k = cat_index(labels[n]);
    if (k < K) g.index[next[k]++] = static_cast<std::uint32_t>(n);
  }
  g.offsets.resize(K + 1);
  return g;
}

// Image of annotation n given a side's [B + 1] offsets.
std::int64_t image_of_annotation(const std::vector<std::int64_t>& offsets, std::uint32_t n) {
  return std::upper_bound(offsets.begin() + 1, offsets.end(), static_cast<std::int64_t>(n)) - (offsets.begin() + 1);
}

// Calls fn(i, dets, gts) for every image i that has a detection or a ground truth of category k, in
// image order; dets and gts are that image's annotations of the category, in input order.
template <class Fn>
void for_each_image_of_category(const CocoData& data, const ByCategory& dcat, const ByCategory& gcat, std::size_t k,
                                Fn&& fn) {
  const std::uint32_t* dets = dcat.index.data();
  const std::uint32_t* gts = gcat.index.data();
  std::size_t pd = dcat.offsets[k], pg = gcat.offsets[k];
  const std::size_t pd_end = dcat.offsets[k + 1], pg_end = gcat.offsets[k + 1];
  const std::int64_t none = data.num_images;
  while (pd < pd_end || pg < pg_end) {
    const std::int64_t id = pd < pd_end ? image_of_annotation(data.det_offsets, dets[pd]) : none;
    const std::int64_t ig = pg < pg_end ? image_of_annotation(data.gt_offsets, gts[pg]) : none;
    const std::int64_t i = std::min(id, ig);
    std::size_t pd2 = pd, pg2 = pg;
    while (pd2 < pd_end && dets[pd2] < data.det_offsets[static_cast<std::size_t>(i) + 1]) ++pd2;
    while (pg2 < pg_end && gts[pg2] < data.gt_offsets[static_cast<std::size_t>(i) + 1]) ++pg2;
    fn(i, std::span<const std::uint32_t>(dets + pd, pd2 - pd), std::span<const std::uint32_t>(gts + pg, pg2 - pg));
    pd = pd2;
    pg = pg2;
  }
}

// One (image, category) pair as evaluateImg sees it; reused from pair to pair.
struct PairScratch {
  std::vector<std::uint32_t> dt;        // [D] detections by score (stable), at most maxDet
  std::vector<double> ious;             // [D, G] against the gts in their given order
  std::vector<std::uint8_t> g_ign;      // [G] given order: ignored at this area range
  std::vector<std::uint32_t> gtind;     // [G] sorted position -> given position (ignored last)
  std::vector<std::uint8_t> gt_ignore;  // [G] sorted order
  std::vector<std::uint8_t> crowd;      // [G] sorted order
  std::vector<std::int32_t> dt_match;   // [T, D] position in the sorted gts, -1 none
  std::vector<std::int32_t> gt_match;   // [T, G] position in dt, -1 none
  std::vector<std::uint8_t> dt_ignore;  // [T, D]
};

// computeIoU / computeOks: the detections by score, highest first (stable), cut to maxDet, and the
// [D, G] IoU matrix in the given gt order (left empty when either side is: pycocotools' []).
WASMETRICS_COCO_STEP void pair_ious(const CocoData& data, std::span<const std::uint32_t> dets,
                                    std::span<const std::uint32_t> gts, std::int64_t max_det, PairScratch& s) {
  s.dt.assign(dets.begin(), dets.end());
  const double* score = data.det_scores.data();
  std::stable_sort(s.dt.begin(), s.dt.end(),
                   [score](std::uint32_t a, std::uint32_t b) { return -score[a] < -score[b]; });
  if (static_cast<std::int64_t>(s.dt.size()) > max_det)
    s.dt.resize(static_cast<std::size_t>(std::max<std::int64_t>(max_det, 0)));
  const std::size_t D = s.dt.size(), G = gts.size();
  s.ious.resize(D > 0 && G > 0 ? D * G : 0);
  if (s.ious.empty()) return;
  for (std::size_t di = 0; di < D; ++di) {
    const auto d = s.dt[di];
    for (std::size_t gi = 0; gi < G; ++gi) {
      const auto g = gts[gi];
      const bool crowd = data.gt_crowd[g] != 0;
      s.ious[di * G + gi] =
          data.iou_fn ? data.iou_fn(d, g, crowd)
                      : coco_box_iou(&data.det_boxes[std::size_t{d} * 4], &data.gt_boxes[std::size_t{g} * 4], crowd);
    }
  }
}

// evaluateImg's matching at one area range, on the pair prepared by pair_ious: gt_ignore / crowd
// in sorted order (ignored last), dt_match / gt_match / dt_ignore per IoU threshold.
WASMETRICS_COCO_STEP void match_area(const CocoData& data, std::span<const std::uint32_t> gts,
                                     const std::array<double, 2>& rng, const std::vector<double>& iou_thrs,
                                     PairScratch& s) {
  const std::size_t T = iou_thrs.size(), D = s.dt.size(), G = gts.size();
  s.g_ign.resize(G);
  for (std::size_t gi = 0; gi < G; ++gi) {
    const auto g = gts[gi];
    const double area = data.gt_area[g];
    const bool ignored = data.gt_crowd[g] != 0 || (!data.gt_ignore.empty() && data.gt_ignore[g] != 0);
    s.g_ign[gi] = (ignored || area < rng[0] || area > rng[1]) ? 1 : 0;
  }
  // gts sorted with the ignored ones last (a stable partition: np.argsort(gtIg, kind='mergesort'))
  s.gtind.clear();
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t gi = 0; gi < G; ++gi)
      if (s.g_ign[gi] == pass) s.gtind.push_back(static_cast<std::uint32_t>(gi));
  s.gt_ignore.resize(G);
  s.crowd.resize(G);
  for (std::size_t gi = 0; gi < G; ++gi) {
    s.gt_ignore[gi] = s.g_ign[s.gtind[gi]];
    s.crowd[gi] = data.gt_crowd[gts[s.gtind[gi]]] != 0;
  }
  s.dt_match.assign(T * D, -1);
  s.gt_match.assign(T * G, -1);
  s.dt_ignore.assign(T * D, 0);
  if (!s.ious.empty()) {
    for (std::size_t t = 0; t < T; ++t) {
      std::int32_t* gt_match = &s.gt_match[t * G];
      for (std::size_t di = 0; di < D; ++di) {
        const double* row = &s.ious[di * G];
        double iou = std::min(iou_thrs[t], 1 - 1e-10);
        std::int32_t m = -1;
        for (std::size_t gi = 0; gi < G; ++gi) {
          // a matched gt takes no other detection, unless it is a crowd
          if (gt_match[gi] >= 0 && !s.crowd[gi]) continue;
          // matched to a regular gt already: the ignored ones (last) cannot replace it
          if (m > -1 && s.gt_ignore[static_cast<std::size_t>(m)] == 0 && s.gt_ignore[gi] == 1) break;
          const double v = row[s.gtind[gi]];
          if (v < iou) continue;
          iou = v;
          m = static_cast<std::int32_t>(gi);
        }
        if (m == -1) continue;
        s.dt_ignore[t * D + di] = s.gt_ignore[static_cast<std::size_t>(m)];
        s.dt_match[t * D + di] = m;
        gt_match[m] = static_cast<std::int32_t>(di);
      }
    }
  }
  // Unmatched detections outside the area range are ignored.
  for (std::size_t di = 0; di < D; ++di) {
    const double area = data.det_area_of(s.dt[di]);
    if (!(area < rng[0] || area > rng[1])) continue;
    for (std::size_t t = 0; t < T; ++t)
      if (s.dt_match[t * D + di] < 0) s.dt_ignore[t * D + di] = 1;
  }
}

// What accumulate() reads of one detection at one (area range, IoU threshold).
enum : std::uint8_t { kFalsePositive = 0, kTruePositive = 1, kIgnored = 2 };

// The evaluated detections of one category (evalImgs' dtScores / dtMatches / dtIgnore), in image
// order and score order within an image: its score, its rank in its image (for maxDet) and one
// status per (area range, IoU threshold); npig per area range.
struct CategoryDets {
  std::vector<double> scores;
  std::vector<std::uint32_t> rank;
  std::vector<std::uint8_t> status;  // [n, A * T]
  std::vector<std::int64_t> npig;    // [A] ground truths not ignored
  bool any = false;                  // some image has a detection or a ground truth (an evalImg)
  void clear(std::size_t A) {
    scores.clear();
    rank.clear();
    status.clear();
    npig.assign(A, 0);
    any = false;
  }
};

// evaluateImg at every area range for one (image, category) pair, appended to `cat`.
WASMETRICS_COCO_STEP void evaluate_pair(const CocoData& data, std::span<const std::uint32_t> dets,
                                        std::span<const std::uint32_t> gts, const CocoParams& p, PairScratch& s,
                                        CategoryDets& cat) {
  const std::int64_t max_det = p.max_dets.empty() ? 0 : p.max_dets.back();
  pair_ious(data, dets, gts, max_det, s);
  const std::size_t T = p.iou_thrs.size(), A = p.area_ranges.size(), D = s.dt.size(), G = gts.size();
  const std::size_t base = cat.scores.size();
  for (std::size_t di = 0; di < D; ++di) {
    cat.scores.push_back(data.det_scores[s.dt[di]]);
    cat.rank.push_back(static_cast<std::uint32_t>(di));
  }
  cat.status.resize((base + D) * A * T);
  cat.any = true;
  for (std::size_t a = 0; a < A; ++a) {
    match_area(data, gts, p.area_ranges[a], p.iou_thrs, s);
    for (std::size_t gi = 0; gi < G; ++gi) cat.npig[a] += s.gt_ignore[gi] == 0;
    for (std::size_t di = 0; di < D; ++di) {
      std::uint8_t* st = &cat.status[(base + di) * A * T + a * T];
      for (std::size_t t = 0; t < T; ++t)
        st[t] = s.dt_ignore[t * D + di] ? kIgnored : s.dt_match[t * D + di] >= 0 ? kTruePositive : kFalsePositive;
    }
  }
}

struct AccumulateScratch {
  std::vector<std::uint32_t> order, sel;    // the category's detections by score; those within maxDet
  std::vector<double> step_pr, step_score;  // per true positive: precision (then its suffix max), score
};

// accumulate() for one category k: every (t, r, k, a, m) cell of precision, recall (and scores).
// Precision is tp / (tp + fp + eps) after each detection, made non-increasing from the right and
// read at the first detection whose recall reaches each recall threshold. Recall only moves at a
// true positive and the precision right after a non-true positive is no higher than before it, so
// the curve is kept at the true positives only (plus the first detection): same values, same cells.
WASMETRICS_COCO_STEP void accumulate_category(const CategoryDets& cat, std::int64_t k, const CocoParams& p,
                                              CocoEvalOutput& out, AccumulateScratch& s) {
  const std::int64_t T = out.T, R = out.R, K = out.K, A = out.A, M = out.M;
  const auto AT = static_cast<std::size_t>(A * T);
  const double eps = std::nextafter(1.0, 2.0) - 1.0;  // np.spacing(1)
  const bool with_scores = !out.scores.empty();
  // accumulate() pools the first maxDet detections of every image (image order) and sorts them by
  // descending score, stably; the pool of a smaller maxDet is a subsequence of the same order.
  s.order.resize(cat.scores.size());
  std::iota(s.order.begin(), s.order.end(), 0u);
  const double* score = cat.scores.data();
  std::stable_sort(s.order.begin(), s.order.end(),
                   [score](std::uint32_t x, std::uint32_t y) { return -score[x] < -score[y]; });
  const std::int64_t P = out.P;
  auto pidx = [&](std::int64_t t, std::int64_t r, std::int64_t a, std::int64_t slot) {
    return static_cast<std::size_t>((((t * R + r) * K + k) * A + a) * P + slot);
  };
  for (std::int64_t m = 0; m < M; ++m) {
    const std::int64_t slot = out.precision_slot[static_cast<std::size_t>(m)];  // -1: only its recall
    const auto max_det = std::max<std::int64_t>(p.max_dets[static_cast<std::size_t>(m)], 0);
    s.sel.clear();
    for (auto o : s.order)
      if (cat.rank[o] < max_det) s.sel.push_back(o);
    const std::size_t nd = s.sel.size();
    for (std::int64_t a = 0; a < A; ++a) {
      const std::int64_t npig = cat.npig[static_cast<std::size_t>(a)];
      if (npig == 0) continue;
      for (std::int64_t t = 0; t < T; ++t) {
        const std::size_t lane = static_cast<std::size_t>(a * T + t);
        s.step_pr.clear();
        s.step_score.clear();
        double tp = 0, fp = 0;
        for (std::size_t n = 0; n < nd; ++n) {
          const auto d = s.sel[n];
          const auto st = cat.status[d * AT + lane];
          if (st == kTruePositive) {
            tp += 1;
            s.step_pr.push_back(tp / (fp + tp + eps));
            s.step_score.push_back(score[d]);
          } else if (st == kFalsePositive) {
            fp += 1;
          }
        }
        out.recall[static_cast<std::size_t>(((t * K + k) * A + a) * M + m)] = nd ? tp / static_cast<double>(npig) : 0.0;
        if (slot < 0) continue;
        const std::size_t steps = s.step_pr.size();
        for (std::size_t j = steps; j-- > 1;)
          if (s.step_pr[j] > s.step_pr[j - 1]) s.step_pr[j - 1] = s.step_pr[j];
        // recall at the first detection: 1 / npig if it is a true positive, else 0
        const double rc0 =
            nd && cat.status[s.sel[0] * AT + lane] == kTruePositive ? 1.0 / static_cast<double>(npig) : 0.0;
        for (std::int64_t r = 0; r < R; ++r) {
          double q = 0, ss = 0;  // 0 from the first recall threshold not reached on (pycocotools' IndexError)
          const double thr = p.rec_thrs[static_cast<std::size_t>(r)];
          bool reached = false;
          if (nd > 0 && !(rc0 < thr)) {  // np.searchsorted(rc, thr, 'left') == 0
            q = steps ? s.step_pr[0] : 0.0;
            ss = score[s.sel[0]];
            reached = true;
          } else if (nd > 0) {
            // first true positive j with recall (j + 1) / npig >= thr
            std::size_t lo = 0, hi = steps;
            while (lo < hi) {
              const std::size_t mid = (lo + hi) / 2;
              if (static_cast<double>(mid + 1) / static_cast<double>(npig) < thr)
                lo = mid + 1;
              else
                hi = mid;
            }
            if (lo < steps) {
              q = s.step_pr[lo];
              ss = s.step_score[lo];
              reached = true;
            }
          }
          if (!reached) {
            for (std::int64_t r2 = r; r2 < R; ++r2) {
              out.precision[pidx(t, r2, a, slot)] = 0.0;
              if (with_scores) out.scores[pidx(t, r2, a, slot)] = 0.0;
            }
            break;
          }
          out.precision[pidx(t, r, a, slot)] = q;
          if (with_scores) out.scores[pidx(t, r, a, slot)] = ss;
        }
      }
    }
  }
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

// COCOeval.evaluate() then accumulate(), category by category.
CocoEvalOutput coco_evaluate(const CocoData& data, const std::vector<std::int64_t>& cat_ids, const CocoParams& p,
                             bool extended, const std::vector<std::int64_t>* ap_max_dets) {
  CocoEvalOutput out;
  out.T = static_cast<std::int64_t>(p.iou_thrs.size());
  out.R = static_cast<std::int64_t>(p.rec_thrs.size());
  out.K = static_cast<std::int64_t>(cat_ids.size());
  out.A = static_cast<std::int64_t>(p.area_ranges.size());
  out.M = static_cast<std::int64_t>(p.max_dets.size());
  // precision only for the maxDets summarized (summarize_one refuses to read another)
  for (std::int64_t md : p.max_dets) {
    const bool kept =
        extended || !ap_max_dets || std::find(ap_max_dets->begin(), ap_max_dets->end(), md) != ap_max_dets->end();
    out.precision_slot.push_back(kept ? out.P++ : -1);
  }
  const std::int64_t I = data.num_images, K = out.K;
  const auto cells = static_cast<std::size_t>(out.T * out.R * K * out.A * out.P);
  out.precision.assign(cells, -1.0);
  out.recall.assign(static_cast<std::size_t>(out.T * K * out.A * out.M), -1.0);
  if (extended) out.scores.assign(cells, -1.0);
  // COCOeval.ious: one entry per (image, category), image-major, [] where either side is empty
  std::vector<CocoEvalOutput::Ious> by_img_cat;
  if (extended) {
    by_img_cat.reserve(static_cast<std::size_t>(I * K));
    for (std::int64_t i = 0; i < I; ++i)
      for (std::int64_t k = 0; k < K; ++k) by_img_cat.push_back({i, cat_ids[static_cast<std::size_t>(k)], 0, 0, {}});
  }
  auto evaluated = [&](std::int64_t i) {
    return data.image_evaluated.empty() || data.image_evaluated[static_cast<std::size_t>(i)] != 0;
  };
  const auto dcat = group_by_category(data.det_labels, cat_ids);
  const auto gcat = group_by_category(data.gt_labels, cat_ids);
  PairScratch pair;
  CategoryDets cat;
  AccumulateScratch acc;
  for (std::int64_t k = 0; k < K; ++k) {
    cat.clear(p.area_ranges.size());
    for_each_image_of_category(
        data, dcat, gcat, static_cast<std::size_t>(k),
        [&](std::int64_t i, std::span<const std::uint32_t> dets, std::span<const std::uint32_t> gts) {
          if (!evaluated(i)) return;
          evaluate_pair(data, dets, gts, p, pair, cat);
          if (extended && !pair.ious.empty())
            by_img_cat[static_cast<std::size_t>(i * K + k)] = {i, cat_ids[static_cast<std::size_t>(k)],
                                                               static_cast<std::int64_t>(pair.dt.size()),
                                                               static_cast<std::int64_t>(gts.size()), pair.ious};
        });
    // accumulate() skips a (category, area range) without any evalImg or without a ground truth
    // that is not ignored: its cells stay -1
    if (cat.any) accumulate_category(cat, k, p, out, acc);
  }
  for (std::size_t n = 0; n < by_img_cat.size(); ++n)
    if (evaluated(static_cast<std::int64_t>(n) / K)) out.ious.push_back(std::move(by_img_cat[n]));
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
          const std::int64_t slot = ev.precision_slot[static_cast<std::size_t>(m)];
          if (slot < 0) fail("internal: the precision of maxDets ", max_dets, " was not kept (coco_evaluate)");
          for (std::int64_t r = 0; r < ev.R; ++r) {
            double v =
                ev.precision[static_cast<std::size_t>((((t * ev.R + r) * ev.K + k) * ev.A + area) * ev.P + slot)];
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

std::vector<std::int64_t> coco_summary_max_dets(const CocoParams& p) {
  return {100, p.max_dets.size() > 2 ? p.max_dets[2] : 0};  // as coco_summarize reads them
}

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
  const std::int64_t max_det = p.max_dets.empty() ? 0 : p.max_dets.back();
  const auto dcat = group_by_category(data.det_labels, cat_ids);
  const auto gcat = group_by_category(data.gt_labels, cat_ids);
  std::vector<ImageMatch> out;
  PairScratch s;
  for (std::size_t k = 0; k < cat_ids.size(); ++k)
    for_each_image_of_category(
        data, dcat, gcat, k,
        [&](std::int64_t i, std::span<const std::uint32_t> dets, std::span<const std::uint32_t> gts) {
          pair_ious(data, dets, gts, max_det, s);
          match_area(data, gts, p.area_ranges[area], p.iou_thrs, s);
          ImageMatch m;
          m.image = i;
          m.category = static_cast<std::int64_t>(k);
          m.dt.assign(s.dt.begin(), s.dt.end());
          for (auto gi : s.gtind) m.gt.push_back(gts[gi]);
          m.gt_ignore = s.gt_ignore;
          m.dt_match.assign(s.dt_match.begin(), s.dt_match.end());
          m.gt_match.assign(s.gt_match.begin(), s.gt_match.end());
          m.dt_ignore = s.dt_ignore;
          out.push_back(std::move(m));
        });
  // evaluateImg's order: image-major, then category
  std::stable_sort(out.begin(), out.end(), [](const ImageMatch& x, const ImageMatch& y) { return x.image < y.image; });
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
