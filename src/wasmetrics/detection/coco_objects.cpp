// COCOeval on COCO JSON, object level: COCOSegmPolygons (segm AP/AR from polygons and RLE),
// COCOKeypoints (OKS AP/AR) and COCOMatches (evaluateImg's per-image matching). Each update() takes
// one COCO ground-truth file and one results file as JSON text (`gt`, `dt`); its images (sorted by
// id, as COCOeval takes them) are appended to the state, so several updates, merges and save/load
// evaluate their images together, each update's categories joining the evaluated ones. The matching
// and accumulation are detection/coco_eval.cpp's, shared with MeanAveragePrecision.
//
// States (all cat; K = annotations of that side, B = images):
//   img_info [B, 3] i64 (image id, height, width); categories [C] i64; gt_counts / det_counts [B] i64
//   <side>_ids, <side>_labels, <side>_iscrowd, <side>_num_keypoints [K] i64; <side>_scores,
//   <side>_area [K] f64; <side>_boxes [K, 4] f64 xywh; <side>_keypoints [*] f64 (K * 3 * kpts);
//   <side>_mask_info [K, 3] i64 (h, w, runs) and <side>_mask_runs [*] i64 (segm only); side = gt | det
#include <algorithm>
#include <memory>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/detection/coco_eval.hpp"
#include "wasmetrics/detection/coco_json.hpp"
#include "wasmetrics/detection/oks_options.hpp"

namespace wasmetrics {
namespace {

using detection::CocoIouType;

constexpr const char* kSides[2] = {"gt", "det"};

std::string_view text_input(std::string_view metric, std::string_view name, const TensorView& t) {
  if (!t.is_text() || t.kind != InputKind::text || t.text.size() != 1)
    fail(metric, ": `", name, "` must be one string of COCO JSON (JSON.stringify the object)");
  return t.text.str(0);
}

class CocoObjectMetric : public Metric {
 public:
  CocoObjectMetric(Options o, CocoIouType type) : Metric(std::move(o)), type_(type) {
    if (type_ == CocoIouType::keypoints) sigmas_ = detection::read_oks_sigmas(name(), options());
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto batch = detection::read_coco(name(), text_input(name(), "gt", in[0]), text_input(name(), "dt", in[1]),
                                            type_, sigmas_.size());
    for (std::size_t i = 0; i < batch.image_ids.size(); ++i) {
      const std::int64_t rec[3] = {batch.image_ids[i], batch.heights[i], batch.widths[i]};
      img_info_.append(s, std::span<const std::int64_t>(rec, 3));
    }
    categories_.append(s, batch.categories);
    for (int k = 0; k < 2; ++k) {
      const auto& side = k == 0 ? batch.gt : batch.dt;
      const SideSlots& slots = sides_[k];
      slots.counts.append(s, side.counts);
      slots.ids.append(s, side.ids);
      slots.labels.append(s, side.labels);
      slots.iscrowd.append(s, side.crowd);
      slots.num_keypoints.append(s, side.num_keypoints);
      slots.scores.append(s, side.scores);
      slots.area.append(s, side.area);
      slots.boxes.append(s, side.boxes);
      slots.keypoints.append(s, side.keypoints);
      for (const auto& m : side.masks) {
        const std::int64_t rec[3] = {m.h, m.w, static_cast<std::int64_t>(m.counts.size())};
        slots.mask_info.append(s, std::span<const std::int64_t>(rec, 3));
        for (auto c : m.counts) slots.mask_runs.append(s, static_cast<std::int64_t>(c));
      }
    }
  }

  // The state as COCOeval's inputs: annotations, the IoU (box, mask or OKS) and the category ids.
  struct Prepared {
    detection::CocoData data;
    std::vector<std::int64_t> cat_ids, image_ids, gt_ids, det_ids;
  };

  Prepared prepare(const State& s) const {
    Prepared out;
    auto& d = out.data;
    auto info = img_info_.span(s);
    for (std::size_t i = 0; i + 2 < info.size(); i += 3) out.image_ids.push_back(info[i]);
    auto cats = categories_.span(s);
    out.cat_ids.assign(cats.begin(), cats.end());
    std::sort(out.cat_ids.begin(), out.cat_ids.end());
    out.cat_ids.erase(std::unique(out.cat_ids.begin(), out.cat_ids.end()), out.cat_ids.end());
    const auto B = out.image_ids.size();
    d.num_images = static_cast<std::int64_t>(B);
    const SideSlots& gt = sides_[0];
    const SideSlots& det = sides_[1];
    auto offsets = [&](StateSlot<std::int64_t> counts, std::vector<std::int64_t>& off) {
      auto c = counts.span(s);
      if (c.size() != B)
        fail(name(), ": corrupt state (", counts.var(s).name, " has ", c.size(), " images, img_info ", B, ")");
      off.assign(1, 0);
      for (auto v : c) off.push_back(off.back() + v);
    };
    offsets(gt.counts, d.gt_offsets);
    offsets(det.counts, d.det_offsets);
    const auto kg = static_cast<std::size_t>(d.gt_offsets.back()), kd = static_cast<std::size_t>(d.det_offsets.back());
    // The per-box arrays are borrowed from the state (compute() holds it).
    auto take = [&](auto slot, std::size_t n) {
      auto v = slot.span(s);
      if (v.size() != n)
        fail(name(), ": corrupt state (", slot.var(s).name, " has ", v.size(), " values, expected ", n, ")");
      return v;
    };
    auto copy = [](auto span) { return std::vector<typename decltype(span)::value_type>(span.begin(), span.end()); };
    out.gt_ids = copy(take(gt.ids, kg));
    out.det_ids = copy(take(det.ids, kd));
    d.gt_labels = take(gt.labels, kg);
    d.det_labels = take(det.labels, kd);
    d.det_scores = take(det.scores, kd);
    d.det_area = take(det.area, kd);
    d.gt_area = take(gt.area, kg);
    d.gt_boxes = take(gt.boxes, kg * 4);
    d.det_boxes = take(det.boxes, kd * 4);
    std::vector<std::uint8_t> crowd;
    for (auto c : take(gt.iscrowd, kg)) crowd.push_back(c != 0);
    d.gt_crowd = d.own(std::move(crowd));
    if (type_ == CocoIouType::keypoints) {
      // COCOeval ignores a ground truth without labelled keypoints (num_keypoints 0)
      std::vector<std::uint8_t> ignore;
      for (auto n : take(gt.num_keypoints, kg)) ignore.push_back(n == 0);
      d.gt_ignore = d.own(std::move(ignore));
      const std::size_t kp = sigmas_.size() * 3;
      d.iou_fn = detection::oks_similarity(copy(take(det.keypoints, kd * kp)), copy(take(gt.keypoints, kg * kp)),
                                           copy(d.gt_boxes), copy(d.gt_area), sigmas_);
    } else if (type_ == CocoIouType::segm) {
      auto gm = masks_of(s, gt, "gt", kg), dm = masks_of(s, det, "det", kd);
      d.iou_fn = [gm = std::move(gm), dm = std::move(dm)](std::int64_t a, std::int64_t b, bool crowd) {
        return detection::rle_iou(dm[static_cast<std::size_t>(a)], gm[static_cast<std::size_t>(b)], crowd);
      };
    }
    return out;
  }

  CocoIouType type_;
  std::vector<double> sigmas_;

 private:
  // One side's states (see the header comment), in their blob order.
  struct SideSlots {
    StateSlot<std::int64_t> counts, ids, labels, iscrowd, num_keypoints;
    StateSlot<double> scores, area, boxes, keypoints;
    StateSlot<std::int64_t> mask_info, mask_runs;
  };
  SideSlots declare_side(const std::string& p) {
    SideSlots out;
    out.counts = declare_state<std::int64_t>(p + "_counts", Reduction::cat, {0});
    out.ids = declare_state<std::int64_t>(p + "_ids", Reduction::cat, {0});
    out.labels = declare_state<std::int64_t>(p + "_labels", Reduction::cat, {0});
    out.iscrowd = declare_state<std::int64_t>(p + "_iscrowd", Reduction::cat, {0});
    out.num_keypoints = declare_state<std::int64_t>(p + "_num_keypoints", Reduction::cat, {0});
    out.scores = declare_state<double>(p + "_scores", Reduction::cat, {0});
    out.area = declare_state<double>(p + "_area", Reduction::cat, {0});
    out.boxes = declare_state<double>(p + "_boxes", Reduction::cat, {0, 4});
    out.keypoints = declare_state<double>(p + "_keypoints", Reduction::cat, {0});
    out.mask_info = declare_state<std::int64_t>(p + "_mask_info", Reduction::cat, {0, 3});
    out.mask_runs = declare_state<std::int64_t>(p + "_mask_runs", Reduction::cat, {0});
    return out;
  }

  std::vector<detection::Rle> masks_of(const State& s, const SideSlots& slots, const char* side, std::size_t n) const {
    auto info = slots.mask_info.span(s);
    auto runs = slots.mask_runs.span(s);
    if (info.size() != n * 3) fail(name(), ": corrupt state (", side, "_mask_info)");
    std::vector<detection::Rle> out(n);
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i) {
      auto& r = out[i];
      r.h = info[3 * i];
      r.w = info[3 * i + 1];
      const auto m = static_cast<std::size_t>(info[3 * i + 2]);
      if (at + m > runs.size() || r.h < 0 || r.w < 0) fail(name(), ": corrupt state (", side, "_mask_runs)");
      std::uint64_t sum = 0;
      for (std::size_t j = 0; j < m; ++j) {
        if (runs[at + j] < 0) fail(name(), ": corrupt state (", side, "_mask_runs)");
        sum += static_cast<std::uint64_t>(runs[at + j]);
        r.counts.push_back(static_cast<std::uint32_t>(runs[at + j]));
      }
      if (sum != static_cast<std::uint64_t>(r.h * r.w)) fail(name(), ": corrupt state (", side, "_mask_runs)");
      at += m;
    }
    return out;
  }

  StateSlot<std::int64_t> img_info_ = declare_state<std::int64_t>("img_info", Reduction::cat, {0, 3});
  StateSlot<std::int64_t> categories_ = declare_state<std::int64_t>("categories", Reduction::cat, {0});
  SideSlots sides_[2] = {declare_side(kSides[0]), declare_side(kSides[1])};  // gt, det
};

Tensor vector_tensor(const std::vector<double>& v, Shape shape) { return Tensor{v, std::move(shape)}; }

Result stats_result(const double* v, std::size_t n) {
  return Result::dict(
      {{"stats", Result(vector_tensor(std::vector<double>(v, v + n), {static_cast<std::int64_t>(n)}))}});
}

class COCOSegmPolygons final : public CocoObjectMetric {
 public:
  explicit COCOSegmPolygons(Options o) : CocoObjectMetric(std::move(o), CocoIouType::segm) {}

 protected:
  Result compute_state(const State& s) const override {
    const auto prep = prepare(s);
    const auto params = detection::coco_detection_params();
    const auto ap_max_dets = detection::coco_summary_max_dets(params);
    const auto stats = detection::coco_summarize(
        detection::coco_evaluate(prep.data, prep.cat_ids, params, false, &ap_max_dets), params);
    return stats_result(stats.data(), stats.size());
  }
};

class COCOKeypoints final : public CocoObjectMetric {
 public:
  explicit COCOKeypoints(Options o) : CocoObjectMetric(std::move(o), CocoIouType::keypoints) {}

 protected:
  Result compute_state(const State& s) const override {
    const auto prep = prepare(s);
    const auto params = detection::coco_keypoint_params();
    const std::vector<std::int64_t> ap_max_dets{20};  // coco_summarize_keypoints' max_det
    const auto stats = detection::coco_summarize_keypoints(
        detection::coco_evaluate(prep.data, prep.cat_ids, params, false, &ap_max_dets), params, 20);
    return stats_result(stats.data(), stats.size());
  }
};

CocoIouType iou_type_option(const Options& o) {
  const auto& t = o.get_string("iou_type");
  return t == "segm" ? CocoIouType::segm : t == "keypoints" ? CocoIouType::keypoints : CocoIouType::bbox;
}

class COCOMatches final : public CocoObjectMetric {
 public:
  explicit COCOMatches(Options o) : CocoObjectMetric(o, iou_type_option(o)) {}

 protected:
  Result compute_state(const State& s) const override {
    const auto prep = prepare(s);
    // evaluateImg at area 'all', maxDet 100, IoU (or OKS) 0.5 and 0.75 exactly
    detection::CocoParams params;
    params.iou_thrs = {0.5, 0.75};
    params.max_dets = {100};
    const auto matches = detection::coco_match_images(prep.data, prep.cat_ids, params, 0);
    std::vector<Result> items;
    items.reserve(matches.size());
    for (const auto& m : matches) {
      const auto D = static_cast<std::int64_t>(m.dt.size()), G = static_cast<std::int64_t>(m.gt.size());
      std::vector<double> dt_ids, dt_scores, gt_ids, gt_ignore, dt_matches, gt_matches, dt_ignore;
      for (auto d : m.dt) {
        dt_ids.push_back(static_cast<double>(prep.det_ids[static_cast<std::size_t>(d)]));
        dt_scores.push_back(prep.data.det_scores[static_cast<std::size_t>(d)]);
      }
      for (std::size_t g = 0; g < m.gt.size(); ++g) {
        gt_ids.push_back(static_cast<double>(prep.gt_ids[static_cast<std::size_t>(m.gt[g])]));
        gt_ignore.push_back(m.gt_ignore[g]);
      }
      for (auto pos : m.dt_match) dt_matches.push_back(pos < 0 ? 0.0 : gt_ids[static_cast<std::size_t>(pos)]);
      for (auto pos : m.gt_match) gt_matches.push_back(pos < 0 ? 0.0 : dt_ids[static_cast<std::size_t>(pos)]);
      for (auto ig : m.dt_ignore) dt_ignore.push_back(ig);
      items.push_back(Result::dict({
          {"image_id", Result(Tensor::scalar(static_cast<double>(prep.image_ids[static_cast<std::size_t>(m.image)])))},
          {"category_id",
           Result(Tensor::scalar(static_cast<double>(prep.cat_ids[static_cast<std::size_t>(m.category)])))},
          {"dt_ids", Result(vector_tensor(dt_ids, {D}))},
          {"dt_scores", Result(vector_tensor(dt_scores, {D}))},
          {"gt_ids", Result(vector_tensor(gt_ids, {G}))},
          {"gt_ignore", Result(vector_tensor(gt_ignore, {G}))},
          {"dt_matches", Result(vector_tensor(dt_matches, {2, D}))},
          {"gt_matches", Result(vector_tensor(gt_matches, {2, G}))},
          {"dt_ignore", Result(vector_tensor(dt_ignore, {2, D}))},
      }));
    }
    return Result::list(std::move(items));
  }
};

const std::vector<InputSpec> kCocoInputs = {
    {"gt", false, "COCO ground truth as JSON text: {images, annotations, categories} (a COCO annotation file)",
     InputKind::text},
    {"dt", false,
     "COCO results as JSON text: [{image_id, category_id, score, bbox | segmentation | keypoints}] (a results file)",
     InputKind::text},
};

}  // namespace

WASMETRICS_COLD MetricSpec coco_segm_polygons_spec() {
  return {
      .name = "COCOSegmPolygons",
      .family = "detection",
      .doc =
          "pycocotools COCOeval segm stats (12: AP, AP50, AP75, AP S/M/L, AR@1/10/100, AR S/M/L) from COCO JSON: "
          "polygons rasterised and RLE read exactly as pycocotools does, float64 thresholds.",
      .inputs = kCocoInputs,
      .options = {},
      .make = [](const Options& o) { return std::make_unique<COCOSegmPolygons>(o); },
      .batching = Batching::updates,
      .rejects_mismatched_rows = false,
      .examples = examples_from_json(
          R"json([{"doc": "Hand-worked: one polygon found exactly (score 0.9), one missed, one false positive (0.8): AP = 51/101 at every IoU, AR 0.5; both objects small", "args": {}, "batches": [{"gt": {"images": [{"id": 1, "height": 10, "width": 10}], "categories": [{"id": 1, "name": "shape"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 16.0, "bbox": [1, 1, 4, 4], "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]]}, {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 4.0, "bbox": [7, 7, 2, 2], "segmentation": [[7, 7, 9, 7, 9, 9, 7, 9]]}]}, "dt": [{"image_id": 1, "category_id": 1, "score": 0.9, "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]]}, {"image_id": 1, "category_id": 1, "score": 0.8, "segmentation": [[6, 0, 9, 0, 9, 3, 6, 3]]}]}], "expected": {"stats": {"shape": [12], "data": [0.504950495049505, 0.504950495049505, 0.504950495049505, 0.504950495049505, -1, -1, 0.5, 0.5, 0.5, 0.5, -1, -1]}}, "atol": 1e-12}])json"),
  };
}

WASMETRICS_COLD MetricSpec coco_keypoints_spec() {
  return {
      .name = "COCOKeypoints",
      .family = "detection",
      .doc =
          "pycocotools COCOeval keypoints stats (10: AP, AP50, AP75, AP M/L, AR, AR50, AR75, AR M/L) from COCO JSON, "
          "by object keypoint similarity (OKS) with per-keypoint sigmas.",
      .inputs = kCocoInputs,
      .options = {detection::kpt_oks_sigmas_option()},
      .make = [](const Options& o) { return std::make_unique<COCOKeypoints>(o); },
      .batching = Batching::updates,
      .rejects_mismatched_rows = false,
      .examples = examples_from_json(
          R"json([{"doc": "Hand-worked, 3 keypoints with sigma 0.1: detection 1 exact (OKS 1), detection 2 shifted 4 px on a 400 px^2 person (OKS exp(-0.5) = 0.607: a match at 0.5-0.6 only)", "args": {"kpt_oks_sigmas": [0.1, 0.1, 0.1]}, "batches": [{"gt": {"images": [{"id": 1}], "categories": [{"id": 1, "name": "person"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 400.0, "bbox": [10, 10, 20, 20], "num_keypoints": 3, "keypoints": [10, 10, 2, 20, 20, 2, 30, 30, 2]}, {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 400.0, "bbox": [100, 100, 20, 1], "num_keypoints": 3, "keypoints": [100, 100, 2, 110, 100, 2, 120, 100, 2]}]}, "dt": [{"image_id": 1, "category_id": 1, "score": 0.9, "keypoints": [10, 10, 1, 20, 20, 1, 30, 30, 1]}, {"image_id": 1, "category_id": 1, "score": 0.8, "keypoints": [104, 100, 1, 114, 100, 1, 124, 100, 1]}]}], "expected": {"stats": {"shape": [10], "data": [0.6534653465346535, 1, 0.504950495049505, -1, -1, 0.65, 1, 0.5, -1, -1]}}, "atol": 1e-12}])json"),
  };
}

WASMETRICS_COLD MetricSpec coco_matches_spec() {
  return {
      .name = "COCOMatches",
      .family = "detection",
      .doc =
          "pycocotools evaluateImg's per-image, per-category matching (IoU/OKS 0.5 and 0.75, area all, 100 "
          "detections): matched ids, scores and ignore flags, for bbox, segm or keypoints.",
      .inputs = kCocoInputs,
      .options = {{.name = "iou_type",
                   .type = OptionType::string,
                   .default_value = "bbox",
                   .choices = {"bbox", "segm", "keypoints"},
                   .doc = "what is compared: boxes, masks (polygons/RLE) or keypoints (OKS)"},
                  detection::kpt_oks_sigmas_option()},
      .make = [](const Options& o) { return std::make_unique<COCOMatches>(o); },
      .batching = Batching::updates,
      .rejects_mismatched_rows = false,
      .examples = examples_from_json(
          R"json([{"doc": "Hand-worked: the same polygons matched as evaluateImg does (detection 1 takes ground truth 1 at IoU 0.5 and 0.75; detection 2 and ground truth 2 stay unmatched)", "args": {"iou_type": "segm"}, "batches": [{"gt": {"images": [{"id": 1, "height": 10, "width": 10}], "categories": [{"id": 1, "name": "shape"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 16.0, "bbox": [1, 1, 4, 4], "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]]}, {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 4.0, "bbox": [7, 7, 2, 2], "segmentation": [[7, 7, 9, 7, 9, 9, 7, 9]]}]}, "dt": [{"image_id": 1, "category_id": 1, "score": 0.9, "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]]}, {"image_id": 1, "category_id": 1, "score": 0.8, "segmentation": [[6, 0, 9, 0, 9, 3, 6, 3]]}]}], "expected": [{"image_id": {"shape": [], "data": [1]}, "category_id": {"shape": [], "data": [1]}, "dt_ids": {"shape": [2], "data": [1, 2]}, "dt_scores": {"shape": [2], "data": [0.9, 0.8]}, "gt_ids": {"shape": [2], "data": [1, 2]}, "gt_ignore": {"shape": [2], "data": [0, 0]}, "dt_matches": {"shape": [2, 2], "data": [1, 0, 1, 0]}, "gt_matches": {"shape": [2, 2], "data": [1, 0, 1, 0]}, "dt_ignore": {"shape": [2, 2], "data": [0, 0, 0, 0]}}], "atol": 1e-12}])json"),
  };
}

}  // namespace wasmetrics
