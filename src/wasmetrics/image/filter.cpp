#include "wasmetrics/image/filter.hpp"

#include <cmath>

#include <xtensor/xmath.hpp>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics::image {

std::vector<double> gaussian_kernel_1d(std::int64_t size, double sigma) {
  std::vector<double> k(static_cast<std::size_t>(size));
  double total = 0;
  for (std::int64_t i = 0; i < size; ++i) {
    const double x = (1.0 - static_cast<double>(size)) / 2.0 + static_cast<double>(i);
    k[static_cast<std::size_t>(i)] = std::exp(-(x / sigma) * (x / sigma) / 2.0);
    total += k[static_cast<std::size_t>(i)];
  }
  for (auto& v : k) v /= total;
  return k;
}

std::vector<double> uniform_kernel_1d(std::int64_t size) {
  return std::vector<double>(static_cast<std::size_t>(size), 1.0 / static_cast<double>(size));
}

std::vector<AxisFilter> uniform_window_filters(std::int64_t window_size) {
  AxisFilter f;
  f.pad = window_size / 2;
  f.pad_after = window_size / 2 + window_size % 2 - 1;
  f.symmetric = true;
  f.taps = uniform_kernel_1d(window_size);
  return {f, f};
}

namespace {

// out[o, i, r] = sum_j taps[j] * in[o, reflect(i + j - pad), r] over an axis of length n with
// `outer` blocks before it and `inner` contiguous elements after it.
void filter_axis(const double* in, double* out, std::size_t outer, std::int64_t n, std::size_t inner,
                 const AxisFilter& f, std::int64_t n_out) {
  const auto taps = static_cast<std::int64_t>(f.taps.size());
  for (std::size_t o = 0; o < outer; ++o) {
    const double* src = in + o * static_cast<std::size_t>(n) * inner;
    double* dst = out + o * static_cast<std::size_t>(n_out) * inner;
    for (std::int64_t i = 0; i < n_out; ++i) {
      double* row = dst + static_cast<std::size_t>(i) * inner;
      for (std::size_t r = 0; r < inner; ++r) row[r] = 0.0;
      for (std::int64_t j = 0; j < taps; ++j) {
        const double w = f.taps[static_cast<std::size_t>(j)];
        const std::int64_t at = f.symmetric ? symmetric_index(i + j - f.pad, n) : reflect_index(i + j - f.pad, n);
        const double* s = src + static_cast<std::size_t>(at) * inner;
        for (std::size_t r = 0; r < inner; ++r) row[r] += w * s[r];
      }
    }
  }
}

}  // namespace

xt::xarray<double> separable_filter(std::string_view metric, const xt::xarray<double>& x,
                                    const std::vector<AxisFilter>& filters) {
  xt::xarray<double> cur = x;
  const std::size_t rank = x.dimension();
  for (std::size_t k = 0; k < filters.size(); ++k) {
    const std::size_t axis = rank - filters.size() + k;
    const auto n = static_cast<std::int64_t>(cur.shape()[axis]);
    const AxisFilter& f = filters[k];
    const std::int64_t after = f.pad_after < 0 ? f.pad : f.pad_after;
    const std::int64_t limit = f.symmetric ? n + 1 : n;  // reflection needs pad < n, mirroring pad <= n
    if (f.pad >= limit || after >= limit || f.pad < 0)
      fail(metric, ": padding size should be less than the corresponding input dimension, but got padding (", f.pad,
           ", ", after, ") at dimension ", axis, " of size ", n);
    const std::int64_t n_out = n + f.pad + after - static_cast<std::int64_t>(f.taps.size()) + 1;
    if (n_out < 1)
      fail(metric, ": kernel size can't be greater than the padded input size: ", f.taps.size(), " taps over ",
           n + f.pad + after, " values at dimension ", axis);
    std::size_t outer = 1, inner = 1;
    for (std::size_t a = 0; a < axis; ++a) outer *= cur.shape()[a];
    for (std::size_t a = axis + 1; a < rank; ++a) inner *= cur.shape()[a];
    auto shape = cur.shape();
    shape[axis] = static_cast<std::size_t>(n_out);
    xt::xarray<double> next = xt::xarray<double>::from_shape(shape);
    filter_axis(cur.data(), next.data(), outer, n, inner, f, n_out);
    cur = std::move(next);
  }
  return cur;
}

xt::xarray<double> windowed_rmse_map(std::string_view metric, const xt::xarray<double>& preds,
                                     const xt::xarray<double>& target, std::int64_t window_size) {
  const xt::xarray<double> squared = xt::square(target - preds);
  return xt::sqrt(separable_filter(metric, squared, uniform_window_filters(window_size)));
}

}  // namespace wasmetrics::image
