// DawidSkene beyond its worked example (the registry example, one EM round by hand): on synthetic
// ratings drawn from known confusion matrices — one rater adversarial, as in the setting of Dawid &
// Skene's paper where raters differ in error rates — EM must recover the matrices and the class
// priors and beat majority vote; plus unrated units, empty input and the options' limits.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

constexpr int kClasses = 3, kRaters = 5;

// confusion[r][j][l] = P(rater r says l | true class j).
using Confusion = std::vector<std::vector<std::vector<double>>>;

Confusion true_confusion() {
  auto diagonal = [](double d) {
    std::vector<std::vector<double>> m(kClasses, std::vector<double>(kClasses, (1 - d) / (kClasses - 1)));
    for (int j = 0; j < kClasses; ++j) m[j][j] = d;
    return m;
  };
  std::vector<std::vector<double>> adversarial(kClasses, std::vector<double>(kClasses, 0.1));
  for (int j = 0; j < kClasses; ++j) adversarial[j][(j + 1) % kClasses] = 0.8;  // says the next class
  return {diagonal(0.85), diagonal(0.7), diagonal(0.55), adversarial, diagonal(0.4)};
}

struct Synthetic {
  std::vector<int> truth;
  std::vector<double> ratings;  // [units, raters], NaN missing
};

Synthetic draw(std::size_t units, double missing, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1);
  const double priors[kClasses] = {0.5, 0.3, 0.2};
  const auto confusion = true_confusion();
  auto pick = [&](const double* p) {
    double x = u01(rng), acc = 0;
    for (int k = 0; k < kClasses; ++k)
      if ((acc += p[k]) > x) return k;
    return kClasses - 1;
  };
  Synthetic s;
  for (std::size_t u = 0; u < units; ++u) {
    const int t = pick(priors);
    s.truth.push_back(t);
    for (int r = 0; r < kRaters; ++r)
      s.ratings.push_back(
          u01(rng) < missing ? NAN : pick(confusion[static_cast<std::size_t>(r)][static_cast<std::size_t>(t)].data()));
  }
  return s;
}

Result fit(const std::vector<double>& ratings, Json options) {
  auto m = create_metric("DawidSkene", options);
  std::vector<TensorView> in{
      TensorView{ratings.data(), DType::float64, {static_cast<std::int64_t>(ratings.size() / kRaters), kRaters}}};
  m->update(in);
  return m->compute();
}

double accuracy(const std::vector<double>& labels, const std::vector<int>& truth) {
  double hits = 0;
  for (std::size_t u = 0; u < truth.size(); ++u) hits += labels[u] == truth[u];
  return hits / static_cast<double>(truth.size());
}

TEST(DawidSkene, RecoversKnownConfusionMatricesAndBeatsMajorityVote) {
  const auto data = draw(4000, 0.2, 2024);
  const Result r = fit(data.ratings, Json{{"num_classes", kClasses}, {"max_iterations", 1000}});
  EXPECT_EQ(r.field("converged")->tensor.data[0], 1.0);
  const auto& pi = r.field("confusion")->tensor;
  ASSERT_EQ(pi.shape, (Shape{kRaters, kClasses, kClasses}));
  const auto truth = true_confusion();
  double worst = 0, total = 0;
  std::string where;
  for (int k = 0; k < kRaters; ++k)
    for (int j = 0; j < kClasses; ++j)
      for (int l = 0; l < kClasses; ++l) {
        const double got = pi.data[static_cast<std::size_t>((k * kClasses + j) * kClasses + l)];
        const double want =
            truth[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)][static_cast<std::size_t>(l)];
        total += std::abs(got - want);
        if (std::abs(got - want) > worst) {
          worst = std::abs(got - want);
          where = "rater " + std::to_string(k) + ", class " + std::to_string(j) + ", label " + std::to_string(l) +
                  ": " + std::to_string(got) + " for " + std::to_string(want);
        }
      }
  // EM's estimates of a rare class lean optimistic at this size (its doubtful units are the ones a
  // rater got wrong), so the worst cell is allowed more than the average.
  EXPECT_LT(worst, 0.1) << "largest error of a recovered confusion cell, " << where;
  EXPECT_LT(total / (kRaters * kClasses * kClasses), 0.02) << "mean error of the recovered confusion cells";
  const auto& priors = r.field("priors")->tensor.data;
  EXPECT_NEAR(priors[0], 0.5, 0.03);
  EXPECT_NEAR(priors[1], 0.3, 0.03);
  EXPECT_NEAR(priors[2], 0.2, 0.03);
  // The adversarial rater is found out: the lowest accuracy, far below chance.
  const auto& acc = r.field("rater_accuracy")->tensor.data;
  EXPECT_GT(acc[0], acc[1]);
  EXPECT_GT(acc[1], acc[2]);
  EXPECT_LT(acc[3], 0.2);

  auto vote = create_metric("MajorityVote", Json{{"num_classes", kClasses}});
  std::vector<TensorView> in{TensorView{data.ratings.data(), DType::float64, {4000, kRaters}}};
  vote->update(in);
  const double by_vote = accuracy(vote->compute().field("labels")->tensor.data, data.truth);
  const double by_em = accuracy(r.field("labels")->tensor.data, data.truth);
  EXPECT_GT(by_em, by_vote + 0.05) << "Dawid-Skene " << by_em << " vs majority vote " << by_vote;
  // Posteriors are distributions.
  const auto& post = r.field("posteriors")->tensor.data;
  for (std::size_t u = 0; u < 4000; ++u) EXPECT_NEAR(post[u * 3] + post[u * 3 + 1] + post[u * 3 + 2], 1.0, 1e-12);
}

TEST(DawidSkene, SameRatingsSameFitAndIterationsCapped) {
  const auto data = draw(300, 0.3, 7);
  const Json opts{{"num_classes", kClasses}};
  const Result a = fit(data.ratings, opts), b = fit(data.ratings, opts);
  EXPECT_EQ(a.field("posteriors")->tensor.data, b.field("posteriors")->tensor.data);
  const Result capped = fit(data.ratings, Json{{"num_classes", kClasses}, {"max_iterations", 2}, {"tolerance", 0.0}});
  EXPECT_EQ(capped.field("iterations")->tensor.data[0], 2);
  EXPECT_EQ(capped.field("converged")->tensor.data[0], 0);
  EXPECT_THROW(create_metric("DawidSkene", Json{{"num_classes", 3}, {"max_iterations", 10001}}), Error);
  EXPECT_THROW(create_metric("DawidSkene", Json{{"num_classes", 3}, {"tolerance", -1}}), Error);
  EXPECT_THROW(create_metric("DawidSkene", Json::object()), Error);  // num_classes is required
}

TEST(DawidSkene, UnratedUnitGetsThePriorsAndNoLabel) {
  std::vector<double> r = {0, 0, 1, 0, 0, NAN, NAN, NAN, NAN, NAN, 1, 1, 1, 1, 0};
  auto m = create_metric("DawidSkene", Json{{"num_classes", 2}});
  std::vector<TensorView> in{TensorView{r.data(), DType::float64, {3, 5}}};
  m->update(in);
  const Result out = m->compute();
  EXPECT_TRUE(std::isnan(out.field("labels")->tensor.data[1]));
  EXPECT_EQ(out.field("labels")->tensor.data[0], 0);
  EXPECT_EQ(out.field("labels")->tensor.data[2], 1);
  const auto& post = out.field("posteriors")->tensor.data;
  const auto& priors = out.field("priors")->tensor.data;
  EXPECT_DOUBLE_EQ(post[2], priors[0]);
  EXPECT_DOUBLE_EQ(post[3], priors[1]);
}

TEST(DawidSkene, NothingToFitIsAnErrorAndBadRatingsLeaveTheStateUnchanged) {
  auto m = create_metric("DawidSkene", Json{{"num_classes", 2}});
  EXPECT_THROW(m->compute(), Error);
  std::vector<double> missing = {NAN, NAN};
  std::vector<TensorView> none{TensorView{missing.data(), DType::float64, {1, 2}}};
  m->update(none);
  EXPECT_THROW(m->compute(), Error);
  std::vector<double> good = {0, 1, 1, 1}, bad = {0, 2}, wide = {0, 1, 1};
  std::vector<TensorView> g{TensorView{good.data(), DType::float64, {2, 2}}};
  std::vector<TensorView> b{TensorView{bad.data(), DType::float64, {1, 2}}};
  std::vector<TensorView> w{TensorView{wide.data(), DType::float64, {1, 3}}};
  m->update(g);
  const auto before = m->compute().field("posteriors")->tensor.data;
  EXPECT_THROW(m->update(b), Error);  // class 2 with num_classes 2
  EXPECT_THROW(m->update(w), Error);  // another number of raters
  EXPECT_EQ(m->compute().field("posteriors")->tensor.data, before);
}

}  // namespace
}  // namespace wasmetrics
