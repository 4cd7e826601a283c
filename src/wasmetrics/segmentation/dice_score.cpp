// DiceScore (TorchMetrics >= 1.6 segmentation/dice.py; not in 1.5.2, interface mirrored).
//
// Per sample and class: dice = 2|P ∩ T| / (|P| + |T|), NaN when both are empty. Per sample the
// classes are averaged as `average` says — 'micro': Σ 2|P∩T| / Σ (|P|+|T|); 'macro': mean of the
// defined (non-NaN) class scores; 'weighted': Σ dice·|T| / Σ |T| over defined scores; 'none': one
// score per class — then compute() is the mean over samples of the defined values (nanmean).
// A sample with nothing to score (every class empty in preds and target) is NaN and left out of
// the mean for every `average` (TorchMetrics 1.6 'weighted' scores it 0 instead).
#include <cmath>
#include <limits>

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

constexpr double kUndefinedDice = std::numeric_limits<double>::quiet_NaN();

enum class Average { micro, macro, weighted, none };

class DiceScore final : public Metric {
 public:
  explicit DiceScore(Options o)
      : Metric(std::move(o)),
        cfg_(segmentation::seg_config(options(), /*allow_soft=*/true, /*min_ndim_index=*/2)),
        per_sample_(options().get_bool("per_sample")),
        k_(cfg_.num_included()),
        averaged_(segmentation::averaged_mask(cfg_)) {
    std::string a = options().is_null("average") ? "none" : options().get_string("average");
    average_ = a == "micro"      ? Average::micro
               : a == "macro"    ? Average::macro
               : a == "weighted" ? Average::weighted
                                 : Average::none;
    width_ = average_ == Average::none ? k_ : 1;
    if (per_sample_) {
      sample_dice_ = declare_state<double>("sample_dice", Reduction::cat, {0, width_});
    } else {
      // nanmean over samples, per column: sum and count of the defined values.
      dice_sum_ = declare_state<double>("dice_sum", Reduction::sum, {width_});
      dice_count_ = declare_state<std::int64_t>("dice_count", Reduction::sum, {width_});
    }
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    std::vector<double> row(static_cast<std::size_t>(width_));
    segmentation::for_each_sample(cfg_, in[0], in[1], [&](std::int64_t, const SampleCounts& c) {
      sample_row(c, row);
      if (per_sample_) {
        sample_dice_.append(s, row);
        return;
      }
      auto sum = dice_sum_.span(s);
      auto count = dice_count_.span(s);
      for (std::size_t k = 0; k < row.size(); ++k) {
        if (std::isnan(row[k])) continue;
        sum[k] += row[k];
        count[k] += 1;
      }
    });
  }

  Result compute_state(const State& s) const override {
    if (per_sample_) {
      const std::int64_t n = sample_dice_.var(s).shape[0];
      auto rows = sample_dice_.span(s);
      Tensor out;
      out.data.assign(rows.begin(), rows.end());
      out.shape = average_ == Average::none ? Shape{n, width_} : Shape{n};
      return Result(std::move(out));
    }
    auto sum = dice_sum_.span(s);
    auto count = dice_count_.span(s);
    std::vector<double> out;
    for (std::size_t k = 0; k < sum.size(); ++k)
      out.push_back(count[k] > 0 ? sum[k] / static_cast<double>(count[k]) : kUndefinedDice);
    return Result::squeezed(Tensor::vector(std::move(out)));
  }

 private:
  void sample_row(const SampleCounts& c, std::vector<double>& row) const {
    const std::int64_t first = cfg_.first_class();
    const auto inter = segmentation::included(c.inter, first), target = segmentation::included(c.target, first);
    const ClassVector den = segmentation::included(c.pred, first) + target;
    const ClassVector dice = xt::where(xt::not_equal(den, 0.0), 2.0 * inter / den, kUndefinedDice);
    if (average_ == Average::none) {
      row.assign(dice.begin(), dice.end());
      return;
    }
    const xt::xtensor<bool, 1> defined = averaged_ && !xt::isnan(dice);
    const double num = xt::sum(xt::where(averaged_, 2.0 * inter, 0.0))();
    const double den_sum = xt::sum(xt::where(averaged_, den, 0.0))();
    const double support = xt::sum(xt::where(averaged_, target, 0.0))();
    const double count = xt::sum(xt::cast<double>(defined))();
    const double sum = average_ == Average::weighted ? xt::sum(xt::where(defined, dice * target, 0.0))()
                                                     : xt::sum(xt::where(defined, dice, 0.0))();
    double v = kUndefinedDice;
    if (count > 0) {
      switch (average_) {
        case Average::micro:
          v = num / den_sum;
          break;
        case Average::macro:
          v = sum / count;
          break;
        // Only classes absent from the target but predicted: all weights are 0, the score is 0.
        case Average::weighted:
          v = support != 0 ? sum / support : 0.0;
          break;
        case Average::none:
          break;
      }
    }
    row[0] = v;
  }

  SegConfig cfg_;
  bool per_sample_;
  std::int64_t k_;
  Average average_ = Average::micro;
  std::int64_t width_ = 1;
  xt::xtensor<bool, 1> averaged_;       // over the included classes: those in class averages
  StateSlot<double> sample_dice_;       // per_sample: one row per image
  StateSlot<double> dice_sum_;          // otherwise: per column, sum of the defined values
  StateSlot<std::int64_t> dice_count_;  // and their count
};

}  // namespace

WASMETRICS_COLD MetricSpec dice_score_spec() {
  return {
      .name = "DiceScore",
      .family = "segmentation",
      .doc =
          "Dice score 2|P∩T|/(|P|+|T|) per image and class, averaged over classes as `average` says and over "
          "images by mean; undefined scores (a class empty in both preds and target) are left out (NaN if none).",
      .inputs = {{"preds", false,
                  "predictions: [N, C, ...] one-hot masks (integer/bool, or float scores) or [N, ...] "
                  "label maps (input_format)"},
                 {"target", false, "ground truth, same shape and format as preds"}},
      .options =
          {
              segmentation::num_classes_option(),
              segmentation::include_background_option(),
              {.name = "average",
               .type = OptionType::string,
               .default_value = "micro",
               .choices = {"micro", "macro", "weighted", "none"},
               .nullable = true,
               .doc = "per image: 'micro' pools the classes' counts; 'macro' is the mean of the classes' scores; "
                      "'weighted' weighs them by |T|; 'none' (or null) keeps one score per class (shape [C])"},
              segmentation::input_format_option(/*allow_soft=*/true),
              segmentation::ignore_index_option(),
              {.name = "per_sample",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "true: compute() returns each image's score in update order, shape [N] (or [N, C] with "
                      "average 'none'); NaN where the image has nothing to score"},
          },
      .make = [](const Options& o) { return std::make_unique<DiceScore>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "label maps, micro: the classes' counts pooled per image, averaged over images", "args": {"num_classes": 3, "input_format": "index"}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 1, 1, 1, 2, 0, 2, 2, 0, 0, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 0, 1, 1, 2, 2, 2, 2, 2, 0, 0, 1]}}], "expected": {"shape": [], "data": [0.75]}},
        {"doc": "average=None: one Dice per class, averaged over images", "args": {"num_classes": 3, "input_format": "index", "average": "none"}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 1, 1, 1, 2, 0, 2, 2, 0, 0, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 2, 3], "data": [0, 0, 1, 1, 2, 2, 2, 2, 2, 0, 0, 1]}}], "expected": {"shape": [3], "data": [0.65, 0.9, 0.7333333333]}}
      ])json"),
  };
}

}  // namespace wasmetrics
