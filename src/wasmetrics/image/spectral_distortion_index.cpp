// SpectralDistortionIndex (image/d_lambda.py): how much the band-to-band UQI of preds differs from
// that of target, (1 / (C (C - 1)) sum |m1 - m2|^p)^(1 / p). TorchMetrics keeps every image and
// scores them all at compute(); each matrix entry is a mean over images of per-image UQI map means
// (the maps of one image size), so the state is, per update(), the two C x C matrices of summed
// per-image means and the image count: 16 C^2 + 24 bytes per batch, whatever the image size.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/uqi_core.hpp"

namespace wasmetrics {
namespace {

class SpectralDistortionIndex final : public Metric {
 public:
  explicit SpectralDistortionIndex(Options o)
      : Metric(std::move(o)), p_(options().get_int("p")), reduce_(image::parse_reduction(name(), options().raw("reduction"))) {}

 protected:
  State initial_state() const override {
    State s;
    s.add("band_uqi_sums", Reduction::cat, DType::float64, {0});  // per batch: target's, then preds' C x C sums
    s.add("batch_dims", Reduction::cat, DType::int64, {0, 4});    // per batch: C, H, W, images
    return s;
  }

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
    const auto n = static_cast<std::size_t>(in[0].shape[0]), c = static_cast<std::size_t>(in[0].shape[1]);
    std::vector<double> sums(2 * c * c, 0.0);
    const xt::xarray<double> t = image::read_values(in[1], in[1].dtype), p = image::read_values(in[0], in[0].dtype);
    band_sums(t, in[1].dtype, n, c, sums.data());
    band_sums(p, in[0].dtype, n, c, sums.data() + c * c);
    s["band_uqi_sums"].append(std::span<const double>(sums));
    const std::vector<std::int64_t> dims{in[0].shape[1], in[0].shape[2], in[0].shape[3], in[0].shape[0]};
    s["batch_dims"].append(std::span<const std::int64_t>(dims));
  }

  Result compute_state(const State& s) const override {
    auto dims = s["batch_dims"].as<std::int64_t>();
    auto sums = s["band_uqi_sums"].as<double>();
    if (dims.empty()) fail(name(), ": compute() needs at least one update() first (no images to score)");
    const auto c = static_cast<std::size_t>(dims[0]);
    std::vector<double> total(2 * c * c, 0.0);
    double images = 0;
    std::size_t off = 0;
    for (std::size_t row = 0; row < dims.size(); row += 4) {
      if (dims[row] != dims[0] || dims[row + 1] != dims[1] || dims[row + 2] != dims[2])
        fail(name(), ": cannot score images of different sizes together (", dims[row], "x", dims[row + 1], "x",
             dims[row + 2], " and ", dims[0], "x", dims[1], "x", dims[2], ")");
      for (std::size_t k = 0; k < total.size(); ++k) total[k] += sums[off + k];
      off += total.size();
      images += static_cast<double>(dims[row + 3]);
    }
    double acc = 0;
    for (std::size_t k = 0; k < c * c; ++k) {
      if (k / c == k % c) continue;
      acc += std::pow(std::fabs(total[k] / images - total[c * c + k] / images), static_cast<double>(p_));
    }
    const double pf = static_cast<double>(p_);
    const double out = c == 1 ? std::pow(0.0, 1.0 / pf)
                              : std::pow(acc / static_cast<double>(c * (c - 1)), 1.0 / pf);
    return Result(image::reduce_values({out}, reduce_ == image::Reduce::sum ? image::Reduce::sum : image::Reduce::mean));
  }

 private:
  // out[k][r] (k != r) += the UQI map mean of bands k and r of every image (symmetric).
  void band_sums(const xt::xarray<double>& x, DType dtype, std::size_t n, std::size_t c, double* out) const {
    const std::size_t hw = x.size() / (n * c);
    const std::vector<std::size_t> shape{n, 1, x.shape()[2], x.shape()[3]};
    for (std::size_t k = 0; k < c; ++k)
      for (std::size_t r = k + 1; r < c; ++r) {
        xt::xarray<double> a = xt::xarray<double>::from_shape(shape), b = xt::xarray<double>::from_shape(shape);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < hw; ++j) {
            a.data()[i * hw + j] = x.data()[(i * c + k) * hw + j];
            b.data()[i * hw + j] = x.data()[(i * c + r) * hw + j];
          }
        const xt::xarray<double> map = image::uqi_map(name(), a, b, {11, 11}, {1.5, 1.5}, dtype);
        const std::size_t per = map.size() / n;
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
          double m = 0;
          for (std::size_t j = 0; j < per; ++j) m += map.data()[i * per + j];
          sum += m / static_cast<double>(per);
        }
        out[k * c + r] += sum;
        out[r * c + k] += sum;
      }
  }

  std::int64_t p_;
  image::Reduce reduce_;
};

}  // namespace

MetricSpec spectral_distortion_index_spec() {
  return {
      .name = "SpectralDistortionIndex",
      .family = "image",
      .doc = "D_lambda: the p-mean difference between the band-to-band UQI of preds and of target.",
      .inputs = {{"preds", false, "fused images [N, C, H, W]"}, {"target", false, "multispectral images [N, C, h, w], same N and C"}},
      .options = {
          {.name = "p", .type = OptionType::integer, .default_value = 1, .min = 1, .doc = "order of the norm"},
          {.name = "reduction", .type = OptionType::string, .default_value = "elementwise_mean",
           .choices = {"elementwise_mean", "sum", "none"},
           .doc = "the value is one number over all images; every reduction returns it"},
      },
      .make = [](const Options& o) { return std::make_unique<SpectralDistortionIndex>(o); },
      .examples = {{
          .doc = "preds equal to target: no spectral distortion",
          .batches = [] {
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
