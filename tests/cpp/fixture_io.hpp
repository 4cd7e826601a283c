#pragma once
// Reading conformance fixtures (../shared/conformance/README.md): JSON tensors into typed
// buffers, and RESULT comparison with |a - b| <= atol + rtol * |b|, NaN equal to NaN.
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wasmetrics/core/result.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::testing {

using Json = nlohmann::json;

inline double json_number(const Json& v) {
  if (v.is_string()) {
    auto s = v.get<std::string>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    throw std::runtime_error("fixture: bad number " + s);
  }
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  return v.get<double>();
}

// An owned typed buffer that a TensorView can point at.
struct OwnedTensor {
  std::vector<std::byte> bytes;
  DType dtype = DType::float32;
  Shape shape;
  TensorView view() const { return TensorView{bytes.data(), dtype, shape}; }
};

inline OwnedTensor tensor_from_json(const Json& j) {
  OwnedTensor t;
  auto dt = parse_dtype(j.at("dtype").get<std::string>());
  if (!dt) throw std::runtime_error("fixture: unknown dtype " + j.at("dtype").dump());
  t.dtype = *dt;
  t.shape = j.at("shape").get<Shape>();
  const Json& data = j.at("data");
  t.bytes.resize(data.size() * dtype_size(t.dtype));
  dispatch_dtype(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    auto* out = reinterpret_cast<T*>(t.bytes.data());
    for (std::size_t i = 0; i < data.size(); ++i) {
      if constexpr (std::is_same_v<T, std::int64_t>) {
        out[i] = data[i].is_number_integer() ? data[i].get<std::int64_t>() : static_cast<T>(json_number(data[i]));
      } else {
        out[i] = static_cast<T>(json_number(data[i]));
      }
    }
  });
  return t;
}

// An owned batch of strings that a text TensorView can point at, read from a fixture's plain JSON
// value as FORMAT-text-retrieval.md says (a string, an array of strings, an array of arrays of
// strings, or SQuAD's dicts), in the layout the JS layer builds (npm/src/text.mjs).
struct OwnedText {
  std::string bytes;
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint32_t> groups{0};
  int depth = 1;
  InputKind kind = InputKind::text;

  void push(const std::string& s) {
    bytes += s;
    offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
  }
  void close_group() { groups.push_back(static_cast<std::uint32_t>(offsets.size() - 1)); }
  TensorView view() const {
    TextView t{bytes.data(), offsets.data(), offsets.size() - 1, nullptr, 0, depth};
    if (depth == 2 || kind == InputKind::records) {
      t.groups = groups.data();
      t.ngroups = groups.size() - 1;
    }
    return TensorView::of_text(kind, t);
  }
};

// A dict flattened to (key path, value) string pairs: nested keys joined with '.', a list value
// repeating its path per element, numbers/booleans/null as JSON text.
inline void flatten_record(const Json& v, const std::string& path, OwnedText& out) {
  if (v.is_object()) {
    for (auto& [k, x] : v.items()) flatten_record(x, path.empty() ? k : path + "." + k, out);
  } else if (v.is_array()) {
    for (auto& x : v) flatten_record(x, path, out);
  } else {
    out.push(path);
    out.push(v.is_string() ? v.get<std::string>() : v.dump());
  }
}

// A tensor object is exactly {dtype, shape, data} (FORMAT-text-retrieval.md); anything else is plain data.
inline bool is_tensor_json(const Json& j) {
  return j.is_object() && j.size() == 3 && j.contains("dtype") && j.contains("shape") && j.contains("data");
}

inline OwnedText text_from_json(const Json& j, InputKind kind) {
  OwnedText t;
  t.kind = kind;
  auto str = [](const Json& v) {
    if (!v.is_string()) throw std::runtime_error("fixture: expected a string, got " + v.dump());
    return v.get<std::string>();
  };
  // A `text` input given a JSON document (an object, or a list of objects: a COCO file) takes it
  // as its JSON text, one string (FORMAT-qa.md's detection_qa batches; npm: JSON.stringify).
  if (kind == InputKind::text && (j.is_object() || (j.is_array() && !j.empty() && j[0].is_object()))) {
    t.depth = 0;
    t.push(j.dump());
    return t;
  }
  if (kind == InputKind::records) {
    t.depth = j.is_array() ? 1 : 0;
    for (auto& rec : j.is_array() ? j : Json::array({j})) {
      flatten_record(rec, "", t);
      t.close_group();
    }
    return t;
  }
  if (j.is_string()) {
    t.depth = 0;
    t.push(j.get<std::string>());
    return t;
  }
  if (!j.is_array()) throw std::runtime_error("fixture: expected strings, got " + j.dump());
  bool nested = false;
  for (auto& v : j) nested = nested || v.is_array();
  t.depth = nested ? 2 : 1;
  for (auto& v : j) {
    if (v.is_array()) {
      for (auto& s : v) t.push(str(s));
    } else {
      t.push(str(v));
    }
    t.close_group();
  }
  return t;
}

inline bool close(double a, double b, double atol, double rtol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= atol + rtol * std::fabs(b);
}

// Returns "" when `got` matches `expected`, else a description of the first difference.
inline std::string compare_result(const Result& got, const Json& expected, double atol, double rtol,
                                  const std::string& path = "result") {
  if (expected.is_array()) {
    if (got.kind != Result::Kind::list) return path + ": expected a list";
    if (got.items.size() != expected.size())
      return path + ": expected " + std::to_string(expected.size()) + " items, got " + std::to_string(got.items.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      auto d = compare_result(got.items[i], expected[i], atol, rtol, path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }
  if (expected.contains("shape") && expected.contains("data") && expected.size() == 2) {
    if (got.kind != Result::Kind::tensor) return path + ": expected a tensor";
    auto shape = expected["shape"].get<Shape>();
    if (got.tensor.shape != shape)
      return path + ": shape " + shape_str(got.tensor.shape) + ", expected " + shape_str(shape);
    auto& data = expected["data"];
    if (static_cast<std::size_t>(got.tensor.numel()) != data.size()) return path + ": element count differs";
    for (std::size_t i = 0; i < data.size(); ++i) {
      double want = json_number(data[i]);
      if (!close(got.tensor.data[i], want, atol, rtol))
        return path + "[" + std::to_string(i) + "]: got " + std::to_string(got.tensor.data[i]) + ", expected " +
               data[i].dump();
    }
    return "";
  }
  if (got.kind != Result::Kind::dict) return path + ": expected named results";
  for (auto& [key, value] : expected.items()) {
    const Result* field = got.field(key);
    if (!field) return path + ": missing field '" + key + "'";
    auto d = compare_result(*field, value, atol, rtol, path + "." + key);
    if (!d.empty()) return d;
  }
  if (got.fields.size() != expected.size()) return path + ": has fields the fixture does not";
  return "";
}

inline Json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return Json::parse(in);
}

}  // namespace wasmetrics::testing
