// MeanAveragePrecision (TorchMetrics detection/mean_ap.py with the pycocotools backend): COCO mAP/mAR
// for boxes. Per-image inputs are flat (detection/inputs.hpp). The state keeps every image's
// annotations as cat states — boxes already converted to COCO xywh the way TorchMetrics converts
// them — so merging two instances appends one's images after the other's, and compute() is COCOeval
// on all images in that order (detection/coco_eval.cpp).
//
// States (all cat):
//   det_boxes [Kd, 4] f64 xywh, det_scores [Kd] f64, det_labels [Kd] i64, det_counts [B] i64
//   gt_boxes [Kg, 4] f64 xywh, gt_labels [Kg] i64, gt_iscrowd [Kg] i64, gt_area [Kg] f64 (0: none
//   given, the box area is used), gt_counts [B] i64
//   iou_type='segm': det_mask_runs / gt_mask_runs [*] i64 (every mask's COCO RLE run lengths, in
//   order) and det_mask_info / gt_mask_info [K, 3] i64 (h, w, number of runs); the box states stay empty
//   iou_type='keypoints': det_keypoints / gt_keypoints [K * N, 3] f64 (x, y, v of N keypoints per
//   object); det_boxes hold the keypoint extent (COCO.loadRes), gt_boxes the given boxes
// Keypoints are COCOeval's iouType 'keypoints' (OKS, detection/oks.hpp), as COCOKeypoints computes
// them: a ground truth without labelled keypoints is ignored, and the 10 keypoint stats are returned.
#include <algorithm>
#include <cstdio>
#include <set>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/detection/coco_eval.hpp"
#include "wasmetrics/detection/inputs.hpp"
#include "wasmetrics/detection/oks_options.hpp"
#include "wasmetrics/detection/rle.hpp"

namespace wasmetrics {
namespace {

using detection::BoxFormat;

// Floats per SIMD vector of the CPU build that produced TorchMetrics' default recall thresholds
// (torch.linspace(0, 1, 101) runs ATen's vectorised kernel; see torch_linspace_f32).
constexpr int kLinspaceLanes = 8;

// Caps on the work-scaling list options (COCO uses 10 IoU and 101 recall thresholds).
constexpr std::size_t kMaxIouThresholds = 1000;
constexpr std::size_t kMaxRecThresholds = 100000;

Result squeeze_result(Tensor t) { return Result::squeezed(std::move(t)); }

void set_field(std::vector<std::pair<std::string, Result>>& fields, const std::string& key, Result value) {
  for (auto& [k, v] : fields)
    if (k == key) {  // a Python dict keeps the first position and the last value
      v = std::move(value);
      return;
    }
  fields.emplace_back(key, std::move(value));
}

class MeanAveragePrecision final : public Metric {
 public:
  explicit MeanAveragePrecision(Options o) : Metric(std::move(o)) {
    box_format_ = detection::parse_box_format(options().get_string("box_format"));
    class_metrics_ = options().get_bool("class_metrics");
    extended_ = options().get_bool("extended_summary");
    micro_ = options().get_string("average") == "micro";
    segm_ = options().get_string("iou_type") == "segm";
    keypoints_ = options().get_string("iou_type") == "keypoints";
    if (keypoints_) {
      // COCOeval's setKpParams: areas all, medium, large and one max detections value (20).
      sigmas_ = detection::read_oks_sigmas(name(), options());
      params_.area_ranges = detection::coco_keypoint_params().area_ranges;
    }
    params_.iou_thrs = options().is_null("iou_thresholds")
                           ? detection::torch_linspace_f32(0.5, 0.95, 10, kLinspaceLanes)
                           : options().get_numbers("iou_thresholds");
    params_.rec_thrs = options().is_null("rec_thresholds")
                           ? detection::torch_linspace_f32(0.0, 1.0, 101, kLinspaceLanes)
                           : options().get_numbers("rec_thresholds");
    // compute() fills a precision table of every IoU threshold x recall threshold x class x area x
    // max-detections cell, and matches every image once per IoU threshold: caps, not surprises.
    if (params_.iou_thrs.size() > kMaxIouThresholds)
      fail(name(), ": option 'iou_thresholds' may list at most ", kMaxIouThresholds,
           " values (each one is a full matching "
           "pass over every image at compute()), got ",
           params_.iou_thrs.size());
    if (params_.rec_thrs.size() > kMaxRecThresholds)
      fail(name(), ": option 'rec_thresholds' may list at most ", kMaxRecThresholds,
           " values (each one is a column of the "
           "precision table compute() fills for every class and IoU threshold), got ",
           params_.rec_thrs.size());
    if (options().is_null("max_detection_thresholds")) {
      params_.max_dets = keypoints_ ? std::vector<std::int64_t>{20} : std::vector<std::int64_t>{1, 10, 100};
    } else {
      for (double v : options().get_numbers("max_detection_thresholds"))
        params_.max_dets.push_back(static_cast<std::int64_t>(v));
      if (keypoints_ && params_.max_dets.size() != 1)
        fail(name(), ": option 'max_detection_thresholds' must have length 1 with iou_type='keypoints' (COCOeval's ",
             "keypoint stats use one max detections value), got ", params_.max_dets.size(), " values");
      if (!keypoints_ && params_.max_dets.size() != 3)
        fail(name(), ": option 'max_detection_thresholds' must have length 3 when given, got ", params_.max_dets.size(),
             " value", params_.max_dets.size() == 1 ? "" : "s");
      std::sort(params_.max_dets.begin(), params_.max_dets.end());
    }
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const std::string& m = name();
    detection::BoxSide pred, target;
    if (segm_) {
      // Masks are what is compared; the box inputs may be empty ([0, 4]) and are not used.
      if (in.size() < 11)
        fail(m, ": iou_type='segm' needs `pred_masks` and `target_masks` (give target_iscrowd and target_area, ",
             "zeros for none, before them)");
      pred.counts = detection::read_counts(m, "pred_counts", in[3]);
      target.counts = detection::read_counts(m, "target_counts", in[6]);
      for (auto c : pred.counts) pred.total += c;
      for (auto c : target.counts) target.total += c;
      if (in[0].numel() > 0)
        detection::read_boxes(m, "pred_boxes", in[0], "pred_counts", in[3], box_format_, BoxFormat::xywh);
      if (in[4].numel() > 0)
        detection::read_boxes(m, "target_boxes", in[4], "target_counts", in[6], box_format_, BoxFormat::xywh);
    } else if (keypoints_) {
      // Detections are placed by their keypoints (pred boxes may be empty [0, 4] and are not used);
      // ground truths need their boxes (OKS of a ground truth without labelled keypoints).
      if (in.size() < 13)
        fail(m, ": iou_type='keypoints' needs `pred_keypoints` and `target_keypoints` (give target_iscrowd, ",
             "target_area, pred_masks and target_masks, empty or zeros for none, before them)");
      pred.counts = detection::read_counts(m, "pred_counts", in[3]);
      for (auto c : pred.counts) pred.total += c;
      if (in[0].numel() > 0)
        detection::read_boxes(m, "pred_boxes", in[0], "pred_counts", in[3], box_format_, BoxFormat::xywh);
      target = detection::read_boxes(m, "target_boxes", in[4], "target_counts", in[6], box_format_, BoxFormat::xywh);
    } else {
      // Boxes straight into the batch's state: no per-box vectors beside it (compute's peak, issue 25).
      detection::CatStateSink<double> det_boxes{det_boxes_, s}, gt_boxes{gt_boxes_, s};
      pred = detection::read_boxes_into(m, "pred_boxes", in[0], "pred_counts", in[3], box_format_, BoxFormat::xywh,
                                        det_boxes);
      target = detection::read_boxes_into(m, "target_boxes", in[4], "target_counts", in[6], box_format_,
                                          BoxFormat::xywh, gt_boxes);
    }
    const char* items = segm_ ? "pred_masks" : keypoints_ ? "pred_keypoints" : "pred_boxes";
    const char* target_items = segm_ ? "target_masks" : "target_boxes";
    detection::CatStateSink<double> scores{det_scores_, s}, area{gt_area_, s};
    detection::CatStateSink<std::int64_t> pred_labels{det_labels_, s}, target_labels{gt_labels_, s},
        crowd{gt_iscrowd_, s};
    detection::read_values_into(m, "pred_scores", in[1], items, pred.total, false, scores);
    detection::read_labels_into(m, "pred_labels", in[2], items, pred.total, pred_labels);
    detection::read_labels_into(m, "target_labels", in[5], target_items, target.total, target_labels);
    detection::require_same_images(m, pred, target);
    if (in.size() > 7)
      detection::read_labels_into(m, "target_iscrowd", in[7], target_items, target.total, crowd);
    else
      gt_iscrowd_.append(s, std::vector<std::int64_t>(static_cast<std::size_t>(target.total), 0));
    if (in.size() > 8)
      detection::read_values_into(m, "target_area", in[8], target_items, target.total, true, area);
    else
      gt_area_.append(s, std::vector<double>(static_cast<std::size_t>(target.total), 0.0));
    if (segm_) {
      read_masks("pred_masks", in[9], "pred_counts", pred.total, s, det_masks_);
      read_masks("target_masks", in[10], "target_counts", target.total, s, gt_masks_);
    } else if (keypoints_) {
      auto det_kp = read_keypoints("pred_keypoints", in[11], "pred_counts", pred.total);
      auto gt_kp = read_keypoints("target_keypoints", in[12], "target_counts", target.total);
      const std::size_t n = sigmas_.size();
      std::vector<double> det_boxes;
      for (std::int64_t k = 0; k < pred.total; ++k) {
        const auto box = detection::keypoint_extent_box(&det_kp[static_cast<std::size_t>(k) * n * 3], n);
        det_boxes.insert(det_boxes.end(), box.begin(), box.end());
      }
      det_boxes_.append(s, det_boxes);
      gt_boxes_.append(s, target.boxes);
      det_keypoints_.append(s, det_kp);
      gt_keypoints_.append(s, gt_kp);
    }
    det_counts_.append(s, pred.counts);
    gt_counts_.append(s, target.counts);
  }

  Result compute_state(const State& s) const override {
    auto det_counts = det_counts_.span(s);
    auto gt_counts = gt_counts_.span(s);
    auto det_labels = det_labels_.span(s);
    auto gt_labels = gt_labels_.span(s);
    if (det_counts.size() != gt_counts.size()) fail(name(), ": corrupt state (image counts differ)");

    // _get_classes(): sorted unique labels of detections and ground truth.
    std::set<std::int64_t> class_set(det_labels.begin(), det_labels.end());
    class_set.insert(gt_labels.begin(), gt_labels.end());
    const std::vector<std::int64_t> classes(class_set.begin(), class_set.end());

    std::vector<std::pair<std::string, Result>> fields;
    const auto& mdt = params_.max_dets;
    auto stat_names = [&]() {
      return std::vector<std::string>{"map",
                                      "map_50",
                                      "map_75",
                                      "map_small",
                                      "map_medium",
                                      "map_large",
                                      "mar_" + std::to_string(mdt[0]),
                                      "mar_" + std::to_string(mdt[1]),
                                      "mar_" + std::to_string(mdt[2]),
                                      "mar_small",
                                      "mar_medium",
                                      "mar_large"};
    };
    auto put_stats = [&](const std::array<double, 12>& stats) {
      auto names = stat_names();
      for (std::size_t i = 0; i < 12; ++i) set_field(fields, names[i], Result::scalar(to_f32(stats[i])));
    };
    // COCOeval's _summarizeKps: AP and AR over all thresholds, at 0.5 and 0.75, medium and large.
    static const char* const kKeypointStats[10] = {"map", "map_50", "map_75", "map_medium", "map_large",
                                                   "mar", "mar_50", "mar_75", "mar_medium", "mar_large"};
    auto put_keypoint_stats = [&](const std::array<double, 10>& stats) {
      for (std::size_t i = 0; i < 10; ++i) set_field(fields, kKeypointStats[i], Result::scalar(to_f32(stats[i])));
    };
    const std::string mar_per_class = keypoints_ ? "mar_per_class" : "mar_" + std::to_string(mdt.back()) + "_per_class";

    const std::int64_t images = static_cast<std::int64_t>(det_counts.size());
    // TorchMetrics' COCO datasets: every image for boxes; for masks only the images with a mask
    // (mean_ap.py _get_coco_format), and all -1 when either dataset has no image.
    bool any_pred_image = images > 0, any_target_image = images > 0;
    if (segm_) {
      any_pred_image = std::any_of(det_counts.begin(), det_counts.end(), [](std::int64_t c) { return c > 0; });
      any_target_image = std::any_of(gt_counts.begin(), gt_counts.end(), [](std::int64_t c) { return c > 0; });
    }
    if (!any_pred_image || !any_target_image) {
      std::array<double, 12> none;
      none.fill(-1.0);
      if (keypoints_)
        put_keypoint_stats({-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0});
      else
        put_stats(none);
    } else {
      detection::CocoData data = coco_data(s, micro_);
      // the summaries read the precision of these maxDets only (the rest is for extended_summary)
      const std::vector<std::int64_t> ap_max_dets =
          keypoints_ ? std::vector<std::int64_t>{mdt.back()} : detection::coco_summary_max_dets(params_);
      auto ev = detection::coco_evaluate(data, classes, params_, extended_, &ap_max_dets);
      if (keypoints_)
        put_keypoint_stats(detection::coco_summarize_keypoints(ev, params_, mdt.back()));
      else
        put_stats(detection::coco_summarize(ev, params_));
      if (extended_) add_extended(fields, ev);
      Tensor map_pc, mar_pc;
      if (class_metrics_) {
        const detection::CocoEvalOutput* macro = &ev;
        detection::CocoEvalOutput macro_ev;
        if (micro_) {
          macro_ev = detection::coco_evaluate(coco_data(s, false), classes, params_, false, &ap_max_dets);
          macro = &macro_ev;
        }
        for (std::size_t k = 0; k < classes.size(); ++k) {
          const auto only = static_cast<std::int64_t>(k);
          if (keypoints_) {
            auto st = detection::coco_summarize_keypoints(*macro, params_, mdt.back(), only);
            map_pc.data.push_back(to_f32(st[0]));
            mar_pc.data.push_back(to_f32(st[5]));
          } else {
            auto st = detection::coco_summarize(*macro, params_, only);
            map_pc.data.push_back(to_f32(st[0]));
            mar_pc.data.push_back(to_f32(st[8]));
          }
        }
        map_pc.shape = mar_pc.shape = {static_cast<std::int64_t>(classes.size())};
      } else {
        map_pc = Tensor{{-1.0}, {1}};
        mar_pc = Tensor{{-1.0}, {1}};
      }
      set_field(fields, "map_per_class", squeeze_result(std::move(map_pc)));
      set_field(fields, mar_per_class, squeeze_result(std::move(mar_pc)));
    }
    Tensor cls;
    for (auto c : classes) cls.data.push_back(static_cast<double>(c));
    cls.shape = {static_cast<std::int64_t>(classes.size())};
    set_field(fields, "classes", squeeze_result(std::move(cls)));
    return Result::dict(std::move(fields));
  }

 private:
  // One side's masks: every mask's COCO RLE run lengths, in order, and (h, w, number of runs) per mask.
  struct MaskSlots {
    StateSlot<std::int64_t> runs, info;
  };
  MaskSlots declare_masks(const std::string& side) {
    auto runs = declare_state<std::int64_t>(side + "_mask_runs", Reduction::cat, {0});
    return {runs, declare_state<std::int64_t>(side + "_mask_info", Reduction::cat, {0, 3})};
  }

  static double to_f32(double v) { return static_cast<double>(static_cast<float>(v)); }

  // COCOeval's inputs over the state: the per-box arrays are borrowed from it (compute() holds the
  // state), only the per-image offsets and the ground truths' flags and areas are built here.
  detection::CocoData coco_data(const State& s, bool micro) const {
    detection::CocoData d;
    auto det_counts = det_counts_.span(s);
    auto gt_counts = gt_counts_.span(s);
    d.num_images = static_cast<std::int64_t>(det_counts.size());
    d.det_offsets.assign(1, 0);
    for (auto c : det_counts) d.det_offsets.push_back(d.det_offsets.back() + c);
    d.gt_offsets.assign(1, 0);
    for (auto c : gt_counts) d.gt_offsets.push_back(d.gt_offsets.back() + c);
    d.det_boxes = det_boxes_.span(s);
    d.gt_boxes = gt_boxes_.span(s);
    d.det_scores = det_scores_.span(s);
    d.det_labels = det_labels_.span(s);
    d.gt_labels = gt_labels_.span(s);
    const std::size_t kd = d.det_scores.size(), kg = d.gt_labels.size();
    std::vector<detection::Rle> det_masks, gt_masks;
    if (segm_) {
      det_masks = masks_of(s, det_masks_);
      gt_masks = masks_of(s, gt_masks_);
      if (det_masks.size() != kd || gt_masks.size() != kg) fail(name(), ": corrupt state (mask counts differ)");
      // Boxes are not used; placeholders keep the annotation arrays aligned.
      d.det_boxes = d.own(std::vector<double>(kd * 4, 0.0));
      d.gt_boxes = d.own(std::vector<double>(kg * 4, 0.0));
      std::vector<std::uint8_t> evaluated(static_cast<std::size_t>(d.num_images));
      for (std::size_t i = 0; i < gt_counts.size(); ++i) evaluated[i] = gt_counts[i] > 0;
      d.image_evaluated = d.own(std::move(evaluated));
      std::vector<double> det_area(kd);
      for (std::size_t i = 0; i < kd; ++i) det_area[i] = static_cast<double>(detection::rle_area(det_masks[i]));
      d.det_area = d.own(std::move(det_area));
    }
    // average="micro": every label becomes 0 while the categories stay the classes seen (mean_ap.py).
    if (micro) {
      d.det_labels = d.own(std::vector<std::int64_t>(kd, 0));
      d.gt_labels = d.own(std::vector<std::int64_t>(kg, 0));
    }
    if (d.det_offsets.back() != static_cast<std::int64_t>(kd) || d.gt_offsets.back() != static_cast<std::int64_t>(kg) ||
        d.det_boxes.size() != kd * 4 || d.gt_boxes.size() != kg * 4 || d.det_labels.size() != kd)
      fail(name(), ": corrupt state (annotation counts differ)");
    auto crowd = gt_iscrowd_.span(s);
    auto area = gt_area_.span(s);
    if (crowd.size() != kg || area.size() != kg) fail(name(), ": corrupt state (annotation counts differ)");
    std::vector<std::uint8_t> gt_crowd(kg);
    std::vector<double> gt_area(kg);
    for (std::size_t i = 0; i < kg; ++i) {
      gt_crowd[i] = crowd[i] != 0;
      const double own =
          segm_ ? static_cast<double>(detection::rle_area(gt_masks[i])) : d.gt_boxes[i * 4 + 2] * d.gt_boxes[i * 4 + 3];
      gt_area[i] = area[i] > 0 ? area[i] : own;
    }
    d.gt_crowd = d.own(std::move(gt_crowd));
    d.gt_area = d.own(std::move(gt_area));
    if (keypoints_) {
      // COCOeval ignores a ground truth without labelled keypoints (num_keypoints 0: no v > 0).
      auto gk = gt_keypoints_.span(s);
      auto dk = det_keypoints_.span(s);
      const std::size_t per = sigmas_.size() * 3;
      if (gk.size() != kg * per || dk.size() != kd * per) fail(name(), ": corrupt state (keypoint counts differ)");
      std::vector<std::uint8_t> ignore(kg);
      for (std::size_t i = 0; i < kg; ++i) {
        bool labelled = false;
        for (std::size_t j = 0; j < sigmas_.size(); ++j) labelled = labelled || gk[i * per + 3 * j + 2] > 0;
        ignore[i] = !labelled;
      }
      d.gt_ignore = d.own(std::move(ignore));
      d.iou_fn = detection::oks_similarity({dk.begin(), dk.end()}, {gk.begin(), gk.end()},
                                           {d.gt_boxes.begin(), d.gt_boxes.end()}, {d.gt_area.begin(), d.gt_area.end()},
                                           sigmas_);
    }
    if (segm_) {
      d.iou_fn = [det = std::move(det_masks), gt = std::move(gt_masks)](std::int64_t a, std::int64_t b, bool crowd) {
        return detection::rle_iou(det[static_cast<std::size_t>(a)], gt[static_cast<std::size_t>(b)], crowd);
      };
    }
    return d;
  }

  // Masks [K, H, W] (bool or integer 0/1) to RLE states.
  void read_masks(const char* arg, const TensorView& t, const char* counts_name, std::int64_t k, State& s,
                  const MaskSlots& slots) const {
    if (is_floating(t.dtype))
      fail(name(), ": `", arg, "` must be a bool or integer 0/1 tensor [K, H, W], got ", dtype_name(t.dtype));
    const bool empty = k == 0 && t.numel() == 0 && t.ndim() <= 3;
    if (!empty && (t.ndim() != 3 || t.shape[0] != k))
      fail(name(), ": `", arg, "` must have shape [K, H, W] with K = the sum of `", counts_name, "` (", k, "), got ",
           shape_str(t.shape));
    if (empty) return;
    const std::int64_t h = t.shape[1], w = t.shape[2];
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(h * w));
    visit_elements(t, [&](auto values) {
      for (std::int64_t n = 0; n < k; ++n) {
        for (std::int64_t j = 0; j < h * w; ++j) {
          const auto v = values[static_cast<std::size_t>(n * h * w + j)];
          if (v != 0 && v != 1)
            fail(name(), ": `", arg, "` must hold 0 and 1 only, got ", static_cast<double>(v), " in mask ", n);
          mask[static_cast<std::size_t>(j)] = v != 0;
        }
        auto rle = detection::rle_encode(mask.data(), h, w);
        for (auto c : rle.counts) slots.runs.append(s, static_cast<std::int64_t>(c));
        const std::int64_t rec[3] = {h, w, static_cast<std::int64_t>(rle.counts.size())};
        slots.info.append(s, std::span<const std::int64_t>(rec, 3));
      }
    });
  }

  // Keypoints [K, N, 3] (x, y, v; N = one per kpt_oks_sigmas entry), floating and finite, flat.
  std::vector<double> read_keypoints(const char* arg, const TensorView& t, const char* counts_name,
                                     std::int64_t k) const {
    const auto n = static_cast<std::int64_t>(sigmas_.size());
    if (!is_floating(t.dtype))
      fail(name(), ": `", arg, "` must be a floating point tensor [K, N, 3] (x, y, visibility), got ",
           dtype_name(t.dtype));
    const bool empty = k == 0 && t.numel() == 0 && t.ndim() <= 3;
    if (!empty && (t.ndim() != 3 || t.shape[0] != k || t.shape[1] != n || t.shape[2] != 3))
      fail(name(), ": `", arg, "` must have shape [K, N, 3] with K = the sum of `", counts_name, "` (", k,
           ") and N = ", n, " (one keypoint per kpt_oks_sigmas entry), got ", shape_str(t.shape));
    std::vector<double> out(static_cast<std::size_t>(empty ? 0 : t.numel()));
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = t.at(static_cast<std::int64_t>(i));
      if (!std::isfinite(out[i]))
        fail(name(), ": `", arg, "` must be finite, got ", out[i], " in object ",
             static_cast<std::int64_t>(i) / (3 * n));
    }
    return out;
  }

  std::vector<detection::Rle> masks_of(const State& s, const MaskSlots& slots) const {
    auto runs = slots.runs.span(s);
    auto info = slots.info.span(s);
    std::vector<detection::Rle> out;
    std::size_t at = 0;
    for (std::size_t i = 0; i + 2 < info.size(); i += 3) {
      detection::Rle r;
      r.h = info[i];
      r.w = info[i + 1];
      const auto n = static_cast<std::size_t>(info[i + 2]);
      if (at + n > runs.size()) fail(name(), ": corrupt state (mask runs)");
      for (std::size_t j = 0; j < n; ++j) r.counts.push_back(static_cast<std::uint32_t>(runs[at + j]));
      at += n;
      out.push_back(std::move(r));
    }
    return out;
  }

  void add_extended(std::vector<std::pair<std::string, Result>>& fields, const detection::CocoEvalOutput& ev) const {
    std::vector<std::pair<std::string, Result>> ious;
    for (auto& rec : ev.ious) {
      Tensor t;
      if (rec.rows > 0 && rec.cols > 0) {
        t.shape = {rec.rows, rec.cols};
        for (double v : rec.values) t.data.push_back(to_f32(v));
      } else {
        t.shape = {0};
      }
      std::string key = "(";  // Python's str of the (image_id, category_id) key
      key.append(std::to_string(rec.image)).append(", ").append(std::to_string(rec.category)).append(")");
      ious.emplace_back(std::move(key), Result(std::move(t)));
    }
    set_field(fields, "ious", Result::dict(std::move(ious)));
    set_field(fields, "precision", squeeze_result(Tensor{ev.precision, {ev.T, ev.R, ev.K, ev.A, ev.P}}));
    set_field(fields, "recall", squeeze_result(Tensor{ev.recall, {ev.T, ev.K, ev.A, ev.M}}));
    set_field(fields, "scores", squeeze_result(Tensor{ev.scores, {ev.T, ev.R, ev.K, ev.A, ev.P}}));
  }

  BoxFormat box_format_;
  bool class_metrics_, extended_, micro_, segm_, keypoints_ = false;
  detection::CocoParams params_;
  std::vector<double> sigmas_;  // iou_type='keypoints' only

  // Every state is declared whatever iou_type (blobs keep one layout); see the header comment.
  StateSlot<double> det_boxes_ = declare_state<double>("det_boxes", Reduction::cat, {0, 4});
  StateSlot<double> det_scores_ = declare_state<double>("det_scores", Reduction::cat, {0});
  StateSlot<std::int64_t> det_labels_ = declare_state<std::int64_t>("det_labels", Reduction::cat, {0});
  StateSlot<std::int64_t> det_counts_ = declare_state<std::int64_t>("det_counts", Reduction::cat, {0});
  StateSlot<double> gt_boxes_ = declare_state<double>("gt_boxes", Reduction::cat, {0, 4});
  StateSlot<std::int64_t> gt_labels_ = declare_state<std::int64_t>("gt_labels", Reduction::cat, {0});
  StateSlot<std::int64_t> gt_iscrowd_ = declare_state<std::int64_t>("gt_iscrowd", Reduction::cat, {0});
  StateSlot<double> gt_area_ = declare_state<double>("gt_area", Reduction::cat, {0});
  StateSlot<std::int64_t> gt_counts_ = declare_state<std::int64_t>("gt_counts", Reduction::cat, {0});
  MaskSlots det_masks_ = declare_masks("det");
  MaskSlots gt_masks_ = declare_masks("gt");
  StateSlot<double> det_keypoints_ = declare_state<double>("det_keypoints", Reduction::cat, {0, 3});
  StateSlot<double> gt_keypoints_ = declare_state<double>("gt_keypoints", Reduction::cat, {0, 3});
};

// TorchMetrics' docstring examples and a hand-worked keypoints case (MetricSpec::examples).
std::vector<MetricExample> mean_average_precision_examples() {
  return examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MeanAveragePrecision()", "args": {}, "batches": [{"preds": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [258.0, 41.0, 606.0, 285.0]}, "scores": {"dtype": "float32", "shape": [1], "data": [0.536]}, "labels": {"dtype": "int64", "shape": [1], "data": [0]}}], "target": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [214.0, 41.0, 562.0, 285.0]}, "labels": {"dtype": "int64", "shape": [1], "data": [0]}}]}], "expected": {"classes": {"shape": [], "data": [0]}, "map": {"shape": [], "data": [0.6]}, "map_50": {"shape": [], "data": [1]}, "map_75": {"shape": [], "data": [1]}, "map_large": {"shape": [], "data": [0.6]}, "map_medium": {"shape": [], "data": [-1]}, "map_per_class": {"shape": [], "data": [-1]}, "map_small": {"shape": [], "data": [-1]}, "mar_1": {"shape": [], "data": [0.6]}, "mar_10": {"shape": [], "data": [0.6]}, "mar_100": {"shape": [], "data": [0.6]}, "mar_100_per_class": {"shape": [], "data": [-1]}, "mar_large": {"shape": [], "data": [0.6]}, "mar_medium": {"shape": [], "data": [-1]}, "mar_small": {"shape": [], "data": [-1]}}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MeanAveragePrecision(iou_type='bbox')", "args": {"iou_type": "bbox"}, "batches": [{"preds": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [258.0, 41.0, 606.0, 285.0]}, "scores": {"dtype": "float32", "shape": [1], "data": [0.536]}, "labels": {"dtype": "int64", "shape": [1], "data": [0]}}], "target": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [214.0, 41.0, 562.0, 285.0]}, "labels": {"dtype": "int64", "shape": [1], "data": [0]}}]}], "expected": {"classes": {"shape": [], "data": [0]}, "map": {"shape": [], "data": [0.6]}, "map_50": {"shape": [], "data": [1]}, "map_75": {"shape": [], "data": [1]}, "map_large": {"shape": [], "data": [0.6]}, "map_medium": {"shape": [], "data": [-1]}, "map_per_class": {"shape": [], "data": [-1]}, "map_small": {"shape": [], "data": [-1]}, "mar_1": {"shape": [], "data": [0.6]}, "mar_10": {"shape": [], "data": [0.6]}, "mar_100": {"shape": [], "data": [0.6]}, "mar_100_per_class": {"shape": [], "data": [-1]}, "mar_large": {"shape": [], "data": [0.6]}, "mar_medium": {"shape": [], "data": [-1]}, "mar_small": {"shape": [], "data": [-1]}}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MeanAveragePrecision(iou_type='segm')", "args": {"iou_type": "segm"}, "batches": [{"preds": [{"masks": {"dtype": "bool", "shape": [1, 5, 5], "data": [false, false, false, false, false, false, false, true, true, false, false, false, true, true, false, false, false, false, false, false, false, false, false, false, false]}, "scores": {"dtype": "float32", "shape": [1], "data": [0.536]}, "labels": {"dtype": "int64", "shape": [1], "data": [0]}}], "target": [{"masks": {"dtype": "bool", "shape": [1, 5, 5], "data": [false, false, false, false, false, false, false, true, false, false, false, false, true, true, false, false, false, true, false, false, false, false, false, false, false]}, "labels": {"dtype": "int64", "shape": [1], "data": [0]}}]}], "expected": {"classes": {"shape": [], "data": [0]}, "map": {"shape": [], "data": [0.2]}, "map_50": {"shape": [], "data": [1]}, "map_75": {"shape": [], "data": [0]}, "map_large": {"shape": [], "data": [-1]}, "map_medium": {"shape": [], "data": [-1]}, "map_per_class": {"shape": [], "data": [-1]}, "map_small": {"shape": [], "data": [0.2]}, "mar_1": {"shape": [], "data": [0.2]}, "mar_10": {"shape": [], "data": [0.2]}, "mar_100": {"shape": [], "data": [0.2]}, "mar_100_per_class": {"shape": [], "data": [-1]}, "mar_large": {"shape": [], "data": [-1]}, "mar_medium": {"shape": [], "data": [-1]}, "mar_small": {"shape": [], "data": [0.2]}}, "atol": 5e-05},
        {"doc": "Hand-worked, 3 keypoints with sigma 0.1 (COCOKeypoints' example as tensors): detection 1 exact (OKS 1), detection 2 shifted 4 px on a 400 px^2 person (OKS exp(-0.5) = 0.607: a match at IoU thresholds 0.5-0.6 only): map = (3 + 7 * 51/101) / 10", "args": {"iou_type": "keypoints", "kpt_oks_sigmas": [0.1, 0.1, 0.1], "box_format": "xywh"}, "batches": [{"preds": [{"keypoints": {"dtype": "float32", "shape": [2, 3, 3], "data": [10, 10, 1, 20, 20, 1, 30, 30, 1, 104, 100, 1, 114, 100, 1, 124, 100, 1]}, "scores": {"dtype": "float32", "shape": [2], "data": [0.9, 0.8]}, "labels": {"dtype": "int64", "shape": [2], "data": [1, 1]}}], "target": [{"boxes": {"dtype": "float32", "shape": [2, 4], "data": [10, 10, 20, 20, 100, 100, 20, 1]}, "labels": {"dtype": "int64", "shape": [2], "data": [1, 1]}, "area": {"dtype": "float32", "shape": [2], "data": [400, 400]}, "keypoints": {"dtype": "float32", "shape": [2, 3, 3], "data": [10, 10, 2, 20, 20, 2, 30, 30, 2, 100, 100, 2, 110, 100, 2, 120, 100, 2]}}]}], "expected": {"classes": {"shape": [], "data": [1]}, "map": {"shape": [], "data": [0.6534653465346535]}, "map_50": {"shape": [], "data": [1]}, "map_75": {"shape": [], "data": [0.504950495049505]}, "map_medium": {"shape": [], "data": [-1]}, "map_large": {"shape": [], "data": [-1]}, "mar": {"shape": [], "data": [0.65]}, "mar_50": {"shape": [], "data": [1]}, "mar_75": {"shape": [], "data": [0.5]}, "mar_medium": {"shape": [], "data": [-1]}, "mar_large": {"shape": [], "data": [-1]}, "map_per_class": {"shape": [], "data": [-1]}, "mar_per_class": {"shape": [], "data": [-1]}}, "atol": 1e-06}
      ])json");
}

}  // namespace

WASMETRICS_COLD MetricSpec mean_average_precision_spec() {
  return {
      .name = "MeanAveragePrecision",
      .family = "detection",
      .doc =
          "COCO mean average precision and recall for boxes, masks or keypoints (pycocotools semantics), over all "
          "images of all batches.",
      .inputs =
          {
              {"pred_boxes", false,
               "float32/float64 [Kp, 4]: every image's predicted boxes (preds[i].boxes), concatenated in image order, "
               "in box_format"},
              {"pred_scores", false,
               "float32/float64 [Kp]: their confidence scores (preds[i].scores), concatenated the same way"},
              {"pred_labels", false, "integer [Kp]: their class labels (preds[i].labels), concatenated the same way"},
              {"pred_counts", false,
               "integer [B]: the number of predictions of each image (len(preds[i].labels)); B = len(preds)"},
              {"target_boxes", false,
               "float32/float64 [Kt, 4]: every image's ground-truth boxes (target[i].boxes), concatenated in image "
               "order"},
              {"target_labels", false,
               "integer [Kt]: their class labels (target[i].labels), concatenated the same way"},
              {"target_counts", false,
               "integer [B]: the number of ground-truth annotations of each image (len(target[i].labels)); B = "
               "len(target) = len(preds)"},
              {"target_iscrowd", true,
               "integer/bool [Kt]: crowd flags (target[i].iscrowd, 0 where an image has none); default all 0"},
              {"target_area", true,
               "float [Kt]: areas for the COCO area ranges (target[i].area; 0 where none: the box or mask area is "
               "used); needs target_iscrowd before it"},
              {"pred_masks", true,
               "bool/uint8 [Kp, H, W]: iou_type='segm' only, the predicted masks (preds[i].masks) concatenated (one H "
               "x W per update); the box inputs may then be empty [0, 4]"},
              {"target_masks", true,
               "bool/uint8 [Kt, H, W]: iou_type='segm' only, the ground-truth masks (target[i].masks) concatenated"},
              {"pred_keypoints", true,
               "float [Kp, N, 3]: iou_type='keypoints' only, the predicted keypoints (preds[i].keypoints: x, y, "
               "visibility; N = len(kpt_oks_sigmas)) concatenated; the pred box input may then be empty [0, 4] (a "
               "detection's box and area are its keypoints' extent, as COCO.loadRes)"},
              {"target_keypoints", true,
               "float [Kt, N, 3]: iou_type='keypoints' only, the ground-truth keypoints (target[i].keypoints; "
               "visibility 0 = not labelled, an object without labelled keypoints is ignored) concatenated; target "
               "boxes are required"},
          },
      .options =
          {
              {.name = "box_format",
               .type = OptionType::string,
               .default_value = "xyxy",
               .choices = {"xyxy", "xywh", "cxcywh"},
               .doc = "format of the input boxes"},
              {.name = "iou_type",
               .type = OptionType::string,
               .default_value = "bbox",
               .choices = {"bbox", "segm", "keypoints"},
               .doc = "what is compared: 'bbox' (boxes), 'segm' (masks, as COCO RLE) or 'keypoints' (OKS, COCOeval's "
                      "keypoint stats: map, map_50, map_75, map_medium, map_large, mar, mar_50, mar_75, mar_medium, "
                      "mar_large)"},
              {.name = "iou_thresholds",
               .type = OptionType::number_list,
               .default_value = nullptr,
               .nullable = true,
               .doc = "IoU thresholds; null: COCO's 0.5:0.05:0.95 (float32 values, as torch.linspace gives them)"},
              {.name = "rec_thresholds",
               .type = OptionType::number_list,
               .default_value = nullptr,
               .nullable = true,
               .doc = "recall thresholds; null: COCO's 101 points 0:0.01:1 (float32 values, as torch.linspace gives "
                      "them)"},
              {.name = "max_detection_thresholds",
               .type = OptionType::integer_list,
               .default_value = nullptr,
               .min = 0,
               .nullable = true,
               .doc = "three max detections per image (sorted); null: [1, 10, 100]. `map` uses 100 (-1 without it). "
                      "iou_type='keypoints': one value; null: [20]"},
              {.name = "class_metrics",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "also return map_per_class and mar_<maxdet>_per_class"},
              {.name = "extended_summary",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "also return ious, precision [T,R,K,A,M], recall [T,K,A,M] and scores [T,R,K,A,M]"},
              {.name = "average",
               .type = OptionType::string,
               .default_value = "macro",
               .choices = {"macro", "micro"},
               .doc = "macro: mean over classes; micro: every label taken as one class"},
              {.name = "backend",
               .type = OptionType::string,
               .default_value = "pycocotools",
               .choices = {"pycocotools"},
               .doc = "the COCO implementation whose numbers are reproduced (pycocotools only)"},
              detection::kpt_oks_sigmas_option(),
          },
      .make = [](const Options& o) { return std::make_unique<MeanAveragePrecision>(o); },
      .examples = mean_average_precision_examples(),
  };
}

}  // namespace wasmetrics
