// SignalNoiseRatio, ScaleInvariantSignalNoiseRatio, ScaleInvariantSignalDistortionRatio,
// ComplexScaleInvariantSignalNoiseRatio and SourceAggregatedSignalDistortionRatio (audio/snr.py,
// audio/sdr.py): one value per signal along the last axis (per sample for SA-SDR), averaged over
// every signal fed.
#include <cmath>
#include <functional>

#include "wasmetrics/audio/mean_of_values.hpp"
#include "wasmetrics/audio/signal.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

// The ratio of each pair of rows (signals along the last axis): `ratio(p, t, eps)` on spans of
// float or double, the rows of the inputs' [rows, time] adaptors (audio::visit_signal_rows).
template <class Ratio>
audio::Values row_values(std::string_view metric, std::span<const TensorView> in, const Ratio& ratio) {
  require_same_shape(metric, "preds", in[0], "target", in[1]);
  const double eps = audio::eps_of(in[0].dtype);
  const auto len = static_cast<std::size_t>(in[0].ndim() ? in[0].shape.back() : 1);
  return audio::visit_signal_rows(in[0], in[1], len, [&](const auto& p, const auto& t) {
    return audio::map_rows(p, t, [&](auto pr, auto tr) { return ratio(pr, tr, eps); });
  });
}

class RowRatioMetric final : public audio::MeanOfValues {
 public:
  using Rows = std::function<audio::Values(const Metric&, std::span<const TensorView>)>;
  RowRatioMetric(Options o, Rows f) : MeanOfValues(std::move(o)), f_(std::move(f)) {}

 protected:
  audio::Values batch_values(std::span<const TensorView> in) const override { return f_(*this, in); }

 private:
  Rows f_;
};

std::vector<InputSpec> signal_inputs(std::string shape) {
  return {{"preds", false, "estimated signals, " + shape}, {"target", false, "reference signals, same shape"}};
}

OptionSpec zero_mean_option() {
  return {.name = "zero_mean",
          .type = OptionType::boolean,
          .default_value = false,
          .doc = "subtract each signal's mean first"};
}

// TorchMetrics' docstring signal: preds [2.5, 0.0, 2.0, 8.0], target [3.0, -0.5, 2.0, 7.0].
Json docstring_batch() {
  return Json::parse(R"([{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]},
                          "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}])");
}

MetricExample docstring_example(double value, Json args = Json::object()) {
  return {.doc = "TorchMetrics' docstring example",
          .args = std::move(args),
          .batches = docstring_batch(),
          .expected = {{"shape", Json::array()}, {"data", {value}}},
          .atol = 5e-5};
}

}  // namespace

WASMETRICS_COLD MetricSpec signal_noise_ratio_spec() {
  return {
      .name = "SignalNoiseRatio",
      .family = "audio",
      .doc = "Signal-to-noise ratio (dB) of each signal along the last axis, averaged over all signals.",
      .inputs = signal_inputs("[..., time]"),
      .options = {zero_mean_option()},
      .make =
          [](const Options& o) {
            const bool zm = o.get_bool("zero_mean");
            return std::make_unique<RowRatioMetric>(o, [zm](const Metric& m, std::span<const TensorView> in) {
              return row_values(m.name(), in, [zm](auto p, auto t, double eps) { return audio::snr(p, t, zm, eps); });
            });
          },
      .batching = Batching::updates,  // a 1-D input is one signal: its time axis is not a row axis
      .examples = {docstring_example(16.1805)},
  };
}

WASMETRICS_COLD MetricSpec scale_invariant_signal_noise_ratio_spec() {
  return {
      .name = "ScaleInvariantSignalNoiseRatio",
      .family = "audio",
      .doc = "Scale-invariant SNR (dB): SI-SDR of the zero-mean signals, averaged over all signals.",
      .inputs = signal_inputs("[..., time]"),
      .options = {},
      .make =
          [](const Options& o) {
            return std::make_unique<RowRatioMetric>(o, [](const Metric& m, std::span<const TensorView> in) {
              return row_values(m.name(), in,
                                [](auto p, auto t, double eps) { return audio::si_sdr(p, t, true, eps); });
            });
          },
      .batching = Batching::updates,  // a 1-D input is one signal: its time axis is not a row axis
      .examples = {docstring_example(15.0918)},
  };
}

WASMETRICS_COLD MetricSpec scale_invariant_signal_distortion_ratio_spec() {
  return {
      .name = "ScaleInvariantSignalDistortionRatio",
      .family = "audio",
      .doc = "Scale-invariant signal-to-distortion ratio (dB), averaged over all signals.",
      .inputs = signal_inputs("[..., time]"),
      .options = {zero_mean_option()},
      .make =
          [](const Options& o) {
            const bool zm = o.get_bool("zero_mean");
            return std::make_unique<RowRatioMetric>(o, [zm](const Metric& m, std::span<const TensorView> in) {
              return row_values(m.name(), in,
                                [zm](auto p, auto t, double eps) { return audio::si_sdr(p, t, zm, eps); });
            });
          },
      .batching = Batching::updates,  // a 1-D input is one signal: its time axis is not a row axis
      .examples = {docstring_example(18.4030)},
  };
}

WASMETRICS_COLD MetricSpec complex_scale_invariant_signal_noise_ratio_spec() {
  return {
      .name = "ComplexScaleInvariantSignalNoiseRatio",
      .family = "audio",
      .doc = "C-SI-SNR (dB) of complex spectrograms given as [..., freq, time, 2] (real, imaginary).",
      .inputs = signal_inputs("[..., freq, time, 2]"),
      .options = {zero_mean_option()},
      .make =
          [](const Options& o) {
            const bool zm = o.get_bool("zero_mean");
            return std::make_unique<RowRatioMetric>(o, [zm](const Metric& m, std::span<const TensorView> in) {
              for (auto& t : in)
                if (t.ndim() < 3 || t.shape.back() != 2)
                  fail(m.name(), ": `preds` and `target` must have the shape [..., frequency, time, 2], got ",
                       shape_str(in[0].shape), " and ", shape_str(in[1].shape));
              require_same_shape(m.name(), "preds", in[0], "target", in[1]);
              // one signal per spectrogram: freq, time and (real, imaginary) flattened
              std::vector<TensorView> flat(in.begin(), in.end());
              for (auto& t : flat) {
                const std::int64_t per = t.shape[t.shape.size() - 3] * t.shape[t.shape.size() - 2] * 2;
                t.shape.resize(t.shape.size() - 3);
                t.shape.push_back(per);
              }
              return row_values(m.name(), flat,
                                [zm](auto p, auto t, double eps) { return audio::si_sdr(p, t, zm, eps); });
            });
          },
      .examples = {{
          .doc = "identical spectrograms: finite, set by float32 eps (10 log10((sum t^2 + eps) / eps))",
          .batches =
              Json::parse(R"([{"preds": {"dtype": "float32", "shape": [1, 1, 2, 2], "data": [1.0, 0.0, 0.0, 1.0]},
                                      "target": {"dtype": "float32", "shape": [1, 1, 2, 2], "data": [1.0, 0.0, 0.0, 1.0]}}])"),
          .expected = {{"shape", Json::array()},
                       {"data", {10.0 * std::log10((2.0 + 1.1920928955078125e-07) / 1.1920928955078125e-07)}}},
          .atol = 1e-3,
      }},
  };
}

WASMETRICS_COLD MetricSpec source_aggregated_signal_distortion_ratio_spec() {
  return {
      .name = "SourceAggregatedSignalDistortionRatio",
      .family = "audio",
      .doc = "SA-SDR (dB): one ratio over all speakers of each sample, averaged over samples.",
      .inputs = signal_inputs("[..., spk, time]"),
      .options = {{.name = "scale_invariant",
                   .type = OptionType::boolean,
                   .default_value = true,
                   .doc = "scale the targets by one common factor first"},
                  zero_mean_option()},
      .make =
          [](const Options& o) {
            const bool si = o.get_bool("scale_invariant"), zm = o.get_bool("zero_mean");
            return std::make_unique<RowRatioMetric>(o, [si, zm](const Metric& m, std::span<const TensorView> in) {
              require_same_shape(m.name(), "preds", in[0], "target", in[1]);
              if (in[0].ndim() < 2)
                fail(m.name(), ": `preds` and `target` must have the shape [..., spk, time], got ",
                     shape_str(in[0].shape));
              const auto len = static_cast<std::size_t>(in[0].shape.back());
              std::vector<TensorView> flat(in.begin(), in.end());
              for (auto& t : flat) {
                const std::int64_t per = t.shape[t.shape.size() - 2] * in[0].shape.back();
                t.shape.resize(t.shape.size() - 2);
                t.shape.push_back(per);
              }
              // one row per sample: its speakers' signals one after the other
              return row_values(m.name(), flat, [si, zm, len](auto p, auto t, double eps) {
                return audio::sa_sdr(p, t, len, si, zm, eps);
              });
            });
          },
      .examples = {{
          .doc = "two speakers, not scale-invariant: 10 log10(sum t^2 / sum (t - p)^2) = 10 log10(39 / 1)",
          .args = {{"scale_invariant", false}},
          .batches = Json::parse(R"([{"preds": {"dtype": "float64", "shape": [1, 2, 2], "data": [1.0, 2.0, 3.0, 4.0]},
                                      "target": {"dtype": "float64", "shape": [1, 2, 2], "data": [1.0, 2.0, 3.0, 5.0]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {10.0 * std::log10(39.0)}}},
          .atol = 1e-6,
      }},
  };
}

}  // namespace wasmetrics
