// Runs every case of ../shared/conformance/*.json through the native C++ API. A case whose metric
// is not registered yet is reported as skipped (never passed, never dropped).
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "fixture_io.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {
namespace {

std::string conformance_dir() {
  if (const char* env = std::getenv("WASMETRICS_CONFORMANCE_DIR")) return env;
  return WASMETRICS_CONFORMANCE_DIR;
}

struct CaseRef {
  std::string file;
  std::size_t index;
  std::string id;
};
// gtest would otherwise print the struct's raw bytes (padding included) for every case.
void PrintTo(const CaseRef& c, std::ostream* os) { *os << c.file << ":" << c.id; }

const Json& file_cases(const std::string& file) {
  static std::map<std::string, Json> cache;
  auto it = cache.find(file);
  if (it == cache.end()) it = cache.emplace(file, read_json_file(conformance_dir() + "/" + file)["cases"]).first;
  return it->second;
}

std::vector<CaseRef> all_cases() {
  std::vector<CaseRef> out;
  std::vector<std::string> files;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(conformance_dir(), ec))
    if (e.path().extension() == ".json") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    const Json& cases = file_cases(f);
    for (std::size_t i = 0; i < cases.size(); ++i) out.push_back({f, i, cases[i]["id"].get<std::string>()});
  }
  return out;
}

bool is_registered(const std::string& name) {
  for (auto& s : metric_specs())
    if (s.name == name) return true;
  return false;
}

// Inputs of one batch, in the order of the metric's update() arguments (the batch's key order).
struct Batch {
  std::vector<OwnedTensor> owned;
  std::vector<OwnedText> owned_text;
  std::vector<TensorView> views;
};

bool takes_text(const MetricSpec& spec) {
  for (auto& in : spec.inputs)
    if (in.kind != InputKind::tensor) return true;
  return false;
}

// Text metrics (FORMAT-text-retrieval.md): a tensor object is a tensor, any other JSON value (a
// string, a list of strings, lists of references, SQuAD's dicts) is read by the input's kind.
Batch read_text_batch(const Json& b, const MetricSpec& spec) {
  Batch out;
  out.owned_text.reserve(spec.inputs.size());
  out.owned.reserve(spec.inputs.size());
  for (auto& in : spec.inputs) {
    if (!b.contains(in.name)) {
      if (in.optional) break;
      throw std::runtime_error("fixture batch lacks input '" + in.name + "'");
    }
    if (is_tensor_json(b[in.name])) {
      out.owned.push_back(tensor_from_json(b[in.name]));
      out.views.push_back(out.owned.back().view());
    } else {
      if (in.kind == InputKind::tensor) throw std::runtime_error("fixture input '" + in.name + "' is not a tensor object");
      out.owned_text.push_back(text_from_json(b[in.name], in.kind));
      out.views.push_back(out.owned_text.back().view());
    }
  }
  if (out.views.size() != b.size()) throw std::runtime_error("fixture batch has inputs the registry does not list");
  return out;
}

// --- Detection adapter -------------------------------------------------------------------------
// detection.json batches hold `preds`/`target` as JSON arrays of per-image dicts of tensors. The
// detection metrics take them flat (src/wasmetrics/detection/inputs.hpp): input `<side>_<key>` is key
// `<key>` of every image of side `pred` (-> "preds") or `target`, concatenated along dim 0, and
// `<side>_counts` holds each image's number of annotations (len(labels)). A dict lacking a required key contributes
// nothing (the metric then rejects the batch); an optional input is given when some dict has its key
// (or a later optional input is given), images without it getting zeros, as TorchMetrics'
// item.get("iscrowd", zeros_like(labels)) does.
bool is_detection_batch(const Json& b) { return b.contains("preds") && b["preds"].is_array(); }

Batch read_detection_batch(const Json& b, const MetricSpec& spec) {
  auto side_of = [](const std::string& name) -> std::pair<std::string, std::string> {
    auto us = name.find('_');
    if (us == std::string::npos) throw std::runtime_error("detection input '" + name + "' is not <side>_<key>");
    std::string side = name.substr(0, us) == "pred" ? "preds" : name.substr(0, us);
    return {side, name.substr(us + 1)};
  };
  auto rows_of = [](const Json& t) -> std::int64_t {
    auto shape = t.at("shape").get<Shape>();
    return shape.empty() ? 1 : shape[0];
  };
  auto has_key = [&](const std::string& side, const std::string& key) {
    for (auto& img : b[side])
      if (img.contains(key)) return true;
    return false;
  };
  // Which inputs to give: every required one; an optional one if its key is present or a later one is given.
  std::vector<bool> give(spec.inputs.size(), false);
  bool later = false;
  for (std::size_t i = spec.inputs.size(); i-- > 0;) {
    auto [side, key] = side_of(spec.inputs[i].name);
    give[i] = !spec.inputs[i].optional || later || has_key(side, key);
    later = later || (spec.inputs[i].optional && give[i]);
  }
  Batch out;
  for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
    if (!give[i]) break;
    auto [side, key] = side_of(spec.inputs[i].name);
    Json t = {{"data", Json::array()}};
    if (key == "counts") {
      t["dtype"] = "int64";
      for (auto& img : b[side]) t["data"].push_back(img.contains("labels") ? rows_of(img["labels"]) : 0);
      t["shape"] = Shape{static_cast<std::int64_t>(t["data"].size())};
    } else {
      std::string dtype = (key == "labels" || key == "iscrowd") ? "int64" : (key == "masks" ? "bool" : "float32");
      Shape trailing = key == "boxes" ? Shape{4} : Shape{};
      for (auto& img : b[side])
        if (img.contains(key)) {
          dtype = img[key]["dtype"];
          auto shape = img[key]["shape"].get<Shape>();
          if (!shape.empty()) trailing.assign(shape.begin() + 1, shape.end());
          break;
        }
      t["dtype"] = dtype;
      std::int64_t rows = 0;
      for (auto& img : b[side]) {
        if (img.contains(key)) {
          for (auto& v : img[key]["data"]) t["data"].push_back(v);
          rows += rows_of(img[key]);
        } else if (spec.inputs[i].optional && img.contains("labels")) {
          auto n = rows_of(img["labels"]);
          for (std::int64_t k = 0; k < n * shape_numel(trailing); ++k) t["data"].push_back(0);
          rows += n;
        }
      }
      // [rows, trailing dims of the first image]; pieces that cannot be stacked are handed over flat
      // for the metric to reject.
      Shape shape{rows};
      shape.insert(shape.end(), trailing.begin(), trailing.end());
      if (shape_numel(shape) != static_cast<std::int64_t>(t["data"].size()))
        shape = Shape{static_cast<std::int64_t>(t["data"].size())};
      t["shape"] = shape;
    }
    out.owned.push_back(tensor_from_json(t));
  }
  for (auto& t : out.owned) out.views.push_back(t.view());
  return out;
}
// --- end of the detection adapter ----------------------------------------------------------------

Batch read_batch(const Json& b, const MetricSpec& spec) {
  if (takes_text(spec)) return read_text_batch(b, spec);
  if (is_detection_batch(b)) return read_detection_batch(b, spec);
  Batch out;
  for (auto& in : spec.inputs) {
    if (!b.contains(in.name)) {
      if (in.optional) break;
      throw std::runtime_error("fixture batch lacks input '" + in.name + "'");
    }
    out.owned.push_back(tensor_from_json(b[in.name]));
  }
  if (out.owned.size() != b.size()) throw std::runtime_error("fixture batch has inputs the registry does not list");
  for (auto& t : out.owned) out.views.push_back(t.view());
  return out;
}

// The batch keys (in first-seen order) that `spec` does not list as update() inputs: a case that
// gives a metric an input it does not take yet (weighted.json's `sample_weight` before weights
// land) is skipped with that reason, like a case whose metric is not registered.
std::vector<std::string> inputs_not_taken(const Json& batches, const MetricSpec& spec) {
  std::vector<std::string> out;
  for (auto& b : batches) {
    if (is_detection_batch(b)) continue;
    for (auto& [key, value] : b.items()) {
      bool listed = false;
      for (auto& in : spec.inputs) listed = listed || in.name == key;
      if (!listed && std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    }
  }
  return out;
}

class Conformance : public ::testing::TestWithParam<CaseRef> {};

TEST_P(Conformance, Case) {
  const Json& c = file_cases(GetParam().file)[GetParam().index];
  const std::string metric_name = c["metric"];
  if (!is_registered(metric_name)) GTEST_SKIP() << metric_name << " is not implemented yet";
  const MetricSpec& spec = find_metric(metric_name);
  if (auto extra = inputs_not_taken(c.value("batches", Json::array()), spec); !extra.empty()) {
    std::string names;
    for (auto& e : extra) names += (names.empty() ? "" : ", ") + e;
    GTEST_SKIP() << metric_name << " does not take input " << names << " yet";
  }
  const Json args = c.value("args", Json::object());
  const bool is_error = c.contains("error");
  const std::string error_at = c.value("error_at", "");
  const double atol = c.value("atol", 1e-6), rtol = c.value("rtol", 1e-5);

  if (is_error && error_at == "init") {
    EXPECT_THROW(create_metric(metric_name, args), Error) << "expected: " << c["error"];
    return;
  }
  auto metric = create_metric(metric_name, args);
  const bool use_forward = c.contains("forward") && error_at != "compute";
  const auto& batches = c["batches"];
  for (std::size_t i = 0; i < batches.size(); ++i) {
    Batch batch = read_batch(batches[i], spec);
    if (is_error && error_at == "update[" + std::to_string(i) + "]") {
      if (use_forward) {
        EXPECT_THROW(metric->forward(batch.views), Error) << "expected: " << c["error"];
      } else {
        EXPECT_THROW(metric->update(batch.views), Error) << "expected: " << c["error"];
      }
      return;
    }
    if (use_forward) {
      Result r = metric->forward(batch.views);
      auto diff = compare_result(r, c["forward"][i], atol, rtol, "forward[" + std::to_string(i) + "]");
      EXPECT_EQ(diff, "");
    } else {
      metric->update(batch.views);
    }
  }
  if (is_error) {
    ASSERT_EQ(error_at, "compute") << "unknown error_at";
    EXPECT_THROW(metric->compute(), Error) << "expected: " << c["error"];
    return;
  }
  auto diff = compare_result(metric->compute(), c["expected"], atol, rtol, "compute()");
  EXPECT_EQ(diff, "");
}

std::string case_name(const ::testing::TestParamInfo<CaseRef>& info) {
  std::string n = info.param.id;
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Conformance, ::testing::ValuesIn(all_cases()), case_name);

TEST(ConformanceFixtures, AreFound) {
  EXPECT_GT(all_cases().size(), 0u) << "no fixtures in " << conformance_dir();
}

}  // namespace
}  // namespace wasmetrics::testing
