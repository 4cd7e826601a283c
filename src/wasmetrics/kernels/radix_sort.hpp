#pragma once
// LSD radix sort of float32 or float64 keys in descending order, carrying one byte of payload per
// key. Keys are ordered by their sign-flipped bit patterns (a total order: -0 sorts below +0, NaNs
// by their bits), the sort is stable, and a digit shared by every key skips its pass (probabilities
// share their top bytes). Scalar implementation; used by the exact (thresholds=None) curves, which
// keep float64 scores for float64 preds (8 byte passes instead of 4, same scratch per byte of key).
#include <cstdint>
#include <span>

namespace wasmetrics::kernels {

// Unsigned integers whose order is the float order (negative < -0 < +0 < positive).
std::uint32_t float_order_key(float v);
float float_from_order_key(std::uint32_t k);
std::uint64_t double_order_key(double v);
double double_from_order_key(std::uint64_t k);

// Sorts keys[i] descending (by float_order_key / double_order_key), moving payload[i] along.
// Stable. keys.size() must equal payload.size().
void radix_sort_desc(std::span<float> keys, std::span<std::uint8_t> payload);
void radix_sort_desc(std::span<double> keys, std::span<std::uint8_t> payload);

}  // namespace wasmetrics::kernels
