#include "wasmetrics/kernels/radix_sort.hpp"

#include <array>
#include <cstring>
#include <vector>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics::kernels {

std::uint32_t float_order_key(float v) {
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);  // not std::bit_cast: Emscripten 3.1.6's libc++ lacks it
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

float float_from_order_key(std::uint32_t k) {
  std::uint32_t u = (k & 0x80000000u) ? (k & 0x7fffffffu) : ~k;
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

std::uint64_t double_order_key(double v) {
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  std::uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return (u & sign) ? ~u : (u | sign);
}

double double_from_order_key(std::uint64_t k) {
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  std::uint64_t u = (k & sign) ? (k & ~sign) : ~k;
  double v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

namespace {

inline std::uint32_t order_key(float v) { return float_order_key(v); }
inline std::uint64_t order_key(double v) { return double_order_key(v); }
inline float from_order_key(std::uint32_t k) { return float_from_order_key(k); }
inline double from_order_key(std::uint64_t k) { return double_from_order_key(k); }

// Key-sized loads and stores through memcpy: the keys' float storage doubles as a sort buffer of
// order keys without breaking strict aliasing (compiles to plain loads and stores).
template <class U> inline U load_key(const std::byte* base, std::size_t i) {
  U v;
  std::memcpy(&v, base + sizeof(U) * i, sizeof(U));
  return v;
}
template <class U> inline void store_key(std::byte* base, std::size_t i, U v) { std::memcpy(base + sizeof(U) * i, &v, sizeof(U)); }

template <class F, class U> void sort_desc(std::span<F> keys, std::span<std::uint8_t> payload) {
  if (keys.size() != payload.size()) fail("internal: radix_sort_desc: ", keys.size(), " keys, ", payload.size(), " payloads");
  constexpr int kBytes = sizeof(U);
  const std::size_t n = keys.size();
  if (n < 2) return;
  // Descending order = ascending order of the complemented key. The keys are turned into order
  // keys in place, so the only scratch is one more key buffer and one payload buffer.
  std::byte* const kbuf = reinterpret_cast<std::byte*>(keys.data());
  std::array<std::array<std::size_t, 256>, kBytes> hist{};
  for (std::size_t i = 0; i < n; ++i) {
    const U d = static_cast<U>(~order_key(keys[i]));
    store_key<U>(kbuf, i, d);
    for (int b = 0; b < kBytes; ++b) ++hist[b][(d >> (8 * b)) & 0xffu];
  }
  std::vector<U> k2;
  std::vector<std::uint8_t> p2;
  std::byte* src = kbuf;
  std::byte* dst = nullptr;
  std::uint8_t* psrc = payload.data();
  std::uint8_t* pdst = nullptr;
  for (int b = 0; b < kBytes; ++b) {
    auto& h = hist[b];
    bool trivial = false;
    for (std::size_t v = 0; v < 256; ++v)
      if (h[v] == n) { trivial = true; break; }
    if (trivial) continue;
    if (k2.empty()) {
      k2.resize(n);
      p2.resize(n);
      dst = reinterpret_cast<std::byte*>(k2.data());
      pdst = p2.data();
    }
    std::array<std::size_t, 256> offset;
    std::size_t sum = 0;
    for (std::size_t v = 0; v < 256; ++v) { offset[v] = sum; sum += h[v]; }
    const int shift = 8 * b;
    for (std::size_t i = 0; i < n; ++i) {
      const U d = load_key<U>(src, i);
      const std::size_t o = offset[(d >> shift) & 0xffu]++;
      store_key<U>(dst, o, d);
      pdst[o] = psrc[i];
    }
    std::swap(src, dst);
    std::swap(psrc, pdst);
  }
  for (std::size_t i = 0; i < n; ++i) keys[i] = from_order_key(static_cast<U>(~load_key<U>(src, i)));
  if (psrc != payload.data()) std::memcpy(payload.data(), psrc, n);
}

}  // namespace

void radix_sort_desc(std::span<float> keys, std::span<std::uint8_t> payload) { sort_desc<float, std::uint32_t>(keys, payload); }
void radix_sort_desc(std::span<double> keys, std::span<std::uint8_t> payload) { sort_desc<double, std::uint64_t>(keys, payload); }

}  // namespace wasmetrics::kernels
