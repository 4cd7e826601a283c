#pragma once
// Edit distances over token ids (interned words or code points, see text/token_interner.hpp).
// - levenshtein: unit costs, bit-parallel (Myers 1999 in Hyyrö's formulation, 64 pattern symbols
//   per word, blocks carried for longer patterns): O(ceil(m/64) * n) word operations, no matrix.
// - levenshtein_dp: the textbook O(m * n) DP, the scalar twin the tests compare against.
// - beam_levenshtein: weighted costs restricted to sacrebleu's TER beam (what TorchMetrics'
//   _LevenshteinEditDistance computes for EditDistance and TER): O(n * beam) cells.
#include <cstdint>
#include <span>
#include <vector>

namespace wasmetrics::kernels {

// Reused between calls (no allocation per pair once warm). Ids must be < the largest id seen + 1.
class LevenshteinScratch {
 public:
  std::int64_t levenshtein(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);
  // Length of a longest common subsequence, bit-parallel (Allison-Dix / Hyyro): with U = V & eq
  // a subset of V, V' = (V + U) | (V - U) needs only the addition's carries across blocks.
  std::int64_t lcs(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

 private:
  // Fills peq_ for `pattern` (one mask per 64-symbol block per distinct id); returns the blocks.
  std::size_t build_peq(std::span<const std::uint32_t> pattern, std::span<const std::uint32_t> text);
  void clear_peq();
  std::int64_t levenshtein_one_block(std::size_t m, std::span<const std::uint32_t> text) const;
  std::vector<std::int32_t> slot_of_id_;  // id -> row of peq_ (-1: not in the pattern)
  std::vector<std::uint64_t> peq_;        // per pattern symbol, one mask per 64-symbol block
  std::vector<std::uint32_t> symbols_;    // the pattern's distinct ids (to reset slot_of_id_)
  std::vector<std::uint64_t> vp_, vn_;
};

std::int64_t levenshtein_dp(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);
std::int64_t lcs_dp(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

// TorchMetrics' _LevenshteinEditDistance(reference, op_substitute=sub)(prediction)[0]: insert and
// delete cost 1; rows i of the prediction only fill the cells j within the beam around
// i * len(ref) / len(pred) (all of the last row), cells outside stay infinite.
std::int64_t beam_levenshtein(std::span<const std::uint32_t> prediction, std::span<const std::uint32_t> reference,
                              std::int64_t substitution_cost, std::vector<std::int64_t>& scratch);

}  // namespace wasmetrics::kernels
