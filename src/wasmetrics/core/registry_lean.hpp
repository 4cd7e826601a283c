#pragma once
// What creating a metric reads of the registry, without building its examples (registry.cpp).
// A header of its own so that adding it did not change registry.hpp, which every metric includes.
#include <cstddef>
#include <memory>
#include <string_view>

#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {

// The spec registered under `name`, or nullptr, as creating a metric needs it: its `examples` may
// be empty (until metric_specs() is first asked for, creation reads a registry built without
// parsing any example). Name lookup is a hash table, not a scan.
const MetricSpec* lean_metric_spec(std::string_view name);
// The same, given the metric's position in the registry (what the JS layer knows from its generated
// table): builds that one spec only. nullptr when no metric `name` is at `index`.
const MetricSpec* lean_metric_spec_at(std::size_t index, std::string_view name);
// create_metric, given the position as lean_metric_spec_at takes it (falls back to the name).
std::unique_ptr<Metric> create_metric_at(std::size_t index, const std::string& name, const Json& options);

}  // namespace wasmetrics
