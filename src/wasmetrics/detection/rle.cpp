#include <algorithm>
#include <array>

#include "wasmetrics/detection/rle.hpp"
#include "wasmetrics/detection/coco_eval.hpp"

namespace wasmetrics::detection {

Rle rle_encode(const std::uint8_t* mask, std::int64_t h, std::int64_t w) {
  Rle r;
  r.h = h;
  r.w = w;
  std::uint8_t prev = 0;
  std::uint32_t run = 0;
  for (std::int64_t x = 0; x < w; ++x)
    for (std::int64_t y = 0; y < h; ++y) {
      const std::uint8_t v = mask[y * w + x] != 0;
      if (v != prev) {
        r.counts.push_back(run);
        run = 0;
        prev = v;
      }
      ++run;
    }
  r.counts.push_back(run);
  return r;
}

std::vector<std::uint8_t> rle_decode(const Rle& r) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(r.h * r.w), 0);
  std::int64_t j = 0;
  std::uint8_t v = 0;
  for (auto c : r.counts) {
    for (std::uint32_t k = 0; k < c && j < r.h * r.w; ++k, ++j) {
      const std::int64_t x = j / r.h, y = j % r.h;
      out[static_cast<std::size_t>(y * r.w + x)] = v;
    }
    v = !v;
  }
  return out;
}

std::uint64_t rle_area(const Rle& r) {
  std::uint64_t a = 0;
  for (std::size_t i = 1; i < r.counts.size(); i += 2) a += r.counts[i];
  return a;
}

std::array<double, 4> rle_to_bbox(const Rle& r) {
  const std::size_t m = (r.counts.size() / 2) * 2;
  if (m == 0 || r.h == 0) return {0, 0, 0, 0};
  const std::uint64_t h = static_cast<std::uint64_t>(r.h);
  std::uint64_t xs = static_cast<std::uint64_t>(r.w), ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
  for (std::size_t j = 0; j < m; ++j) {
    cc += r.counts[j];
    const std::uint64_t t = cc - j % 2, y = t % h, x = (t - y) / h;
    if (j % 2 == 0) {
      xp = x;
    } else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = std::min(xs, x);
    xe = std::max(xe, x);
    ys = std::min(ys, y);
    ye = std::max(ye, y);
  }
  return {static_cast<double>(xs), static_cast<double>(ys), static_cast<double>(xe - xs + 1), static_cast<double>(ye - ys + 1)};
}

double rle_iou(const Rle& dt, const Rle& gt, bool crowd) {
  const auto db = rle_to_bbox(dt), gb = rle_to_bbox(gt);
  if (!(coco_box_iou(db.data(), gb.data(), false) > 0)) return 0.0;
  if (dt.h != gt.h || dt.w != gt.w) return -1.0;
  // Walk both run lists together.
  std::uint64_t inter = 0, uni = 0;
  std::size_t a = 1, b = 1;
  const std::size_t ka = dt.counts.size(), kb = gt.counts.size();
  std::uint64_t ca = ka ? dt.counts[0] : 0, cb = kb ? gt.counts[0] : 0;
  bool va = false, vb = false;
  std::uint64_t ct = 1;
  while (ct > 0) {
    const std::uint64_t c = std::min(ca, cb);
    if (va || vb) {
      uni += c;
      if (va && vb) inter += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < ka) { ca = dt.counts[a++]; va = !va; }
    ct += ca;
    cb -= c;
    if (!cb && b < kb) { cb = gt.counts[b++]; vb = !vb; }
    ct += cb;
  }
  if (inter == 0) uni = 1;
  else if (crowd) uni = rle_area(dt);
  return static_cast<double>(inter) / static_cast<double>(uni);
}

std::string rle_to_string(const Rle& r) {
  std::string s;
  for (std::size_t i = 0; i < r.counts.size(); ++i) {
    long long x = static_cast<long long>(r.counts[i]);
    if (i > 2) x -= static_cast<long long>(r.counts[i - 2]);
    bool more = true;
    while (more) {
      char c = static_cast<char>(x & 0x1f);
      x >>= 5;
      more = (c & 0x10) ? x != -1 : x != 0;
      if (more) c |= 0x20;
      s.push_back(static_cast<char>(c + 48));
    }
  }
  return s;
}

Rle rle_from_string(const std::string& s, std::int64_t h, std::int64_t w) {
  Rle r;
  r.h = h;
  r.w = w;
  std::size_t p = 0;
  while (p < s.size()) {
    long long x = 0;
    int k = 0;
    bool more = true;
    while (more && p < s.size()) {
      const int c = s[p] - 48;
      x |= static_cast<long long>(c & 0x1f) << (5 * k);
      more = (c & 0x20) != 0;
      ++p;
      ++k;
      if (!more && (c & 0x10)) x |= -1LL << (5 * k);
    }
    if (r.counts.size() > 2) x += static_cast<long long>(r.counts[r.counts.size() - 2]);
    r.counts.push_back(static_cast<std::uint32_t>(x));
  }
  return r;
}

}  // namespace wasmetrics::detection
