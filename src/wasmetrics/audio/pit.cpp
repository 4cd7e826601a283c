// PermutationInvariantTraining (audio/pit.py): per sample, the speaker permutation whose mean
// metric is best (max or min), averaged over samples. metric_func is named (one of TorchMetrics'
// functionals); speaker-wise mode builds the speaker-by-speaker metric matrix and solves the
// assignment (Hungarian), permutation-wise mode scores every permutation. State: sum + count.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

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
  std::vector<double> batch_values(std::span<const TensorView> in) const override {
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
    const std::vector<double> p = to_doubles(preds), t = to_doubles(target);
    const auto batch = static_cast<std::size_t>(preds.shape[0]), spk = static_cast<std::size_t>(preds.shape[1]);
    std::vector<double> out(batch);
    if (preds.ndim() == 2) {
      // [batch, spk] read as [batch, spk] of one-sample signals: metric_func then runs along the batch axis
      return two_d_values(p, t, batch, spk, speaker_wise, zm, eps);
    }
    const auto len = static_cast<std::size_t>(preds.shape[2]);
    std::vector<double> m(spk * spk);
    for (std::size_t b = 0; b < batch; ++b) {
      for (std::size_t i = 0; i < spk; ++i)
        for (std::size_t j = 0; j < spk; ++j)
          m[i * spk + j] =
              metric({p.data() + (b * spk + j) * len, len}, {t.data() + (b * spk + i) * len, len}, zm, eps);
      out[b] = best_assignment(m, spk);
    }
    return out;
  }

 private:
  double metric(std::span<const double> p, std::span<const double> t, bool zm, double eps) const {
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

  // The mean of m[i][perm[i]] for the best permutation (m[target][pred]).
  double best_assignment(const std::vector<double>& m, std::size_t spk) const {
    std::vector<double> cost(m);
    if (eval_ == "max")
      for (auto& c : cost) c = -c;
    const auto perm = audio::min_cost_assignment(cost, spk);
    double sum = 0;
    for (std::size_t i = 0; i < spk; ++i) sum += m[i * spk + perm[i]];
    return sum / static_cast<double>(spk);
  }

  std::vector<double> two_d_values(const std::vector<double>& p, const std::vector<double>& t, std::size_t batch,
                                   std::size_t spk, bool speaker_wise, bool zm, double eps) const {
    std::vector<double> out(batch);
    if (speaker_wise) {
      // one matrix for every sample: column j of preds against column i of target
      std::vector<double> m(spk * spk), pc(batch), tc(batch);
      for (std::size_t i = 0; i < spk; ++i)
        for (std::size_t j = 0; j < spk; ++j) {
          for (std::size_t b = 0; b < batch; ++b) {
            pc[b] = p[b * spk + j];
            tc[b] = t[b * spk + i];
          }
          m[i * spk + j] = metric(pc, tc, zm, eps);
        }
      std::fill(out.begin(), out.end(), best_assignment(m, spk));
      return out;
    }
    // permutation-wise: each sample's speakers permuted as one signal, every permutation tried
    if (spk > 8) fail(name(), ": permutation-wise mode with ", spk, " speakers would try ", spk, "! permutations");
    std::vector<std::size_t> perm(spk);
    std::vector<double> pp(spk);
    for (std::size_t b = 0; b < batch; ++b) {
      std::iota(perm.begin(), perm.end(), std::size_t{0});
      double best = std::nan("");
      bool first = true;
      do {
        for (std::size_t s = 0; s < spk; ++s) pp[s] = p[b * spk + perm[s]];
        const double v = metric(pp, {t.data() + b * spk, spk}, zm, eps);
        if (first || (eval_ == "max" ? v > best : v < best)) best = v;
        first = false;
      } while (std::next_permutation(perm.begin(), perm.end()));
      out[b] = best;
    }
    return out;
  }

  Func func_ = Func::si_sdr;
  std::string mode_, eval_;
  std::optional<bool> zero_mean_;
};

}  // namespace

MetricSpec permutation_invariant_training_spec() {
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
