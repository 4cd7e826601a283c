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

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/segmentation/seg_common.hpp"

namespace wasmetrics {
namespace {

using segmentation::SampleCounts;
using segmentation::SegConfig;

enum class Weight { square, simple, linear };

class GeneralizedDiceScore final : public Metric {
 public:
  explicit GeneralizedDiceScore(Options o)
      : Metric(std::move(o)),
        cfg_(segmentation::seg_config(options(), /*allow_soft=*/true, /*min_ndim_index=*/3)),
        per_class_(options().get_bool("per_class")),
        k_(cfg_.num_included()) {
    auto w = options().get_string("weight_type");
    weight_ = w == "square" ? Weight::square : w == "simple" ? Weight::simple : Weight::linear;
  }

 protected:
  State initial_state() const override {
    State s;
    s.add("score", Reduction::sum, DType::float64, {per_class_ ? k_ : 1});
    s.add("samples", Reduction::sum, DType::int64, {});
    return s;
  }

  void update_state(State& s, std::span<const TensorView> in) const override {
    const std::int64_t first = cfg_.first_class();
    const auto K = static_cast<std::size_t>(k_);
    std::vector<double> w(K), num(K), den(K);
    auto score = s["score"].as<double>();
    segmentation::for_each_sample(cfg_, in[0], in[1], [&](std::int64_t, const SampleCounts& c) {
      double w_max = 0;  // largest finite weight of this sample
      for (std::size_t k = 0; k < K; ++k) {
        double t = c.target[k + static_cast<std::size_t>(first)];
        switch (weight_) {
          case Weight::square:
            w[k] = 1.0 / (t * t);
            break;
          case Weight::simple:
            w[k] = 1.0 / t;
            break;
          case Weight::linear:
            w[k] = 1.0;
            break;
        }
        if (std::isfinite(w[k]) && cfg_.averaged(static_cast<std::int64_t>(k) + first)) w_max = std::max(w_max, w[k]);
      }
      for (std::size_t k = 0; k < K; ++k) {
        auto j = k + static_cast<std::size_t>(first);
        if (std::isinf(w[k])) w[k] = w_max;
        num[k] = 2.0 * c.inter[j] * w[k];
        den[k] = (c.pred[j] + c.target[j]) * w[k];
      }
      if (per_class_) {
        for (std::size_t k = 0; k < K; ++k) score[k] += den[k] != 0 ? num[k] / den[k] : 0.0;
      } else {
        double n = 0, d = 0;
        for (std::size_t k = 0; k < K; ++k) {
          if (!cfg_.averaged(static_cast<std::int64_t>(k) + first)) continue;
          n += num[k];
          d += den[k];
        }
        score[0] += d != 0 ? n / d : 0.0;
      }
    });
    s["samples"].as<std::int64_t>()[0] += segmentation::batch_size(in[0]);
  }

  Result compute_state(const State& s) const override {
    auto score = s["score"].as<double>();
    double n = static_cast<double>(s["samples"].as<std::int64_t>()[0]);
    std::vector<double> out;
    for (double v : score) out.push_back(n > 0 ? v / n : std::numeric_limits<double>::quiet_NaN());
    return Result::squeezed(Tensor::vector(std::move(out)));
  }

 private:
  SegConfig cfg_;
  bool per_class_;
  std::int64_t k_;
  Weight weight_;
};

}  // namespace

MetricSpec generalized_dice_score_spec() {
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
