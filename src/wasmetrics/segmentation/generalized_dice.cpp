// GeneralizedDiceScore (TorchMetrics segmentation/generalized_dice.py,
// functional/segmentation/generalized_dice.py).
//
// Per sample: class weights w_c = 1/|T_c|² ('square'), 1/|T_c| ('simple') or 1 ('linear');
// numerator_c = 2·|P_c ∩ T_c|·w_c, denominator_c = (|P_c| + |T_c|)·w_c; the score is
// Σ num / Σ den (or num_c / den_c with per_class), 0/0 -> 0; compute() is the mean over samples.
// A class absent from a sample's target has an infinite weight: it is replaced by the largest
// finite weight of the same sample, 0 if none (deviation C19; TorchMetrics 1.5.2 reads a
// per-class batch maximum through a mis-aligned index).
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

constexpr double kUndefinedGds = std::numeric_limits<double>::quiet_NaN();  // no sample seen
using segmentation::SegConfig;

enum class Weight { square, simple, linear };

class GeneralizedDiceScore final : public Metric {
 public:
  explicit GeneralizedDiceScore(Options o)
      : Metric(std::move(o)),
        cfg_(segmentation::seg_config(options(), /*allow_soft=*/true, /*min_ndim_index=*/3)),
        per_class_(options().get_bool("per_class")),
        k_(cfg_.num_included()),
        averaged_(segmentation::averaged_mask(cfg_)) {
    auto w = options().get_string("weight_type");
    weight_ = w == "square" ? Weight::square : w == "simple" ? Weight::simple : Weight::linear;
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const std::int64_t first = cfg_.first_class();
    auto score = segmentation::adapt_classes(score_.span(s));
    segmentation::for_each_sample(cfg_, in[0], in[1], [&](std::int64_t, const SampleCounts& c) {
      const auto inter = segmentation::included(c.inter, first), pred = segmentation::included(c.pred, first),
                 target = segmentation::included(c.target, first);
      ClassVector w;
      switch (weight_) {
        case Weight::square:
          w = 1.0 / (target * target);
          break;
        case Weight::simple:
          w = 1.0 / target;
          break;
        case Weight::linear:
          w = xt::ones<double>(target.shape());
          break;
      }
      // a class absent from the target (infinite weight) takes the sample's largest finite weight
      // among the averaged classes, 0 if none
      const double w_max = xt::amax(xt::where(xt::isfinite(w) && averaged_, w, 0.0))();
      w = xt::where(xt::isinf(w), w_max, w);
      const ClassVector num = 2.0 * inter * w, den = (pred + target) * w;
      if (per_class_) {
        score += xt::where(xt::not_equal(den, 0.0), num / den, 0.0);
      } else {
        const double n = xt::sum(xt::where(averaged_, num, 0.0))(), d = xt::sum(xt::where(averaged_, den, 0.0))();
        score(0) += d != 0 ? n / d : 0.0;
      }
    });
    samples_.value(s) += segmentation::batch_size(in[0]);
  }

  Result compute_state(const State& s) const override {
    const auto score = segmentation::adapt_classes(score_.span(s));
    const double n = static_cast<double>(samples_.value(s));
    const ClassVector out = n > 0 ? ClassVector(score / n) : ClassVector(xt::full_like(score, kUndefinedGds));
    return Result::squeezed(Tensor::vector({out.begin(), out.end()}));
  }

 private:
  SegConfig cfg_;
  bool per_class_;
  std::int64_t k_;
  Weight weight_;
  xt::xtensor<bool, 1> averaged_;  // over the included classes: those in the weighted score
  StateSlot<double> score_ = declare_state<double>("score", Reduction::sum, {per_class_ ? k_ : 1});
  StateSlot<std::int64_t> samples_ = declare_state<std::int64_t>("samples", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec generalized_dice_score_spec() {
  return {
      .name = "GeneralizedDiceScore",
      .family = "segmentation",
      .doc =
          "Generalized Dice score (Sudre et al. 2017) per image, class-weighted by 1/|T|² (square), 1/|T| "
          "(simple) or 1 (linear), averaged over all images; a class absent from an image's target takes the "
          "largest finite weight of that image (0 if none).",
      .inputs = {{"preds", false,
                  "predictions: [N, C, d1, ...] one-hot masks (integer/bool, or float scores) or "
                  "[N, d1, d2, ...] label maps (input_format)"},
                 {"target", false, "ground truth, same shape and format as preds"}},
      .options =
          {
              segmentation::num_classes_option(),
              segmentation::include_background_option(),
              {.name = "per_class",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "true: one score per class, 2|P∩T|/(|P|+|T|) per image (0/0 -> 0) averaged over images; "
                      "false: the weighted score over all classes"},
              {.name = "weight_type",
               .type = OptionType::string,
               .default_value = "square",
               .choices = {"square", "simple", "linear"},
               .doc = "class weight per image: 'square' 1/|T|², 'simple' 1/|T|, 'linear' 1 (plain Dice of pooled "
                      "classes)"},
              segmentation::input_format_option(/*allow_soft=*/true),
              segmentation::ignore_index_option(),
          },
      .make = [](const Options& o) { return std::make_unique<GeneralizedDiceScore>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "label maps, square weights: per-image generalized Dice averaged over images", "args": {"num_classes": 3, "input_format": "index"}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 1, 1, 1, 2, 0, 2, 2, 0, 0, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 0, 1, 1, 2, 2, 2, 2, 2, 0, 0, 1]}}], "expected": {"shape": [], "data": [0.7858880779]}}
      ])json"),
  };
}

}  // namespace wasmetrics
