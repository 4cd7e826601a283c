#pragma once
// Class labels: `labels: ['cat', 'dog', ...]` on any metric with a class axis (num_classes or
// num_labels) names the per-class results. Presentation only: labels are not part of the state,
// so they never affect merge, state blobs or compute groups.
#include <string>
#include <vector>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/result.hpp"

namespace wasmetrics {

struct MetricSpec;

// The option every metric with a class axis takes (added to those specs by the registry).
OptionSpec class_labels_option();
// Whether `spec` declares num_classes or num_labels.
bool has_class_axis(const MetricSpec& spec);

// Validates the `labels` option against the class count of `options` (unique names, one per
// class) and returns the labels of the per-class results: without the first (background) class
// when include_background is false. Empty when no labels were given.
std::vector<std::string> class_labels_from_options(const Options& options);

// Every tensor of shape [K] and every list of K results, K = labels.size(), becomes a dict keyed
// by label, recursively inside dicts (e.g. {recall: [K], threshold: [K]}). Other shapes (the
// confusion matrix, samplewise [N, K]) are returned unchanged.
Result label_classes(Result r, const std::vector<std::string>& labels);

}  // namespace wasmetrics
