#include "wasmetrics/image/uqi_core.hpp"

#include <algorithm>
#include <limits>

#include <xtensor/xmath.hpp>
#include <xtensor/xstrided_view.hpp>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/image/filter.hpp"

namespace wasmetrics::image {

xt::xarray<double> uqi_map(std::string_view metric, const xt::xarray<double>& p, const xt::xarray<double>& t,
                           const std::vector<std::int64_t>& kernel, const std::vector<double>& sigma, DType dtype) {
  if (kernel.size() != 2 || sigma.size() != 2)
    fail(metric, ": expected `kernel_size` and `sigma` to have two values, got ", kernel.size(), " and ", sigma.size());
  for (auto k : kernel)
    if (k % 2 == 0 || k <= 0) fail(metric, ": expected `kernel_size` to have odd positive numbers, got ", k);
  for (auto v : sigma)
    if (!(v > 0)) fail(metric, ": expected `sigma` to have positive numbers, got ", v);
  const std::int64_t pad_h = (kernel[0] - 1) / 2, pad_w = (kernel[1] - 1) / 2;
  // height: padded by pad_w, filtered by the kh window; width: padded by pad_h, kw window (IA2)
  const std::vector<AxisFilter> filters{{pad_w, gaussian_kernel_1d(kernel[0], sigma[0])},
                                        {pad_h, gaussian_kernel_1d(kernel[1], sigma[1])}};
  auto f = [&](const xt::xarray<double>& x) { return separable_filter(metric, x, filters); };
  const xt::xarray<double> mu_p = f(p), mu_t = f(t), e_pp = f(p * p), e_tt = f(t * t), e_pt = f(p * t);
  const double eps = dtype == DType::float64 ? std::numeric_limits<double>::epsilon()
                                             : static_cast<double>(std::numeric_limits<float>::epsilon());
  const xt::xarray<double> mu_pp = mu_p * mu_p, mu_tt = mu_t * mu_t, mu_pt = mu_p * mu_t;
  const xt::xarray<double> upper = 2.0 * (e_pt - mu_pt);
  const xt::xarray<double> lower = xt::maximum(e_pp - mu_pp, 0.0) + xt::maximum(e_tt - mu_tt, 0.0);
  const xt::xarray<double> uqi = (2.0 * mu_pt * upper) / ((mu_pp + mu_tt) * lower + eps);
  const auto h = static_cast<std::int64_t>(uqi.shape()[2]), w = static_cast<std::int64_t>(uqi.shape()[3]);
  // x[..., pad_h:-pad_h, pad_w:-pad_w] (empty when a pad is 0)
  return xt::strided_view(uqi, {xt::all(), xt::all(), xt::range(pad_h, std::max(pad_h, h - pad_h)),
                                xt::range(pad_w, std::max(pad_w, w - pad_w))});
}

}  // namespace wasmetrics::image
