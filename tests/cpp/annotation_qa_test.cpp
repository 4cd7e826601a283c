// Nominal, clustering and agreement metrics beyond the conformance fixtures: sparse states stay as
// small as the mathematics allows and merge exactly in any order, save/load round-trips, errors
// the clustering metrics defer to compute(), and the expected mutual information (AMI) against the
// direct scikit-learn sum, with a timing on thousands of clusters.
#include <chrono>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/clustering/expected_mutual_info.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/keyed_counts.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::buf;

double value_of(Metric& m) { return m.compute().tensor.data.at(0); }

std::vector<std::int64_t> random_ids(std::mt19937& rng, std::size_t n, std::int64_t lo, std::int64_t hi) {
  std::uniform_int_distribution<std::int64_t> d(lo, hi);
  std::vector<std::int64_t> out(n);
  for (auto& v : out) v = d(rng);
  return out;
}

TEST(KeyedCounts, CompactionSumsDuplicatesAndDropsZeros) {
  std::vector<std::int64_t> rows = {5, 1, 2, -3, 2, 4, 5, 1, 3, 7, 7, 0};
  auto out = compacted_rows(rows, 3);
  EXPECT_EQ(out, (std::vector<std::int64_t>{-3, 2, 4, 5, 1, 5}));
}

TEST(ExtrinsicClustering, StateHoldsDistinctPairsNotSamples) {
  std::mt19937 rng(7);
  auto m = create_metric("AdjustedRandScore", Json::object());
  for (int b = 0; b < 20; ++b) {
    auto p = buf(random_ids(rng, 5000, -3, 6));     // 10 pred clusters
    auto t = buf(random_ids(rng, 5000, 100, 104));  // 5 target clusters
    testing::update(*m, p, t);
  }
  // 100 000 samples; at most 50 distinct pairs held after compaction plus one batch's rows.
  EXPECT_LE(m->state()["pairs"].shape[0], 100);
  EXPECT_LT(m->state().byte_size(), 100 * 24 + 64);
}

TEST(ExtrinsicClustering, MergeInAnyOrderEqualsOneInstance) {
  std::mt19937 rng(11);
  for (const char* name : {"MutualInfoScore", "AdjustedMutualInfoScore", "RandScore", "AdjustedRandScore",
                           "FowlkesMallowsIndex", "HomogeneityScore", "NormalizedMutualInfoScore"}) {
    auto p = random_ids(rng, 600, 0, 7), t = random_ids(rng, 600, -2, 4);
    auto whole = create_metric(name, Json::object());
    testing::update(*whole, buf(p), buf(t));
    auto a = create_metric(name, Json::object()), b = create_metric(name, Json::object());
    std::vector<std::int64_t> p1(p.begin(), p.begin() + 250), t1(t.begin(), t.begin() + 250);
    std::vector<std::int64_t> p2(p.begin() + 250, p.end()), t2(t.begin() + 250, t.end());
    testing::update(*a, buf(p2), buf(t2));
    testing::update(*b, buf(p1), buf(t1));
    b->merge(*a);
    EXPECT_NEAR(value_of(*b), value_of(*whole), 1e-12) << name;
    auto c = create_metric(name, Json::object());
    c->load_state(b->save_state());
    EXPECT_NEAR(value_of(*c), value_of(*whole), 1e-12) << name;
  }
}

// TorchMetrics refuses the Python int `beta=1`; here 1 is the number 1.0 (QUIRKS.md C2), so it gives
// the default's value, and a non-positive beta is refused at construction as TorchMetrics does.
TEST(VMeasureScore, IntegerBetaIsTheNumberAndNonPositiveIsRefused) {
  std::mt19937 rng(3);
  auto p = random_ids(rng, 200, 0, 5), t = random_ids(rng, 200, 0, 3);
  auto as_int = create_metric("VMeasureScore", Json::parse(R"({"beta": 1})"));
  auto as_default = create_metric("VMeasureScore", Json::object());
  auto as_two = create_metric("VMeasureScore", Json::parse(R"({"beta": 2.0})"));
  for (auto* m : {as_int.get(), as_default.get(), as_two.get()}) testing::update(*m, buf(p), buf(t));
  EXPECT_EQ(value_of(*as_int), value_of(*as_default));
  EXPECT_NE(value_of(*as_two), value_of(*as_default));
  EXPECT_THROW(create_metric("VMeasureScore", Json::parse(R"({"beta": 0})")), Error);
  EXPECT_THROW(create_metric("VMeasureScore", Json::parse(R"({"beta": -0.5})")), Error);
}

TEST(ExtrinsicClustering, BadIdsAreReportedAtCompute) {
  auto m = create_metric("MutualInfoScore", Json::object());
  auto p = buf(std::vector<float>{0, 1, 1});
  auto t = buf(std::vector<std::int64_t>{0, 1, 1});
  EXPECT_NO_THROW(testing::update(*m, p, t));
  try {
    m->compute();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos) << e.what();
  }
  m->reset();
  testing::update(*m, buf(std::vector<std::int64_t>{0, 1, 1}), t);
  // identical labelings: MI = H = -(1/3 log 1/3 + 2/3 log 2/3)
  EXPECT_NEAR(value_of(*m), -(std::log(1.0 / 3) / 3 + 2 * std::log(2.0 / 3) / 3), 1e-12);
}

// scikit-learn's expected_mutual_information, term by term with log-gamma (the definition).
double emi_direct(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b, std::int64_t n) {
  const double nn = static_cast<double>(n);
  double emi = 0;
  for (auto ai : a)
    for (auto bj : b) {
      const double x = static_cast<double>(ai), y = static_cast<double>(bj);
      for (double k = std::max(1.0, x + y - nn); k <= std::min(x, y); ++k) {
        const double gln = std::lgamma(x + 1) + std::lgamma(y + 1) + std::lgamma(nn - x + 1) + std::lgamma(nn - y + 1) -
                           std::lgamma(nn + 1) - std::lgamma(k + 1) - std::lgamma(x - k + 1) - std::lgamma(y - k + 1) -
                           std::lgamma(nn - x - y + k + 1);
        emi += k / nn * std::log(nn * k / (x * y)) * std::exp(gln);
      }
    }
  return emi;
}

std::vector<std::int64_t> sizes_of(const std::vector<std::int64_t>& ids, std::int64_t clusters) {
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(clusters), 0);
  for (auto v : ids) ++sizes[static_cast<std::size_t>(v)];
  std::erase(sizes, 0);
  return sizes;
}

TEST(ExpectedMutualInfo, EqualsTheDirectSum) {
  std::mt19937 rng(3);
  for (auto [n, ka, kb] : {std::tuple{40, 3, 5}, {500, 20, 7}, {3000, 300, 250}, {2000, 2, 1500}}) {
    auto a = sizes_of(random_ids(rng, static_cast<std::size_t>(n), 0, ka - 1), ka);
    // skewed sizes on the other side: geometric-ish ids
    std::geometric_distribution<std::int64_t> g(3.0 / kb);
    std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
    for (auto& v : ids) v = std::min<std::int64_t>(g(rng), kb - 1);
    auto b = sizes_of(ids, kb);
    const double fast = clustering::expected_mutual_info(a, b, n), direct = emi_direct(a, b, n);
    EXPECT_NEAR(fast, direct, 1e-12 * std::max(1.0, std::abs(direct))) << n << " " << ka << " " << kb;
  }
}

// Thousands of clusters on each side: the exact E[MI] in well under a second (bench note: ~0.1 s
// native for 5000 x 4000 clusters over 200 000 samples on the development machine; the direct sum
// would take Σ_ij min(a_i, b_j) ≈ 10^8 log-gamma quadruples).
TEST(ExpectedMutualInfo, ThousandsOfClustersAreFast) {
  std::mt19937 rng(5);
  const std::int64_t n = 200000;
  auto a = sizes_of(random_ids(rng, n, 0, 4999), 5000);
  std::vector<std::int64_t> ids(n);
  std::geometric_distribution<std::int64_t> g(1.0 / 400);
  for (auto& v : ids) v = std::min<std::int64_t>(g(rng), 3999);
  auto b = sizes_of(ids, 4000);
  const auto start = std::chrono::steady_clock::now();
  const double emi = clustering::expected_mutual_info(a, b, n);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("emi_seconds", std::to_string(seconds));
  std::printf("[ bench    ] E[MI] of %zu x %zu clusters, N = %lld: %.3f s\n", a.size(), b.size(),
              static_cast<long long>(n), seconds);
  EXPECT_GT(emi, 0);
  EXPECT_LT(seconds, 5.0);
}

TEST(CalinskiHarabasz, PerClusterMomentsMergeExactly) {
  std::mt19937 rng(9);
  std::normal_distribution<double> noise(0, 1);
  const std::int64_t n = 900, d = 3;
  std::vector<double> data(static_cast<std::size_t>(n * d));
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    labels[static_cast<std::size_t>(i)] = i % 4 * 1000 - 7;
    for (std::int64_t k = 0; k < d; ++k)
      data[static_cast<std::size_t>(i * d + k)] = 1e3 + noise(rng) + static_cast<double>(i % 4) * (k + 1);
  }
  auto whole = create_metric("CalinskiHarabaszScore", Json::object());
  testing::update(*whole, buf(data, {n, d}), buf(labels));
  auto parts = create_metric("CalinskiHarabaszScore", Json::object());
  for (std::int64_t from = 0; from < n; from += 100) {
    std::vector<double> dp(data.begin() + from * d, data.begin() + (from + 100) * d);
    std::vector<std::int64_t> lp(labels.begin() + from, labels.begin() + from + 100);
    testing::update(*parts, buf(dp, {100, d}), buf(lp));
  }
  EXPECT_NEAR(value_of(*parts), value_of(*whole), 1e-9 * value_of(*whole));
  // 4 clusters compacted + the last batch's 4 rows, never one row per sample
  EXPECT_LE(parts->state()["cluster_ids"].shape[0], 8);
}

TEST(KrippendorffAlpha, BatchOrderAndMergeDoNotChangeTheValue) {
  std::mt19937 rng(13);
  std::uniform_int_distribution<int> v(0, 4), miss(0, 4);
  std::vector<double> r(60 * 5);
  for (auto& x : r) x = miss(rng) == 0 ? NAN : v(rng);
  for (const char* level : {"nominal", "ordinal", "interval", "ratio"}) {
    Json args = {{"level_of_measurement", level}};
    auto whole = create_metric("KrippendorffAlpha", args);
    std::vector<TensorView> all{TensorView{r.data(), DType::float64, {60, 5}}};
    whole->update(all);
    auto a = create_metric("KrippendorffAlpha", args), b = create_metric("KrippendorffAlpha", args);
    std::vector<TensorView> first{TensorView{r.data(), DType::float64, {25, 5}}};
    std::vector<TensorView> second{TensorView{r.data() + 125, DType::float64, {35, 5}}};
    a->update(second);
    b->update(first);
    a->merge(*b);
    EXPECT_NEAR(value_of(*a), value_of(*whole), 1e-12) << level;
  }
}

TEST(KrippendorffAlpha, RefusesAnotherNumberOfCodersAndKeepsItsState) {
  auto m = create_metric("KrippendorffAlpha", Json::object());
  std::vector<double> r3 = {0, 0, 1, 1, 1, 0}, r2 = {0, 1, 1, 1};
  std::vector<TensorView> three{TensorView{r3.data(), DType::float64, {2, 3}}};
  std::vector<TensorView> two{TensorView{r2.data(), DType::float64, {2, 2}}};
  m->update(three);
  const double before = value_of(*m);
  EXPECT_THROW(m->update(two), Error);
  EXPECT_EQ(value_of(*m), before);
}

}  // namespace
}  // namespace wasmetrics

namespace wasmetrics {
namespace {

Result query_of(Metric& m, const char* name, Json args) { return m.query(name, args); }

TEST(KrippendorffAlphaBootstrap, SeededReproducibleAndAroundAlpha) {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> noise(0, 9);
  std::vector<double> r(80 * 3);
  for (std::size_t u = 0; u < 80; ++u)
    for (std::size_t c = 0; c < 3; ++c) r[u * 3 + c] = noise(rng) < 7 ? static_cast<double>(u % 4) : noise(rng) % 4;
  auto m = create_metric("KrippendorffAlpha", Json{{"level_of_measurement", "nominal"}});
  std::vector<TensorView> in{TensorView{r.data(), DType::float64, {80, 3}}};
  m->update(in);
  const double alpha = m->compute().tensor.data[0];
  auto a = query_of(*m, "bootstrap", Json{{"n_resamples", 2000}, {"seed", 42}});
  auto b = query_of(*m, "bootstrap", Json{{"n_resamples", 2000}, {"seed", 42}});
  auto c = query_of(*m, "bootstrap", Json{{"n_resamples", 2000}, {"seed", 43}});
  const double lo = a.field("lower")->tensor.data[0], hi = a.field("upper")->tensor.data[0];
  EXPECT_EQ(a.field("alpha")->tensor.data[0], alpha);
  EXPECT_EQ(lo, b.field("lower")->tensor.data[0]);  // same seed, same interval
  EXPECT_EQ(hi, b.field("upper")->tensor.data[0]);
  EXPECT_NE(lo, c.field("lower")->tensor.data[0]);  // another seed, another draw
  EXPECT_LT(lo, alpha);
  EXPECT_GT(hi, alpha);
  EXPECT_LT(hi - lo, 0.4);
  // 80 units x 3 coders: 3 pairs per unit are resampled each time.
  EXPECT_EQ(a.field("pairs_per_resample")->tensor.data[0], 240);
  // The bootstrap mean sits near alpha (resampling the coincidences keeps D_o's expectation).
  EXPECT_NEAR(a.field("bootstrap_mean")->tensor.data[0], alpha, 0.02);
}

TEST(KrippendorffAlphaBootstrap, ShareBelowAMinimumMatchesTheInterval) {
  std::mt19937 rng(29);
  std::uniform_int_distribution<int> noise(0, 9);
  std::vector<double> r(120 * 3);
  for (std::size_t u = 0; u < 120; ++u)
    for (std::size_t c = 0; c < 3; ++c) r[u * 3 + c] = noise(rng) < 6 ? static_cast<double>(u % 3) : noise(rng) % 3;
  auto m = create_metric("KrippendorffAlpha", Json::object());
  std::vector<TensorView> in{TensorView{r.data(), DType::float64, {120, 3}}};
  m->update(in);
  auto ci = query_of(*m, "bootstrap", Json{{"n_resamples", 4000}, {"seed", 1}});
  const double lo = ci.field("lower")->tensor.data[0], hi = ci.field("upper")->tensor.data[0];
  // The default minimums are Krippendorff's 0.667 and 0.8.
  EXPECT_EQ(ci.field("min_alpha")->tensor.data, (std::vector<double>{0.667, 0.8}));
  // The 95% interval's ends are the 2.5% and 97.5% quantiles of the same resamples: the share strictly
  // below an end is at most that, the share at or below it at least (resampled alphas tie often).
  const double eps = 1e-9;
  auto q = query_of(*m, "bootstrap",
                    Json{{"n_resamples", 4000}, {"seed", 1}, {"min_alpha", {-1.0, lo, lo + eps, hi, hi + eps, 1.0}}});
  const auto& below = q.field("p_below")->tensor.data;
  ASSERT_EQ(below.size(), 6u);
  EXPECT_EQ(below[0], 0.0);
  EXPECT_LE(below[1], 0.025 + 1e-12);
  EXPECT_GE(below[2], 0.025 - 1e-12);
  EXPECT_LE(below[3], 0.975 + 1e-12);
  EXPECT_GE(below[4], 0.975 - 1e-12);
  EXPECT_GT(below[3], below[2]);
  EXPECT_EQ(below[5], 1.0);
  EXPECT_THROW(query_of(*m, "bootstrap", Json{{"min_alpha", {2.0}}}), Error);
}

// 4 units x 3 raters: [0 0 0], [0 0 1], [1 2 -], [2 2 1] (worked by hand below).
std::vector<double> small_panel() { return {0, 0, 0, 0, 0, 1, 1, 2, NAN, 2, 2, 1}; }

TEST(CohenKappaMatrix, RawAgreementAndAgreementWithTheOthersMajority) {
  auto r = small_panel();
  auto m = create_metric("CohenKappaMatrix", Json{{"num_classes", 3}});
  std::vector<TensorView> in{TensorView{r.data(), DType::float64, {4, 3}}};
  m->update(in);
  const Result a = m->query("agreement", Json::object());
  // Pairs (0,1): same on units 0, 1, 3 of 4; (0,2) and (1,2): same on unit 0 of the 3 both rated.
  EXPECT_EQ(a.field("raw_agreement")->tensor.data,
            (std::vector<double>{1, 0.75, 1.0 / 3, 0.75, 1, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1}));
  // Rater 0: the others agree on 0 at unit 0 (agrees), say 2 at unit 2 (disagrees), tie at units 1 and 3.
  // Rater 2: the others' majority is 0, 0, 2 at units 0, 1, 3: agrees once.
  EXPECT_EQ(a.field("with_consensus")->tensor.data, (std::vector<double>{0.5, 0.5, 1.0 / 3}));
  EXPECT_EQ(a.field("consensus_units")->tensor.data, (std::vector<double>{2, 2, 3}));
  EXPECT_EQ(a.field("no_majority_units")->tensor.data, (std::vector<double>{2, 2, 0}));
  // Split into two updates and merged: the same.
  auto b = create_metric("CohenKappaMatrix", Json{{"num_classes", 3}}),
       c = create_metric("CohenKappaMatrix", Json{{"num_classes", 3}});
  std::vector<TensorView> first{TensorView{r.data(), DType::float64, {1, 3}}},
      rest{TensorView{r.data() + 3, DType::float64, {3, 3}}};
  b->update(rest);
  c->update(first);
  c->merge(*b);
  EXPECT_EQ(c->query("agreement", Json::object()).field("with_consensus")->tensor.data,
            a.field("with_consensus")->tensor.data);
}

TEST(MajorityVote, EntropyAndTheMostContestedUnitsFirst) {
  auto r = small_panel();
  auto m = create_metric("MajorityVote", Json{{"num_classes", 3}});
  std::vector<TensorView> in{TensorView{r.data(), DType::float64, {4, 3}}};
  m->update(in);
  const double h = std::log2(3.0) - 2.0 / 3;  // votes (2/3, 1/3)
  const auto& entropy = m->compute().field("entropy")->tensor.data;
  ASSERT_EQ(entropy.size(), 4u);
  EXPECT_EQ(entropy[0], 0.0);
  EXPECT_NEAR(entropy[1], h, 1e-15);
  EXPECT_NEAR(entropy[2], 1.0, 1e-15);
  EXPECT_NEAR(entropy[3], h, 1e-15);
  const Result top = m->query("most_contested", Json{{"k", 3}});
  // Unit 2 (a 1-1 tie) first; units 1 and 3 tie on entropy and dissent: unit order.
  EXPECT_EQ(top.field("units")->tensor.data, (std::vector<double>{2, 1, 3}));
  EXPECT_NEAR(top.field("dissent")->tensor.data[0], 0.5, 1e-15);
  EXPECT_NEAR(top.field("dissent")->tensor.data[1], 1.0 / 3, 1e-15);
  EXPECT_EQ(m->query("most_contested", Json::object()).field("units")->tensor.data, (std::vector<double>{2, 1, 3, 0}));
}

TEST(CohenKappaMatrix, PairsEqualCohenKappaRatersAndSkipMissing) {
  std::mt19937 rng(23);
  std::uniform_int_distribution<int> cls(0, 3), miss(0, 6);
  const std::int64_t units = 50, raters = 4;
  std::vector<double> r(static_cast<std::size_t>(units * raters));
  for (auto& x : r) x = miss(rng) == 0 ? NAN : cls(rng);
  for (const char* w : {"linear", "quadratic"}) {
    auto m = create_metric("CohenKappaMatrix", Json{{"num_classes", 4}, {"weights", w}});
    std::vector<TensorView> in{TensorView{r.data(), DType::float64, {units, raters}}};
    m->update(in);
    const auto& k = m->compute().tensor;
    ASSERT_EQ(k.shape, (Shape{raters, raters}));
    for (std::int64_t a = 0; a < raters; ++a)
      for (std::int64_t b = a + 1; b < raters; ++b) {
        std::vector<std::int64_t> pair;  // the units both rated
        for (std::int64_t u = 0; u < units; ++u) {
          const double x = r[static_cast<std::size_t>(u * raters + a)], y = r[static_cast<std::size_t>(u * raters + b)];
          if (!std::isnan(x) && !std::isnan(y))
            pair.insert(pair.end(), {static_cast<std::int64_t>(x), static_cast<std::int64_t>(y)});
        }
        auto cohen = create_metric("CohenKappaRaters", Json{{"num_classes", 4}, {"weights", w}});
        std::vector<TensorView> two{
            TensorView{pair.data(), DType::int64, {static_cast<std::int64_t>(pair.size() / 2), 2}}};
        cohen->update(two);
        EXPECT_NEAR(k.data[static_cast<std::size_t>(a * raters + b)], cohen->compute().tensor.data[0], 1e-12);
        EXPECT_EQ(k.data[static_cast<std::size_t>(a * raters + b)], k.data[static_cast<std::size_t>(b * raters + a)]);
      }
  }
}

TEST(MajorityVote, ReportsTiesAndKeepsUnitOrderAcrossBatches) {
  auto m = create_metric("MajorityVote", Json{{"num_classes", 3}});
  std::vector<double> first = {2, 2, 0, 1, 0, 2}, second = {NAN, NAN, NAN, 1, 1, 1};
  std::vector<TensorView> a{TensorView{first.data(), DType::float64, {2, 3}}};
  std::vector<TensorView> b{TensorView{second.data(), DType::float64, {2, 3}}};
  m->update(a);
  m->update(b);
  const Result& r = m->compute();
  const auto& labels = r.field("labels")->tensor.data;
  const auto& tied = r.field("tied")->tensor.data;
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[0], 2);
  EXPECT_EQ(tied[0], 0);
  EXPECT_EQ(labels[1], 0);  // 1 vote each: a three-way tie, the smallest class given
  EXPECT_EQ(tied[1], 1);
  EXPECT_TRUE(std::isnan(labels[2]));  // nobody rated the unit
  EXPECT_EQ(labels[3], 1);
  EXPECT_EQ(r.field("support")->tensor.data[3], 1.0);
  std::vector<double> bad = {0, 3};
  std::vector<TensorView> c{TensorView{bad.data(), DType::float64, {1, 2}}};
  EXPECT_THROW(m->update(c), Error);
}

}  // namespace
}  // namespace wasmetrics

#include "fixture_io.hpp"

namespace wasmetrics {
namespace {

// Every documented example of the nominal, clustering and agreement metrics gives its value (the
// generic contract test runs them further: splits, merges, save/load).
TEST(AnnotationQaExamples, GiveTheirDocumentedValues) {
  int checked = 0;
  for (const auto& spec : metric_specs()) {
    if (spec.family != "nominal" && spec.family != "clustering" && spec.family != "agreement") continue;
    EXPECT_FALSE(spec.examples.empty()) << spec.name;
    for (const auto& ex : spec.examples) {
      auto m = create_metric(spec.name, ex.args);
      for (const auto& b : ex.batches) {
        std::vector<testing::OwnedTensor> owned;
        for (const auto& in : spec.inputs) owned.push_back(testing::tensor_from_json(b.at(in.name)));
        std::vector<TensorView> views;
        for (auto& t : owned) views.push_back(t.view());
        m->update(views);
      }
      EXPECT_EQ(testing::compare_result(m->compute(), ex.expected, ex.atol, ex.rtol, spec.name), "") << ex.doc;
      ++checked;
    }
  }
  EXPECT_GE(checked, 22);
}

}  // namespace
}  // namespace wasmetrics
