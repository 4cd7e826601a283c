// Segmentation metrics beyond the conformance fixtures: ignore_index, reduction='dataset',
// per_sample, batching independence, merge, dtypes, both kernel paths against a brute-force
// reference, one-hot vs index, rejected batches, and DiceScore / GDS by hand.
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>

#include <gtest/gtest.h>

#include "error_of.hpp"
#include "fixture_io.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::error_of;
using testing::Json;

// A typed tensor owned by the test.
template <class T>
struct Arr {
  std::vector<T> v;
  Shape shape;
  TensorView view() const { return TensorView{v.data(), dtype_of<T>(), shape}; }
};
template <>
struct Arr<bool> {
  std::vector<std::uint8_t> v;
  Shape shape;
  TensorView view() const { return TensorView{v.data(), DType::bool_, shape}; }
};

template <class T, class U>
Arr<T> cast(const Arr<U>& a) {
  Arr<T> out{{}, a.shape};
  for (auto x : a.v) out.v.push_back(static_cast<T>(x));
  return out;
}

// N label maps of H x W with labels in [0, C), a fraction `void_frac` set to `void_label`.
Arr<std::int64_t> random_maps(std::mt19937& rng, std::int64_t N, std::int64_t H, std::int64_t W, std::int64_t C,
                              double void_frac = 0.0, std::int64_t void_label = 255) {
  Arr<std::int64_t> a{{}, {N, H, W}};
  std::uniform_int_distribution<std::int64_t> lab(0, C - 1);
  std::uniform_real_distribution<double> u(0, 1);
  for (std::int64_t i = 0; i < N * H * W; ++i) a.v.push_back(u(rng) < void_frac ? void_label : lab(rng));
  return a;
}

// Rows [lo, hi) of dim 0.
template <class T>
Arr<T> slice(const Arr<T>& a, std::int64_t lo, std::int64_t hi) {
  std::int64_t row = 1;
  for (std::size_t d = 1; d < a.shape.size(); ++d) row *= a.shape[d];
  Arr<T> out{{a.v.begin() + lo * row, a.v.begin() + hi * row}, a.shape};
  out.shape[0] = hi - lo;
  return out;
}

// [N, ...] label maps -> [N, C, ...] one-hot masks.
template <class T>
Arr<std::uint8_t> one_hot(const Arr<T>& a, std::int64_t C) {
  const std::int64_t N = a.shape[0];
  const std::int64_t S = static_cast<std::int64_t>(a.v.size()) / N;
  Arr<std::uint8_t> out{std::vector<std::uint8_t>(static_cast<std::size_t>(N * C * S), 0), a.shape};
  out.shape.insert(out.shape.begin() + 1, C);
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t i = 0; i < S; ++i) out.v[static_cast<std::size_t>((n * C + a.v[n * S + i]) * S + i)] = 1;
  return out;
}

Tensor value(std::unique_ptr<Metric>& m) { return m->compute().tensor; }

void expect_close(const Tensor& a, const Tensor& b, double tol = 1e-12) {
  ASSERT_EQ(a.shape, b.shape);
  for (std::size_t i = 0; i < a.data.size(); ++i) {
    if (std::isnan(b.data[i])) {
      EXPECT_TRUE(std::isnan(a.data[i])) << "at " << i;
      continue;
    }
    EXPECT_NEAR(a.data[i], b.data[i], tol) << "at " << i;
  }
}

template <class A, class B>
void update(std::unique_ptr<Metric>& m, const A& p, const B& t) {
  std::vector<TensorView> in{p.view(), t.view()};
  m->update(in);
}

// Brute-force per-sample, per-class counts (inter, pred, target) of index maps, void dropped.
struct Counts {
  std::vector<std::vector<double>> inter, pred, target;
};
Counts brute_counts(const Arr<std::int64_t>& p, const Arr<std::int64_t>& t, std::int64_t C,
                    std::int64_t ignore = -999) {
  const std::int64_t N = p.shape[0];
  const std::int64_t S = static_cast<std::int64_t>(p.v.size()) / N;
  Counts c;
  for (std::int64_t n = 0; n < N; ++n) {
    std::vector<double> I(C, 0), P(C, 0), T(C, 0);
    for (std::int64_t cls = 0; cls < C; ++cls)
      for (std::int64_t i = 0; i < S; ++i) {
        auto pv = p.v[n * S + i], tv = t.v[n * S + i];
        if (tv == ignore) continue;
        I[cls] += (pv == cls && tv == cls);
        P[cls] += (pv == cls);
        T[cls] += (tv == cls);
      }
    c.inter.push_back(I);
    c.pred.push_back(P);
    c.target.push_back(T);
  }
  return c;
}

// TorchMetrics' MeanIoU definition: mean over samples of (mean over classes of IoU, 0/0 -> 0).
double brute_miou(const Counts& c, std::int64_t first = 0) {
  double total = 0;
  for (std::size_t n = 0; n < c.inter.size(); ++n) {
    double s = 0;
    for (std::size_t k = first; k < c.inter[n].size(); ++k) {
      double u = c.pred[n][k] + c.target[n][k] - c.inter[n][k];
      s += u ? c.inter[n][k] / u : 0.0;
    }
    total += s / static_cast<double>(c.inter[n].size() - first);
  }
  return total / static_cast<double>(c.inter.size());
}

// ---- ignore_index ----

TEST(SegmentationIgnoreIndex, VoidPixelsAreExcludedLikeRemovingThem) {
  std::mt19937 rng(7);
  const std::int64_t N = 4, H = 9, W = 11, C = 5;
  auto target = random_maps(rng, N, H, W, C, 0.2);
  auto preds = random_maps(rng, N, H, W, C);
  struct Cfg {
    std::string metric;
    Json opts;
    std::int64_t extra_dim;  // GDS needs [N, d1, d2]
  };
  std::vector<Cfg> cfgs = {
      {"MeanIoU", {{"reduction", "sample"}}, 0},
      {"MeanIoU", {{"reduction", "sample"}, {"per_class", true}}, 0},
      {"MeanIoU", {{"reduction", "dataset"}}, 0},
      {"MeanIoU", {{"reduction", "dataset"}, {"per_class", true}, {"include_background", false}}, 0},
      {"GeneralizedDiceScore", {{"weight_type", "square"}}, 1},
      {"GeneralizedDiceScore", {{"weight_type", "simple"}, {"per_class", true}}, 1},
      {"DiceScore", {{"average", "micro"}}, 0},
      {"DiceScore", {{"average", "macro"}}, 0},
      {"DiceScore", {{"average", "weighted"}}, 0},
      {"DiceScore", {{"average", "none"}}, 0},
  };
  for (auto& cfg : cfgs) {
    SCOPED_TRACE(cfg.metric + " " + cfg.opts.dump());
    Json with = cfg.opts, without = cfg.opts;
    with["num_classes"] = without["num_classes"] = C;
    with["input_format"] = without["input_format"] = "index";
    with["ignore_index"] = 255;
    auto a = create_metric(cfg.metric, with);
    update(a, preds, target);
    // The same images with their void pixels removed, one image per update ([1, L] or [1, L, 1]).
    auto b = create_metric(cfg.metric, without);
    const std::int64_t S = H * W;
    for (std::int64_t n = 0; n < N; ++n) {
      Arr<std::int64_t> p1, t1;
      for (std::int64_t i = 0; i < S; ++i)
        if (target.v[n * S + i] != 255) {
          p1.v.push_back(preds.v[n * S + i]);
          t1.v.push_back(target.v[n * S + i]);
        }
      Shape sh{1, static_cast<std::int64_t>(t1.v.size())};
      if (cfg.extra_dim) sh.push_back(1);
      p1.shape = t1.shape = sh;
      update(b, p1, t1);
    }
    expect_close(value(a), value(b));
  }
}

TEST(SegmentationIgnoreIndex, PredEqualToIgnoreIndexIsAMiss) {
  // One image, C=2: target [0, 0, 1, 1], preds [0, 255, 1, 1] -> class 0: I=1, U=2; class 1: I=2, U=2.
  Arr<std::int64_t> t{{0, 0, 1, 1}, {1, 4}}, p{{0, 255, 1, 1}, {1, 4}};
  auto m = create_metric("MeanIoU",
                         {{"num_classes", 2}, {"input_format", "index"}, {"ignore_index", 255}, {"per_class", true}});
  update(m, p, t);
  expect_close(value(m), Tensor::vector({0.5, 1.0}));
}

TEST(SegmentationIgnoreIndex, InsideTheClassRangeDropsThatClassFromTheMean) {
  // ignore_index 0: pixels with target 0 leave; class 0 is left out of the mean.
  Arr<std::int64_t> t{{0, 0, 1, 2}, {1, 4}}, p{{1, 0, 1, 1}, {1, 4}};
  auto m = create_metric("MeanIoU", {{"num_classes", 3}, {"input_format", "index"}, {"ignore_index", 0}});
  update(m, p, t);
  // kept pixels: (p1,t1) (p1,t2). class 1: I=1, U=2 -> 0.5; class 2: I=0, U=1 -> 0.
  EXPECT_NEAR(value(m).data[0], 0.25, 1e-12);
}

TEST(SegmentationIgnoreIndex, RejectedWithOneHotInput) {
  auto msg = error_of([] { create_metric("MeanIoU", {{"num_classes", 3}, {"ignore_index", 255}}); });
  EXPECT_NE(msg.find("ignore_index"), std::string::npos) << msg;
  EXPECT_NE(msg.find("index"), std::string::npos) << msg;
}

// ---- reduction='dataset' ----

TEST(SegmentationDataset, HandComputedIoUSumRatio) {
  // Two 1x4 images, C=3.
  // image 0: t [0 0 1 1], p [0 1 1 1] -> I = [1, 2, 0], U = [2, 3, 0]
  // image 1: t [2 2 2 0], p [2 2 0 0] -> I = [1, 0, 2], U = [2, 0, 3]
  // dataset: class 0 2/4, class 1 2/3, class 2 2/3 -> mean (0.5 + 2/3 + 2/3) / 3.
  Arr<std::int64_t> t{{0, 0, 1, 1, 2, 2, 2, 0}, {2, 1, 4}}, p{{0, 1, 1, 1, 2, 2, 0, 0}, {2, 1, 4}};
  auto m = create_metric("MeanIoU", {{"num_classes", 3}, {"input_format", "index"}, {"reduction", "dataset"}});
  update(m, p, t);
  EXPECT_NEAR(value(m).data[0], (0.5 + 2.0 / 3 + 2.0 / 3) / 3, 1e-12);
  auto pc = create_metric(
      "MeanIoU", {{"num_classes", 3}, {"input_format", "index"}, {"reduction", "dataset"}, {"per_class", true}});
  update(pc, p, t);
  expect_close(value(pc), Tensor::vector({0.5, 2.0 / 3, 2.0 / 3}));
  // 'sample' on the same data: image 0 (1/2 + 2/3 + 0)/3, image 1 (1/2 + 0 + 2/3)/3.
  auto s = create_metric("MeanIoU", {{"num_classes", 3}, {"input_format", "index"}});
  update(s, p, t);
  EXPECT_NEAR(value(s).data[0], ((0.5 + 2.0 / 3) / 3 + (0.5 + 2.0 / 3) / 3) / 2, 1e-12);
}

TEST(SegmentationDataset, AbsentClassIsLeftOutOfTheMeanAndScoresZeroPerClass) {
  // Class 2 absent everywhere.
  Arr<std::int64_t> t{{0, 1, 1, 0}, {1, 4}}, p{{0, 1, 0, 0}, {1, 4}};
  auto m = create_metric("MeanIoU", {{"num_classes", 3}, {"input_format", "index"}, {"reduction", "dataset"}});
  update(m, p, t);
  EXPECT_NEAR(value(m).data[0], (2.0 / 3 + 0.5) / 2, 1e-12);
  auto pc = create_metric(
      "MeanIoU", {{"num_classes", 3}, {"input_format", "index"}, {"reduction", "dataset"}, {"per_class", true}});
  update(pc, p, t);
  expect_close(value(pc), Tensor::vector({2.0 / 3, 0.5, 0.0}));
  // Nothing accumulated: NaN.
  auto empty = create_metric("MeanIoU", {{"num_classes", 3}, {"input_format", "index"}, {"reduction", "dataset"}});
  EXPECT_TRUE(std::isnan(value(empty).data[0]));
}

TEST(SegmentationDataset, EqualsMulticlassJaccardIndexMacro) {
  bool registered = false;
  for (auto& s : metric_specs()) registered |= s.name == "MulticlassJaccardIndex";
  if (!registered) GTEST_SKIP() << "MulticlassJaccardIndex is not registered";
  std::mt19937 rng(11);
  for (std::int64_t C : {3, 6}) {
    auto target = random_maps(rng, 5, 8, 7, C, 0.15);
    auto preds = random_maps(rng, 5, 8, 7, C - 1);  // class C-1 never predicted
    // Class 1 never in target nor preds in the first 2 images.
    for (std::int64_t i = 0; i < 2 * 56; ++i) {
      if (target.v[i] == 1) target.v[i] = 0;
      if (preds.v[i] == 1) preds.v[i] = 0;
    }
    auto m = create_metric(
        "MeanIoU", {{"num_classes", C}, {"input_format", "index"}, {"reduction", "dataset"}, {"ignore_index", 255}});
    auto j = create_metric("MulticlassJaccardIndex", {{"num_classes", C}, {"average", "macro"}, {"ignore_index", 255}});
    update(m, slice(preds, 0, 2), slice(target, 0, 2));
    update(m, slice(preds, 2, 5), slice(target, 2, 5));
    update(j, preds, target);
    EXPECT_NEAR(value(m).data[0], value(j).data[0], 1e-6) << "C=" << C;
  }
}

// ---- batching, per_sample, merge, dtypes ----

TEST(SegmentationMeanIoU, IndependentOfBatching) {
  std::mt19937 rng(3);
  auto t = random_maps(rng, 4, 6, 6, 4), p = random_maps(rng, 4, 6, 6, 4);
  for (bool per_class : {false, true})
    for (std::string red : {"sample", "dataset"}) {
      Json o{{"num_classes", 4}, {"input_format", "index"}, {"per_class", per_class}, {"reduction", red}};
      auto a = create_metric("MeanIoU", o), b = create_metric("MeanIoU", o), whole = create_metric("MeanIoU", o);
      update(a, slice(p, 0, 3), slice(t, 0, 3));
      update(a, slice(p, 3, 4), slice(t, 3, 4));
      update(b, slice(p, 0, 2), slice(t, 0, 2));
      update(b, slice(p, 2, 4), slice(t, 2, 4));
      update(whole, p, t);
      expect_close(value(a), value(whole));
      expect_close(value(b), value(whole));
    }
  // and equal to the brute-force mean of per-sample IoU
  auto m = create_metric("MeanIoU", {{"num_classes", 4}, {"input_format", "index"}});
  update(m, slice(p, 0, 3), slice(t, 0, 3));
  update(m, slice(p, 3, 4), slice(t, 3, 4));
  EXPECT_NEAR(value(m).data[0], brute_miou(brute_counts(p, t, 4)), 1e-12);
}

TEST(SegmentationPerSample, OneValuePerImageInUpdateOrder) {
  std::mt19937 rng(5);
  auto t = random_maps(rng, 5, 7, 5, 4, 0.1), p = random_maps(rng, 5, 7, 5, 4);
  struct Cfg {
    std::string metric;
    Json opts;
    bool per_class;
  };
  std::vector<Cfg> cfgs = {
      {"MeanIoU", {{"reduction", "sample"}}, false},
      {"MeanIoU", {{"reduction", "sample"}, {"per_class", true}}, true},
      {"MeanIoU", {{"reduction", "dataset"}}, false},
      {"MeanIoU", {{"reduction", "dataset"}, {"per_class", true}}, true},
      {"DiceScore", {{"average", "macro"}}, false},
      {"DiceScore", {{"average", "none"}}, true},
  };
  for (auto& cfg : cfgs) {
    SCOPED_TRACE(cfg.metric + " " + cfg.opts.dump());
    Json base = cfg.opts;
    base["num_classes"] = 4;
    base["input_format"] = "index";
    base["ignore_index"] = 255;
    Json ps = base;
    ps["per_sample"] = true;
    auto m = create_metric(cfg.metric, ps);
    update(m, slice(p, 0, 2), slice(t, 0, 2));
    update(m, slice(p, 2, 5), slice(t, 2, 5));
    Tensor all = value(m);
    ASSERT_EQ(all.shape[0], 5);
    ASSERT_EQ(all.shape.size(), cfg.per_class ? 2u : 1u);
    const std::size_t width = cfg.per_class ? static_cast<std::size_t>(all.shape[1]) : 1;
    for (std::int64_t n = 0; n < 5; ++n) {
      auto one = create_metric(cfg.metric, base);
      update(one, slice(p, n, n + 1), slice(t, n, n + 1));
      Tensor v = value(one);
      ASSERT_EQ(v.data.size(), width);
      for (std::size_t k = 0; k < width; ++k) {
        double got = all.data[static_cast<std::size_t>(n) * width + k];
        if (std::isnan(v.data[k]))
          EXPECT_TRUE(std::isnan(got));
        else
          EXPECT_NEAR(got, v.data[k], 1e-12) << "image " << n << " column " << k;
      }
    }
  }
}

TEST(SegmentationMerge, HalvesEqualTheWhole) {
  std::mt19937 rng(9);
  auto t = random_maps(rng, 6, 5, 5, 3, 0.1), p = random_maps(rng, 6, 5, 5, 3);
  std::vector<std::pair<std::string, Json>> cfgs = {
      {"MeanIoU", {{"per_class", true}}},       {"MeanIoU", {{"reduction", "dataset"}}},
      {"MeanIoU", {{"per_sample", true}}},      {"GeneralizedDiceScore", {}},
      {"DiceScore", {{"average", "weighted"}}}, {"DiceScore", {{"average", "none"}, {"per_sample", true}}},
  };
  for (auto& [name, opts] : cfgs) {
    SCOPED_TRACE(name + " " + opts.dump());
    Json o = opts;
    o["num_classes"] = 3;
    o["input_format"] = "index";
    o["ignore_index"] = 255;
    auto a = create_metric(name, o), b = create_metric(name, o), whole = create_metric(name, o);
    Arr<std::int64_t> t3 = t, p3 = p;
    t3.shape = p3.shape = {6, 5, 5};
    update(a, slice(p3, 0, 3), slice(t3, 0, 3));
    update(b, slice(p3, 3, 6), slice(t3, 3, 6));
    update(whole, p3, t3);
    a->merge(*b);
    expect_close(value(a), value(whole));
    // and a state blob round trip
    auto c = create_metric(name, o);
    c->load_state(a->save_state());
    expect_close(value(c), value(whole));
  }
}

TEST(SegmentationDtypes, Uint8Uint16Int32Int64AndMixedAgree) {
  std::mt19937 rng(13);
  auto t = random_maps(rng, 3, 10, 10, 6, 0.1), p = random_maps(rng, 3, 10, 10, 6);
  for (std::string name : {"MeanIoU", "GeneralizedDiceScore", "DiceScore"}) {
    SCOPED_TRACE(name);
    Json o{{"num_classes", 6}, {"input_format", "index"}, {"ignore_index", 255}};
    auto ref = create_metric(name, o);
    update(ref, p, t);
    auto u8 = create_metric(name, o), u16 = create_metric(name, o), i32 = create_metric(name, o),
         mixed = create_metric(name, o);
    update(u8, cast<std::uint8_t>(p), cast<std::uint8_t>(t));
    update(u16, cast<std::uint16_t>(p), cast<std::uint16_t>(t));
    update(i32, cast<std::int32_t>(p), cast<std::int32_t>(t));
    update(mixed, p, cast<std::uint8_t>(t));
    expect_close(value(u8), value(ref));
    expect_close(value(u16), value(ref));
    expect_close(value(i32), value(ref));
    expect_close(value(mixed), value(ref));
  }
}

// ---- both kernel paths (C*C joint histogram and 3*C tables) against brute force ----

TEST(SegmentationKernel, BothPathsMatchBruteForce) {
  std::mt19937 rng(17);
  // C=4 on 20x20: joint histogram; C=40 on 4x5 (C*C > pixels): 3*C tables; C=300: C*C > 65536.
  for (auto [C, H, W] : std::vector<std::array<std::int64_t, 3>>{{4, 20, 20}, {40, 4, 5}, {300, 30, 30}}) {
    SCOPED_TRACE("C=" + std::to_string(C));
    auto t = random_maps(rng, 3, H, W, C, 0.1, -1), p = random_maps(rng, 3, H, W, C);
    auto m = create_metric("MeanIoU", {{"num_classes", C}, {"input_format", "index"}, {"ignore_index", -1}});
    update(m, p, t);
    EXPECT_NEAR(value(m).data[0], brute_miou(brute_counts(p, t, C, -1)), 1e-12);
    auto d = create_metric("DiceScore", {{"num_classes", C}, {"input_format", "index"}, {"ignore_index", -1}});
    update(d, p, t);
    auto c = brute_counts(p, t, C, -1);
    double sum = 0;
    for (std::size_t n = 0; n < 3; ++n) {
      double num = 0, den = 0;
      for (std::int64_t k = 0; k < C; ++k) {
        num += 2 * c.inter[n][k];
        den += c.pred[n][k] + c.target[n][k];
      }
      sum += num / den;
    }
    EXPECT_NEAR(value(d).data[0], sum / 3, 1e-12);
  }
}

TEST(SegmentationKernel, IgnoreIndexInsideTheClassRangeOnBothPaths) {
  std::mt19937 rng(29);
  for (auto [C, H, W] : std::vector<std::array<std::int64_t, 3>>{{4, 20, 20}, {40, 4, 5}, {300, 30, 30}}) {
    SCOPED_TRACE("C=" + std::to_string(C));
    auto t = random_maps(rng, 3, H, W, C), p = random_maps(rng, 3, H, W, C);
    auto m = create_metric("MeanIoU", {{"num_classes", C},
                                       {"input_format", "index"},
                                       {"ignore_index", 2},
                                       {"per_class", true},
                                       {"reduction", "dataset"}});
    update(m, p, t);
    auto c = brute_counts(p, t, C, 2);
    Tensor got = value(m);
    ASSERT_EQ(got.data.size(), static_cast<std::size_t>(C));
    for (std::int64_t k = 0; k < C; ++k) {
      double I = 0, U = 0;
      for (std::size_t n = 0; n < 3; ++n) {
        I += c.inter[n][k];
        U += c.pred[n][k] + c.target[n][k] - c.inter[n][k];
      }
      EXPECT_NEAR(got.data[k], U ? I / U : 0.0, 1e-12) << "class " << k;
    }
  }
}

TEST(SegmentationOneHot, EqualsIndexInput) {
  std::mt19937 rng(19);
  auto t = random_maps(rng, 3, 6, 7, 4), p = random_maps(rng, 3, 6, 7, 4);
  auto t1 = one_hot(t, 4), p1 = one_hot(p, 4);
  std::vector<std::pair<std::string, Json>> cfgs = {
      {"MeanIoU", {{"per_class", true}, {"include_background", false}}},
      {"MeanIoU", {{"reduction", "dataset"}}},
      {"GeneralizedDiceScore", {{"weight_type", "simple"}}},
      {"DiceScore", {{"average", "macro"}}},
  };
  for (auto& [name, opts] : cfgs) {
    SCOPED_TRACE(name);
    Json oi = opts, oh = opts;
    oi["num_classes"] = oh["num_classes"] = 4;
    oi["input_format"] = "index";
    oh["input_format"] = "one-hot";
    auto a = create_metric(name, oi), b = create_metric(name, oh);
    update(a, p, t);
    update(b, p1, t1);
    expect_close(value(b), value(a));
    // bool one-hot too
    auto c = create_metric(name, oh);
    Arr<bool> pb{p1.v, p1.shape}, tb{t1.v, t1.shape};
    update(c, pb, tb);
    expect_close(value(c), value(a));
  }
}

TEST(SegmentationOneHot, FloatScoresAreSoftCountsForDiceMetrics) {
  // GeneralizedDiceScore and DiceScore multiply preds by target (TorchMetrics: preds * target), so
  // float one-hot inputs are soft counts; 0.0/1.0 floats equal the integer masks.
  std::mt19937 rng(37);
  auto t = one_hot(random_maps(rng, 2, 5, 6, 3), 3), p = one_hot(random_maps(rng, 2, 5, 6, 3), 3);
  auto pf = cast<float>(p);
  for (std::string name : {"GeneralizedDiceScore", "DiceScore"}) {
    SCOPED_TRACE(name);
    Json o{{"num_classes", 3}};
    auto a = create_metric(name, o), b = create_metric(name, o);
    update(a, p, t);
    update(b, pf, t);
    expect_close(value(b), value(a));
    auto soft = create_metric(name, o);
    auto half = pf;
    for (auto& v : half.v) v *= 0.5f;
    update(soft, half, t);  // halving preds: 2·I/2 / (|P|/2 + |T|)
    EXPECT_LT(value(soft).data[0], 1.0);
    half.v[4] = NAN;
    auto msg = error_of([&] { update(soft, half, t); });
    EXPECT_NE(msg.find("`preds` holds a non-finite value"), std::string::npos) << msg;
  }
  // DiceScore by hand: one image, one class, preds 0.5 everywhere on 4 pixels, target 2 of them.
  Arr<float> ph{{0.5f, 0.5f, 0.5f, 0.5f}, {1, 1, 4}};
  Arr<std::int64_t> th{{1, 1, 0, 0}, {1, 1, 4}};
  auto d = create_metric("DiceScore", {{"num_classes", 1}});
  update(d, ph, th);
  EXPECT_NEAR(value(d).data[0], 2 * 1.0 / (2.0 + 2.0), 1e-12);
}

// ---- rejected input ----

TEST(SegmentationErrors, OutOfRangeLabelIsRejectedAndStateUnchanged) {
  std::mt19937 rng(23);
  auto t = random_maps(rng, 2, 4, 4, 3), p = random_maps(rng, 2, 4, 4, 3);
  for (std::string name : {"MeanIoU", "GeneralizedDiceScore", "DiceScore"}) {
    SCOPED_TRACE(name);
    auto m = create_metric(name, {{"num_classes", 3}, {"input_format", "index"}, {"ignore_index", 255}});
    update(m, p, t);
    const auto before = m->save_state();
    const double v = value(m).data[0];
    auto bad_t = t;
    bad_t.v[21] = 7;
    auto msg = error_of([&] { update(m, p, bad_t); });
    EXPECT_NE(msg.find("`target`"), std::string::npos) << msg;
    EXPECT_NE(msg.find(" 7 "), std::string::npos) << msg;
    EXPECT_NE(msg.find("num_classes=3"), std::string::npos) << msg;
    auto bad_p = p;
    bad_p.v[3] = -1;
    msg = error_of([&] { update(m, bad_p, t); });
    EXPECT_NE(msg.find("`preds`"), std::string::npos) << msg;
    EXPECT_NE(msg.find("-1"), std::string::npos) << msg;
    EXPECT_EQ(m->save_state(), before);
    EXPECT_EQ(value(m).data[0], v);
  }
  // without ignore_index, 255 is out of range too
  auto m = create_metric("MeanIoU", {{"num_classes", 3}, {"input_format", "index"}});
  auto void_t = t;
  void_t.v[0] = 255;
  auto msg = error_of([&] { update(m, p, void_t); });
  EXPECT_NE(msg.find("255"), std::string::npos) << msg;
}

TEST(SegmentationErrors, ShapesDtypesAndOneHotValuesAreNamed) {
  auto m = create_metric("MeanIoU", {{"num_classes", 3}, {"input_format", "index"}});
  Arr<float> pf{{0, 1, 2, 0}, {1, 4}};
  Arr<std::int64_t> ti{{0, 1, 2, 0}, {1, 4}}, t5{{0, 1, 2, 0, 1}, {1, 5}};
  auto msg = error_of([&] { update(m, pf, ti); });
  EXPECT_NE(msg.find("`preds` must be an integer tensor"), std::string::npos) << msg;
  EXPECT_NE(msg.find("float32"), std::string::npos) << msg;
  msg = error_of([&] { update(m, ti, t5); });
  EXPECT_NE(msg.find("same shape"), std::string::npos) << msg;
  Arr<std::int64_t> one_d{{0, 1}, {2}};
  msg = error_of([&] { update(m, one_d, one_d); });
  EXPECT_NE(msg.find("at least 2 dimensions"), std::string::npos) << msg;

  auto oh = create_metric("MeanIoU", {{"num_classes", 2}});
  Arr<std::int64_t> good{{1, 0, 0, 1}, {1, 2, 2}}, two{{1, 0, 2, 1}, {1, 2, 2}}, three_ch{{1, 0, 0}, {1, 3, 1}};
  msg = error_of([&] { update(oh, good, two); });
  EXPECT_NE(msg.find("`target` holds the value 2"), std::string::npos) << msg;
  msg = error_of([&] { update(oh, three_ch, three_ch); });
  EXPECT_NE(msg.find("num_classes=2"), std::string::npos) << msg;
  Arr<float> soft{{0.5f, 0.5f, 0.f, 1.f}, {1, 2, 2}};
  msg = error_of([&] { update(oh, soft, good); });
  EXPECT_NE(msg.find("`preds` must be an integer or bool one-hot tensor"), std::string::npos) << msg;

  msg = error_of([] { create_metric("DiceScore", Json::object()); });
  EXPECT_NE(msg.find("num_classes"), std::string::npos) << msg;
  msg = error_of([] { create_metric("GeneralizedDiceScore", {{"num_classes", 3}, {"weight_type", "cubic"}}); });
  EXPECT_NE(msg.find("weight_type"), std::string::npos) << msg;
}

// ---- by hand ----

TEST(SegmentationGeneralizedDice, AbsentClassTakesTheLargestFiniteWeightOfItsSample) {
  // One 1x6 image, C=3. target [0 0 0 0 1 1], preds [0 0 0 2 1 2]: class 2 absent from target.
  // |T| = [4, 2, 0], |P| = [3, 1, 2], I = [3, 1, 0].
  // square: w = [1/16, 1/4, inf -> 1/4]; num = 2(3/16 + 1/4) = 7/8; den = 7/16 + 3/4 + 2/4 = 27/16.
  Arr<std::int64_t> t{{0, 0, 0, 0, 1, 1}, {1, 1, 6}}, p{{0, 0, 0, 2, 1, 2}, {1, 1, 6}};
  auto m = create_metric("GeneralizedDiceScore", {{"num_classes", 3}, {"input_format", "index"}});
  update(m, p, t);
  EXPECT_NEAR(value(m).data[0], (7.0 / 8) / (27.0 / 16), 1e-12);
  auto s =
      create_metric("GeneralizedDiceScore", {{"num_classes", 3}, {"input_format", "index"}, {"weight_type", "simple"}});
  update(s, p, t);
  // simple: w = [1/4, 1/2, 1/2]; num = 2(3/4 + 1/2) = 5/2; den = 7/4 + 3/2 + 1 = 17/4.
  EXPECT_NEAR(value(s).data[0], (5.0 / 2) / (17.0 / 4), 1e-12);
  auto pc = create_metric("GeneralizedDiceScore", {{"num_classes", 3}, {"input_format", "index"}, {"per_class", true}});
  update(pc, p, t);
  expect_close(value(pc), Tensor::vector({6.0 / 7, 2.0 / 3, 0.0}));
}

TEST(SegmentationDiceScore, AveragesByHand) {
  // Two 1x4 images, C=3.
  // image 0: t [0 0 1 1], p [0 1 1 1] -> dice [2/3, 4/5, NaN]; |T| [2, 2, 0]
  // image 1: t [2 2 2 2], p [2 2 0 0] -> dice [0, NaN, 2/3]; |T| [0, 0, 4]
  Arr<std::int64_t> t{{0, 0, 1, 1, 2, 2, 2, 2}, {2, 4}}, p{{0, 1, 1, 1, 2, 2, 0, 0}, {2, 4}};
  auto run = [&](Json o) {
    o["num_classes"] = 3;
    o["input_format"] = "index";
    auto m = create_metric("DiceScore", o);
    update(m, p, t);
    return value(m);
  };
  // micro: image 0 (2 + 4) / (3 + 5 + 0) = 6/8; image 1: 4 / (2 + 0 + 6) = 4/8.
  EXPECT_NEAR(run({{"average", "micro"}}).data[0], (0.75 + 0.5) / 2, 1e-12);
  // macro: image 0 (2/3 + 4/5) / 2; image 1 (0 + 2/3) / 2.
  EXPECT_NEAR(run({{"average", "macro"}}).data[0], ((2.0 / 3 + 0.8) / 2 + (2.0 / 3) / 2) / 2, 1e-12);
  // weighted: image 0 (2/3*2 + 4/5*2) / 4; image 1 (2/3*4) / 4.
  EXPECT_NEAR(run({{"average", "weighted"}}).data[0], ((2.0 / 3 + 0.8) / 2 + 2.0 / 3) / 2, 1e-12);
  // none: nanmean over images per class.
  expect_close(run({{"average", "none"}}), Tensor::vector({1.0 / 3, 0.8, 2.0 / 3}));
  expect_close(run({{"average", nullptr}}), Tensor::vector({1.0 / 3, 0.8, 2.0 / 3}));
  // without background: image 0 [4/5, NaN]; image 1 [NaN, 2/3].
  expect_close(run({{"average", "none"}, {"include_background", false}}), Tensor::vector({0.8, 2.0 / 3}));
  // per_sample
  Tensor ps = run({{"average", "none"}, {"per_sample", true}});
  ASSERT_EQ(ps.shape, (Shape{2, 3}));
  EXPECT_NEAR(ps.data[0], 2.0 / 3, 1e-12);
  EXPECT_TRUE(std::isnan(ps.data[2]));
  EXPECT_TRUE(std::isnan(ps.data[4]));
}

TEST(SegmentationDiceScore, ImageWithNothingToScoreIsLeftOut) {
  // C=2, background excluded; image 0 has no foreground anywhere, image 1 is perfect.
  Arr<std::int64_t> t{{0, 0, 1, 1}, {2, 2}}, p{{0, 0, 1, 1}, {2, 2}};
  for (std::string avg : {"micro", "macro", "weighted"}) {
    auto m = create_metric(
        "DiceScore", {{"num_classes", 2}, {"input_format", "index"}, {"include_background", false}, {"average", avg}});
    update(m, p, t);
    EXPECT_NEAR(value(m).data[0], 1.0, 1e-12) << avg;
  }
}

// ---- HausdorffDistance ----
namespace hd {

// Brute force, written from the definition: edge = mask pixel with a face neighbour outside the
// mask or the image; directed distance = max over A of min over B, every pair visited.
struct Pt {
  std::vector<std::int64_t> x;
};

std::vector<Pt> edge_points(const std::vector<std::uint8_t>& m, const Shape& size) {
  const std::size_t k = size.size();
  std::int64_t numel = 1;
  for (auto d : size) numel *= d;
  auto at = [&](const std::vector<std::int64_t>& c) -> int {
    std::int64_t idx = 0;
    for (std::size_t a = 0; a < k; ++a) {
      if (c[a] < 0 || c[a] >= size[a]) return 0;
      idx = idx * size[a] + c[a];
    }
    return m[static_cast<std::size_t>(idx)];
  };
  std::vector<Pt> out;
  for (std::int64_t i = 0; i < numel; ++i) {
    std::vector<std::int64_t> c(k);
    std::int64_t r = i;
    for (std::size_t a = k; a-- > 0;) {
      c[a] = r % size[a];
      r /= size[a];
    }
    if (!at(c)) continue;
    bool edge = false;
    for (std::size_t a = 0; a < k; ++a)
      for (int dlt : {-1, 1}) {
        auto n = c;
        n[a] += dlt;
        if (!at(n)) edge = true;
      }
    if (edge) out.push_back({c});
  }
  return out;
}

double dist(const Pt& a, const Pt& b, const std::string& metric, const std::vector<double>& sp) {
  double e = 0, ch = 0, tx = 0;
  for (std::size_t i = 0; i < a.x.size(); ++i) {
    double d = std::fabs(static_cast<double>(a.x[i] - b.x[i])) * sp[i];
    e += d * d;
    ch = std::max(ch, d);
    tx += d;
  }
  return metric == "euclidean" ? std::sqrt(e) : metric == "chessboard" ? ch : tx;
}

double directed(const std::vector<Pt>& A, const std::vector<Pt>& B, const std::string& metric,
                const std::vector<double>& sp) {
  double h = 0;
  for (auto& a : A) {
    double m = INFINITY;
    for (auto& b : B) m = std::min(m, dist(a, b, metric, sp));
    h = std::max(h, m);
  }
  return h;
}

// Mean over (sample, class) of the Hausdorff distance of label maps [N, spatial...].
double reference(const Arr<std::int64_t>& p, const Arr<std::int64_t>& t, std::int64_t C, bool include_bg,
                 const std::string& metric, const std::vector<double>& sp, bool is_directed) {
  Shape size(p.shape.begin() + 1, p.shape.end());
  const std::int64_t N = p.shape[0];
  const std::int64_t S = static_cast<std::int64_t>(p.v.size()) / N;
  double sum = 0;
  std::int64_t count = 0;
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t c = include_bg ? 0 : 1; c < C; ++c) {
      std::vector<std::uint8_t> pm(S), tm(S);
      for (std::int64_t i = 0; i < S; ++i) {
        pm[i] = p.v[n * S + i] == c;
        tm[i] = t.v[n * S + i] == c;
      }
      auto A = edge_points(pm, size), B = edge_points(tm, size);
      if (A.empty() && B.empty()) continue;
      double h = (A.empty() || B.empty()) ? INFINITY : directed(A, B, metric, sp);
      if (!is_directed && !A.empty() && !B.empty()) h = std::max(h, directed(B, A, metric, sp));
      sum += h;
      ++count;
    }
  return sum / static_cast<double>(count);
}

// Label maps made of a few random boxes per class (blobs with real edges), background 0.
Arr<std::int64_t> blobs(std::mt19937& rng, const Shape& shape, std::int64_t C) {
  Arr<std::int64_t> a{std::vector<std::int64_t>(static_cast<std::size_t>(shape_numel(shape)), 0), shape};
  const std::size_t k = shape.size() - 1;
  const std::int64_t S = shape_numel(shape) / shape[0];
  for (std::int64_t n = 0; n < shape[0]; ++n)
    for (int b = 0; b < 6; ++b) {
      std::int64_t cls = 1 + static_cast<std::int64_t>(rng() % static_cast<unsigned>(C - 1));
      std::vector<std::int64_t> lo(k), hi(k);
      for (std::size_t a2 = 0; a2 < k; ++a2) {
        std::int64_t d = shape[a2 + 1];
        lo[a2] = static_cast<std::int64_t>(rng() % static_cast<unsigned>(d));
        hi[a2] = std::min(d, lo[a2] + 1 + static_cast<std::int64_t>(rng() % static_cast<unsigned>(d / 2 + 1)));
      }
      for (std::int64_t i = 0; i < S; ++i) {
        std::int64_t r = i;
        bool inside = true;
        for (std::size_t a2 = k; a2-- > 0;) {
          std::int64_t c = r % shape[a2 + 1];
          r /= shape[a2 + 1];
          inside &= c >= lo[a2] && c < hi[a2];
        }
        if (inside) a.v[static_cast<std::size_t>(n * S + i)] = cls;
      }
    }
  return a;
}

}  // namespace hd

TEST(SegmentationHausdorff, HandComputed) {
  // 5x5, class 1: preds a 2x2 square at the top left, target the single pixel (4, 3).
  Arr<std::int64_t> p{std::vector<std::int64_t>(25, 0), {1, 5, 5}}, t{std::vector<std::int64_t>(25, 0), {1, 5, 5}};
  for (int i : {0, 1, 5, 6}) p.v[i] = 1;
  t.v[23] = 1;
  auto run = [&](Json o) {
    o["num_classes"] = 2;
    o["input_format"] = "index";
    auto m = create_metric("HausdorffDistance", o);
    update(m, p, t);
    return value(m).data[0];
  };
  EXPECT_NEAR(run({}), 5.0, 1e-12);  // (0,0) -> (4,3)
  EXPECT_NEAR(run({{"distance_metric", "chessboard"}}), 4.0, 1e-12);
  EXPECT_NEAR(run({{"distance_metric", "taxicab"}}), 7.0, 1e-12);
  EXPECT_NEAR(run({{"directed", true}}), 5.0, 1e-12);
  EXPECT_NEAR(run({{"spacing", {2.0, 1.0}}}), std::sqrt(73.0), 1e-12);
  // target -> preds only: (4,3) -> (1,1)
  std::swap(p, t);
  EXPECT_NEAR(run({{"directed", true}}), std::sqrt(13.0), 1e-12);
  EXPECT_NEAR(run({{"directed", true}, {"distance_metric", "taxicab"}}), 5.0, 1e-12);
}

TEST(SegmentationHausdorff, EmptyMasks) {
  // class 1 in both, class 2 only in target, class 3 nowhere.
  Arr<std::int64_t> p{{1, 1, 0, 0}, {1, 2, 2}}, t{{1, 0, 2, 0}, {1, 2, 2}};
  auto m = create_metric("HausdorffDistance", {{"num_classes", 3}, {"input_format", "index"}});
  update(m, p, t);
  EXPECT_TRUE(std::isinf(value(m).data[0]));
  auto four = create_metric("HausdorffDistance", {{"num_classes", 4}, {"input_format", "index"}});
  Arr<std::int64_t> t2{{1, 1, 0, 0}, {1, 2, 2}};
  update(four, p, t2);  // class 1 equal: 0; classes 2, 3 empty in both: left out
  EXPECT_EQ(value(four).data[0], 0.0);
  auto none = create_metric("HausdorffDistance", {{"num_classes", 2}, {"input_format", "index"}});
  Arr<std::int64_t> zeros{{0, 0, 0, 0}, {1, 2, 2}};
  update(none, zeros, zeros);
  EXPECT_TRUE(std::isnan(value(none).data[0]));
}

TEST(SegmentationHausdorff, MatchesBruteForce) {
  std::mt19937 rng(31);
  struct Geo {
    Shape shape;
    std::vector<double> spacing;
  };
  std::vector<Geo> geos = {{{3, 12, 12}, {}}, {{2, 9, 17}, {0.5, 2.0}}, {{2, 6, 7, 5}, {1.0, 0.7, 1.3}}};
  for (auto& geo : geos) {
    auto p = hd::blobs(rng, geo.shape, 4), t = hd::blobs(rng, geo.shape, 4);
    for (std::string metric : {"euclidean", "chessboard", "taxicab"})
      for (bool is_directed : {false, true})
        for (bool bg : {false, true}) {
          SCOPED_TRACE(shape_str(geo.shape) + " " + metric + (is_directed ? " directed" : "") + (bg ? " bg" : ""));
          Json o{{"num_classes", 4},
                 {"input_format", "index"},
                 {"distance_metric", metric},
                 {"directed", is_directed},
                 {"include_background", bg}};
          if (!geo.spacing.empty()) o["spacing"] = geo.spacing;
          std::vector<double> sp = geo.spacing.empty() ? std::vector<double>(geo.shape.size() - 1, 1.0) : geo.spacing;
          double want = hd::reference(p, t, 4, bg, metric, sp, is_directed);
          auto m = create_metric("HausdorffDistance", o);
          update(m, slice(p, 0, 1), slice(t, 0, 1));
          update(m, slice(p, 1, p.shape[0]), slice(t, 1, t.shape[0]));
          double got = value(m).data[0];
          if (std::isinf(want))
            EXPECT_TRUE(std::isinf(got));
          else
            EXPECT_NEAR(got, want, 1e-9);
          // one-hot input gives the same
          o["input_format"] = "one-hot";
          auto oh = create_metric("HausdorffDistance", o);
          update(oh, one_hot(p, 4), one_hot(t, 4));
          if (std::isinf(want))
            EXPECT_TRUE(std::isinf(value(oh).data[0]));
          else
            EXPECT_NEAR(value(oh).data[0], want, 1e-9);
        }
  }
}

TEST(SegmentationHausdorff, Errors) {
  auto m = create_metric("HausdorffDistance", {{"num_classes", 2}, {"input_format", "index"}, {"spacing", {1.0}}});
  Arr<std::int64_t> a{{0, 1, 1, 0}, {1, 2, 2}};
  auto msg = error_of([&] { update(m, a, a); });
  EXPECT_NE(msg.find("spacing"), std::string::npos) << msg;
  auto ok = create_metric("HausdorffDistance", {{"num_classes", 2}, {"input_format", "index"}});
  Arr<std::int64_t> bad{{0, 1, 3, 0}, {1, 2, 2}};
  msg = error_of([&] { update(ok, a, bad); });
  EXPECT_NE(msg.find("`target` holds the label 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("num_classes=2"), std::string::npos) << msg;
  msg = error_of([] { create_metric("HausdorffDistance", {{"num_classes", 2}, {"spacing", {1.0, 0.0}}}); });
  EXPECT_NE(msg.find("spacing"), std::string::npos) << msg;
}

}  // namespace
}  // namespace wasmetrics
