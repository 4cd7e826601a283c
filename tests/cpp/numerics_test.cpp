// Numerics on adversarial data: accumulations must not drift. References are computed here in
// long double (two-pass where a variance is involved) from the same generated data; tolerances
// are a few orders below what a float32 accumulator or a raw-power-sum (Σx² - (Σx)²/n) variance
// gives on the same data, so a regression to either fails. Data is generated in chunks, so the
// 1e8-element test needs no 400 MB buffer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/registry.hpp"

using namespace wasmetrics;

namespace {

// A deterministic value in [0, 1) per index (Weyl sequence): cheap and reproducible.
inline double unit(std::uint64_t i) { return static_cast<double>((i * 0x9E3779B97F4A7C15ULL) >> 11) * 0x1.0p-53; }

double value(Metric& m) { return m.compute().tensor.data.at(0); }

template <class T>
TensorView view(const std::vector<T>& v) {
  return TensorView{v.data(), dtype_of<T>(), {static_cast<std::int64_t>(v.size())}};
}

// Long-double Pearson r, two-pass.
long double pearson_ref(const std::vector<double>& x, const std::vector<double>& y) {
  long double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= x.size(), my /= y.size();
  long double sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    long double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
  }
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

// 1e8 float32 values near 1 (1 + noise in [0, 1e-3)), fed as 100 batches of 1e6: Sum and Mean
// against a long-double sum. A float32 running sum stops growing at 2^24 = 1.7e7 (off by ~80%);
// double accumulation stays within ~1e-12 relative.
TEST(Numerics, SumAndMeanOf1e8Float32ValuesDoNotDrift) {
  auto sum = create_metric("SumMetric", Json::object());
  auto mean = create_metric("MeanMetric", Json::object());
  constexpr std::int64_t kChunk = 1'000'000, kChunks = 100;
  std::vector<float> chunk(kChunk);
  long double ref = 0;
  for (std::int64_t c = 0; c < kChunks; ++c) {
    for (std::int64_t i = 0; i < kChunk; ++i) {
      chunk[i] = static_cast<float>(1.0 + 1e-3 * unit(c * kChunk + i));
      ref += chunk[i];
    }
    TensorView in[] = {view(chunk)};
    sum->update(in);
    mean->update(in);
  }
  const long double n = static_cast<long double>(kChunk * kChunks);
  EXPECT_NEAR(value(*sum) / static_cast<double>(ref), 1.0, 1e-11)
      << "sum " << value(*sum) << " vs " << static_cast<double>(ref);
  EXPECT_NEAR(value(*mean) / static_cast<double>(ref / n), 1.0, 1e-11);
}

// Values 1e8 + noise in [0, 1) (float64 input): the variance-based metrics must see the noise.
// Raw power sums lose everything: (1e8)² = 1e16 leaves ~2 bits for a variance of ~0.08 per value.
TEST(Numerics, PearsonWithLargeOffsetMatchesLongDouble) {
  constexpr std::size_t kN = 1'000'000, kBatch = 10'000;
  std::vector<double> x(kN), y(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    x[i] = 1e8 + unit(i);
    y[i] = 1e8 + 0.5 * unit(i) + 0.5 * unit(i + 7 * kN);  // correlated with x, r ≈ 0.7
  }
  auto pearson = create_metric("PearsonCorrCoef", Json::object());
  for (std::size_t b = 0; b < kN; b += kBatch) {
    std::vector<double> xb(x.begin() + b, x.begin() + b + kBatch), yb(y.begin() + b, y.begin() + b + kBatch);
    TensorView in[] = {view(xb), view(yb)};
    pearson->update(in);
  }
  const double ref = static_cast<double>(pearson_ref(x, y));
  EXPECT_GT(ref, 0.5);
  EXPECT_NEAR(value(*pearson), ref, 1e-9);
}

// Many near-equal values (1e8 + k * 2^-10, k < 1000: all within 1 of each other, 2^-26 being the
// spacing of doubles there) and predictions off by a few 2^-12: R2Score and ExplainedVariance
// against long double. (The residuals are kept above R2's 1e-4 "perfect fit" cut, a TorchMetrics
// quirk.) Raw power sums would round Σy² ≈ 2e21 to ~2e5, far above the true Σ(y - ȳ)² ≈ 1.7e4.
TEST(Numerics, VarianceMetricsOnNearEqualValues) {
  constexpr std::size_t kN = 200'000;
  std::vector<double> target(kN), preds(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    target[i] = 1e8 + std::ldexp(static_cast<double>(i % 1000), -10);
    preds[i] = target[i] + std::ldexp(static_cast<double>((i * 7) % 13), -12);
  }
  long double mt = 0;
  for (double t : target) mt += t;
  mt /= kN;
  long double ss_res = 0, ss_tot = 0, me = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    long double e = static_cast<long double>(target[i]) - preds[i];
    ss_res += e * e;
    ss_tot += (target[i] - mt) * (target[i] - mt);
    me += e;
  }
  me /= kN;
  long double var_e = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    long double e = static_cast<long double>(target[i]) - preds[i] - me;
    var_e += e * e;
  }
  const double r2_ref = static_cast<double>(1 - ss_res / ss_tot);
  const double ev_ref = static_cast<double>(1 - var_e / ss_tot);
  auto r2 = create_metric("R2Score", Json::object());
  auto ev = create_metric("ExplainedVariance", Json::object());
  for (std::size_t b = 0; b < kN; b += 1000) {
    std::vector<double> pb(preds.begin() + b, preds.begin() + b + 1000),
        tb(target.begin() + b, target.begin() + b + 1000);
    TensorView in[] = {view(pb), view(tb)};
    r2->update(in);
    ev->update(in);
  }
  EXPECT_NEAR(value(*r2), r2_ref, 1e-9);
  EXPECT_NEAR(value(*ev), ev_ref, 1e-9);
}

// 1000 shards of 1000 samples each (means drifting from 0 to 1e6 across shards), merged pairwise
// as a tree and sequentially, agree with one pass over all the data.
TEST(Numerics, ManyShardsMergedEqualOnePass) {
  constexpr std::size_t kShards = 1000, kPer = 1000;
  const char* names[] = {"PearsonCorrCoef", "R2Score", "ExplainedVariance", "MeanSquaredError", "MeanMetric"};
  for (const char* name : names) {
    auto whole = create_metric(name, Json::object());
    std::vector<std::unique_ptr<Metric>> shards;
    for (std::size_t s = 0; s < kShards; ++s) {
      std::vector<double> p(kPer), t(kPer);
      for (std::size_t i = 0; i < kPer; ++i) {
        const std::uint64_t k = s * kPer + i;
        t[i] = 1e3 * s + unit(k);
        p[i] = t[i] + 0.1 * unit(k + 99 * kShards * kPer) - 0.05;
      }
      std::vector<TensorView> in = {view(p), view(t)};
      if (std::string(name) == "MeanMetric") in.pop_back();
      shards.push_back(create_metric(name, Json::object()));
      shards.back()->update(in);
      whole->update(in);
    }
    auto sequential = create_metric(name, Json::object());
    for (auto& s : shards) sequential->merge(*s);
    for (std::size_t step = 1; step < kShards; step *= 2)  // tree: shard i absorbs shard i + step
      for (std::size_t i = 0; i + step < kShards; i += 2 * step) shards[i]->merge(*shards[i + step]);
    const double ref = value(*whole);
    EXPECT_NEAR(value(*sequential), ref, 1e-10 * std::max(1.0, std::abs(ref))) << name << " sequential";
    EXPECT_NEAR(value(*shards[0]), ref, 1e-10 * std::max(1.0, std::abs(ref))) << name << " tree";
  }
}
