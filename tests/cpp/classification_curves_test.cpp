// Curve metrics: the radix sort kernel, merge of halves, binned vs exact, rejected updates, binned
// counts with unsorted threshold lists against a brute-force reference.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "wasmetrics/core/error.hpp"
#include "test_buffers.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/kernels/radix_sort.hpp"

namespace wasmetrics {
namespace {

using testing::Buf;
using testing::buf;
using testing::update;

void flatten(const Result& r, std::vector<double>& out) {
  switch (r.kind) {
    case Result::Kind::tensor: out.insert(out.end(), r.tensor.data.begin(), r.tensor.data.end()); break;
    case Result::Kind::dict: for (auto& f : r.fields) flatten(f.second, out); break;
    case Result::Kind::list: for (auto& i : r.items) flatten(i, out); break;
  }
}
std::vector<double> values(const Result& r) {
  std::vector<double> out;
  flatten(r, out);
  return out;
}

// ---- radix sort ----

void check_radix_against_stable_sort(std::vector<float> keys) {
  const std::size_t n = keys.size();
  std::vector<std::uint8_t> payload(n);
  for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<std::uint8_t>(i * 37 + 11);
  // reference: std::stable_sort of indices by the order key, descending
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return kernels::float_order_key(keys[a]) > kernels::float_order_key(keys[b]);
  });
  std::vector<float> sorted = keys;
  std::vector<std::uint8_t> sp = payload;
  kernels::radix_sort_desc(sorted, sp);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t a, b;
    std::memcpy(&a, &sorted[i], 4);
    std::memcpy(&b, &keys[idx[i]], 4);
    ASSERT_EQ(a, b) << "position " << i;  // bit-exact, -0 kept apart from +0
    ASSERT_EQ(sp[i], payload[idx[i]]) << "position " << i << " (stability)";
  }
  for (std::size_t i = 1; i < n; ++i) ASSERT_FALSE(sorted[i - 1] < sorted[i]);
}

TEST(CurvesRadix, EqualsStableSortWithTiesZerosAndNegatives) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  std::uniform_int_distribution<int> pick(0, 9);
  for (int round = 0; round < 20; ++round) {
    std::vector<float> keys;
    const int n = round * 97 + 1;
    for (int i = 0; i < n; ++i) {
      int c = pick(rng);
      if (c == 0) keys.push_back(0.0f);
      else if (c == 1) keys.push_back(-0.0f);
      else if (c == 2) keys.push_back(0.5f);  // ties
      else if (c == 3) keys.push_back(-1.25f);
      else if (c == 4) keys.push_back(std::numeric_limits<float>::denorm_min() * static_cast<float>(pick(rng) - 5));
      else keys.push_back(u(rng));
    }
    check_radix_against_stable_sort(keys);
  }
  check_radix_against_stable_sort({});
  check_radix_against_stable_sort({1.0f});
  check_radix_against_stable_sort({std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                                   std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest(), 0.0f, -0.0f});
  // probabilities: the top byte is shared, its pass is skipped
  std::uniform_real_distribution<float> p(0.0f, 1.0f);
  std::vector<float> probs(5000);
  for (auto& v : probs) v = std::round(p(rng) * 100.0f) / 100.0f;
  check_radix_against_stable_sort(probs);
}

TEST(CurvesRadix, OrderKeyRoundTrips) {
  for (float v : {0.0f, -0.0f, 1.0f, -1.0f, 3.5e-40f, -3.5e-40f, 1e30f}) {
    float back = kernels::float_from_order_key(kernels::float_order_key(v));
    EXPECT_EQ(std::memcmp(&back, &v, 4), 0) << v;
  }
  EXPECT_LT(kernels::float_order_key(-0.0f), kernels::float_order_key(0.0f));
  EXPECT_LT(kernels::float_order_key(-2.0f), kernels::float_order_key(-1.0f));
}

// ---- metrics ----

struct Data {
  Buf<float> p1, p2;
  Buf<std::int64_t> t1, t2;
};

Data binary_data(std::uint32_t seed, std::int64_t n) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Data d;
  for (int half = 0; half < 2; ++half) {
    std::vector<float> p;
    std::vector<std::int64_t> t;
    for (std::int64_t i = 0; i < n; ++i) {
      std::int64_t y = u(rng) < 0.4f ? 1 : 0;
      float s = std::round(std::clamp(u(rng) * 0.7f + (y ? 0.3f : 0.0f), 0.0f, 1.0f) * 200.0f) / 200.0f;  // ties
      p.push_back(s);
      t.push_back(i % 11 == 5 ? -1 : y);
    }
    (half ? d.p2 : d.p1) = buf(p);
    (half ? d.t2 : d.t1) = buf(t);
  }
  return d;
}

TEST(ClassificationCurves, MergeOfHalvesEqualsWholeExactAndBinned) {
  Data d = binary_data(3, 60);
  for (const char* name : {"BinaryROC", "BinaryPrecisionRecallCurve", "BinaryAUROC", "BinaryAveragePrecision"}) {
    for (Json thr : {Json(nullptr), Json(11), Json({0.9, 0.1, 0.5, 0.5, 0.3})}) {
      Json opts{{"ignore_index", -1}, {"thresholds", thr}};
      auto whole = create_metric(name, opts);
      update(*whole, d.p1, d.t1);
      update(*whole, d.p2, d.t2);
      auto a = create_metric(name, opts);
      auto b = create_metric(name, opts);
      update(*a, d.p1, d.t1);
      update(*b, d.p2, d.t2);
      a->merge(*b);
      EXPECT_EQ(values(a->compute()), values(whole->compute())) << name << " " << thr.dump();
    }
  }
  // multiclass / multilabel
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> mp(40 * 3);
  for (auto& v : mp) v = std::round(u(rng) * 20.0f) / 20.0f;
  std::vector<std::int64_t> mt(40), lt(40 * 3);
  for (auto& v : mt) v = static_cast<std::int64_t>(u(rng) * 3.0f) % 3;
  for (auto& v : lt) v = u(rng) < 0.5f ? 1 : 0;
  auto p1 = buf(std::vector<float>(mp.begin(), mp.begin() + 60), {20, 3});
  auto p2 = buf(std::vector<float>(mp.begin() + 60, mp.end()), {20, 3});
  auto c1 = buf(std::vector<std::int64_t>(mt.begin(), mt.begin() + 20));
  auto c2 = buf(std::vector<std::int64_t>(mt.begin() + 20, mt.end()));
  auto l1 = buf(std::vector<std::int64_t>(lt.begin(), lt.begin() + 60), {20, 3});
  auto l2 = buf(std::vector<std::int64_t>(lt.begin() + 60, lt.end()), {20, 3});
  for (Json thr : {Json(nullptr), Json(7)}) {
    for (auto [name, ml] : {std::pair{"MulticlassAUROC", false}, std::pair{"MulticlassROC", false},
                            std::pair{"MultilabelAveragePrecision", true}, std::pair{"MultilabelPrecisionRecallCurve", true}}) {
      Json opts{{ml ? "num_labels" : "num_classes", 3}, {"thresholds", thr}};
      auto whole = create_metric(name, opts);
      auto a = create_metric(name, opts);
      auto b = create_metric(name, opts);
      if (ml) {
        update(*whole, p1, l1); update(*whole, p2, l2); update(*a, p1, l1); update(*b, p2, l2);
      } else {
        update(*whole, p1, c1); update(*whole, p2, c2); update(*a, p1, c1); update(*b, p2, c2);
      }
      a->merge(*b);
      EXPECT_EQ(values(a->compute()), values(whole->compute())) << name << " " << thr.dump();
    }
  }
}

TEST(ClassificationCurves, BinnedAurocApproachesExact) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> p;
  std::vector<std::int64_t> t;
  for (int i = 0; i < 2000; ++i) {
    std::int64_t y = u(rng) < 0.5f ? 1 : 0;
    p.push_back(std::clamp(u(rng) * 0.8f + (y ? 0.2f : 0.0f), 0.0f, 1.0f));
    t.push_back(y);
  }
  auto pb = buf(p);
  auto tb = buf(t);
  auto exact = create_metric("BinaryAUROC", Json::object());
  update(*exact, pb, tb);
  const double ref = exact->compute().tensor.data[0];
  double prev = 1.0;
  for (int T : {5, 20, 100, 1000, 20000}) {
    auto m = create_metric("BinaryAUROC", {{"thresholds", T}});
    update(*m, pb, tb);
    const double err = std::fabs(m->compute().tensor.data[0] - ref);
    EXPECT_LE(err, prev + 1e-7) << T;
    prev = err;
  }
  EXPECT_LT(prev, 1e-4);
}

TEST(ClassificationCurves, BinnedCountsWithUnsortedThresholdList) {
  Data d = binary_data(9, 80);
  const std::vector<double> thr{0.9, 0.1, 0.5, 0.5, 0.0, 1.0, 0.305};
  auto m = create_metric("BinaryPrecisionRecallCurve", {{"thresholds", thr}, {"ignore_index", -1}});
  update(*m, d.p1, d.t1);
  const Result& r = m->compute();
  const auto& prec = r.field("precision")->tensor.data;
  const auto& rec = r.field("recall")->tensor.data;
  ASSERT_EQ(prec.size(), thr.size() + 1);
  for (std::size_t j = 0; j < thr.size(); ++j) {
    const float tj = static_cast<float>(thr[j]);
    double tp = 0, fp = 0, pos = 0;
    for (std::size_t i = 0; i < d.p1.v.size(); ++i) {
      if (d.t1.v[i] == -1) continue;
      const bool hit = d.p1.v[i] >= tj;  // C1: binned curves use >=, in float32
      pos += d.t1.v[i];
      tp += hit && d.t1.v[i] == 1;
      fp += hit && d.t1.v[i] == 0;
    }
    EXPECT_FLOAT_EQ(prec[j], tp + fp > 0 ? tp / (tp + fp) : 0.0) << j;
    EXPECT_FLOAT_EQ(rec[j], pos > 0 ? tp / pos : 0.0) << j;
  }
  EXPECT_EQ(prec.back(), 1.0);
  EXPECT_EQ(rec.back(), 0.0);
}

TEST(ClassificationCurves, RejectedUpdateLeavesStateUnchanged) {
  Data d = binary_data(4, 20);
  for (Json thr : {Json(nullptr), Json(11)}) {
    auto m = create_metric("BinaryROC", {{"thresholds", thr}, {"ignore_index", -1}});
    update(*m, d.p1, d.t1);
    auto before = m->save_state();
    auto bad = d.p2;
    bad.v[3] = std::numeric_limits<float>::quiet_NaN();  // V4
    EXPECT_THROW(update(*m, bad, d.t2), Error);
    auto bad_t = d.t2;
    bad_t.v[2] = 2;  // V3
    EXPECT_THROW(update(*m, d.p2, bad_t), Error);
    EXPECT_THROW(update(*m, d.p2, buf<float>(std::vector<float>(d.t2.v.size(), 0.5f))), Error);  // V2
    EXPECT_EQ(m->save_state(), before);
  }
  auto mc = create_metric("MulticlassAUROC", {{"num_classes", 3}});
  update(*mc, buf<float>({0.2f, 0.3f, 0.5f, 0.6f, 0.2f, 0.2f}, {2, 3}), buf<std::int64_t>({2, 0}));
  auto before = mc->save_state();
  EXPECT_THROW(update(*mc, buf<float>({0.2f, 0.3f, 0.5f}, {1, 3}), buf<std::int64_t>({3})), Error);  // V1
  EXPECT_EQ(mc->save_state(), before);
}

TEST(ClassificationCurves, ExactStateIsCompact) {
  auto m = create_metric("BinaryAUROC", {{"ignore_index", -1}});
  Data d = binary_data(1, 100);
  update(*m, d.p1, d.t1);
  const auto kept = static_cast<std::size_t>(std::count_if(d.t1.v.begin(), d.t1.v.end(), [](auto v) { return v != -1; }));
  EXPECT_EQ(m->state().byte_size(), 5u * kept);  // float32 score + uint8 target per kept sample
  auto b = create_metric("MulticlassROC", {{"num_classes", 4}, {"thresholds", 11}});
  EXPECT_EQ(b->state().byte_size(), 16u * 12u * 4u);  // 16·(T+1)·C
}

TEST(ClassificationCurves, ExactStateBudgetRefusesBeforeGrowingAndSuggestsThresholds) {
  Data d = binary_data(7, 20);  // two halves of 20 samples (about 18 kept), 5 bytes each in the exact state
  auto m = create_metric("BinaryAUROC", {{"ignore_index", -1}, {"max_state_bytes", 120}});
  update(*m, d.p1, d.t1);
  const auto before = values(m->compute());
  const auto bytes = m->state().byte_size();
  try {
    update(*m, d.p2, d.t2);
    FAIL() << "an update past max_state_bytes was accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("max_state_bytes=120"), std::string::npos) << msg;
    EXPECT_NE(msg.find("`thresholds: 1000`"), std::string::npos) << msg;
  }
  EXPECT_EQ(m->state().byte_size(), bytes);
  EXPECT_EQ(values(m->compute()), before);
  // binned thresholds ignore the budget: constant memory
  auto binned = create_metric("BinaryAUROC", {{"ignore_index", -1}, {"max_state_bytes", 1}, {"thresholds", 11}});
  update(*binned, d.p1, d.t1);
  update(*binned, d.p2, d.t2);
}

}  // namespace
}  // namespace wasmetrics
