// SpectralAngleMapper (image/sam.py): per pixel, the angle between the spectra (channel vectors)
// of preds and target. State: a sum and a pixel count (16 bytes); with reduction none/null the
// per-pixel angle maps, float32 [N, H, W] (4 bytes per pixel: TorchMetrics keeps both inputs,
// 8 C bytes per pixel).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/map_store.hpp"

namespace wasmetrics {
namespace {

class SpectralAngleMapper final : public Metric {
 public:
  explicit SpectralAngleMapper(Options o)
      : Metric(std::move(o)), reduce_(image::parse_reduction(name(), options().raw("reduction"))) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    image::check_image_pair(name(), in[0], in[1]);
    if (in[0].shape[1] <= 1)
      fail(name(), ": expected the channel dimension of `preds` and `target` to be larger than 1, got ",
           in[0].shape[1]);
    const xt::xarray<double> p = image::read_values(in[0], in[0].dtype), t = image::read_values(in[1], in[1].dtype);
    const auto n = static_cast<std::size_t>(in[0].shape[0]), c = static_cast<std::size_t>(in[0].shape[1]);
    const auto hw = static_cast<std::size_t>(in[0].shape[2] * in[0].shape[3]);
    xt::xarray<double> angles = xt::xarray<double>::from_shape(
        {n, static_cast<std::size_t>(in[0].shape[2]), static_cast<std::size_t>(in[0].shape[3])});
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < hw; ++k) {
        double dot = 0, pp = 0, tt = 0;
        for (std::size_t ch = 0; ch < c; ++ch) {
          const double a = p.data()[(i * c + ch) * hw + k], b = t.data()[(i * c + ch) * hw + k];
          dot += a * b;
          pp += a * a;
          tt += b * b;
        }
        double cosine = dot / (std::sqrt(pp) * std::sqrt(tt));  // 0/0: NaN, as TorchMetrics
        if (cosine > 1.0) cosine = 1.0;
        if (cosine < -1.0) cosine = -1.0;
        angles.data()[i * hw + k] = std::acos(cosine);
      }
    if (reduce_ == image::Reduce::none) {
      image::append_maps(maps_, s, angles);
      return;
    }
    double sum = 0;
    for (double a : angles) sum += a;
    sum_sam_.value(s) = sum;
    numel_.value(s) = static_cast<std::int64_t>(angles.size());
  }

  Result compute_state(const State& s) const override {
    if (reduce_ == image::Reduce::none) return Result(image::concat_maps(name(), maps_, s));
    const double sum = sum_sam_.value(s);
    return Result::scalar(reduce_ == image::Reduce::sum ? sum : sum / count_at(numel_.var(s), 0));
  }

 private:
  image::Reduce reduce_;
  // reduction none/null: the angle maps; else their sum and the pixel count
  bool keep_maps_ = reduce_ == image::Reduce::none;
  image::MapStates maps_ = keep_maps_ ? image::declare_maps(state_layout(), "angles") : image::MapStates();
  StateSlot<double> sum_sam_ = keep_maps_ ? StateSlot<double>() : declare_state<double>("sum_sam", Reduction::sum, {});
  StateSlot<std::int64_t> numel_ =
      keep_maps_ ? StateSlot<std::int64_t>() : declare_state<std::int64_t>("numel", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec spectral_angle_mapper_spec() {
  return {
      .name = "SpectralAngleMapper",
      .family = "image",
      .doc = "Spectral angle mapper: the angle (radians) between per-pixel channel vectors, averaged over pixels.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W], C > 1"},
                 {"target", false, "target images, same shape and dtype"}},
      .options = {image::reduction_option(
          "elementwise_mean or sum over pixels, or none/null: the angle maps [N, H, W]")},
      .make = [](const Options& o) { return std::make_unique<SpectralAngleMapper>(o); },
      .examples = {{
          .doc = "one pixel, spectra [1, 0] and [1, 1]: 45 degrees = pi / 4",
          .batches = Json::parse(R"([{"preds": {"dtype": "float64", "shape": [1, 2, 1, 1], "data": [1.0, 0.0]},
                                      "target": {"dtype": "float64", "shape": [1, 2, 1, 1], "data": [1.0, 1.0]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {std::atan(1.0)}}},
      }},
  };
}

}  // namespace wasmetrics
