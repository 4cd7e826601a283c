// SpatialCorrelationCoefficient (image/scc.py): per band, both images are high-pass filtered (a 2-D
// convolution, 2x, over the image mirrored with the edge repeated), then the correlation of the two
// filtered images over a window_size box (zero padded) is averaged over pixels, bands and images.
// TorchMetrics reduces by sum: the state is the sum of per-image means and the image count.
//
// `high_pass_filter` is a TorchMetrics tensor argument; until options can hold tensors it is given
// as the flat row-major values of a square kernel (TorchMetrics' default Laplacian when null).
#include <algorithm>
#include <cmath>

#include <xtensor/xindex_view.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xpad.hpp>
#include <xtensor/xstrided_view.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/filter.hpp"

namespace wasmetrics {
namespace {

// The kernel as [kh, kw] values.
struct HighPassKernel {
  std::int64_t kh = 3, kw = 3;
  std::vector<double> taps{-1, -1, -1, -1, 8, -1, -1, -1, -1};
};

// Indices of an axis of n mirrored (edge repeated) by `before` and `after`; after == 0 mirrors the
// whole axis, as TorchMetrics' x[..., -0:] slice does.
std::vector<std::size_t> scc_mirrored_axis(std::int64_t n, std::int64_t before, std::int64_t after) {
  if (after == 0) after = n;
  std::vector<std::size_t> idx;
  for (std::int64_t i = -before; i < n + after; ++i)
    idx.push_back(static_cast<std::size_t>(image::symmetric_index(i, n)));
  return idx;
}

// TorchMetrics' _hp_2d_laplacian: 2 * the true convolution of x [N, 1, H, W] with the kernel over x
// mirrored by floor((k - 1) / 2) before and ceil((k - 1) / 2) after on each axis.
xt::xarray<double> scc_high_pass(const xt::xarray<double>& x, const HighPassKernel& k) {
  const auto h = static_cast<std::int64_t>(x.shape()[2]), w = static_cast<std::int64_t>(x.shape()[3]);
  const auto rows = scc_mirrored_axis(h, (k.kh - 1) / 2, k.kh / 2),
             cols = scc_mirrored_axis(w, (k.kw - 1) / 2, k.kw / 2);
  if (rows.size() < static_cast<std::size_t>(k.kh) || cols.size() < static_cast<std::size_t>(k.kw))
    fail("SpatialCorrelationCoefficient: `high_pass_filter` (", k.kh, "x", k.kw, ") is larger than the padded image");
  const xt::xarray<double> padded = xt::view(x, xt::all(), xt::all(), xt::keep(rows), xt::keep(cols));
  const std::size_t oh = rows.size() - static_cast<std::size_t>(k.kh) + 1,
                    ow = cols.size() - static_cast<std::size_t>(k.kw) + 1;
  xt::xarray<double> out = xt::zeros<double>({x.shape()[0], x.shape()[1], oh, ow});
  for (std::int64_t a = 0; a < k.kh; ++a)
    for (std::int64_t b = 0; b < k.kw; ++b) {
      const double tap = k.taps[static_cast<std::size_t>((k.kh - 1 - a) * k.kw + (k.kw - 1 - b))];  // flipped
      if (tap == 0) continue;
      out += tap * xt::view(padded, xt::all(), xt::all(), xt::range(a, a + static_cast<std::int64_t>(oh)),
                            xt::range(b, b + static_cast<std::int64_t>(ow)));
    }
  return 2.0 * out;
}

// The SCC map of one band, [N, 1, h, w].
xt::xarray<double> scc_band_map(const xt::xarray<double>& p, const xt::xarray<double>& t, const HighPassKernel& k,
                                std::int64_t window) {
  const xt::xarray<double> ph = scc_high_pass(p, k), th = scc_high_pass(t, k);
  // zero padding, ceil((ws - 1) / 2) before and floor after, then the valid window_size box mean
  const auto before = static_cast<std::size_t>(window / 2), after = static_cast<std::size_t>((window - 1) / 2);
  const std::vector<std::vector<std::size_t>> pads{{0, 0}, {0, 0}, {before, after}, {before, after}};
  const std::vector<image::AxisFilter> box{{0, image::uniform_kernel_1d(window)},
                                           {0, image::uniform_kernel_1d(window)}};
  auto mean = [&](const xt::xarray<double>& x) {
    return image::separable_filter("SpatialCorrelationCoefficient", xt::pad(x, pads), box);
  };
  const xt::xarray<double> mu_p = mean(ph), mu_t = mean(th);
  const xt::xarray<double> var_p = xt::maximum(mean(ph * ph) - mu_p * mu_p, 0.0);
  const xt::xarray<double> var_t = xt::maximum(mean(th * th) - mu_t * mu_t, 0.0);
  const xt::xarray<double> cov = mean(th * ph) - mu_t * mu_p;
  const xt::xarray<double> den = xt::sqrt(var_t) * xt::sqrt(var_p);
  return xt::where(xt::equal(den, 0.0), 0.0, cov / xt::where(xt::equal(den, 0.0), 1.0, den));
}

class SpatialCorrelationCoefficient final : public Metric {
 public:
  explicit SpatialCorrelationCoefficient(Options o) : Metric(std::move(o)), window_(options().get_int("window_size")) {
    if (!options().is_null("high_pass_filter")) {
      kernel_.taps = options().get_numbers("high_pass_filter");
      const auto side = static_cast<std::int64_t>(std::lround(std::sqrt(static_cast<double>(kernel_.taps.size()))));
      if (side * side != static_cast<std::int64_t>(kernel_.taps.size()))
        fail(name(), ": `high_pass_filter` must hold the k x k values of a square kernel, got ", kernel_.taps.size(),
             " values");
      kernel_.kh = kernel_.kw = side;
    }
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_floating(name(), "preds", in[0]);
    require_floating(name(), "target", in[1]);
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    if (in[0].ndim() != 3 && in[0].ndim() != 4)
      fail(name(), ": expected `preds` and `target` to have BxCxHxW or BxHxW shape, got ", shape_str(in[0].shape));
    if (window_ <= 0) fail(name(), ": expected `window_size` to be a positive integer, got ", window_);
    const std::int64_t h = in[0].shape[in[0].ndim() - 2], w = in[0].shape[in[0].ndim() - 1];
    if (window_ > h || window_ > w)
      fail(name(), ": expected `window_size` to be less than or equal to the size of the image, got window_size ",
           window_, " and image size ", h, "x", w);
    // TorchMetrics' _scc_update casts target to preds' dtype, then both to float32
    xt::xarray<double> p = image::read_values(in[0], DType::float32), t = image::read_values(in[1], DType::float32);
    if (in[0].ndim() == 3) {
      p.reshape({p.shape()[0], 1, p.shape()[1], p.shape()[2]});
      t.reshape({t.shape()[0], 1, t.shape()[1], t.shape()[2]});
    }
    const std::size_t n = p.shape()[0], bands = p.shape()[1];
    std::vector<double> image_sum(n, 0.0);
    std::size_t per_image = 0;
    for (std::size_t c = 0; c < bands; ++c) {
      auto band = [&](const xt::xarray<double>& x) -> xt::xarray<double> {
        return xt::strided_view(x, {xt::all(), xt::range(c, c + 1), xt::all(), xt::all()});
      };
      const xt::xarray<double> map = scc_band_map(band(p), band(t), kernel_, window_);
      per_image = map.size() / n;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < per_image; ++j) image_sum[i] += map.data()[i * per_image + j];
    }
    double total = 0;
    for (double v : image_sum) total += v / static_cast<double>(per_image * bands);
    scc_score_.value(s) = total;
    total_.value(s) = static_cast<double>(n);
  }

  Result compute_state(const State& s) const override { return Result::scalar(scc_score_.value(s) / total_.value(s)); }

 private:
  std::int64_t window_;
  HighPassKernel kernel_;
  StateSlot<double> scc_score_ = declare_state<double>("scc_score", Reduction::sum, {});
  StateSlot<double> total_ = declare_state<double>("total", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec spatial_correlation_coefficient_spec() {
  return {
      .name = "SpatialCorrelationCoefficient",
      .family = "image",
      .doc = "SCC: the windowed correlation of the high-pass filtered images, averaged over pixels, bands and images.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W] or [N, H, W]"},
                 {"target", false, "target images, same shape (cast to preds' dtype)"}},
      .options =
          {
              {.name = "high_pass_filter",
               .type = OptionType::number_list,
               .default_value = nullptr,
               .nullable = true,
               .doc = "the k x k high-pass kernel as flat row-major values; null: [[-1, -1, -1], [-1, 8, -1], [-1, -1, "
                      "-1]]"},
              {.name = "window_size",
               .type = OptionType::integer,
               .default_value = 8,
               .doc = "side of the local window; positive and at most the image size (checked in update)"},
          },
      .make = [](const Options& o) { return std::make_unique<SpatialCorrelationCoefficient>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "two 1x8x8 images, element i of preds ((37 i) % 97) / 97, of target ((37 i + 3 (i // 8)) % 97) / 97 (window 3); TorchMetrics' docstring uses torch.randn, so the value is a float64 numpy computation of the rule (TorchMetrics 1.5.2, which computes in float32: 0.0658848)", "args": {"window_size": 3},
         "batches": [{"preds": {"dtype": "float64", "shape": [2, 1, 8, 8], "data": [0.0, 0.38144329896907214, 0.7628865979381443, 0.14432989690721648, 0.5257731958762887, 0.9072164948453608, 0.28865979381443296, 0.6701030927835051, 0.05154639175257732, 0.4329896907216495, 0.8144329896907216, 0.1958762886597938, 0.5773195876288659, 0.9587628865979382, 0.3402061855670103, 0.7216494845360825, 0.10309278350515463, 0.4845360824742268, 0.865979381443299, 0.24742268041237114, 0.6288659793814433, 0.010309278350515464, 0.3917525773195876, 0.7731958762886598, 0.15463917525773196, 0.5360824742268041, 0.9175257731958762, 0.29896907216494845, 0.6804123711340206, 0.061855670103092786, 0.44329896907216493, 0.8247422680412371, 0.20618556701030927, 0.5876288659793815, 0.9690721649484536, 0.35051546391752575, 0.7319587628865979, 0.1134020618556701, 0.4948453608247423, 0.8762886597938144, 0.25773195876288657, 0.6391752577319587, 0.020618556701030927, 0.4020618556701031, 0.7835051546391752, 0.16494845360824742, 0.5463917525773195, 0.9278350515463918, 0.30927835051546393, 0.6907216494845361, 0.07216494845360824, 0.4536082474226804, 0.8350515463917526, 0.21649484536082475, 0.5979381443298969, 0.979381443298969, 0.36082474226804123, 0.7422680412371134, 0.12371134020618557, 0.5051546391752577, 0.8865979381443299, 0.26804123711340205, 0.6494845360824743, 0.030927835051546393, 0.41237113402061853, 0.7938144329896907, 0.17525773195876287, 0.5567010309278351, 0.9381443298969072, 0.31958762886597936, 0.7010309278350515, 0.08247422680412371, 0.4639175257731959, 0.845360824742268, 0.2268041237113402, 0.6082474226804123, 0.9896907216494846, 0.3711340206185567, 0.7525773195876289, 0.13402061855670103, 0.5154639175257731, 0.8969072164948454, 0.27835051546391754, 0.6597938144329897, 0.041237113402061855, 0.422680412371134, 0.8041237113402062, 0.18556701030927836, 0.5670103092783505, 0.9484536082474226, 0.32989690721649484, 0.711340206185567, 0.09278350515463918, 0.4742268041237113, 0.8556701030927835, 0.23711340206185566, 0.6185567010309279, 0.0, 0.38144329896907214, 0.7628865979381443, 0.14432989690721648, 0.5257731958762887, 0.9072164948453608, 0.28865979381443296, 0.6701030927835051, 0.05154639175257732, 0.4329896907216495, 0.8144329896907216, 0.1958762886597938, 0.5773195876288659, 0.9587628865979382, 0.3402061855670103, 0.7216494845360825, 0.10309278350515463, 0.4845360824742268, 0.865979381443299, 0.24742268041237114, 0.6288659793814433, 0.010309278350515464, 0.3917525773195876, 0.7731958762886598, 0.15463917525773196, 0.5360824742268041, 0.9175257731958762, 0.29896907216494845, 0.6804123711340206, 0.061855670103092786, 0.44329896907216493]}, "target": {"dtype": "float64", "shape": [2, 1, 8, 8], "data": [0.0, 0.38144329896907214, 0.7628865979381443, 0.14432989690721648, 0.5257731958762887, 0.9072164948453608, 0.28865979381443296, 0.6701030927835051, 0.08247422680412371, 0.4639175257731959, 0.845360824742268, 0.2268041237113402, 0.6082474226804123, 0.9896907216494846, 0.3711340206185567, 0.7525773195876289, 0.16494845360824742, 0.5463917525773195, 0.9278350515463918, 0.30927835051546393, 0.6907216494845361, 0.07216494845360824, 0.4536082474226804, 0.8350515463917526, 0.24742268041237114, 0.6288659793814433, 0.010309278350515464, 0.3917525773195876, 0.7731958762886598, 0.15463917525773196, 0.5360824742268041, 0.9175257731958762, 0.32989690721649484, 0.711340206185567, 0.09278350515463918, 0.4742268041237113, 0.8556701030927835, 0.23711340206185566, 0.6185567010309279, 0.0, 0.41237113402061853, 0.7938144329896907, 0.17525773195876287, 0.5567010309278351, 0.9381443298969072, 0.31958762886597936, 0.7010309278350515, 0.08247422680412371, 0.4948453608247423, 0.8762886597938144, 0.25773195876288657, 0.6391752577319587, 0.020618556701030927, 0.4020618556701031, 0.7835051546391752, 0.16494845360824742, 0.5773195876288659, 0.9587628865979382, 0.3402061855670103, 0.7216494845360825, 0.10309278350515463, 0.4845360824742268, 0.865979381443299, 0.24742268041237114, 0.6597938144329897, 0.041237113402061855, 0.422680412371134, 0.8041237113402062, 0.18556701030927836, 0.5670103092783505, 0.9484536082474226, 0.32989690721649484, 0.7422680412371134, 0.12371134020618557, 0.5051546391752577, 0.8865979381443299, 0.26804123711340205, 0.6494845360824743, 0.030927835051546393, 0.41237113402061853, 0.8247422680412371, 0.20618556701030927, 0.5876288659793815, 0.9690721649484536, 0.35051546391752575, 0.7319587628865979, 0.1134020618556701, 0.4948453608247423, 0.9072164948453608, 0.28865979381443296, 0.6701030927835051, 0.05154639175257732, 0.4329896907216495, 0.8144329896907216, 0.1958762886597938, 0.5773195876288659, 0.9896907216494846, 0.3711340206185567, 0.7525773195876289, 0.13402061855670103, 0.5154639175257731, 0.8969072164948454, 0.27835051546391754, 0.6597938144329897, 0.07216494845360824, 0.4536082474226804, 0.8350515463917526, 0.21649484536082475, 0.5979381443298969, 0.979381443298969, 0.36082474226804123, 0.7422680412371134, 0.15463917525773196, 0.5360824742268041, 0.9175257731958762, 0.29896907216494845, 0.6804123711340206, 0.061855670103092786, 0.44329896907216493, 0.8247422680412371, 0.23711340206185566, 0.6185567010309279, 0.0, 0.38144329896907214, 0.7628865979381443, 0.14432989690721648, 0.5257731958762887, 0.9072164948453608]}}],
         "expected": {"shape": [], "data": [0.06588480059800403]}}
      ])json"),
  };
}

}  // namespace wasmetrics
