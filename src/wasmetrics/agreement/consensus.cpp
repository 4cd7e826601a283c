// Beyond one agreement number, for annotation QA:
//  - CohenKappaMatrix: Cohen's kappa of every pair of raters (columns) — which annotator disagrees
//    with whom. A missing rating (NaN) leaves the unit out of that rater's pairs only. State: sparse
//    rows (rater a, rater b, class of a, class of b, count) for a < b (cat int64 [K, 5],
//    core/keyed_counts.hpp): at most R(R-1)/2 · C² rows, whatever the number of units.
//  - MajorityVote: each unit's consensus label by majority vote over its present ratings, with ties
//    reported (the smallest tied class is given, `tied` is 1), the winner's share of the votes and
//    the entropy of the votes; the `most_contested` query ranks the units by disagreement.
//    The result is per unit, so the state is too: one row (label, tied, support, entropy) per unit, 32 B.
//  - DawidSkene: consensus by Dawid & Skene's EM (agreement/dawid_skene.hpp): each unit's posterior
//    over the true classes, and each rater's confusion matrix and accuracy. EM needs every rating
//    again on each round, so the state keeps them: 8 B per rating (int64, -1 missing), in unit order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/agreement/cohen_kappa.hpp"
#include "wasmetrics/agreement/dawid_skene.hpp"
#include "wasmetrics/agreement/ratings.hpp"
#include "wasmetrics/core/example_tensor.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/keyed_counts.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using agreement::disagreement_weights_option;
using agreement::num_classes_option;
using agreement::required_classes;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kVoteColumns = 4;  // MajorityVote's row per unit: label, tied, support, entropy

// Class indices with NaN kept as missing (-1); anything else invalid is rejected.
std::vector<std::int64_t> indices_or_missing(const std::string& metric, const TensorView& r, std::int64_t classes) {
  agreement::require_matrix(metric, r);
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(r.numel()));
  const auto coders = static_cast<std::size_t>(r.shape[1]);
  visit_elements(r, [&](auto v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double x = static_cast<double>(v[i]);
      if (std::isnan(x)) {
        out.push_back(-1);
        continue;
      }
      if (!(x >= 0 && x < static_cast<double>(classes) && x == std::floor(x)))
        fail(metric, ": `ratings` must be integer class indices in [0, ", classes, ") or NaN (missing), got ", x,
             " at unit ", i / coders, ", coder ", i % coders);
      out.push_back(static_cast<std::int64_t>(x));
    }
  });
  return out;
}

// Rows (rater, outcome, 1) of each present rating whose unit another rater rated too: outcome 1 if
// the rating is the others' unique majority class, 0 if not, 2 if the others tie.
std::vector<std::int64_t> consensus_outcomes(const std::vector<std::int64_t>& labels, std::int64_t units,
                                             std::int64_t raters) {
  std::vector<std::int64_t> rows, votes;
  for (std::int64_t u = 0; u < units; ++u) {
    const auto unit = std::span(labels).subspan(static_cast<std::size_t>(u * raters), static_cast<std::size_t>(raters));
    votes.assign(static_cast<std::size_t>(*std::max_element(unit.begin(), unit.end()) + 1), 0);
    for (auto l : unit)
      if (l >= 0) ++votes[static_cast<std::size_t>(l)];
    for (std::int64_t r = 0; r < raters; ++r) {
      const auto mine = unit[static_cast<std::size_t>(r)];
      if (mine < 0) continue;
      --votes[static_cast<std::size_t>(mine)];  // the others' votes
      const auto top = *std::max_element(votes.begin(), votes.end());
      if (top > 0) {
        const auto winners = std::count(votes.begin(), votes.end(), top);
        rows.insert(rows.end(), {r, winners > 1 ? 2 : votes[static_cast<std::size_t>(mine)] == top ? 1 : 0, 1});
      }
      ++votes[static_cast<std::size_t>(mine)];
    }
  }
  return rows;
}

class CohenKappaMatrix final : public Metric {
 public:
  explicit CohenKappaMatrix(Options o) : Metric(std::move(o)), classes_(required_classes(name(), options())) {
    if (!options().is_null("weights")) weights_ = options().get_string("weights");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto labels = indices_or_missing(name(), in[0], classes_);
    const std::int64_t units = in[0].shape[0], raters = in[0].shape[1];
    if (raters < 2) fail(name(), " needs at least 2 coders (columns), got ", raters);
    std::vector<std::int64_t> rows;
    for (std::int64_t u = 0; u < units; ++u)
      for (std::int64_t a = 0; a < raters; ++a)
        for (std::int64_t b = a + 1; b < raters; ++b) {
          const auto la = labels[static_cast<std::size_t>(u * raters + a)],
                     lb = labels[static_cast<std::size_t>(u * raters + b)];
          if (la >= 0 && lb >= 0) rows.insert(rows.end(), {a, b, la, lb, 1});
        }
    append_keyed_counts(pairs_.var(s), compacted_rows(rows, 5));
    append_keyed_counts(with_others_.var(s), compacted_rows(consensus_outcomes(labels, units, raters), 3));
    coders_.value(s) = raters;
  }

  void merge_custom(State& into, const State& from) const override {
    agreement::merge_coders(name(), coders_, into, from);
    compact_keyed_counts(pairs_.var(into));
    compact_keyed_counts(with_others_.var(into));
  }

  // Raw agreement of every pair (the share of the units both rated where they gave the same class)
  // and each rater's agreement with the majority of the other raters, over the units where the
  // others have a unique majority.
  Result query_state(const std::string&, const Options&, const State& s) const override {
    const auto raters = static_cast<std::size_t>(coders_.value(s));
    std::vector<double> same(raters * raters, 0.0), both(raters * raters, 0.0);
    auto rows = read_keyed_counts(pairs_.var(s));
    for (std::size_t i = 0; i < rows.size(); i += 5) {
      const auto ab = static_cast<std::size_t>(rows[i] * static_cast<std::int64_t>(raters) + rows[i + 1]);
      both[ab] += static_cast<double>(rows[i + 4]);
      if (rows[i + 2] == rows[i + 3]) same[ab] += static_cast<double>(rows[i + 4]);
    }
    Tensor raw;
    raw.shape = {static_cast<std::int64_t>(raters), static_cast<std::int64_t>(raters)};
    raw.data.assign(raters * raters, 1.0);
    for (std::size_t a = 0; a < raters; ++a)
      for (std::size_t b = a + 1; b < raters; ++b)
        raw.data[a * raters + b] = raw.data[b * raters + a] =
            both[a * raters + b] > 0 ? same[a * raters + b] / both[a * raters + b] : kNaN;
    std::vector<double> agree(raters, 0.0), counted(raters, 0.0), no_majority(raters, 0.0);
    auto outcomes = read_keyed_counts(with_others_.var(s));
    for (std::size_t i = 0; i < outcomes.size(); i += 3) {
      const auto r = static_cast<std::size_t>(outcomes[i]);
      const auto n = static_cast<double>(outcomes[i + 2]);
      if (outcomes[i + 1] == 2) {
        no_majority[r] += n;
      } else {
        counted[r] += n;
        if (outcomes[i + 1] == 1) agree[r] += n;
      }
    }
    std::vector<double> with_consensus(raters);
    for (std::size_t r = 0; r < raters; ++r) with_consensus[r] = counted[r] > 0 ? agree[r] / counted[r] : kNaN;
    return Result::dict({{"raw_agreement", Result(std::move(raw))},
                         {"with_consensus", Result(Tensor::vector(std::move(with_consensus)))},
                         {"consensus_units", Result(Tensor::vector(std::move(counted)))},
                         {"no_majority_units", Result(Tensor::vector(std::move(no_majority)))}});
  }

  Result compute_state(const State& s) const override {
    const auto raters = static_cast<std::size_t>(coders_.value(s));
    const auto c = static_cast<std::size_t>(classes_);
    std::vector<std::int64_t> tables(raters * raters * c * c, 0);  // [a, b, class a, class b]
    auto rows = read_keyed_counts(pairs_.var(s));
    for (std::size_t i = 0; i < rows.size(); i += 5) {
      const auto a = static_cast<std::size_t>(rows[i]), b = static_cast<std::size_t>(rows[i + 1]);
      tables[((a * raters + b) * c + static_cast<std::size_t>(rows[i + 2])) * c +
             static_cast<std::size_t>(rows[i + 3])] += rows[i + 4];
    }
    Tensor out;
    out.shape = {static_cast<std::int64_t>(raters), static_cast<std::int64_t>(raters)};
    out.data.assign(raters * raters, 1.0);
    for (std::size_t a = 0; a < raters; ++a)
      for (std::size_t b = a + 1; b < raters; ++b) {
        std::span<const std::int64_t> table(tables.data() + (a * raters + b) * c * c, c * c);
        const double k = agreement::cohen_kappa(table, c, weights_);
        out.data[a * raters + b] = out.data[b * raters + a] = k;
      }
    return Result(std::move(out));
  }

  bool results_are_per_class() const override { return false; }

 private:
  std::int64_t classes_;
  std::string weights_;
  StateSlot<std::int64_t> pairs_ = declare_state<std::int64_t>("pairs", Reduction::cat, {0, 5});
  // (rater, outcome, count): outcome 1 the rater agrees with the others' majority on a unit, 0 it
  // does not, 2 the others are tied (no consensus to agree with).
  StateSlot<std::int64_t> with_others_ = declare_state<std::int64_t>("with_others", Reduction::cat, {0, 3});
  agreement::CodersSlot coders_ = agreement::declare_coders(state_layout());
};

class MajorityVote final : public Metric {
 public:
  explicit MajorityVote(Options o) : Metric(std::move(o)), classes_(required_classes(name(), options())) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto labels = indices_or_missing(name(), in[0], classes_);
    const std::int64_t units = in[0].shape[0], raters = in[0].shape[1];
    std::vector<std::int64_t> votes(static_cast<std::size_t>(classes_));
    std::vector<double> rows;
    rows.reserve(static_cast<std::size_t>(units * kVoteColumns));
    for (std::int64_t u = 0; u < units; ++u) {
      std::fill(votes.begin(), votes.end(), 0);
      std::int64_t present = 0;
      for (std::int64_t r = 0; r < raters; ++r)
        if (auto l = labels[static_cast<std::size_t>(u * raters + r)]; l >= 0) {
          ++votes[static_cast<std::size_t>(l)];
          ++present;
        }
      std::size_t best = 0;
      int at_best = 0;
      for (std::size_t k = 0; k < votes.size(); ++k) {
        if (votes[k] > votes[best])
          best = k, at_best = 1;
        else if (votes[k] == votes[best])
          ++at_best;
      }
      if (present == 0) {
        rows.insert(rows.end(), {kNaN, 0.0, kNaN, kNaN});
        continue;
      }
      double entropy = 0;  // of the votes' distribution, in bits
      for (auto v : votes)
        if (v > 0) {
          const double p = static_cast<double>(v) / static_cast<double>(present);
          entropy -= p * std::log2(p);
        }
      rows.insert(rows.end(), {static_cast<double>(best), at_best > 1 ? 1.0 : 0.0,
                               static_cast<double>(votes[best]) / static_cast<double>(present), entropy + 0.0});
    }
    units_.append(s, rows);
  }

  Result compute_state(const State& s) const override {
    auto rows = units_.span(s);
    const std::size_t n = rows.size() / kVoteColumns;
    std::vector<double> labels(n), tied(n), support(n), entropy(n);
    for (std::size_t i = 0; i < n; ++i) {
      labels[i] = rows[kVoteColumns * i];
      tied[i] = rows[kVoteColumns * i + 1];
      support[i] = rows[kVoteColumns * i + 2];
      entropy[i] = rows[kVoteColumns * i + 3];
    }
    return Result::dict({{"labels", Result(Tensor::vector(std::move(labels)))},
                         {"tied", Result(Tensor::vector(std::move(tied)))},
                         {"support", Result(Tensor::vector(std::move(support)))},
                         {"entropy", Result(Tensor::vector(std::move(entropy)))}});
  }

  // The units by how contested they are, worst first: higher entropy of the votes, then a smaller
  // winning share (more dissenting annotators), then unit order. Units nobody rated come last.
  Result query_state(const std::string&, const Options& args, const State& s) const override {
    auto rows = units_.span(s);
    const std::size_t n = rows.size() / kVoteColumns;
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    auto key = [&](std::size_t i) {
      const double e = rows[kVoteColumns * i + 3], sup = rows[kVoteColumns * i + 2];
      return std::isnan(e) ? std::tuple{1, 0.0, 0.0} : std::tuple{0, -e, sup};  // unrated last
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    const auto k = std::min(n, static_cast<std::size_t>(args.get_int("k")));
    std::vector<double> units(k), entropy(k), dissent(k);
    for (std::size_t i = 0; i < k; ++i) {
      units[i] = static_cast<double>(order[i]);
      entropy[i] = rows[kVoteColumns * order[i] + 3];
      dissent[i] = 1 - rows[kVoteColumns * order[i] + 2];
    }
    return Result::dict({{"units", Result(Tensor::vector(std::move(units)))},
                         {"entropy", Result(Tensor::vector(std::move(entropy)))},
                         {"dissent", Result(Tensor::vector(std::move(dissent)))}});
  }

  bool results_are_per_class() const override { return false; }

 private:
  std::int64_t classes_;
  StateSlot<double> units_ = declare_state<double>("units", Reduction::cat, {0, kVoteColumns});
};

class DawidSkene final : public Metric {
 public:
  explicit DawidSkene(Options o) : Metric(std::move(o)) {
    em_.num_classes = required_classes(name(), options());
    em_.max_iterations = options().get_int("max_iterations");
    em_.tolerance = options().get_number("tolerance");
    em_.smoothing = options().get_number("smoothing");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto labels = indices_or_missing(name(), in[0], em_.num_classes);
    if (in[0].shape[1] < 1)
      fail(name(), ": `ratings` needs at least one coder (column), got shape ", shape_str(in[0].shape));
    ratings_.append(s, labels);
    coders_.value(s) = in[0].shape[1];
  }

  void merge_custom(State& into, const State& from) const override {
    agreement::merge_coders(name(), coders_, into, from);
  }

  Result compute_state(const State& s) const override {
    const auto labels = ratings_.span(s);
    const std::int64_t raters = coders_.value(s);
    if (std::none_of(labels.begin(), labels.end(), [](std::int64_t l) { return l >= 0; }))
      fail(name(), ": no rating to fit (every unit is missing all its ratings, or nothing was updated)");
    const auto units = static_cast<std::int64_t>(labels.size()) / raters;
    const auto fit = agreement::fit_dawid_skene(labels, units, raters, em_);
    std::vector<double> consensus(static_cast<std::size_t>(units), kNaN);
    for (std::size_t u = 0; u < consensus.size(); ++u) {
      bool rated = false;
      for (std::int64_t r = 0; r < raters; ++r)
        rated = rated || labels[u * static_cast<std::size_t>(raters) + static_cast<std::size_t>(r)] >= 0;
      if (rated) consensus[u] = static_cast<double>(xt::argmax(xt::view(fit.posteriors, u, xt::all()))());
    }
    std::vector<double> accuracy(static_cast<std::size_t>(raters));  // Σ_j p_j π_k[j, j]
    for (std::size_t r = 0; r < accuracy.size(); ++r)
      accuracy[r] = xt::sum(fit.priors * xt::diagonal(xt::view(fit.confusion, r, xt::all(), xt::all())))();
    auto tensor_of = [](const auto& x) {
      Tensor t;
      t.shape.assign(x.shape().begin(), x.shape().end());
      t.data.assign(x.begin(), x.end());
      return Result(std::move(t));
    };
    return Result::dict({{"labels", Result(Tensor::vector(std::move(consensus)))},
                         {"posteriors", tensor_of(fit.posteriors)},
                         {"priors", tensor_of(fit.priors)},
                         {"confusion", tensor_of(fit.confusion)},
                         {"rater_accuracy", Result(Tensor::vector(std::move(accuracy)))},
                         {"iterations", Result::scalar(static_cast<double>(fit.iterations))},
                         {"converged", Result::scalar(fit.converged ? 1.0 : 0.0)},
                         {"log_likelihood", Result::scalar(fit.log_likelihood)}});
  }

  bool results_are_per_class() const override { return false; }

 private:
  agreement::DawidSkeneOptions em_;
  // [units × coders] flat, row-major, -1 missing
  StateSlot<std::int64_t> ratings_ = declare_state<std::int64_t>("ratings", Reduction::cat, {0});
  agreement::CodersSlot coders_ = agreement::declare_coders(state_layout());
};

}  // namespace

WASMETRICS_COLD MetricSpec cohen_kappa_matrix_spec() {
  // Reference computation: raters 0 and 1 agree on every unit (kappa 1); rater 2 gives A = [0, 1, 1, 0]
  // against B = [0, 1, 0, 0] (kappa 1/2, see CohenKappaRaters).
  return {
      .name = "CohenKappaMatrix",
      .family = "agreement",
      .doc = "Cohen's kappa of every pair of raters (columns) as an [R, R] matrix; NaN ratings are left out pairwise.",
      .inputs = {{"ratings", false, "[units, raters] class indices, NaN for a missing rating"}},
      .options = {num_classes_option(), disagreement_weights_option()},
      .make = [](const Options& o) { return std::make_unique<CohenKappaMatrix>(o); },
      .queries = {{.name = "agreement",
                   .doc = "raw agreement of every pair ([R, R], the share of units both rated with the same class) and "
                          "each rater's agreement with the others' majority: {raw_agreement, with_consensus, "
                          "consensus_units, no_majority_units}",
                   .options = {}}},
      .examples = {{.doc = "raters 0 and 1 identical (1), rater 2 against them: 1/2",
                    .args = {{"num_classes", 2}},
                    .batches = Json::array(
                        {{{"ratings", example_tensor("float64", {4, 3}, {0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0})}}}),
                    .expected = {{"shape", {3, 3}}, {"data", {1.0, 1.0, 0.5, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0}}}}},
  };
}

WASMETRICS_COLD MetricSpec majority_vote_spec() {
  return {
      .name = "MajorityVote",
      .family = "agreement",
      .doc = "Consensus label per unit by majority vote, with ties reported and the winner's share of the votes.",
      .inputs = {{"ratings", false, "[units, raters] class indices, NaN for a missing rating"}},
      .options = {num_classes_option()},
      .make = [](const Options& o) { return std::make_unique<MajorityVote>(o); },
      .queries = {{.name = "most_contested",
                   .doc = "the k most contested units, worst first (entropy of the votes, then share of dissenting "
                          "annotators): {units, entropy, dissent}",
                   .options = {{.name = "k",
                                .type = OptionType::integer,
                                .default_value = 10,
                                .min = 1,
                                .max = 1000000,
                                .doc = "how many units to list"}}}},
      .batching = Batching::ordered,  // one result per unit/sample, in update order
      .examples =
          {{.doc = "a clear majority, a tie (smallest class given, tied = 1), one missing rating",
            .args = {{"num_classes", 3}},
            .batches = Json::array({{{"ratings", example_tensor("float64", {3, 3}, {2, 2, 0, 1, 0, 2, 1, 1, "NaN"})}}}),
            .expected = {{"labels", {{"shape", {3}}, {"data", {2, 0, 1}}}},
                         {"tied", {{"shape", {3}}, {"data", {0, 1, 0}}}},
                         {"support", {{"shape", {3}}, {"data", {2.0 / 3, 1.0 / 3, 1.0}}}},
                         // votes (2/3, 1/3), (1/3, 1/3, 1/3), (1): entropy in bits
                         {"entropy", {{"shape", {3}}, {"data", {std::log2(3.0) - 2.0 / 3, std::log2(3.0), 0.0}}}}}}},
  };
}

WASMETRICS_COLD MetricSpec dawid_skene_spec() {
  // Reference computation (one EM round, no smoothing), ratings [[0,0,0], [1,1,1], [0,0,1], [1,1,0]]:
  // the start is the vote shares (1, 0), (0, 1), (2/3, 1/3), (1/3, 2/3); the M step gives p = (1/2, 1/2),
  // raters 0 and 1 π = [[5/6, 1/6], [1/6, 5/6]], rater 2 π = [[2/3, 1/3], [1/3, 2/3]]; the E step gives
  // unit 0: (25/36 · 2/3, 1/36 · 1/3) ∝ (50, 1) and unit 2: (25/36 · 1/3, 1/36 · 2/3) ∝ (25, 2);
  // P(ratings of unit 0) = (50 + 1)/216, of unit 2 (25 + 2)/216.
  const double a = 50.0 / 51, b = 25.0 / 27;
  return {
      .name = "DawidSkene",
      .family = "agreement",
      .doc = "Consensus labels by Dawid & Skene's EM: per-unit posteriors, each rater's confusion matrix and accuracy.",
      .inputs = {{"ratings", false, "[units, raters] class indices, NaN for a missing rating"}},
      .options = {num_classes_option(),
                  {.name = "max_iterations",
                   .type = OptionType::integer,
                   .default_value = 100,
                   .min = 1,
                   .max = 10000,
                   .doc = "most EM rounds (one M step and one E step each)"},
                  {.name = "tolerance",
                   .type = OptionType::number,
                   .default_value = 1e-6,
                   .min = 0.0,
                   .doc = "stop once no posterior moves by more than this in a round"},
                  {.name = "smoothing",
                   .type = OptionType::number,
                   .default_value = 0.01,
                   .min = 0.0,
                   .doc = "pseudo-count added to every confusion cell, so a label never seen for a class does not rule "
                          "the class out; 0: maximum likelihood"}},
      .make = [](const Options& o) { return std::make_unique<DawidSkene>(o); },
      .batching = Batching::ordered,  // one posterior per unit, in update order
      .examples =
          {{.doc = "one EM round by hand from the vote shares: raters 0 and 1 agree, rater 2 dissents twice",
            .args = {{"num_classes", 2}, {"max_iterations", 1}, {"smoothing", 0.0}},
            .batches =
                Json::array({{{"ratings", example_tensor("float64", {4, 3}, {0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0})}}}),
            .expected = {{"labels", {{"shape", {4}}, {"data", {0, 1, 0, 1}}}},
                         {"posteriors", {{"shape", {4, 2}}, {"data", {a, 1 - a, 1 - a, a, b, 1 - b, 1 - b, b}}}},
                         {"priors", {{"shape", {2}}, {"data", {0.5, 0.5}}}},
                         {"confusion",
                          {{"shape", {3, 2, 2}},
                           {"data",
                            {5.0 / 6, 1.0 / 6, 1.0 / 6, 5.0 / 6, 5.0 / 6, 1.0 / 6, 1.0 / 6, 5.0 / 6, 2.0 / 3, 1.0 / 3,
                             1.0 / 3, 2.0 / 3}}}},
                         {"rater_accuracy", {{"shape", {3}}, {"data", {5.0 / 6, 5.0 / 6, 2.0 / 3}}}},
                         {"iterations", example_scalar(1)},
                         {"converged", example_scalar(0)},
                         {"log_likelihood", example_scalar(2 * std::log(51.0 / 216) + 2 * std::log(27.0 / 216))}},
            .atol = 1e-12,
            .rtol = 1e-12}},
  };
}

}  // namespace wasmetrics
