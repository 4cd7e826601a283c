#pragma once
// The SSIM computation TorchMetrics' _ssim_update does, shared by StructuralSimilarityIndexMeasure
// and MultiScaleStructuralSimilarityIndexMeasure: reflect padding by the window radius, a
// separable Gaussian (or uniform) window in one 1-D pass per spatial axis, and the SSIM map
// averaged over every pixel of each image (no border crop, QUIRKS-image-audio IA1).
#include <cstdint>
#include <string_view>
#include <vector>

#include <xtensor/xarray.hpp>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/image/common.hpp"

namespace wasmetrics::image {

struct SsimParams {
  bool gaussian = true;
  std::vector<double> sigma;              // one per spatial axis, or one for all
  std::vector<std::int64_t> kernel_size;  // likewise
  DataRange range;
  double k1 = 0.01, k2 = 0.03;
};
SsimParams parse_ssim_params(std::string_view metric, const Options& o);
// The options SSIM and MS-SSIM share: gaussian_kernel, sigma, kernel_size, data_range, k1, k2.
std::vector<OptionSpec> ssim_window_options();

struct SsimBatch {
  std::vector<double> ssim;  // per image: the mean of its SSIM map
  std::vector<double> cs;    // per image: the mean of its cropped contrast-sensitivity map (if asked)
  xt::xarray<double> map;    // the SSIM maps [N, C, ...] (if asked)
};

// preds/target: [N, C, H, W] or [N, C, D, H, W] values in `dtype` (float32 or float64),
// same shape (callers check). Window sizes and sigmas are checked here, as TorchMetrics does in
// update(). want_cs and want_map are exclusive.
SsimBatch ssim_batch(std::string_view metric, xt::xarray<double> preds, xt::xarray<double> target, DType dtype,
                     const SsimParams& params, bool want_cs, bool want_map);

// The checks of _ssim_check_inputs: floating inputs of the same shape, 4-D or 5-D (target is then
// read in preds' dtype).
void check_ssim_inputs(std::string_view metric, const TensorView& preds, const TensorView& target);

}  // namespace wasmetrics::image
