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

void radix_sort_desc(std::span<float> keys, std::span<std::uint8_t> payload) {
  if (keys.size() != payload.size()) fail("internal: radix_sort_desc: ", keys.size(), " keys, ", payload.size(), " payloads");
  const std::size_t n = keys.size();
  if (n < 2) return;
  // descending order = ascending order of the complemented key
  std::vector<std::uint32_t> k(n), k2(n);
  std::vector<std::uint8_t> p2(n);
  std::array<std::array<std::size_t, 256>, 4> hist{};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t d = ~float_order_key(keys[i]);
    k[i] = d;
    for (int b = 0; b < 4; ++b) ++hist[b][(d >> (8 * b)) & 0xffu];
  }
  std::uint32_t* src = k.data();
  std::uint32_t* dst = k2.data();
  std::uint8_t* psrc = payload.data();
  std::uint8_t* pdst = p2.data();
  for (int b = 0; b < 4; ++b) {
    auto& h = hist[b];
    bool trivial = false;
    for (std::size_t v = 0; v < 256; ++v)
      if (h[v] == n) { trivial = true; break; }
    if (trivial) continue;
    std::array<std::size_t, 256> offset;
    std::size_t sum = 0;
    for (std::size_t v = 0; v < 256; ++v) { offset[v] = sum; sum += h[v]; }
    const int shift = 8 * b;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t o = offset[(src[i] >> shift) & 0xffu]++;
      dst[o] = src[i];
      pdst[o] = psrc[i];
    }
    std::swap(src, dst);
    std::swap(psrc, pdst);
  }
  for (std::size_t i = 0; i < n; ++i) keys[i] = float_from_order_key(~src[i]);
  if (psrc != payload.data()) std::memcpy(payload.data(), psrc, n);
}

}  // namespace wasmetrics::kernels
