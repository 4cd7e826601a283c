#include "wasmetrics/image/ssim_core.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xstrided_view.hpp>

#include "wasmetrics/image/filter.hpp"
#include "wasmetrics/image/ssim_rows.hpp"

namespace wasmetrics::image {

std::vector<OptionSpec> ssim_window_options() {
  return {
      {.name = "gaussian_kernel",
       .type = OptionType::boolean,
       .default_value = true,
       .doc = "true: Gaussian window of size int(3.5 sigma + 0.5) * 2 + 1; false: uniform window of kernel_size"},
      {.name = "sigma",
       .type = OptionType::number_list,
       .default_value = 1.5,
       .doc = "Gaussian standard deviation, one number or one per spatial axis"},
      {.name = "kernel_size",
       .type = OptionType::integer_list,
       .default_value = 11,
       .doc = "uniform window size (odd), one number or one per spatial axis; must be odd with a Gaussian too"},
      data_range_option("the value range: a number, [min, max] (inputs are clamped), or null: the larger of "
                        "preds' and target's max - min in each batch"),
      {.name = "k1", .type = OptionType::number, .default_value = 0.01, .doc = "SSIM constant K1 (C1 = (K1 range)^2)"},
      {.name = "k2", .type = OptionType::number, .default_value = 0.03, .doc = "SSIM constant K2 (C2 = (K2 range)^2)"},
  };
}

SsimParams parse_ssim_params(std::string_view metric, const Options& o) {
  SsimParams p;
  p.gaussian = o.get_bool("gaussian_kernel");
  p.sigma = o.get_numbers("sigma");
  for (double k : o.get_numbers("kernel_size")) p.kernel_size.push_back(static_cast<std::int64_t>(k));
  p.range = parse_data_range(metric, o);
  p.k1 = o.get_number("k1");
  p.k2 = o.get_number("k2");
  return p;
}

void check_ssim_inputs(std::string_view metric, const TensorView& preds, const TensorView& target) {
  require_floating(metric, "preds", preds);
  require_floating(metric, "target", target);
  require_same_shape(metric, "preds", preds, "target", target);
  if (preds.ndim() != 4 && preds.ndim() != 5)
    fail(metric, ": expected `preds` and `target` to have BxCxHxW or BxCxDxHxW shape, got ", shape_str(preds.shape));
}

namespace {

std::vector<double> per_image_mean(const xt::xarray<double>& x) {
  const std::size_t n = x.shape()[0];
  const std::size_t per = n ? x.size() / n : 0;
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (std::size_t j = 0; j < per; ++j) s += x.data()[i * per + j];
    out[i] = s / static_cast<double>(per);  // an empty crop gives NaN, as torch's mean
  }
  return out;
}

double value_range(const xt::xarray<double>& x) { return x.size() ? xt::amax(x)() - xt::amin(x)() : 0.0; }

}  // namespace

SsimBatch ssim_batch(std::string_view metric, xt::xarray<double> preds, xt::xarray<double> target, DType dtype,
                     const SsimParams& prm, bool want_cs, bool want_map) {
  const std::size_t spatial = preds.dimension() - 2;
  auto expand = [&](auto v) {
    // A copy first: assign(n, v[0]) passes a reference into the vector it frees (UB; wrong in libc++).
    if (v.size() == 1) v = decltype(v)(spatial, v.front());
    return v;
  };
  const std::vector<std::int64_t> ks = expand(prm.kernel_size);
  const std::vector<double> sigma = expand(prm.sigma);
  if (ks.size() != spatial || sigma.size() != spatial)
    fail(metric, ": `kernel_size` and `sigma` must have ", spatial, " values (two less than the inputs' ", spatial + 2,
         " dimensions), got ", ks.size(), " and ", sigma.size());
  if (want_cs && want_map)
    fail(metric, ": arguments `return_full_image` and `return_contrast_sensitivity` are mutually exclusive");
  for (auto k : ks)
    if (k % 2 == 0 || k <= 0) fail(metric, ": expected `kernel_size` to have odd positive numbers, got ", k);
  for (auto s : sigma)
    if (!(s > 0)) fail(metric, ": expected `sigma` to have positive numbers, got ", s);

  double range = prm.range.range;
  if (!prm.range.given) {
    range = std::max(value_range(preds), value_range(target));
  } else if (prm.range.clamp) {
    clamp_in_place(preds, prm.range.lo, prm.range.hi, dtype);
    clamp_in_place(target, prm.range.lo, prm.range.hi, dtype);
  }
  const double c1 = std::pow(prm.k1 * range, 2), c2 = std::pow(prm.k2 * range, 2);

  // One 1-D window per spatial axis; a volume's last axis is padded by kernel_size's radius even
  // with a Gaussian window, as TorchMetrics' _reflection_pad_3d call does.
  std::vector<AxisFilter> filters(spatial);
  for (std::size_t a = 0; a < spatial; ++a) {
    const std::int64_t len = prm.gaussian ? static_cast<std::int64_t>(3.5 * sigma[a] + 0.5) * 2 + 1 : ks[a];
    filters[a].taps = prm.gaussian ? gaussian_kernel_1d(len, sigma[a]) : uniform_kernel_1d(len);
    filters[a].pad = (spatial == 3 && a == 2) ? (ks[a] - 1) / 2 : (len - 1) / 2;
  }
  if (ssim_rows_applies(preds, filters)) {  // 2-D images: all five moments row by row, no filtered images
    SsimRowsOut rows = ssim_rows(preds, target, filters, c1, c2, want_cs, want_map);
    SsimBatch out;
    out.ssim = std::move(rows.ssim);
    out.cs = std::move(rows.cs);
    if (want_map) out.map = std::move(rows.map);
    return out;
  }
  // volumes (and inputs whose padding separable_filter refuses, for its error)
  auto filtered = [&](const xt::xarray<double>& x) { return separable_filter(metric, x, filters); };
  const xt::xarray<double> mu_p = filtered(preds), mu_t = filtered(target);
  const xt::xarray<double> e_pp = filtered(preds * preds), e_tt = filtered(target * target);
  const xt::xarray<double> e_pt = filtered(preds * target);

  const xt::xarray<double> mu_pp = mu_p * mu_p, mu_tt = mu_t * mu_t, mu_pt = mu_p * mu_t;
  const xt::xarray<double> upper = 2.0 * (e_pt - mu_pt) + c2;
  const xt::xarray<double> lower = xt::maximum(e_pp - mu_pp, 0.0) + xt::maximum(e_tt - mu_tt, 0.0) + c2;
  xt::xarray<double> map = ((2.0 * mu_pt + c1) * upper) / ((mu_pp + mu_tt + c1) * lower);

  SsimBatch out;
  out.ssim = per_image_mean(map);
  if (want_cs) {
    // the contrast map is cropped by the padding (x[pad:-pad]: empty when pad is 0)
    xt::xstrided_slice_vector crop{xt::all(), xt::all()};
    for (std::size_t a = 0; a < spatial; ++a) {
      const auto n = static_cast<std::int64_t>(upper.shape()[a + 2]);
      const std::int64_t p = filters[a].pad;
      crop.push_back(xt::range(p, std::max(p, n - p)));
    }
    xt::xarray<double> cs = xt::strided_view(xt::xarray<double>(upper / lower), crop);
    out.cs = per_image_mean(cs);
  }
  if (want_map) out.map = std::move(map);
  return out;
}

}  // namespace wasmetrics::image
