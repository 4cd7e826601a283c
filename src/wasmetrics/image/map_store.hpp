#pragma once
// A cat state of per-image maps whose shape is known only from the data (SSIM full images, UQI
// and SAM per-pixel maps): the values as float32 (the precision TorchMetrics returns them in)
// plus one row of dims per batch; compute() concatenates them along the image axis, as
// torch.cat does, refusing batches whose other dims differ.
#include <string>

#include <xtensor/xarray.hpp>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics::image {

inline constexpr int kMaxMapRank = 5;

void declare_maps(State& s, const std::string& name);
void append_maps(State& s, const std::string& name, const xt::xarray<double>& maps);
Tensor concat_maps(std::string_view metric, const State& s, const std::string& name);

}  // namespace wasmetrics::image
