#include "wasmetrics/core/registry.hpp"

#include "wasmetrics/core/class_labels.hpp"
#include "wasmetrics/core/state_blob.hpp"

namespace wasmetrics {

// Defined in src/wasmetrics/metrics.cpp: the one list of metrics.
std::vector<MetricSpec> all_metric_specs();

const std::vector<MetricSpec>& metric_specs() {
  static const std::vector<MetricSpec> specs = [] {
    auto all = all_metric_specs();
    for (auto& s : all)
      if (has_class_axis(s)) s.options.push_back(class_labels_option());
    return all;
  }();
  return specs;
}

const MetricSpec& find_metric(const std::string& name) {
  for (auto& s : metric_specs())
    if (s.name == name) return s;
  std::string known;
  for (auto& s : metric_specs()) known += (known.empty() ? "" : ", ") + s.name;
  fail("unknown metric '", name, "'; known metrics: ", known);
}

std::unique_ptr<Metric> create_metric(const std::string& name, const Json& options) {
  const MetricSpec& spec = find_metric(name);
  Options validated = validate_options(spec.name, spec.options, options);
  std::vector<std::string> labels;
  Json labels_option;
  if (has_class_axis(spec)) {
    labels = class_labels_from_options(validated);
    labels_option = validated.raw("labels");
    validated = validated.without("labels");  // presentation only: not part of the state's options
  }
  auto metric = spec.make(validated);
  metric->spec_ = &spec;
  metric->labels_option_ = std::move(labels_option);
  metric->class_labels_ = std::move(labels);
  return metric;
}

namespace {
Json options_json(const std::vector<OptionSpec>& specs) {
  Json options = Json::array();
  for (auto& o : specs) {
    Json j = {{"name", o.name}, {"camelName", to_camel_case(o.name)}, {"type", option_type_name(o.type)},
              {"default", o.default_value}, {"nullable", o.nullable}, {"doc", o.doc}};
    if (!o.choices.empty()) j["choices"] = o.choices;
    if (o.min) j["min"] = *o.min;
    if (o.max) j["max"] = *o.max;
    if (o.min_exclusive) j["minExclusive"] = true;
    options.push_back(std::move(j));
  }
  return options;
}
}  // namespace

Json registry_json() {
  Json metrics = Json::array();
  for (auto& s : metric_specs()) {
    Json inputs = Json::array();
    for (auto& in : s.inputs) {
      Json j = {{"name", in.name}, {"optional", in.optional}, {"doc", in.doc}, {"kind", input_kind_name(in.kind)}};
      if (!in.fields.empty()) j["fields"] = in.fields;
      inputs.push_back(std::move(j));
    }
    Json queries = Json::array();
    for (auto& q : s.queries)
      queries.push_back({{"name", q.name}, {"camelName", to_camel_case(q.name)}, {"doc", q.doc}, {"options", options_json(q.options)}});
    metrics.push_back({{"name", s.name}, {"family", s.family}, {"doc", s.doc}, {"inputs", inputs},
                       {"options", options_json(s.options)}, {"queries", queries}});
  }
  return {{"metrics", metrics}, {"stateBlobVersion", kStateBlobVersion}};
}

}  // namespace wasmetrics
