// PermutationInvariantTraining (audio/pit.py): per sample, the speaker permutation whose mean
// metric is best (max or min), averaged over samples. metric_func is named (one of TorchMetrics'
// functionals); speaker-wise mode builds the speaker-by-speaker metric matrix and solves the
// assignment (Hungarian), permutation-wise mode scores every permutation. State: sum + count.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <xtensor/xview.hpp>

#include "wasmetrics/audio/assignment.hpp"
#include "wasmetrics/audio/mean_of_values.hpp"
#include "wasmetrics/audio/signal.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

enum class Func { si_sdr, si_snr, snr };

class PermutationInvariantTraining final : public audio::MeanOfValues {
 public:
  explicit PermutationInvariantTraining(Options o) : MeanOfValues(std::move(o)) {
    if (options().is_null("metric_func"))
      fail(name(),
           ": `metric_func` is required (scale_invariant_signal_distortion_ratio, "
           "scale_invariant_signal_noise_ratio or signal_noise_ratio)");
    const std::string f = options().get_string("metric_func");
    func_ = f == "scale_invariant_signal_noise_ratio" ? Func::si_snr
            : f == "signal_noise_ratio"               ? Func::snr
                                                      : Func::si_sdr;
    mode_ = options().get_string("mode");
    eval_ = options().get_string("eval_func");
    if (!options().is_null("zero_mean")) zero_mean_ = options().get_bool("zero_mean");
  }

 protected:
  audio::Values batch_values(std::span<const TensorView> in) const override {
    const TensorView& preds = in[0];
    const TensorView& target = in[1];
    if (preds.ndim() < 2 || target.ndim() < 2 || preds.shape[0] != target.shape[0] || preds.shape[1] != target.shape[1])
      fail(name(), ": `preds` and `target` must have the same batch and speaker dimensions [batch, spk, ...], got ",
           shape_str(preds.shape), " and ", shape_str(target.shape));
    // TorchMetrics checks these in update(), not in the constructor (IA8).
    if (eval_ != "max" && eval_ != "min") fail(name(), ": `eval_func` must be 'max' or 'min', got '", eval_, "'");
    if (mode_ != "speaker-wise" && mode_ != "permutation-wise")
      fail(name(), ": `mode` must be 'speaker-wise' or 'permutation-wise', got '", mode_, "'");
    require_same_shape(name(), "preds", preds, "target", target);
    if (preds.ndim() > 3)
      fail(name(), ": `preds` and `target` must be [batch, spk, time], got ", shape_str(preds.shape));
    const bool speaker_wise = mode_ == "speaker-wise";
    if (zero_mean_ && speaker_wise && func_ == Func::si_snr)
      fail(name(), ": scale_invariant_signal_noise_ratio takes no `zero_mean` argument");
    // permutation-wise mode does not pass metric_func's keyword arguments on (IA7)
    const bool zm = speaker_wise ? zero_mean_.value_or(false) : false;
    const double eps = audio::eps_of(preds.dtype);
    const auto batch = static_cast<std::size_t>(preds.shape[0]), spk = static_cast<std::size_t>(preds.shape[1]);
    if (preds.ndim() == 2) {
      // [batch, spk] read as [batch, spk] of one-sample signals: metric_func then runs along the batch axis
      return audio::visit_signal_rows(preds, target, spk, [&](const auto& p, const auto& t) {
        return two_d_values(p, t, batch, speaker_wise, zm, eps);
      });
    }
    const auto len = static_cast<std::size_t>(preds.shape[2]);
    // [batch * spk, time] rows; m(b, i, j): target i of sample b against its prediction j
    return audio::visit_signal_rows(preds, target, len, [&](const auto& p, const auto& t) {
      xt::xtensor<double, 3> m = xt::empty<double>({batch, spk, spk});
      for (std::size_t b = 0; b < batch; ++b)
        for (std::size_t i = 0; i < spk; ++i)
          for (std::size_t j = 0; j < spk; ++j)
            m(b, i, j) = metric(audio::row_of(p, b * spk + j), audio::row_of(t, b * spk + i), zm, eps);
      audio::Values out = xt::empty<double>({batch});
      for (std::size_t b = 0; b < batch; ++b) out(b) = best_assignment(xt::view(m, b, xt::all(), xt::all()));
      return out;
    });
  }

 private:
  template <class T>
  double metric(std::span<const T> p, std::span<const T> t, bool zm, double eps) const {
    switch (func_) {
      case Func::si_sdr:
        return audio::si_sdr(p, t, zm, eps);
      case Func::si_snr:
        return audio::si_sdr(p, t, true, eps);
      case Func::snr:
        return audio::snr(p, t, zm, eps);
    }
    return 0;
  }

  // The mean of m(i, perm[i]) for the best permutation (m[target][pred], one sample's [spk, spk]).
  template <class M>
  double best_assignment(const M& m) const {
    const auto perm = eval_ == "max" ? audio::min_cost_assignment(-m) : audio::min_cost_assignment(m);
    double sum = 0;
    for (std::size_t i = 0; i < perm.size(); ++i) sum += m(i, perm[i]);
    return sum / static_cast<double>(perm.size());
  }

  // p, t: [batch, spk] (adaptors or float64 copies; [0, 0] when spk is 0).
  template <class P, class T>
  audio::Values two_d_values(const P& p, const T& t, std::size_t batch, bool speaker_wise, bool zm, double eps) const {
    using V = std::remove_cv_t<std::remove_reference_t<decltype(*p.data())>>;
    const std::size_t spk = p.shape()[1];
    audio::Values out = xt::empty<double>({batch});
    if (speaker_wise) {
      // one matrix for every sample: column j of preds against column i of target
      xt::xtensor<double, 2> m = xt::empty<double>({spk, spk});
      for (std::size_t i = 0; i < spk; ++i) {
        const xt::xtensor<V, 1> tc = xt::col(t, i);
        for (std::size_t j = 0; j < spk; ++j) {
          const xt::xtensor<V, 1> pc = xt::col(p, j);
          m(i, j) = metric(std::span<const V>(pc.data(), batch), std::span<const V>(tc.data(), batch), zm, eps);
        }
      }
      out.fill(best_assignment(m));
      return out;
    }
    // permutation-wise: each sample's speakers permuted as one signal, every permutation tried
    if (spk > 8) fail(name(), ": permutation-wise mode with ", spk, " speakers would try ", spk, "! permutations");
    std::vector<std::size_t> perm(spk);
    xt::xtensor<V, 1> pp = xt::empty<V>({spk});
    for (std::size_t b = 0; b < batch; ++b) {
      std::iota(perm.begin(), perm.end(), std::size_t{0});
      double best = std::nan("");
      bool first = true;
      do {
        if (spk) pp = xt::view(p, b, xt::keep(perm));
        const double v = metric(std::span<const V>(pp.data(), spk), audio::row_of(t, b), zm, eps);
        if (first || (eval_ == "max" ? v > best : v < best)) best = v;
        first = false;
      } while (std::next_permutation(perm.begin(), perm.end()));
      out(b) = best;
    }
    return out;
  }

  Func func_ = Func::si_sdr;
  std::string mode_, eval_;
  std::optional<bool> zero_mean_;
};

}  // namespace

WASMETRICS_COLD MetricSpec permutation_invariant_training_spec() {
  return {
      .name = "PermutationInvariantTraining",
      .family = "audio",
      .doc = "Permutation invariant training: each sample scored with its best speaker permutation, averaged.",
      .inputs = {{"preds", false, "estimated signals [batch, spk, time]"},
                 {"target", false, "reference signals, same shape"}},
      .options =
          {
              {.name = "metric_func",
               .type = OptionType::string,
               .default_value = nullptr,
               .choices = {"scale_invariant_signal_distortion_ratio", "scale_invariant_signal_noise_ratio",
                           "signal_noise_ratio"},
               .doc = "the metric of each (pred, target) pair, by TorchMetrics' functional name (required)"},
              {.name = "mode",
               .type = OptionType::string,
               .default_value = "speaker-wise",
               .doc =
                   "speaker-wise (assignment over the speaker metric matrix) or permutation-wise; checked at update()"},
              {.name = "eval_func",
               .type = OptionType::string,
               .default_value = "max",
               .doc = "max or min: which permutation is best; checked at update()"},
              {.name = "zero_mean",
               .type = OptionType::boolean,
               .default_value = nullptr,
               .nullable = true,
               .doc = "passed on to metric_func (speaker-wise mode only, as TorchMetrics); null: not passed"},
          },
      .make = [](const Options& o) { return std::make_unique<PermutationInvariantTraining>(o); },
      .examples = {{
          .doc = "swapped speakers: the best permutation undoes the swap (SNR: 10 log10(5 / 1) and 10 log10(25 / 1))",
          .args = {{"metric_func", "signal_noise_ratio"}},
          .batches = Json::parse(R"([{"preds": {"dtype": "float64", "shape": [1, 2, 2], "data": [3.0, 5.0, 1.0, 3.0]},
                                      "target": {"dtype": "float64", "shape": [1, 2, 2], "data": [1.0, 2.0, 3.0, 4.0]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {(10.0 * std::log10(5.0) + 10.0 * std::log10(25.0)) / 2.0}}},
          .atol = 1e-6,
      }},
  };
}

}  // namespace wasmetrics
