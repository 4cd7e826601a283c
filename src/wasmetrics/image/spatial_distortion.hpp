#pragma once
// D_s, TorchMetrics' _spatial_distortion_index_compute, as a streaming state: shared by
// SpatialDistortionIndex and QualityWithNoReference. Per band, D_s compares the UQI of the
// multispectral image with the low-resolution panchromatic one (m1) and of the fused image with the
// panchromatic one (m2); each is UniversalImageQualityIndex's elementwise mean over all images, a
// sum of map values over a count. So the state is, per band, those two sums and counts (32 C bytes,
// summed maps of map_store.hpp) plus the distinct (ms, preds) sizes seen (torch.cat of different
// sizes fails at compute(), as does a window_size not below the ms size).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/map_store.hpp"

namespace wasmetrics::image {

// The inputs preds, ms, pan, pan_lr (TorchMetrics' `target` dict, flattened by its keys).
std::vector<InputSpec> pansharpening_inputs();
// norm_order, window_size, reduction (SpatialDistortionIndex's; QualityWithNoReference adds alpha, beta).
std::vector<OptionSpec> spatial_distortion_options();

// The checks of _spatial_distortion_index_update on (preds, ms, pan, pan_lr); pan_lr is required
// here (without it TorchMetrics degrades `pan` through torchvision's resize, not reproduced).
void check_pansharpening_inputs(std::string_view metric, std::span<const TensorView> in);
// The states, in this order: the summed maps `band_uqi` ([C, 4, 1] per block: m1 sum, count, m2 sum,
// count) and `image_sizes` (int64 cat [sizes, 4]: the distinct (ms h, ms w, H, W)).
struct SpatialDistortionStates {
  SummedMapStates band_uqi;
  StateSlot<std::int64_t> image_sizes;
};
SpatialDistortionStates declare_spatial_distortion(StateLayout& layout);
// Folds one checked batch (preds, ms, pan, pan_lr).
void add_spatial_distortion(std::string_view metric, const SpatialDistortionStates& states, State& s,
                            std::span<const TensorView> in);
// Call from merge_custom(): adds up the held per-band sums, keeps one row per distinct size.
void compact_spatial_distortion(const SpatialDistortionStates& states, State& s);
// Per band, |m1 - m2|^norm_order (to be reduced, then raised to 1 / norm_order).
std::vector<double> spatial_distortion_terms(std::string_view metric, const SpatialDistortionStates& states,
                                             const State& s, std::int64_t norm_order, std::int64_t window_size);

// The examples' batch: 2 images of 2 bands, preds/pan 24x24 and ms/pan_lr 12x12, float64, filled
// with ((i a + b) mod m) / m patterns (the examples' docs give the Python that reproduces them).
Json pansharpening_example_batches();

// reduce(terms, reduction) ** (1 / norm_order): a scalar, or one value per band for `none`.
Tensor reduced_distortion(const std::vector<double>& terms, Reduce reduce, std::int64_t norm_order);

}  // namespace wasmetrics::image
