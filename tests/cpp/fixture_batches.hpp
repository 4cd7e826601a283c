#pragma once
// A fixture batch ({input name: tensor}, or detection's per-image dicts) as the TensorViews of a
// metric's update() inputs. Shared by the conformance runner and the contract test.
#include <algorithm>

#include "fixture_io.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {

// Inputs of one batch, in the order of the metric's update() arguments (the batch's key order).
struct Batch {
  std::vector<OwnedTensor> owned;
  std::vector<OwnedText> owned_text;
  std::vector<TensorView> views;
};

inline bool takes_text(const MetricSpec& spec) {
  for (auto& in : spec.inputs)
    if (in.kind != InputKind::tensor) return true;
  return false;
}

// Text metrics (FORMAT-text-retrieval.md): a tensor object is a tensor, any other JSON value (a
// string, a list of strings, lists of references, SQuAD's dicts) is read by the input's kind.
inline Batch read_text_batch(const Json& b, const MetricSpec& spec) {
  Batch out;
  out.owned_text.reserve(spec.inputs.size());  // views point into these: no reallocation
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
      if (in.kind == InputKind::tensor)
        throw std::runtime_error("fixture input '" + in.name + "' is not a tensor object");
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
inline bool is_detection_batch(const Json& b) { return b.contains("preds") && b["preds"].is_array(); }

inline Batch read_detection_batch(const Json& b, const MetricSpec& spec) {
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

// FORMAT-image-audio.md: a batch value that is an object but not a tensor, under a key the metric
// does not take, is a dict of named inputs (SpatialDistortionIndex's `target` {ms, pan, pan_lr});
// the metric takes its keys as inputs. Under a key it takes (SQuAD's dicts, COCO files as JSON
// text) it is that input's value.
inline bool is_dict_input(const std::string& key, const Json& value, const MetricSpec& spec) {
  if (!value.is_object() || is_tensor_json(value)) return false;
  for (auto& in : spec.inputs)
    if (in.name == key) return false;
  return true;
}
inline bool has_dict_inputs(const Json& b, const MetricSpec& spec) {
  for (auto& [key, value] : b.items())
    if (is_dict_input(key, value, spec)) return true;
  return false;
}
inline Json flatten_dict_inputs(const Json& b, const MetricSpec& spec) {
  Json out = Json::object();
  for (auto& [key, value] : b.items())
    if (is_dict_input(key, value, spec)) {
      for (auto& [k, v] : value.items()) out[k] = v;
    } else {
      out[key] = value;
    }
  return out;
}

inline Batch read_batch(const Json& given, const MetricSpec& spec) {
  if (takes_text(spec)) return read_text_batch(given, spec);
  if (is_detection_batch(given)) return read_detection_batch(given, spec);
  const bool from_dict = has_dict_inputs(given, spec);
  const Json b = from_dict ? flatten_dict_inputs(given, spec) : given;
  Batch out;
  for (auto& in : spec.inputs) {
    if (!b.contains(in.name)) {
      // a dict lacking a key (D_s `target` without `pan`): the inputs before it, for the metric to refuse
      if (in.optional || from_dict) break;
      throw std::runtime_error("fixture batch lacks input '" + in.name + "'");
    }
    out.owned.push_back(tensor_from_json(b[in.name]));
  }
  if (out.owned.size() != b.size() && !from_dict)
    throw std::runtime_error("fixture batch has inputs the registry does not list");
  for (auto& t : out.owned) out.views.push_back(t.view());
  return out;
}

// The batch keys (in first-seen order) that `spec` does not list as update() inputs: a case that
// gives a metric an input it does not take yet (weighted.json's `sample_weight` before weights
// land) is skipped with that reason, like a case whose metric is not registered.
inline std::vector<std::string> inputs_not_taken(const Json& batches, const MetricSpec& spec) {
  std::vector<std::string> out;
  for (auto& given : batches) {
    if (is_detection_batch(given)) continue;
    const Json b = flatten_dict_inputs(given, spec);
    for (auto& [key, value] : b.items()) {
      bool listed = false;
      for (auto& in : spec.inputs) listed = listed || in.name == key;
      if (!listed && std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    }
  }
  return out;
}

}  // namespace wasmetrics::testing
