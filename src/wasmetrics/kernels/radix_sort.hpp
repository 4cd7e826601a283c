#pragma once
// LSD radix sort of float32 keys in descending order, carrying one byte of payload per key.
// Keys are ordered by their sign-flipped bit patterns (a total order: -0 sorts below +0, NaNs by
// their bits), the sort is stable, and a digit shared by every key skips its pass (probabilities
// share their top byte). Scalar implementation; used by the exact (thresholds=None) curves.
#include <cstdint>
#include <span>

namespace wasmetrics::kernels {

// uint32 whose unsigned order is the float order (negative < -0 < +0 < positive).
std::uint32_t float_order_key(float v);
float float_from_order_key(std::uint32_t k);

// Sorts keys[i] descending (by float_order_key), moving payload[i] along. Stable.
// keys.size() must equal payload.size().
void radix_sort_desc(std::span<float> keys, std::span<std::uint8_t> payload);

}  // namespace wasmetrics::kernels
