#pragma once
// Exact n-gram counting over interned token ids, without a container per n-gram: the n-grams of
// every sequence involved are start positions into one token array, sorted by their ids
// (lexicographically) so that equal n-grams are adjacent; counts are read off the runs. Scratch
// vectors are reused across calls.
#include <cstdint>
#include <span>
#include <vector>

namespace wasmetrics::text {

class NgramCounter {
 public:
  // BLEU's clipped counts for orders 1..max_n: numerator[n-1] += sum over the hypothesis' n-grams
  // of min(count in hypothesis, max count in any one reference); denominator[n-1] += hypothesis n-grams.
  void clipped_counts(std::span<const std::uint32_t> hypothesis,
                      std::span<const std::span<const std::uint32_t>> references, int max_n, double* numerator,
                      double* denominator);

  // sum over n-grams of min(count in a, count in b) for one order n (chrF, ROUGE-N).
  std::int64_t overlap(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b, int n);

 private:
  struct Start {
    std::uint32_t pos;     // into tokens_
    std::uint32_t source;  // 0: hypothesis / a; 1..: references / b
  };
  // Sorts the n-grams of order n of every source; sources are [bounds_[s], bounds_[s+1]) in tokens_.
  void collect(int n);

  std::vector<std::uint32_t> tokens_;
  std::vector<std::uint32_t> bounds_;
  std::vector<Start> starts_;
  std::vector<std::int64_t> per_source_;
};

}  // namespace wasmetrics::text
