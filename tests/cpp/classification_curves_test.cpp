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

#include "test_buffers.hpp"
#include "wasmetrics/classification/curve.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/kernels/radix_sort.hpp"

namespace wasmetrics {
namespace {

using testing::Buf;
using testing::buf;
using testing::update;

void flatten(const Result& r, std::vector<double>& out) {
  switch (r.kind) {
    case Result::Kind::tensor:
      out.insert(out.end(), r.tensor.data.begin(), r.tensor.data.end());
      break;
    case Result::Kind::dict:
      for (auto& f : r.fields) flatten(f.second, out);
      break;
    case Result::Kind::list:
      for (auto& i : r.items) flatten(i, out);
      break;
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
      if (c == 0)
        keys.push_back(0.0f);
      else if (c == 1)
        keys.push_back(-0.0f);
      else if (c == 2)
        keys.push_back(0.5f);  // ties
      else if (c == 3)
        keys.push_back(-1.25f);
      else if (c == 4)
        keys.push_back(std::numeric_limits<float>::denorm_min() * static_cast<float>(pick(rng) - 5));
      else
        keys.push_back(u(rng));
    }
    check_radix_against_stable_sort(keys);
  }
  check_radix_against_stable_sort({});
  check_radix_against_stable_sort({1.0f});
  check_radix_against_stable_sort({std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                                   std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest(), 0.0f,
                                   -0.0f});
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
    for (auto [name, ml] :
         {std::pair{"MulticlassAUROC", false}, std::pair{"MulticlassROC", false},
          std::pair{"MultilabelAveragePrecision", true}, std::pair{"MultilabelPrecisionRecallCurve", true}}) {
      Json opts{{ml ? "num_labels" : "num_classes", 3}, {"thresholds", thr}};
      auto whole = create_metric(name, opts);
      auto a = create_metric(name, opts);
      auto b = create_metric(name, opts);
      if (ml) {
        update(*whole, p1, l1);
        update(*whole, p2, l2);
        update(*a, p1, l1);
        update(*b, p2, l2);
      } else {
        update(*whole, p1, c1);
        update(*whole, p2, c2);
        update(*a, p1, c1);
        update(*b, p2, c2);
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
  const auto kept =
      static_cast<std::size_t>(std::count_if(d.t1.v.begin(), d.t1.v.end(), [](auto v) { return v != -1; }));
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

// ---- fast update paths (float32 preds with uint8 / int32 targets) and the area-only compute ----

namespace fast {

template <class T>
std::vector<T> cast_all(const std::vector<std::int64_t>& v) {
  return std::vector<T>(v.begin(), v.end());
}

// The message of the Error an update throws, or "" when it does not throw.
template <class P, class T>
std::string update_error(Metric& m, const Buf<P>& p, const Buf<T>& t) {
  try {
    update(m, p, t);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace fast

TEST(ClassificationCurves, BinaryFastPathEqualsGenericPath) {
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  // probabilities with ties, both zeros, the ends; logits (outside [0, 1]); ignored entries (255)
  std::vector<float> probs, logits;
  std::vector<std::int64_t> t;
  for (int i = 0; i < 500; ++i) {
    const std::int64_t y = u(rng) < 0.3f ? 1 : 0;
    probs.push_back(i % 17 == 0   ? -0.0f
                    : i % 19 == 0 ? 0.0f
                    : i % 23 == 0
                        ? 1.0f
                        : std::round(std::clamp(u(rng) * 0.8f + (y ? 0.2f : 0.0f), 0.0f, 1.0f) * 40.0f) / 40.0f);
    logits.push_back(std::round((u(rng) - 0.5f) * 16.0f) / 2.0f + (y ? 0.5f : 0.0f));
    t.push_back(i % 13 == 4 ? 255 : y);
  }
  const std::vector<Json> thresholds{Json(nullptr), Json(11), Json({0.9, 0.1, 0.5, 0.5, 0.0, 1.0, 0.305})};
  for (const char* name : {"BinaryAUROC", "BinaryAveragePrecision", "BinaryROC", "BinaryPrecisionRecallCurve"})
    for (const Json& thr : thresholds)
      for (bool ignore : {false, true})
        for (const auto* p : {&probs, &logits}) {
          Json opts{{"thresholds", thr}};
          std::vector<std::int64_t> tt = t;
          if (ignore)
            opts["ignore_index"] = 255;
          else
            for (auto& v : tt) v = v == 255 ? 0 : v;
          auto fast_m = create_metric(name, opts);   // float32 + uint8: the fast path
          auto generic = create_metric(name, opts);  // float32 + int64: the generic path
          const auto pb = buf(*p);
          update(*fast_m, pb, buf(fast::cast_all<std::uint8_t>(tt)));
          update(*generic, pb, buf(tt));
          const std::string what =
              std::string(name) + " " + thr.dump() + (ignore ? " ignore" : "") + (p == &logits ? " logits" : " probs");
          EXPECT_EQ(fast_m->save_state(), generic->save_state()) << what;
          EXPECT_EQ(values(fast_m->compute()), values(generic->compute())) << what;
          // bad input: the same error as the generic path, state unchanged
          const auto before = fast_m->save_state();
          auto nan = pb;
          nan.v[7] = std::numeric_limits<float>::quiet_NaN();
          auto bad_t = tt;
          bad_t[9] = 3;
          const std::string e1 = fast::update_error(*fast_m, nan, buf(fast::cast_all<std::uint8_t>(tt)));
          const std::string e2 = fast::update_error(*fast_m, pb, buf(fast::cast_all<std::uint8_t>(bad_t)));
          EXPECT_FALSE(e1.empty()) << what;
          EXPECT_FALSE(e2.empty()) << what;
          EXPECT_EQ(e1, fast::update_error(*generic, nan, buf(tt))) << what;
          EXPECT_EQ(e2, fast::update_error(*generic, pb, buf(bad_t))) << what;
          EXPECT_EQ(fast_m->save_state(), before) << what;
        }
  // validate_args=false: NaN scores pass and are kept (or not binned) the same way
  auto nan_p = probs;
  nan_p[3] = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::int64_t> t01 = t;
  for (auto& v : t01) v = v == 255 ? 1 : v;
  for (const Json& thr : thresholds) {
    Json opts{{"thresholds", thr}, {"validate_args", false}};
    auto a = create_metric("BinaryROC", opts);
    auto b = create_metric("BinaryROC", opts);
    update(*a, buf(nan_p), buf(fast::cast_all<std::uint8_t>(t01)));
    update(*b, buf(nan_p), buf(t01));
    EXPECT_EQ(a->save_state(), b->save_state()) << thr.dump();
  }
}

TEST(ClassificationCurves, MulticlassFastPathEqualsGenericPath) {
  std::mt19937 rng(22);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const std::int64_t N = 300, C = 4;
  std::vector<float> probs, logits;
  std::vector<std::int64_t> t;
  for (std::int64_t i = 0; i < N; ++i) {
    float sum = 0;
    std::vector<float> row(C);
    for (auto& v : row) {
      v = std::round(u(rng) * 10.0f) + 1.0f;
      sum += v;
    }
    for (auto v : row) probs.push_back(v / sum);
    for (std::int64_t c = 0; c < C; ++c) logits.push_back(std::round((u(rng) - 0.5f) * 12.0f) / 2.0f);
    t.push_back(i % 7 == 3 ? -1 : static_cast<std::int64_t>(u(rng) * C) % C);
  }
  // rows labelled ignore_index (-1), or none (the exact fast path copies such batches as they are)
  std::vector<std::int64_t> t_kept = t;
  for (auto& v : t_kept) v = v < 0 ? 2 : v;
  for (const char* name : {"MulticlassAUROC", "MulticlassAveragePrecision", "MulticlassROC"})
    for (Json thr : {Json(nullptr), Json(9), Json({0.9, 0.1, 0.5, 0.0, 1.0, 0.25})})
      for (const char* average : {"macro", "weighted", "none", "micro"})
        for (const auto* tp : {&t, &t_kept}) {
          const auto& t = *tp;
          const bool roc = std::string(name) == "MulticlassROC";
          if (roc ? std::string(average) == "weighted" : std::string(average) == "micro") continue;
          for (const auto* p : {&probs, &logits}) {
            Json opts{{"num_classes", C}, {"thresholds", thr}, {"ignore_index", -1}, {"average", average}};
            auto fast_m = create_metric(name, opts);
            auto generic = create_metric(name, opts);
            const auto pb = buf(*p, {N, C});
            update(*fast_m, pb, buf(fast::cast_all<std::int32_t>(t)));
            update(*generic, pb, buf(t));
            const std::string what = std::string(name) + " " + thr.dump() + " " + average;
            EXPECT_EQ(fast_m->save_state(), generic->save_state()) << what;
            EXPECT_EQ(values(fast_m->compute()), values(generic->compute())) << what;
            auto bad_t = t;
            bad_t[5] = C;  // V1
            const auto before = fast_m->save_state();
            const std::string e = fast::update_error(*fast_m, pb, buf(fast::cast_all<std::int32_t>(bad_t)));
            EXPECT_FALSE(e.empty()) << what;
            EXPECT_EQ(e, fast::update_error(*generic, pb, buf(bad_t))) << what;
            // NaN in row 3 (labelled ignore_index in t): V4 still applies to it
            auto nan_p = *p;
            nan_p[3 * C + 1] = std::numeric_limits<float>::quiet_NaN();
            const std::string e4 =
                fast::update_error(*fast_m, buf(nan_p, {N, C}), buf(fast::cast_all<std::int32_t>(t)));
            EXPECT_FALSE(e4.empty()) << what;
            EXPECT_EQ(e4, fast::update_error(*generic, buf(nan_p, {N, C}), buf(t))) << what;
            EXPECT_EQ(fast_m->save_state(), before) << what;
          }
        }
}

// AUROC / AP of exact curves are summed without building the points: they must equal trapz /
// average precision over the points the ROC / PR curve metrics return.
TEST(ClassificationCurves, ExactAreaEqualsAreaOfCurvePoints) {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    Data d = binary_data(seed, 400);
    // all-equal scores, no positives, no negatives, -0.0 next to +0.0
    std::vector<std::pair<Buf<float>, Buf<std::int64_t>>> cases{
        {d.p1, d.t1},
        {buf<float>(std::vector<float>(50, 0.25f)), d.t1},
        {buf<float>({0.3f, -0.0f, 0.0f, 0.0f, -0.0f, 0.7f}), buf<std::int64_t>({1, 0, 1, 0, 1, 0})},
        {buf<float>({0.3f, 0.1f, 0.1f}), buf<std::int64_t>({0, 0, 0})},
        {buf<float>({0.3f, 0.1f, 0.1f}), buf<std::int64_t>({1, 1, 1})},
    };
    cases[1].second.v.resize(50);
    cases[1].second.shape = {50};
    for (auto& [p, t] : cases) {
      Json opts{{"ignore_index", -1}};
      auto auroc = create_metric("BinaryAUROC", opts);
      auto ap = create_metric("BinaryAveragePrecision", opts);
      auto roc = create_metric("BinaryROC", opts);
      auto prc = create_metric("BinaryPrecisionRecallCurve", opts);
      for (Metric* m : {auroc.get(), ap.get(), roc.get(), prc.get()}) update(*m, p, t);
      auto f32 = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
      const Result& r = roc->compute();
      const Result& pr = prc->compute();
      const float ref_auroc =
          classification::trapz_f32(f32(r.field("tpr")->tensor.data), f32(r.field("fpr")->tensor.data));
      const float ref_ap = classification::average_precision_f32(f32(pr.field("precision")->tensor.data),
                                                                 f32(pr.field("recall")->tensor.data));
      const double got_auroc = auroc->compute().tensor.data[0], got_ap = ap->compute().tensor.data[0];
      if (std::isnan(ref_auroc))
        EXPECT_TRUE(std::isnan(got_auroc)) << seed;
      else
        EXPECT_EQ(got_auroc, static_cast<double>(ref_auroc)) << seed << " n=" << p.v.size();
      if (std::isnan(ref_ap))
        EXPECT_TRUE(std::isnan(got_ap)) << seed;
      else
        EXPECT_EQ(got_ap, static_cast<double>(ref_ap)) << seed << " n=" << p.v.size();
    }
  }
}

}  // namespace
}  // namespace wasmetrics
