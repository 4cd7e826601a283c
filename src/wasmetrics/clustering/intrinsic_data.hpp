#pragma once
// Inputs of the intrinsic clustering metrics (CalinskiHarabaszScore, DaviesBouldinScore,
// DunnIndex): `data` [N, D] floating point and `labels` [N] integer cluster ids. Problems are
// recorded and raised at compute(), as TorchMetrics validates there (deferred_error.hpp).
//
// `widths` (cat int64 [K, 2], keyed counts: (D, number of updates)) remembers every D seen, so
// updates of different widths are an error at compute (TorchMetrics' torch.cat would fail there).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::clustering {

// The handles on the states every intrinsic metric keeps: the widths seen and the deferred error.
struct IntrinsicCommon {
  StateSlot<std::int64_t> widths;
  InputErrorSlot input_error;
};

IntrinsicCommon declare_intrinsic_common(StateLayout& layout);

struct IntrinsicBatch {
  bool ok = false;  // false: a problem was recorded, nothing else to add
  std::int64_t rows = 0, width = 0;
  const TensorView* data = nullptr;  // the caller's [rows, width] float32/float64 view (adapt it, no copy)
  std::vector<std::int64_t> labels;  // [rows]
};

// Reads one batch, records a problem (and returns ok=false) or records its width.
IntrinsicBatch read_intrinsic_batch(const IntrinsicCommon& c, State& s, const TensorView& data,
                                    const TensorView& labels);

// After raise_recorded_problem: the one width of every update (0 when nothing was added); throws
// when updates had different widths.
std::int64_t common_width(const std::string& metric, const IntrinsicCommon& c, const State& s);

// TorchMetrics' _validate_intrinsic_labels_to_samples.
void require_cluster_count(const std::string& metric, std::int64_t clusters, std::int64_t samples);

// The p-norm of a vector (p = +inf: the largest absolute value, NaN skipped).
double p_norm(const double* v, std::size_t n, double p);

// The p-norm of each row of `diff` [M, D] (p = +inf: the largest absolute value, NaN coordinates
// skipped as std::max(m, NaN) did), as xtensor reductions along axis 1: an [M] result, never an
// [M, D] temporary when `diff` is a lazy expression.
template <class E>
xt::xtensor<double, 1> row_p_norms(const E& diff, double p) {
  if (diff.shape(1) == 0) return xt::zeros<double>({diff.shape(0)});
  if (std::isinf(p)) {
    auto a = xt::abs(diff);
    return xt::amax(xt::where(xt::isnan(a), 0.0, a), {1});
  }
  if (p == 2) return xt::sqrt(xt::sum(xt::square(diff), {1}));
  return xt::pow(xt::sum(xt::pow(xt::abs(diff), p), {1}), 1.0 / p);
}

}  // namespace wasmetrics::clustering
