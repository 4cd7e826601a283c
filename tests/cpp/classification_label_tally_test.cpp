// The fused binary/multilabel stat-score pass (label_tally.hpp, count_stats_fused) against the
// general path (format_labels + count_stats) on random batches: odd row counts, label counts that
// are not multiples of 4 or 16, ignore_index, per-label thresholds, values on the thresholds, logits
// (values on the logit cuts); and the batches it must refuse (NaN, Inf, unexpected targets, -0.0
// as the only value outside (0, 1]), which leave the state as it was.
// The native build runs the best Highway target of the CPU (kernels_label_tally_test.cpp runs every
// target against the scalar twin); tests/js/label-tally-{simd,plain}.test.mjs run the WASM ones.
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/classification/stat_scores.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/kernels/label_tally.hpp"

namespace wasmetrics {
namespace {

using classification::InputFormat;
using classification::StatLayout;
using classification::Task;

InputFormat format_for(std::int64_t L, std::vector<double> thr, std::optional<std::int64_t> ignore,
                       bool validate = true, classification::InputKind kind = classification::InputKind::auto_detect) {
  InputFormat f;
  f.kind = kind;
  f.metric = "LabelTallyTest";
  f.task = L == 1 ? Task::binary : Task::multilabel;
  f.num_classes = L;
  if (thr.size() == 1) thr.assign(static_cast<std::size_t>(L), thr[0]);
  f.thresholds = thr;
  f.ignore_index = ignore;
  f.validate = validate;
  f.prepare();
  return f;
}

// A fresh stat-score state of `layout` (which gets the states' slots).
State fresh_stat_state(StatLayout& layout) {
  StateLayout states;
  classification::declare_stat_states(states, layout);
  return states.make();
}

std::vector<std::int64_t> counts(const State& s) {
  std::vector<std::int64_t> out;
  for (const char* n : {"tp", "fp", "tn", "fn"})
    for (auto v : s[n].as<std::int64_t>()) out.push_back(v);
  return out;
}

struct Batch {
  std::vector<float> p;
  std::vector<std::uint8_t> t;
  Shape shape;
  TensorView preds() const { return {p.data(), DType::float32, shape}; }
  TensorView target() const { return {t.data(), DType::uint8, shape}; }
};

// Random probabilities (some exactly 0, 1 or a threshold) and 0/1 targets, some set to `ignore`.
Batch random_batch(std::mt19937& rng, std::int64_t N, std::int64_t L, const std::vector<float>& thr, int ignore) {
  Batch b;
  b.shape = L == 1 ? Shape{N} : Shape{N, L};
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 19);
  for (std::int64_t i = 0; i < N * L; ++i) {
    const int k = pick(rng);
    b.p.push_back(k == 0 ? 0.0f : k == 1 ? 1.0f : k == 2 ? thr[static_cast<std::size_t>(i % L)] : u(rng));
    const int tk = pick(rng);
    b.t.push_back(ignore >= 0 && tk < 2 ? static_cast<std::uint8_t>(ignore) : static_cast<std::uint8_t>(tk % 2));
  }
  return b;
}

// The counts of the general path, from fresh states.
std::vector<std::int64_t> general(const InputFormat& f, const Batch& b) {
  StatLayout layout{.k = f.num_classes};
  State s = fresh_stat_state(layout);
  classification::count_stats(classification::format_labels(f, b.preds(), b.target()), layout, s);
  return counts(s);
}

TEST(LabelTally, FusedMatchesGeneralPathOnRandomBatches) {
  std::mt19937 rng(7);
  const std::int64_t shapes[][2] = {{1, 1},     {15, 1},    {4099, 1}, {1, 2},   {17, 3}, {33, 4},
                                    {1001, 20}, {4111, 20}, {257, 37}, {16, 16}, {31, 5}, {5000, 3}};
  std::int64_t checked = 0;
  for (auto [N, L] : shapes) {
    for (int ignore_case = 0; ignore_case < 4; ++ignore_case) {
      // none, -1 (no byte matches), 255, 7
      std::optional<std::int64_t> ii;
      int ignore_byte = -1;
      if (ignore_case == 1) ii = -1;
      if (ignore_case == 2) {
        ii = 255;
        ignore_byte = 255;
      }
      if (ignore_case == 3) {
        ii = 7;
        ignore_byte = 7;
      }
      for (bool per_label : {false, true}) {
        std::vector<double> thr{0.5};
        if (per_label) {
          thr.clear();
          std::uniform_real_distribution<double> u(0.0, 1.0);
          for (std::int64_t l = 0; l < L; ++l) thr.push_back(l == 0 ? 0.0 : l == 1 ? 1.0 : u(rng));
        }
        InputFormat f = format_for(L, thr, ii);
        Batch b = random_batch(rng, N, L, f.thr_f32, ignore_byte);
        StatLayout layout{.k = L};
        State s = fresh_stat_state(layout);
        ASSERT_TRUE(classification::count_stats_fused(f, b.preds(), b.target(), layout, s))
            << "N=" << N << " L=" << L << " ignore case " << ignore_case;
        EXPECT_EQ(counts(s), general(f, b))
            << "N=" << N << " L=" << L << " ignore case " << ignore_case << " per-label " << per_label;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 12 * 4 * 2);
}

// Logits (auto-detected, or input_kind='logits' on any floats): the second pass against the logit
// cuts, with preds exactly on a cut, the float neighbours of the cut, 0, -0.0, huge values.
TEST(LabelTally, LogitsPassMatchesGeneralPath) {
  std::mt19937 rng(5);
  using classification::InputKind;
  const std::int64_t shapes[][2] = {{15, 1}, {4099, 1}, {17, 3}, {1001, 20}, {257, 37}, {5000, 3}};
  std::int64_t checked = 0;
  for (auto [N, L] : shapes) {
    for (auto kind : {InputKind::auto_detect, InputKind::logits}) {
      for (int ignore_case = 0; ignore_case < 2; ++ignore_case) {
        std::optional<std::int64_t> ii;
        int ignore_byte = -1;
        if (ignore_case == 1) {
          ii = 255;
          ignore_byte = 255;
        }
        std::vector<double> thr;
        std::uniform_real_distribution<double> u(0.0, 1.0);
        for (std::int64_t l = 0; l < L; ++l) thr.push_back(l == 0 ? 0.5 : l == 1 ? 0.0 : l == 2 ? 1.0 : u(rng));
        InputFormat f = format_for(L, thr, ii, true, kind);
        Batch b = random_batch(rng, N, L, f.thr_f32, ignore_byte);
        std::uniform_real_distribution<float> wide(-6.0f, 6.0f);
        std::uniform_int_distribution<int> pick(0, 9);
        for (std::size_t i = 0; i < b.p.size(); ++i) {
          const float cut = f.cut_f32[i % static_cast<std::size_t>(L)];
          const int k = pick(rng);
          if (k == 0 && std::isfinite(cut))
            b.p[i] = cut;
          else if (k == 1 && std::isfinite(cut))
            b.p[i] = std::nextafter(cut, -INFINITY);
          else if (k == 2)
            b.p[i] = -0.0f;
          else if (k == 3)
            b.p[i] = 3.0e38f;
          else
            b.p[i] = wide(rng);
        }
        StatLayout layout{.k = L};
        State s = fresh_stat_state(layout);
        ASSERT_TRUE(classification::count_stats_fused(f, b.preds(), b.target(), layout, s)) << "N=" << N << " L=" << L;
        EXPECT_EQ(counts(s), general(f, b)) << "N=" << N << " L=" << L << " ignore case " << ignore_case;
        ++checked;
      }
    }
  }
  // input_kind='logits' on probabilities: the sigmoid rule all the same
  InputFormat f = format_for(4, {0.5}, std::nullopt, true, InputKind::logits);
  Batch b = random_batch(rng, 99, 4, f.thr_f32, -1);
  StatLayout layout{.k = 4};
  State s = fresh_stat_state(layout);
  ASSERT_TRUE(classification::count_stats_fused(f, b.preds(), b.target(), layout, s));
  EXPECT_EQ(counts(s), general(f, b));
  EXPECT_EQ(checked, 6 * 2 * 2);
}

TEST(LabelTally, TallyCountsEveryKeptPosition) {
  // Direct kernel check on a hand-sized case: 2 rows x 3 labels, ignore 9.
  const std::vector<float> p{0.9f, 0.1f, 0.5f, 0.2f, 0.8f, 0.6f};
  const std::vector<std::uint8_t> t{1, 0, 9, 1, 1, 0};
  const std::vector<float> thr{0.5f, 0.5f, 0.5f};
  kernels::LabelTally a, b;
  kernels::tally_labels(p.data(), t.data(), 2, 3, thr.data(), 9, kernels::TallyCompare::probs_greater, a);
  kernels::scalar::tally_labels(p.data(), t.data(), 2, 3, thr.data(), 9, kernels::TallyCompare::probs_greater, b);
  for (auto* x : {&a, &b}) {
    EXPECT_EQ(x->pred_and_target, (std::vector<std::uint64_t>{1, 1, 0}));  // 0.9/1; 0.8/1; 0.5 not > 0.5
    EXPECT_EQ(x->pred, (std::vector<std::uint64_t>{1, 1, 1}));             // 0.9; 0.8; 0.6 (0.5 ignored)
    EXPECT_EQ(x->target, (std::vector<std::uint64_t>{2, 1, 0}));
    EXPECT_EQ(x->ignored, (std::vector<std::uint64_t>{0, 0, 1}));
    EXPECT_FALSE(x->preds_maybe_outside_unit);
    EXPECT_FALSE(x->target_unexpected);
  }
}

TEST(LabelTally, RefusesBatchesTheGeneralPathMustDecide) {
  std::mt19937 rng(11);
  InputFormat f = format_for(5, {0.5}, std::nullopt);
  StatLayout layout{.k = 5};
  auto refused = [&](const InputFormat& fmt, const Batch& b) {
    State s = fresh_stat_state(layout);
    const auto before = counts(s);
    const bool took = classification::count_stats_fused(fmt, b.preds(), b.target(), layout, s);
    if (!took) EXPECT_EQ(counts(s), before);  // a refused batch leaves the state as it was
    return !took;
  };
  Batch nan = random_batch(rng, 37, 5, f.thr_f32, -1);
  nan.p[36 * 5 + 4] = NAN;
  EXPECT_TRUE(refused(f, nan));
  Batch inf = random_batch(rng, 37, 5, f.thr_f32, -1);
  inf.p[3] = 2.5f;  // logits, but
  inf.p[40] = -INFINITY;
  EXPECT_TRUE(refused(f, inf));
  EXPECT_TRUE(refused(format_for(5, {0.5}, std::nullopt, true, classification::InputKind::logits), inf));
  // logits are counted (the logit-cut pass); -0.0 alone is not a logit: the general path
  Batch logits = random_batch(rng, 37, 5, f.thr_f32, -1);
  logits.p[3] = 2.5f;
  EXPECT_FALSE(refused(f, logits));
  Batch neg_zero = random_batch(rng, 37, 5, f.thr_f32, -1);
  neg_zero.p[40] = -0.0f;
  EXPECT_TRUE(refused(f, neg_zero));
  // input_kind='probs' with a value outside [0, 1]: the general path reports it
  EXPECT_TRUE(refused(format_for(5, {0.5}, std::nullopt, true, classification::InputKind::probs), logits));
  // label preds: not this pass's case
  EXPECT_TRUE(refused(format_for(5, {0.5}, std::nullopt, true, classification::InputKind::labels), neg_zero));
  Batch bad_target = random_batch(rng, 37, 5, f.thr_f32, -1);
  bad_target.t[100] = 2;
  EXPECT_TRUE(refused(f, bad_target));
  // 255 is legal only when it is the ignore_index
  Batch t255 = random_batch(rng, 37, 5, f.thr_f32, 255);
  EXPECT_TRUE(refused(f, t255));
  EXPECT_FALSE(refused(format_for(5, {0.5}, 255), t255));
  // ignore_index 0 or 1 ignores real labels: not the fused pass's case
  EXPECT_TRUE(refused(format_for(5, {0.5}, 0), random_batch(rng, 37, 5, f.thr_f32, -1)));
  EXPECT_TRUE(refused(format_for(5, {0.5}, 1), random_batch(rng, 37, 5, f.thr_f32, -1)));
}

// Through the metric: a refused batch takes the general path, so results and errors are as before.
TEST(LabelTally, MetricFallsBackToTheGeneralPath) {
  std::mt19937 rng(3);
  const std::vector<float> thr(6, 0.5f);
  auto run = [&](Json opts, const Batch& b, DType tdtype) {
    auto m = create_metric("MultilabelStatScores", opts);
    std::vector<std::int16_t> wide(b.t.begin(), b.t.end());
    TensorView target = tdtype == DType::uint8 ? b.target() : TensorView{wide.data(), DType::int16, b.shape};
    std::vector<TensorView> in{b.preds(), target};
    m->update(in);
    return m->compute().tensor.data;
  };
  const Json base = {{"num_labels", 6}, {"average", nullptr}};
  // logits (auto-detected): uint8 targets (refused by the fused pass) = int16 targets (general path)
  Batch logits = random_batch(rng, 45, 6, thr, -1);
  for (auto& v : logits.p) v = v * 8.0f - 4.0f;
  EXPECT_EQ(run(base, logits, DType::uint8), run(base, logits, DType::int16));
  // unexpected targets with validate_args=false count nowhere, as in the general path
  Batch odd = random_batch(rng, 45, 6, thr, 3);
  Json loose = base;
  loose["validate_args"] = false;
  EXPECT_EQ(run(loose, odd, DType::uint8), run(loose, odd, DType::int16));
  // ... and with validation, the same error as the general path; the state is unchanged
  auto m = create_metric("MultilabelStatScores", base);
  Batch good = random_batch(rng, 45, 6, thr, -1);
  std::vector<TensorView> in{good.preds(), good.target()};
  m->update(in);
  const auto blob = m->save_state();
  Batch nan = random_batch(rng, 45, 6, thr, -1);
  nan.p[17] = NAN;
  std::vector<TensorView> bad{nan.preds(), nan.target()};
  EXPECT_THROW(m->update(bad), Error);
  std::vector<TensorView> bad_t{odd.preds(), odd.target()};
  EXPECT_THROW(m->update(bad_t), Error);
  EXPECT_EQ(m->save_state(), blob);
}

}  // namespace
}  // namespace wasmetrics
