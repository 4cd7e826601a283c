// IntersectionOverUnion, GeneralizedIntersectionOverUnion, DistanceIntersectionOverUnion,
// CompleteIntersectionOverUnion (TorchMetrics detection/iou.py, giou.py, diou.py, ciou.py with
// torchvision.ops box_iou / generalized_box_iou / distance_box_iou / complete_box_iou).
//
// Per image TorchMetrics builds a pred x target matrix; compute() averages every entry that is not
// the invalid marker (-1; CIoU -2): all same-label pairs, not matched pairs (QUIRKS D2). Entries
// below iou_threshold become the marker. An image without predictions gives a zero [Kt, Kt] matrix,
// one without ground truth a zero [Kp, Kp] matrix; with respect_labels only their diagonal counts
// (the label mask is then the identity). With class_metrics, an image with predictions and no ground
// truth makes compute() fail as TorchMetrics' IndexError does.
//
// States (all cat): pred_boxes [Kp, 4] f64 xyxy, pred_labels [Kp] i64, pred_counts [B] i64,
// target_boxes [Kt, 4], target_labels [Kt], target_counts [B], float32 [B] u8 (both sides were float32:
// the matrices are then computed in float32, as torch does).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <set>
#include <span>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/detection/inputs.hpp"

namespace wasmetrics {
namespace {

using detection::BoxFormat;

enum class IouKind { iou, giou, diou, ciou };

// One pair of xyxy boxes, in T arithmetic, as torchvision computes the matrix entry.
template <class T>
T pair_iou(IouKind kind, const T* a, const T* b) {
  const T area1 = static_cast<T>((a[2] - a[0]) * (a[3] - a[1]));
  const T area2 = static_cast<T>((b[2] - b[0]) * (b[3] - b[1]));
  const T ltx = std::max(a[0], b[0]), lty = std::max(a[1], b[1]);
  const T rbx = std::min(a[2], b[2]), rby = std::min(a[3], b[3]);
  const T w = std::max(static_cast<T>(rbx - ltx), T(0)), h = std::max(static_cast<T>(rby - lty), T(0));
  const T inter = static_cast<T>(w * h);
  const T uni = static_cast<T>(static_cast<T>(area1 + area2) - inter);
  const T iou = static_cast<T>(inter / uni);
  if (kind == IouKind::iou) return iou;
  const T lix = std::min(a[0], b[0]), liy = std::min(a[1], b[1]);
  const T rix = std::max(a[2], b[2]), riy = std::max(a[3], b[3]);
  const T wi = std::max(static_cast<T>(rix - lix), T(0)), hi = std::max(static_cast<T>(riy - liy), T(0));
  if (kind == IouKind::giou) {
    const T areai = static_cast<T>(wi * hi);
    return static_cast<T>(iou - static_cast<T>(static_cast<T>(areai - uni) / areai));
  }
  const T eps = static_cast<T>(1e-7);
  const T diag = static_cast<T>(static_cast<T>(static_cast<T>(wi * wi) + static_cast<T>(hi * hi)) + eps);
  const T xp = static_cast<T>((a[0] + a[2]) / T(2)), yp = static_cast<T>((a[1] + a[3]) / T(2));
  const T xg = static_cast<T>((b[0] + b[2]) / T(2)), yg = static_cast<T>((b[1] + b[3]) / T(2));
  const T dx = static_cast<T>(xp - xg), dy = static_cast<T>(yp - yg);
  const T centers = static_cast<T>(static_cast<T>(dx * dx) + static_cast<T>(dy * dy));
  const T diou = static_cast<T>(iou - static_cast<T>(centers / diag));
  if (kind == IouKind::diou) return diou;
  const T w_pred = static_cast<T>(a[2] - a[0]), h_pred = static_cast<T>(a[3] - a[1]);
  const T w_gt = static_cast<T>(b[2] - b[0]), h_gt = static_cast<T>(b[3] - b[1]);
  const T d_atan = static_cast<T>(std::atan(static_cast<T>(w_pred / h_pred)) - std::atan(static_cast<T>(w_gt / h_gt)));
  const T four_over_pi2 = static_cast<T>(4.0 / (std::numbers::pi * std::numbers::pi));
  const T v = static_cast<T>(four_over_pi2 * static_cast<T>(d_atan * d_atan));
  const T alpha = static_cast<T>(v / static_cast<T>(static_cast<T>(static_cast<T>(T(1) - iou) + v) + eps));
  return static_cast<T>(diou - static_cast<T>(alpha * v));
}

struct KindInfo {
  IouKind kind;
  const char* key;  // result key: iou, giou, diou, ciou
  double invalid;   // TorchMetrics' _invalid_val
};

class BoxIouMetric final : public Metric {
 public:
  BoxIouMetric(Options o, KindInfo info) : Metric(std::move(o)), info_(info) {
    box_format_ = detection::parse_box_format(options().get_string("box_format"));
    if (!options().is_null("iou_threshold")) threshold_ = options().get_number("iou_threshold");
    class_metrics_ = options().get_bool("class_metrics");
    respect_labels_ = options().get_bool("respect_labels");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const std::string& m = name();
    auto pred = detection::read_boxes(m, "pred_boxes", in[0], "pred_counts", in[2], box_format_, BoxFormat::xyxy);
    auto pred_labels = detection::read_labels(m, "pred_labels", in[1], "pred_boxes", pred.total);
    auto target = detection::read_boxes(m, "target_boxes", in[3], "target_counts", in[5], box_format_, BoxFormat::xyxy);
    auto target_labels = detection::read_labels(m, "target_labels", in[4], "target_boxes", target.total);
    detection::require_same_images(m, pred, target);
    pred_boxes_.append(s, pred.boxes);
    pred_labels_.append(s, pred_labels);
    pred_counts_.append(s, pred.counts);
    target_boxes_.append(s, target.boxes);
    target_labels_.append(s, target_labels);
    target_counts_.append(s, target.counts);
    std::vector<std::uint8_t> f32(pred.counts.size(), pred.float32 && target.float32 ? 1 : 0);
    float32_flags_.append(s, f32);
  }

  Result compute_state(const State& s) const override {
    const std::vector<IouMatrix> mats = image_matrices(s);
    const double invalid = info_.invalid;
    double sum = 0;
    std::int64_t count = 0;
    for (auto& mat : mats)
      for (double v : mat.v)
        if (v != invalid) {
          sum += v;
          ++count;
        }
    // No valid pair (0/0) or a NaN entry: TorchMetrics replaces a NaN mean by 0.
    double score = count == 0 ? 0.0 : static_cast<double>(static_cast<float>(sum / static_cast<double>(count)));
    if (std::isnan(score)) score = 0.0;
    std::vector<std::pair<std::string, Result>> fields;
    fields.emplace_back(info_.key, Result::scalar(score));

    if (class_metrics_) {
      auto tl = target_labels_.span(s);
      for (auto cl : std::set<std::int64_t>(tl.begin(), tl.end()))
        fields.emplace_back(std::string(info_.key) + "/cl_" + std::to_string(cl),
                            Result::scalar(class_mean(mats, tl, cl)));
    }
    return Result::dict(std::move(fields));
  }

 private:
  // One image's matrix (rows x cols, row-major) and where its columns' ground-truth labels start.
  struct IouMatrix {
    std::int64_t rows, cols, gt_begin, gt_count;
    std::vector<double> v;
  };

  // Every image's matrix, from the concatenated boxes and labels of the state.
  std::vector<IouMatrix> image_matrices(const State& s) const {
    auto pb = pred_boxes_.span(s);
    auto pl = pred_labels_.span(s);
    auto pc = pred_counts_.span(s);
    auto tb = target_boxes_.span(s);
    auto tl = target_labels_.span(s);
    auto tc = target_counts_.span(s);
    auto f32 = float32_flags_.span(s);
    if (pc.size() != tc.size() || f32.size() != pc.size()) fail(name(), ": corrupt state (image counts differ)");
    std::vector<IouMatrix> mats;
    mats.reserve(pc.size());
    std::int64_t po = 0, to = 0;
    for (std::size_t i = 0; i < pc.size(); ++i) {
      const std::int64_t n = pc[i], g = tc[i];
      if (po + n > static_cast<std::int64_t>(pl.size()) || to + g > static_cast<std::int64_t>(tl.size()))
        fail(name(), ": corrupt state (box counts)");
      if (n == 0 || g == 0) {
        mats.push_back(empty_image_matrix(n == 0 ? g : n, to, g));
      } else {
        IouMatrix mat{n, g, to, g, std::vector<double>(static_cast<std::size_t>(n * g))};
        for (std::int64_t r = 0; r < n; ++r)
          for (std::int64_t c = 0; c < g; ++c)
            mat.v[static_cast<std::size_t>(r * g + c)] =
                pair_value(&pb[static_cast<std::size_t>((po + r) * 4)], &tb[static_cast<std::size_t>((to + c) * 4)],
                           f32[i] != 0, pl[static_cast<std::size_t>(po + r)], tl[static_cast<std::size_t>(to + c)]);
        mats.push_back(std::move(mat));
      }
      po += n;
      to += g;
    }
    return mats;
  }

  // An image without predictions or without ground truth: a zero K x K matrix; with respect_labels
  // the label mask is the identity.
  IouMatrix empty_image_matrix(std::int64_t k, std::int64_t gt_begin, std::int64_t gt_count) const {
    IouMatrix mat{k, k, gt_begin, gt_count, std::vector<double>(static_cast<std::size_t>(k * k), 0.0)};
    if (respect_labels_)
      for (std::int64_t r = 0; r < k; ++r)
        for (std::int64_t c = 0; c < k; ++c)
          if (r != c) mat.v[static_cast<std::size_t>(r * k + c)] = info_.invalid;
    return mat;
  }

  // One prediction / ground-truth pair's entry: the IoU (in float32 when both inputs were), or
  // `invalid` below the threshold or (respect_labels) across labels.
  double pair_value(const double* a, const double* b, bool float32, std::int64_t pred_label,
                    std::int64_t gt_label) const {
    const double invalid = info_.invalid;
    double v;
    if (float32) {
      float af[4], bf[4];
      for (int j = 0; j < 4; ++j) {
        af[j] = static_cast<float>(a[j]);
        bf[j] = static_cast<float>(b[j]);
      }
      const float x = pair_iou<float>(info_.kind, af, bf);
      v = x;
      if (threshold_ && x < static_cast<float>(*threshold_)) v = invalid;
    } else {
      v = pair_iou<double>(info_.kind, a, b);
      if (threshold_ && v < *threshold_) v = invalid;
    }
    if (respect_labels_ && pred_label != gt_label) v = invalid;
    return v;
  }

  // class_metrics: the mean of the valid entries in the columns of class `cl` (NaN when none).
  double class_mean(const std::vector<IouMatrix>& mats, std::span<const std::int64_t> tl, std::int64_t cl) const {
    const double invalid = info_.invalid;
    double csum = 0;
    std::int64_t cnt = 0;
    for (auto& mat : mats) {
      // mat[:, gt_labels == cl]: the mask has one entry per ground-truth box.
      if (mat.cols != mat.gt_count)
        fail(name(), ": class_metrics=True cannot score an image with ", mat.rows,
             " predicted boxes and no ground truth: its [", mat.rows, ", ", mat.rows,
             "] IoU matrix does not match its 0 labels (TorchMetrics raises IndexError: The shape of the mask [",
             mat.gt_count, "] at index 0 does not match the shape of the indexed tensor [", mat.rows, ", ", mat.cols,
             "] at index 1)");
      for (std::int64_t c = 0; c < mat.cols; ++c) {
        if (tl[static_cast<std::size_t>(mat.gt_begin + c)] != cl) continue;
        for (std::int64_t r = 0; r < mat.rows; ++r) {
          double v = mat.v[static_cast<std::size_t>(r * mat.cols + c)];
          if (v != invalid) {
            csum += v;
            ++cnt;
          }
        }
      }
    }
    return cnt == 0 ? std::numeric_limits<double>::quiet_NaN()
                    : static_cast<double>(static_cast<float>(csum / static_cast<double>(cnt)));
  }

  KindInfo info_;
  BoxFormat box_format_;
  std::optional<double> threshold_;
  bool class_metrics_, respect_labels_;

  // The states of the header comment, in their blob order.
  StateSlot<double> pred_boxes_ = declare_state<double>("pred_boxes", Reduction::cat, {0, 4});
  StateSlot<std::int64_t> pred_labels_ = declare_state<std::int64_t>("pred_labels", Reduction::cat, {0});
  StateSlot<std::int64_t> pred_counts_ = declare_state<std::int64_t>("pred_counts", Reduction::cat, {0});
  StateSlot<double> target_boxes_ = declare_state<double>("target_boxes", Reduction::cat, {0, 4});
  StateSlot<std::int64_t> target_labels_ = declare_state<std::int64_t>("target_labels", Reduction::cat, {0});
  StateSlot<std::int64_t> target_counts_ = declare_state<std::int64_t>("target_counts", Reduction::cat, {0});
  StateSlot<std::uint8_t> float32_flags_ = declare_state<std::uint8_t>("float32", Reduction::cat, {0});
};

WASMETRICS_COLD MetricSpec box_iou_spec(const char* name, const char* doc, KindInfo info,
                                        std::vector<MetricExample> examples) {
  const std::string key = info.key;
  return {
      .name = name,
      .family = "detection",
      .doc = doc,
      .inputs =
          {
              {"pred_boxes", false,
               "float32/float64 [Kp, 4]: every image's predicted boxes (preds[i].boxes), concatenated in image order, "
               "in box_format"},
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
          },
      .options =
          {
              {.name = "box_format",
               .type = OptionType::string,
               .default_value = "xyxy",
               .choices = {"xyxy", "xywh", "cxcywh"},
               .doc = "format of the input boxes"},
              {.name = "iou_threshold",
               .type = OptionType::number,
               .default_value = nullptr,
               .nullable = true,
               .doc = "pairs whose " + key +
                      " is below it are left out (compared in float32 for float32 boxes); null: none"},
              {.name = "class_metrics",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "also return '" + key + "/cl_<label>' for every ground-truth label"},
              {.name = "respect_labels",
               .type = OptionType::boolean,
               .default_value = true,
               .doc = "only pairs of the same label count; false: every pred x target pair"},
          },
      .make = [info](const Options& o) { return std::make_unique<BoxIouMetric>(o, info); },
      .examples = std::move(examples),
  };
}

}  // namespace

WASMETRICS_COLD MetricSpec intersection_over_union_spec() {
  return box_iou_spec("IntersectionOverUnion",
                      "Mean IoU over all same-label (pred, target) box pairs of all images (TorchMetrics' averaging).",
                      {IouKind::iou, "iou", -1.0}, examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: IntersectionOverUnion()", "args": {}, "batches": [{"preds": [{"boxes": {"dtype": "float32", "shape": [2, 4], "data": [296.55, 93.96, 314.97, 152.79, 298.55, 98.96, 314.97, 151.79]}, "labels": {"dtype": "int64", "shape": [2], "data": [4, 5]}}], "target": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [300.0, 100.0, 315.0, 150.0]}, "labels": {"dtype": "int64", "shape": [1], "data": [5]}}]}], "expected": {"iou": {"shape": [], "data": [0.8614]}}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: IntersectionOverUnion(class_metrics=True)", "args": {"class_metrics": true}, "batches": [{"preds": [{"boxes": {"dtype": "float32", "shape": [2, 4], "data": [296.55, 93.96, 314.97, 152.79, 298.55, 98.96, 314.97, 151.79]}, "labels": {"dtype": "int64", "shape": [2], "data": [4, 5]}}], "target": [{"boxes": {"dtype": "float32", "shape": [2, 4], "data": [300.0, 100.0, 315.0, 150.0, 300.0, 100.0, 315.0, 150.0]}, "labels": {"dtype": "int64", "shape": [2], "data": [4, 5]}}]}], "expected": {"iou": {"shape": [], "data": [0.7756]}, "iou/cl_4": {"shape": [], "data": [0.6898]}, "iou/cl_5": {"shape": [], "data": [0.8614]}}, "atol": 5e-05}
      ])json"));
}

WASMETRICS_COLD MetricSpec generalized_intersection_over_union_spec() {
  return box_iou_spec("GeneralizedIntersectionOverUnion",
                      "Mean generalized IoU over all same-label (pred, target) box pairs of all images.",
                      {IouKind::giou, "giou", -1.0}, examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: GeneralizedIntersectionOverUnion()", "args": {}, "batches": [{"preds": [{"boxes": {"dtype": "float32", "shape": [2, 4], "data": [296.55, 93.96, 314.97, 152.79, 298.55, 98.96, 314.97, 151.79]}, "scores": {"dtype": "float32", "shape": [2], "data": [0.236, 0.56]}, "labels": {"dtype": "int64", "shape": [2], "data": [4, 5]}}], "target": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [300.0, 100.0, 315.0, 150.0]}, "labels": {"dtype": "int64", "shape": [1], "data": [5]}}]}], "expected": {"giou": {"shape": [], "data": [0.8613]}}, "atol": 5e-05}
      ])json"));
}

WASMETRICS_COLD MetricSpec distance_intersection_over_union_spec() {
  return box_iou_spec("DistanceIntersectionOverUnion",
                      "Mean distance IoU over all same-label (pred, target) box pairs of all images.",
                      {IouKind::diou, "diou", -1.0}, examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: DistanceIntersectionOverUnion()", "args": {}, "batches": [{"preds": [{"boxes": {"dtype": "float32", "shape": [2, 4], "data": [296.55, 93.96, 314.97, 152.79, 298.55, 98.96, 314.97, 151.79]}, "scores": {"dtype": "float32", "shape": [2], "data": [0.236, 0.56]}, "labels": {"dtype": "int64", "shape": [2], "data": [4, 5]}}], "target": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [300.0, 100.0, 315.0, 150.0]}, "labels": {"dtype": "int64", "shape": [1], "data": [5]}}]}], "expected": {"diou": {"shape": [], "data": [0.8611]}}, "atol": 5e-05}
      ])json"));
}

WASMETRICS_COLD MetricSpec complete_intersection_over_union_spec() {
  return box_iou_spec("CompleteIntersectionOverUnion",
                      "Mean complete IoU over all same-label (pred, target) box pairs of all images.",
                      {IouKind::ciou, "ciou", -2.0}, examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: CompleteIntersectionOverUnion()", "args": {}, "batches": [{"preds": [{"boxes": {"dtype": "float32", "shape": [2, 4], "data": [296.55, 93.96, 314.97, 152.79, 298.55, 98.96, 314.97, 151.79]}, "scores": {"dtype": "float32", "shape": [2], "data": [0.236, 0.56]}, "labels": {"dtype": "int64", "shape": [2], "data": [4, 5]}}], "target": [{"boxes": {"dtype": "float32", "shape": [1, 4], "data": [300.0, 100.0, 315.0, 150.0]}, "labels": {"dtype": "int64", "shape": [1], "data": [5]}}]}], "expected": {"ciou": {"shape": [], "data": [0.8611]}}, "atol": 5e-05}
      ])json"));
}

}  // namespace wasmetrics
