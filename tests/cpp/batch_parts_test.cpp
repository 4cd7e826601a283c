// A batch given in parts (core/batch_parts.hpp: BatchParts, what the npm package does with a large
// batch) against the same batch in one update(), for
// every registered metric that declares a split, on every example: the same state (up to the
// rounding of sums taken in another order), the same compute() and forward() values, and a refused
// part that leaves the state unchanged and the metric usable.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "fixture_batches.hpp"
#include "wasmetrics/core/batch_parts.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {
namespace {

// The parts of `views` cut `split`'s way, `step` rows (rows) or elements (elements) at a time:
// views into the same buffers with their own shapes. Empty when the batch cannot be cut that way
// (the npm package then sends it whole).
std::vector<std::vector<TensorView>> cut(const std::vector<TensorView>& views, BatchSplit split, std::int64_t step) {
  std::vector<std::vector<TensorView>> parts;
  if (views.empty()) return parts;
  for (auto& v : views)
    if (v.is_text() || v.shape.empty() || v.shape[0] != views[0].shape[0] ||
        (split == BatchSplit::elements && v.shape != views[0].shape))
      return parts;
  const std::int64_t n = split == BatchSplit::rows ? views[0].shape[0] : views[0].numel();
  for (std::int64_t from = 0; from < n; from += step) {
    const std::int64_t m = std::min(step, n - from);
    std::vector<TensorView> part;
    for (auto& v : views) {
      TensorView p = v;
      const std::int64_t per = split == BatchSplit::rows ? v.numel() / std::max<std::int64_t>(v.shape[0], 1) : 1;
      p.data = static_cast<const std::byte*>(v.data) + from * per * static_cast<std::int64_t>(dtype_size(v.dtype));
      if (split == BatchSplit::rows)
        p.shape[0] = m;
      else
        p.shape = {m};
      part.push_back(std::move(p));
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

// Every state variable of `a` equal to `b`'s: the same names, shapes and dtypes, values equal up to
// the rounding of a sum taken in another order.
std::string same_state(const State& a, const State& b) {
  if (a.vars().size() != b.vars().size()) return "different numbers of states";
  for (std::size_t k = 0; k < a.vars().size(); ++k) {
    const StateVar &x = a.vars()[k], &y = b.vars()[k];
    if (x.name != y.name || x.shape != y.shape || x.dtype != y.dtype) return "state " + x.name + " differs in form";
    for (std::int64_t i = 0; i < x.numel(); ++i) {
      const double u = dispatch_dtype(x.dtype, [&](auto tag) { return static_cast<double>(x.as<decltype(tag)>()[i]); });
      const double w = dispatch_dtype(y.dtype, [&](auto tag) { return static_cast<double>(y.as<decltype(tag)>()[i]); });
      if (!(u == w || (std::isnan(u) && std::isnan(w)) || std::abs(u - w) <= 1e-12 * std::max(1.0, std::abs(w))))
        return "state " + x.name + "[" + std::to_string(i) + "]: " + std::to_string(u) + " vs " + std::to_string(w);
    }
  }
  return "";
}

// Two results equal up to rounding: the same form, tensors within 1e-9 (relative).
std::string same_result(const Result& a, const Result& b) {
  if (a.kind != b.kind) return "different kinds of result";
  if (a.kind == Result::Kind::list) {
    if (a.items.size() != b.items.size()) return "lists of different lengths";
    for (std::size_t i = 0; i < a.items.size(); ++i)
      if (auto d = same_result(a.items[i], b.items[i]); !d.empty()) return d;
    return "";
  }
  if (a.kind == Result::Kind::dict) {
    if (a.fields.size() != b.fields.size()) return "dicts of different sizes";
    for (std::size_t i = 0; i < a.fields.size(); ++i) {
      if (a.fields[i].first != b.fields[i].first) return "dicts with different keys";
      if (auto d = same_result(a.fields[i].second, b.fields[i].second); !d.empty()) return d;
    }
    return "";
  }
  if (a.tensor.shape != b.tensor.shape) return "tensors of different shapes";
  for (std::size_t i = 0; i < a.tensor.data.size(); ++i) {
    const double u = a.tensor.data[i], w = b.tensor.data[i];
    if (!(u == w || (std::isnan(u) && std::isnan(w)) || std::abs(u - w) <= 1e-9 * std::max(1.0, std::abs(w))))
      return "[" + std::to_string(i) + "]: " + std::to_string(u) + " vs " + std::to_string(w);
  }
  return "";
}

TEST(BatchParts, EveryMetricThatSplitsFoldsPartsIntoTheStateOfTheWhole) {
  int checked = 0;
  for (auto& spec : metric_specs()) {
    for (std::size_t e = 0; e < spec.examples.size(); ++e) {
      const MetricExample& ex = spec.examples[e];
      auto whole = create_metric(spec.name, ex.args);
      const BatchSplit split = batch_split_of(*whole);
      if (split == BatchSplit::none) continue;
      SCOPED_TRACE(spec.name + "#" + std::to_string(e));
      auto parted = create_metric(spec.name, ex.args);
      auto forwarded = create_metric(spec.name, ex.args);
      bool any = false;
      for (auto& b : ex.batches) {
        Batch batch = read_batch(b, spec);
        for (std::int64_t step : {1, 3}) {
          auto parts = cut(batch.views, split, step);
          if (parts.empty()) continue;
          any = true;
          auto once = create_metric(spec.name, ex.args);
          const Result want = once->forward(batch.views);
          BatchParts given(*forwarded);
          given.begin();
          for (auto& p : parts) given.update(p);
          const Result got = given.forward();
          EXPECT_EQ(same_result(got, want), "") << "forward, step " << step;
          forwarded->reset();
        }
        whole->update(batch.views);
        auto parts = cut(batch.views, split, 2);
        if (parts.empty()) {
          parted->update(batch.views);
          continue;
        }
        BatchParts given(*parted);
        given.begin();
        for (auto& p : parts) given.update(p);
        given.end();
      }
      if (!any) continue;
      ++checked;
      EXPECT_EQ(same_state(parted->state(), whole->state()), "");
      EXPECT_EQ(parted->state().updates, whole->state().updates);
      EXPECT_EQ(same_result(parted->compute(), whole->compute()), "");
    }
  }
  EXPECT_GT(checked, 0) << "no registered metric takes a batch in parts";
}

TEST(BatchParts, ARefusedPartLeavesTheStateUnchanged) {
  auto m = create_metric("PeakSignalNoiseRatio", Json{{"data_range", 1.0}});
  ASSERT_EQ(batch_split_of(*m), BatchSplit::elements);
  const float p[6] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, t[6] = {0.0f, 0.2f, 0.2f, 0.5f, 0.5f, 0.9f};
  auto view = [](const float* d, Shape s) {
    TensorView v;
    v.data = d;
    v.dtype = DType::float32;
    v.shape = std::move(s);
    return v;
  };
  m->update(std::vector<TensorView>{view(p, {2}), view(t, {2})});
  const auto before = m->save_state();
  BatchParts given(*m);
  given.begin();
  given.update(std::vector<TensorView>{view(p + 2, {2}), view(t + 2, {2})});
  EXPECT_THROW(given.update(std::vector<TensorView>{view(p + 4, {2}), view(t + 4, {1})}), Error);
  EXPECT_EQ(m->save_state(), before);
  EXPECT_THROW(given.end(), Error);  // the refused batch's parts are gone
  EXPECT_EQ(m->save_state(), before);
  given.begin();  // and the metric takes the next batch
  given.update(std::vector<TensorView>{view(p + 2, {4}), view(t + 2, {4})});
  given.end();
  auto once = create_metric("PeakSignalNoiseRatio", Json{{"data_range", 1.0}});
  once->update(std::vector<TensorView>{view(p, {6}), view(t, {6})});
  EXPECT_EQ(same_result(m->compute(), once->compute()), "");
}

TEST(BatchParts, AMeanReducedStateIsNeverSplit) {
  // batch_split_of answers none whatever a metric declares when a state reduces by `mean`: every
  // registered metric's answer is either none or one whose states all merge exactly.
  for (auto& spec : metric_specs()) {
    if (spec.examples.empty()) continue;
    auto m = create_metric(spec.name, spec.examples[0].args);
    if (batch_split_of(*m) == BatchSplit::none) continue;
    for (auto& v : m->state().vars()) EXPECT_NE(v.reduction, Reduction::mean) << spec.name << "." << v.name;
  }
}

}  // namespace
}  // namespace wasmetrics::testing
