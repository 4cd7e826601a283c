#pragma once
// The registry: every metric listed once with its inputs and option schema. Embind, the JS
// classes, the TypeScript types and the docs are all generated from registry_json().
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/options.hpp"

namespace wasmetrics {

struct InputSpec {
  std::string name;  // the keyword name of TorchMetrics' update() argument
  bool optional = false;
  std::string doc;
  InputKind kind = InputKind::tensor;    // what JS converts the value to (text_view.hpp)
  std::vector<std::string> fields = {};  // records: the key paths a dict must have (docs, types)
};

// A query: a named read-only analysis of a metric's state beyond compute() (Metric::query).
struct QuerySpec {
  std::string name;  // snake_case; JS calls it camelCase (best_thresholds -> bestThresholds)
  std::string doc;
  std::vector<OptionSpec> options;
};

// A worked example of a metric, in the conformance fixtures' JSON conventions
// (../shared/conformance/README.md): `args` are the options (snake_case), each batch maps the
// update() input names to tensors {dtype, shape, data}, `expected` is compute()'s RESULT. Taken
// from TorchMetrics' docstring examples (or a reference computation); the generic contract test
// (value, batch split, merge, forward, save/load, rejected update, parallel) runs every example of
// every metric, and the docs and TypeScript @example blocks are generated from them.
struct MetricExample {
  std::string doc;  // one line: what the example shows
  Json args = Json::object();
  Json batches = Json::array();
  Json expected;
  double atol = 1e-6, rtol = 1e-5;  // a docstring's printed value is rounded: give atol 5e-5 for 4 decimals
};

// On every function that builds a MetricSpec (and on the registry's JSON builders): they run once
// per metric creation, or for listMetrics()/the docs, never in an update loop, yet were 22% of the
// .wasm at -O3 (inlined string, vector and option construction with its unwinding paths). Compiled
// for size they are about half as large (bench/README "Startup"), which every page load decodes.
#if defined(__clang__)
#define WASMETRICS_COLD __attribute__((cold, minsize))
#else
#define WASMETRICS_COLD __attribute__((cold))
#endif

// Examples written as JSON text, an array of {doc, args, batches, expected, atol?, rtol?} (what the
// specs' `.examples` fields hold); throws std::runtime_error naming the bad entry.
std::vector<MetricExample> examples_from_json(std::string_view json);

// How a metric's value depends on the way its rows come in (what the contract test checks).
enum class Batching {
  rows,     // any split of the rows into update() calls, and shards merged in any order, give the same value
  ordered,  // rows split anywhere, but order matters: shards merge in stream order (CatMetric)
  updates,  // each update() call is a unit (Running*: the last `window` calls); shards merge in order
};

struct MetricSpec {
  std::string name;    // TorchMetrics class name
  std::string family;  // regression, aggregation, classification, ...
  std::string doc;     // one line
  std::vector<InputSpec> inputs;
  std::vector<OptionSpec> options;
  std::function<std::unique_ptr<Metric>(const Options&)> make;
  std::vector<QuerySpec> queries = {};
  Batching batching = Batching::rows;
  // false where TorchMetrics accepts a batch whose inputs have different numbers of rows (text
  // zips the pairs; clustering raises only at compute()): the contract test's rejected update is
  // then one input too many.
  bool rejects_mismatched_rows = true;
  // What compute() returns, in npm/scripts/result-types.mjs's descriptor form ("number", "Tensor",
  // {"fields": {...}, "open": d}, {"list": d}, {"oneOf": [...]}, {"default": d, "shapedBy": [...],
  // "otherwise": d}); the npm types are generated from it. null: the forms of the examples' values.
  Json result = nullptr;
  std::vector<MetricExample> examples = {};  // at least one; see MetricExample
};

// Every registered metric, in registry order (see src/wasmetrics/metrics.cpp); every metric with
// a class axis also takes the `labels` option (class_labels.hpp).
const std::vector<MetricSpec>& metric_specs();
// Throws Error listing the known names when `name` is not registered.
const MetricSpec& find_metric(const std::string& name);
std::unique_ptr<Metric> create_metric(const std::string& name, const Json& options);
// {"metrics": [{name, family, doc, inputs: [...], options: [{name, camelName, type, default,
// choices, min, max, minExclusive, nullable, doc}], queries: [{name, camelName, doc, options}],
// batching: "rows" | "ordered" | "updates", examples: [{doc, args, batches, expected, atol, rtol}],
// result (where declared)}],
// "stateBlobVersion": N}
Json registry_json();

}  // namespace wasmetrics
