#pragma once
// What the segmentation metrics share: their common options (num_classes, include_background,
// input_format, ignore_index), input validation, and the one hot loop that reduces a batch of
// label maps (index format, [N, ...]) or one-hot masks ([N, C, ...]) to per-sample, per-class
// counts: |P ∩ T|, |P| and |T|. Every metric (MeanIoU, GeneralizedDiceScore, DiceScore) is a
// function of those three numbers per sample and class.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/tensor.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics::segmentation {

// Per-sample counts over all num_classes classes (index = class id). Doubles: exact for
// integer counts up to 2^53 pixels, and soft (float one-hot) inputs of GDS/DiceScore need them.
struct SampleCounts {
  std::span<const double> inter;   // Σ p·t (|P ∩ T| for 0/1 masks)
  std::span<const double> pred;    // Σ p   (|P|)
  std::span<const double> target;  // Σ t   (|T|)
};

struct SegConfig {
  std::string metric;
  std::int64_t num_classes = 0;
  bool include_background = true;
  bool one_hot = true;
  std::optional<std::int64_t> ignore_index;
  bool allow_soft = false;          // float one-hot inputs accepted (GDS, DiceScore: p·t is a product there)
  std::int64_t min_ndim_index = 2;  // GeneralizedDiceScore: 3 (TorchMetrics checks before one_hot)

  // First class that takes part: 1 when the background is dropped (TorchMetrics keeps it when
  // there is a single class, functional/segmentation/utils.py _ignore_background).
  std::int64_t first_class() const { return (!include_background && num_classes > 1) ? 1 : 0; }
  // Classes in the output (per-class results have this many columns).
  std::int64_t num_included() const { return num_classes - first_class(); }
  // Whether class c (absolute id) takes part in class averages: included and not ignore_index.
  bool averaged(std::int64_t c) const {
    return c >= first_class() && c < num_classes && !(ignore_index && *ignore_index == c);
  }
};

// Per-class values (of the included classes, or all num_classes) as xtensor.
using ClassVector = xt::xtensor<double, 1>;

// A span of per-class values seen as a 1-D xtensor (no copy; writable when the span is).
template <class T>
auto adapt_classes(std::span<T> v) {
  return adapt_1d(v);
}

// The counts of the included classes [first_class(), num_classes) of one sample (views, no copy).
inline auto included(std::span<const double> counts, std::int64_t first) {
  return xt::view(adapt_classes(counts), xt::range(static_cast<std::size_t>(first), counts.size()));
}

// Over the included classes: whether each takes part in class averages (SegConfig::averaged).
xt::xtensor<bool, 1> averaged_mask(const SegConfig& cfg);

// Reads num_classes (required), include_background, input_format and ignore_index (when the
// metric declares it) from validated options; throws on a missing num_classes, or on
// ignore_index with one-hot input.
SegConfig seg_config(const Options& o, bool allow_soft, std::int64_t min_ndim_index);

// Validates preds/target and calls `per_sample(n, counts)` for every sample, in order.
// Throws Error (naming the argument and the value) on bad shapes, dtypes or labels; nothing is
// called back before the whole batch is known to be valid only in the sense that the caller
// folds into a fresh batch state (the engine discards it on a throw).
void for_each_sample(const SegConfig& cfg, const TensorView& preds, const TensorView& target,
                     const std::function<void(std::int64_t, const SampleCounts&)>& per_sample);

// The shape and dtype checks of for_each_sample alone (no value is read).
void check_inputs(const SegConfig& cfg, const TensorView& preds, const TensorView& target);

// Number of samples (dim 0) of a batch already validated by for_each_sample.
inline std::int64_t batch_size(const TensorView& t) { return t.shape.empty() ? 0 : t.shape[0]; }

// Option schemas shared by the family.
OptionSpec num_classes_option();
OptionSpec include_background_option();
OptionSpec input_format_option(bool allow_soft = false);
OptionSpec ignore_index_option();

}  // namespace wasmetrics::segmentation
