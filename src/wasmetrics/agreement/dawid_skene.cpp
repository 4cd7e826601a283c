#include "wasmetrics/agreement/dawid_skene.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

namespace wasmetrics::agreement {
namespace {

// M step: p = mean posterior over the rated units; π_k[j, l] = (Σ_u T_uj [rater k said l on u] + s)
// normalised over l. A row no unit supports (a rater who never rated a unit of class j, s = 0)
// carries no information: it is uniform. The per-rating loop runs on raw rows: it is the hot part
// (views per rating cost ten times the arithmetic).
void maximise(std::span<const std::int64_t> labels, std::span<const std::size_t> rated, std::size_t raters,
              double smoothing, const xt::xtensor<double, 2>& post, DawidSkeneFit& fit) {
  const std::size_t classes = post.shape(1);
  fit.priors = xt::zeros<double>({classes});
  for (std::size_t u : rated) fit.priors += xt::view(post, u, xt::all());
  fit.priors /= static_cast<double>(rated.size());
  fit.confusion = xt::zeros<double>({raters, classes, classes}) + smoothing;
  double* confusion = fit.confusion.data();
  for (std::size_t u : rated) {
    const double* posterior = post.data() + u * classes;
    for (std::size_t r = 0; r < raters; ++r)
      if (const auto l = labels[u * raters + r]; l >= 0) {
        double* column = confusion + r * classes * classes + static_cast<std::size_t>(l);  // π_r[·, l]
        for (std::size_t j = 0; j < classes; ++j) column[j * classes] += posterior[j];
      }
  }
  xt::xtensor<double, 3> rows = xt::sum(fit.confusion, {2}, xt::keep_dims);
  fit.confusion = xt::where(rows > 0, fit.confusion / rows, 1.0 / static_cast<double>(classes));
}

// E step: T_uj ∝ p_j Π_k π_k[j, l_uk], in logs. Returns the largest change of a posterior; adds
// log P(ratings of u) to the log-likelihood. A unit whose every class is impossible (zero
// probabilities, possible only without smoothing) keeps its posterior.
double expect(std::span<const std::int64_t> labels, std::span<const std::size_t> rated, std::size_t raters,
              xt::xtensor<double, 2>& post, DawidSkeneFit& fit) {
  const std::size_t classes = post.shape(1);
  const xt::xtensor<double, 1> log_prior = xt::log(fit.priors);
  // log π_r[·, l] made contiguous ([rater, label, class]) for the per-rating sums.
  const xt::xtensor<double, 3> log_confusion = xt::log(fit.confusion);
  const xt::xtensor<double, 3> log_by_label = xt::transpose(log_confusion, {0, 2, 1});
  std::vector<double> score(classes);
  double moved = 0;
  fit.log_likelihood = 0;
  for (std::size_t u : rated) {
    std::copy(log_prior.begin(), log_prior.end(), score.begin());
    for (std::size_t r = 0; r < raters; ++r)
      if (const auto l = labels[u * raters + r]; l >= 0) {
        const double* given = log_by_label.data() + (r * classes + static_cast<std::size_t>(l)) * classes;
        for (std::size_t j = 0; j < classes; ++j) score[j] += given[j];
      }
    const double top = *std::max_element(score.begin(), score.end());
    if (top == -std::numeric_limits<double>::infinity()) continue;
    double total = 0;
    for (auto& x : score) total += (x = std::exp(x - top));
    fit.log_likelihood += top + std::log(total);
    double* posterior = post.data() + u * classes;
    for (std::size_t j = 0; j < classes; ++j) {
      const double p = score[j] / total;
      moved = std::max(moved, std::abs(p - posterior[j]));
      posterior[j] = p;
    }
  }
  return moved;
}

}  // namespace

DawidSkeneFit fit_dawid_skene(std::span<const std::int64_t> labels, std::int64_t units_, std::int64_t raters_,
                              const DawidSkeneOptions& o) {
  const auto units = static_cast<std::size_t>(units_), raters = static_cast<std::size_t>(raters_);
  const auto classes = static_cast<std::size_t>(o.num_classes);
  // Start: each rated unit's share of votes per class.
  xt::xtensor<double, 2> post = xt::zeros<double>({units, classes});
  std::vector<std::size_t> rated;
  for (std::size_t u = 0; u < units; ++u) {
    double votes = 0;
    for (std::size_t r = 0; r < raters; ++r)
      if (const auto l = labels[u * raters + r]; l >= 0) {
        post(u, static_cast<std::size_t>(l)) += 1;
        votes += 1;
      }
    if (votes > 0) {
      xt::view(post, u, xt::all()) /= votes;
      rated.push_back(u);
    }
  }
  DawidSkeneFit fit;
  while (fit.iterations < o.max_iterations) {
    maximise(labels, rated, raters, o.smoothing, post, fit);
    const double moved = expect(labels, rated, raters, post, fit);
    ++fit.iterations;
    if (moved <= o.tolerance) {
      fit.converged = true;
      break;
    }
  }
  // A unit nobody rated: the priors are all the model knows about it.
  std::size_t next = 0;
  for (std::size_t u = 0; u < units; ++u) {
    if (next < rated.size() && rated[next] == u) {
      ++next;
      continue;
    }
    xt::view(post, u, xt::all()) = fit.priors;
  }
  fit.posteriors = std::move(post);
  return fit;
}

}  // namespace wasmetrics::agreement
