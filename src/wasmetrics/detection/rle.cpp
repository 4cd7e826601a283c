#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "wasmetrics/detection/coco_eval.hpp"
#include "wasmetrics/detection/rle.hpp"

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
  return {static_cast<double>(xs), static_cast<double>(ys), static_cast<double>(xe - xs + 1),
          static_cast<double>(ye - ys + 1)};
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
    if (!ca && a < ka) {
      ca = dt.counts[a++];
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < kb) {
      cb = gt.counts[b++];
      vb = !vb;
    }
    ct += cb;
  }
  if (inter == 0)
    uni = 1;
  else if (crowd)
    uni = rle_area(dt);
  return static_cast<double>(inter) / static_cast<double>(uni);
}

Rle rle_merge(const std::vector<Rle>& rles, bool intersect) {
  if (rles.empty()) return {};
  if (rles.size() == 1) return rles[0];
  Rle acc = rles[0];
  for (std::size_t i = 1; i < rles.size(); ++i) {
    const Rle& b = rles[i];
    if (b.h != acc.h || b.w != acc.w || acc.counts.empty() || b.counts.empty()) return {};
    // Walk both run lists; a run of the result closes where its value flips or the grid ends.
    Rle out;
    out.h = acc.h;
    out.w = acc.w;
    std::uint32_t ca = acc.counts[0], cb = b.counts[0], cc = 0;
    bool va = false, vb = false, v = false;
    std::size_t ia = 1, ib = 1;
    std::uint64_t left = 1;
    while (left > 0) {
      const std::uint32_t c = std::min(ca, cb);
      cc += c;
      left = 0;
      ca -= c;
      if (!ca && ia < acc.counts.size()) {
        ca = acc.counts[ia++];
        va = !va;
      }
      left += ca;
      cb -= c;
      if (!cb && ib < b.counts.size()) {
        cb = b.counts[ib++];
        vb = !vb;
      }
      left += cb;
      const bool prev = v;
      v = intersect ? (va && vb) : (va || vb);
      if (v != prev || left == 0) {
        out.counts.push_back(cc);
        cc = 0;
      }
    }
    acc = std::move(out);
  }
  return acc;
}

Rle rle_from_polygon(const double* xy, std::size_t k, std::int64_t h, std::int64_t w) {
  constexpr double scale = 5;
  // Vertices on the upsampled grid (C's truncating int conversion after +0.5), the ring closed.
  std::vector<int> x(k + 1), y(k + 1);
  for (std::size_t j = 0; j < k; ++j) x[j] = static_cast<int>(scale * xy[2 * j] + .5);
  for (std::size_t j = 0; j < k; ++j) y[j] = static_cast<int>(scale * xy[2 * j + 1] + .5);
  x[k] = x[0];
  y[k] = y[0];
  // Every grid point along each edge, stepping along its longer axis (always walked in increasing
  // order of that axis, so an edge and its reverse give the same points).
  std::vector<int> u, v;
  for (std::size_t j = 0; j < k; ++j) {
    int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
    const int dx = std::abs(xe - xs), dy = std::abs(ys - ye);
    const bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      std::swap(xs, xe);
      std::swap(ys, ye);
    }
    if (dx >= dy) {
      const double s = dx == 0 ? 0.0 : static_cast<double>(ye - ys) / dx;
      for (int d = 0; d <= dx; ++d) {
        const int t = flip ? dx - d : d;
        u.push_back(t + xs);
        v.push_back(static_cast<int>(ys + s * t + .5));
      }
    } else {
      const double s = static_cast<double>(xe - xs) / dy;
      for (int d = 0; d <= dy; ++d) {
        const int t = flip ? dy - d : d;
        v.push_back(t + ys);
        u.push_back(static_cast<int>(xs + s * t + .5));
      }
    }
  }
  // Where the boundary crosses a pixel column's centre, back on the original grid: the first pixel
  // of that column inside the polygon (or the first one after it) toggles the mask.
  std::vector<std::uint32_t> a;
  for (std::size_t j = 1; j < u.size(); ++j) {
    if (u[j] == u[j - 1]) continue;
    double xd = static_cast<double>(u[j] < u[j - 1] ? u[j] : u[j] - 1);
    xd = (xd + .5) / scale - .5;
    if (std::floor(xd) != xd || xd < 0 || xd > static_cast<double>(w - 1)) continue;
    double yd = static_cast<double>(v[j] < v[j - 1] ? v[j] : v[j - 1]);
    yd = (yd + .5) / scale - .5;
    if (yd < 0)
      yd = 0;
    else if (yd > static_cast<double>(h))
      yd = static_cast<double>(h);
    yd = std::ceil(yd);
    a.push_back(static_cast<std::uint32_t>(static_cast<int>(xd) * static_cast<int>(h) + static_cast<int>(yd)));
  }
  a.push_back(static_cast<std::uint32_t>(h * w));
  // Sorted toggle positions as run lengths; a zero-length run merges its neighbours.
  std::sort(a.begin(), a.end());
  std::uint32_t prev = 0;
  for (auto& e : a) {
    const std::uint32_t t = e;
    e -= prev;
    prev = t;
  }
  Rle r;
  r.h = h;
  r.w = w;
  std::size_t j = 0;
  r.counts.push_back(a[j++]);
  while (j < a.size()) {
    if (a[j] > 0) {
      r.counts.push_back(a[j++]);
    } else {
      ++j;
      if (j < a.size()) r.counts.back() += a[j++];
    }
  }
  return r;
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
