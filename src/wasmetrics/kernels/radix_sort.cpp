#include "wasmetrics/kernels/radix_sort.hpp"

#include <array>
#include <cstring>
#include <utility>
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

// Key-sized loads and stores through memcpy: the float storage of radix_sort_desc's keys doubles
// as a buffer of descending keys without breaking strict aliasing (plain loads and stores).
template <class U>
inline U load_key(const std::byte* base, std::size_t i) {
  U v;
  std::memcpy(&v, base + sizeof(U) * i, sizeof(U));
  return v;
}
template <class U>
inline void store_key(std::byte* base, std::size_t i, U v) {
  std::memcpy(base + sizeof(U) * i, &v, sizeof(U));
}

// The scatter passes of an LSD radix sort over n keys at `keys` (bytes of U) with their labels,
// given every digit's histogram. A digit every key shares skips its pass; the scratch buffers are
// allocated at the first pass that runs. Returns the buffers holding the sorted pairs (`keys` and
// `labels`, or the scratch ones, which then stay alive in `key_scratch` / `label_scratch`).
template <class U, class Hist>
std::pair<std::byte*, std::uint8_t*> scatter_passes(std::byte* keys, std::uint8_t* labels, std::size_t n,
                                                    const Hist& hist, std::vector<U>& key_scratch,
                                                    std::vector<std::uint8_t>& label_scratch) {
  std::byte* src = keys;
  std::byte* dst = nullptr;
  std::uint8_t* psrc = labels;
  std::uint8_t* pdst = nullptr;
  for (std::size_t b = 0; b < hist.size(); ++b) {
    const auto& h = hist[b];
    bool trivial = false;
    for (std::size_t v = 0; v < 256; ++v)
      if (h[v] == n) {
        trivial = true;
        break;
      }
    if (trivial) continue;
    if (key_scratch.empty()) {
      key_scratch.resize(n);
      label_scratch.resize(n);
      dst = reinterpret_cast<std::byte*>(key_scratch.data());
      pdst = label_scratch.data();
    }
    std::array<std::size_t, 256> offset;
    std::size_t sum = 0;
    for (std::size_t v = 0; v < 256; ++v) {
      offset[v] = sum;
      sum += h[v];
    }
    const int shift = 8 * static_cast<int>(b);
    for (std::size_t i = 0; i < n; ++i) {
      const U d = load_key<U>(src, i);
      const std::size_t o = offset[(d >> shift) & 0xffu]++;
      store_key<U>(dst, o, d);
      pdst[o] = psrc[i];
    }
    std::swap(src, dst);
    std::swap(psrc, pdst);
  }
  return {src, psrc};
}

template <class F>
void sort_desc(std::span<F> keys, std::span<std::uint8_t> payload) {
  using U = DescKeyOf<F>;
  if (keys.size() != payload.size())
    fail("internal: radix_sort_desc: ", keys.size(), " keys, ", payload.size(), " payloads");
  constexpr int kBytes = sizeof(U);
  const std::size_t n = keys.size();
  if (n < 2) return;
  // The keys are turned into descending keys in place, so the only scratch is one more key buffer
  // and one payload buffer.
  std::byte* const kbuf = reinterpret_cast<std::byte*>(keys.data());
  std::array<std::array<std::size_t, 256>, kBytes> hist{};
  for (std::size_t i = 0; i < n; ++i) {
    const U d = desc_key(keys[i]);
    store_key<U>(kbuf, i, d);
    for (int b = 0; b < kBytes; ++b) ++hist[b][(d >> (8 * b)) & 0xffu];
  }
  std::vector<U> k2;
  std::vector<std::uint8_t> p2;
  const auto [src, psrc] = scatter_passes<U>(kbuf, payload.data(), n, hist, k2, p2);
  for (std::size_t i = 0; i < n; ++i) keys[i] = score_of_desc_key(load_key<U>(src, i));
  if (psrc != payload.data()) std::memcpy(payload.data(), psrc, n);
}

}  // namespace

void radix_sort_desc(std::span<float> keys, std::span<std::uint8_t> payload) { sort_desc<float>(keys, payload); }
void radix_sort_desc(std::span<double> keys, std::span<std::uint8_t> payload) { sort_desc<double>(keys, payload); }

template <class U>
typename DescKeys<U>::Filler DescKeys<U>::fill(std::size_t n) {
  // uint32 digit counts: a curve's keys are bounded by the state budget (max_state_bytes <= 3 GiB)
  if (n > 0xffffffffu) fail("internal: DescKeys: ", n, " keys (at most 2^32 - 1)");
  keys_.resize(n);
  labels_.resize(n);
  return Filler(keys_.data(), labels_.data());
}

template <class U>
void DescKeys<U>::finish(const Filler& f, std::size_t count) {
  if (count > keys_.size()) fail("internal: DescKeys: ", count, " pairs written into room for ", keys_.size());
  keys_.resize(count);
  labels_.resize(count);
  hist_ = f.hist_;
}

template <class U>
void DescKeys<U>::sort() {
  const std::size_t n = keys_.size();
  if (n < 2) return;
  std::vector<U> key_scratch;
  std::vector<std::uint8_t> label_scratch;
  const auto [src, psrc] = scatter_passes<U>(reinterpret_cast<std::byte*>(keys_.data()), labels_.data(), n, hist_,
                                             key_scratch, label_scratch);
  if (psrc != labels_.data()) {  // an odd number of passes ran: the scratch buffers hold the result
    keys_.swap(key_scratch);
    labels_.swap(label_scratch);
  }
  (void)src;
}

template class DescKeys<std::uint32_t>;
template class DescKeys<std::uint64_t>;

}  // namespace wasmetrics::kernels
