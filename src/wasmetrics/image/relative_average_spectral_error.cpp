// RelativeAverageSpectralError (image/rase.py): 100 / mean(target) * sqrt(mean over channels of
// RMSE^2), per pixel of the windowed maps averaged over images, then averaged over the map cropped
// by round(window_size / 2). TorchMetrics keeps every image and computes at compute(); every map it
// averages is a sum over images, so the state is two per-pixel sums of one image size [C, H, W]
// (16 C H W bytes whatever the number of images; map_store.hpp's summed maps). As TorchMetrics (which only
// concatenates in update()), inputs it would reject at compute() are accepted by update() and the
// problem is raised by compute(): the first one is kept in `deferred_error`.
#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xstrided_view.hpp>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/filter.hpp"
#include "wasmetrics/image/map_store.hpp"

namespace wasmetrics {
namespace {

// deferred_error: [code, preds' 4 dims, target's 4 dims] (dims 0 where a tensor is not 4-D).
enum RaseProblem : std::int64_t { kRaseOk = 0, kRaseDtype = 1, kRaseShape = 2, kRaseNot4d = 3, kRaseWindow = 4 };

class RelativeAverageSpectralError final : public Metric {
 public:
  explicit RelativeAverageSpectralError(Options o) : Metric(std::move(o)), window_(options().get_int("window_size")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView &preds = in[0], &target = in[1];
    require_floating(name(), "preds", preds);
    require_floating(name(), "target", target);
    std::int64_t problem = kRaseOk;
    if (preds.dtype != target.dtype)
      problem = kRaseDtype;
    else if (preds.shape != target.shape)
      problem = kRaseShape;
    else if (preds.ndim() != 4)
      problem = kRaseNot4d;
    else if (image::half_window_crop(window_) >= std::min(preds.shape[2], preds.shape[3]))
      problem = kRaseWindow;
    if (problem != kRaseOk) {
      auto e = deferred_error_.span(s);
      e[0] = problem;
      for (std::size_t a = 0; a < 4; ++a) {
        e[1 + a] = preds.ndim() == 4 ? preds.shape[a] : 0;
        e[5 + a] = target.ndim() == 4 ? target.shape[a] : 0;
      }
      return;
    }
    const xt::xarray<double> p = image::read_values(preds, preds.dtype), t = image::read_values(target, target.dtype);
    const double area = static_cast<double>(window_ * window_);
    image::add_summed_maps(rmse_map_, s, xt::sum(image::windowed_rmse_map(name(), p, t, window_), {0}), preds.shape[0]);
    image::add_summed_maps(
        target_mean_, s,
        xt::sum(image::separable_filter(name(), t, image::uniform_window_filters(window_)), {0}) / area,
        preds.shape[0]);
  }

  void merge_custom(State& into, const State& from) const override {
    auto into_err = deferred_error_.span(into);
    auto from_err = deferred_error_.span(from);
    if (into_err[0] == kRaseOk && from_err[0] != kRaseOk) std::copy(from_err.begin(), from_err.end(), into_err.begin());
    image::compact_summed_maps(rmse_map_, into);
    image::compact_summed_maps(target_mean_, into);
  }

  Result compute_state(const State& s) const override {
    raise_deferred(deferred_error_.span(s));
    const image::SummedMaps rmse = image::sum_maps(name(), rmse_map_, s);
    const image::SummedMaps target = image::sum_maps(name(), target_mean_, s);
    const xt::xarray<double> target_mean = xt::mean(target.sum / target.images, {0});  // over channels
    const xt::xarray<double> rase_map =
        100.0 / target_mean * xt::sqrt(xt::mean(xt::square(rmse.sum / rmse.images), {0}));
    // rase_map[crop:-crop, crop:-crop]: empty (NaN mean, as torch) when crop is 0
    const auto h = static_cast<std::int64_t>(rase_map.shape()[0]), w = static_cast<std::int64_t>(rase_map.shape()[1]);
    const std::int64_t crop = image::half_window_crop(window_);
    const xt::xarray<double> kept = xt::strided_view(
        rase_map, {xt::range(crop, std::max(crop, h - crop)), xt::range(crop, std::max(crop, w - crop))});
    return Result::scalar(kept.size() == 0 ? std::nan("") : xt::mean(kept)());
  }

 private:
  void raise_deferred(std::span<const std::int64_t> e) const {
    const std::string preds = shape_str({e[1], e[2], e[3], e[4]}), target = shape_str({e[5], e[6], e[7], e[8]});
    switch (e[0]) {
      case kRaseDtype:
        fail(name(), ": `preds` and `target` must have the same dtype");
      case kRaseShape:
        fail(name(), ": `preds` and `target` must have the same shape, got ", preds, " and ", target);
      case kRaseNot4d:
        fail(name(), ": expected `preds` and `target` to have BxCxHxW shape");
      case kRaseWindow:
        fail(name(), ": round(window_size / 2) = ", image::half_window_crop(window_),
             " must be smaller than the image size ", std::min(e[3], e[4]));
      default:
        return;
    }
  }

  std::int64_t window_;
  // [C, H, W] windowed RMSE, summed over images
  image::SummedMapStates rmse_map_ = image::declare_summed_maps(state_layout(), "rmse_map");
  // [C, H, W] window means / window_size^2, likewise
  image::SummedMapStates target_mean_ = image::declare_summed_maps(state_layout(), "target_mean");
  StateSlot<std::int64_t> deferred_error_ = declare_state<std::int64_t>("deferred_error", Reduction::custom, {9});
};

}  // namespace

WASMETRICS_COLD MetricSpec relative_average_spectral_error_spec() {
  return {
      .name = "RelativeAverageSpectralError",
      .family = "image",
      .doc =
          "RASE: 100 / mean(target) times the channel-RMS of the sliding-window RMSE, averaged over the cropped map.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W]"},
                 {"target", false, "target images, same shape and dtype"}},
      .options = {{.name = "window_size",
                   .type = OptionType::integer,
                   .default_value = 8,
                   .min = 1,
                   .doc = "side of the sliding window; round(window_size / 2) must be below the image size"}},
      .make = [](const Options& o) { return std::make_unique<RelativeAverageSpectralError>(o); },
      .rejects_mismatched_rows = false,  // TorchMetrics only stores in update(): shapes are refused at compute()
      .examples = examples_from_json(R"json([
        {"doc": "two 1x4x4 images (window 2); TorchMetrics' docstring uses torch.rand, so this value is a float64 numpy computation of the rule (TorchMetrics 1.5.2 in float64 agrees: 100.5332)",
         "args": {"window_size": 2},
         "batches": [{"preds": {"dtype": "float64", "shape": [2, 1, 4, 4], "data": [0.25, 0.5, 0.75, 1.0, 0.5, 0.75, 1.0, 1.25, 0.75, 1.0, 1.25, 1.5, 1.0, 1.25, 1.5, 1.75, 0.75, 1.0, 1.0, 1.25, 0.75, 0.75, 1.0, 1.0, 0.5, 0.75, 0.75, 1.0, 0.5, 0.5, 0.75, 0.75]},
                      "target": {"dtype": "float64", "shape": [2, 1, 4, 4], "data": [0.0, 0.25, 0.5, 0.75, 0.25, 0.5, 0.75, 1.0, 0.5, 0.75, 1.0, 1.25, 0.75, 1.0, 1.25, 1.5, 0.875, 1.0, 1.125, 1.25, 0.75, 0.875, 1.0, 1.125, 0.625, 0.75, 0.875, 1.0, 0.5, 0.625, 0.75, 0.875]}}],
         "expected": {"shape": [], "data": [100.53315354064571]}, "atol": 1e-9}
      ])json"),
  };
}

}  // namespace wasmetrics
