#pragma once
// SSIM of 2-D images one output row at a time: the five windowed moments (mu_p, mu_t, E[pp], E[tt],
// E[pt]) of a row are filtered together (one vertical pass over the window's input rows, then one
// horizontal pass per moment), and the row's SSIM (and contrast-sensitivity) values are summed per
// image straight away. Scratch memory is five padded rows, not five filtered images (which took
// 5 x 2 x 8 bytes per pixel of the batch); the arithmetic and its order are those of
// separable_filter + the map expression in ssim_core.cpp, so the values are the same to the bit.
#include <cstddef>
#include <vector>

#include <xtensor/xarray.hpp>

#include "wasmetrics/image/filter.hpp"

namespace wasmetrics::image {

struct SsimRowsOut {
  std::vector<double> ssim;  // per image: mean of its SSIM map
  std::vector<double> cs;    // per image: mean of its cropped contrast map (want_cs)
  xt::xarray<double> map;    // [N, C, H_out, W_out] (want_map)
};

// Whether ssim_rows can take these inputs: 4-D [N, C, H, W], reflect padding smaller than each
// axis and at least one output position (otherwise separable_filter reports the error).
bool ssim_rows_applies(const xt::xarray<double>& preds, const std::vector<AxisFilter>& filters);

// preds/target [N, C, H, W] (same shape), filters {vertical, horizontal}, the SSIM constants.
SsimRowsOut ssim_rows(const xt::xarray<double>& preds, const xt::xarray<double>& target,
                      const std::vector<AxisFilter>& filters, double c1, double c2, bool want_cs, bool want_map);

}  // namespace wasmetrics::image
