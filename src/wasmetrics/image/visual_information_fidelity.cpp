// VisualInformationFidelity (image/vif.py): pixel-domain VIF over four scales (Gaussian windows
// of 17, 9, 5, 3 taps, valid positions only, every other pixel kept between scales), per image
// and channel; the channels' mean per image, averaged over images. State: a sum and a count.
// Images need at least 41 x 41 pixels (the last scale's window must fit).
#include <cmath>

#include <xtensor/xstrided_view.hpp>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/filter.hpp"

namespace wasmetrics {
namespace {

class VisualInformationFidelity final : public Metric {
 public:
  explicit VisualInformationFidelity(Options o)
      : Metric(std::move(o)), sigma_n_sq_(options().get_number("sigma_n_sq")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_floating(name(), "preds", in[0]);
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    if (in[0].ndim() != 4)
      fail(name(), ": expected `preds` and `target` of shape [N, C, H, W], got ", shape_str(in[0].shape));
    const xt::xarray<double> p = image::read_values(in[0], in[0].dtype), t = image::read_values(in[1], in[0].dtype);
    const auto n = static_cast<std::size_t>(in[0].shape[0]), c = static_cast<std::size_t>(in[0].shape[1]);
    // [N, C, H, W] -> [N * C, H, W] planes: every plane is scored on its own
    std::vector<std::size_t> planes{n * c, static_cast<std::size_t>(in[0].shape[2]),
                                    static_cast<std::size_t>(in[0].shape[3])};
    const std::vector<double> vif =
        plane_vif(xt::xarray<double>(xt::reshape_view(p, planes)), xt::xarray<double>(xt::reshape_view(t, planes)));
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double mean = 0;
      for (std::size_t ch = 0; ch < c; ++ch) mean += vif[i * c + ch];
      sum += mean / static_cast<double>(c);
    }
    vif_score_.value(s) = sum;
    total_.value(s) = static_cast<double>(n);
  }

  Result compute_state(const State& s) const override { return Result::scalar(vif_score_.value(s) / total_.value(s)); }

 private:
  // VIF of each plane of [P, H, W] (_vif_per_channel).
  std::vector<double> plane_vif(xt::xarray<double> p, xt::xarray<double> t) const {
    const double eps = 1e-10;
    const std::size_t planes = p.shape()[0];
    std::vector<double> num(planes, 0.0), den(planes, 0.0);
    for (int scale = 0; scale < 4; ++scale) {
      const auto taps = static_cast<std::int64_t>(std::pow(2.0, 4 - scale)) + 1;
      const std::vector<double> g = image::gaussian_kernel_1d(taps, static_cast<double>(taps) / 5.0);
      const std::vector<image::AxisFilter> window{{0, g}, {0, g}};
      auto f = [&](const xt::xarray<double>& x) { return image::separable_filter(name(), x, window); };
      if (scale > 0) {
        const xt::xstrided_slice_vector every_other{xt::all(), xt::range(0, xt::placeholders::_, 2),
                                                    xt::range(0, xt::placeholders::_, 2)};
        t = xt::strided_view(f(t), every_other);
        p = xt::strided_view(f(p), every_other);
      }
      const xt::xarray<double> mu_t = f(t), mu_p = f(p), e_tt = f(t * t), e_pp = f(p * p), e_tp = f(t * p);
      const std::size_t per = mu_t.size() / planes;
      for (std::size_t k = 0; k < mu_t.size(); ++k) {
        double st = std::max(e_tt.data()[k] - mu_t.data()[k] * mu_t.data()[k], 0.0);
        const double sp = std::max(e_pp.data()[k] - mu_p.data()[k] * mu_p.data()[k], 0.0);
        const double stp = e_tp.data()[k] - mu_t.data()[k] * mu_p.data()[k];
        double gain = stp / (st + eps), sv = sp - gain * stp;
        if (st < eps) {
          gain = 0;
          sv = sp;
          st = 0;
        }
        if (sp < eps) {
          gain = 0;
          sv = 0;
        }
        if (gain < 0) {
          sv = sp;
          gain = 0;
        }
        sv = std::max(sv, eps);
        num[k / per] += std::log10(1.0 + gain * gain * st / (sv + sigma_n_sq_));
        den[k / per] += std::log10(1.0 + st / sigma_n_sq_);
      }
    }
    std::vector<double> out(planes);
    for (std::size_t i = 0; i < planes; ++i) out[i] = num[i] / den[i];
    return out;
  }

  double sigma_n_sq_;
  StateSlot<double> vif_score_ = declare_state<double>("vif_score", Reduction::sum, {});
  StateSlot<double> total_ = declare_state<double>("total", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec visual_information_fidelity_spec() {
  return {
      .name = "VisualInformationFidelity",
      .family = "image",
      .doc = "Pixel-domain visual information fidelity over four scales (images of at least 41 x 41 pixels).",
      .inputs = {{"preds", false, "predicted images [N, C, H, W], H and W >= 41"},
                 {"target", false, "target images, same shape"}},
      .options = {{.name = "sigma_n_sq",
                   .type = OptionType::number,
                   .default_value = 2.0,
                   .min = 0,
                   .doc = "variance of the visual noise"}},
      .make = [](const Options& o) { return std::make_unique<VisualInformationFidelity>(o); },
      .examples = {{
          .doc = "identical images carry all the information: 1",
          .batches =
              [] {
                std::vector<double> img(41 * 41);
                for (std::size_t i = 0; i < img.size(); ++i) img[i] = static_cast<double>((i * 7919) % 256) / 255.0;
                Json t = {{"dtype", "float64"}, {"shape", {1, 1, 41, 41}}, {"data", img}};
                return Json::array({{{"preds", t}, {"target", t}}});
              }(),
          .expected = {{"shape", Json::array()}, {"data", {1.0}}},
          .atol = 1e-6,
      }},
  };
}

}  // namespace wasmetrics
