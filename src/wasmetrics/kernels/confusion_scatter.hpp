#pragma once
// The joint histogram of two byte maps: table[target[i] * 256 + pred[i]] += 1 for every i, uint32
// counts (a batch stays far below 2^32 elements). What the confusion matrix of uint8 label maps
// (segmentation masks) folds from: the class checks and the ignore_index row are applied to the
// 256 x 256 table afterwards, not per element.
//
// Google Highway (confusion_scatter-inl.h): the pair indices of a vector of bytes are formed at once
// (the two bytes interleaved into uint16 lanes), then counted; the SCALAR target (the plain WASM
// build) takes the scalar twin.
#include <cstddef>
#include <cstdint>

namespace wasmetrics::kernels {

inline constexpr std::size_t kBytePairBins = 256 * 256;

// Adds n pairs to `table` (kBytePairBins counts, not cleared here).
void scatter_byte_pairs(const std::uint8_t* pred, const std::uint8_t* target, std::size_t n, std::uint32_t* table);

namespace scalar {
inline void scatter_byte_pairs(const std::uint8_t* pred, const std::uint8_t* target, std::size_t n,
                               std::uint32_t* table) {
  for (std::size_t i = 0; i < n; ++i) ++table[(static_cast<std::size_t>(target[i]) << 8) | pred[i]];
}
}  // namespace scalar

}  // namespace wasmetrics::kernels
