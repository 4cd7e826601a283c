// Regression metrics beyond the conformance fixtures and the contract test (contract_test.cpp:
// merge, split, save/load for every metric's examples): R2's compacted state, a rejected update
// that changes nothing, and the pair counting of KendallRankCorrCoef against TorchMetrics'
// all-pairs definition.
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "error_of.hpp"
#include "fixture_io.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::error_of;
using testing::Json;

// Rows of [n, k] float64 data.
struct Data {
  std::vector<double> p, t;
  std::int64_t k = 1;
  bool flat = true;  // [n] instead of [n, 1] when k == 1

  std::int64_t rows() const { return static_cast<std::int64_t>(p.size()) / k; }
  Shape shape() const { return flat && k == 1 ? Shape{rows()} : Shape{rows(), k}; }
  std::vector<TensorView> views() const {
    return {TensorView{p.data(), DType::float64, shape()}, TensorView{t.data(), DType::float64, shape()}};
  }
  Data slice(std::int64_t from, std::int64_t to) const {
    Data d;
    d.k = k;
    d.flat = flat;
    d.p.assign(p.begin() + from * k, p.begin() + to * k);
    d.t.assign(t.begin() + from * k, t.begin() + to * k);
    return d;
  }
};

// Correlated data whose two halves have very different means (as the *_trap fixtures), with ties.
Data make_data(std::int64_t n, std::int64_t k, unsigned seed, bool ties = true) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  Data d;
  d.k = k;
  for (std::int64_t i = 0; i < n; ++i) {
    const double offset = i < n / 2 ? -1000.0 : 1000.0;
    for (std::int64_t j = 0; j < k; ++j) {
      double t = offset + noise(rng);
      double p = t + 0.3 * noise(rng) + 0.1 * static_cast<double>(j);
      if (ties) {
        t = std::round(t * 4) / 4;
        p = std::round(p * 4) / 4;
      }
      d.t.push_back(t);
      d.p.push_back(p);
    }
  }
  return d;
}

std::vector<double> flatten(const Result& r) {
  if (r.kind == Result::Kind::tensor) return r.tensor.data;
  std::vector<double> out;
  for (auto& [name, field] : r.fields) {
    auto v = flatten(field);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

void expect_close(const Result& got, const Result& want, double rtol, const std::string& what) {
  auto a = flatten(got), b = flatten(want);
  ASSERT_EQ(a.size(), b.size()) << what;
  ASSERT_EQ(got.kind, want.kind) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(b[i])) {
      EXPECT_TRUE(std::isnan(a[i])) << what << "[" << i << "]";
      continue;
    }
    EXPECT_NEAR(a[i], b[i], rtol * std::max(1.0, std::fabs(b[i]))) << what << "[" << i << "]";
  }
}

TEST(RegressionMerge, R2StateStaysSmallOverManyUpdates) {
  auto m = create_metric("R2Score", {{"multioutput", "raw_values"}});
  const Data all = make_data(400, 3, 3);
  for (std::int64_t r = 0; r < 400; r += 2) m->update(all.slice(r, r + 2).views());
  // One compacted row per output plus the last batch's rows, whatever the number of updates.
  EXPECT_LE(m->state().byte_size(), 2u * 3u * 7u * sizeof(double));
  auto whole = create_metric("R2Score", {{"multioutput", "raw_values"}});
  whole->update(all.views());
  expect_close(m->compute(), whole->compute(), 1e-10, "R2Score after 200 updates");
}

TEST(RegressionState, BlobOfOtherOptionsIsRefused) {
  auto a = create_metric("KendallRankCorrCoef", {{"variant", "a"}});
  auto b = create_metric("KendallRankCorrCoef", {{"variant", "b"}});
  a->update(make_data(10, 1, 1).views());
  EXPECT_THROW(b->load_state(a->save_state()), Error);
}

// The engine keeps the state of a batch that update_state() rejects out; R2Score and
// ExplainedVariance also reject, in merge_custom, a batch whose width differs from the earlier ones.
TEST(RegressionRejectedUpdate, LeavesComputeUnchanged) {
  const Data good1 = make_data(20, 1, 1, false);
  const Data good3 = make_data(20, 3, 2, false);

  auto check = [](const std::string& metric, const Json& options, const Data& good, const std::vector<TensorView>& bad,
                  const std::string& expect_in_message) {
    auto m = create_metric(metric, options);
    m->update(good.views());
    const Result before = m->compute();
    const auto blob = m->save_state();
    const std::string msg = error_of([&] { m->update(bad); });
    EXPECT_NE(msg.find(metric), std::string::npos) << msg;
    EXPECT_NE(msg.find(expect_in_message), std::string::npos) << metric << ": " << msg;
    expect_close(m->compute(), before, 0.0, metric + " after a rejected update");
    EXPECT_EQ(m->save_state(), blob) << metric;
    EXPECT_THROW(m->forward(bad), Error) << metric;
    EXPECT_EQ(m->save_state(), blob) << metric << " after a rejected forward";
  };

  // R2Score / ExplainedVariance: 3 outputs, then a batch with 2.
  const Data two = make_data(5, 2, 9, false);
  check("R2Score", Json::object(), good3, two.views(), "2 outputs");
  check("ExplainedVariance", Json::object(), good3, two.views(), "2 outputs");
  // Shapes that differ, or do not fit num_outputs.
  Data short_target = good1;
  short_target.t.pop_back();
  std::vector<TensorView> mismatched = {TensorView{good1.p.data(), DType::float64, {20}},
                                        TensorView{short_target.t.data(), DType::float64, {19}}};
  check("PearsonCorrCoef", Json::object(), good1, mismatched, "same shape");
  check("PearsonCorrCoef", {{"num_outputs", 3}}, good3, good1.views(), "num_outputs=3");
  check("KendallRankCorrCoef", {{"num_outputs", 3}}, good3, good1.views(), "num_outputs=3");
  // Spearman takes floating point only.
  std::vector<std::int64_t> ints = {1, 2, 3};
  std::vector<TensorView> int_views = {TensorView{ints.data(), DType::int64, {3}},
                                       TensorView{ints.data(), DType::int64, {3}}};
  check("SpearmanCorrCoef", Json::object(), good1, int_views, "floating point");
  // Tweedie's domain: power 2 needs positive inputs.
  Data positive = good1;
  for (auto& v : positive.p) v = std::fabs(v) + 1;
  for (auto& v : positive.t) v = std::fabs(v) + 1;
  Data negative = positive;
  negative.p[3] = -1;
  check("TweedieDevianceScore", {{"power", 2}}, positive, negative.views(), "strictly positive");
}

TEST(RegressionOptions, InvalidOptionsAreRejectedAtConstruction) {
  auto msg = error_of([] { create_metric("MinkowskiDistance", Json::object()); });
  EXPECT_NE(msg.find("'p' is required"), std::string::npos) << msg;
  msg = error_of([] { create_metric("MinkowskiDistance", {{"p", 0.5}}); });
  EXPECT_NE(msg.find("0.5"), std::string::npos) << msg;
  msg = error_of([] { create_metric("TweedieDevianceScore", {{"power", 0.5}}); });
  EXPECT_NE(msg.find("power=0.5"), std::string::npos) << msg;
  msg = error_of([] { create_metric("KendallRankCorrCoef", {{"t_test", true}, {"alternative", nullptr}}); });
  EXPECT_NE(msg.find("alternative"), std::string::npos) << msg;
  EXPECT_NO_THROW(create_metric("KendallRankCorrCoef", {{"t_test", false}, {"alternative", nullptr}}));
  msg = error_of([] { create_metric("R2Score", {{"adjusted", -1}}); });
  EXPECT_NE(msg.find("adjusted"), std::string::npos) << msg;
  msg = error_of([] { create_metric("CosineSimilarity", {{"reduction", "max"}}); });
  EXPECT_NE(msg.find("got \"max\""), std::string::npos) << msg;
}

// TorchMetrics counts concordant/discordant pairs over all n² pairs; this checks the O(n log n)
// counting against that definition, with ties and NaN, through tau-a = (C - D) / (C + D).
TEST(RegressionKendall, PairCountsMatchAllPairs) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> small(0, 6);
  for (int trial = 0; trial < 20; ++trial) {
    Data d;
    for (int i = 0; i < 37; ++i) {
      d.p.push_back(small(rng));
      d.t.push_back(small(rng));
    }
    if (trial % 3 == 0) d.p[5] = NAN;
    if (trial % 4 == 0) d.t[11] = NAN;
    long c = 0, dis = 0;
    for (std::size_t i = 0; i < d.p.size(); ++i)
      for (std::size_t j = i + 1; j < d.p.size(); ++j) {
        const double s = (d.p[i] - d.p[j]) * (d.t[i] - d.t[j]);
        c += s > 0;
        dis += s < 0;
      }
    auto m = create_metric("KendallRankCorrCoef", {{"variant", "a"}});
    m->update(d.views());
    const double want = static_cast<double>(c - dis) / static_cast<double>(c + dis);
    EXPECT_NEAR(m->compute().tensor.data.at(0), want, 1e-12) << "trial " << trial;
  }
}

// QUIRKS "Other 0/0 outcomes": a constant input gives NaN (Pearson, Concordance) or the exact-zero
// branch (R2: 0, ExplainedVariance: 0), also when the constant's sum rounds (0.1 * n) and it comes
// in batches of different sizes, merged.
TEST(RegressionCompute, ConstantInputIsExactlyDegenerate) {
  const Data data = make_data(23, 1, 8, false);
  Data constant_preds = data, constant_target = data;
  for (auto& v : constant_preds.p) v = 0.1;
  for (auto& v : constant_target.t) v = 0.1;
  auto feed = [](const std::string& metric, const Data& d) {
    auto a = create_metric(metric, Json::object());
    auto b = create_metric(metric, Json::object());
    a->update(d.slice(0, 3).views());
    a->update(d.slice(3, 10).views());
    b->update(d.slice(10, 23).views());
    a->merge(*b);
    return a->compute().tensor.data.at(0);
  };
  EXPECT_TRUE(std::isnan(feed("PearsonCorrCoef", constant_preds)));
  EXPECT_TRUE(std::isnan(feed("PearsonCorrCoef", constant_target)));
  EXPECT_TRUE(std::isnan(feed("ConcordanceCorrCoef", constant_target)));
  EXPECT_EQ(feed("R2Score", constant_target), 0.0);
  EXPECT_EQ(feed("ExplainedVariance", constant_target), 0.0);
  EXPECT_EQ(feed("SpearmanCorrCoef", constant_target), 0.0);
  EXPECT_TRUE(std::isnan(feed("KendallRankCorrCoef", constant_target)));
}

// The one-column float path (regression/batch_moments.cpp) sums x, y, x², y², xy in one pass and
// falls back to centred passes when that would lose precision: data far from 0 relative to its
// spread (R3's offset 1e4, spread 0.5), a first element far out, a constant column. Each must
// match the moments computed in long double from the same float32 values.
TEST(RegressionCompute, OnePassMomentsKeepTheirPrecision) {
  struct Case {
    const char* what;
    double offset, spread, first;  // first: x[0]'s distance from the offset (an outlier when large)
  };
  const Case cases[] = {{"centred", 0, 1, 0},
                        {"offset 1e4", 1e4, 0.5, 0},
                        {"offset 1e4, outlier first", 1e4, 0.5, 300},
                        {"offset -3e3, wide", -3e3, 50, 0},
                        {"outlier first only", 0, 1, 5e3}};
  std::mt19937 rng(11);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (const Case& c : cases) {
    const std::int64_t n = 3001;
    std::vector<float> p(n), t(n);
    for (std::int64_t i = 0; i < n; ++i) {
      const double base = c.offset + c.spread * noise(rng) + (i == 0 ? c.first : 0.0);
      t[i] = static_cast<float>(base);
      p[i] = static_cast<float>(base + 0.3 * c.spread * noise(rng));
    }
    long double sp = 0, st = 0;
    for (std::int64_t i = 0; i < n; ++i) sp += p[i], st += t[i];
    const long double mp = sp / n, mt = st / n;
    long double spp = 0, stt = 0, spt = 0, rss = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const long double dp = p[i] - mp, dt = t[i] - mt, e = static_cast<long double>(t[i]) - p[i];
      spp += dp * dp, stt += dt * dt, spt += dp * dt, rss += e * e;
    }
    const double pearson = static_cast<double>(spt / std::sqrt(spp * stt));
    const double r2 = static_cast<double>(1 - rss / stt);
    auto feed = [&](const char* metric) {
      auto m = create_metric(metric, Json::object());
      for (std::int64_t from : {0, 1000, 2200}) {  // three batches, the first holding x[0]
        const std::int64_t to = from == 0 ? 1000 : from == 1000 ? 2200 : n;
        const std::vector<TensorView> batch{TensorView{p.data() + from, DType::float32, {to - from}},
                                            TensorView{t.data() + from, DType::float32, {to - from}}};
        m->update(batch);
      }
      return m->compute().tensor.data.at(0);
    };
    EXPECT_NEAR(feed("PearsonCorrCoef"), pearson, 1e-9) << c.what;
    EXPECT_NEAR(feed("R2Score"), r2, 1e-9) << c.what;
  }
  // a constant float32 column: exactly degenerate in one batch too
  std::vector<float> p(101, 0.1f), t(101);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(i % 7);
  const std::vector<TensorView> pt{TensorView{p.data(), DType::float32, {101}},
                                   TensorView{t.data(), DType::float32, {101}}};
  const std::vector<TensorView> tp{pt[1], pt[0]};
  auto pearson = create_metric("PearsonCorrCoef", Json::object());
  pearson->update(pt);
  EXPECT_TRUE(std::isnan(pearson->compute().tensor.data.at(0)));
  auto r2 = create_metric("R2Score", Json::object());
  r2->update(tp);
  EXPECT_EQ(r2->compute().tensor.data.at(0), 0.0);
}

TEST(RegressionCompute, ListStateMetricsNeedAnUpdate) {
  for (const char* name : {"SpearmanCorrCoef", "KendallRankCorrCoef", "CosineSimilarity"}) {
    auto m = create_metric(name, Json::object());
    EXPECT_THROW(m->compute(), Error) << name;
  }
  auto r2 = create_metric("R2Score", Json::object());
  const auto msg = error_of([&] { r2->compute(); });
  EXPECT_NE(msg.find("at least two samples"), std::string::npos) << msg;
}

}  // namespace
}  // namespace wasmetrics
