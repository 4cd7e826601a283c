// KrippendorffAlpha: Krippendorff's alpha for any number of coders, missing ratings allowed, at the
// nominal, ordinal, interval or ratio level (Krippendorff 2011, "Computing Krippendorff's
// Alpha-Reliability"), from the coincidence matrix:
//   o_ck = Σ_u (ordered pairs (c, k) of values from different coders in unit u) / (m_u - 1),
//   n_c = Σ_k o_ck, n = Σ_c n_c,
//   alpha = 1 - (n - 1) Σ o_ck δ²_ck / Σ_{c,k} n_c n_k δ²_ck.
// Units with fewer than two values are not pairable and are left out.
//
// State: `pairs`, cat int64 [K, 4] rows (m_u, value c, value k, number of pairs) (values as their
// float64 bit patterns; core/keyed_counts.hpp), compacted on every fold. Keeping the pair counts per
// m_u keeps the state integer, so merging is exact and independent of the order of the batches;
// compute() divides by m_u - 1 once. Size: 32 B per distinct (m_u, c, k), at most
// coders × values² rows, whatever the number of units. `coders` (custom) checks that every update
// has the same number of columns.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "wasmetrics/agreement/ratings.hpp"
#include "wasmetrics/core/example_tensor.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/keyed_counts.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

enum class Level { nominal, ordinal, interval, ratio };

Level level_from(const std::string& name) {
  if (name == "ordinal") return Level::ordinal;
  if (name == "interval") return Level::interval;
  if (name == "ratio") return Level::ratio;
  return Level::nominal;
}

// xoshiro256** (Blackman & Vigna), seeded through splitmix64: the same numbers in every build.
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) {
    for (auto& w : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      w = z ^ (z >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  std::uint64_t s_[4];
};

// A value's float64 bit pattern as a key, -0.0 as 0.0 (memcpy: Emscripten's libc++ has no std::bit_cast).
std::int64_t value_key(double v) {
  if (v == 0) v = 0.0;
  std::int64_t k;
  std::memcpy(&k, &v, sizeof k);
  return k;
}
double key_value(std::int64_t k) {
  double v;
  std::memcpy(&v, &k, sizeof v);
  return v;
}

class KrippendorffAlpha final : public Metric {
 public:
  explicit KrippendorffAlpha(Options o)
      : Metric(std::move(o)), level_(level_from(options().get_string("level_of_measurement"))) {
    if (!options().is_null("missing_value")) {
      has_marker_ = true;
      marker_ = options().get_number("missing_value");
    }
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& r = in[0];
    agreement::require_matrix(name(), r);
    const std::int64_t units = r.shape[0], coders = r.shape[1];
    auto values = to_doubles(r);
    std::vector<std::int64_t> rows;
    std::vector<std::pair<double, std::int64_t>> groups;  // (value, how many coders gave it)
    for (std::int64_t u = 0; u < units; ++u) {
      groups.clear();
      std::int64_t m = 0;
      for (std::int64_t c = 0; c < coders; ++c) {
        const double v = values[static_cast<std::size_t>(u * coders + c)];
        if (std::isnan(v) || (has_marker_ && v == marker_)) continue;
        if (!std::isfinite(v))
          fail(name(), ": `ratings` must be finite or missing, got ", v, " at unit ", u, ", coder ", c);
        ++m;
        auto it = std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == v; });
        if (it == groups.end())
          groups.emplace_back(v, 1);
        else
          ++it->second;
      }
      if (m < 2) continue;
      for (auto& [c, nc] : groups)
        for (auto& [k, nk] : groups) {
          const std::int64_t pairs = c == k ? nc * (nc - 1) : nc * nk;
          if (pairs > 0) rows.insert(rows.end(), {m, value_key(c), value_key(k), pairs});
        }
    }
    append_keyed_counts(pairs_.var(s), compacted_rows(rows, 4));
    coders_.value(s) = coders;
  }

  void merge_custom(State& into, const State& from) const override {
    agreement::merge_coders(name(), coders_, into, from);
    compact_keyed_counts(pairs_.var(into));
  }

  Result compute_state(const State& s) const override { return Result::scalar(coincidences(s).alpha()); }

  // Hayes & Krippendorff's bootstrap (Krippendorff, "Algorithm for bootstrapping a distribution of
  // alpha", 2006/2011): each resample draws M pairs of values with replacement, cell (c, k) of the
  // coincidence matrix with probability o_ck / n, M = the number of pairable pairs
  // Σ_u m_u (m_u - 1) / 2; its alpha is 1 - mean δ² / D_e with the expected disagreement per pair
  // D_e = Σ n_c n_k δ² / (n (n - 1)) kept from the data. The interval is the percentile interval of
  // the resampled alphas. Seeded (xoshiro256**), so the same state and seed give the same interval
  // in every build.
  Result query_state(const std::string&, const Options& args, const State& s) const override {
    const auto c = coincidences(s);
    const auto resamples = args.get_int("n_resamples");
    const double level = args.get_number("confidence_level");
    const double alpha = c.alpha();
    const double expected_per_pair = c.expected / (c.n * (c.n - 1));
    // Cumulative cell probabilities over the non-empty cells, and each cell's δ².
    std::vector<double> cumulative, cell_delta2;
    double acc = 0;
    for (std::size_t i = 0; i < c.o.size(); ++i)
      if (c.o[i] > 0) {
        acc += c.o[i] / c.n;
        cumulative.push_back(acc);
        cell_delta2.push_back(c.delta2[i]);
      }
    cumulative.back() = 1.0;
    const auto pairs = static_cast<std::int64_t>(std::llround(c.ordered_pairs / 2));
    Xoshiro256 rng(static_cast<std::uint64_t>(args.get_int("seed")));
    std::vector<double> alphas(static_cast<std::size_t>(resamples));
    for (auto& a : alphas) {
      double sum = 0;
      for (std::int64_t m = 0; m < pairs; ++m) {
        const double r = rng.uniform();
        const auto cell =
            static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
        sum += cell_delta2[std::min(cell, cell_delta2.size() - 1)];
      }
      a = 1 - sum / static_cast<double>(pairs) / expected_per_pair;
    }
    std::sort(alphas.begin(), alphas.end());
    auto quantile = [&](double q) {  // linear interpolation between order statistics (numpy's default)
      const double pos = q * static_cast<double>(alphas.size() - 1);
      const auto lo = static_cast<std::size_t>(std::floor(pos));
      const auto hi = std::min(lo + 1, alphas.size() - 1);
      return alphas[lo] + (alphas[hi] - alphas[lo]) * (pos - static_cast<double>(lo));
    };
    double mean = 0;
    for (double a : alphas) mean += a;
    mean /= static_cast<double>(alphas.size());
    // Hayes & Krippendorff's q: the share of resampled alphas below each smallest acceptable alpha.
    const auto minimums = args.get_numbers("min_alpha");
    std::vector<double> below;
    for (double m : minimums)
      below.push_back(static_cast<double>(std::lower_bound(alphas.begin(), alphas.end(), m) - alphas.begin()) /
                      static_cast<double>(alphas.size()));
    return Result::dict({{"alpha", Result::scalar(alpha)},
                         {"lower", Result::scalar(quantile((1 - level) / 2))},
                         {"upper", Result::scalar(quantile(1 - (1 - level) / 2))},
                         {"bootstrap_mean", Result::scalar(mean)},
                         {"pairs_per_resample", Result::scalar(static_cast<double>(pairs))},
                         {"min_alpha", Result(Tensor::vector(minimums))},
                         {"p_below", Result(Tensor::vector(std::move(below)))}});
  }

 private:
  // The coincidence matrix over the distinct values, with the pieces alpha and its bootstrap need.
  struct Coincidences {
    std::vector<double> values;  // sorted distinct pairable values
    std::vector<double> o;       // [v, v] coincidences
    std::vector<double> delta2;  // [v, v] squared metric differences
    double n = 0;                // pairable values
    double observed = 0;         // Σ o_ck δ²
    double expected = 0;         // Σ n_c n_k δ²
    double ordered_pairs = 0;    // Σ_u m_u (m_u - 1)
    double alpha() const {
      if (expected == 0) return std::numeric_limits<double>::quiet_NaN();
      return 1 - (n - 1) * observed / expected;
    }
  };

  Coincidences coincidences(const State& s) const {
    auto rows = read_keyed_counts(pairs_.var(s));
    Coincidences out;
    auto& values = out.values;
    for (std::size_t i = 0; i < rows.size(); i += 4) values.push_back(key_value(rows[i + 1]));
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (values.empty()) fail(name(), ": no unit has two or more values (nothing pairable)");
    const std::size_t v = values.size();
    auto index = [&](std::int64_t key) {
      return static_cast<std::size_t>(std::lower_bound(values.begin(), values.end(), key_value(key)) - values.begin());
    };
    auto& o = out.o;
    o.assign(v * v, 0.0);
    for (std::size_t i = 0; i < rows.size(); i += 4) {
      o[index(rows[i + 1]) * v + index(rows[i + 2])] +=
          static_cast<double>(rows[i + 3]) / static_cast<double>(rows[i] - 1);
      out.ordered_pairs += static_cast<double>(rows[i + 3]);
    }
    std::vector<double> n_c(v, 0.0);
    for (std::size_t c = 0; c < v; ++c) {
      for (std::size_t k = 0; k < v; ++k) n_c[c] += o[c * v + k];
      out.n += n_c[c];
    }
    std::vector<double> cumulative(v + 1, 0.0);  // Σ n_g for g < index
    for (std::size_t c = 0; c < v; ++c) cumulative[c + 1] = cumulative[c] + n_c[c];
    auto delta2 = [&](std::size_t c, std::size_t k) -> double {
      if (c == k) return 0.0;
      switch (level_) {
        case Level::nominal:
          return 1.0;
        case Level::ordinal: {
          const std::size_t lo = std::min(c, k), hi = std::max(c, k);
          const double d = cumulative[hi + 1] - cumulative[lo] - (n_c[c] + n_c[k]) / 2;
          return d * d;
        }
        case Level::interval: {
          const double d = values[c] - values[k];
          return d * d;
        }
        case Level::ratio: {
          const double d = (values[c] - values[k]) / (values[c] + values[k]);
          return d * d;
        }
      }
      return 0.0;
    };
    out.delta2.assign(v * v, 0.0);
    for (std::size_t c = 0; c < v; ++c)
      for (std::size_t k = 0; k < v; ++k) {
        const double d2 = delta2(c, k);
        out.delta2[c * v + k] = d2;
        if (d2 == 0) continue;
        out.observed += o[c * v + k] * d2;
        out.expected += n_c[c] * n_c[k] * d2;
      }
    return out;
  }

  Level level_;
  bool has_marker_ = false;
  double marker_ = 0;
  StateSlot<std::int64_t> pairs_ = declare_state<std::int64_t>("pairs", Reduction::cat, {0, 4});
  agreement::CodersSlot coders_ = agreement::declare_coders(state_layout());
};

}  // namespace

WASMETRICS_COLD MetricSpec krippendorff_alpha_spec() {
  // Reference computation: 2 coders, units (0,0), (1,1), (0,1): o_00 = o_11 = 2, o_01 = o_10 = 1,
  // n_0 = n_1 = 3, n = 6; alpha = 1 - 5·2 / 18 = 4/9.
  return {
      .name = "KrippendorffAlpha",
      .family = "agreement",
      .doc = "Krippendorff's alpha of any number of coders with missing ratings (nominal, ordinal, interval, ratio).",
      .inputs = {{"ratings", false, "[units, coders] matrix; NaN (or missing_value) marks a missing rating"}},
      .options = {{.name = "level_of_measurement",
                   .type = OptionType::string,
                   .default_value = "nominal",
                   .choices = {"nominal", "ordinal", "interval", "ratio"},
                   .doc = "the metric of the values: which differences count, and how much"},
                  {.name = "missing_value",
                   .type = OptionType::number,
                   .default_value = nullptr,
                   .nullable = true,
                   .doc = "a value that marks a missing rating (besides NaN); null: only NaN"}},
      .make = [](const Options& o) { return std::make_unique<KrippendorffAlpha>(o); },
      .queries =
          {{.name = "bootstrap",
            .doc = "Hayes & Krippendorff's bootstrap of alpha: {alpha, lower, upper, bootstrap_mean, "
                   "pairs_per_resample, min_alpha, p_below}, seeded",
            .options =
                {{.name = "n_resamples",
                  .type = OptionType::integer,
                  .default_value = 1000,
                  .min = 1,
                  .max = 1000000,
                  .doc = "number of resamples"},
                 {.name = "confidence_level",
                  .type = OptionType::number,
                  .default_value = 0.95,
                  .min = 0.0,
                  .max = 1.0,
                  .min_exclusive = true,
                  .doc = "coverage of the percentile interval"},
                 {.name = "seed",
                  .type = OptionType::integer,
                  .default_value = 0,
                  .min = 0,
                  .doc = "seed of the resampling; the same seed gives the same interval"},
                 {.name = "min_alpha",
                  .type = OptionType::number_list,
                  .default_value = Json::array({0.667, 0.8}),
                  .min = -1.0,
                  .max = 1.0,
                  .doc =
                      "smallest acceptable alphas: p_below[i] is the share of resampled alphas below min_alpha[i]"}}}},
      .examples = {{.doc = "two coders, three units, one disagreement: alpha = 4/9",
                    .args = {{"level_of_measurement", "nominal"}},
                    .batches = Json::array({{{"ratings", example_tensor("float64", {3, 2}, {0, 0, 1, 1, 0, 1})}}}),
                    .expected = example_scalar(4.0 / 9.0)}},
  };
}

}  // namespace wasmetrics
