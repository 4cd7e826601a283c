#pragma once
// LSD radix sort of float32 or float64 keys in descending order, carrying one byte of payload per
// key. Keys are ordered by their sign-flipped bit patterns (a total order: -0 sorts below +0, NaNs
// by their bits), the sort is stable, and a digit shared by every key skips its pass (probabilities
// share their top bytes). Used by the exact (thresholds=None) curves, which keep float64 scores for
// float64 preds (8 byte passes instead of 4, same scratch per byte of key).
//
// Two ways in:
// - radix_sort_desc(keys, payload): sorts float keys in place (the keys' storage doubles as the
//   first key buffer).
// - DescKeys: the caller writes (descending key, label) pairs itself in one pass that also counts
//   the digit histograms (the gather of a class's scores out of a curve state is that pass), then
//   sort() runs only the scatter passes and leaves the sorted keys for a sweep that decodes them
//   (score_of_desc_key) where it reads them: no separate key pass and no decode pass.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

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

// The descending key of a score: ~order_key, so that ascending keys are descending scores.
// Branch-free: a negative float keeps its bits, a positive one flips all but the sign bit.
inline std::uint32_t desc_key(float v) {
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  const std::uint32_t neg = static_cast<std::uint32_t>(static_cast<std::int32_t>(u) >> 31);
  return u ^ (~neg & 0x7fffffffu);
}
inline std::uint64_t desc_key(double v) {
  std::uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  const std::uint64_t neg = static_cast<std::uint64_t>(static_cast<std::int64_t>(u) >> 63);
  return u ^ (~neg & 0x7fffffffffffffffull);
}
inline float score_of_desc_key(std::uint32_t k) {
  const std::uint32_t neg = static_cast<std::uint32_t>(static_cast<std::int32_t>(k) >> 31);
  const std::uint32_t u = k ^ (~neg & 0x7fffffffu);
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}
inline double score_of_desc_key(std::uint64_t k) {
  const std::uint64_t neg = static_cast<std::uint64_t>(static_cast<std::int64_t>(k) >> 63);
  const std::uint64_t u = k ^ (~neg & 0x7fffffffffffffffull);
  double v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

// The descending key type of a score type: uint32 for float, uint64 for double.
template <class T>
using DescKeyOf = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// (descending key, label) pairs with their digit histograms, filled by the caller.
template <class U>
class DescKeys {
 public:
  static constexpr int kDigits = sizeof(U);
  using Histograms = std::array<std::array<std::uint32_t, 256>, kDigits>;

  // Writes pairs through raw pointers and counts their digits in histograms of its own: a
  // uint8 label store may alias any memory the compiler cannot prove separate, so writing through
  // DescKeys' members reloaded the buffers' addresses and histograms at every pair. A Filler
  // lives on the caller's stack (its address never escapes), so nothing aliases it.
  class Filler {
   public:
    void put(std::size_t i, U key, std::uint8_t label) {
      keys_[i] = key;
      labels_[i] = label;
      for (int b = 0; b < kDigits; ++b) ++hist_[b][(key >> (8 * b)) & 0xffu];
    }

   private:
    friend class DescKeys;
    Filler(U* keys, std::uint8_t* labels) : keys_(keys), labels_(labels) {}
    U* keys_;
    std::uint8_t* labels_;
    Histograms hist_{};
  };

  // Room for n pairs, to be written by the returned Filler at 0, 1, ... count - 1; then
  // finish(filler, count).
  Filler fill(std::size_t n);
  void finish(const Filler& f, std::size_t count);
  // Stable sort by key ascending (= score descending), labels moved along.
  void sort();

  std::size_t size() const { return keys_.size(); }
  const std::vector<U>& keys() const { return keys_; }
  const std::vector<std::uint8_t>& labels() const { return labels_; }

 private:
  std::vector<U> keys_;
  std::vector<std::uint8_t> labels_;
  Histograms hist_{};
};

extern template class DescKeys<std::uint32_t>;
extern template class DescKeys<std::uint64_t>;

}  // namespace wasmetrics::kernels
