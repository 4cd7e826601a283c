#pragma once
// Shared input handling of the inter-annotator agreement metrics: `ratings` is a [units, coders]
// matrix (rows units, columns coders), float (NaN = missing) or integer.
#include <cstdint>
#include <string>
#include <vector>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::agreement {

// Option `num_classes` (required: no default), and its value for `metric` (an error when missing).
OptionSpec num_classes_option();
std::int64_t required_classes(const std::string& metric, const Options& o);

// Option `weights` of the kappas over a class-by-class table: null, 'linear' or 'quadratic'.
OptionSpec disagreement_weights_option();

// Rejects anything but a 2-D matrix.
void require_matrix(const std::string& metric, const TensorView& ratings);

// The class indices of a complete ratings matrix (row-major [units, coders]); rejects a missing
// (NaN) rating, a non-integer, negative or >= num_classes one.
std::vector<std::int64_t> class_indices(const std::string& metric, const TensorView& ratings, std::int64_t num_classes);

// State `coders` (int64 [], custom): the number of columns every update had (0: none yet).
// merge_coders() refuses, before anything changes, to fold in updates with another number.
using CodersSlot = StateSlot<std::int64_t>;
CodersSlot declare_coders(StateLayout& layout);
void merge_coders(const std::string& metric, CodersSlot coders, State& into, const State& from);

}  // namespace wasmetrics::agreement
