// MeanIoU (TorchMetrics segmentation/mean_iou.py, functional/segmentation/mean_iou.py).
//
// Per sample and class: IoU = |P ∩ T| / (|P| + |T| - |P ∩ T|), 0/0 -> 0 (QUIRKS C18).
// reduction='sample' (TorchMetrics' definition): compute() is the mean of the per-sample IoU over
// ALL samples — per-class sums of per-sample IoU and a sample count, so the value does not depend
// on batching (deviation C17: TorchMetrics 1.5.2 divides by the number of update() calls).
// reduction='dataset' (Cityscapes/VOC): intersection and union summed over every image, then
// IoU per class; the mean skips classes with an empty union (MulticlassJaccardIndex macro).
// per_sample=true keeps one row per image (cat state) and returns them in update order.
#include <array>
#include <cmath>
#include <limits>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/segmentation/seg_common.hpp"

namespace wasmetrics {
namespace {

using segmentation::ClassVector;
using segmentation::SampleCounts;
using segmentation::SegConfig;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class MeanIoU final : public Metric {
 public:
  explicit MeanIoU(Options o)
      : Metric(std::move(o)),
        cfg_(segmentation::seg_config(options(), /*allow_soft=*/false, /*min_ndim_index=*/2)),
        per_class_(options().get_bool("per_class")),
        dataset_(options().get_string("reduction") == "dataset"),
        per_sample_(options().get_bool("per_sample")),
        k_(cfg_.num_included()),
        averaged_(segmentation::averaged_mask(cfg_)) {
    if (per_sample_) {
      // One row per image: per-class IoU ('dataset': NaN where the union is empty).
      sample_iou_ = declare_state<double>("sample_iou", Reduction::cat, {0, k_});
    } else if (dataset_) {
      intersection_ = declare_state<double>("intersection", Reduction::sum, {k_});
      union_ = declare_state<double>("union", Reduction::sum, {k_});
    } else {
      iou_sum_ = declare_state<double>("iou_sum", Reduction::sum, {k_});
      samples_ = declare_state<std::int64_t>("samples", Reduction::sum, {});
    }
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const std::int64_t first = cfg_.first_class();
    segmentation::for_each_sample(cfg_, in[0], in[1], [&](std::int64_t, const SampleCounts& c) {
      const auto inter = segmentation::included(c.inter, first);
      const ClassVector uni = segmentation::included(c.pred, first) + segmentation::included(c.target, first) - inter;
      const ClassVector iou = xt::where(xt::not_equal(uni, 0.0), inter / uni, dataset_ ? kNaN : 0.0);
      if (per_sample_) {
        sample_iou_.append(s, std::span<const double>(iou.data(), iou.size()));
      } else if (dataset_) {
        segmentation::adapt_classes(intersection_.span(s)) += inter;
        segmentation::adapt_classes(union_.span(s)) += uni;
      } else {
        segmentation::adapt_classes(iou_sum_.span(s)) += iou;
      }
    });
    if (!per_sample_ && !dataset_) samples_.value(s) += segmentation::batch_size(in[0]);
  }

  Result compute_state(const State& s) const override {
    if (per_sample_) return compute_per_sample(s);
    ClassVector per_class;
    if (dataset_) {
      const auto I = segmentation::adapt_classes(intersection_.span(s));
      const auto U = segmentation::adapt_classes(union_.span(s));
      per_class = xt::where(xt::not_equal(U, 0.0), I / U, kNaN);
    } else {
      const auto sum = segmentation::adapt_classes(iou_sum_.span(s));
      const double n = static_cast<double>(samples_.value(s));
      per_class = n > 0 ? ClassVector(sum / n) : ClassVector(xt::full_like(sum, kNaN));
    }
    if (per_class_) {
      // 'dataset': a class with an empty union scores 0 (MulticlassJaccardIndex average=None).
      if (dataset_ && samples_seen(s)) per_class = xt::where(xt::isnan(per_class), 0.0, per_class);
      return Result::squeezed(Tensor::vector({per_class.begin(), per_class.end()}));
    }
    return Result::scalar(class_mean(per_class));
  }

 private:
  // Whether any update() was folded in (with none, every value is 0/0 -> NaN, as TorchMetrics).
  static bool samples_seen(const State& s) { return s.updates > 0; }

  // Mean over the averaged classes ('dataset': those with a non-empty union, NaN if none).
  template <class E>
  double class_mean(const E& v) const {
    xt::xtensor<bool, 1> kept = averaged_;
    if (dataset_) kept = kept && !xt::isnan(v);
    const double n = xt::sum(xt::cast<double>(kept))();
    return n > 0 ? xt::sum(xt::where(kept, v, 0.0))() / n : kNaN;
  }

  Result compute_per_sample(const State& s) const {
    const auto& var = sample_iou_.var(s);
    const auto n = static_cast<std::size_t>(var.shape[0]);
    const auto rows = xt::adapt(sample_iou_.span(s).data(), n * static_cast<std::size_t>(k_), xt::no_ownership(),
                                std::array<std::size_t, 2>{n, static_cast<std::size_t>(k_)});
    Tensor out;
    if (per_class_) {
      out.shape = {var.shape[0], k_};
      const xt::xtensor<double, 2> values = dataset_ ? xt::eval(xt::where(xt::isnan(rows), 0.0, rows)) : xt::eval(rows);
      out.data.assign(values.begin(), values.end());
      return Result(std::move(out));
    }
    out.shape = {var.shape[0]};
    for (std::size_t i = 0; i < n; ++i) out.data.push_back(class_mean(xt::view(rows, i, xt::all())));
    return Result(std::move(out));
  }

  SegConfig cfg_;
  bool per_class_;
  bool dataset_;
  bool per_sample_;
  std::int64_t k_;                  // included classes
  xt::xtensor<bool, 1> averaged_;   // over the included classes: those in class means
  StateSlot<double> sample_iou_;    // per_sample: one row per image
  StateSlot<double> intersection_;  // 'dataset': per class, summed over images
  StateSlot<double> union_;
  StateSlot<double> iou_sum_;        // 'sample': per class, sum of per-image IoU
  StateSlot<std::int64_t> samples_;  // and the images seen
};

}  // namespace

WASMETRICS_COLD MetricSpec mean_iou_spec() {
  return {
      .name = "MeanIoU",
      .family = "segmentation",
      .doc =
          "Mean intersection over union of segmentation masks or label maps: per-image IoU averaged over all "
          "images (TorchMetrics' definition, independent of batching) or, with reduction='dataset', intersections "
          "and unions summed over the dataset (Cityscapes/VOC); a class with an empty union scores 0 per image "
          "('sample') or is left out of the class mean ('dataset', per-class value 0; NaN if no class occurs).",
      .inputs = {{"preds", false, "predictions: [N, C, ...] one-hot masks or [N, ...] label maps (input_format)"},
                 {"target", false, "ground truth, same shape and format as preds"}},
      .options =
          {
              segmentation::num_classes_option(),
              segmentation::include_background_option(),
              {.name = "per_class",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "true: one IoU per class (shape [C], or [C-1] without background); false: their mean"},
              segmentation::input_format_option(),
              segmentation::ignore_index_option(),
              {.name = "reduction",
               .type = OptionType::string,
               .default_value = "sample",
               .choices = {"sample", "dataset"},
               .doc = "'sample': mean over images of each image's IoU (an absent class scores 0), as TorchMetrics; "
                      "'dataset': IoU of intersections and unions summed over all images, classes absent everywhere "
                      "left out of the mean (equals MulticlassJaccardIndex macro on the same label maps)"},
              {.name = "per_sample",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "true: compute() returns each image's value in update order, shape [N] (or [N, C] with "
                      "per_class), each computed as the metric would on that image alone"},
          },
      .make = [](const Options& o) { return std::make_unique<MeanIoU>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "label maps: per-image IoU averaged over classes and images", "args": {"num_classes": 3, "input_format": "index"}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 1, 1, 1, 2, 0, 2, 2, 0, 0, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 0, 1, 1, 2, 2, 2, 2, 2, 0, 0, 1]}}], "expected": {"shape": [], "data": [0.6388888889]}},
        {"doc": "per_class: each class's IoU averaged over images", "args": {"num_classes": 3, "input_format": "index", "per_class": true}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 1, 1, 1, 2, 0, 2, 2, 0, 0, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 0, 1, 1, 2, 2, 2, 2, 2, 0, 0, 1]}}], "expected": {"shape": [3], "data": [0.5, 0.8333333333, 0.5833333333]}}
      ])json"),
  };
}

}  // namespace wasmetrics
