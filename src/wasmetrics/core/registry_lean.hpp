#pragma once
// What creating a metric reads of the registry, without building its examples (registry.cpp).
// A header of its own so that adding it did not change registry.hpp, which every metric includes.
#include <string_view>

#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {

// The spec registered under `name`, or nullptr, as creating a metric needs it: its `examples` may
// be empty (until metric_specs() is first asked for, creation reads a registry built without
// parsing any example). Name lookup is a hash table, not a scan.
const MetricSpec* lean_metric_spec(std::string_view name);

}  // namespace wasmetrics
