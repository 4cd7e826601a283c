#pragma once
// The universal image quality index map of TorchMetrics' _uqi_compute, shared by
// UniversalImageQualityIndex and SpectralDistortionIndex: SSIM's structure without C1/C2 (float
// eps in the denominator instead) over a separable Gaussian window, the map cropped by the window
// radius. As TorchMetrics (QUIRKS-image-audio IA2), F.pad pads the width by (kh - 1) / 2 and the
// height by (kw - 1) / 2.
#include <cstdint>
#include <string_view>
#include <vector>

#include <xtensor/xarray.hpp>

#include "wasmetrics/core/dtype.hpp"

namespace wasmetrics::image {

// preds/target [N, C, H, W] in `dtype`; kernel and sigma have two values each (checked here:
// odd positive sizes, positive sigmas). Returns the cropped map [N, C, h, w].
xt::xarray<double> uqi_map(std::string_view metric, const xt::xarray<double>& preds, const xt::xarray<double>& target,
                           const std::vector<std::int64_t>& kernel, const std::vector<double>& sigma, DType dtype);

}  // namespace wasmetrics::image
