#include "wasmetrics/kernels/edit_distance.hpp"

#include <algorithm>
#include <cmath>

namespace wasmetrics::kernels {

std::int64_t levenshtein_dp(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  std::vector<std::int64_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<std::int64_t>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::int64_t diag = row[0];
    row[0] = static_cast<std::int64_t>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::int64_t up = row[j];
      row[j] = a[i - 1] == b[j - 1] ? diag : 1 + std::min({diag, up, row[j - 1]});
      diag = up;
    }
  }
  return row[b.size()];
}

std::int64_t lcs_dp(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  std::vector<std::int64_t> row(b.size() + 1, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::int64_t diag = 0;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::int64_t up = row[j];
      row[j] = a[i - 1] == b[j - 1] ? diag + 1 : std::max(up, row[j - 1]);
      diag = up;
    }
  }
  return row[b.size()];
}

std::size_t LevenshteinScratch::build_peq(std::span<const std::uint32_t> pattern, std::span<const std::uint32_t> text) {
  const std::size_t m = pattern.size();
  const std::size_t blocks = (m + 63) / 64;
  std::uint32_t max_id = 0;
  for (auto id : pattern) max_id = std::max(max_id, id);
  for (auto id : text) max_id = std::max(max_id, id);
  if (slot_of_id_.size() <= max_id) slot_of_id_.resize(max_id + 1, -1);
  symbols_.clear();
  peq_.clear();
  for (std::size_t i = 0; i < m; ++i) {
    std::int32_t& slot = slot_of_id_[pattern[i]];
    if (slot < 0) {
      slot = static_cast<std::int32_t>(symbols_.size());
      symbols_.push_back(pattern[i]);
      peq_.resize(peq_.size() + blocks, 0);
    }
    peq_[static_cast<std::size_t>(slot) * blocks + i / 64] |= std::uint64_t{1} << (i % 64);
  }
  return blocks;
}

void LevenshteinScratch::clear_peq() {
  for (auto id : symbols_) slot_of_id_[id] = -1;
}

std::int64_t LevenshteinScratch::lcs(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  if (a.size() < b.size()) std::swap(a, b);
  const std::span<const std::uint32_t> pattern = b, text = a;
  const std::size_t m = pattern.size();
  if (m == 0) return 0;
  const std::size_t blocks = build_peq(pattern, text);
  vp_.assign(blocks, ~std::uint64_t{0});
  for (std::uint32_t c : text) {
    const std::int32_t slot = slot_of_id_[c];
    if (slot < 0) continue;  // U = 0: V unchanged
    const std::uint64_t* eq = &peq_[static_cast<std::size_t>(slot) * blocks];
    std::uint64_t carry = 0;
    for (std::size_t k = 0; k < blocks; ++k) {
      const std::uint64_t v = vp_[k], u = v & eq[k];
      std::uint64_t sum = v + u;
      std::uint64_t c1 = sum < v;
      sum += carry;
      c1 |= sum < carry;
      carry = c1;
      vp_[k] = sum | (v & ~u);
    }
  }
  std::int64_t zeros = 0;
  for (std::size_t k = 0; k < blocks; ++k) {
    const std::size_t bits = k + 1 == blocks ? m - 64 * k : 64;
    const std::uint64_t mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    zeros += static_cast<std::int64_t>(bits) - __builtin_popcountll(vp_[k] & mask);
  }
  clear_peq();
  return zeros;
}

// Patterns of up to 64 symbols (sentences in words): one machine word per column, no carries
// between blocks, the state in registers.
std::int64_t LevenshteinScratch::levenshtein_one_block(std::size_t m, std::span<const std::uint32_t> text) const {
  const std::uint64_t last_bit = std::uint64_t{1} << (m - 1);
  std::uint64_t vp = ~std::uint64_t{0}, vn = 0;
  std::int64_t score = static_cast<std::int64_t>(m);
  for (std::uint32_t c : text) {
    const std::int32_t slot = slot_of_id_[c];
    const std::uint64_t x = (slot < 0 ? 0 : peq_[static_cast<std::size_t>(slot)]) | vn;
    const std::uint64_t d0 = (((x & vp) + vp) ^ vp) | x;
    std::uint64_t hp = vn | ~(d0 | vp);
    const std::uint64_t hn = vp & d0;
    score += (hp & last_bit) ? 1 : (hn & last_bit) ? -1 : 0;
    hp = (hp << 1) | 1;  // row 0 grows by one per column
    vp = (hn << 1) | ~(d0 | hp);
    vn = hp & d0;
  }
  return score;
}

std::int64_t LevenshteinScratch::levenshtein(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  // The pattern (bits) is the shorter sequence: fewer blocks per column.
  if (a.size() < b.size()) std::swap(a, b);
  const std::span<const std::uint32_t> pattern = b, text = a;
  const std::size_t m = pattern.size();
  if (m == 0) return static_cast<std::int64_t>(text.size());
  const std::size_t blocks = build_peq(pattern, text);
  if (blocks == 1) {
    const std::int64_t d = levenshtein_one_block(m, text);
    clear_peq();
    return d;
  }
  vp_.assign(blocks, ~std::uint64_t{0});
  vn_.assign(blocks, 0);
  const std::uint64_t last_bit = std::uint64_t{1} << ((m - 1) % 64);
  std::int64_t score = static_cast<std::int64_t>(m);
  for (std::uint32_t c : text) {
    const std::int32_t slot = slot_of_id_[c];
    const std::uint64_t* eq = slot < 0 ? nullptr : &peq_[static_cast<std::size_t>(slot) * blocks];
    std::uint64_t hp_carry = 1, hn_carry = 0, add_carry = 0;  // row 0 grows by one per column
    for (std::size_t k = 0; k < blocks; ++k) {
      const std::uint64_t vp = vp_[k], vn = vn_[k];
      const std::uint64_t x = (eq ? eq[k] : 0) | vn;
      const std::uint64_t xv = x & vp;
      std::uint64_t sum = xv + vp;
      std::uint64_t carry = sum < xv;
      sum += add_carry;
      carry |= sum < add_carry;
      add_carry = carry;
      const std::uint64_t d0 = (sum ^ vp) | x;
      std::uint64_t hp = vn | ~(d0 | vp);
      std::uint64_t hn = vp & d0;
      if (k == blocks - 1) score += (hp & last_bit) ? 1 : (hn & last_bit) ? -1 : 0;
      const std::uint64_t hp_out = hp >> 63, hn_out = hn >> 63;
      hp = (hp << 1) | hp_carry;
      hn = (hn << 1) | hn_carry;
      hp_carry = hp_out;
      hn_carry = hn_out;
      vp_[k] = hn | ~(d0 | hp);
      vn_[k] = hp & d0;
    }
  }
  clear_peq();
  return score;
}

std::int64_t beam_levenshtein(std::span<const std::uint32_t> prediction, std::span<const std::uint32_t> reference,
                              std::int64_t substitution_cost, std::vector<std::int64_t>& scratch) {
  constexpr std::int64_t kInfinity = 10'000'000'000'000'000;  // TorchMetrics' _INT_INFINITY (1e16)
  constexpr double kBeamWidth = 25;                           // its _BEAM_WIDTH
  const std::size_t n = prediction.size(), m = reference.size();
  // Two rows: the previous and the current.
  scratch.assign(2 * (m + 1), kInfinity);
  std::int64_t* prev = scratch.data();
  std::int64_t* cur = scratch.data() + (m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<std::int64_t>(j);  // insertions
  const double ratio = n ? static_cast<double>(m) / static_cast<double>(n) : 1.0;
  const auto beam = static_cast<std::int64_t>(ratio / 2 > kBeamWidth ? std::ceil(ratio / 2 + kBeamWidth) : kBeamWidth);
  for (std::size_t i = 1; i <= n; ++i) {
    std::fill(cur, cur + m + 1, kInfinity);
    const auto diag = static_cast<std::int64_t>(std::floor(static_cast<double>(i) * ratio));
    const std::int64_t lo = std::max<std::int64_t>(0, diag - beam);
    const std::int64_t hi = i == n ? static_cast<std::int64_t>(m) + 1
                                   : std::min<std::int64_t>(static_cast<std::int64_t>(m) + 1, diag + beam);
    for (std::int64_t j = lo; j < hi; ++j) {
      if (j == 0) {
        cur[0] = std::min(prev[0] + 1, kInfinity);
        continue;
      }
      const std::int64_t sub = prev[j - 1] + (prediction[i - 1] == reference[j - 1] ? 0 : substitution_cost);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1, kInfinity});  // unreached cells stay at 1e16
    }
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace wasmetrics::kernels
