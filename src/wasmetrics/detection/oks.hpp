#pragma once
// Object keypoint similarity (pycocotools' COCOeval.computeOks) for one detection and one ground
// truth of K keypoints (x, y, v triples).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace wasmetrics::detection {

// The 17 COCO person keypoint sigmas (COCOeval's Params.kpt_oks_sigmas).
inline std::vector<double> coco_keypoint_sigmas() {
  return {.26 / 10.0, .25 / 10.0, .25 / 10.0,  .35 / 10.0,  .35 / 10.0, .79 / 10.0, .79 / 10.0, .72 / 10.0, .72 / 10.0,
          .62 / 10.0, .62 / 10.0, 1.07 / 10.0, 1.07 / 10.0, .87 / 10.0, .87 / 10.0, .89 / 10.0, .89 / 10.0};
}

// numpy's sum of a contiguous float64 array (pairwise: 8 running sums for 8 or more values), so
// that an OKS on a match threshold falls on the same side as in COCOeval.
inline double numpy_sum(const std::vector<double>& a) {
  const std::size_t n = a.size();
  if (n < 8) {
    double s = 0;  // numpy starts from -0.0; the same for every sum here
    for (double v : a) s += v;
    return s;
  }
  double r[8];
  for (int j = 0; j < 8; ++j) r[j] = a[static_cast<std::size_t>(j)];
  std::size_t i = 8;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) r[j] += a[i + static_cast<std::size_t>(j)];
  double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; ++i) s += a[i];
  return s;
}

// `gt_box` xywh and `gt_area` are the ground truth's own fields: a ground truth without labelled
// keypoints (v > 0) is compared through its box enlarged to 3x (the distance to it, per keypoint).
inline double keypoint_oks(const double* dt, const double* gt, std::size_t k, const double* gt_box, double gt_area,
                           const std::vector<double>& sigmas) {
  std::size_t labelled = 0;
  for (std::size_t j = 0; j < k; ++j) labelled += gt[3 * j + 2] > 0;
  const double x0 = gt_box[0] - gt_box[2], x1 = gt_box[0] + gt_box[2] * 2;
  const double y0 = gt_box[1] - gt_box[3], y1 = gt_box[1] + gt_box[3] * 2;
  const double eps = 2.220446049250313e-16;  // np.spacing(1)
  std::vector<double> terms;
  terms.reserve(k);
  for (std::size_t j = 0; j < k; ++j) {
    double dx, dy;
    if (labelled > 0) {
      if (!(gt[3 * j + 2] > 0)) continue;
      dx = dt[3 * j] - gt[3 * j];
      dy = dt[3 * j + 1] - gt[3 * j + 1];
    } else {
      const double xd = dt[3 * j], yd = dt[3 * j + 1];
      dx = std::fmax(0.0, x0 - xd) + std::fmax(0.0, xd - x1);
      dy = std::fmax(0.0, y0 - yd) + std::fmax(0.0, yd - y1);
    }
    const double var = (sigmas[j] * 2) * (sigmas[j] * 2);
    const double e = (dx * dx + dy * dy) / var / (gt_area + eps) / 2;
    terms.push_back(std::exp(-e));
  }
  return numpy_sum(terms) / static_cast<double>(terms.size());
}

// A detection's xywh box from the extent of all its k keypoints (labelled or not), as COCO.loadRes
// completes keypoint results; its area is w * h.
inline std::array<double, 4> keypoint_extent_box(const double* kp, std::size_t k) {
  double x0 = kp[0], x1 = kp[0], y0 = kp[1], y1 = kp[1];
  for (std::size_t j = 0; j < k; ++j) {
    x0 = std::min(x0, kp[3 * j]);
    x1 = std::max(x1, kp[3 * j]);
    y0 = std::min(y0, kp[3 * j + 1]);
    y1 = std::max(y1, kp[3 * j + 1]);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

// COCOeval's similarity for iouType 'keypoints' between detection a and ground truth b (global
// indices): keypoints [K * k * 3] per side, the ground truths' xywh boxes and areas. Crowds play no
// part in OKS (they are ignored ground truths instead).
inline std::function<double(std::int64_t, std::int64_t, bool)> oks_similarity(std::vector<double> det_keypoints,
                                                                              std::vector<double> gt_keypoints,
                                                                              std::vector<double> gt_boxes,
                                                                              std::vector<double> gt_area,
                                                                              std::vector<double> sigmas) {
  const std::size_t per = sigmas.size() * 3;
  return [dk = std::move(det_keypoints), gk = std::move(gt_keypoints), gb = std::move(gt_boxes),
          ga = std::move(gt_area), sig = std::move(sigmas), per](std::int64_t a, std::int64_t b, bool) {
    const auto d = static_cast<std::size_t>(a), g = static_cast<std::size_t>(b);
    return keypoint_oks(&dk[d * per], &gk[g * per], sig.size(), &gb[g * 4], ga[g], sig);
  };
}

}  // namespace wasmetrics::detection
