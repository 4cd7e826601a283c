#pragma once
// The registry: every metric listed once with its inputs and option schema. Embind, the JS
// classes, the TypeScript types and the docs are all generated from registry_json().
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/options.hpp"

namespace wasmetrics {

struct InputSpec {
  std::string name;       // the keyword name of TorchMetrics' update() argument
  bool optional = false;
  std::string doc;
};

// A query: a named read-only analysis of a metric's state beyond compute() (Metric::query).
struct QuerySpec {
  std::string name;  // snake_case; JS calls it camelCase (best_thresholds -> bestThresholds)
  std::string doc;
  std::vector<OptionSpec> options;
};

struct MetricSpec {
  std::string name;    // TorchMetrics class name
  std::string family;  // regression, aggregation, classification, ...
  std::string doc;     // one line
  std::vector<InputSpec> inputs;
  std::vector<OptionSpec> options;
  std::function<std::unique_ptr<Metric>(const Options&)> make;
  std::vector<QuerySpec> queries = {};
};

// Every registered metric, in registry order (see src/wasmetrics/metrics.cpp); every metric with
// a class axis also takes the `labels` option (class_labels.hpp).
const std::vector<MetricSpec>& metric_specs();
// Throws Error listing the known names when `name` is not registered.
const MetricSpec& find_metric(const std::string& name);
std::unique_ptr<Metric> create_metric(const std::string& name, const Json& options);
// {"metrics": [{name, family, doc, inputs: [...], options: [{name, camelName, type, default,
// choices, min, max, minExclusive, nullable, doc}], queries: [{name, camelName, doc, options}]}],
// "stateBlobVersion": N}
Json registry_json();

}  // namespace wasmetrics
