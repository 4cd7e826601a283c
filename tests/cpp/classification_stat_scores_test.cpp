// Stat-score family: engine-level behaviours the conformance fixtures cannot show on their own
// (batch averaging, rejected updates, merge), the per-label threshold option, and the product's
// extensions (NegativePredictiveValue, zero_division 'nan', average 'samples', input_kind).
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::Buf;
using testing::buf;

template <class P, class T>
// update() one batch, or forward() it when `forward` is set.
Result feed(Metric& m, const Buf<P>& p, const Buf<T>& t, bool forward = false) {
  std::vector<TensorView> in{p.view(), t.view()};
  if (forward) return m.forward(in);
  m.update(in);
  return Result();
}

double scalar(const Result& r) {
  EXPECT_EQ(r.kind, Result::Kind::tensor);
  EXPECT_EQ(r.tensor.numel(), 1);
  return r.tensor.data.at(0);
}

TEST(ClassificationStatScores, BatchAveragingTrap) {
  // Two batches, one class each: macro recall over everything is not the mean of the batch values.
  auto m = create_metric("MulticlassAccuracy", {{"num_classes", 3}, {"average", "macro"}});
  auto p1 = buf<std::int64_t>({0, 0, 1});
  auto t1 = buf<std::int64_t>({0, 0, 0});
  auto p2 = buf<std::int64_t>({1, 1});
  auto t2 = buf<std::int64_t>({1, 1});
  double f1 = scalar(feed(*m, p1, t1, true));  // class 0: 2/3, class 1: 0 (predicted, absent) -> 1/3
  double f2 = scalar(feed(*m, p2, t2, true));  // class 1: 1
  double all = scalar(m->compute());           // class 0: 2/3, class 1: 1 -> 5/6
  EXPECT_NEAR(f1, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(f2, 1.0, 1e-12);
  EXPECT_NEAR(all, 5.0 / 6.0, 1e-12);
  EXPECT_GT(std::fabs(all - (f1 + f2) / 2), 1e-3);

  auto once = create_metric("MulticlassAccuracy", {{"num_classes", 3}, {"average", "macro"}});
  feed(*once, buf<std::int64_t>({0, 0, 1, 1, 1}), buf<std::int64_t>({0, 0, 0, 1, 1}));
  EXPECT_DOUBLE_EQ(scalar(once->compute()), all);
}

TEST(ClassificationStatScores, RejectedUpdateLeavesStateUnchanged) {
  auto m = create_metric("MulticlassF1Score", {{"num_classes", 3}, {"average", "micro"}});
  feed(*m, buf<float>({0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f}, {2, 3}), buf<std::int64_t>({0, 2}));
  const double before = scalar(m->compute());
  const auto blob = m->save_state();
  // a label outside [0, 3) is rejected for every average, micro included (V1)
  EXPECT_THROW(feed(*m, buf<float>({0.7f, 0.2f, 0.1f}, {1, 3}), buf<std::int64_t>({5})), Error);
  // NaN preds (V4), a non-integral float target (V2)
  EXPECT_THROW(feed(*m, buf<float>({NAN, 0.2f, 0.1f}, {1, 3}), buf<std::int64_t>({0})), Error);
  EXPECT_THROW(feed(*m, buf<float>({0.7f, 0.2f, 0.1f}, {1, 3}), buf<float>({0.5f})), Error);
  EXPECT_DOUBLE_EQ(scalar(m->compute()), before);
  EXPECT_EQ(m->save_state(), blob);
  // forward() rejects the same way
  auto p = buf<float>({0.7f, 0.2f, 0.1f}, {1, 3});
  auto t = buf<std::int64_t>({-1});
  EXPECT_THROW(feed(*m, p, t, true), Error);
  EXPECT_EQ(m->save_state(), blob);
}

TEST(ClassificationStatScores, BinaryTargetOutsideZeroOneRejected) {
  auto m = create_metric("BinaryAccuracy", Json::object());
  EXPECT_THROW(feed(*m, buf<float>({0.2f, 0.9f}), buf<std::int64_t>({0, 2})), Error);  // V3
  auto ign = create_metric("BinaryAccuracy", {{"ignore_index", 2}});
  EXPECT_NO_THROW(feed(*ign, buf<float>({0.2f, 0.9f}), buf<std::int64_t>({0, 2})));
  EXPECT_DOUBLE_EQ(scalar(ign->compute()), 1.0);
}

TEST(ClassificationStatScores, PerLabelThresholdWrongLengthRejected) {
  try {
    create_metric("MultilabelAccuracy", {{"num_labels", 3}, {"threshold", {0.1, 0.2}}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("threshold"), std::string::npos) << msg;
    EXPECT_NE(msg.find("3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("2"), std::string::npos) << msg;
  }
  EXPECT_THROW(create_metric("MultilabelF1Score", {{"num_labels", 2}, {"threshold", {0.1, 1.5}}}), Error);
  EXPECT_NO_THROW(create_metric("MultilabelF1Score", {{"num_labels", 2}, {"threshold", {0.1, 0.9}}}));
}

TEST(ClassificationStatScores, PerLabelThresholdsApplyPerLabel) {
  // label 0 threshold 0.1, label 1 threshold 0.9: preds 0.5 are positive for label 0 only
  auto m = create_metric("MultilabelStatScores", {{"num_labels", 2}, {"threshold", {0.1, 0.9}}, {"average", nullptr}});
  feed(*m, buf<float>({0.5f, 0.5f, 0.5f, 0.5f}, {2, 2}), buf<std::int64_t>({1, 1, 0, 0}, {2, 2}));
  const Result& r = m->compute();
  ASSERT_EQ(r.tensor.shape, (Shape{2, 5}));
  EXPECT_EQ(r.tensor.data, (std::vector<double>{1, 1, 0, 0, 1, 0, 0, 1, 1, 1}));
}

void expect_same(const Result& a, const Result& b) {
  ASSERT_EQ(a.tensor.shape, b.tensor.shape);
  for (std::size_t i = 0; i < a.tensor.data.size(); ++i) {
    if (std::isnan(b.tensor.data[i]))
      EXPECT_TRUE(std::isnan(a.tensor.data[i]));
    else
      EXPECT_NEAR(a.tensor.data[i], b.tensor.data[i], 1e-12) << i;
  }
}

TEST(ClassificationStatScores, MergeOfHalvesEqualsWhole) {
  auto p1 = buf<float>({0.9f, 0.2f, 0.4f, 0.6f, 0.1f, 0.8f, 0.3f, 0.7f}, {4, 2});
  auto t1 = buf<std::int64_t>({1, 0, 0, 1, 0, 1, 1, 0}, {4, 2});
  auto p2 = buf<float>({2.0f, -1.0f, -0.5f, 0.3f}, {2, 2});  // logits
  auto t2 = buf<std::int64_t>({1, 1, 0, 1}, {2, 2});
  for (Json opts : {Json{{"num_labels", 2}, {"average", "macro"}},
                    Json{{"num_labels", 2}, {"average", nullptr}, {"threshold", {0.3, 0.65}}},
                    Json{{"num_labels", 2}, {"average", "samples"}},
                    Json{{"num_labels", 2}, {"average", "weighted"}, {"zero_division", "nan"}}}) {
    auto whole = create_metric("MultilabelF1Score", opts);
    feed(*whole, p1, t1);
    feed(*whole, p2, t2);
    auto a = create_metric("MultilabelF1Score", opts);
    auto b = create_metric("MultilabelF1Score", opts);
    feed(*a, p1, t1);
    feed(*b, p2, t2);
    a->merge(*b);
    expect_same(a->compute(), whole->compute());
  }
  // samplewise: per-sample rows concatenate in order
  auto q1 = buf<std::int64_t>({0, 1, 2, 2, 1, 0}, {2, 3});
  auto u1 = buf<std::int64_t>({0, 1, 1, 2, 1, 1}, {2, 3});
  auto q2 = buf<std::int64_t>({1, 1, 1}, {1, 3});
  auto u2 = buf<std::int64_t>({1, 0, 1}, {1, 3});
  Json sw{{"num_classes", 3}, {"multidim_average", "samplewise"}, {"average", "micro"}};
  auto whole = create_metric("MulticlassPrecision", sw);
  feed(*whole, q1, u1);
  feed(*whole, q2, u2);
  auto a = create_metric("MulticlassPrecision", sw);
  auto b = create_metric("MulticlassPrecision", sw);
  feed(*a, q1, u1);
  feed(*b, q2, u2);
  a->merge(*b);
  expect_same(a->compute(), whole->compute());
  ASSERT_EQ(whole->compute().tensor.shape, (Shape{3}));
  EXPECT_NEAR(whole->compute().tensor.data[0], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(whole->compute().tensor.data[2], 2.0 / 3.0, 1e-12);
}

TEST(ClassificationStatScores, NegativePredictiveValue) {
  // tp 2, fp 1, tn 3, fn 2 -> NPV 3/5
  auto m = create_metric("BinaryNegativePredictiveValue", Json::object());
  feed(*m, buf<std::int64_t>({1, 1, 1, 0, 0, 0, 0, 0}), buf<std::int64_t>({1, 1, 0, 0, 0, 0, 1, 1}));
  EXPECT_NEAR(scalar(m->compute()), 0.6, 1e-12);
  // multiclass per class: tn/(tn+fn)
  auto mc = create_metric("MulticlassNegativePredictiveValue", {{"num_classes", 3}, {"average", nullptr}});
  feed(*mc, buf<std::int64_t>({0, 1, 2, 2}), buf<std::int64_t>({0, 2, 2, 1}));
  // class 0: tn 3 fn 0 -> 1; class 1: predicted not-1 for samples 0,2,3; target of sample 3 is 1 -> tn 2 fn 1;
  // class 2: predicted not-2 for samples 0,1; target of sample 1 is 2 -> tn 1 fn 1
  const Result& r = mc->compute();
  ASSERT_EQ(r.tensor.shape, (Shape{3}));
  EXPECT_NEAR(r.tensor.data[0], 1.0, 1e-12);
  EXPECT_NEAR(r.tensor.data[1], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.tensor.data[2], 0.5, 1e-12);
}

TEST(ClassificationStatScores, ZeroDivisionNan) {
  // class 2 is never predicted nor present: precision 0/0
  Json base{{"num_classes", 3}, {"average", nullptr}, {"zero_division", "nan"}};
  auto none = create_metric("MulticlassPrecision", base);
  auto p = buf<std::int64_t>({0, 1, 1, 0});
  auto t = buf<std::int64_t>({0, 1, 0, 0});
  feed(*none, p, t);
  EXPECT_TRUE(std::isnan(none->compute().tensor.data[2]));
  // class 1 predicted twice, never present -> precision 1/2 ... a NaN class drops out of macro
  Json macro = base;
  macro["average"] = "macro";
  macro["num_classes"] = 3;
  auto m = create_metric("MulticlassPrecision", macro);
  feed(*m, buf<std::int64_t>({0, 0, 2}), buf<std::int64_t>({0, 1, 2}));
  // class 0: 1/2, class 1: never predicted, present -> 0/0 = NaN (dropped), class 2: 1
  EXPECT_NEAR(scalar(m->compute()), 0.75, 1e-12);
  Json zero = macro;
  zero["zero_division"] = 0;
  auto z = create_metric("MulticlassPrecision", zero);
  feed(*z, buf<std::int64_t>({0, 0, 2}), buf<std::int64_t>({0, 1, 2}));
  EXPECT_NEAR(scalar(z->compute()), 0.5, 1e-12);
  EXPECT_THROW(create_metric("MulticlassPrecision", {{"num_classes", 3}, {"zero_division", 0.5}}), Error);
  EXPECT_THROW(create_metric("MulticlassPrecision", {{"num_classes", 3}, {"zero_division", "inf"}}), Error);
  // nothing left to average: NaN
  auto b = create_metric("BinaryRecall", {{"zero_division", "nan"}});
  feed(*b, buf<std::int64_t>({0, 1}), buf<std::int64_t>({0, 0}));
  EXPECT_TRUE(std::isnan(scalar(b->compute())));
}

TEST(ClassificationStatScores, AverageSamples) {
  // scikit-learn: precision of each sample from its counts over labels, then the mean
  auto m = create_metric("MultilabelPrecision", {{"num_labels", 3}, {"average", "samples"}});
  // sample 0: preds {0, 1}, target {0} -> 1/2; sample 1: preds {2}, target {2} -> 1; sample 2: none -> 0/0 -> 0
  feed(*m, buf<std::int64_t>({1, 1, 0, 0, 0, 1, 0, 0, 0}, {3, 3}),
       buf<std::int64_t>({1, 0, 0, 0, 0, 1, 1, 0, 0}, {3, 3}));
  EXPECT_NEAR(scalar(m->compute()), 0.5, 1e-12);
  auto n = create_metric("MultilabelPrecision", {{"num_labels", 3}, {"average", "samples"}, {"zero_division", "nan"}});
  feed(*n, buf<std::int64_t>({1, 1, 0, 0, 0, 1, 0, 0, 0}, {3, 3}),
       buf<std::int64_t>({1, 0, 0, 0, 0, 1, 1, 0, 0}, {3, 3}));
  EXPECT_NEAR(scalar(n->compute()), 0.75, 1e-12);
  EXPECT_THROW(create_metric("MultilabelPrecision",
                             {{"num_labels", 3}, {"average", "samples"}, {"multidim_average", "samplewise"}}),
               Error);
  EXPECT_THROW(create_metric("MulticlassPrecision", {{"num_classes", 3}, {"average", "samples"}}), Error);
}

TEST(ClassificationStatScores, InputKind) {
  // values in [0, 1]: auto takes them as probabilities, 'logits' applies sigmoid first
  auto p = buf<float>({0.2f, 0.4f, 0.6f, 0.8f});
  auto t = buf<std::int64_t>({0, 0, 1, 1});
  auto a = create_metric("BinaryAccuracy", Json::object());
  feed(*a, p, t);
  EXPECT_DOUBLE_EQ(scalar(a->compute()), 1.0);
  auto l = create_metric("BinaryAccuracy", {{"input_kind", "logits"}});
  feed(*l, p, t);
  EXPECT_DOUBLE_EQ(scalar(l->compute()), 0.5);  // sigmoid(x) > 0.5 for every x > 0
  auto pr = create_metric("BinaryAccuracy", {{"input_kind", "probs"}});
  EXPECT_THROW(feed(*pr, buf<float>({0.2f, 1.5f}), buf<std::int64_t>({0, 1})), Error);
  auto lb = create_metric("BinaryAccuracy", {{"input_kind", "labels"}});
  feed(*lb, buf<float>({0.0f, 1.0f}), buf<std::int64_t>({0, 1}));
  EXPECT_DOUBLE_EQ(scalar(lb->compute()), 1.0);
  EXPECT_THROW(feed(*lb, buf<float>({0.5f}), buf<std::int64_t>({0})), Error);
}

TEST(ClassificationStatScores, ValidateArgsFalseIsMemorySafe) {
  auto m = create_metric("MulticlassAccuracy", {{"num_classes", 3}, {"validate_args", false}, {"average", "micro"}});
  feed(*m, buf<std::int64_t>({0, 7, -3, 1}), buf<std::int64_t>({0, 1, 2, 99}));
  EXPECT_TRUE(std::isfinite(scalar(m->compute())));
  auto b = create_metric("BinaryAccuracy", {{"validate_args", false}});
  feed(*b, buf<float>({NAN, 0.3f}), buf<std::int64_t>({5, 0}));
  EXPECT_TRUE(std::isfinite(scalar(b->compute())));
}

TEST(ClassificationStatScores, Float32ThresholdIsStrict) {
  // float32(0.3) > 0.3 is false in float32 (C1); as logits, the cut reproduces sigmoid(x) > t exactly
  auto m = create_metric("BinaryStatScores", {{"threshold", 0.3}});
  feed(*m, buf<float>({0.3f, 0.3000001f, 0.31f}), buf<std::int64_t>({0, 0, 1}));
  EXPECT_EQ(m->compute().tensor.data, (std::vector<double>{1, 1, 1, 0, 1}));
  auto z = create_metric("BinaryStatScores", {{"threshold", 0.5}});
  feed(*z, buf<float>({0.0f, -0.0f, 1e-30f, 3.0f}), buf<std::int64_t>({0, 0, 1, 1}));  // logits
  EXPECT_EQ(z->compute().tensor.data, (std::vector<double>{1, 0, 2, 1, 2}));
  // float64 logits: compared in float64
  auto d = create_metric("BinaryStatScores", {{"threshold", 0.5}});
  feed(*d, buf<double>({0.0, -1e-300, 1e-300, 3.0}), buf<std::int64_t>({0, 0, 1, 1}));
  EXPECT_EQ(d->compute().tensor.data, (std::vector<double>{1, 0, 2, 1, 2}));
  auto d3 = create_metric("BinaryStatScores", {{"threshold", 0.3}});
  feed(*d3, buf<double>({0.3, 0.30000000000000004, 0.2}), buf<std::int64_t>({0, 1, 0}));
  EXPECT_EQ(d3->compute().tensor.data, (std::vector<double>{1, 0, 2, 0, 1}));
}

}  // namespace
}  // namespace wasmetrics
