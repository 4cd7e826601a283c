// PeakSignalNoiseRatioWithBlockedEffect (image/psnrb.py): PSNR whose MSE is raised by the blocking
// effect factor of preds (squared differences across block_size boundaries against those inside
// blocks). State as TorchMetrics: squared-error sum, count, BEF sum and the largest target range
// seen (32 bytes). The BEF of a batch is computed over the whole batch, as TorchMetrics does.
#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/image/common.hpp"

namespace wasmetrics {
namespace {

// _compute_bef on x [N, 1, H, W].
double blocking_effect_factor(const xt::xarray<double>& x, std::int64_t block) {
  const auto n = static_cast<std::int64_t>(x.shape()[0]);
  const auto h = static_cast<std::int64_t>(x.shape()[2]), w = static_cast<std::int64_t>(x.shape()[3]);
  auto at = [&](std::int64_t i, std::int64_t r, std::int64_t c) { return x.data()[(i * h + r) * w + c]; };
  double d_b = 0, d_bc = 0;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t r = 0; r < h; ++r)
      for (std::int64_t c = 0; c < w; ++c) {
        if (c + 1 < w) {  // horizontal neighbours: across a block boundary when c % block == block - 1
          const double d = at(i, r, c) - at(i, r, c + 1);
          ((c % block == block - 1) ? d_b : d_bc) += d * d;
        }
        if (r + 1 < h) {
          const double d = at(i, r, c) - at(i, r + 1, c);
          ((r % block == block - 1) ? d_b : d_bc) += d * d;
        }
      }
  const double bs = static_cast<double>(block), hd = static_cast<double>(h), wd = static_cast<double>(w);
  const double n_hb = hd * (wd / bs) - 1, n_hbc = hd * (wd - 1) - n_hb;
  const double n_vb = wd * (hd / bs) - 1, n_vbc = wd * (hd - 1) - n_vb;
  d_b /= n_hb + n_vb;
  d_bc /= n_hbc + n_vbc;
  const double t = d_b > d_bc ? std::log2(bs) / std::log2(static_cast<double>(std::min(h, w))) : 0.0;
  return t * (d_b - d_bc);
}

class PeakSignalNoiseRatioWithBlockedEffect final : public Metric {
 public:
  explicit PeakSignalNoiseRatioWithBlockedEffect(Options o)
      : Metric(std::move(o)), block_(options().get_int("block_size")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    // TorchMetrics' constructor lets any block_size through; range() then raises in update().
    if (block_ < 1) fail(name(), ": `block_size` must be a positive integer, got ", block_);
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    if (in[0].ndim() != 4)
      fail(name(), ": expected `preds` and `target` of shape [N, 1, H, W], got ", shape_str(in[0].shape));
    if (in[0].shape[1] > 1)
      fail(name(), ": expects grayscale images, but got images with ", in[0].shape[1], " channels");
    const xt::xarray<double> p = image::read_values(in[0], image::float_dtype_of(in[0]));
    const xt::xarray<double> t = image::read_values(in[1], image::float_dtype_of(in[1]));
    if (t.size() == 0) fail(name(), ": `target` is empty");
    sum_squared_error_.value(s) = xt::sum(xt::square(p - t))();
    total_.value(s) = static_cast<std::int64_t>(t.size());
    bef_.value(s) = blocking_effect_factor(p, block_);
    data_range_.value(s) = std::max(0.0, xt::amax(t)() - xt::amin(t)());
  }

  Result compute_state(const State& s) const override {
    const double mse = sum_squared_error_.value(s) / count_at(total_.var(s), 0) + bef_.value(s);
    const double range = data_range_.value(s);
    // TorchMetrics takes a range above 2 as 0-255 data and anything else as [0, 1] data
    return Result::scalar(range > 2 ? 10.0 * std::log10(range * range / mse) : 10.0 * std::log10(1.0 / mse));
  }

 private:
  std::int64_t block_;
  StateSlot<double> sum_squared_error_ = declare_state<double>("sum_squared_error", Reduction::sum, {});
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
  StateSlot<double> bef_ = declare_state<double>("bef", Reduction::sum, {});
  StateSlot<double> data_range_ = declare_state<double>("data_range", Reduction::max, {});  // largest target range
};

}  // namespace

WASMETRICS_COLD MetricSpec peak_signal_noise_ratio_with_blocked_effect_spec() {
  return {
      .name = "PeakSignalNoiseRatioWithBlockedEffect",
      .family = "image",
      .doc = "PSNR-B: PSNR with the MSE raised by the blocking effect factor of grayscale preds.",
      .inputs = {{"preds", false, "predicted grayscale images [N, 1, H, W]"},
                 {"target", false, "target images, same shape"}},
      .options = {{.name = "block_size",
                   .type = OptionType::integer,
                   .default_value = 8,
                   .doc = "block size of the compression grid (checked at update(), as TorchMetrics)"}},
      .make = [](const Options& o) { return std::make_unique<PeakSignalNoiseRatioWithBlockedEffect>(o); },
      .examples = {{
          .doc = "constant 2x2 images 0.5 vs 0.4 (no blocking: BEF 0; range 0 counts as [0, 1] data): 10 log10(1 / "
                 "0.01) = 20",
          .args = {{"block_size", 1}},
          .batches =
              Json::parse(R"([{"preds": {"dtype": "float64", "shape": [1, 1, 2, 2], "data": [0.5, 0.5, 0.5, 0.5]},
                                      "target": {"dtype": "float64", "shape": [1, 1, 2, 2], "data": [0.4, 0.4, 0.4, 0.4]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {20.0}}},
          .atol = 1e-6,
      }},
  };
}

}  // namespace wasmetrics
