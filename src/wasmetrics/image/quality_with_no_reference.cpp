// QualityWithNoReference (image/qnr.py): QNR = (1 - D_lambda)^alpha (1 - D_s)^beta, D_lambda the
// SpectralDistortionIndex of preds against ms (p = norm_order) and D_s the SpatialDistortionIndex.
// Inputs preds, ms, pan, pan_lr as SpatialDistortionIndex (TorchMetrics' `target` dict by its
// keys). The state is both metrics' streaming states (16 C^2 + 32 bytes per batch, 32 bytes per band).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/spatial_distortion.hpp"
#include "wasmetrics/image/spectral_distortion.hpp"

namespace wasmetrics {
namespace {

class QualityWithNoReference final : public Metric {
 public:
  explicit QualityWithNoReference(Options o)
      : Metric(std::move(o)),
        alpha_(options().get_number("alpha")),
        beta_(options().get_number("beta")),
        norm_order_(options().get_int("norm_order")),
        window_(options().get_int("window_size")),
        reduce_(image::parse_reduction(name(), options().raw("reduction"))) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    image::check_pansharpening_inputs(name(), in);
    image::add_spectral_distortion(name(), spectral_, s, in[0], in[1]);
    image::add_spatial_distortion(name(), spatial_, s, in);
  }

  void merge_custom(State& into, const State&) const override { image::compact_spatial_distortion(spatial_, into); }

  Result compute_state(const State& s) const override {
    const double d_lambda = image::spectral_distortion(name(), spectral_, s, norm_order_);
    Tensor qnr = image::reduced_distortion(image::spatial_distortion_terms(name(), spatial_, s, norm_order_, window_),
                                           reduce_, norm_order_);
    for (double& d_s : qnr.data) d_s = std::pow(1.0 - d_lambda, alpha_) * std::pow(1.0 - d_s, beta_);
    return Result(qnr);
  }

 private:
  double alpha_, beta_;
  std::int64_t norm_order_, window_;
  image::Reduce reduce_;
  // D_lambda's states, then D_s's
  image::SpectralDistortionStates spectral_ = image::declare_spectral_distortion(state_layout());
  image::SpatialDistortionStates spatial_ = image::declare_spatial_distortion(state_layout());
};

}  // namespace

WASMETRICS_COLD MetricSpec quality_with_no_reference_spec() {
  std::vector<OptionSpec> options{
      {.name = "alpha",
       .type = OptionType::number,
       .default_value = 1.0,
       .min = 0.0,
       .doc = "weight of the spectral distortion term (1 - D_lambda)"},
      {.name = "beta",
       .type = OptionType::number,
       .default_value = 1.0,
       .min = 0.0,
       .doc = "weight of the spatial distortion term (1 - D_s)"},
  };
  for (auto& o : image::spatial_distortion_options()) options.push_back(o);
  return {
      .name = "QualityWithNoReference",
      .family = "image",
      .doc = "QNR: (1 - D_lambda)^alpha (1 - D_s)^beta, pan-sharpening quality without a high-resolution reference.",
      .inputs = image::pansharpening_inputs(),
      .options = options,
      .make = [](const Options& o) { return std::make_unique<QualityWithNoReference>(o); },
      .examples =
          {
              {.doc = "preds/pan [2, 2, 24, 24], ms/pan_lr [2, 2, 12, 12], element i = ((i a + b) % m) / m with (a, b, "
                      "m) = (37, 0, 97), (53, 11, 89), (29, 5, 83), (61, 7, 101) for preds, pan, ms, pan_lr; "
                      "TorchMetrics' docstring uses torch.rand, so the value is TorchMetrics 1.5.2 run here in float64 "
                      "(its per-band buffer is float32: atol 1e-6)",
               .batches = image::pansharpening_example_batches(),
               .expected = {{"shape", Json::array()}, {"data", {0.904585361481}}}},
              {.doc = "the same with alpha 0.5, beta 2",
               .args = {{"alpha", 0.5}, {"beta", 2.0}},
               .batches = image::pansharpening_example_batches(),
               .expected = {{"shape", Json::array()}, {"data", {0.915461778641}}}},
          },
  };
}

}  // namespace wasmetrics
