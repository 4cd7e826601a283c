#pragma once
// COCO evaluation (pycocotools' COCOeval: evaluate, accumulate, summarize) for bounding boxes and
// RLE masks, written from its published algorithm. Images are numbered 0..B-1 in input order (the
// order TorchMetrics gives them); annotations keep their input order within an image.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace wasmetrics::detection {

struct CocoParams {
  std::vector<double> iou_thrs;        // T
  std::vector<double> rec_thrs;        // R
  std::vector<std::int64_t> max_dets;  // M, sorted ascending
  // Params.areaRng: all, small, medium, large for bbox/segm; keypoints use all, medium, large.
  std::vector<std::array<double, 2>> area_ranges = {
      {0.0, 1e5 * 1e5}, {0.0, 32.0 * 32.0}, {32.0 * 32.0, 96.0 * 96.0}, {96.0 * 96.0, 1e5 * 1e5}};
};

// COCOeval's own defaults (Params.setDetParams / setKpParams): np.linspace thresholds in float64.
CocoParams coco_detection_params();
CocoParams coco_keypoint_params();
// np.linspace(start, stop, num): start + i * step, the last value exactly stop.
std::vector<double> numpy_linspace(double start, double stop, std::int64_t num);

// The annotations of all images, mostly borrowed: the spans point into the caller's arrays (a
// metric's state, which outlives compute()), so evaluating copies no per-box array. Arrays the
// caller has to build go through own(), which keeps them alive as long as any copy of this struct.
struct CocoData {
  std::int64_t num_images = 0;
  std::vector<std::int64_t> det_offsets;     // [B + 1]
  std::vector<std::int64_t> gt_offsets;      // [B + 1]
  std::span<const double> det_boxes;         // [Kd * 4] xywh (bbox) — unused when iou_fn is set
  std::span<const double> det_scores;        // [Kd]
  std::span<const std::int64_t> det_labels;  // [Kd]
  std::span<const double> det_area;          // [Kd]; empty: the box area w * h
  std::span<const double> gt_boxes;          // [Kg * 4] xywh
  std::span<const std::int64_t> gt_labels;   // [Kg]
  std::span<const std::uint8_t> gt_crowd;    // [Kg] 0/1
  std::span<const double> gt_area;           // [Kg] area used for the area ranges
  std::span<const std::uint8_t> gt_ignore;   // [Kg] ignored besides crowds (keypoints: none labelled); empty = none
  // Images in params.imgIds (empty: all). TorchMetrics leaves images without any mask out of the
  // segm datasets, so their detections are never scored.
  std::span<const std::uint8_t> image_evaluated;
  // IoU of detection d with ground truth g (global indices) given g's crowd flag; null = box IoU.
  std::function<double(std::int64_t d, std::int64_t g, bool crowd)> iou_fn;

  // Keeps `values` alive with this struct (and its copies); returns a view of them.
  template <class T>
  std::span<const T> own(std::vector<T> values) {
    auto kept = std::make_shared<const std::vector<T>>(std::move(values));
    owned_.push_back(kept);
    return {kept->data(), kept->size()};
  }

  double det_area_of(std::int64_t d) const {
    const auto i = static_cast<std::size_t>(d);
    return det_area.empty() ? det_boxes[i * 4 + 2] * det_boxes[i * 4 + 3] : det_area[i];
  }

 private:
  std::vector<std::shared_ptr<const void>> owned_;
};

struct CocoEvalOutput {
  std::int64_t T = 0, R = 0, K = 0, A = 4, M = 0;
  // The maxDets kept in precision (and scores): all M, or only those the caller summarizes
  // (coco_evaluate's ap_max_dets; the table is T x R x K x A doubles per maxDets, 2.5 MB at COCO's
  // defaults). precision_slot[m]: m's place among them, -1 when not kept.
  std::int64_t P = 0;
  std::vector<std::int64_t> precision_slot;  // [M]
  std::vector<double> precision;             // [T, R, K, A, P], -1 where there is nothing to evaluate
  std::vector<double> recall;                // [T, K, A, M]
  std::vector<double> scores;                // [T, R, K, A, P]; filled only when `extended` was asked
  // COCOeval.ious in its order (image-major, then category): [D, G] row-major; empty = pycocotools' [].
  struct Ious {
    std::int64_t image, category, rows, cols;
    std::vector<double> values;
  };
  std::vector<Ious> ious;
};

// evaluateImg for one (image, category, area range): detections in score order (at most maxDet),
// ground truths with the ignored ones last; matches are positions in those orders, -1 for none.
struct ImageMatch {
  std::int64_t image = 0, category = 0;  // image index, category index
  std::vector<std::int64_t> dt;          // [D] global detection indices, score order
  std::vector<std::int64_t> gt;          // [G] global ground-truth indices, ignored last
  std::vector<std::uint8_t> gt_ignore;   // [G]
  std::vector<std::int64_t> dt_match;    // [T, D] position in gt, -1 unmatched
  std::vector<std::int64_t> gt_match;    // [T, G] position in dt, -1 missed
  std::vector<std::uint8_t> dt_ignore;   // [T, D]
};

// Every (image, category) that has a detection or a ground truth, image-major, matched at each of
// params.iou_thrs within params.area_ranges[area] and the first params.max_dets.back() detections.
std::vector<ImageMatch> coco_match_images(const CocoData& data, const std::vector<std::int64_t>& cat_ids,
                                          const CocoParams& params, std::size_t area);

// pycocotools' bbIou for one pair of xywh boxes (crowd: intersection over the detection's area).
double coco_box_iou(const double* dt, const double* gt, bool crowd);

// evaluate() + accumulate(), one category at a time: the per-(image, category) matches of a category
// live only while that category is accumulated, so the memory beyond `data` is the output tables
// plus one category's detections. `extended`: also COCOeval.ious and the scores table, and every
// maxDets' precision. Otherwise `ap_max_dets`, when given, names the maxDets values whose precision
// is kept (what the summaries read: coco_summary_max_dets, or the keypoint summary's max_det); the
// other maxDets' cells are not filled (their recall is).
CocoEvalOutput coco_evaluate(const CocoData& data, const std::vector<std::int64_t>& cat_ids, const CocoParams& params,
                             bool extended, const std::vector<std::int64_t>* ap_max_dets = nullptr);

// The maxDets values whose precision coco_summarize reads: 100 (hard-coded, QUIRKS D1) and maxDets[2]
// (0 when there are fewer).
std::vector<std::int64_t> coco_summary_max_dets(const CocoParams& params);

// COCOeval.summarize()'s 12 stats; `only_category` restricts to one category index (k), as
// TorchMetrics' per-class loop (params.catIds = [c]) does.
std::array<double, 12> coco_summarize(const CocoEvalOutput& ev, const CocoParams& params,
                                      std::optional<std::int64_t> only_category = std::nullopt);

// COCOeval.summarize() for iouType 'keypoints' (_summarizeKps): 10 stats at `max_det` (COCOeval
// hard-codes 20) over areas all, medium, large; `only_category` as in coco_summarize.
std::array<double, 10> coco_summarize_keypoints(const CocoEvalOutput& ev, const CocoParams& params,
                                                std::int64_t max_det = 20,
                                                std::optional<std::int64_t> only_category = std::nullopt);

// torch.linspace(start, end, steps) in float32 on CPU (values as float64), as TorchMetrics builds
// the default IoU and recall thresholds. `lanes`: floats per SIMD vector of the build that ran it
// (0: the scalar kernel).
std::vector<double> torch_linspace_f32(double start, double end, std::int64_t steps, int lanes);

}  // namespace wasmetrics::detection
