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

namespace {
// 32-bit loads and stores through memcpy: the keys' float storage doubles as a sort buffer of
// order keys without breaking strict aliasing (compiles to plain loads and stores).
inline std::uint32_t load_u32(const std::byte* base, std::size_t i) {
  std::uint32_t v;
  std::memcpy(&v, base + 4 * i, 4);
  return v;
}
inline void store_u32(std::byte* base, std::size_t i, std::uint32_t v) { std::memcpy(base + 4 * i, &v, 4); }
}  // namespace

void radix_sort_desc(std::span<float> keys, std::span<std::uint8_t> payload) {
  if (keys.size() != payload.size()) fail("internal: radix_sort_desc: ", keys.size(), " keys, ", payload.size(), " payloads");
  const std::size_t n = keys.size();
  if (n < 2) return;
  // Descending order = ascending order of the complemented key. The keys are turned into order
  // keys in place, so the only scratch is one more key buffer and one payload buffer (5 B/key).
  std::byte* const kbuf = reinterpret_cast<std::byte*>(keys.data());
  std::array<std::array<std::size_t, 256>, 4> hist{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t d = ~float_order_key(keys[i]);
    store_u32(kbuf, i, d);
    for (int b = 0; b < 4; ++b) ++hist[b][(d >> (8 * b)) & 0xffu];
  }
  std::vector<std::uint32_t> k2;
  std::vector<std::uint8_t> p2;
  std::byte* src = kbuf;
  std::byte* dst = nullptr;
  std::uint8_t* psrc = payload.data();
  std::uint8_t* pdst = nullptr;
  for (int b = 0; b < 4; ++b) {
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
      const std::uint32_t d = load_u32(src, i);
      const std::size_t o = offset[(d >> shift) & 0xffu]++;
      store_u32(dst, o, d);
      pdst[o] = psrc[i];
    }
    std::swap(src, dst);
    std::swap(psrc, pdst);
  }
  for (std::size_t i = 0; i < n; ++i) keys[i] = float_from_order_key(~load_u32(src, i));
  if (psrc != payload.data()) std::memcpy(payload.data(), psrc, n);
}

}  // namespace wasmetrics::kernels
