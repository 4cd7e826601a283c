#include "wasmetrics/text/ngrams.hpp"

#include <algorithm>

namespace wasmetrics::text {

void NgramCounter::collect(int n) {
  starts_.clear();
  const auto un = static_cast<std::uint32_t>(n);
  for (std::uint32_t s = 0; s + 1 < bounds_.size(); ++s)
    for (std::uint32_t p = bounds_[s]; p + un <= bounds_[s + 1]; ++p) starts_.push_back({p, s});
  const std::uint32_t* t = tokens_.data();
  std::sort(starts_.begin(), starts_.end(), [&](const Start& x, const Start& y) {
    for (std::uint32_t k = 0; k < un; ++k)
      if (t[x.pos + k] != t[y.pos + k]) return t[x.pos + k] < t[y.pos + k];
    return x.source < y.source;
  });
}

void NgramCounter::clipped_counts(std::span<const std::uint32_t> hypothesis,
                                  std::span<const std::span<const std::uint32_t>> references, int max_n,
                                  double* numerator, double* denominator) {
  tokens_.assign(hypothesis.begin(), hypothesis.end());
  bounds_.assign({0, static_cast<std::uint32_t>(tokens_.size())});
  for (auto r : references) {
    tokens_.insert(tokens_.end(), r.begin(), r.end());
    bounds_.push_back(static_cast<std::uint32_t>(tokens_.size()));
  }
  per_source_.assign(bounds_.size() - 1, 0);
  const std::uint32_t* t = tokens_.data();
  for (int n = 1; n <= max_n; ++n) {
    collect(n);
    const auto un = static_cast<std::uint32_t>(n);
    std::size_t i = 0;
    while (i < starts_.size()) {
      std::size_t j = i;
      std::fill(per_source_.begin(), per_source_.end(), 0);
      while (j < starts_.size() && std::equal(t + starts_[i].pos, t + starts_[i].pos + un, t + starts_[j].pos)) {
        ++per_source_[starts_[j].source];
        ++j;
      }
      const std::int64_t hyp = per_source_[0];
      if (hyp > 0) {
        const std::int64_t ref = *std::max_element(per_source_.begin() + 1, per_source_.end());
        numerator[n - 1] += static_cast<double>(std::min(hyp, ref));
        denominator[n - 1] += static_cast<double>(hyp);
      }
      i = j;
    }
  }
}

std::int64_t NgramCounter::overlap(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b, int n) {
  tokens_.assign(a.begin(), a.end());
  tokens_.insert(tokens_.end(), b.begin(), b.end());
  bounds_.assign({0, static_cast<std::uint32_t>(a.size()), static_cast<std::uint32_t>(tokens_.size())});
  collect(n);
  const std::uint32_t* t = tokens_.data();
  const auto un = static_cast<std::uint32_t>(n);
  std::int64_t matches = 0;
  std::size_t i = 0;
  while (i < starts_.size()) {
    std::size_t j = i;
    std::int64_t ca = 0, cb = 0;
    while (j < starts_.size() && std::equal(t + starts_[i].pos, t + starts_[i].pos + un, t + starts_[j].pos)) {
      (starts_[j].source == 0 ? ca : cb) += 1;
      ++j;
    }
    matches += std::min(ca, cb);
    i = j;
  }
  return matches;
}

}  // namespace wasmetrics::text
