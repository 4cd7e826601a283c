#pragma once
// D_lambda, TorchMetrics' _spectral_distortion_index_compute, as a streaming state: shared by
// SpectralDistortionIndex and QualityWithNoReference. Each entry of the two band-to-band UQI
// matrices is a mean over images of per-image UQI map means, so the state is, per update(), the two
// C x C matrices of summed per-image means and the image count: 16 C^2 + 32 bytes per batch,
// whatever the image size.
#include <cstdint>
#include <string_view>

#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::image {

// The states, in this order: per batch, `band_uqi_sums` (float64 cat: the reference's, then the
// fused images' C x C sums) and `batch_dims` (int64 cat [batches, 4]: C, H, W, images).
struct SpectralDistortionStates {
  StateSlot<double> band_uqi_sums;
  StateSlot<std::int64_t> batch_dims;
};
SpectralDistortionStates declare_spectral_distortion(StateLayout& layout);
// Folds one batch: fused images [N, C, H, W] and the multispectral reference [N, C, h, w] (checked
// by the caller: floating, one dtype, 4-D, same N and C).
void add_spectral_distortion(std::string_view metric, const SpectralDistortionStates& states, State& s,
                             const TensorView& fused, const TensorView& reference);
// (1 / (C (C - 1)) sum |m1 - m2|^p)^(1 / p) over everything folded in (C = 1: 0).
double spectral_distortion(std::string_view metric, const SpectralDistortionStates& states, const State& s,
                           std::int64_t p);

}  // namespace wasmetrics::image
