// ErrorRelativeGlobalDimensionlessSynthesis (image/ergas.py). TorchMetrics keeps every image and
// scores them at compute(); each image's score depends on that image only, so the state here is
// one float64 per image (8 bytes per image instead of two copies of it).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"

namespace wasmetrics {
namespace {

class ErrorRelativeGlobalDimensionlessSynthesis final : public Metric {
 public:
  explicit ErrorRelativeGlobalDimensionlessSynthesis(Options o)
      : Metric(std::move(o)),
        ratio_(options().get_number("ratio")),
        reduce_(image::parse_reduction(name(), options().raw("reduction"))) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    image::check_image_pair(name(), in[0], in[1]);
    const xt::xarray<double> p = image::read_values(in[0], in[0].dtype), t = image::read_values(in[1], in[1].dtype);
    const auto n = static_cast<std::size_t>(in[0].shape[0]), c = static_cast<std::size_t>(in[0].shape[1]);
    const auto hw = static_cast<std::size_t>(in[0].shape[2] * in[0].shape[3]);
    std::vector<double> scores(n);
    for (std::size_t i = 0; i < n; ++i) {
      double sum = 0;
      for (std::size_t ch = 0; ch < c; ++ch) {
        const std::size_t off = (i * c + ch) * hw;
        double sse = 0, mean_t = 0;
        for (std::size_t k = 0; k < hw; ++k) {
          const double d = p.data()[off + k] - t.data()[off + k];
          sse += d * d;
          mean_t += t.data()[off + k];
        }
        mean_t /= static_cast<double>(hw);
        const double rel = std::sqrt(sse / static_cast<double>(hw)) / mean_t;
        sum += rel * rel;
      }
      scores[i] = 100.0 / ratio_ * std::sqrt(sum / static_cast<double>(c));
    }
    scores_.append(s, std::span<const double>(scores));
  }

  Result compute_state(const State& s) const override {
    if (s.updates == 0) fail(name(), ": compute() needs at least one update() first (no images to score)");
    auto v = scores_.span(s);
    return Result(image::reduce_values(std::vector<double>(v.begin(), v.end()), reduce_));
  }

 private:
  double ratio_;
  image::Reduce reduce_;
  StateSlot<double> scores_ = declare_state<double>("scores", Reduction::cat, {0});  // one per image
};

}  // namespace

WASMETRICS_COLD MetricSpec error_relative_global_dimensionless_synthesis_spec() {
  return {
      .name = "ErrorRelativeGlobalDimensionlessSynthesis",
      .family = "image",
      .doc = "ERGAS: 100 / ratio * sqrt(mean over bands of (RMSE / mean target)^2), per image.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W]"},
                 {"target", false, "target images, same shape and dtype"}},
      .options =
          {
              {.name = "ratio",
               .type = OptionType::number,
               .default_value = 4.0,
               .doc = "ratio of high- to low-resolution pixel sizes"},
              image::reduction_option(),
          },
      .make = [](const Options& o) { return std::make_unique<ErrorRelativeGlobalDimensionlessSynthesis>(o); },
      .examples = {{
          .doc = "one 1x2 image, target [1, 3] (mean 2), preds [2, 2] (RMSE 1): 100 / 4 * (1 / 2) = 12.5",
          .batches = Json::parse(R"([{"preds": {"dtype": "float32", "shape": [1, 1, 1, 2], "data": [2.0, 2.0]},
                                      "target": {"dtype": "float32", "shape": [1, 1, 1, 2], "data": [1.0, 3.0]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {12.5}}},
      }},
  };
}

}  // namespace wasmetrics
