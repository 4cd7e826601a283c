// RootMeanSquaredErrorUsingSlidingWindow (image/rmse_sw.py): the root of the windowed mean squared
// error (a window_size box, edge-mirrored input), averaged over the map cropped by
// round(window_size / 2) and over images. State: a sum and an image count (16 bytes; TorchMetrics
// also keeps a per-pixel map that compute() does not use).
#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xstrided_view.hpp>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/filter.hpp"

namespace wasmetrics {
namespace {

class RootMeanSquaredErrorUsingSlidingWindow final : public Metric {
 public:
  explicit RootMeanSquaredErrorUsingSlidingWindow(Options o)
      : Metric(std::move(o)), window_(options().get_int("window_size")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    image::check_image_pair(name(), in[0], in[1]);
    const std::int64_t crop = image::half_window_crop(window_);
    const std::int64_t h = in[0].shape[2], w = in[0].shape[3];
    if (crop >= h || crop >= w)
      fail(name(), ": round(window_size / 2) = ", crop, " must be smaller than the image size ", std::min(h, w));
    const xt::xarray<double> p = image::read_values(in[0], in[0].dtype), t = image::read_values(in[1], in[1].dtype);
    const xt::xarray<double> rmse = image::windowed_rmse_map(name(), p, t, window_);
    // x[:, :, crop:-crop, crop:-crop] (empty when crop is 0: NaN, as TorchMetrics)
    const xt::xarray<double> kept = xt::strided_view(
        rmse,
        {xt::all(), xt::all(), xt::range(crop, std::max(crop, h - crop)), xt::range(crop, std::max(crop, w - crop))});
    // TorchMetrics adds rmse_val.sum(0).mean(): the images' sum, averaged over channels and pixels
    const std::size_t n = kept.shape()[0];
    rmse_val_sum_.value(s) = xt::sum(kept)() / static_cast<double>(n ? kept.size() / n : 0);
    total_images_.value(s) = static_cast<double>(in[0].shape[0]);
  }

  Result compute_state(const State& s) const override {
    return Result::scalar(rmse_val_sum_.value(s) / total_images_.value(s));
  }

 private:
  std::int64_t window_;
  StateSlot<double> rmse_val_sum_ = declare_state<double>("rmse_val_sum", Reduction::sum, {});
  StateSlot<double> total_images_ = declare_state<double>("total_images", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec root_mean_squared_error_using_sliding_window_spec() {
  return {
      .name = "RootMeanSquaredErrorUsingSlidingWindow",
      .family = "image",
      .doc = "RMSE over a sliding window_size box, averaged over the cropped map and over images.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W]"},
                 {"target", false, "target images, same shape and dtype"}},
      .options = {{.name = "window_size",
                   .type = OptionType::integer,
                   .default_value = 8,
                   .min = 1,
                   .doc = "side of the sliding window; round(window_size / 2) must be below the image size"}},
      .make = [](const Options& o) { return std::make_unique<RootMeanSquaredErrorUsingSlidingWindow>(o); },
      .examples = {{
          .doc = "a constant error of 0.5 everywhere: RMSE 0.5",
          .args = {{"window_size", 2}},
          .batches = Json::parse(
              R"([{"preds": {"dtype": "float64", "shape": [1, 1, 4, 4], "data": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]},
                                      "target": {"dtype": "float64", "shape": [1, 1, 4, 4], "data": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {0.5}}},
      }},
  };
}

}  // namespace wasmetrics
