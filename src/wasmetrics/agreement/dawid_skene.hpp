#pragma once
// Dawid & Skene (1979), "Maximum likelihood estimation of observer error-rates using the EM
// algorithm": each unit has an unknown true class j (prior p_j); rater k reports label l with
// probability π_k[j, l], its confusion matrix. EM alternates the posterior of every unit's true class
// given p and π (E step) and the maximum-likelihood p and π given those posteriors (M step).
// Started, as in the paper, from each unit's share of votes per class, so the fit is deterministic:
// the same ratings give the same result in every build, and majority vote anchors the classes' names.
#include <cstdint>
#include <span>

#include <xtensor/xtensor.hpp>

namespace wasmetrics::agreement {

struct DawidSkeneOptions {
  std::int64_t num_classes = 2;
  std::int64_t max_iterations = 100;  // EM rounds (one M step and one E step each)
  double tolerance = 1e-6;            // converged when no posterior moved by more than this in a round
  double smoothing = 0.0;             // pseudo-count added to every confusion cell (0: maximum likelihood)
};

struct DawidSkeneFit {
  xt::xtensor<double, 2> posteriors;  // [units, classes]: P(true class | ratings); a unit nobody rated gets the priors
  xt::xtensor<double, 1> priors;      // [classes]: p
  xt::xtensor<double, 3> confusion;   // [raters, true class, reported label]: π, rows sum to 1
  std::int64_t iterations = 0;        // EM rounds run
  bool converged = false;             // stopped by `tolerance` rather than `max_iterations`
  double log_likelihood = 0;          // log P(ratings | p, π) of the rated units, under the returned parameters
};

// `labels`: row-major [units, raters] class indices in [0, num_classes), -1 for a missing rating.
// At least one rating is required (the caller reports its absence).
DawidSkeneFit fit_dawid_skene(std::span<const std::int64_t> labels, std::int64_t units, std::int64_t raters,
                              const DawidSkeneOptions& options);

}  // namespace wasmetrics::agreement
