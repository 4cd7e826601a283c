// SpatialDistortionIndex (image/d_s.py): D_s = reduce(|m1 - m2|^p)^(1 / p) over bands, m1 the UQI
// of the multispectral image against the low-resolution panchromatic one, m2 of the fused image
// against the panchromatic one. TorchMetrics' update() takes `target` as a dict {ms, pan, pan_lr};
// here they are the inputs ms, pan and pan_lr (the names of its functional form). TorchMetrics keeps
// every image; the state here is image/spatial_distortion.hpp's (32 bytes per band).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/spatial_distortion.hpp"

namespace wasmetrics {
namespace {

class SpatialDistortionIndex final : public Metric {
 public:
  explicit SpatialDistortionIndex(Options o)
      : Metric(std::move(o)),
        norm_order_(options().get_int("norm_order")),
        window_(options().get_int("window_size")),
        reduce_(image::parse_reduction(name(), options().raw("reduction"))) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    image::check_pansharpening_inputs(name(), in);
    image::add_spatial_distortion(name(), states_, s, in);
  }

  void merge_custom(State& into, const State&) const override { image::compact_spatial_distortion(states_, into); }

  Result compute_state(const State& s) const override {
    return Result(image::reduced_distortion(image::spatial_distortion_terms(name(), states_, s, norm_order_, window_),
                                            reduce_, norm_order_));
  }

 private:
  std::int64_t norm_order_, window_;
  image::Reduce reduce_;
  image::SpatialDistortionStates states_ = image::declare_spatial_distortion(state_layout());
};

}  // namespace

WASMETRICS_COLD MetricSpec spatial_distortion_index_spec() {
  return {
      .name = "SpatialDistortionIndex",
      .family = "image",
      .doc =
          "D_s: how much the band-wise UQI against the panchromatic image differs between the fused and the "
          "multispectral image.",
      .inputs = image::pansharpening_inputs(),
      .options = image::spatial_distortion_options(),
      .make = [](const Options& o) { return std::make_unique<SpatialDistortionIndex>(o); },
      .examples =
          {
              {.doc = "preds/pan [2, 2, 24, 24], ms/pan_lr [2, 2, 12, 12], element i = ((i a + b) % m) / m with (a, b, "
                      "m) = (37, 0, 97), (53, 11, 89), (29, 5, 83), (61, 7, 101) for preds, pan, ms, pan_lr; "
                      "TorchMetrics' docstring uses torch.rand, so the value is TorchMetrics 1.5.2 run here in float64 "
                      "(its per-band buffer is float32: atol 1e-6)",
               .batches = image::pansharpening_example_batches(),
               .expected = {{"shape", Json::array()}, {"data", {0.025136936456}}}},
              {.doc = "the same with norm_order 2 and reduction none: one value per band",
               .args = {{"norm_order", 2}, {"reduction", "none"}},
               .batches = image::pansharpening_example_batches(),
               .expected = {{"shape", {2}}, {"data", {0.008540794253, 0.041733078659}}}},
          },
  };
}

}  // namespace wasmetrics
