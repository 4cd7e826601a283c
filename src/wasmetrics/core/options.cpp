#include "wasmetrics/core/options.hpp"

#include <cctype>
#include <cmath>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/error_code.hpp"

namespace wasmetrics {

std::string_view option_type_name(OptionType t) {
  switch (t) {
    case OptionType::boolean:
      return "boolean";
    case OptionType::integer:
      return "integer";
    case OptionType::number:
      return "number";
    case OptionType::string:
      return "string";
    case OptionType::number_or_string:
      return "number_or_string";
    case OptionType::integer_or_string:
      return "integer_or_string";
    case OptionType::number_list:
      return "number_list";
    case OptionType::integer_list:
      return "integer_list";
    case OptionType::string_list:
      return "string_list";
  }
  return "?";
}

std::string to_snake_case(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string to_camel_case(const std::string& name) {
  std::string out;
  bool up = false;
  for (char c : name) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

namespace {

std::string choices_text(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? ", '" : "'") + choices[i] + "'";
  return out;
}

std::string describe(const OptionSpec& s) {
  std::string out;
  switch (s.type) {
    case OptionType::boolean:
      out = "true or false";
      break;
    case OptionType::integer:
      out = "an integer";
      break;
    case OptionType::number:
      out = "a number";
      break;
    case OptionType::string:
      out = s.choices.empty() ? "a string" : "one of " + choices_text(s.choices);
      break;
    case OptionType::number_or_string:
      out = "a number or one of " + choices_text(s.choices);
      break;
    case OptionType::integer_or_string:
      out = "an integer or one of " + choices_text(s.choices);
      break;
    case OptionType::number_list:
      out = "a number or an array of numbers";
      break;
    case OptionType::integer_list:
      out = s.default_value.is_array() && s.default_value.empty() ? "an integer or an array of integers (may be empty)"
                                                                  : "an integer or an array of integers";
      break;
    case OptionType::string_list:
      out = s.choices.empty() ? "a non-empty array of strings"
                              : "one of " + choices_text(s.choices) + " or a non-empty array of them";
      break;
  }
  if (s.min || s.max) {
    out += " in ";
    out += s.min ? ((s.min_exclusive ? "(" : "[") + Json(*s.min).dump()) : "(-inf";
    out += ", ";
    out += s.max ? (Json(*s.max).dump() + "]") : "inf)";
  }
  if (s.nullable) out += ", or null";
  return out;
}

bool in_range(const OptionSpec& s, double v) {
  if (!std::isfinite(v)) return false;
  if (s.min && (s.min_exclusive ? v <= *s.min : v < *s.min)) return false;
  if (s.max && v > *s.max) return false;
  return true;
}

bool is_integral(const Json& v) {
  if (v.is_number_integer()) return true;
  if (v.is_number_float()) {
    double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15;
  }
  return false;
}

// A string option without choices takes any string: the metric checks it where TorchMetrics does
// (e.g. PeakSignalNoiseRatio's `reduction` at compute(), PermutationInvariantTraining's `mode` at update()).
bool is_choice(const OptionSpec& s, const Json& v) {
  if (!v.is_string()) return false;
  if (s.type == OptionType::string && s.choices.empty()) return true;
  for (auto& c : s.choices)
    if (c == v.get<std::string>()) return true;
  return false;
}

// Returns the normalised value or throws.
Json check_value(const std::string& metric, const std::string& key, const OptionSpec& s, const Json& v) {
  auto bad = [&]() -> Json {
    // Above a cap: the option's doc says why the cap is there (work or memory it scales).
    auto above = [&](const Json& e) { return s.max && e.is_number() && e.get<double>() > *s.max; };
    bool capped = above(v);
    if (v.is_array())
      for (auto& e : v) capped = capped || above(e);
    fail_as(ErrorCode::E_OPTION, key, metric, ": option '", key, "' must be ", describe(s), ", got ", json_text(v),
            capped && !s.doc.empty() ? " (" + key + ": " + s.doc + ")" : std::string());
  };
  if (v.is_null()) return s.nullable ? v : bad();
  switch (s.type) {
    case OptionType::boolean:
      return v.is_boolean() ? v : bad();
    case OptionType::integer:
      if (!is_integral(v) || !in_range(s, v.get<double>())) return bad();
      return Json(static_cast<std::int64_t>(v.get<double>()));
    case OptionType::number:
      if (!v.is_number() || !in_range(s, v.get<double>())) return bad();
      return Json(v.get<double>());
    case OptionType::string:
      return is_choice(s, v) ? v : bad();
    case OptionType::number_or_string:
      if (is_choice(s, v)) return v;
      if (v.is_number() && std::isfinite(v.get<double>()) && in_range(s, v.get<double>())) return Json(v.get<double>());
      return bad();
    case OptionType::integer_or_string:
      if (is_choice(s, v)) return v;
      if (is_integral(v) && in_range(s, v.get<double>())) return Json(static_cast<std::int64_t>(v.get<double>()));
      return bad();
    case OptionType::number_list:
    case OptionType::integer_list: {
      bool ints = s.type == OptionType::integer_list;
      auto ok = [&](const Json& e) {
        return ints ? is_integral(e) && in_range(s, e.get<double>()) : e.is_number() && in_range(s, e.get<double>());
      };
      if (v.is_number()) return ok(v) ? (ints ? Json(v.get<std::int64_t>()) : Json(v.get<double>())) : bad();
      // An empty list is a value only where the default is one (PanopticQuality's `things`: none).
      const bool empty_allowed = s.default_value.is_array() && s.default_value.empty();
      if (!v.is_array() || (v.empty() && !empty_allowed)) return bad();
      Json out = Json::array();
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!ok(v[i]))
          fail_as(ErrorCode::E_OPTION, key, metric, ": option '", key, "' element [", i, "] must be ", describe(s),
                  ", got ", json_text(v[i]));
        out.push_back(ints ? Json(static_cast<std::int64_t>(v[i].get<double>())) : Json(v[i].get<double>()));
      }
      return out;
    }
    case OptionType::string_list: {
      // With choices (ROUGEScore's rouge_keys), a lone string is a list of one and every element
      // must be a choice; without (class labels), any non-empty array of strings.
      if (!s.choices.empty() && v.is_string()) return is_choice(s, v) ? Json::array({v}) : bad();
      if (!v.is_array() || v.empty()) return bad();
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string())
          fail_as(ErrorCode::E_OPTION, key, metric, ": option '", key, "' element [", i, "] must be a string, got ",
                  v[i].dump());
        if (!s.choices.empty() && !is_choice(s, v[i]))
          fail_as(ErrorCode::E_OPTION, key, metric, ": option '", key, "' element [", i, "] must be one of ",
                  choices_text(s.choices), ", got ", json_text(v[i]));
      }
      return v;
    }
  }
  return bad();
}

}  // namespace

Json canonical_default(const std::string& metric, const OptionSpec& spec) {
  if (spec.default_value.is_null()) return spec.default_value;
  try {
    return check_value(metric, spec.name, spec, spec.default_value);
  } catch (const Error&) {
    return spec.default_value;  // a default outside its own schema: the contract test names it
  }
}

Options validate_options(const std::string& metric, const std::vector<OptionSpec>& specs, const Json& given) {
  // Defaults take the same normalisation as given values (a number option stored as a double, an
  // integer one as an int64), so options given at their defaults equal options omitted: same
  // canonical() text, same state-blob hash, same state key.
  Json out = Json::object();
  for (auto& s : specs) out[s.name] = canonical_default(metric, s);
  if (given.is_null()) return Options(metric, std::move(out));
  if (!given.is_object())
    fail_as(ErrorCode::E_OPTION, "", metric, ": options must be an object, got ", json_text(given));
  Json seen = Json::object();
  for (auto& [key, value] : given.items()) {
    std::string snake = to_snake_case(key);
    const OptionSpec* spec = nullptr;
    for (auto& s : specs)
      if (s.name == snake) spec = &s;
    if (!spec) {
      std::string known;
      for (auto& s : specs) known += (known.empty() ? "" : ", ") + to_camel_case(s.name);
      fail_as(ErrorCode::E_OPTION, key, metric, ": unknown option '", key, "'",
              known.empty() ? std::string(" (it takes no options)") : "; known options: " + known);
    }
    if (seen.contains(snake))
      fail_as(ErrorCode::E_OPTION, key, metric, ": option '", key, "' given twice (as '",
              seen[snake].get<std::string>(), "' too)");
    seen[snake] = key;
    out[snake] = check_value(metric, key, *spec, value);
  }
  return Options(metric, std::move(out));
}

const Json& Options::raw(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) fail("internal: ", metric_, " has no option '", name, "'");
  return *it;
}
bool Options::is_null(const std::string& name) const { return raw(name).is_null(); }
bool Options::get_bool(const std::string& name) const { return raw(name).get<bool>(); }
std::int64_t Options::get_int(const std::string& name) const { return raw(name).get<std::int64_t>(); }
double Options::get_number(const std::string& name) const { return raw(name).get<double>(); }
std::string Options::get_string(const std::string& name) const { return raw(name).get<std::string>(); }
bool Options::is_string(const std::string& name) const { return raw(name).is_string(); }
std::vector<std::string> Options::get_strings(const std::string& name) const {
  std::vector<std::string> out;
  for (auto& e : raw(name)) out.push_back(e.get<std::string>());
  return out;
}
Options Options::without(const std::string& name) const {
  Json values = values_;
  values.erase(name);
  return Options(metric_, std::move(values));
}
std::vector<double> Options::get_numbers(const std::string& name) const {
  const Json& v = raw(name);
  if (v.is_number()) return {v.get<double>()};
  std::vector<double> out;
  for (auto& e : v) out.push_back(e.get<double>());
  return out;
}

}  // namespace wasmetrics
