// Typed state handles (issue 17): StateLayout declares, StateSlot reads by index with its element
// type checked, tensor() adapts the buffer; and the batch state update() reuses between calls.
#include <gtest/gtest.h>

#include <xtensor/xview.hpp>

#include "error_of.hpp"
#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/state_tensor.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics {
namespace {

using testing::error_of;

TEST(StateSlot, LayoutMakesStatesTheSlotsIndex) {
  StateLayout layout;
  auto counts = layout.add<std::int64_t>("counts", Reduction::sum, {2, 3});
  auto total = layout.add<double>("total", Reduction::sum, {}, 1.5);
  auto rows = layout.add<float>("rows", Reduction::cat, {0, 2});
  State s = layout.make();
  ASSERT_EQ(s.vars().size(), 3u);
  EXPECT_EQ(&counts.var(s), &s["counts"]);
  EXPECT_EQ(&total.var(s), &s["total"]);
  EXPECT_EQ(total.value(s), 1.5);
  EXPECT_EQ(counts.span(s).size(), 6u);
  EXPECT_EQ(rows.var(s).shape, (Shape{0, 2}));

  auto t = counts.tensor(s);  // writable, the state's own shape
  ASSERT_EQ(t.dimension(), 2u);
  xt::view(t, 1, xt::all()) += 4;
  t(0, 2) = 7;
  EXPECT_EQ(std::vector<std::int64_t>(counts.span(s).begin(), counts.span(s).end()),
            (std::vector<std::int64_t>{0, 0, 7, 4, 4, 4}));
  const std::vector<float> two_rows = {1, 2, 3, 4};
  rows.append(s, two_rows);
  EXPECT_EQ(rows.var(s).shape, (Shape{2, 2}));
  const State& cs = s;
  EXPECT_EQ(rows.tensor(cs)(1, 0), 3.0f);
}

TEST(StateSlot, WrongTypeUndeclaredAndDuplicateAreInternalErrors) {
  StateLayout layout;
  auto counts = layout.add<std::int64_t>("counts", Reduction::sum, {2});
  State s = layout.make();
  promote_counts_to_float64(s);  // the weighted layout widens int64 counts after declaration
  EXPECT_NE(error_of([&] { counts.span(s); }).find("state 'counts' is float64, read as int64"), std::string::npos);
  EXPECT_EQ(count_at(counts.var(s), 1), 0.0);  // read as counts whatever the layout
  StateSlot<double> undeclared;
  EXPECT_FALSE(undeclared.declared());
  EXPECT_NE(error_of([&] { undeclared.span(s); }).find("internal"), std::string::npos);
  EXPECT_NE(error_of([&] { layout.add<double>("counts", Reduction::sum, {}); }).find("declared twice"),
            std::string::npos);
}

// A metric on declare_state: the batch state is reset between updates (no carry-over), a rejected
// batch leaves nothing behind, and forward/merge/save/load see the same states.
class SumOfValues final : public Metric {
 public:
  SumOfValues() : Metric(Options("SumOfValues", Json::object())) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto* x = in[0].as<float>();
    for (std::int64_t i = 0; i < in[0].numel(); ++i) {
      if (x[i] < 0) fail("negative value");
      sum_.value(s) += x[i];
      rows_.append(s, x[i]);
    }
  }
  Result compute_state(const State& s) const override {
    return Result::scalar(sum_.value(s) + static_cast<double>(rows_.var(s).shape[0]) * 1000);
  }

 private:
  StateSlot<double> sum_ = declare_state<double>("sum", Reduction::sum, {});
  StateSlot<float> rows_ = declare_state<float>("rows", Reduction::cat, {0});
};

TEST(StateSlot, BatchStateIsResetBetweenCalls) {
  SumOfValues m;
  std::vector<float> a = {1, 2}, b = {4}, bad = {8, -1};
  auto view = [](std::vector<float>& v) {
    return std::vector<TensorView>{{v.data(), DType::float32, {static_cast<std::int64_t>(v.size())}}};
  };
  EXPECT_EQ(m.forward(view(a)).tensor.data[0], 2003.0);
  EXPECT_EQ(m.forward(view(b)).tensor.data[0], 1004.0);  // the batch alone: nothing of a's batch left
  EXPECT_THROW(m.update(view(bad)), Error);
  m.update(view(b));
  EXPECT_EQ(m.compute().tensor.data[0], 4011.0);  // 3 + 4 + 4, 4 rows; the rejected 8 not counted
  SumOfValues copy;
  copy.load_state(m.save_state());
  copy.merge(m);
  EXPECT_EQ(copy.compute().tensor.data[0], 8022.0);
}

}  // namespace
}  // namespace wasmetrics
