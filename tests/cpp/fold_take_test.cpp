// update() folds its batch by taking the batch's cat buffers where the state has no rows yet
// (core/state_merge.hpp) instead of copying them; forward() and merge() copy. The two folds must
// leave byte-identical states, blobs and values: checked here on hand-made states (plain and
// weighted layouts) and on every registered metric's examples (update against forward).
#include <cstring>
#include <set>

#include <gtest/gtest.h>

#include "fixture_batches.hpp"
#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state_merge.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics::testing {
namespace {

// "" when `a` and `b` hold the same states, byte for byte.
std::string identical_states(const State& a, const State& b) {
  if (a.updates != b.updates) return "different update counts";
  if (a.vars().size() != b.vars().size()) return "different numbers of states";
  for (std::size_t k = 0; k < a.vars().size(); ++k) {
    const StateVar &x = a.vars()[k], &y = b.vars()[k];
    if (x.name != y.name || x.reduction != y.reduction || x.dtype != y.dtype || x.shape != y.shape)
      return "state " + x.name + " differs in form";
    if (x.bytes != y.bytes) return "state " + x.name + " differs in its bytes";
  }
  return "";
}

// "" when the results are identical (tensors compared bit for bit, so NaN equals NaN).
std::string identical_results(const Result& a, const Result& b) {
  if (a.kind != b.kind) return "different kinds of result";
  if (a.items.size() != b.items.size() || a.fields.size() != b.fields.size()) return "different sizes";
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (auto d = identical_results(a.items[i], b.items[i]); !d.empty()) return d;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].first != b.fields[i].first) return "different keys";
    if (auto d = identical_results(a.fields[i].second, b.fields[i].second); !d.empty()) return a.fields[i].first + d;
  }
  if (a.tensor.shape != b.tensor.shape || a.tensor.data.size() != b.tensor.data.size()) return "different shapes";
  if (!a.tensor.data.empty() &&
      std::memcmp(a.tensor.data.data(), b.tensor.data.data(), a.tensor.data.size() * sizeof(double)) != 0)
    return "different values";
  return "";
}

State blank() {
  State s;
  s.add("rows", Reduction::cat, DType::float64, {0, 2});
  s.add("labels", Reduction::cat, DType::int64, {0});
  s.add("count", Reduction::sum, DType::int64, {2});
  return s;
}

State batch_of(std::vector<double> rows, std::vector<std::int64_t> labels) {
  State s = blank();
  s["rows"].append<double>(rows);
  s["labels"].append<std::int64_t>(labels);
  s["count"].as<std::int64_t>()[0] = static_cast<std::int64_t>(labels.size());
  s.updates = 1;
  return s;
}

TEST(FoldTake, TakesTheBuffersOfAnEmptyStateAndMergesAsTheCopy) {
  State copied = blank(), taken = blank();
  const State first = batch_of({1, 2, 3, 4}, {7, 8});
  State given = first;
  const void* buffer = given["rows"].bytes.data();
  merge_states(copied, first);
  merge_states_taking(taken, given);
  EXPECT_EQ(identical_states(taken, copied), "");
  EXPECT_EQ(taken["rows"].bytes.data(), buffer);  // taken, not copied
  // the batch is left consistent: its cat states empty, the rest as it was
  EXPECT_EQ(given["rows"].shape, (Shape{0, 2}));
  EXPECT_TRUE(given["rows"].bytes.empty());
  EXPECT_EQ(given["labels"].shape, (Shape{0}));
  EXPECT_EQ(given["count"].as<std::int64_t>()[0], 2);
  // a second batch is appended (copied) the same way on both sides
  const State second = batch_of({5, 6}, {9});
  State given2 = second;
  merge_states(copied, second);
  merge_states_taking(taken, given2);
  EXPECT_EQ(identical_states(taken, copied), "");
  EXPECT_EQ(identical_states(given2, second), "");  // nothing taken from it
  EXPECT_EQ(taken["rows"].shape, (Shape{3, 2}));
}

TEST(FoldTake, ABufferWithMuchSlackIsCopied) {
  State copied = blank(), taken = blank();
  State given = batch_of({1, 2, 3, 4}, {7, 8});
  given["rows"].bytes.reserve(1024);  // as many appends leave it
  const void* buffer = given["rows"].bytes.data();
  merge_states(copied, given);
  merge_states_taking(taken, given);
  EXPECT_EQ(identical_states(taken, copied), "");
  EXPECT_NE(taken["rows"].bytes.data(), buffer);
  EXPECT_EQ(taken["rows"].bytes.capacity(), taken["rows"].bytes.size());
}

TEST(FoldTake, ARefusedMergeTakesNothing) {
  State into = blank();
  State bad = batch_of({1, 2, 3, 4}, {7, 8});
  bad["rows"].shape = {1, 4};  // rows of another width
  const State before = bad;
  EXPECT_THROW(merge_states_taking(into, bad), Error);
  EXPECT_EQ(identical_states(into, blank()), "");
  EXPECT_EQ(identical_states(bad, before), "");
}

// The weighted layout: a side without sample weights is converted (a copy) or completed first.
TEST(FoldTake, WeightedLayoutsMergeAsTheCopy) {
  auto weighted = [](State s, std::vector<float> w) {
    s.add(kSampleWeightState, Reduction::cat, DType::float32, {0}).append<float>(w);
    return s;
  };
  // the state weighted, the batch not: the batch's converted copy is taken
  {
    State copied = weighted(blank(), {}), taken = weighted(blank(), {});
    const State b = batch_of({1, 2, 3, 4}, {7, 8});
    State given = b;
    merge_states(copied, b);
    merge_states_taking(taken, given);
    EXPECT_EQ(identical_states(taken, copied), "");
    EXPECT_EQ(taken[kSampleWeightState].shape, (Shape{2}));
  }
  // the batch weighted, the state not: the state gains its (empty) weights, then takes the batch's
  {
    State copied = blank(), taken = blank();
    const State b = weighted(batch_of({1, 2, 3, 4}, {7, 8}), {0.5f, 2.0f});
    State given = b;
    merge_states(copied, b);
    merge_states_taking(taken, given);
    EXPECT_EQ(identical_states(taken, copied), "");
    EXPECT_EQ(taken[kSampleWeightState].as<float>()[1], 2.0f);
  }
}

Batch batch_at(const MetricSpec& spec, const MetricExample& ex, std::size_t i) {
  return read_batch(ex.batches[i], spec);
}

// forward() is update() with the copying fold: on every example, metrics updated (taking) and
// forwarded (copying) hold the same state, blob and value after one pass, a second pass (forward
// values compared too) and a reset and a third pass.
TEST(FoldTake, EveryMetricUpdatedHoldsTheStateOfTheCopyingFold) {
  std::set<std::string> checked;
  for (auto& spec : metric_specs()) {
    for (std::size_t e = 0; e < spec.examples.size(); ++e) {
      const MetricExample& ex = spec.examples[e];
      if (ex.batches.empty()) continue;
      SCOPED_TRACE(spec.name + "#" + std::to_string(e));
      auto updated = create_metric(spec.name, ex.args);
      auto forwarded = create_metric(spec.name, ex.args);
      auto compare = [&](const char* when) {
        SCOPED_TRACE(when);
        EXPECT_EQ(identical_states(updated->state(), forwarded->state()), "");
        EXPECT_TRUE(updated->save_state() == forwarded->save_state());
        std::optional<Result> u, f;
        try {
          u = updated->compute();
        } catch (const Error&) {
        }
        try {
          f = forwarded->compute();
        } catch (const Error&) {
        }
        ASSERT_EQ(u.has_value(), f.has_value());
        if (u) EXPECT_EQ(identical_results(*u, *f), "");
      };
      auto forward = [&](Metric& m, const Batch& b) -> std::optional<Result> {
        try {
          return m.forward(b.views);
        } catch (const Error&) {
          return std::nullopt;  // a batch whose own value cannot be computed is still folded
        }
      };
      for (std::size_t i = 0; i < ex.batches.size(); ++i) {
        Batch b = batch_at(spec, ex, i);
        updated->update(b.views);
        forward(*forwarded, b);
      }
      compare("one pass");
      for (std::size_t i = 0; i < ex.batches.size(); ++i) {
        Batch b = batch_at(spec, ex, i);
        auto u = forward(*updated, b), f = forward(*forwarded, b);
        ASSERT_EQ(u.has_value(), f.has_value());
        if (u) EXPECT_EQ(identical_results(*u, *f), "") << "forward of batch " << i;
      }
      compare("two passes");
      updated->reset();
      forwarded->reset();
      for (std::size_t i = 0; i < ex.batches.size(); ++i) {
        Batch b = batch_at(spec, ex, i);
        updated->update(b.views);
        updated->update(b.views);
        forward(*forwarded, b);
        forward(*forwarded, b);
      }
      compare("after a reset, each batch twice");
      checked.insert(spec.name);
    }
  }
  // metrics with cat states of several families are among them
  for (auto name : {"BinaryAUROC", "MeanAveragePrecision", "CatMetric", "RetrievalMAP"})
    EXPECT_TRUE(checked.count(name)) << name << " has no example";
}

// A batch refused after the state took a first batch's buffers leaves it unchanged, and the metric
// goes on as the copying fold does.
TEST(FoldTake, ARefusedUpdateAfterATakenBatchLeavesTheStateUnchanged) {
  auto updated = create_metric("BinaryAUROC", Json::object());
  auto forwarded = create_metric("BinaryAUROC", Json::object());
  const auto p = buf<float>({0.1f, 0.8f, 0.4f});
  const auto t = buf<std::int64_t>({0, 1, 1});
  update(*updated, p, t);
  forwarded->forward(std::vector<TensorView>{p.view(), t.view()});
  const auto blob = updated->save_state();
  const auto p_short = buf<float>({0.3f, 0.2f});
  const auto t_bad = buf<std::int64_t>({0, 2, 1});
  EXPECT_THROW(update(*updated, p_short, t), Error);  // shapes differ
  EXPECT_THROW(update(*updated, p, t_bad), Error);    // a target of 2
  EXPECT_TRUE(updated->save_state() == blob);
  const auto p2 = buf<float>({0.9f, 0.05f});
  const auto t2 = buf<std::int64_t>({1, 0});
  update(*updated, p2, t2);
  forwarded->forward(std::vector<TensorView>{p2.view(), t2.view()});
  EXPECT_EQ(identical_states(updated->state(), forwarded->state()), "");
  EXPECT_EQ(identical_results(updated->compute(), forwarded->compute()), "");
}

}  // namespace
}  // namespace wasmetrics::testing
