#pragma once
// The state blob: a self-describing, versioned, checksummed little-endian encoding of a State.
//
//   offset  size  field
//   0       4     magic "WMST"
//   4       4     u32 format version (kStateBlobVersion)
//   8       4     u32 n = length of the metric name, then n bytes of name (UTF-8)
//   .       8     u64 options hash: FNV-1a 64 of the canonical options JSON (sorted keys)
//   .       8     i64 number of updates folded in
//   .       4     u32 number of states, then per state:
//                   u32 name length, name bytes, u8 reduction, u8 dtype, u32 ndim,
//                   ndim x i64 dims, u64 byte length, the bytes (row-major)
//   end-8   8     u64 FNV-1a 64 checksum of every byte before it
//
// Reduction codes: sum 0, mean 1, min 2, max 3, cat 4, custom 5. DType codes: float32 0,
// float64 1, int8 2, int16 3, int32 4, int64 5, uint8 6, uint16 7, uint32 8, bool 9.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics {

inline constexpr std::uint32_t kStateBlobVersion = 1;

std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes);
std::uint64_t fnv1a64(std::string_view text);

std::vector<std::uint8_t> encode_state(const std::string& metric, std::uint64_t options_hash, const State& state);
// Decodes a blob into a copy of `layout` (the metric's initial state), checking that the blob is
// whole, of this metric, options and version, and declares the same states with consistent sizes.
State decode_state(std::span<const std::uint8_t> blob, const std::string& metric, std::uint64_t options_hash,
                   const State& layout);

}  // namespace wasmetrics
