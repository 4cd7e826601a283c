// Exact curves keep float64 scores for float64 preds (issue 16, item 0): float64 scores closer than
// float32's resolution stay distinct thresholds, as in TorchMetrics, which keeps the input's dtype.
//   * the float64 radix sort against std::stable_sort;
//   * the hand-worked case of the issue (BinaryAUROC 0.75, AP 0.8333) against a float64 reference
//     (Mann-Whitney pairs, precision at each positive);
//   * every registered exact-curve metric (binary, multiclass, multilabel, task wrappers): its value on
//     float64 scores squeezed into 1e-7 below 1 (every score within float32's resolution of the next)
//     equals its value on the same ranking spread over [0, 1]: a curve depends on the order of the
//     scores only, its thresholds are the scores themselves (mapped by the same squeeze);
//   * float32 and float64 updates mixed, merged and loaded: the float32 part is promoted (exact), and
//     float32 input keeps the compact float32 state.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/kernels/radix_sort.hpp"

namespace wasmetrics {
namespace {

using testing::Buf;
using testing::buf;

// ---- radix sort of float64 keys ----

TEST(Float64Curves, RadixSortOfDoublesEqualsStableSort) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  std::uniform_int_distribution<int> pick(0, 9);
  for (int round = 0; round < 12; ++round) {
    std::vector<double> keys;
    const int n = round * 131 + 1;
    for (int i = 0; i < n; ++i) {
      const int c = pick(rng);
      if (c == 0)
        keys.push_back(0.0);
      else if (c == 1)
        keys.push_back(-0.0);
      else if (c == 2)
        keys.push_back(1.0 - 1e-9 * pick(rng));  // float64 near-ties below 1
      else if (c == 3 && !keys.empty())
        keys.push_back(keys[static_cast<std::size_t>(i / 2)]);  // exact ties
      else
        keys.push_back(u(rng));
    }
    std::vector<std::uint8_t> payload(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 37 + 11);
    std::vector<std::size_t> idx(keys.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return kernels::double_order_key(keys[a]) > kernels::double_order_key(keys[b]);
    });
    std::vector<double> sorted = keys;
    std::vector<std::uint8_t> sp = payload;
    kernels::radix_sort_desc(std::span<double>(sorted), std::span<std::uint8_t>(sp));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::uint64_t a, b;
      std::memcpy(&a, &sorted[i], 8);
      std::memcpy(&b, &keys[idx[i]], 8);
      ASSERT_EQ(a, b) << "position " << i;
      ASSERT_EQ(sp[i], payload[idx[i]]) << "position " << i << " (stability)";
    }
  }
  EXPECT_EQ(kernels::double_from_order_key(kernels::double_order_key(-2.5)), -2.5);
}

// ---- the issue's case, against a float64 reference ----

// AUROC as the Mann-Whitney statistic (a tie counts 1/2) and AP as the mean precision at each
// positive (ties broken against the positive: all tied samples enter at once), in float64.
double reference_auroc(const std::vector<double>& p, const std::vector<int>& t) {
  double pairs = 0, wins = 0;
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = 0; j < p.size(); ++j)
      if (t[i] == 1 && t[j] == 0) {
        pairs += 1;
        wins += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
      }
  return wins / pairs;
}
double reference_ap(const std::vector<double>& p, const std::vector<int>& t) {
  double pos = 0, sum = 0;
  for (int v : t) pos += v;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (t[i] != 1) continue;
    double above = 0, above_pos = 0;  // samples scored >= p[i]
    for (std::size_t j = 0; j < p.size(); ++j)
      if (p[j] >= p[i]) {
        above += 1;
        above_pos += t[j];
      }
    sum += above_pos / above;
  }
  return sum / pos;
}

double scalar_of(Metric& m) { return m.compute().tensor.data.at(0); }

TEST(Float64Curves, IssueCaseBinaryAurocAndAveragePrecision) {
  const std::vector<double> p{0.99999997, 0.99999993, 0.5, 0.2};
  const std::vector<int> t{1, 0, 1, 0};
  const double auroc = reference_auroc(p, t), ap = reference_ap(p, t);
  EXPECT_DOUBLE_EQ(auroc, 0.75);  // the hand-worked values of the issue
  EXPECT_NEAR(ap, 5.0 / 6.0, 1e-15);
  const Buf<double> preds = buf<double>(p);
  const Buf<std::int32_t> target = buf<std::int32_t>({1, 0, 1, 0});
  auto a = create_metric("BinaryAUROC", Json::object());
  auto b = create_metric("BinaryAveragePrecision", Json::object());
  testing::update(*a, preds, target);
  testing::update(*b, preds, target);
  EXPECT_NEAR(scalar_of(*a), auroc, 1e-7);  // float32 arithmetic on the curve, as TorchMetrics
  EXPECT_NEAR(scalar_of(*b), ap, 1e-7);
  // the two top scores stay two thresholds: 4 distinct scores + the leading 1
  auto roc = create_metric("BinaryROC", Json::object());
  testing::update(*roc, preds, target);
  const Result& r = roc->compute();
  const auto& thr = r.field("thresholds")->tensor.data;
  ASSERT_EQ(thr.size(), 5u);
  EXPECT_EQ(thr[1], 0.99999997);
  EXPECT_EQ(thr[2], 0.99999993);
  // bestThresholds: Youden's J is 0.5 at the top score and again at the third (ties keep the more
  // conservative): a feedable float64 threshold between the two near-tied top scores
  const Result best = roc->query("best_thresholds", {{"criterion", "youden"}});
  const double t0 = best.field("threshold")->tensor.data.at(0);
  EXPECT_GT(t0, 0.99999993);
  EXPECT_LT(t0, 0.99999997);
  // the same scores as float32 merge (the compact state): TorchMetrics gives the same for float32
  const Buf<float> preds32 = buf<float>({0.99999997f, 0.99999993f, 0.5f, 0.2f});
  auto a32 = create_metric("BinaryAUROC", Json::object());
  testing::update(*a32, preds32, target);
  EXPECT_NEAR(scalar_of(*a32), 0.625, 1e-7);
}

// ---- every exact-curve metric: near-ties in float64 vs the same ranking spread out ----

enum class Task { binary, multiclass, multilabel };

// The squeeze: x in [0, 1] (a multiple of 1/16) to 1 - (1 - x) * 1e-7; distinct x stay distinct in
// float64 (6.25e-9 apart) but not in float32 (6e-8 apart below 1). 1 stays 1.
double squeeze(double x) { return 1.0 - (1.0 - x) * 1e-7; }

struct Data {
  Shape pshape, tshape;
  std::vector<double> preds;  // multiples of 1/16
  std::vector<std::int32_t> target;
};

Data make_data(Task task, std::int64_t classes, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> level(0, 16);
  const std::int64_t N = 24;
  Data d;
  const std::int64_t K = task == Task::binary ? 1 : classes;
  d.pshape = task == Task::binary ? Shape{N} : Shape{N, K};
  d.tshape = task == Task::multilabel ? Shape{N, K} : Shape{N};
  for (std::int64_t i = 0; i < N * K; ++i) d.preds.push_back(level(rng) / 16.0);
  const std::int64_t T = task == Task::multilabel ? N * K : N;
  std::uniform_int_distribution<int> label(0, task == Task::multiclass ? static_cast<int>(K) - 1 : 1);
  for (std::int64_t i = 0; i < T; ++i) d.target.push_back(label(rng));
  // every class/label has a positive and a negative
  for (std::int64_t k = 0; k < K; ++k) {
    if (task == Task::multiclass)
      d.target[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(k);
    else if (task == Task::multilabel) {
      d.target[static_cast<std::size_t>(k)] = 1;
      d.target[static_cast<std::size_t>(K + k)] = 0;
    } else {
      d.target[0] = 1;
      d.target[1] = 0;
    }
  }
  return d;
}

// Every number of a result with its path (field names), in order.
void walk(const Result& r, const std::string& path, std::vector<std::pair<std::string, double>>& out) {
  switch (r.kind) {
    case Result::Kind::tensor:
      for (double v : r.tensor.data) out.emplace_back(path, v);
      break;
    case Result::Kind::dict:
      for (auto& [k, v] : r.fields) walk(v, path + "/" + k, out);
      break;
    case Result::Kind::list:
      for (auto& i : r.items) walk(i, path, out);
      break;
  }
}

bool is_threshold(const std::string& path) { return path.find("threshold") != std::string::npos; }

std::unique_ptr<Metric> fed(const std::string& name, const Json& args, const Data& d, bool squeezed,
                            bool as_f32 = false) {
  auto m = create_metric(name, args);
  std::vector<double> p = d.preds;
  if (squeezed)
    for (auto& v : p) v = squeeze(v);
  const Buf<std::int32_t> t{d.target, d.tshape};
  if (as_f32) {
    const Buf<float> pf{std::vector<float>(p.begin(), p.end()), d.pshape};
    testing::update(*m, pf, t);
  } else {
    const Buf<double> pd{p, d.pshape};
    testing::update(*m, pd, t);
  }
  return m;
}

struct CurveCase {
  std::string name;
  Json args;
  Task task;
  std::int64_t classes;
};

// The registered exact-curve metrics (those with `max_state_bytes`), each with the args of its
// examples (thresholds=None), the task from the name or the `task` arg.
std::vector<CurveCase> exact_curve_cases() {
  std::vector<CurveCase> out;
  for (auto& spec : metric_specs()) {
    bool exact_capable = false;
    for (auto& o : spec.options) exact_capable = exact_capable || o.name == "max_state_bytes";
    if (!exact_capable) continue;
    for (auto& ex : spec.examples) {
      // logits change the thresholds (sigmoid of the scores), not the squeeze of them: probabilities only
      if (ex.args.contains("input_kind") && ex.args["input_kind"] == "logits") continue;
      Json args = ex.args;
      args["thresholds"] = nullptr;
      const std::string task = args.contains("task")                   ? args["task"].get<std::string>()
                               : spec.name.rfind("Binary", 0) == 0     ? "binary"
                               : spec.name.rfind("Multiclass", 0) == 0 ? "multiclass"
                                                                       : "multilabel";
      CurveCase c{spec.name, args,
                  task == "binary"       ? Task::binary
                  : task == "multiclass" ? Task::multiclass
                                         : Task::multilabel,
                  1};
      if (c.task == Task::multiclass) c.classes = args.at("num_classes").get<std::int64_t>();
      if (c.task == Task::multilabel) c.classes = args.at("num_labels").get<std::int64_t>();
      out.push_back(std::move(c));
    }
  }
  return out;
}

TEST(Float64Curves, EveryExactCurveMetricKeepsFloat64NearTiesApart) {
  int checked = 0;
  std::set<std::string> metrics;
  for (const CurveCase& c : exact_curve_cases()) {
    for (std::uint32_t seed : {1u, 2u}) {
      const Data d = make_data(c.task, c.classes, seed);
      std::vector<std::pair<std::string, double>> spread, near;
      try {
        walk(fed(c.name, c.args, d, false)->compute(), "", spread);
      } catch (const Error& e) {
        ADD_FAILURE() << c.name << " " << c.args.dump() << ": " << e.what();
        continue;
      }
      walk(fed(c.name, c.args, d, true)->compute(), "", near);
      ASSERT_EQ(spread.size(), near.size()) << c.name << " " << c.args.dump();
      for (std::size_t i = 0; i < spread.size(); ++i) {
        const auto& [path, x] = spread[i];
        // a threshold is a kept score (squeezed alike), TorchMetrics' 1e6 "none qualifies" excepted
        const double want = is_threshold(path) && x != 1e6 && !std::isnan(x) ? squeeze(x) : x;
        if (std::isnan(want))
          EXPECT_TRUE(std::isnan(near[i].second)) << c.name << path << " #" << i;
        else
          EXPECT_EQ(near[i].second, want) << c.name << " " << c.args.dump() << path << " #" << i;
      }
      ++checked;
      metrics.insert(c.name);
    }
  }
  // binary, multiclass and multilabel x ROC, PR curve, AUROC, AP and the four *At* metrics
  EXPECT_GE(metrics.size(), 24u);
  std::printf("[ float64  ] %d exact-curve cases over %zu metrics\n", checked, metrics.size());
}

// ---- mixing float32 and float64: the float32 part is promoted ----

std::vector<std::uint8_t> blob_of(Metric& m) { return m.save_state(); }

TEST(Float64Curves, MixedUpdatesMergesAndBlobsPromoteTheFloat32Part) {
  int checked = 0;
  for (const CurveCase& c : exact_curve_cases()) {
    const Data d1 = make_data(c.task, c.classes, 3), d2 = make_data(c.task, c.classes, 4);
    // all in float64 (d1 as given: its multiples of 1/16 are exact in float32 too)
    auto whole = create_metric(c.name, c.args);
    auto feed = [&](Metric& m, const Data& d, bool f32, bool squeezed) {
      std::vector<double> p = d.preds;
      if (squeezed)
        for (auto& v : p) v = squeeze(v);
      const Buf<std::int32_t> t{d.target, d.tshape};
      if (f32)
        testing::update(m, Buf<float>{std::vector<float>(p.begin(), p.end()), d.pshape}, t);
      else
        testing::update(m, Buf<double>{p, d.pshape}, t);
    };
    feed(*whole, d1, false, false);
    feed(*whole, d2, false, true);
    std::vector<std::pair<std::string, double>> want;
    walk(whole->compute(), "", want);
    // float32 then float64 in one instance
    auto mixed = create_metric(c.name, c.args);
    feed(*mixed, d1, true, false);
    EXPECT_EQ(mixed->state()["scores"].dtype, DType::float32) << c.name << ": float32 input keeps the compact state";
    feed(*mixed, d2, false, true);
    EXPECT_EQ(mixed->state()["scores"].dtype, DType::float64) << c.name;
    // float64 into a float32 instance by merge, and the reverse
    auto a32 = create_metric(c.name, c.args), b64 = create_metric(c.name, c.args);
    feed(*a32, d1, true, false);
    feed(*b64, d2, false, true);
    auto into32 = create_metric(c.name, c.args);
    into32->load_state(blob_of(*a32));
    into32->merge(*b64);
    auto into64 = create_metric(c.name, c.args), first32 = create_metric(c.name, c.args);
    feed(*first32, d1, true, false);
    into64->load_state(blob_of(*b64));  // a float64 blob loads
    // the order of rows matters to nothing here, but keep d1 first: merge a float32 state into an
    // empty one, then the float64 one
    auto ordered = create_metric(c.name, c.args);
    ordered->merge(*first32);
    ordered->merge(*into64);
    for (Metric* m : {mixed.get(), into32.get(), ordered.get()}) {
      std::vector<std::pair<std::string, double>> got;
      walk(m->compute(), "", got);
      ASSERT_EQ(got.size(), want.size()) << c.name;
      for (std::size_t i = 0; i < got.size(); ++i) {
        if (std::isnan(got[i].second) && std::isnan(want[i].second)) continue;
        EXPECT_EQ(got[i].second, want[i].second) << c.name << " " << c.args.dump() << got[i].first << " #" << i;
      }
      // and its blob round-trips
      auto back = create_metric(c.name, c.args);
      back->load_state(m->save_state());
      EXPECT_EQ(back->save_state(), m->save_state()) << c.name;
    }
    ++checked;
  }
  EXPECT_GT(checked, 24);
}

}  // namespace
}  // namespace wasmetrics
