// PanopticQuality and ModifiedPanopticQuality (TorchMetrics detection/panoptic_qualities.py): one
// metric class, the modified variant differing only in how stuff categories are scored
// (panoptic_common.hpp has the rules).
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/detection/panoptic_common.hpp"

namespace wasmetrics {
namespace {

namespace panoptic = detection::panoptic;

class PanopticQualityMetric final : public Metric {
 public:
  PanopticQualityMetric(Options o, bool modified)
      : Metric(std::move(o)),
        categories_(panoptic::Categories::from_options(options())),
        rules_{.allow_unknown_preds_category = options().get_bool("allow_unknown_preds_category"),
               .modified = modified},
        return_sq_and_rq_(!modified && options().get_bool("return_sq_and_rq")),
        return_per_class_(!modified && options().get_bool("return_per_class")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    panoptic::accumulate(name(), categories_, rules_, in[0], in[1],
                         {.iou_sum = iou_sum_.span(s),
                          .true_positives = true_positives_.span(s),
                          .false_positives = false_positives_.span(s),
                          .false_negatives = false_negatives_.span(s)});
  }

  Result compute_state(const State& s) const override {
    const auto q = panoptic::qualities(iou_sum_.span(s), true_positives_.span(s), false_positives_.span(s),
                                       false_negatives_.span(s));
    const std::int64_t c = categories_.size();
    if (return_per_class_ && return_sq_and_rq_) {  // [C, 3]: (PQ, SQ, RQ) per category
      Tensor t;
      t.shape = {c, 3};
      for (std::size_t k = 0; k < q.pq.size(); ++k) t.data.insert(t.data.end(), {q.pq[k], q.sq[k], q.rq[k]});
      return Result(std::move(t));
    }
    if (return_per_class_) {  // [1, C] (one category: squeezed to a scalar, as TorchMetrics)
      Tensor t;
      t.shape = {1, c};
      t.data = q.pq;
      return Result::squeezed(std::move(t));
    }
    if (return_sq_and_rq_) return Result(Tensor::vector({q.pq_mean, q.sq_mean, q.rq_mean}));
    return Result::scalar(q.pq_mean);
  }

  // The per-class results are indexed by category (things then stuffs), not by a num_classes axis.
  bool results_are_per_class() const override { return false; }

 private:
  panoptic::Categories categories_;
  panoptic::MatchRules rules_;
  bool return_sq_and_rq_;
  bool return_per_class_;

  // Per-category sums (panoptic_common.hpp), one entry per category of categories_ (declared above).
  StateSlot<double> iou_sum_ = declare_state<double>("iou_sum", Reduction::sum, {categories_.size()});
  StateSlot<std::int64_t> true_positives_ =
      declare_state<std::int64_t>("true_positives", Reduction::sum, {categories_.size()});
  StateSlot<std::int64_t> false_positives_ =
      declare_state<std::int64_t>("false_positives", Reduction::sum, {categories_.size()});
  StateSlot<std::int64_t> false_negatives_ =
      declare_state<std::int64_t>("false_negatives", Reduction::sum, {categories_.size()});
};

std::vector<InputSpec> panoptic_inputs() {
  return {{"preds", false,
           "predicted panoptic segmentation: integer [B, *spatial, 2], (category id, instance id) per point; a stuff's "
           "instance id is ignored"},
          {"target", false, "ground truth, same shape; a category in neither `things` nor `stuffs` is void (ignored)"}};
}

std::vector<OptionSpec> panoptic_category_options() {
  return {
      {.name = "things",
       .type = OptionType::integer_list,
       .default_value = Json::array(),
       .min = 0,
       .doc = "category ids of countable things (instances told apart by instance id); with `stuffs`, at least one "
              "category, no id in both"},
      {.name = "stuffs",
       .type = OptionType::integer_list,
       .default_value = Json::array(),
       .min = 0,
       .doc = "category ids of uncountable stuff (one segment per image, instance ids ignored)"},
      {.name = "allow_unknown_preds_category",
       .type = OptionType::boolean,
       .default_value = false,
       .doc = "true: a `preds` category in neither list counts as void; false: it is an error"},
  };
}

}  // namespace

WASMETRICS_COLD MetricSpec panoptic_quality_spec() {
  auto options = panoptic_category_options();
  options.push_back({.name = "return_sq_and_rq",
                     .type = OptionType::boolean,
                     .default_value = false,
                     .doc = "true: also the segmentation and recognition quality, (PQ, SQ, RQ), shape [3]"});
  options.push_back({.name = "return_per_class",
                     .type = OptionType::boolean,
                     .default_value = false,
                     .doc = "true: one value per category, things (sorted) then stuffs (sorted), shape [1, C] "
                            "([C, 3] with return_sq_and_rq); a category seen nowhere reads 0"});
  return {
      .name = "PanopticQuality",
      .family = "panoptic",
      .doc =
          "Panoptic quality (Kirillov et al.): per category, the IoU sum of matched segments (IoU > 0.5) over "
          "TP + FP/2 + FN/2, averaged over the categories seen; void and unknown categories as TorchMetrics.",
      .inputs = panoptic_inputs(),
      .options = std::move(options),
      .make = [](const Options& o) { return std::make_unique<PanopticQualityMetric>(o, /*modified=*/false); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: PanopticQuality(things={0, 1}, stuffs={6, 7})", "args": {"things": [0, 1], "stuffs": [6, 7]}, "batches": [{"preds": {"dtype": "int64", "shape": [1, 5, 4, 2], "data": [6, 0, 0, 0, 6, 0, 6, 0, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 7, 0, 6, 0, 1, 0, 0, 0, 7, 0, 7, 0, 7, 0]}, "target": {"dtype": "int64", "shape": [1, 5, 4, 2], "data": [6, 0, 0, 1, 6, 0, 0, 1, 0, 1, 0, 1, 6, 0, 0, 1, 0, 1, 0, 1, 6, 0, 1, 0, 0, 1, 7, 0, 1, 0, 1, 0, 0, 1, 7, 0, 7, 0, 7, 0]}}], "expected": {"shape": [], "data": [0.5463]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: PanopticQuality(things={0, 1}, stuffs={6, 7}, return_sq_and_rq=True)", "args": {"things": [0, 1], "stuffs": [6, 7], "return_sq_and_rq": true}, "batches": [{"preds": {"dtype": "int64", "shape": [1, 5, 4, 2], "data": [6, 0, 0, 0, 6, 0, 6, 0, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 7, 0, 6, 0, 1, 0, 0, 0, 7, 0, 7, 0, 7, 0]}, "target": {"dtype": "int64", "shape": [1, 5, 4, 2], "data": [6, 0, 0, 1, 6, 0, 0, 1, 0, 1, 0, 1, 6, 0, 0, 1, 0, 1, 0, 1, 6, 0, 1, 0, 0, 1, 7, 0, 1, 0, 1, 0, 0, 1, 7, 0, 7, 0, 7, 0]}}], "expected": {"shape": [3], "data": [0.5463, 0.6111, 0.6667]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: PanopticQuality(things={0, 1}, stuffs={6, 7}, return_per_class=True)", "args": {"things": [0, 1], "stuffs": [6, 7], "return_per_class": true}, "batches": [{"preds": {"dtype": "int64", "shape": [1, 5, 4, 2], "data": [6, 0, 0, 0, 6, 0, 6, 0, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 7, 0, 6, 0, 1, 0, 0, 0, 7, 0, 7, 0, 7, 0]}, "target": {"dtype": "int64", "shape": [1, 5, 4, 2], "data": [6, 0, 0, 1, 6, 0, 0, 1, 0, 1, 0, 1, 6, 0, 0, 1, 0, 1, 0, 1, 6, 0, 1, 0, 0, 1, 7, 0, 1, 0, 1, 0, 0, 1, 7, 0, 7, 0, 7, 0]}}], "expected": {"shape": [1, 4], "data": [0.5185, 0.0, 0.6667, 1.0]}, "atol": 5e-05}
      ])json"),
  };
}

WASMETRICS_COLD MetricSpec modified_panoptic_quality_spec() {
  return {
      .name = "ModifiedPanopticQuality",
      .family = "panoptic",
      .doc =
          "Modified panoptic quality (Porzi et al., Seamless Scene Segmentation): things as PanopticQuality, each "
          "stuff category as the IoU sum of all overlapping segments over the number of target segments.",
      .inputs = panoptic_inputs(),
      .options = panoptic_category_options(),
      .make = [](const Options& o) { return std::make_unique<PanopticQualityMetric>(o, /*modified=*/true); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: ModifiedPanopticQuality(things={0, 1}, stuffs={6, 7}); target category 255 is void", "args": {"things": [0, 1], "stuffs": [6, 7]}, "batches": [{"preds": {"dtype": "int64", "shape": [1, 6, 2], "data": [0, 0, 0, 1, 6, 0, 7, 0, 0, 2, 1, 0]}, "target": {"dtype": "int64", "shape": [1, 6, 2], "data": [0, 1, 0, 0, 6, 0, 7, 0, 6, 0, 255, 0]}}], "expected": {"shape": [], "data": [0.7667]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
