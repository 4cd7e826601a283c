// SignalDistortionRatio (audio/sdr.py): the BSS-eval SDR with a distortion filter of
// `filter_length` taps per signal, averaged over all signals. The Toeplitz system is solved by
// Levinson recursion (O(filter_length^2)) whatever `use_cg_iter` says: TorchMetrics without
// fast-bss-eval (the reference) solves it exactly as well.
#include <cmath>

#include "wasmetrics/audio/mean_of_values.hpp"
#include "wasmetrics/audio/signal.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

class SignalDistortionRatio final : public audio::MeanOfValues {
 public:
  explicit SignalDistortionRatio(Options o) : MeanOfValues(std::move(o)) {
    params_.filter_length = options().get_int("filter_length");
    params_.zero_mean = options().get_bool("zero_mean");
    if (!options().is_null("load_diag")) params_.load_diag = options().get_number("load_diag");
  }

 protected:
  audio::Values batch_values(std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    const auto len = static_cast<std::size_t>(in[0].ndim() ? in[0].shape.back() : 1);
    // float32/float64 signals are read where they are, one row at a time (no float64 copy of the batch)
    audio::Values out = audio::visit_signal_rows(in[0], in[1], len, [&](const auto& p, const auto& t) {
      return audio::map_rows(p, t, [&](auto pr, auto tr) { return audio::sdr(pr, tr, params_); });
    });
    if (in[0].dtype != DType::float64)
      out = xt::cast<double>(xt::cast<float>(out));  // TorchMetrics returns preds' dtype
    return out;
  }

 private:
  audio::SdrParams params_;
};

}  // namespace

WASMETRICS_COLD MetricSpec signal_distortion_ratio_spec() {
  return {
      .name = "SignalDistortionRatio",
      .family = "audio",
      .doc = "Signal-to-distortion ratio (dB) with a filter_length-tap distortion filter, averaged over signals.",
      .inputs = {{"preds", false, "estimated signals, [..., time]"},
                 {"target", false, "reference signals, same shape"}},
      .options =
          {
              {.name = "use_cg_iter",
               .type = OptionType::integer,
               .default_value = nullptr,
               .min = 1,
               .nullable = true,
               .doc = "accepted for compatibility; the system is always solved exactly (Levinson recursion)"},
              {.name = "filter_length",
               .type = OptionType::integer,
               .default_value = 512,
               .min = 1,
               .doc = "taps of the allowed distortion filter"},
              {.name = "zero_mean",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "subtract each signal's mean first"},
              {.name = "load_diag",
               .type = OptionType::number,
               .default_value = nullptr,
               .nullable = true,
               .doc = "added to the auto-correlation's diagonal (regularises the solve)"},
          },
      .make = [](const Options& o) { return std::make_unique<SignalDistortionRatio>(o); },
      .batching = Batching::updates,  // a 1-D input is one signal: its time axis is not a row axis
      .examples = {{
          .doc = "filter_length 1: the SDR is 10 log10(cos^2 / (1 - cos^2)) of the angle between the signals, "
                 "here 10 log10(121 / 5)",
          .args = {{"filter_length", 1}},
          .batches = Json::parse(R"([{"preds": {"dtype": "float64", "shape": [3], "data": [1.0, 2.0, 3.0]},
                                      "target": {"dtype": "float64", "shape": [3], "data": [1.0, 2.0, 2.0]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {10.0 * std::log10(121.0 / 5.0)}}},
          .atol = 1e-6,
      }},
  };
}

}  // namespace wasmetrics
