#include "wasmetrics/core/registry_lean.hpp"

#include "wasmetrics/core/class_labels.hpp"
#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/state_blob.hpp"

#include <atomic>
#include <mutex>
#include <span>
#include <unordered_map>
#include <utility>

namespace wasmetrics {

// Defined in src/wasmetrics/metrics.cpp: the one list of metrics, built, and as functions.
std::vector<MetricSpec> all_metric_specs();
std::span<MetricSpec (*const)()> metric_spec_functions();

namespace {

// Creating a metric needs its name, inputs, options and factory, never its examples; parsing every
// metric's example JSON (hundreds of KB) was most of the first metric's construction in
// WebAssembly (issue 18). So creation reads a "lean" registry built while examples_from_json
// returns nothing; the full one (metric_specs(): listMetrics(), the docs, the tests) is built on
// first request, and creation then reads it instead.
thread_local bool t_skip_examples = false;

void complete_spec(MetricSpec& s) {
  if (has_class_axis(s)) s.options.push_back(class_labels_option());
  // defaults as validate_options stores them, so the schema, registry_json and the options of
  // an instance agree (0 of a number option is 0.0 everywhere)
  for (auto& o : s.options) o.default_value = canonical_default(s.name, o);
  for (auto& q : s.queries)
    for (auto& o : q.options) o.default_value = canonical_default(s.name, o);
}

std::vector<MetricSpec> build_specs(bool with_examples) {
  struct Restore {
    bool saved = t_skip_examples;
    ~Restore() { t_skip_examples = saved; }
  } restore;
  t_skip_examples = !with_examples;
  auto all = all_metric_specs();
  for (auto& s : all) complete_spec(s);
  return all;
}

// Name -> spec of one registry, built once with it.
struct SpecIndex {
  explicit SpecIndex(std::vector<MetricSpec> all) : specs(std::move(all)) {
    for (auto& s : specs) by_name.emplace(s.name, &s);
  }
  SpecIndex(const SpecIndex&) = delete;  // by_name points into specs
  std::vector<MetricSpec> specs;
  std::unordered_map<std::string_view, const MetricSpec*> by_name;
  const MetricSpec* find(std::string_view name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  }
};

std::atomic<const SpecIndex*> g_full{nullptr};

const SpecIndex& full_index() {
  static const SpecIndex index(build_specs(true));
  g_full.store(&index);
  return index;
}

const SpecIndex& lean_index() {
  if (const SpecIndex* full = g_full.load()) return *full;
  static const SpecIndex index(build_specs(false));
  return index;
}

}  // namespace

const std::vector<MetricSpec>& metric_specs() { return full_index().specs; }

const MetricSpec* lean_metric_spec(std::string_view name) { return lean_index().find(name); }

const MetricSpec* lean_metric_spec_at(std::size_t index, std::string_view name) {
  if (const SpecIndex* full = g_full.load()) return full->find(name);
  const auto functions = metric_spec_functions();
  if (index >= functions.size()) return nullptr;
  // one slot per metric, built on first use; never freed (metrics point at their spec)
  static std::mutex mutex;
  static std::vector<std::unique_ptr<const MetricSpec>> built(functions.size());
  std::lock_guard<std::mutex> lock(mutex);
  if (!built[index]) {
    struct Restore {
      bool saved = t_skip_examples;
      ~Restore() { t_skip_examples = saved; }
    } restore;
    t_skip_examples = true;
    auto spec = std::make_unique<MetricSpec>(functions[index]());
    complete_spec(*spec);
    built[index] = std::move(spec);
  }
  return built[index]->name == name ? built[index].get() : nullptr;
}

const MetricSpec& find_metric(const std::string& name) {
  if (const MetricSpec* s = full_index().find(name)) return *s;
  std::string known;
  for (auto& s : metric_specs()) known += (known.empty() ? "" : ", ") + s.name;
  fail_as(ErrorCode::E_UNKNOWN_METRIC, "", "unknown metric '", name, "'; known metrics: ", known);
}

namespace {
// create_metric_at's position, read by create_metric (the one friend of Metric that sets its spec)
thread_local std::size_t t_index_hint = static_cast<std::size_t>(-1);
}  // namespace

std::unique_ptr<Metric> create_metric_at(std::size_t index, const std::string& name, const Json& options) {
  struct Restore {
    std::size_t saved = t_index_hint;
    ~Restore() { t_index_hint = saved; }
  } restore;
  t_index_hint = index;
  return create_metric(name, options);
}

std::unique_ptr<Metric> create_metric(const std::string& name, const Json& options) {
  // the hint is for this call only, not for metrics a task wrapper's make() creates
  const std::size_t hint = std::exchange(t_index_hint, static_cast<std::size_t>(-1));
  const MetricSpec* found = hint != static_cast<std::size_t>(-1) ? lean_metric_spec_at(hint, name) : nullptr;
  if (!found) found = lean_metric_spec(name);
  const MetricSpec& spec = found ? *found : find_metric(name);  // find_metric names the known ones
  Options validated = validate_options(spec.name, spec.options, options);
  std::vector<std::string> labels;
  Json labels_option;
  if (has_class_axis(spec)) {
    labels = class_labels_from_options(validated);
    labels_option = validated.raw("labels");
    validated = validated.without("labels");  // presentation only: not part of the state's options
  }
  // a metric's own checks of its options (num_classes > 1...) say E_OPTION unless they say more
  auto metric = tag_untagged(ErrorCode::E_OPTION, [&] { return spec.make(validated); });
  metric->spec_ = &spec;
  metric->labels_option_ = std::move(labels_option);
  metric->class_labels_ = std::move(labels);
  return metric;
}

WASMETRICS_COLD std::vector<MetricExample> examples_from_json(std::string_view json) {
  if (t_skip_examples) return {};  // the lean registry (see build_specs)
  const Json parsed = Json::parse(json);
  if (!parsed.is_array()) throw std::runtime_error("examples: expected a JSON array");
  std::vector<MetricExample> out;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const Json& e = parsed[i];
    for (const char* key : {"doc", "batches", "expected"})
      if (!e.contains(key)) throw std::runtime_error("examples[" + std::to_string(i) + "] lacks '" + key + "'");
    for (auto& [key, value] : e.items())
      if (key != "doc" && key != "args" && key != "batches" && key != "expected" && key != "atol" && key != "rtol")
        throw std::runtime_error("examples[" + std::to_string(i) + "] has unknown key '" + key + "'");
    out.push_back({.doc = e["doc"].get<std::string>(),
                   .args = e.value("args", Json::object()),
                   .batches = e["batches"],
                   .expected = e["expected"],
                   .atol = e.value("atol", 1e-6),
                   .rtol = e.value("rtol", 1e-5)});
  }
  return out;
}

namespace {
Json options_json(const std::vector<OptionSpec>& specs) {
  Json options = Json::array();
  for (auto& o : specs) {
    Json j = {{"name", o.name},
              {"camelName", to_camel_case(o.name)},
              {"type", option_type_name(o.type)},
              {"default", o.default_value},
              {"nullable", o.nullable},
              {"doc", o.doc}};
    if (!o.choices.empty()) j["choices"] = o.choices;
    if (o.min) j["min"] = *o.min;
    if (o.max) j["max"] = *o.max;
    if (o.min_exclusive) j["minExclusive"] = true;
    options.push_back(std::move(j));
  }
  return options;
}
}  // namespace

WASMETRICS_COLD Json registry_json() {
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
      queries.push_back({{"name", q.name},
                         {"camelName", to_camel_case(q.name)},
                         {"doc", q.doc},
                         {"options", options_json(q.options)}});
    Json examples = Json::array();
    for (auto& e : s.examples)
      examples.push_back({{"doc", e.doc},
                          {"args", e.args},
                          {"batches", e.batches},
                          {"expected", e.expected},
                          {"atol", e.atol},
                          {"rtol", e.rtol}});
    metrics.push_back({{"name", s.name},
                       {"family", s.family},
                       {"doc", s.doc},
                       {"inputs", inputs},
                       {"options", options_json(s.options)},
                       {"queries", queries},
                       {"batching", s.batching == Batching::rows      ? "rows"
                                    : s.batching == Batching::ordered ? "ordered"
                                                                      : "updates"},
                       {"rejectsMismatchedRows", s.rejects_mismatched_rows},
                       {"examples", examples}});
    if (!s.result.is_null()) metrics.back()["result"] = s.result;
  }
  return {{"metrics", metrics}, {"stateBlobVersion", kStateBlobVersion}};
}

}  // namespace wasmetrics
