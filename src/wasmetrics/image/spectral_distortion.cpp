#include "wasmetrics/image/spectral_distortion.hpp"

#include <cmath>
#include <vector>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/uqi_core.hpp"

namespace wasmetrics::image {
namespace {

// out[k][r] (k != r) += the UQI map mean of bands k and r of every image (symmetric).
void add_band_uqi_sums(std::string_view metric, const xt::xarray<double>& x, DType dtype, std::size_t n, std::size_t c,
                       double* out) {
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
      const xt::xarray<double> map = uqi_map(metric, a, b, {11, 11}, {1.5, 1.5}, dtype);
      const std::size_t per = map.size() / n;
      double sum = 0;
      for (std::size_t i = 0; i < n; ++i) {
        double m = 0;
        for (std::size_t j = 0; j < per; ++j) m += map.data()[i * per + j];
        sum += m / static_cast<double>(per);  // an empty map (image below the window): NaN, as torch
      }
      out[k * c + r] += sum;
      out[r * c + k] += sum;
    }
}

}  // namespace

SpectralDistortionStates declare_spectral_distortion(StateLayout& layout) {
  SpectralDistortionStates out;
  out.band_uqi_sums = layout.add<double>("band_uqi_sums", Reduction::cat, {0});
  out.batch_dims = layout.add<std::int64_t>("batch_dims", Reduction::cat, {0, 4});
  return out;
}

void add_spectral_distortion(std::string_view metric, const SpectralDistortionStates& states, State& s,
                             const TensorView& fused, const TensorView& reference) {
  const auto n = static_cast<std::size_t>(fused.shape[0]), c = static_cast<std::size_t>(fused.shape[1]);
  std::vector<double> sums(2 * c * c, 0.0);
  add_band_uqi_sums(metric, read_values(reference, reference.dtype), reference.dtype, n, c, sums.data());
  add_band_uqi_sums(metric, read_values(fused, fused.dtype), fused.dtype, n, c, sums.data() + c * c);
  states.band_uqi_sums.append(s, std::span<const double>(sums));
  const std::vector<std::int64_t> dims{fused.shape[1], fused.shape[2], fused.shape[3], fused.shape[0]};
  states.batch_dims.append(s, std::span<const std::int64_t>(dims));
}

double spectral_distortion(std::string_view metric, const SpectralDistortionStates& states, const State& s,
                           std::int64_t p) {
  auto dims = states.batch_dims.span(s);
  auto sums = states.band_uqi_sums.span(s);
  if (dims.empty()) fail(metric, ": compute() needs at least one update() first (no images to score)");
  const auto c = static_cast<std::size_t>(dims[0]);
  std::vector<double> total(2 * c * c, 0.0);
  double images = 0;
  std::size_t off = 0;
  for (std::size_t row = 0; row < dims.size(); row += 4) {
    if (dims[row] != dims[0] || dims[row + 1] != dims[1] || dims[row + 2] != dims[2])
      fail(metric, ": cannot score images of different sizes together (", dims[row], "x", dims[row + 1], "x",
           dims[row + 2], " and ", dims[0], "x", dims[1], "x", dims[2], ")");
    for (std::size_t k = 0; k < total.size(); ++k) total[k] += sums[off + k];
    off += total.size();
    images += static_cast<double>(dims[row + 3]);
  }
  double acc = 0;
  for (std::size_t k = 0; k < c * c; ++k) {
    if (k / c == k % c) continue;
    acc += std::pow(std::fabs(total[k] / images - total[c * c + k] / images), static_cast<double>(p));
  }
  const double pf = static_cast<double>(p);
  return c == 1 ? std::pow(0.0, 1.0 / pf) : std::pow(acc / static_cast<double>(c * (c - 1)), 1.0 / pf);
}

}  // namespace wasmetrics::image
