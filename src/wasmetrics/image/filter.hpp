#pragma once
// Separable filtering of [..., spatial] arrays: reflect padding and one 1-D correlation per
// spatial axis (two passes for images, three for volumes) instead of a full 2-D/3-D kernel.
// Used by SSIM/MS-SSIM, UQI and the other windowed image metrics.
#include <cstdint>
#include <string_view>
#include <vector>

#include <xtensor/xarray.hpp>

namespace wasmetrics::image {

// TorchMetrics' _gaussian: exp(-x^2 / (2 sigma^2)) at x = (1 - size)/2 ... (size - 1)/2, normalised.
std::vector<double> gaussian_kernel_1d(std::int64_t size, double sigma);
// A box kernel of `size` taps, 1/size each.
std::vector<double> uniform_kernel_1d(std::int64_t size);

// One axis of a separable filter: the input is padded by `pad` before and `pad_after` after
// (-1: the same as `pad`), by reflection (torch's "reflect" mode: the edge sample is not repeated)
// or, with `symmetric`, by mirroring with the edge sample repeated (TorchMetrics' _uniform_filter),
// then correlated with `taps` (valid positions only): the axis becomes
// n + pad + pad_after - taps.size() + 1 long.
struct AxisFilter {
  std::int64_t pad = 0;
  std::vector<double> taps;
  std::int64_t pad_after = -1;
  bool symmetric = false;
};

// Filters the last filters.size() axes of `x`, one 1-D pass per axis. Fails (naming `metric`)
// when a pad is not smaller than its axis, as torch's reflection padding does.
xt::xarray<double> separable_filter(std::string_view metric, const xt::xarray<double>& x,
                                    const std::vector<AxisFilter>& filters);

// TorchMetrics' _uniform_filter on the last two axes: a window_size box (mean) over the input
// mirrored with the edge repeated, window_size / 2 before and the rest after (same size out).
std::vector<AxisFilter> uniform_window_filters(std::int64_t window_size);

// TorchMetrics' _rmse_sw_update map: sqrt of the window_size box mean (uniform_window_filters) of
// (target - preds)^2, same shape as the inputs [N, C, H, W]. Shared by
// RootMeanSquaredErrorUsingSlidingWindow and RelativeAverageSpectralError.
xt::xarray<double> windowed_rmse_map(std::string_view metric, const xt::xarray<double>& preds,
                                     const xt::xarray<double>& target, std::int64_t window_size);

// Python's round(window_size / 2) (halves to even: 3 -> 2, 5 -> 2, 7 -> 4), the border the
// sliding-window metrics crop.
inline std::int64_t half_window_crop(std::int64_t window_size) {
  const std::int64_t h = window_size / 2;
  if (window_size % 2 == 0) return h;
  return h % 2 == 0 ? h : h + 1;
}

// Reflect index into [0, n) for i in [-(n-1), 2(n-1)].
inline std::int64_t reflect_index(std::int64_t i, std::int64_t n) {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}
// Symmetric (edge-repeating) index into [0, n) for i in [-n, 2n).
inline std::int64_t symmetric_index(std::int64_t i, std::int64_t n) {
  if (i < 0) return -i - 1;
  if (i >= n) return 2 * n - 1 - i;
  return i;
}

}  // namespace wasmetrics::image
