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

// States `name` (float32 cat, the values) and `name`_dims (int64 cat [batches, kMaxMapRank]).
struct MapStates {
  StateSlot<float> values;
  StateSlot<std::int64_t> dims;  // each batch's dims, 0-padded
};
MapStates declare_maps(StateLayout& layout, const std::string& name);
void append_maps(const MapStates& maps, State& s, const xt::xarray<double>& values);
Tensor concat_maps(std::string_view metric, const MapStates& maps, const State& s);

// Per-pixel maps summed over images, of a size known only from the data (RASE's RMSE and target
// sums [C, H, W]): a cat state of blocks (one per batch) plus a row [dims..., images] per block.
// merge_custom() calls compact_summed_maps(), which adds up the held blocks of one size, so the
// state holds one block (two while folding) instead of one per batch; sum_maps() refuses blocks of
// different sizes (torch.cat of such images fails at compute()).
inline constexpr int kSummedMapRank = 3;
// States `name` (float64 cat, the blocks) and `name`_blocks (int64 cat [blocks, kSummedMapRank + 1]).
struct SummedMapStates {
  StateSlot<double> values;
  StateSlot<std::int64_t> blocks;  // per block: dims..., images
};
SummedMapStates declare_summed_maps(StateLayout& layout, const std::string& name);
// `sum` holds the batch's per-pixel sums, shaped [dims...] (kSummedMapRank axes).
void add_summed_maps(const SummedMapStates& maps, State& s, const xt::xarray<double>& sum, std::int64_t images);
void compact_summed_maps(const SummedMapStates& maps, State& s);
struct SummedMaps {
  xt::xarray<double> sum;  // [dims...], summed over every image
  double images = 0;
};
SummedMaps sum_maps(std::string_view metric, const SummedMapStates& maps, const State& s);

}  // namespace wasmetrics::image
