// Image, audio and shape metrics beyond the conformance fixtures: the separable filters against a
// direct 2-D correlation, the Levinson Toeplitz solve against elimination, the assignment solver
// against brute force, and for every sum-state metric: batch splits and merged shards equal one
// update, saved states load, rejected batches change nothing.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <gtest/gtest.h>
#include <xtensor/xadapt.hpp>

#include "fixture_io.hpp"
#include "wasmetrics/audio/assignment.hpp"
#include "wasmetrics/audio/signal.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/filter.hpp"
#include "wasmetrics/image/ssim_rows.hpp"

namespace wasmetrics {
namespace {

using testing::Json;

std::vector<double> random_values(std::size_t n, unsigned seed, double lo = 0.0, double hi = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = d(gen);
  return v;
}

TEST(ImageFilter, SeparablePassesEqualTheDirect2DCorrelation) {
  const std::size_t h = 9, w = 7;
  xt::xarray<double> x = xt::xarray<double>::from_shape({1, 1, h, w});
  auto v = random_values(h * w, 1);
  std::copy(v.begin(), v.end(), x.begin());
  const auto gy = image::gaussian_kernel_1d(5, 1.0), gx = image::gaussian_kernel_1d(3, 0.7);
  for (bool symmetric : {false, true}) {
    std::vector<image::AxisFilter> f{{2, gy, 2, symmetric}, {1, gx, 1, symmetric}};
    const auto got = image::separable_filter("test", x, f);
    ASSERT_EQ(got.shape()[2], h);
    ASSERT_EQ(got.shape()[3], w);
    auto idx = [&](std::int64_t i, std::int64_t n) {
      return symmetric ? image::symmetric_index(i, n) : image::reflect_index(i, n);
    };
    for (std::size_t r = 0; r < h; ++r)
      for (std::size_t c = 0; c < w; ++c) {
        double want = 0;
        for (std::size_t a = 0; a < gy.size(); ++a)
          for (std::size_t b = 0; b < gx.size(); ++b)
            want += gy[a] * gx[b] *
                    x(0, 0, idx(static_cast<std::int64_t>(r + a) - 2, h), idx(static_cast<std::int64_t>(c + b) - 1, w));
        EXPECT_NEAR(got(0, 0, r, c), want, 1e-12) << "symmetric=" << symmetric << " at " << r << "," << c;
      }
  }
}

// The row-by-row SSIM (image/ssim_rows) against whole filtered images (separable_filter and the
// map expression as xtensor arrays): the same arithmetic in the same order, so equal to the bit.
TEST(ImageSsimRows, EqualsTheFilteredImagesToTheBit) {
  const std::size_t n = 2, c = 3, h = 17, w = 23;
  xt::xarray<double> p = xt::xarray<double>::from_shape({n, c, h, w}), t = p;
  auto vp = random_values(p.size(), 11), vt = random_values(p.size(), 12);
  std::copy(vp.begin(), vp.end(), p.begin());
  std::copy(vt.begin(), vt.end(), t.begin());
  const double c1 = 1e-4, c2 = 9e-4;
  const std::vector<std::vector<image::AxisFilter>> windows{
      {{5, image::gaussian_kernel_1d(11, 1.5)}, {5, image::gaussian_kernel_1d(11, 1.5)}},
      {{3, image::uniform_kernel_1d(7)}, {2, image::uniform_kernel_1d(5)}},
      {{0, image::uniform_kernel_1d(1)}, {1, image::gaussian_kernel_1d(3, 0.5)}}};  // pad 0 on one axis
  for (const auto& f : windows) {
    ASSERT_TRUE(image::ssim_rows_applies(p, f));
    auto filtered = [&](const xt::xarray<double>& x) { return image::separable_filter("test", x, f); };
    const xt::xarray<double> mu_p = filtered(p), mu_t = filtered(t), e_pp = filtered(p * p), e_tt = filtered(t * t),
                             e_pt = filtered(p * t);
    const xt::xarray<double> mu_pp = mu_p * mu_p, mu_tt = mu_t * mu_t, mu_pt = mu_p * mu_t;
    const xt::xarray<double> upper = 2.0 * (e_pt - mu_pt) + c2;
    const xt::xarray<double> lower = xt::maximum(e_pp - mu_pp, 0.0) + xt::maximum(e_tt - mu_tt, 0.0) + c2;
    const xt::xarray<double> map = ((2.0 * mu_pt + c1) * upper) / ((mu_pp + mu_tt + c1) * lower);
    const xt::xarray<double> cs_map = upper / lower;
    const image::SsimRowsOut got = image::ssim_rows(p, t, f, c1, c2, true, true);
    ASSERT_EQ(got.map.shape(), map.shape());
    for (std::size_t k = 0; k < map.size(); ++k) ASSERT_EQ(got.map.data()[k], map.data()[k]) << k;
    const std::size_t ho = map.shape()[2], wo = map.shape()[3];
    const std::size_t r0 = f[0].pad, r1 = std::max<std::size_t>(r0, ho - f[0].pad);
    const std::size_t c0 = f[1].pad, c1e = std::max<std::size_t>(c0, wo - f[1].pad);
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0, cs = 0;
      for (std::size_t k = 0; k < c * ho * wo; ++k) s += map.data()[i * c * ho * wo + k];
      for (std::size_t ch = 0; ch < c; ++ch)
        for (std::size_t r = r0; r < r1; ++r)
          for (std::size_t col = c0; col < c1e; ++col) cs += cs_map(i, ch, r, col);
      EXPECT_EQ(got.ssim[i], s / static_cast<double>(c * ho * wo));
      const double cs_mean = cs / static_cast<double>(c * (r1 - r0) * (c1e - c0));
      if (std::isnan(cs_mean))
        EXPECT_TRUE(std::isnan(got.cs[i]));
      else
        EXPECT_EQ(got.cs[i], cs_mean);
    }
  }
  // a padding as large as the axis is left to separable_filter (which reports it)
  EXPECT_FALSE(
      image::ssim_rows_applies(xt::xarray<double>::from_shape({1, 1, 4, 4}),
                               {{5, image::gaussian_kernel_1d(11, 1.5)}, {5, image::gaussian_kernel_1d(11, 1.5)}}));
}

TEST(ImageFilter, PaddingMustBeSmallerThanTheAxis) {
  xt::xarray<double> x = xt::zeros<double>({1, 1, 4, 4});
  std::vector<image::AxisFilter> f{{4, image::uniform_kernel_1d(9)}, {4, image::uniform_kernel_1d(9)}};
  EXPECT_THROW(image::separable_filter("test", x, f), Error);
}

TEST(ImageFilter, HalfWindowCropRoundsHalvesToEven) {
  EXPECT_EQ(image::half_window_crop(1), 0);
  EXPECT_EQ(image::half_window_crop(3), 2);
  EXPECT_EQ(image::half_window_crop(5), 2);
  EXPECT_EQ(image::half_window_crop(7), 4);
  EXPECT_EQ(image::half_window_crop(8), 4);
}

// x solves the symmetric Toeplitz system with first column r and right-hand side b.
void expect_toeplitz_solution(const std::vector<double>& r, const std::vector<double>& b,
                              const xt::xtensor<double, 1>& x, unsigned seed) {
  const std::size_t n = b.size();
  ASSERT_EQ(x.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    double row = 0;
    for (std::size_t j = 0; j < n; ++j) row += r[i > j ? i - j : j - i] * x[j];
    EXPECT_NEAR(row, b[i], 1e-9) << "seed " << seed << " row " << i;
  }
}

TEST(AudioToeplitz, LevinsonAgreesWithTheDenseSystem) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const std::size_t n = 12;
    // an auto-correlation sequence (positive definite Toeplitz matrix)
    auto sig = random_values(64, seed, -1, 1);
    std::vector<double> r(n), b = random_values(n, seed + 10, -1, 1);
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t i = 0; i + k < sig.size(); ++i) r[k] += sig[i] * sig[i + k];
    xt::xtensor<double, 1> x;
    ASSERT_TRUE(audio::solve_symmetric_toeplitz(xt::adapt(r), xt::adapt(b), x));
    expect_toeplitz_solution(r, b, x, seed);
  }
}

TEST(AudioToeplitz, EliminationSolvesWhatLevinsonCannot) {
  for (unsigned seed : {4u, 5u}) {
    const std::size_t n = 9;
    auto r = random_values(n, seed, -1, 1);
    const auto b = random_values(n, seed + 10, -1, 1);
    r[0] = 0.0;  // singular first leading minor: Levinson gives up, the full matrix is regular
    xt::xtensor<double, 1> x;
    ASSERT_FALSE(audio::solve_symmetric_toeplitz(xt::adapt(r), xt::adapt(b), x));
    x = audio::solve_toeplitz_dense(xt::adapt(r), xt::adapt(b));
    expect_toeplitz_solution(r, b, x, seed);
  }
}

TEST(AudioAssignment, HungarianFindsTheBruteForceOptimum) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    const std::size_t n = 2 + seed % 5;
    const auto cost = random_values(n * n, seed, -5, 5);
    const auto perm = audio::min_cost_assignment(xt::adapt(cost, {n, n}));
    double got = 0;
    for (std::size_t i = 0; i < n; ++i) got += cost[i * n + perm[i]];
    std::vector<std::size_t> p(n);
    std::iota(p.begin(), p.end(), std::size_t{0});
    double best = 1e300;
    do {
      double s = 0;
      for (std::size_t i = 0; i < n; ++i) s += cost[i * n + p[i]];
      best = std::min(best, s);
    } while (std::next_permutation(p.begin(), p.end()));
    EXPECT_NEAR(got, best, 1e-12) << "n=" << n << " seed " << seed;
  }
}

// ---- state behaviour of the sum-state metrics -----------------------------------------------------

struct Case {
  std::string metric;
  Json args;
  Shape shape;  // of each input; the first axis is split
  int inputs = 2;
};

std::vector<Case> sum_state_cases() {
  return {
      {"PeakSignalNoiseRatio", {{"data_range", 1.0}}, {4, 1, 8, 8}},
      {"PeakSignalNoiseRatio", Json::object(), {4, 1, 8, 8}},
      {"StructuralSimilarityIndexMeasure", {{"data_range", 1.0}}, {4, 2, 12, 12}},
      {"MultiScaleStructuralSimilarityIndexMeasure",
       {{"data_range", 1.0}, {"betas", {0.5, 0.5}}, {"kernel_size", 5}, {"sigma", 0.6}},
       {4, 1, 16, 16}},
      {"UniversalImageQualityIndex", {{"kernel_size", {5, 5}}, {"sigma", {1.0, 1.0}}}, {4, 1, 12, 12}},
      {"SpectralAngleMapper", Json::object(), {4, 3, 6, 6}},
      {"TotalVariation", Json::object(), {4, 2, 6, 6}, 1},
      {"PeakSignalNoiseRatioWithBlockedEffect", {{"block_size", 4}}, {4, 1, 16, 16}},
      {"RootMeanSquaredErrorUsingSlidingWindow", {{"window_size", 4}}, {4, 2, 12, 12}},
      {"SignalNoiseRatio", Json::object(), {4, 64}},
      {"ScaleInvariantSignalDistortionRatio", Json::object(), {4, 64}},
      {"SignalDistortionRatio", {{"filter_length", 16}}, {4, 64}},
      {"SourceAggregatedSignalDistortionRatio", Json::object(), {4, 2, 32}},
      {"PermutationInvariantTraining", {{"metric_func", "scale_invariant_signal_noise_ratio"}}, {4, 3, 32}},
      {"ProcrustesDisparity", Json::object(), {4, 6, 3}},
      {"CriticalSuccessIndex", {{"threshold", 0.5}}, {4, 5, 5}},
  };
}

struct Inputs {
  std::vector<std::vector<double>> data;
  Shape shape;
  std::vector<TensorView> views(std::int64_t from, std::int64_t to, std::vector<std::vector<double>>& keep) const {
    const std::int64_t row = shape_numel(shape) / shape[0];
    Shape s = shape;
    s[0] = to - from;
    keep.clear();
    for (auto& d : data) keep.emplace_back(d.begin() + from * row, d.begin() + to * row);
    std::vector<TensorView> out;
    for (auto& k : keep) out.push_back(TensorView{k.data(), DType::float64, s});
    return out;
  }
};

double scalar_of(const Result& r) { return r.tensor.data.at(0); }

// Metrics not registered yet are skipped, as the conformance runner skips their cases.
bool is_registered(const std::string& name) {
  for (auto& s : metric_specs())
    if (s.name == name) return true;
  return false;
}

TEST(ImageAudioState, SplitsMergesAndBlobsEqualOneUpdate) {
  unsigned seed = 100;
  int checked = 0;
  for (const Case& c : sum_state_cases()) {
    if (!is_registered(c.metric)) continue;
    ++checked;
    Inputs in{{}, c.shape};
    for (int i = 0; i < c.inputs; ++i)
      in.data.push_back(random_values(static_cast<std::size_t>(shape_numel(c.shape)), ++seed));
    std::vector<std::vector<double>> keep;
    auto whole = create_metric(c.metric, c.args);
    whole->update(in.views(0, 4, keep));
    const double want = scalar_of(whole->compute());
    ASSERT_TRUE(std::isfinite(want)) << c.metric;

    auto split = create_metric(c.metric, c.args);
    split->update(in.views(0, 1, keep));
    split->update(in.views(1, 4, keep));
    EXPECT_NEAR(scalar_of(split->compute()), want, 1e-9 * std::max(1.0, std::fabs(want))) << c.metric << " split";

    auto a = create_metric(c.metric, c.args), b = create_metric(c.metric, c.args);
    a->update(in.views(0, 3, keep));
    b->update(in.views(3, 4, keep));
    a->merge(*b);
    EXPECT_NEAR(scalar_of(a->compute()), want, 1e-9 * std::max(1.0, std::fabs(want))) << c.metric << " merge";

    auto loaded = create_metric(c.metric, c.args);
    loaded->load_state(a->save_state());
    EXPECT_NEAR(scalar_of(loaded->compute()), want, 1e-9 * std::max(1.0, std::fabs(want))) << c.metric << " blob";

    // a rejected batch (wrong rank) leaves the state as it was
    std::vector<double> bad(7, 0.5);
    std::vector<TensorView> bad_in(static_cast<std::size_t>(c.inputs), TensorView{bad.data(), DType::float64, {7}});
    if (c.metric != "SignalNoiseRatio" && c.metric != "ScaleInvariantSignalDistortionRatio" &&
        c.metric != "SignalDistortionRatio" && c.metric != "CriticalSuccessIndex" &&
        c.metric != "PeakSignalNoiseRatio") {
      EXPECT_THROW(loaded->update(bad_in), Error) << c.metric;
      EXPECT_NEAR(scalar_of(loaded->compute()), want, 1e-9 * std::max(1.0, std::fabs(want)))
          << c.metric << " after reject";
    }
  }
  if (checked == 0) GTEST_SKIP() << "none of these metrics is registered yet";
}

TEST(ImageAudioState, PerImageStatesKeepOneValuePerImage) {
  // reduction none keeps 8 bytes per image (SSIM, ERGAS, TV), not the images
  for (std::string metric :
       {"StructuralSimilarityIndexMeasure", "ErrorRelativeGlobalDimensionlessSynthesis", "TotalVariation"}) {
    if (!is_registered(metric)) GTEST_SKIP() << metric << " is not registered yet";
    auto m = create_metric(metric, {{"reduction", "none"}});
    Shape shape{5, 3, 16, 16};
    auto p = random_values(static_cast<std::size_t>(shape_numel(shape)), 7, 0.1, 1.0);
    auto t = random_values(static_cast<std::size_t>(shape_numel(shape)), 8, 0.1, 1.0);
    std::vector<TensorView> in{TensorView{p.data(), DType::float64, shape}};
    if (metric != "TotalVariation") in.push_back(TensorView{t.data(), DType::float64, shape});
    m->update(in);
    m->update(in);
    EXPECT_LE(m->state().byte_size(), 10u * 8u + 16u) << metric;
    EXPECT_EQ(m->compute().tensor.shape, Shape{10}) << metric;
  }
}

TEST(AudioSdr, FilterLengthOneIsTheCosineRatio) {
  if (!is_registered("SignalDistortionRatio")) GTEST_SKIP() << "SignalDistortionRatio is not registered yet";
  auto m = create_metric("SignalDistortionRatio", {{"filter_length", 1}});
  const auto p = random_values(50, 3, -1, 1), t = random_values(50, 4, -1, 1);
  double pt = 0, pp = 0, tt = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    pt += p[i] * t[i];
    pp += p[i] * p[i];
    tt += t[i] * t[i];
  }
  const double cos2 = pt * pt / (pp * tt);
  std::vector<TensorView> in{TensorView{p.data(), DType::float64, {50}}, TensorView{t.data(), DType::float64, {50}}};
  m->update(in);
  EXPECT_NEAR(scalar_of(m->compute()), 10 * std::log10(cos2 / (1 - cos2)), 1e-9);
}

// Every example of these families (the registry's docs and the generic contract test read them)
// gives its expected value when its batches are fed.
TEST(ImageAudioExamples, GiveTheirExpectedValues) {
  int checked = 0;
  for (const MetricSpec& spec : metric_specs()) {
    if (spec.family != "image" && spec.family != "audio" && spec.family != "shape" &&
        spec.name != "CriticalSuccessIndex")
      continue;
    ASSERT_FALSE(spec.examples.empty()) << spec.name << " has no example";
    for (const MetricExample& ex : spec.examples) {
      auto m = create_metric(spec.name, ex.args);
      for (const Json& b : ex.batches) {
        std::vector<testing::OwnedTensor> owned;
        for (const InputSpec& in : spec.inputs)
          if (b.contains(in.name)) owned.push_back(testing::tensor_from_json(b[in.name]));
        std::vector<TensorView> views;
        for (auto& t : owned) views.push_back(t.view());
        m->update(views);
      }
      EXPECT_EQ(testing::compare_result(m->compute(), ex.expected, ex.atol, ex.rtol, spec.name), "") << ex.doc;
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "none of these metrics is registered yet";
}

}  // namespace
}  // namespace wasmetrics
