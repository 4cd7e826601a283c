// SpectralDistortionIndex (image/d_lambda.py): how much the band-to-band UQI of preds differs from
// that of target, (1 / (C (C - 1)) sum |m1 - m2|^p)^(1 / p). TorchMetrics keeps every image and
// scores them all at compute(); our state is image/spectral_distortion.hpp's (16 C^2 + 32 bytes per
// batch, whatever the image size).
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/spectral_distortion.hpp"

namespace wasmetrics {
namespace {

class SpectralDistortionIndex final : public Metric {
 public:
  explicit SpectralDistortionIndex(Options o)
      : Metric(std::move(o)),
        p_(options().get_int("p")),
        reduce_(image::parse_reduction(name(), options().raw("reduction"))) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_floating(name(), "preds", in[0]);
    if (in[0].dtype != in[1].dtype)
      fail(name(), ": `preds` and `target` must have the same dtype, got ", dtype_name(in[0].dtype), " and ",
           dtype_name(in[1].dtype));
    if (in[0].ndim() != 4 || in[1].ndim() != 4)
      fail(name(), ": expected `preds` and `target` to have BxCxHxW shape, got ", shape_str(in[0].shape), " and ",
           shape_str(in[1].shape));
    if (in[0].shape[0] != in[1].shape[0] || in[0].shape[1] != in[1].shape[1])
      fail(name(), ": expected `preds` and `target` to have the same batch and channel sizes, got ",
           shape_str(in[0].shape), " and ", shape_str(in[1].shape));
    image::add_spectral_distortion(name(), states_, s, in[0], in[1]);
  }

  Result compute_state(const State& s) const override {
    const double out = image::spectral_distortion(name(), states_, s, p_);
    return Result(
        image::reduce_values({out}, reduce_ == image::Reduce::sum ? image::Reduce::sum : image::Reduce::mean));
  }

 private:
  std::int64_t p_;
  image::Reduce reduce_;
  image::SpectralDistortionStates states_ = image::declare_spectral_distortion(state_layout());
};

}  // namespace

WASMETRICS_COLD MetricSpec spectral_distortion_index_spec() {
  return {
      .name = "SpectralDistortionIndex",
      .family = "image",
      .doc = "D_lambda: the p-mean difference between the band-to-band UQI of preds and of target.",
      .inputs = {{"preds", false, "fused images [N, C, H, W]"},
                 {"target", false, "multispectral images [N, C, h, w], same N and C"}},
      .options =
          {
              {.name = "p", .type = OptionType::integer, .default_value = 1, .min = 1, .doc = "order of the norm"},
              {.name = "reduction",
               .type = OptionType::string,
               .default_value = "elementwise_mean",
               .choices = {"elementwise_mean", "sum", "none"},
               .doc = "the value is one number over all images; every reduction returns it"},
          },
      .make = [](const Options& o) { return std::make_unique<SpectralDistortionIndex>(o); },
      .examples = {{
          .doc = "preds equal to target: no spectral distortion",
          .batches =
              [] {
                std::vector<double> img(2 * 12 * 12);
                for (std::size_t i = 0; i < img.size(); ++i) img[i] = static_cast<double>((i * 37) % 97) / 97.0;
                Json t = {{"dtype", "float64"}, {"shape", {1, 2, 12, 12}}, {"data", img}};
                return Json::array({{{"preds", t}, {"target", t}}});
              }(),
          .expected = {{"shape", Json::array()}, {"data", {0.0}}},
      }},
  };
}

}  // namespace wasmetrics
