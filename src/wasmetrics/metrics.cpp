// The one list of metrics. Adding a metric: write its file (defining `<id>_spec()`), add one
// X(<id>) line below. Everything else (Embind, JS classes, TypeScript, docs) reads the registry.
#include "wasmetrics/core/registry.hpp"

// One list per family, so that work on different families never edits the same lines.
#define WASMETRICS_REGRESSION(X) \
  X(mean_squared_error)

#define WASMETRICS_AGGREGATION(X) \
  X(mean_metric) \
  X(sum_metric) \
  X(max_metric) \
  X(min_metric) \
  X(cat_metric) \
  X(running_mean) \
  X(running_sum)

#define WASMETRICS_CLASSIFICATION(X)

#define WASMETRICS_METRICS(X) WASMETRICS_REGRESSION(X) WASMETRICS_AGGREGATION(X) WASMETRICS_CLASSIFICATION(X)

namespace wasmetrics {

#define WASMETRICS_DECLARE(id) MetricSpec id##_spec();
WASMETRICS_METRICS(WASMETRICS_DECLARE)
#undef WASMETRICS_DECLARE

std::vector<MetricSpec> all_metric_specs() {
  std::vector<MetricSpec> out;
#define WASMETRICS_ADD(id) out.push_back(id##_spec());
  WASMETRICS_METRICS(WASMETRICS_ADD)
#undef WASMETRICS_ADD
  return out;
}

}  // namespace wasmetrics
