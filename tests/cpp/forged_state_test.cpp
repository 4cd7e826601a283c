// Forged state blobs (issue 16, item 3): a blob whose every field is well formed and whose checksum
// is recomputed, but whose values are jointly impossible, is refused by load_state with an error
// naming the state, and leaves the receiver unchanged. Checked for every state kind a registered
// metric declares, on the state its examples accumulate:
//   * counts (states declared int64 other than cat, their weighted float64 twins, per-sample stat
//     scores, row weights): negative, NaN, inf;
//   * per-sample cat states (preds/scores/target/indexes/sample_weight; tp/fp/tn/fn): one row short;
//   * class targets beside per-class scores (exact curves): past the class count, below -1;
//   * the update count: negative;
//   * cross-field totals (core/state_invariants.hpp): every declared invariant a state is under,
//     broken by one (a sum bound exceeded, a count total one more than the rows it counts, an image
//     row missing), for every metric whose example accumulates such a state.
#include <cmath>
#include <limits>
#include <set>

#include <gtest/gtest.h>

#include "fixture_batches.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state_blob.hpp"
#include "wasmetrics/core/state_invariants.hpp"

namespace wasmetrics::testing {
namespace {

std::unique_ptr<Metric> fed(const MetricSpec& spec, const MetricExample& ex) {
  auto m = create_metric(spec.name, ex.args);
  for (auto& b : ex.batches) {
    Batch batch = read_batch(b, spec);
    m->update(batch.views);
  }
  return m;
}

// Element 0 of `v` set to `x` (converted to the state's dtype).
void set_first(StateVar& v, double x) {
  dispatch_dtype(v.dtype, [&](auto tag) {
    using T = decltype(tag);
    v.template as<T>()[0] = static_cast<T>(x);
  });
}

bool one_of(const std::string& name, std::initializer_list<const char*> names) {
  for (auto* n : names)
    if (name == n) return true;
  return false;
}

struct Tally {
  int forged = 0, counts = 0, rows = 0, targets = 0, totals = 0;
  std::set<std::string> metrics;
  std::set<std::size_t> invariants;  // indices into state_invariants() that were broken and refused
};

double first_of(const StateVar& v) {
  double x = 0;
  dispatch_dtype(v.dtype, [&](auto tag) {
    using T = decltype(tag);
    x = static_cast<double>(v.template as<T>()[0]);
  });
  return x;
}

// Loads `forged` (re-encoded, so its checksum is right) into `m` and expects a refusal naming
// `state`, with `m` unchanged.
void expect_refused(Metric& m, const State& forged, const std::string& state, const std::string& what, Tally& tally) {
  const auto before = m.save_state();
  try {
    m.load_state(encode_state(m.name(), m.options_hash(), forged));
    ADD_FAILURE() << m.name() << ": a blob with " << what << " was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(state), std::string::npos) << m.name() << ": " << e.what();
  }
  EXPECT_EQ(m.save_state(), before) << m.name() << ": state changed by a refused blob with " << what;
  ++tally.forged;
  tally.metrics.insert(m.name());
}

// The forgeries of one accumulated state, by state kind.
void forge_every_kind(Metric& m, const State& layout, Tally& tally) {
  const State healthy = m.state();
  State negative_updates = healthy;
  negative_updates.updates = -1;
  expect_refused(m, negative_updates, "update count", "a negative update count", tally);
  for (std::size_t k = 0; k < healthy.vars().size(); ++k) {
    const StateVar& v = healthy.vars()[k];
    const bool cat = v.reduction == Reduction::cat;
    const bool count = (!cat && k < layout.vars().size() && layout.vars()[k].dtype == DType::int64) ||
                       (cat && v.dtype == DType::int64 && one_of(v.name, {"tp", "fp", "tn", "fn"})) ||
                       v.name == "sample_weight";
    if (count && !v.bytes.empty()) {
      std::vector<double> bad = {-1};
      if (v.dtype == DType::float64 || v.dtype == DType::float32)
        bad.insert(bad.end(), {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()});
      for (double x : bad) {
        State forged = healthy;
        set_first(forged.vars()[k], x);
        expect_refused(m, forged, "'" + v.name + "'", v.name + "[0] = " + std::to_string(x), tally);
        ++tally.counts;
      }
    }
    // One row short of its siblings: a per-sample state beside another of its group.
    const bool rows = cat && (one_of(v.name, {"preds", "scores", "target", "indexes", "sample_weight"}) ||
                              one_of(v.name, {"tp", "fp", "tn", "fn"}));
    int siblings = 0;
    for (auto& w : healthy.vars())
      siblings += w.reduction == Reduction::cat && &w != &v &&
                  (one_of(v.name, {"tp", "fp", "tn", "fn"})
                       ? one_of(w.name, {"tp", "fp", "tn", "fn"})
                       : one_of(w.name, {"preds", "scores", "target", "indexes", "sample_weight"}));
    if (rows && siblings > 0 && !v.shape.empty() && v.shape[0] > 0) {
      State forged = healthy;
      StateVar& f = forged.vars()[k];
      f.bytes.resize(f.bytes.size() - f.bytes.size() / static_cast<std::size_t>(f.shape[0]));
      f.shape[0] -= 1;
      expect_refused(m, forged, "rows", v.name + " one row short", tally);
      ++tally.rows;
    }
  }
  // Class targets beside per-class scores (exact curves): a class past C, a label past 2.
  const StateVar* scores = healthy.find("scores");
  const StateVar* target = healthy.find("target");
  if (scores && target && target->numel() > 0 && scores->reduction == Reduction::cat &&
      (target->dtype == DType::uint8 || (target->dtype == DType::int32 && scores->shape.size() == 2))) {
    const double past = target->dtype == DType::uint8 ? 3 : static_cast<double>(scores->shape[1]);
    for (double x : {past, target->dtype == DType::uint8 ? past : -2.0}) {
      State forged = healthy;
      set_first(forged["target"], x);
      expect_refused(m, forged, "'target'", "target[0] = " + std::to_string(x), tally);
      ++tally.targets;
    }
  }
  // Cross-field totals: each declared invariant this state is under, broken by one.
  const auto& invariants = state_invariants();
  for (std::size_t j = 0; j < invariants.size(); ++j) {
    const StateInvariant& inv = invariants[j];
    if (!invariant_applies(inv, healthy)) continue;
    State forged = healthy;
    StateVar& a = forged[inv.subject];
    if (a.numel() == 0) continue;  // nothing accumulated there
    std::string what;
    switch (inv.kind) {
      case InvariantKind::at_most:
        set_first(a, first_of(forged[inv.others[0]]) + 1);
        what = std::string(inv.subject) + "[0] above '" + std::string(inv.others[0]) + "'[0]";
        break;
      case InvariantKind::sum_is_rows:
        set_first(a, first_of(a) + 1);
        what = std::string(inv.subject) + " counting one more row than its siblings hold";
        break;
      case InvariantKind::same_rows:
        a.bytes.resize(a.bytes.size() - a.bytes.size() / static_cast<std::size_t>(a.shape[0]));
        a.shape[0] -= 1;
        what = std::string(inv.subject) + " one image row short";
        break;
    }
    expect_refused(m, forged, "'" + std::string(inv.subject) + "'", what, tally);
    ++tally.totals;
    tally.invariants.insert(j);
  }
}

TEST(ForgedState, EveryStateKindOfEveryMetricRefusesImpossibleValues) {
  Tally tally;
  for (auto& spec : metric_specs()) {
    for (auto& given : spec.examples) {
      // the example as given, and with each choice of each option that has choices (some states
      // exist only under one, e.g. MeanIoU's intersection/union under reduction='dataset')
      std::vector<MetricExample> variants{given};
      for (auto& o : spec.options)
        for (auto& choice : o.choices)
          if (!given.args.contains(o.name) || given.args[o.name] != choice) {
            MetricExample v = given;
            v.args[o.name] = choice;
            variants.push_back(std::move(v));
          }
      for (auto& ex : variants) {
        std::unique_ptr<Metric> m;
        try {
          m = fed(spec, ex);
        } catch (const std::exception&) {
          continue;  // options or batches this variant refuses; nothing to forge here
        }
        // The healthy state loads (the checks refuse no real state).
        const auto blob = m->save_state();
        EXPECT_NO_THROW(m->load_state(blob)) << spec.name << ": " << ex.doc << " " << ex.args.dump();
        forge_every_kind(*m, create_metric(spec.name, ex.args)->state(), tally);
      }
    }
  }
  // The forgeries reached every kind, in many metrics.
  EXPECT_GT(tally.counts, 100);
  EXPECT_GT(tally.rows, 10);
  EXPECT_GT(tally.targets, 5);
  EXPECT_GT(tally.metrics.size(), 50u);
  // every declared cross-field invariant was broken in some metric's state (none is dead)
  for (std::size_t j = 0; j < state_invariants().size(); ++j)
    EXPECT_TRUE(tally.invariants.count(j))
        << "invariant on '" << state_invariants()[j].subject << "' applies to no example's state";
  std::printf(
      "[ forged   ] %d forged blobs over %zu metrics (%d counts, %d rows, %d class targets, %d cross-field totals)\n",
      tally.forged, tally.metrics.size(), tally.counts, tally.rows, tally.targets, tally.totals);
}

// A forged blob must not poison a healthy metric through merge: it is refused at load, so the
// instance a merge would read never holds it, and the healthy one keeps computing.
TEST(ForgedState, SiblingCatStatesOfDifferentLengthsNeverReachMerge) {
  const Json args = {{"num_labels", 3}};
  auto healthy = create_metric("MultilabelAUROC", args);
  OwnedTensor preds = tensor_from_json(
      Json::parse(R"({"dtype":"float32","shape":[4,3],"data":[0.1,0.9,0.4,0.8,0.2,0.7,0.3,0.6,0.5,0.9,0.1,0.2]})"));
  OwnedTensor target =
      tensor_from_json(Json::parse(R"({"dtype":"int32","shape":[4,3],"data":[0,1,1,1,0,1,0,1,0,1,0,0]})"));
  std::vector<TensorView> in{preds.view(), target.view()};
  healthy->update(in);
  const std::vector<double> before = healthy->compute().tensor.data;
  const auto saved = healthy->save_state();
  State forged = healthy->state();
  auto& t = forged["target"];
  t.bytes.resize(t.bytes.size() - 3);
  t.shape[0] -= 1;
  auto carrier = create_metric("MultilabelAUROC", args);
  EXPECT_THROW(carrier->load_state(encode_state(carrier->name(), carrier->options_hash(), forged)), Error);
  healthy->merge(*carrier);  // the carrier holds nothing
  EXPECT_EQ(healthy->save_state(), saved);
  EXPECT_EQ(healthy->compute().tensor.data, before);
}

}  // namespace
}  // namespace wasmetrics::testing
