#include "wasmetrics/core/registry.hpp"

#include "wasmetrics/core/state_blob.hpp"

namespace wasmetrics {

// Defined in src/wasmetrics/metrics.cpp: the one list of metrics.
std::vector<MetricSpec> all_metric_specs();

const std::vector<MetricSpec>& metric_specs() {
  static const std::vector<MetricSpec> specs = all_metric_specs();
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
  auto metric = spec.make(validate_options(spec.name, spec.options, options));
  metric->spec_ = &spec;
  return metric;
}

Json registry_json() {
  Json metrics = Json::array();
  for (auto& s : metric_specs()) {
    Json inputs = Json::array();
    for (auto& in : s.inputs) inputs.push_back({{"name", in.name}, {"optional", in.optional}, {"doc", in.doc}});
    Json options = Json::array();
    for (auto& o : s.options) {
      Json j = {{"name", o.name}, {"camelName", to_camel_case(o.name)}, {"type", option_type_name(o.type)},
                {"default", o.default_value}, {"nullable", o.nullable}, {"doc", o.doc}};
      if (!o.choices.empty()) j["choices"] = o.choices;
      if (o.min) j["min"] = *o.min;
      if (o.max) j["max"] = *o.max;
      if (o.min_exclusive) j["minExclusive"] = true;
      options.push_back(std::move(j));
    }
    metrics.push_back({{"name", s.name}, {"family", s.family}, {"doc", s.doc}, {"inputs", inputs}, {"options", options}});
  }
  return {{"metrics", metrics}, {"stateBlobVersion", kStateBlobVersion}};
}

}  // namespace wasmetrics
