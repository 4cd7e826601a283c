#pragma once
// E[MI] of two clusterings with the given cluster sizes under the permutation model (the
// hypergeometric model of Vinh, Epps & Bailey 2010), as scikit-learn's expected_mutual_information
// and TorchMetrics' expected_mutual_info_score define it:
//   E[MI] = Σ_i Σ_j Σ_{nij} nij/N · log(N·nij / (a_i b_j)) · P(nij | a_i, b_j, N)
// with P hypergeometric and nij from max(1, a_i + b_j - N) to min(a_i, b_j).
//
// Fast and exact for thousands of clusters:
//  - the inner sum depends only on the sizes (a, b): clusters of equal size are summed once and
//    weighted by their multiplicities (at most ~sqrt(2N) distinct sizes on each side);
//  - P is started at the mode from log-gamma values and walked outwards by the ratio recurrence
//    P(k+1)/P(k) = (a-k)(b-k) / ((k+1)(N-a-b+k+1)), one multiply per term instead of four
//    log-gammas; each direction stops where P underflows to 0, so no representable term is dropped.
// 0 when either side has a single cluster (TorchMetrics).
#include <cstdint>
#include <vector>

namespace wasmetrics::clustering {

double expected_mutual_info(const std::vector<std::int64_t>& target_sizes, const std::vector<std::int64_t>& pred_sizes,
                            std::int64_t n);

}  // namespace wasmetrics::clustering
