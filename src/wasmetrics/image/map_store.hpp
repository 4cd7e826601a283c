#pragma once
// A cat state of per-image maps whose shape is known only from the data (SSIM full images, UQI
// and SAM per-pixel maps): the values as float32 (the precision TorchMetrics returns them in)
// plus one row of dims per batch; compute() concatenates them along the image axis, as
// torch.cat does, refusing batches whose other dims differ.
#include <cstdint>
#include <string>
#include <string_view>

#include <xtensor/xarray.hpp>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics::image {

inline constexpr int kMaxMapRank = 5;

void declare_maps(State& s, const std::string& name);
void append_maps(State& s, const std::string& name, const xt::xarray<double>& maps);
Tensor concat_maps(std::string_view metric, const State& s, const std::string& name);

// Per-pixel maps summed over images, of a size known only from the data (RASE's RMSE and target
// sums [C, H, W]): a cat state of blocks (one per batch) plus a row [dims..., images] per block.
// merge_custom() calls compact_summed_maps(), which adds up the held blocks of one size, so the
// state holds one block (two while folding) instead of one per batch; sum_maps() refuses blocks of
// different sizes (torch.cat of such images fails at compute()).
inline constexpr int kSummedMapRank = 3;
void declare_summed_maps(State& s, const std::string& name);
// `sum` holds the batch's per-pixel sums, shaped [dims...] (kSummedMapRank axes).
void add_summed_maps(State& s, const std::string& name, const xt::xarray<double>& sum, std::int64_t images);
void compact_summed_maps(State& s, const std::string& name);
struct SummedMaps {
  xt::xarray<double> sum;  // [dims...], summed over every image
  double images = 0;
};
SummedMaps sum_maps(std::string_view metric, const State& s, const std::string& name);

}  // namespace wasmetrics::image
