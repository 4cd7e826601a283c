#include "wasmetrics/core/class_labels.hpp"

#include <set>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {

namespace {
// num_classes or num_labels, whichever is given (a task wrapper declares both).
const char* class_count_option(const Json& values) {
  for (const char* name : {"num_classes", "num_labels"})
    if (values.contains(name) && !values[name].is_null()) return name;
  return values.contains("num_classes") ? "num_classes" : values.contains("num_labels") ? "num_labels" : nullptr;
}
}  // namespace

OptionSpec class_labels_option() {
  return {.name = "labels",
          .type = OptionType::string_list,
          .default_value = nullptr,
          .nullable = true,
          .doc =
              "one name per class (or label): per-class results come back as objects keyed by these names "
              "instead of arrays; presentation only (state, merge and saved states are unaffected)"};
}

bool has_class_axis(const MetricSpec& spec) {
  for (auto& o : spec.options)
    if (o.name == "num_classes" || o.name == "num_labels") return true;
  return false;
}

std::vector<std::string> class_labels_from_options(const Options& options) {
  const Json& values = options.json();
  if (!values.contains("labels") || values["labels"].is_null()) return {};
  std::vector<std::string> labels = options.get_strings("labels");
  const char* count_name = class_count_option(values);
  if (!count_name || values[count_name].is_null())
    fail_as(ErrorCode::E_OPTION, "labels", options.metric(), ": option 'labels' needs '",
            count_name ? to_camel_case(count_name) : "numClasses",
            "' to be given, so that there is one label per class");
  const auto count = values[count_name].get<std::int64_t>();
  if (static_cast<std::int64_t>(labels.size()) != count)
    fail_as(ErrorCode::E_OPTION, "labels", options.metric(), ": option 'labels' has ", labels.size(), " names but ",
            to_camel_case(count_name), " is ", count, "; give one name per class");
  std::set<std::string> seen;
  for (auto& l : labels)
    if (!seen.insert(l).second)
      fail_as(ErrorCode::E_OPTION, "labels", options.metric(), ": option 'labels' names '", l,
              "' twice; labels must be unique");
  if (values.contains("include_background") && values["include_background"].is_boolean() &&
      !values["include_background"].get<bool>())
    labels.erase(labels.begin());
  return labels;
}

Result label_classes(Result r, const std::vector<std::string>& labels) {
  const auto K = static_cast<std::int64_t>(labels.size());
  if (K == 0) return r;
  switch (r.kind) {
    case Result::Kind::tensor: {
      if (r.tensor.shape.size() != 1 || r.tensor.shape[0] != K) return r;
      std::vector<std::pair<std::string, Result>> fields;
      for (std::int64_t k = 0; k < K; ++k) fields.emplace_back(labels[k], Result::scalar(r.tensor.data[k]));
      return Result::dict(std::move(fields));
    }
    case Result::Kind::list: {
      if (static_cast<std::int64_t>(r.items.size()) != K) return r;
      std::vector<std::pair<std::string, Result>> fields;
      for (std::int64_t k = 0; k < K; ++k) fields.emplace_back(labels[k], std::move(r.items[k]));
      return Result::dict(std::move(fields));
    }
    case Result::Kind::dict:
      for (auto& [name, value] : r.fields) value = label_classes(std::move(value), labels);
      return r;
  }
  return r;
}

}  // namespace wasmetrics
