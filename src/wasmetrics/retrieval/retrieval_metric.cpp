#include "wasmetrics/retrieval/retrieval_metric.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xindex_view.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics::retrieval {

OptionSpec empty_target_action_option(const char* default_value, bool negatives) {
  const std::string what = negatives ? "negative" : "positive";
  return {.name = "empty_target_action",
          .type = OptionType::string,
          .default_value = default_value,
          .choices = {"neg", "pos", "skip", "error"},
          .doc = "a query without a " + what +
                 " target scores 0 (neg) or 1 (pos), is left out (skip; all left "
                 "out: 0), or makes compute() throw (error)"};
}

OptionSpec ignore_index_option() {
  return {.name = "ignore_index",
          .type = OptionType::integer,
          .default_value = nullptr,
          .nullable = true,
          .doc = "rows whose target equals this value are dropped at update"};
}

OptionSpec aggregation_option() {
  return {.name = "aggregation",
          .type = OptionType::string,
          .default_value = "mean",
          .choices = {"mean", "median", "min", "max"},
          .doc = "how the per-query values are combined; median is torch.median (the lower middle value)"};
}

OptionSpec top_k_option() {
  return {.name = "top_k",
          .type = OptionType::integer,
          .default_value = nullptr,
          .min = 1,
          .nullable = true,
          .doc = "only the k highest-scored documents of each query count (null: all)"};
}

OptionSpec lax_top_k_option() {
  return {.name = "top_k",
          .type = OptionType::number,
          .default_value = nullptr,
          .nullable = true,
          .doc =
              "only the k highest-scored documents of each query count (null or 0: all). As TorchMetrics, the "
              "value is not checked at construction: a negative or non-integer k fails in compute() when a "
              "query has more documents than k"};
}

OptionSpec adaptive_k_option(const char* k_name) {
  return {.name = "adaptive_k",
          .type = OptionType::boolean,
          .default_value = false,
          .doc = std::string("a query with fewer documents than ") + k_name +
                 " divides by its document count "
                 "instead of by " +
                 k_name};
}

OptionSpec max_k_option() {
  return {.name = "max_k",
          .type = OptionType::integer,
          .default_value = nullptr,
          .min = 1,
          .nullable = true,
          .doc = "the curve covers k = 1..max_k (null: the document count of the largest query)"};
}

OptionSpec not_retrieved_option() {
  return {.name = "neg_inf_not_retrieved",
          .type = OptionType::boolean,
          .default_value = false,
          .doc =
              "rows scored -Infinity are documents the run did not retrieve (trecInputs adds the relevant "
              "documents missing from a run so): they count in the query's totals (relevant documents, "
              "nDCG's ideal ranking) but hold no rank, as trec_eval counts them (e.g. MAP without top_k is "
              "trec_eval's map). false: they are ranked last, as TorchMetrics ranks them"};
}

std::vector<InputSpec> retrieval_inputs(bool graded) {
  return {{"preds", false, "[N, ...] float scores (cast to float32)"},
          {"target", false,
           graded ? "[N, ...] graded relevance (bool, integer or float)"
                  : "[N, ...] relevance 0/1 (bool or integer; or ignore_index)"},
          {"indexes", false, "[N, ...] int64 query id of each row; a query's rows may come in any batch"}};
}

QuerySpec per_query_spec() {
  return {.name = "per_query",
          .doc =
              "Per-query values with their query ids (ascending): indexes, documents, relevant (positive "
              "targets) and the values compute() aggregates; a query left out by empty_target_action='skip' "
              "has NaN. Query ids must lie within +-2^53 (exact in a JS number).",
          .options = {}};
}

std::string memory_doc(bool graded) {
  return graded ? " State: 16 bytes per row (float32 score, float32 relevance, int64 query id)."
                : " State: 13 bytes per row (float32 score, uint8 relevance, int64 query id).";
}

float aggregate(xt::xtensor<float, 1>& v, Aggregation a) {
  switch (a) {
    case Aggregation::mean:
      return static_cast<float>(run_sum(v) / static_cast<double>(v.size()));
    case Aggregation::median: {
      auto mid = v.begin() + static_cast<std::ptrdiff_t>((v.size() - 1) / 2);
      std::nth_element(v.begin(), mid, v.end());
      return *mid;
    }
    case Aggregation::min:
      return xt::amin(v)();
    case Aggregation::max:
      return xt::amax(v)();
  }
  return 0.0f;
}

xt::xtensor<float, 1> aggregate_columns(const xt::xtensor<float, 2>& v, Aggregation a) {
  switch (a) {
    case Aggregation::mean:
      return xt::cast<float>(xt::sum<double>(v, {0}) / static_cast<double>(v.shape(0)));
    case Aggregation::median: {
      xt::xtensor<float, 1> out = xt::empty<float>({v.shape(1)});
      xt::xtensor<float, 1> column;
      for (std::size_t j = 0; j < v.shape(1); ++j) {
        column = xt::col(v, static_cast<std::ptrdiff_t>(j));
        out(j) = aggregate(column, a);
      }
      return out;
    }
    case Aggregation::min:
      return xt::amin(v, {0});
    case Aggregation::max:
      return xt::amax(v, {0});
  }
  return {};
}

namespace {

EmptyAction parse_empty(const std::string& s) {
  if (s == "pos") return EmptyAction::pos;
  if (s == "skip") return EmptyAction::skip;
  if (s == "error") return EmptyAction::error;
  return EmptyAction::neg;
}

Aggregation parse_aggregation(const std::string& s) {
  if (s == "median") return Aggregation::median;
  if (s == "min") return Aggregation::min;
  if (s == "max") return Aggregation::max;
  return Aggregation::mean;
}

}  // namespace

RetrievalMetric::RetrievalMetric(Options o, bool graded, bool negatives)
    : Metric(std::move(o)),
      empty_(parse_empty(options().get_string("empty_target_action"))),
      aggregation_(parse_aggregation(options().get_string("aggregation"))),
      negatives_(negatives) {
  format_.metric = name();
  format_.graded = graded;
  if (!options().is_null("ignore_index")) format_.ignore_index = options().get_int("ignore_index");
  if (options().json().contains("neg_inf_not_retrieved")) not_retrieved_ = options().get_bool("neg_inf_not_retrieved");
  rows_ = declare_rows(state_layout(), format_);
}

void check_row_cap(const std::string& metric, std::int64_t have, std::int64_t adding, std::int64_t cap) {
  if (have + adding > cap)
    fail(metric, ": keeping ", adding, " more rows would take the state to ", have + adding,
         " rows, over the limit of ", cap,
         " rows per metric (kMaxRetrievalRows: the state and compute()'s "
         "workspace must fit in WebAssembly's 4 GiB); split the evaluation (e.g. by query) or compute() and "
         "reset() first");
}

void RetrievalMetric::merge_custom(State& into, const State& from) const {
  check_row_cap(name(), row_count(rows_, into), row_count(rows_, from));
}

std::size_t RetrievalMetric::ranked(const QueryRows& q) const {
  std::size_t r = q.size();
  if (not_retrieved_)
    while (r > 0 && q.scores[r - 1] == -std::numeric_limits<float>::infinity()) --r;
  return r;
}

GroupedRows RetrievalMetric::grouped(const State& s) const {
  if (row_count(rows_, s) == 0) fail(name(), ": compute() needs at least one update() first (no rows accumulated)");
  return group_by_query(rows_, s, name());
}

bool RetrievalMetric::is_empty(const QueryRows& q) const {
  const double sum = negatives_ ? run_sum(1.0 - q.target_x()) : run_sum(q.target_x());
  if (sum != 0) return false;
  if (empty_ == EmptyAction::error)
    fail(name(), ": `compute` method was provided with a query with no ", negatives_ ? "negative" : "positive",
         " target (query id ", q.id, ", empty_target_action='error')");
  return true;
}

std::optional<float> RetrievalMetric::empty_value() const {
  if (empty_ == EmptyAction::pos) return 1.0f;
  if (empty_ == EmptyAction::neg) return 0.0f;
  return std::nullopt;
}

QueryValues RetrievalMetric::per_query_values(const GroupedRows& g) const {
  const std::size_t n = g.queries();
  QueryValues v{xt::zeros<float>({n}), xt::zeros<bool>({n})};
  const std::optional<float> empty = empty_value();
  for (std::size_t q = 0; q < n; ++q) {
    const QueryRows rows = g.query(q);
    if (!is_empty(rows)) {
      v.values(q) = query_value(rows);
      v.kept(q) = true;
    } else if (empty) {
      v.values(q) = *empty;
      v.kept(q) = true;
    }
  }
  return v;
}

Result RetrievalMetric::compute_state(const State& s) const {
  const QueryValues v = per_query_values(grouped(s));
  xt::xtensor<float, 1> kept = xt::filter(v.values, v.kept);
  return Result::scalar(kept.size() ? static_cast<double>(aggregate(kept, aggregation_)) : 0.0);
}

std::vector<std::pair<std::string, Result>> query_columns(const GroupedRows& g, const std::string& metric) {
  constexpr std::int64_t kExact = std::int64_t{1} << 53;
  const auto ids = adapt_1d(g.ids);
  const auto beyond = ids > kExact || ids < -kExact;
  if (xt::any(beyond))
    fail(metric, ".perQuery: query id ", ids(xt::argmax(beyond)()),
         " is beyond +-2^53 and cannot be returned exactly as a number");
  // Per-query counts as differences of cumulative counts at the query boundaries (exact: integers).
  const auto offsets = adapt_1d(g.offsets);
  const xt::xtensor<double, 1> positives =
      xt::concatenate(xt::xtuple(xt::zeros<double>({1}), xt::cumsum(xt::cast<double>(adapt_1d(g.target) > 0.0f))));
  const xt::xtensor<double, 1> at_bounds = xt::index_view(positives, offsets);
  return {{"indexes", Result(Tensor::vector(as_std_vector(xt::cast<double>(ids))))},
          {"documents", Result(Tensor::vector(as_std_vector(xt::cast<double>(xt::diff(offsets)))))},
          {"relevant", Result(Tensor::vector(as_std_vector(xt::diff(at_bounds))))}};
}

Result RetrievalMetric::query_state(const std::string&, const Options&, const State& s) const {
  const GroupedRows g = grouped(s);
  auto fields = query_columns(g, name());
  const QueryValues v = per_query_values(g);
  const xt::xtensor<double, 1> values =
      xt::where(v.kept, xt::cast<double>(v.values), std::numeric_limits<double>::quiet_NaN());
  fields.emplace_back("values", Result(Tensor::vector(as_std_vector(values))));
  return Result::dict(std::move(fields));
}

Json example_batch(const std::vector<double>& preds, const std::vector<int>& target, const std::vector<int>& indexes) {
  const auto n = static_cast<std::int64_t>(preds.size());
  Json t = Json::array();
  for (int v : target) t.push_back(v != 0);
  return Json::array({Json{{"preds", {{"dtype", "float32"}, {"shape", {n}}, {"data", preds}}},
                           {"target", {{"dtype", "bool"}, {"shape", {n}}, {"data", t}}},
                           {"indexes", {{"dtype", "int64"}, {"shape", {n}}, {"data", indexes}}}}});
}

}  // namespace wasmetrics::retrieval
