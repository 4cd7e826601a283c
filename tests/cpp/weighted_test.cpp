// Sample weights, over the registry: every metric whose update() takes `sample_weight` is checked
// on random data (FORMAT-weighted.md's weighting rule):
//   * integer weights equal repeating the rows (weight 0: the row dropped), unweighted;
//   * weights of 1 in some batches and none in others mix (the weighted and unweighted state layouts
//     merge, in update and in merge()), and a weighted state survives save/load;
//   * a negative, NaN or infinite weight, or one of the wrong length, is refused with the state
//     unchanged.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "fixture_io.hpp"
#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {
namespace {

bool takes_sample_weight(const MetricSpec& s) {
  for (auto& in : s.inputs)
    if (in.name == "sample_weight") return true;
  return false;
}

bool has_option(const MetricSpec& s, const std::string& name) {
  for (auto& o : s.options)
    if (o.name == name) return true;
  return false;
}

std::vector<std::string> weighted_metrics() {
  std::vector<std::string> out;
  for (auto& s : metric_specs())
    if (takes_sample_weight(s)) out.push_back(s.name);
  return out;
}

constexpr std::int64_t kClasses = 3;

// Options that make the metric constructible with the data below.
Json args_for(const MetricSpec& s) {
  Json a = Json::object();
  if (has_option(s, "task"))
    a["task"] = "binary";
  else if (has_option(s, "num_classes"))
    a["num_classes"] = kClasses;
  else if (has_option(s, "num_labels"))
    a["num_labels"] = kClasses;
  if (has_option(s, "beta")) a["beta"] = 2.0;
  for (const char* m : {"min_precision", "min_recall", "min_sensitivity", "min_specificity"})
    if (has_option(s, m)) a[m] = 0.5;
  return a;
}

enum class Kind { binary, multiclass, multilabel, regression };

Kind kind_of(const MetricSpec& s, const Json& args) {
  if (s.family == "regression") return Kind::regression;
  if (args.contains("num_classes")) return Kind::multiclass;
  if (args.contains("num_labels")) return Kind::multilabel;
  return Kind::binary;
}

// Rows of a batch, kept per row so they can be repeated.
struct Rows {
  Kind kind;
  std::vector<std::vector<float>> preds;
  std::vector<std::vector<std::int64_t>> target;
  std::vector<std::vector<float>> reg_target;  // regression
};

Rows random_rows(Kind kind, int n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Rows r{kind, {}, {}, {}};
  for (int i = 0; i < n; ++i) {
    if (kind == Kind::regression) {
      const float t = u(rng) * 4;
      r.preds.push_back({t + (u(rng) - 0.5f)});
      r.reg_target.push_back({t});
    } else if (kind == Kind::binary) {
      const std::int64_t t = u(rng) < 0.4f;
      r.preds.push_back({std::round((t ? 0.3f : 0.0f) + u(rng) * 0.7f * 16) / 16});  // ties on purpose
      r.target.push_back({t});
    } else if (kind == Kind::multiclass) {
      std::vector<float> p(kClasses);
      float sum = 0;
      for (auto& v : p) sum += v = u(rng) + 0.01f;
      for (auto& v : p) v /= sum;
      r.preds.push_back(p);
      r.target.push_back({static_cast<std::int64_t>(rng() % kClasses)});
    } else {
      std::vector<float> p(kClasses);
      std::vector<std::int64_t> t(kClasses);
      for (int l = 0; l < kClasses; ++l) {
        t[l] = u(rng) < 0.5f;
        p[l] = std::round((t[l] ? 0.2f : 0.0f) + u(rng) * 0.8f * 16) / 16;
      }
      r.preds.push_back(p);
      r.target.push_back(t);
    }
  }
  // every class / label positive and negative at least once (AUROC / AP defined)
  if (kind == Kind::binary && n >= 2) {
    r.target[0] = {1};
    r.target[1] = {0};
  }
  if (kind == Kind::multiclass)
    for (int c = 0; c < kClasses && c < n; ++c) r.target[static_cast<std::size_t>(c)] = {c};
  if (kind == Kind::multilabel && n >= 2)
    for (int l = 0; l < kClasses; ++l) {
      r.target[0][l] = 1;
      r.target[1][l] = 0;
    }
  return r;
}

struct Batch {
  Buf<float> preds;
  Buf<std::int64_t> target;
  Buf<float> reg_target;
  Buf<float> weight;
  std::vector<TensorView> views(bool weighted) const {
    std::vector<TensorView> v{preds.view(), reg_target.v.empty() ? target.view() : reg_target.view()};
    if (weighted) v.push_back(weight.view());
    return v;
  }
};

// The rows in `idx` order (repeats allowed) as one batch with the given weights.
Batch make_batch(const Rows& r, const std::vector<int>& idx, const std::vector<float>& w) {
  Batch b;
  const auto n = static_cast<std::int64_t>(idx.size());
  for (int i : idx) {
    b.preds.v.insert(b.preds.v.end(), r.preds[i].begin(), r.preds[i].end());
    if (r.kind == Kind::regression)
      b.reg_target.v.insert(b.reg_target.v.end(), r.reg_target[i].begin(), r.reg_target[i].end());
    else
      b.target.v.insert(b.target.v.end(), r.target[i].begin(), r.target[i].end());
  }
  switch (r.kind) {
    case Kind::regression:
      b.preds.shape = {n};
      b.reg_target.shape = {n};
      break;
    case Kind::binary:
      b.preds.shape = {n};
      b.target.shape = {n};
      break;
    case Kind::multiclass:
      b.preds.shape = {n, kClasses};
      b.target.shape = {n};
      break;
    case Kind::multilabel:
      b.preds.shape = {n, kClasses};
      b.target.shape = {n, kClasses};
      break;
  }
  b.weight = buf(w);
  return b;
}

Json result_json(const Result& r) {
  if (r.kind == Result::Kind::list) {
    Json a = Json::array();
    for (auto& i : r.items) a.push_back(result_json(i));
    return a;
  }
  if (r.kind == Result::Kind::dict) {
    Json o = Json::object();
    for (auto& [k, v] : r.fields) o[k] = result_json(v);
    return o;
  }
  Json data = Json::array();
  for (double v : r.tensor.data) data.push_back(std::isnan(v) ? Json("NaN") : Json(v));
  return {{"shape", r.tensor.shape}, {"data", data}};
}

class Weighted : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    spec_ = &find_metric(GetParam());
    args_ = args_for(*spec_);
    kind_ = kind_of(*spec_, args_);
  }
  std::unique_ptr<Metric> make() const { return create_metric(spec_->name, args_); }
  const MetricSpec* spec_ = nullptr;
  Json args_;
  Kind kind_ = Kind::binary;
};

TEST_P(Weighted, IntegerWeightsEqualRepeatedRows) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 3; ++trial) {
    const int n = 24;
    Rows rows = random_rows(kind_, n, rng);
    std::vector<int> all(n);
    std::vector<float> w(n);
    std::vector<int> repeated;
    for (int i = 0; i < n; ++i) {
      all[i] = i;
      w[i] = static_cast<float>(i < 4 ? 1 + i % 2 : rng() % 4);  // the rows that make every class defined keep w > 0
      for (int k = 0; k < static_cast<int>(w[i]); ++k) repeated.push_back(i);
    }
    // two weighted batches vs the repeated rows in one unweighted batch
    auto weighted = make();
    std::vector<int> first(all.begin(), all.begin() + n / 2), second(all.begin() + n / 2, all.end());
    Batch b1 = make_batch(rows, first, std::vector<float>(w.begin(), w.begin() + n / 2));
    Batch b2 = make_batch(rows, second, std::vector<float>(w.begin() + n / 2, w.end()));
    weighted->update(b1.views(true));
    weighted->update(b2.views(true));
    auto plain = make();
    Batch rep = make_batch(rows, repeated, {});
    plain->update(rep.views(false));
    const Json want = result_json(plain->compute());
    EXPECT_EQ(compare_result(weighted->compute(), want, 1e-5, 1e-4), "") << "trial " << trial;
  }
}

TEST_P(Weighted, LayoutsMixAndSurviveSaveLoad) {
  std::mt19937 rng(777);
  const int n = 20;
  Rows rows = random_rows(kind_, n, rng);
  std::vector<int> a, b;
  for (int i = 0; i < n; ++i) (i % 2 ? b : a).push_back(i);
  const std::vector<float> ones_a(a.size(), 1.0f), ones_b(b.size(), 1.0f);
  Batch ba = make_batch(rows, a, ones_a), bb = make_batch(rows, b, ones_b);
  auto plain = make();
  plain->update(ba.views(false));
  plain->update(bb.views(false));
  const Json want = result_json(plain->compute());
  // weighted then unweighted, and unweighted then weighted
  auto m1 = make();
  m1->update(ba.views(true));
  m1->update(bb.views(false));
  EXPECT_EQ(compare_result(m1->compute(), want, 1e-5, 1e-4), "");
  auto m2 = make();
  m2->update(ba.views(false));
  m2->update(bb.views(true));
  EXPECT_EQ(compare_result(m2->compute(), want, 1e-5, 1e-4), "");
  // merge() across layouts, both ways
  auto wa = make(), ub = make();
  wa->update(ba.views(true));
  ub->update(bb.views(false));
  auto into_unweighted = make();
  into_unweighted->update(bb.views(false));
  into_unweighted->merge(*wa);
  EXPECT_EQ(compare_result(into_unweighted->compute(), want, 1e-5, 1e-4), "");
  wa->merge(*ub);
  EXPECT_EQ(compare_result(wa->compute(), want, 1e-5, 1e-4), "");
  // a weighted state's blob loads into a fresh instance
  auto loaded = make();
  loaded->load_state(m1->save_state());
  EXPECT_EQ(compare_result(loaded->compute(), result_json(m1->compute()), 0, 0), "");
}

TEST_P(Weighted, BadWeightsAreRefusedStateUnchanged) {
  std::mt19937 rng(99);
  const int n = 12;
  Rows rows = random_rows(kind_, n, rng);
  std::vector<int> idx(n);
  for (int i = 0; i < n; ++i) idx[i] = i;
  auto m = make();
  Batch good = make_batch(rows, idx, std::vector<float>(n, 0.5f));
  m->update(good.views(true));
  const std::vector<std::uint8_t> before = m->save_state();
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (float bad : {-1.0f, -1e-30f, nan, inf}) {
    std::vector<float> w(n, 1.0f);
    w[5] = bad;
    Batch b = make_batch(rows, idx, w);
    EXPECT_THROW(m->update(b.views(true)), Error) << "weight " << bad;
    EXPECT_EQ(m->save_state(), before) << "weight " << bad;
  }
  for (int len : {n - 1, n + 1}) {
    Batch b = make_batch(rows, idx, std::vector<float>(static_cast<std::size_t>(len), 1.0f));
    EXPECT_THROW(m->update(b.views(true)), Error) << "length " << len;
    EXPECT_EQ(m->save_state(), before) << "length " << len;
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, Weighted, ::testing::ValuesIn(weighted_metrics()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

TEST(WeightedRegistry, CoversTheWeightedFamilies) {
  // the metrics the sample-weight work made weighted: a regression of the registry shows here
  const auto names = weighted_metrics();
  for (const char* want :
       {"BinaryAccuracy", "MulticlassF1Score", "MultilabelPrecision", "MulticlassConfusionMatrix", "BinaryAUROC",
        "MultilabelAveragePrecision", "MeanSquaredError", "R2Score", "BinaryBrierScore", "MulticlassLogLoss"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
}

}  // namespace
}  // namespace wasmetrics::testing
