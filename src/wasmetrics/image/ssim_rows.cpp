#include "wasmetrics/image/ssim_rows.hpp"

#include <array>

namespace wasmetrics::image {

namespace {

// The five moments of a window, in this order in the scratch rows.
enum Moment : std::size_t { kMuP, kMuT, kPP, kTT, kPT, kMoments };

std::int64_t after_of(const AxisFilter& f) { return f.pad_after < 0 ? f.pad : f.pad_after; }
std::int64_t out_len(std::int64_t n, const AxisFilter& f) {
  return n + f.pad + after_of(f) - static_cast<std::int64_t>(f.taps.size()) + 1;
}

// One tap of the vertical pass for every moment: row[r] += w * moment(p[r], t[r]). The products
// are formed first, as preds * preds etc. are before filtering in ssim_core.cpp.
void add_tap(const double* __restrict p, const double* __restrict t, double w, std::size_t n, double* __restrict mp,
             double* __restrict mt, double* __restrict pp, double* __restrict tt, double* __restrict pt) {
  for (std::size_t r = 0; r < n; ++r) {
    const double a = p[r], b = t[r];
    mp[r] += w * a;
    mt[r] += w * b;
    pp[r] += w * (a * a);
    tt[r] += w * (b * b);
    pt[r] += w * (a * b);
  }
}

// out[i] = sum_j taps[j] * padded[i + j], the taps added in order (as filter_axis does per element).
void correlate(const double* __restrict padded, const std::vector<double>& taps, std::size_t n_out,
               double* __restrict out) {
  for (std::size_t i = 0; i < n_out; ++i) out[i] = 0.0;
  for (std::size_t j = 0; j < taps.size(); ++j) {
    const double w = taps[j];
    const double* s = padded + j;
    for (std::size_t i = 0; i < n_out; ++i) out[i] += w * s[i];
  }
}

}  // namespace

bool ssim_rows_applies(const xt::xarray<double>& preds, const std::vector<AxisFilter>& filters) {
  if (preds.dimension() != 4 || filters.size() != 2) return false;
  for (std::size_t a = 0; a < 2; ++a) {
    const AxisFilter& f = filters[a];
    const auto n = static_cast<std::int64_t>(preds.shape()[2 + a]);
    if (f.symmetric || f.pad < 0 || f.pad >= n || after_of(f) >= n || out_len(n, f) < 1) return false;
  }
  return true;
}

SsimRowsOut ssim_rows(const xt::xarray<double>& preds, const xt::xarray<double>& target,
                      const std::vector<AxisFilter>& filters, double c1, double c2, bool want_cs, bool want_map) {
  const std::size_t n_img = preds.shape()[0], chans = preds.shape()[1];
  const auto h = static_cast<std::int64_t>(preds.shape()[2]), w = static_cast<std::int64_t>(preds.shape()[3]);
  const AxisFilter &fv = filters[0], &fh = filters[1];
  const std::int64_t h_out = out_len(h, fv), w_out = out_len(w, fh);
  const std::size_t wu = static_cast<std::size_t>(w), wo = static_cast<std::size_t>(w_out);
  const std::size_t padded_len = wu + static_cast<std::size_t>(fh.pad + after_of(fh));
  // the contrast map's crop (x[pad:-pad] per axis, empty when pad is 0)
  const std::int64_t cs_r0 = fv.pad, cs_r1 = std::max(fv.pad, h_out - fv.pad);
  const std::int64_t cs_c0 = fh.pad, cs_c1 = std::max(fh.pad, w_out - fh.pad);

  std::array<std::vector<double>, kMoments> vert, horiz;
  for (auto& v : vert) v.assign(padded_len, 0.0);
  for (auto& v : horiz) v.assign(wo, 0.0);
  std::vector<double> ssim_row(wo), cs_row(wo);

  SsimRowsOut out;
  out.ssim.assign(n_img, 0.0);
  if (want_cs) out.cs.assign(n_img, 0.0);
  if (want_map) out.map = xt::xarray<double>::from_shape({n_img, chans, static_cast<std::size_t>(h_out), wo});

  const std::size_t plane = static_cast<std::size_t>(h) * wu;
  for (std::size_t img = 0; img < n_img; ++img) {
    double sum_ssim = 0, sum_cs = 0;
    for (std::size_t c = 0; c < chans; ++c) {
      const double* p = preds.data() + (img * chans + c) * plane;
      const double* t = target.data() + (img * chans + c) * plane;
      for (std::int64_t i = 0; i < h_out; ++i) {
        // vertical pass into the middle of the padded rows, then their reflected borders
        for (auto& v : vert) std::fill(v.begin() + fh.pad, v.begin() + fh.pad + w, 0.0);
        for (std::size_t j = 0; j < fv.taps.size(); ++j) {
          const std::size_t at = static_cast<std::size_t>(reflect_index(i + static_cast<std::int64_t>(j) - fv.pad, h));
          add_tap(p + at * wu, t + at * wu, fv.taps[j], wu, vert[kMuP].data() + fh.pad, vert[kMuT].data() + fh.pad,
                  vert[kPP].data() + fh.pad, vert[kTT].data() + fh.pad, vert[kPT].data() + fh.pad);
        }
        for (auto& v : vert) {
          for (std::int64_t k = 0; k < fh.pad; ++k) v[k] = v[fh.pad + reflect_index(k - fh.pad, w)];
          for (std::size_t k = fh.pad + wu; k < padded_len; ++k)
            v[k] = v[fh.pad + reflect_index(static_cast<std::int64_t>(k) - fh.pad, w)];
        }
        for (std::size_t q = 0; q < kMoments; ++q) correlate(vert[q].data(), fh.taps, wo, horiz[q].data());

        // the SSIM map's expression of ssim_core.cpp, element by element
        for (std::size_t k = 0; k < wo; ++k) {
          const double mu_p = horiz[kMuP][k], mu_t = horiz[kMuT][k];
          const double mu_pp = mu_p * mu_p, mu_tt = mu_t * mu_t, mu_pt = mu_p * mu_t;
          const double upper = 2.0 * (horiz[kPT][k] - mu_pt) + c2;
          const double var_p = horiz[kPP][k] - mu_pp, var_t = horiz[kTT][k] - mu_tt;
          const double lower = (var_p > 0.0 ? var_p : 0.0) + (var_t > 0.0 ? var_t : 0.0) + c2;  // xt::maximum
          ssim_row[k] = ((2.0 * mu_pt + c1) * upper) / ((mu_pp + mu_tt + c1) * lower);
          cs_row[k] = upper / lower;
        }
        for (std::size_t k = 0; k < wo; ++k) sum_ssim += ssim_row[k];  // in order, as per_image_mean
        if (want_cs && i >= cs_r0 && i < cs_r1)
          for (std::int64_t k = cs_c0; k < cs_c1; ++k) sum_cs += cs_row[static_cast<std::size_t>(k)];
        if (want_map)
          std::copy(ssim_row.begin(), ssim_row.end(),
                    out.map.data() +
                        ((img * chans + c) * static_cast<std::size_t>(h_out) + static_cast<std::size_t>(i)) * wo);
      }
    }
    out.ssim[img] = sum_ssim / static_cast<double>(chans * static_cast<std::size_t>(h_out) * wo);
    if (want_cs)  // an empty crop gives 0 / 0 = NaN, as torch's mean
      out.cs[img] = sum_cs / static_cast<double>(chans * static_cast<std::size_t>((cs_r1 - cs_r0) * (cs_c1 - cs_c0)));
  }
  return out;
}

}  // namespace wasmetrics::image
