// Focused tests of the aggregation metrics beyond the conformance fixtures: merge, rejected
// updates, save/load, option validation, broadcasting and the running window's bounded state.
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TensorView view(const std::vector<float>& v, Shape shape) {
  return TensorView{v.data(), DType::float32, std::move(shape)};
}
TensorView view(const std::vector<float>& v) { return view(v, {static_cast<std::int64_t>(v.size())}); }

double scalar(Metric& m) {
  const Result& r = m.compute();
  EXPECT_EQ(r.kind, Result::Kind::tensor);
  EXPECT_TRUE(r.tensor.shape.empty()) << "expected a 0-d result";
  return r.tensor.data.at(0);
}

void update(Metric& m, const std::vector<float>& value) {
  TensorView in[] = {view(value)};
  m.update(in);
}

void update(Metric& m, const std::vector<float>& value, const std::vector<float>& weight) {
  TensorView in[] = {view(value), view(weight)};
  m.update(in);
}

TEST(AggregationMeanMetric, MergeOfTwoInstancesEqualsOneFedEverything) {
  auto all = create_metric("MeanMetric", Json::object());
  auto a = create_metric("MeanMetric", Json::object());
  auto b = create_metric("MeanMetric", Json::object());
  const std::vector<float> x1{1.5f, -2.0f, 4.25f}, w1{0.5f, 2.0f, 1.0f};
  const std::vector<float> x2{10.0f, 3.0f}, w2{3.0f, 0.25f};
  const std::vector<float> x3{-7.0f}, w3{1.5f};
  update(*all, x1, w1);
  update(*all, x2, w2);
  update(*all, x3, w3);
  update(*a, x1, w1);
  update(*b, x2, w2);
  update(*b, x3, w3);
  a->merge(*b);
  const double expected =
      (1.5 * 0.5 - 2.0 * 2.0 + 4.25 * 1.0 + 10.0 * 3.0 + 3.0 * 0.25 - 7.0 * 1.5) / (0.5 + 2.0 + 1.0 + 3.0 + 0.25 + 1.5);
  EXPECT_DOUBLE_EQ(scalar(*all), expected);
  EXPECT_DOUBLE_EQ(scalar(*a), scalar(*all));
  EXPECT_EQ(a->state().updates, 3);
  // b is untouched by being merged from.
  EXPECT_DOUBLE_EQ(scalar(*b), (10.0 * 3.0 + 3.0 * 0.25 - 7.0 * 1.5) / (3.0 + 0.25 + 1.5));
}

TEST(AggregationMeanMetric, MergeRefusesOtherOptionsAndOtherMetrics) {
  auto a = create_metric("MeanMetric", Json::object());
  auto b = create_metric("MeanMetric", Json{{"nan_strategy", "ignore"}});
  auto c = create_metric("SumMetric", Json::object());
  EXPECT_THROW(a->merge(*b), Error);
  EXPECT_THROW(a->merge(*c), Error);
}

TEST(AggregationNanStrategy, RejectedUpdateLeavesComputeUnchanged) {
  for (const char* name :
       {"MeanMetric", "SumMetric", "MaxMetric", "MinMetric", "CatMetric", "RunningMean", "RunningSum"}) {
    SCOPED_TRACE(name);
    auto m = create_metric(name, Json{{"nan_strategy", "error"}});
    update(*m, {1.0f, 2.0f, 6.0f});
    const Result before = m->compute();
    const auto blob_before = m->save_state();
    try {
      update(*m, {100.0f, kNaN});
      ADD_FAILURE() << "a NaN with nan_strategy='error' was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos)
          << "message does not name the metric: " << e.what();
      EXPECT_NE(std::string(e.what()).find("nan"), std::string::npos) << e.what();
    }
    EXPECT_EQ(m->compute().tensor.data, before.tensor.data);
    EXPECT_EQ(m->compute().tensor.shape, before.tensor.shape);
    EXPECT_EQ(m->save_state(), blob_before);
    EXPECT_EQ(m->state().updates, 1);
  }
}

TEST(AggregationNanStrategy, NanWeightIsRejectedToo) {
  auto m = create_metric("MeanMetric", Json{{"nan_strategy", "error"}});
  EXPECT_THROW(update(*m, {1.0f, 2.0f}, {1.0f, kNaN}), Error);
  EXPECT_TRUE(std::isnan(scalar(*m)));  // nothing accumulated: 0/0
}

TEST(AggregationNanStrategy, InvalidStringIsRejectedAtConstructionNamingTheChoices) {
  for (const char* name :
       {"MeanMetric", "SumMetric", "MaxMetric", "MinMetric", "CatMetric", "RunningMean", "RunningSum"}) {
    SCOPED_TRACE(name);
    try {
      create_metric(name, Json{{"nan_strategy", "drop"}});
      ADD_FAILURE() << "nan_strategy='drop' was accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      for (const char* choice : {"error", "warn", "ignore", "drop"})
        EXPECT_NE(msg.find(choice), std::string::npos) << msg;
    }
  }
}

TEST(AggregationNanStrategy, DefaultIsWarnWhichDropsNan) {
  auto m = create_metric("SumMetric", Json::object());
  EXPECT_EQ(m->options().get_string("nan_strategy"), "warn");
  update(*m, {1.0f, kNaN, 2.5f});
  EXPECT_DOUBLE_EQ(scalar(*m), 3.5);
}

TEST(AggregationNanStrategy, ImputeKeepsWeightOfNanValueAndValueOfNanWeight) {
  auto m = create_metric("MeanMetric", Json{{"nan_strategy", 2.0}});
  // value NaN -> 2 with weight 3; weight NaN -> 2 for value 5; the rest unchanged.
  update(*m, {kNaN, 5.0f, 1.0f}, {3.0f, kNaN, 1.0f});
  EXPECT_DOUBLE_EQ(scalar(*m), (2.0 * 3.0 + 5.0 * 2.0 + 1.0 * 1.0) / (3.0 + 2.0 + 1.0));
}

TEST(AggregationMeanMetric, WeightBroadcastsLikeTorch) {
  auto m = create_metric("MeanMetric", Json::object());
  const std::vector<float> x{1, 2, 3, 4, 5, 6}, w{1, 0, 2};
  TensorView in[] = {view(x, {2, 3}), view(w, {3})};
  m->update(in);
  EXPECT_DOUBLE_EQ(scalar(*m), (1 * 1 + 3 * 2 + 4 * 1 + 6 * 2) / 6.0);
  const std::vector<float> bad{1, 2};
  TensorView wrong[] = {view(x, {2, 3}), view(bad, {2})};
  EXPECT_THROW(m->update(wrong), Error);
}

TEST(AggregationSaveLoad, RoundTripRestoresTheValueAndKeepsAccumulating) {
  for (const char* name :
       {"MeanMetric", "SumMetric", "MaxMetric", "MinMetric", "CatMetric", "RunningMean", "RunningSum"}) {
    SCOPED_TRACE(name);
    const Json opts = Json{{"nan_strategy", "ignore"}};
    auto a = create_metric(name, opts);
    update(*a, {1.0f, kNaN, 4.0f});
    update(*a, {-3.0f, 8.5f});
    auto blob = a->save_state();
    auto b = create_metric(name, opts);
    b->load_state(blob);
    EXPECT_EQ(b->compute().tensor.data, a->compute().tensor.data);
    EXPECT_EQ(b->compute().tensor.shape, a->compute().tensor.shape);
    EXPECT_EQ(b->state().updates, 2);
    update(*a, {0.5f});
    update(*b, {0.5f});
    EXPECT_EQ(b->compute().tensor.data, a->compute().tensor.data);
  }
}

TEST(AggregationSaveLoad, RefusesABlobOfAnotherMetricOrOtherOptions) {
  auto mean = create_metric("MeanMetric", Json::object());
  auto sum = create_metric("SumMetric", Json::object());
  update(*sum, {1.0f, 2.0f});
  const auto blob = sum->save_state();
  EXPECT_THROW(mean->load_state(blob), Error);
  EXPECT_TRUE(std::isnan(scalar(*mean)));  // refused: state unchanged (nothing accumulated)
  auto sum_ignore = create_metric("SumMetric", Json{{"nan_strategy", "ignore"}});
  EXPECT_THROW(sum_ignore->load_state(blob), Error);
  auto max = create_metric("MaxMetric", Json::object());
  EXPECT_THROW(max->load_state(blob), Error);  // same single-scalar layout, still refused
  auto running = create_metric("RunningSum", Json{{"window", 3}});
  auto running4 = create_metric("RunningSum", Json{{"window", 4}});
  EXPECT_THROW(running4->load_state(running->save_state()), Error);
}

TEST(AggregationCatMetric, KeepsTrailingDimsAndRejectsMismatchAtCompute) {
  auto m = create_metric("CatMetric", Json::object());
  const std::vector<float> a{1, 2, 3, 4, 5, 6}, b{7, 8, 9};
  TensorView in1[] = {view(a, {2, 3})};
  TensorView in2[] = {view(b, {1, 3})};
  m->update(in1);
  m->update(in2);
  EXPECT_EQ(m->compute().tensor.shape, (Shape{3, 3}));
  EXPECT_EQ(m->compute().tensor.data, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  TensorView in3[] = {view(b, {3})};
  m->update(in3);  // accepted, like TorchMetrics: the mismatch shows in torch.cat at compute
  EXPECT_THROW(m->compute(), Error);
}

TEST(AggregationCatMetric, EmptyAndSingle) {
  auto m = create_metric("CatMetric", Json::object());
  EXPECT_EQ(m->compute().tensor.shape, (Shape{0}));
  const float one = 2.5f;
  TensorView in[] = {TensorView{&one, DType::float32, {}}};
  m->update(in);
  EXPECT_EQ(m->compute().tensor.shape, Shape{});
  EXPECT_EQ(m->compute().tensor.data, std::vector<double>{2.5});
}

TEST(AggregationRunning, WindowSeesOnlyTheLastUpdatesAndStateStaysBounded) {
  auto mean = create_metric("RunningMean", Json{{"window", 3}});
  auto sum = create_metric("RunningSum", Json{{"window", 3}});
  for (int i = 0; i < 1000; ++i) {
    update(*mean, {static_cast<float>(i), static_cast<float>(i)});
    update(*sum, {static_cast<float>(i)});
  }
  EXPECT_DOUBLE_EQ(scalar(*mean), 998.0);
  EXPECT_DOUBLE_EQ(scalar(*sum), 997.0 + 998.0 + 999.0);
  EXPECT_LE(mean->state()["rows"].shape[0], 4);
  EXPECT_LE(sum->state()["rows"].shape[0], 4);
  EXPECT_EQ(sum->state().updates, 1000);
}

TEST(AggregationRunning, MergeCoversTheLastWindowOfTheJoinedStream) {
  auto a = create_metric("RunningSum", Json{{"window", 3}});
  auto b = create_metric("RunningSum", Json{{"window", 3}});
  update(*a, {1.0f});
  update(*a, {2.0f});
  update(*a, {4.0f});
  update(*b, {8.0f});
  update(*b, {16.0f});
  a->merge(*b);
  EXPECT_DOUBLE_EQ(scalar(*a), 4.0 + 8.0 + 16.0);
}

TEST(AggregationRunning, AllNanBatchStillTakesASlot) {
  auto m = create_metric("RunningSum", Json{{"window", 2}, {"nan_strategy", "ignore"}});
  update(*m, {5.0f});
  update(*m, {kNaN});
  update(*m, {kNaN, kNaN});
  EXPECT_DOUBLE_EQ(scalar(*m), 0.0);  // the 5 fell out of the window
}

}  // namespace
}  // namespace wasmetrics
