#pragma once
// Cohen's kappa of a C x C table of two raters' labels (rows rater A, columns rater B):
// kappa = 1 - Σ w·O / Σ w·E, E the independence table, w none (1 - I), linear |i - j| or
// quadratic (i - j)², as scikit-learn's cohen_kappa_score. 0/0 (one class only) gives NaN.
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wasmetrics::agreement {

template <class T>
double cohen_kappa(std::span<const T> table, std::size_t classes, const std::string& weights) {
  std::vector<double> rows(classes, 0.0), cols(classes, 0.0);
  double n = 0;
  for (std::size_t i = 0; i < classes; ++i)
    for (std::size_t j = 0; j < classes; ++j) {
      const double v = static_cast<double>(table[i * classes + j]);
      rows[i] += v;
      cols[j] += v;
      n += v;
    }
  double observed = 0, expected = 0;
  for (std::size_t i = 0; i < classes; ++i)
    for (std::size_t j = 0; j < classes; ++j) {
      const double d = static_cast<double>(i) - static_cast<double>(j);
      const double w = weights == "linear" ? std::abs(d) : weights == "quadratic" ? d * d : (i == j ? 0.0 : 1.0);
      observed += w * static_cast<double>(table[i * classes + j]);
      expected += w * rows[i] * cols[j] / n;
    }
  return 1 - observed / expected;
}

}  // namespace wasmetrics::agreement
