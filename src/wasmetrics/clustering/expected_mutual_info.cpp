#include "wasmetrics/clustering/expected_mutual_info.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace wasmetrics::clustering {
namespace {

std::map<std::int64_t, std::int64_t> multiplicities(const std::vector<std::int64_t>& sizes) {
  std::map<std::int64_t, std::int64_t> out;
  for (auto s : sizes)
    if (s > 0) ++out[s];
  return out;
}

// Σ_k k/N · log(N k / (a b)) · P(k) for one pair of sizes.
double pair_term(double a, double b, double n, double log_n) {
  const double lo = std::max(1.0, a + b - n), hi = std::min(a, b);
  if (lo > hi) return 0.0;
  // The mode of the hypergeometric distribution, inside [lo, hi].
  const double mode = std::clamp(std::floor((a + 1) * (b + 1) / (n + 2)), lo, hi);
  const double log_p_mode = std::lgamma(a + 1) + std::lgamma(b + 1) + std::lgamma(n - a + 1) + std::lgamma(n - b + 1) -
                            std::lgamma(n + 1) - std::lgamma(mode + 1) - std::lgamma(a - mode + 1) -
                            std::lgamma(b - mode + 1) - std::lgamma(n - a - b + mode + 1);
  const double p_mode = std::exp(log_p_mode);
  const double log_ab = std::log(a) + std::log(b);
  auto term = [&](double k, double p) { return k / n * (log_n + std::log(k) - log_ab) * p; };
  double sum = term(mode, p_mode);
  double p = p_mode;
  for (double k = mode; k < hi;) {  // upwards
    p *= (a - k) * (b - k) / ((k + 1) * (n - a - b + k + 1));
    k += 1;
    if (p == 0) break;
    sum += term(k, p);
  }
  p = p_mode;
  for (double k = mode; k > lo;) {  // downwards
    p *= k * (n - a - b + k) / ((a - k + 1) * (b - k + 1));
    k -= 1;
    if (p == 0) break;
    sum += term(k, p);
  }
  return sum;
}

}  // namespace

double expected_mutual_info(const std::vector<std::int64_t>& target_sizes, const std::vector<std::int64_t>& pred_sizes,
                            std::int64_t n) {
  if (target_sizes.size() <= 1 || pred_sizes.size() <= 1) return 0.0;
  const auto rows = multiplicities(target_sizes), cols = multiplicities(pred_sizes);
  const double nn = static_cast<double>(n), log_n = std::log(nn);
  double emi = 0;
  for (auto [a, ma] : rows)
    for (auto [b, mb] : cols)
      emi += static_cast<double>(ma) * static_cast<double>(mb) *
             pair_term(static_cast<double>(a), static_cast<double>(b), nn, log_n);
  return emi;
}

}  // namespace wasmetrics::clustering
