#pragma once
// The base of every retrieval metric (TorchMetrics' RetrievalMetric, retrieval/base.py): keeps the
// rows (rows.hpp), groups them by query once at compute (grouping.hpp), scores each query, applies
// empty_target_action to queries without a positive (RetrievalFallOut: without a negative)
// target, and aggregates the per-query values (mean, median, min, max).
//
// Every metric also answers the query `per_query`: the per-query values with the query ids.
#include <optional>
#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/retrieval/grouping.hpp"
#include "wasmetrics/retrieval/rows.hpp"

namespace wasmetrics::retrieval {

enum class EmptyAction { neg, pos, skip, error };
enum class Aggregation { mean, median, min, max };

// Option schemas shared by the family.
OptionSpec empty_target_action_option(const char* default_value, bool negatives);
OptionSpec ignore_index_option();
OptionSpec aggregation_option();
OptionSpec top_k_option();      // a positive integer or null (validated at construction)
OptionSpec lax_top_k_option();  // RetrievalMAP / RetrievalMRR: any number (TR5, checked at compute)
OptionSpec adaptive_k_option(const char* k_name);
OptionSpec max_k_option();
// neg_inf_not_retrieved: rows scored -Infinity are documents the run did not retrieve (trecInputs
// adds the relevant ones missing from a run so): they count in a query's totals (relevant
// documents, nDCG's ideal ranking) but hold no rank, as trec_eval counts them.
OptionSpec not_retrieved_option();
std::vector<InputSpec> retrieval_inputs(bool graded);
QuerySpec per_query_spec();
// How the family's state grows, appended to each metric's doc line.
std::string memory_doc(bool graded);

// TorchMetrics' aggregation of float32 values: mean (summed in float64, float32 result),
// torch.median (lower middle value), min, max. `values` must be non-empty; it may be reordered.
float aggregate(xt::xtensor<float, 1>& values, Aggregation a);
// The same, column by column, of a non-empty [rows, columns] matrix: one value per column.
xt::xtensor<float, 1> aggregate_columns(const xt::xtensor<float, 2>& values, Aggregation a);

// Each query's value (float32) and whether it counts: false for an empty query left out by
// empty_target_action='skip'.
struct QueryValues {
  xt::xtensor<float, 1> values;
  xt::xtensor<bool, 1> kept;
};

// The most rows one metric keeps (13-16 bytes each in the state, about as much again while
// compute() groups them): chosen so that a full state still computes within WebAssembly's 4 GiB.
// An update or merge that would pass it is refused, the state unchanged.
inline constexpr std::int64_t kMaxRetrievalRows = std::int64_t{1} << 26;
// Throws, naming the cap, when `have` + `adding` rows pass `cap`.
void check_row_cap(const std::string& metric, std::int64_t have, std::int64_t adding,
                   std::int64_t cap = kMaxRetrievalRows);

class RetrievalMetric : public Metric {
 public:
  // `negatives`: a query is empty when it has no negative target (RetrievalFallOut).
  RetrievalMetric(Options o, bool graded, bool negatives = false);

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override { rows_update(format_, rows_, s, in); }
  Result compute_state(const State& s) const override;
  Result query_state(const std::string& name, const Options& args, const State& s) const override;
  // Refuses a fold that would take the rows over kMaxRetrievalRows (runs before anything merges).
  void merge_custom(State& into, const State& from) const override;

  // The value of one query that has a positive (negative) target, as TorchMetrics' _metric, in
  // float32 as TorchMetrics computes it.
  virtual float query_value(const QueryRows& q) const = 0;

  // Grouped rows; throws when nothing was accumulated.
  GroupedRows grouped(const State& s) const;
  // query_value of every query in id order, empty queries as empty_target_action says.
  QueryValues per_query_values(const GroupedRows& g) const;
  // Whether the query is empty for empty_target_action; throws for 'error' when it is.
  bool is_empty(const QueryRows& q) const;
  // 1 (pos), 0 (neg), or nullopt (skip) for an empty query.
  std::optional<float> empty_value() const;
  // The rows of `q` that hold a rank: all of them, or with neg_inf_not_retrieved those scored
  // above -Infinity (a prefix: rows are sorted by score, descending).
  std::size_t ranked(const QueryRows& q) const;
  bool not_retrieved_ = false;  // neg_inf_not_retrieved

  RowFormat format_;
  RowSlots rows_;
  EmptyAction empty_;
  Aggregation aggregation_;
  bool negatives_;
};

// A float64 xtensor as the std::vector a Tensor result holds.
inline std::vector<double> as_std_vector(const xt::xtensor<double, 1>& x) {
  return std::vector<double>(x.begin(), x.end());
}

// Per-query columns shared by the per_query answers: query ids (as exact doubles: ids beyond
// +-2^53 are refused), number of documents and of relevant documents.
std::vector<std::pair<std::string, Result>> query_columns(const GroupedRows& g, const std::string& metric);

// The doc's example batch of TorchMetrics' docstrings in the fixtures' JSON form.
Json example_batch(const std::vector<double>& preds, const std::vector<int>& target, const std::vector<int>& indexes);

}  // namespace wasmetrics::retrieval
