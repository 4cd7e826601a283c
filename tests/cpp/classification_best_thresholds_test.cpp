// best_thresholds (curve metrics' query) against brute-force threshold sweeps over the raw data,
// and fed back as the `threshold` option of the stat-score metrics; class labels on results.
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::Buf;
using testing::buf;

using testing::update;

const Result& field(const Result& r, const std::string& name) {
  const Result* f = r.field(name);
  if (!f) throw std::runtime_error("result has no field " + name);
  return *f;
}

// Multilabel data with many tied scores (quantised to 1/64) and an ignored entry per 50.
struct Data {
  std::int64_t N = 600, L = 4;
  Buf<float> preds;
  Buf<std::int32_t> target;
};
Data make_data(unsigned seed, bool logits) {
  Data d;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> p(d.N * d.L);
  std::vector<std::int32_t> t(d.N * d.L);
  for (std::int64_t i = 0; i < d.N * d.L; ++i) {
    const std::int64_t l = i % d.L;
    t[i] = u(rng) < 0.15f + 0.2f * static_cast<float>(l) ? 1 : 0;
    float s = std::round((0.55f * u(rng) + (t[i] ? 0.35f : 0.1f)) * 64.0f) / 64.0f;
    if (l == 3) s = std::round(u(rng) * 8.0f) / 8.0f;  // label 3: uninformative, coarse ties
    p[i] = logits ? std::log(s + 1e-3f) - std::log(1.001f - s) : s;
    if (i % 50 == 7) t[i] = -1;  // ignore_index
  }
  d.preds = buf(p, {d.N, d.L});
  d.target = buf(t, {d.N, d.L});
  return d;
}

struct Counts {
  double tp = 0, fp = 0, pos = 0, neg = 0;
};
// Counts of label l when predicting `score > tau` (probabilities; ignored entries left out).
Counts counts_above(const Data& d, std::int64_t l, double tau, bool logits) {
  Counts c;
  for (std::int64_t n = 0; n < d.N; ++n) {
    const std::int32_t t = d.target.v[n * d.L + l];
    if (t < 0) continue;
    float s = d.preds.v[n * d.L + l];
    if (logits) s = 1.0f / (1.0f + std::exp(-s));
    const bool pred = s > tau;
    (t ? c.pos : c.neg) += 1;
    if (pred) (t ? c.tp : c.fp) += 1;
  }
  return c;
}
double f1(const Counts& c) { return c.tp > 0 ? 2 * c.tp / (2 * c.tp + c.fp + (c.pos - c.tp)) : 0.0; }
double youden(const Counts& c) { return c.tp / c.pos - c.fp / c.neg; }

// Every threshold that gives a distinct prediction on the data: just below each distinct score.
std::vector<double> all_cuts(const Data& d, std::int64_t l, bool logits) {
  std::vector<double> cuts{1.0};
  for (std::int64_t n = 0; n < d.N; ++n) {
    float s = d.preds.v[n * d.L + l];
    if (logits) s = 1.0f / (1.0f + std::exp(-s));
    if (s > 0) cuts.push_back(std::nextafter(s, -1.0f));
  }
  return cuts;
}

std::unique_ptr<Metric> multilabel(const std::string& name, Json options) {
  options["num_labels"] = 4;
  options["ignore_index"] = -1;
  return create_metric(name, options);
}

TEST(BestThresholds, ExactF1IsTheBestOfEveryCutAndFeedsBackIntoF1Score) {
  for (bool logits : {false, true}) {
    Data d = make_data(7, logits);
    auto curve = multilabel("MultilabelPrecisionRecallCurve", Json::object());
    update(*curve, d.preds, d.target);
    Result best = curve->query("best_thresholds", Json::object());
    const auto& thr = field(best, "threshold").tensor.data;
    const auto& value = field(best, "value").tensor.data;
    ASSERT_EQ(thr.size(), 4u);
    for (std::int64_t l = 0; l < d.L; ++l) {
      double brute = 0;
      for (double tau : all_cuts(d, l, logits)) brute = std::max(brute, f1(counts_above(d, l, tau, logits)));
      EXPECT_NEAR(value[l], brute, 1e-12) << "label " << l << " logits " << logits;
      EXPECT_NEAR(f1(counts_above(d, l, thr[l], logits)), value[l], 1e-12) << "label " << l;
      EXPECT_GT(brute, 0.0);
    }
    // fed back as the per-label threshold array of MultilabelF1Score
    auto score = multilabel("MultilabelF1Score", {{"average", nullptr}, {"threshold", thr}});
    update(*score, d.preds, d.target);
    const auto& per_label = score->compute().tensor.data;
    for (std::int64_t l = 0; l < d.L; ++l) EXPECT_NEAR(per_label[l], value[l], 1e-6) << "label " << l;
    auto precision = multilabel("MultilabelPrecision", {{"average", nullptr}, {"threshold", thr}});
    update(*precision, d.preds, d.target);
    for (std::int64_t l = 0; l < d.L; ++l)
      EXPECT_NEAR(precision->compute().tensor.data[l], field(best, "precision").tensor.data[l], 1e-6);
  }
}

TEST(BestThresholds, YoudenAndFbetaMatchBruteForce) {
  Data d = make_data(11, false);
  auto roc = multilabel("MultilabelROC", Json::object());
  update(*roc, d.preds, d.target);
  Result j = roc->query("best_thresholds", {{"criterion", "youden"}});
  Result f2 = roc->query("best_thresholds", {{"criterion", "fbeta"}, {"beta", 2.0}});
  for (std::int64_t l = 0; l < d.L; ++l) {
    double best_j = 0, best_f2 = 0;
    for (double tau : all_cuts(d, l, false)) {
      const Counts c = counts_above(d, l, tau, false);
      best_j = std::max(best_j, youden(c));
      const double denom = 5 * c.tp + 4 * (c.pos - c.tp) + c.fp;
      best_f2 = std::max(best_f2, denom > 0 ? 5 * c.tp / denom : 0.0);
    }
    EXPECT_NEAR(field(j, "value").tensor.data[l], best_j, 1e-12);
    EXPECT_NEAR(youden(counts_above(d, l, field(j, "threshold").tensor.data[l], false)), best_j, 1e-12);
    const Counts at = counts_above(d, l, field(j, "threshold").tensor.data[l], false);
    EXPECT_NEAR(field(j, "specificity").tensor.data[l], 1 - at.fp / at.neg, 1e-12);
    EXPECT_NEAR(field(f2, "value").tensor.data[l], best_f2, 1e-12);
  }
}

TEST(BestThresholds, MinPrecisionAgreesWithRecallAtFixedPrecision) {
  Data d = make_data(5, false);
  auto r_at_p = multilabel("MultilabelRecallAtFixedPrecision", {{"min_precision", 0.6}});
  update(*r_at_p, d.preds, d.target);
  Result best = r_at_p->query("best_thresholds", {{"criterion", "min_precision"}, {"min_precision", 0.6}});
  const Result& torch = r_at_p->compute();
  for (std::int64_t l = 0; l < d.L; ++l) {
    const double recall = field(best, "value").tensor.data[l];
    // TorchMetrics' point at the lowest score predicts everything (score >= min); no threshold
    // in [0, 1] does that with `preds > threshold` when that score is 0, so it is not a candidate
    float lowest = 1.0f;
    for (std::int64_t n = 0; n < d.N; ++n) lowest = std::min(lowest, d.preds.v[n * d.L + l]);
    if (lowest > 0.0f)
      EXPECT_NEAR(recall, field(torch, "recall").tensor.data[l], 1e-6) << "label " << l;
    else
      EXPECT_LE(recall, field(torch, "recall").tensor.data[l] + 1e-6) << "label " << l;
    const Counts c = counts_above(d, l, field(best, "threshold").tensor.data[l], false);
    if (recall > 0) EXPECT_GE(c.tp / (c.tp + c.fp), 0.6);
    EXPECT_NEAR(c.pos > 0 ? c.tp / c.pos : 0.0, field(best, "recall").tensor.data[l], 1e-12);
  }
  // unreachable precision: predict nothing (threshold 1), value 0
  Result none = r_at_p->query("best_thresholds", {{"criterion", "min_precision"}, {"min_precision", 1.0}});
  EXPECT_EQ(field(none, "threshold").tensor.data[3], 1.0);
  EXPECT_EQ(field(none, "value").tensor.data[3], 0.0);
}

TEST(BestThresholds, BinnedReproducesItsBinCountsWhenFedBack) {
  Data d = make_data(3, false);
  const std::vector<double> given{0.7, 0.1, 0.5, 0.3, 0.9, 0.0};  // unsorted, with 0
  auto curve = multilabel("MultilabelAveragePrecision", {{"thresholds", given}});
  update(*curve, d.preds, d.target);
  Result best = curve->query("best_thresholds", Json::object());
  for (std::int64_t l = 0; l < d.L; ++l) {
    double brute = 0;
    for (double b : given)
      if (b > 0) brute = std::max(brute, f1(counts_above(d, l, std::nextafter(static_cast<float>(b), -1.0f), false)));
    const double tau = field(best, "threshold").tensor.data[l];
    EXPECT_NEAR(field(best, "value").tensor.data[l], brute, 1e-12);
    EXPECT_NEAR(f1(counts_above(d, l, tau, false)), brute, 1e-12);
  }
}

TEST(BestThresholds, BinaryIsScalarAndFeedsBackIntoBinaryF1WithLogits) {
  Data d = make_data(9, true);
  std::vector<float> p;
  std::vector<std::int32_t> t;
  for (std::int64_t n = 0; n < d.N; ++n) {
    p.push_back(d.preds.v[n * d.L + 1]);
    t.push_back(std::max(0, d.target.v[n * d.L + 1]));
  }
  auto pb = buf(p);
  auto tb = buf(t);
  auto auroc = create_metric("AUROC", {{"task", "binary"}});
  update(*auroc, pb, tb);
  Result best = auroc->query("best_thresholds", Json::object());
  ASSERT_TRUE(field(best, "threshold").tensor.shape.empty());
  auto f1_metric = create_metric("BinaryF1Score", {{"threshold", field(best, "threshold").tensor.data[0]}});
  update(*f1_metric, pb, tb);
  EXPECT_NEAR(f1_metric->compute().tensor.data[0], field(best, "value").tensor.data[0], 1e-6);
}

TEST(BestThresholds, RefusesBadQueriesAndMulticlass) {
  Data d = make_data(1, false);
  auto curve = multilabel("MultilabelROC", Json::object());
  EXPECT_THROW(curve->query("best_thresholds", Json::object()), Error);  // nothing accumulated
  update(*curve, d.preds, d.target);
  EXPECT_THROW(curve->query("best_treshold", Json::object()), Error);
  EXPECT_THROW(curve->query("best_thresholds", {{"criterion", "accuracy"}}), Error);
  EXPECT_THROW(curve->query("best_thresholds", {{"criterion", "min_precision"}}), Error);
  EXPECT_THROW(curve->query("best_thresholds", {{"criterion", "fbeta"}, {"beta", 0}}), Error);
  auto mc = create_metric("AUROC", {{"task", "multiclass"}, {"num_classes", 3}});
  EXPECT_THROW(mc->query("best_thresholds", Json::object()), Error);
  auto mse = create_metric("MeanSquaredError", Json::object());
  EXPECT_THROW(mse->query("best_thresholds", Json::object()), Error);
  try {
    curve->query("best_thresholds", {{"criterion", "min_recall"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("minRecall"), std::string::npos) << e.what();
  }
}

// ---- class labels ----

TEST(ClassLabels, PerClassResultsAreKeyedByLabel) {
  auto p = buf<std::int32_t>({0, 1, 2, 2, 1, 0});
  auto t = buf<std::int32_t>({0, 2, 2, 2, 1, 1});
  auto plain = create_metric("MulticlassF1Score", {{"num_classes", 3}, {"average", "none"}});
  auto named = create_metric(
      "F1Score", {{"task", "multiclass"}, {"num_classes", 3}, {"average", "none"}, {"labels", {"cat", "dog", "bird"}}});
  update(*plain, p, t);
  update(*named, p, t);
  const Result& r = named->compute();
  ASSERT_EQ(r.kind, Result::Kind::dict);
  ASSERT_EQ(r.fields.size(), 3u);
  const std::vector<std::string> names{"cat", "dog", "bird"};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(r.fields[k].first, names[k]);
    EXPECT_EQ(r.fields[k].second.tensor.data[0], plain->compute().tensor.data[k]);
  }
  // presentation only: merges with, and loads the state of, an unlabelled instance
  auto unlabelled = create_metric("MulticlassF1Score", {{"num_classes", 3}, {"average", "none"}});
  named->merge(*plain);
  unlabelled->load_state(named->save_state());
  EXPECT_EQ(unlabelled->compute().tensor.data, plain->compute().tensor.data);
  // a scalar average is unchanged; samplewise [N] results are samples, not classes
  auto macro = create_metric("MulticlassF1Score", {{"num_classes", 3}, {"labels", {"a", "b", "c"}}});
  update(*macro, p, t);
  EXPECT_EQ(macro->compute().kind, Result::Kind::tensor);
  auto samplewise = create_metric(
      "MulticlassAccuracy", {{"num_classes", 3}, {"multidim_average", "samplewise"}, {"labels", {"a", "b", "c"}}});
  auto ps = buf<std::int32_t>({0, 1, 2, 2, 1, 0, 1, 1, 1}, {3, 3});
  auto ts = buf<std::int32_t>({0, 1, 2, 2, 2, 0, 1, 0, 1}, {3, 3});
  update(*samplewise, ps, ts);
  EXPECT_EQ(samplewise->compute().kind, Result::Kind::tensor);
}

TEST(ClassLabels, CurvesAndQueriesAreKeyedToo) {
  Data d = make_data(2, false);
  auto curve = multilabel("MultilabelPrecisionRecallCurve", {{"labels", {"a", "b", "c", "d"}}});
  update(*curve, d.preds, d.target);
  const Result& r = curve->compute();
  ASSERT_EQ(field(r, "precision").kind, Result::Kind::dict);
  EXPECT_EQ(field(r, "precision").fields[2].first, "c");
  Result best = curve->query("best_thresholds", Json::object());
  EXPECT_EQ(field(best, "threshold").fields[3].first, "d");
}

TEST(ClassLabels, BackgroundIsDroppedWhenExcluded) {
  auto m = create_metric("GeneralizedDiceScore", {{"num_classes", 3},
                                                  {"per_class", true},
                                                  {"include_background", false},
                                                  {"labels", {"void", "road", "car"}},
                                                  {"input_format", "index"}});
  auto p = buf<std::int32_t>({0, 1, 2, 2, 1, 0, 1, 2}, {2, 2, 2});
  auto t = buf<std::int32_t>({0, 1, 2, 1, 1, 0, 2, 2}, {2, 2, 2});
  update(*m, p, t);
  const Result& r = m->compute();
  ASSERT_EQ(r.kind, Result::Kind::dict);
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0].first, "road");
}

TEST(ClassLabels, BadLabelsAreRefused) {
  EXPECT_THROW(create_metric("MulticlassAccuracy", {{"num_classes", 3}, {"labels", {"a", "b"}}}), Error);
  EXPECT_THROW(create_metric("MulticlassAccuracy", {{"num_classes", 2}, {"labels", {"a", "a"}}}), Error);
  EXPECT_THROW(create_metric("MulticlassAccuracy", {{"num_classes", 2}, {"labels", {"a", 1}}}), Error);
  EXPECT_THROW(create_metric("BinaryAccuracy", {{"labels", {"no", "yes"}}}), Error);
  EXPECT_THROW(create_metric("Accuracy", {{"task", "binary"}, {"labels", {"no", "yes"}}}), Error);
  auto ok = create_metric("Accuracy", {{"task", "multilabel"}, {"num_labels", 2}, {"labels", {"x", "y"}}});
  EXPECT_EQ(ok->options_json()["labels"], Json({"x", "y"}));
}

}  // namespace
}  // namespace wasmetrics
