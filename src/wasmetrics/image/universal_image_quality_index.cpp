// UniversalImageQualityIndex (image/uqi.py), the map from uqi_core.hpp. TorchMetrics' divisor is
// kept as it is (QUIRKS-image-audio IA2): the mean divides by N C (H - kh + 1)(W - kw + 1), the
// map's size only for square kernels. State: a sum and that
// count (16 bytes); with reduction none/null the cropped maps as float32 (TorchMetrics keeps both
// inputs and filters them at compute()).
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/map_store.hpp"
#include "wasmetrics/image/uqi_core.hpp"

namespace wasmetrics {
namespace {

class UniversalImageQualityIndex final : public Metric {
 public:
  explicit UniversalImageQualityIndex(Options o)
      : Metric(std::move(o)), reduce_(image::parse_reduction(name(), options().raw("reduction"))) {
    for (double k : options().get_numbers("kernel_size")) kernel_.push_back(static_cast<std::int64_t>(k));
    sigma_ = options().get_numbers("sigma");
    if (kernel_.size() == 1) kernel_.push_back(kernel_[0]);
    if (sigma_.size() == 1) sigma_.push_back(sigma_[0]);
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    image::check_image_pair(name(), in[0], in[1]);
    const xt::xarray<double> cropped =
        image::uqi_map(name(), image::read_values(in[0], in[0].dtype), image::read_values(in[1], in[1].dtype), kernel_,
                       sigma_, in[0].dtype);
    if (reduce_ == image::Reduce::none) {
      image::append_maps(maps_, s, cropped);
      return;
    }
    double sum = 0;
    for (double v : cropped) sum += v;
    sum_uqi_.value(s) = sum;
    const auto& sh = in[0].shape;
    numel_.value(s) = sh[0] * sh[1] * (sh[2] - kernel_[0] + 1) * (sh[3] - kernel_[1] + 1);
  }

  Result compute_state(const State& s) const override {
    if (reduce_ == image::Reduce::none) return Result(image::concat_maps(name(), maps_, s));
    const double sum = sum_uqi_.value(s);
    return Result::scalar(reduce_ == image::Reduce::sum ? sum : sum / count_at(numel_.var(s), 0));
  }

 private:
  image::Reduce reduce_;
  std::vector<std::int64_t> kernel_;
  std::vector<double> sigma_;
  // reduction none/null: the maps; else their sum and TorchMetrics' divisor
  bool keep_maps_ = reduce_ == image::Reduce::none;
  image::MapStates maps_ = keep_maps_ ? image::declare_maps(state_layout(), "uqi") : image::MapStates();
  StateSlot<double> sum_uqi_ = keep_maps_ ? StateSlot<double>() : declare_state<double>("sum_uqi", Reduction::sum, {});
  StateSlot<std::int64_t> numel_ =
      keep_maps_ ? StateSlot<std::int64_t>() : declare_state<std::int64_t>("numel", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec universal_image_quality_index_spec() {
  return {
      .name = "UniversalImageQualityIndex",
      .family = "image",
      .doc = "Universal image quality index (Wang-Bovik Q) over a Gaussian window, averaged over the cropped map.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W]"},
                 {"target", false, "target images, same shape and dtype"}},
      .options =
          {
              {.name = "kernel_size",
               .type = OptionType::integer_list,
               .default_value = {11, 11},
               .doc = "Gaussian window size [kh, kw] (odd)"},
              {.name = "sigma",
               .type = OptionType::number_list,
               .default_value = {1.5, 1.5},
               .doc = "Gaussian standard deviations [sh, sw]"},
              image::reduction_option("elementwise_mean or sum over the map, or none/null: the cropped maps"),
          },
      .make = [](const Options& o) { return std::make_unique<UniversalImageQualityIndex>(o); },
      .examples = {{
          .doc = "identical images: 1 up to float32 eps in the denominator",
          .args = {{"kernel_size", {3, 3}}, {"sigma", {1.0, 1.0}}},
          .batches = Json::parse(
              R"([{"preds": {"dtype": "float64", "shape": [1, 1, 4, 4], "data": [0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.8, 0.6, 0.7, 0.2, 0.5, 0.1, 0.3, 0.9, 0.6, 0.4]},
                                      "target": {"dtype": "float64", "shape": [1, 1, 4, 4], "data": [0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.8, 0.6, 0.7, 0.2, 0.5, 0.1, 0.3, 0.9, 0.6, 0.4]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {1.0}}},
          .atol = 1e-6,
      }},
  };
}

}  // namespace wasmetrics
