#pragma once
// Option schemas and validated option values. A metric declares its options once (name, type,
// default, allowed values, one doc line); the registry validates user options against that
// schema, so every metric rejects unknown names, wrong types and out-of-range values the same way.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wasmetrics {

using Json = nlohmann::json;

enum class OptionType {
  boolean,
  integer,
  number,            // a JS number; integers are accepted (JSON cannot tell 1 from 1.0)
  string,            // one of `choices`
  number_or_string,  // a number, or one of `choices` (nan_strategy)
  integer_or_string,
  number_list,  // a number or an array of numbers (per-label thresholds)
  integer_list,
  string_list,  // a non-empty array of strings (class labels)
};

std::string_view option_type_name(OptionType t);

struct OptionSpec {
  std::string name;  // snake_case, as TorchMetrics spells it
  OptionType type = OptionType::number;
  Json default_value;                // null means "None"
  std::vector<std::string> choices;  // allowed strings
  std::optional<double> min;         // inclusive unless min_exclusive
  std::optional<double> max;
  bool min_exclusive = false;
  bool nullable = false;  // null (None) is allowed
  std::string doc;
};

// Validated options: every declared option is present (given or default), keys snake_case.
class Options {
 public:
  Options() = default;
  Options(std::string metric, Json values) : metric_(std::move(metric)), values_(std::move(values)) {}

  bool is_null(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  std::int64_t get_int(const std::string& name) const;
  double get_number(const std::string& name) const;
  std::string get_string(const std::string& name) const;
  bool is_string(const std::string& name) const;
  std::vector<double> get_numbers(const std::string& name) const;  // a number gives one element
  std::vector<std::string> get_strings(const std::string& name) const;
  const Json& raw(const std::string& name) const;
  const Json& json() const { return values_; }
  const std::string& metric() const { return metric_; }
  // Sorted-key JSON of every option: identical for equal options, used by state blobs.
  std::string canonical() const { return values_.dump(); }
  // The same options without `name` (an option the core consumes before the metric sees them).
  Options without(const std::string& name) const;

 private:
  std::string metric_;
  Json values_ = Json::object();
};

// A JSON value as error messages quote it. Invalid UTF-8 in a string (possible from a native
// caller; JS strings arrive as valid UTF-8) is replaced, so quoting a bad value cannot throw.
inline std::string json_text(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); }

// "numClasses" -> "num_classes"; snake_case passes unchanged.
std::string to_snake_case(const std::string& name);
std::string to_camel_case(const std::string& name);

// The schema's default as validate_options stores it (0 of a number option becomes 0.0). A default
// outside its own schema is returned as is (a spec bug that the contract test reports).
Json canonical_default(const std::string& metric, const OptionSpec& spec);

// Validates `given` (camelCase or snake_case keys) against `specs`; throws Error naming the option.
Options validate_options(const std::string& metric, const std::vector<OptionSpec>& specs, const Json& given);

}  // namespace wasmetrics
