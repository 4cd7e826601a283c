// Embind glue, and nothing metric-specific: one generic Metric class made from (name, options
// JSON) plus the registry listing. The JS layer (npm/src) turns this into classes and tensors.
// Every entry point converts C++ exceptions into a real JS Error, so the module never aborts.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <algorithm>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "wasmetrics/core/batch_parts.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/registry_lean.hpp"
#include "wasmetrics/detection/rle_api.hpp"

using emscripten::val;
using namespace wasmetrics;
using wasmetrics::ErrorCode;

namespace {

// Errors cross the boundary as values: every entry point returns normally and the JS glue
// (npm/src/loader.mjs) reads takeError() after each call and throws a WasmetricsError there, with
// the stable `code` and the metric's name. A JS exception thrown through WebAssembly frames never
// restores the shadow stack pointer they moved: 16 bytes per refused call, and 327,680 refused
// calls exhausted the 5 MB stack (issue 16, item 7).
struct PendingError {
  bool failed = false;
  ErrorCode code = ErrorCode::E_INTERNAL;
  std::string metric, argument, message;
};
PendingError g_error;
// 1 while g_error holds a refusal: the JS glue reads this byte after every call (a heap read, no
// call into the module) and calls takeError() only when it is set.
std::uint8_t g_error_flag = 0;

// {message, code, metric} of the last refused call, or null; clears it.
val take_error() {
  if (!g_error.failed) return val::null();
  val out = val::object();
  out.set("message", val(g_error.message));
  out.set("code", val(error_code_name(g_error.code)));
  if (!g_error.metric.empty()) out.set("metric", val(g_error.metric));
  if (!g_error.argument.empty()) out.set("argument", val(g_error.argument));
  g_error = PendingError{};
  g_error_flag = 0;
  return out;
}

// Runs one entry point: a refusal becomes a JS error with the code the core tagged it with
// (core/error.hpp: E_SHAPE, E_LABEL_RANGE...), else the entry point's code (what the core refused
// follows from where: options at construction, inputs in update...); running out of heap is
// E_OUT_OF_MEMORY wherever it happens.
template <class F>
auto guarded(ErrorCode code, const std::string& metric, F&& f) -> decltype(f()) {
  using R = decltype(f());
  auto refuse = [&](ErrorCode c, std::string message, std::string argument = {}) {
    g_error = {
        .failed = true, .code = c, .metric = metric, .argument = std::move(argument), .message = std::move(message)};
    g_error_flag = 1;
  };
  try {
    return f();
  } catch (const CodedError& e) {
    refuse(e.code(), e.what(), e.argument());
  } catch (const std::bad_alloc&) {
    refuse(ErrorCode::E_OUT_OF_MEMORY, "out of memory in the WebAssembly heap (the state or batch is too large)");
  } catch (const std::length_error&) {  // a vector asked for more than 4 GB
    refuse(ErrorCode::E_OUT_OF_MEMORY, "out of memory: the state or batch is larger than the 4 GB WebAssembly heap");
  } catch (const std::exception& e) {
    refuse(code, e.what());
  }
  if constexpr (std::is_same_v<R, val>)
    return val::undefined();
  else if constexpr (!std::is_void_v<R>)
    return R{};
}

// `index`: the metric's position in the registry as the JS layer knows it (-1: unknown), so that
// creating one metric builds only its spec (registry_lean.hpp).
bool is_registered(const std::string& name, int index) {
  return (index >= 0 && lean_metric_spec_at(static_cast<std::size_t>(index), name)) ||
         lean_metric_spec(name) != nullptr;
}

// Text descriptor (npm/src/text.mjs): [bytesPointer, -1, kindCode, offsetsPointer, count,
// groupsPointer, ngroups, depth]: one UTF-8 buffer and its uint32 offsets, already in the heap.
constexpr int kTextCode = -1;

TensorView read_text(const val& d, unsigned i) {
  auto kind = d[2].as<int>();
  if (kind < 1 || kind > 3) fail("input ", i, ": unknown text kind ", kind);
  TextView t;
  t.bytes = reinterpret_cast<const char*>(d[0].as<std::uintptr_t>());
  t.offsets = reinterpret_cast<const std::uint32_t*>(d[3].as<std::uintptr_t>());
  t.count = d[4].as<unsigned>();
  t.groups = reinterpret_cast<const std::uint32_t*>(d[5].as<std::uintptr_t>());
  t.ngroups = d[6].as<unsigned>();
  t.depth = d[7].as<int>();
  const bool grouped = t.depth == 2 || kind == static_cast<int>(InputKind::records);
  if (grouped && !t.groups) fail("input ", i, ": a list of lists without group offsets");
  if (!grouped) t.groups = nullptr;
  return TensorView::of_text(static_cast<InputKind>(kind), t);
}

// inputs: JS array of [pointer, dtypeCode, shape[]] describing buffers already in the heap
// (or text descriptors, see read_text).
std::vector<TensorView> read_inputs(const val& inputs) {
  std::vector<TensorView> views;
  const auto n = inputs["length"].as<unsigned>();
  for (unsigned i = 0; i < n; ++i) {
    val d = inputs[i];
    if (d[1].as<int>() == kTextCode) {
      views.push_back(read_text(d, i));
      continue;
    }
    TensorView v;
    v.data = reinterpret_cast<const void*>(d[0].as<std::uintptr_t>());
    auto code = d[1].as<int>();
    if (code < 0 || code >= kDTypeCount) fail_as(ErrorCode::E_DTYPE, "", "input ", i, ": unknown dtype code ", code);
    v.dtype = static_cast<DType>(code);
    val shape = d[2];
    const auto nd = shape["length"].as<unsigned>();
    for (unsigned k = 0; k < nd; ++k) v.shape.push_back(static_cast<std::int64_t>(shape[k].as<double>()));
    views.push_back(std::move(v));
  }
  return views;
}

// Flat descriptors (npm/src/tensor.mjs, tensor inputs only): per input [pointer, dtypeCode, ndim,
// dim 0, ...] as float64 in the heap at `at`. Read as plain memory: the `val` descriptors above
// cost a call into JS per field and per dimension (per-call overhead, issue 25).
std::vector<TensorView> read_flat_inputs(std::uintptr_t at, unsigned count) {
  const double* d = reinterpret_cast<const double*>(at);
  std::vector<TensorView> views(count);
  for (unsigned i = 0; i < count; ++i) {
    TensorView& v = views[i];
    v.data = reinterpret_cast<const void*>(static_cast<std::uintptr_t>(*d++));
    const auto code = static_cast<int>(*d++);
    if (code < 0 || code >= kDTypeCount) fail_as(ErrorCode::E_DTYPE, "", "input ", i, ": unknown dtype code ", code);
    v.dtype = static_cast<DType>(code);
    const auto nd = static_cast<unsigned>(*d++);
    v.shape.resize(nd);
    for (unsigned k = 0; k < nd; ++k) v.shape[k] = static_cast<std::int64_t>(*d++);
  }
  return views;
}

// Copies out of the heap at once: heap growth would detach any view.
val to_js(const Result& r) {
  switch (r.kind) {
    case Result::Kind::tensor: {
      val out = val::object();
      val shape = val::array();
      for (auto d : r.tensor.shape) shape.call<void>("push", static_cast<double>(d));
      out.set("shape", shape);
      out.set(
          "data",
          val::global("Float64Array").new_(emscripten::typed_memory_view(r.tensor.data.size(), r.tensor.data.data())));
      return out;
    }
    case Result::Kind::dict: {
      // Object.fromEntries defines own data properties: a key that is a user's class label such
      // as "__proto__" must not become an assignment that replaces the object's prototype.
      val entries = val::array();
      for (auto& [k, v] : r.fields) {
        val pair = val::array();
        pair.call<void>("push", k);
        pair.call<void>("push", to_js(v));
        entries.call<void>("push", pair);
      }
      return val::global("Object").call<val>("fromEntries", entries);
    }
    case Result::Kind::list: {
      val out = val::array();
      for (auto& item : r.items) out.call<void>("push", to_js(item));
      return out;
    }
  }
  return val::undefined();
}

// Entry points take JS strings as `val`, read inside guarded(): an Embind std::string argument is
// a buffer the JS glue mallocs and frees only after a normal return, so every refused call would
// leak it (56+ bytes per refused constructor, until the heap ran out: issue 16, item 7).
std::string text_arg(const val& v, const char* what) {
  if (!v.isString()) fail(what, " must be a string");
  return v.as<std::string>();
}

class JsMetric {
 public:
  JsMetric(val name_arg, val options_arg) : JsMetric(name_arg, options_arg, val(-1)) {}
  JsMetric(val name_arg, val options_arg, val index_arg) {
    const std::string name = name_arg.isString() ? name_arg.as<std::string>() : std::string();
    const int index = index_arg.isNumber() ? index_arg.as<int>() : -1;
    guarded(is_registered(name, index) ? ErrorCode::E_OPTION : ErrorCode::E_UNKNOWN_METRIC, name, [&] {
      if (!name_arg.isString()) fail("the metric name must be a string");
      const std::string options_json =
          options_arg.isUndefined() ? std::string() : text_arg(options_arg, "the options JSON");
      Json options;
      try {
        options = options_json.empty() ? Json::object() : Json::parse(options_json);
      } catch (const Json::exception&) {
        fail(name, ": options are not valid JSON");
      }
      metric_ =
          index >= 0 ? create_metric_at(static_cast<std::size_t>(index), name, options) : create_metric(name, options);
      // The state now, not at the first update: options whose state cannot fit are refused here,
      // named with their values.
      try {
        (void)metric_->state();
      } catch (const std::bad_alloc&) {
        fail_as(ErrorCode::E_OUT_OF_MEMORY, "", name, " with options ", metric_->options().canonical(),
                ": its state does not fit in the WebAssembly heap; choose smaller options");
      } catch (const std::exception& e) {
        fail(name, " with options ", metric_->options().canonical(), ": ", e.what());
      }
      return 0;
    });
  }

  void update(val inputs) {
    guarded(ErrorCode::E_INPUT, metric_name(), [&] {
      metric_->update(read_inputs(inputs));
      return 0;
    });
  }
  val forward(val inputs) {
    return guarded(ErrorCode::E_INPUT, metric_name(), [&] { return to_js(metric_->forward(read_inputs(inputs))); });
  }
  void update_flat(std::uintptr_t at, unsigned count) {
    guarded(ErrorCode::E_INPUT, metric_name(), [&] {
      metric_->update(read_flat_inputs(at, count));
      return 0;
    });
  }
  val forward_flat(std::uintptr_t at, unsigned count) {
    return guarded(ErrorCode::E_INPUT, metric_name(),
                   [&] { return to_js(metric_->forward(read_flat_inputs(at, count))); });
  }
  // A batch in parts (core/batch_parts.hpp): how it may be cut (BatchSplit as a number), then the
  // parts as flat descriptors, then the end (update) or the batch's value (forward).
  int split() {
    return guarded(ErrorCode::E_INTERNAL, metric_name(), [&] { return static_cast<int>(batch_split_of(*metric_)); });
  }
  void begin_parts() {
    guarded(ErrorCode::E_INTERNAL, metric_name(), [&] {
      parts().begin();
      return 0;
    });
  }
  void update_part_flat(std::uintptr_t at, unsigned count) {
    guarded(ErrorCode::E_INPUT, metric_name(), [&] {
      parts().update(read_flat_inputs(at, count));
      return 0;
    });
  }
  void end_parts() {
    guarded(ErrorCode::E_INPUT, metric_name(), [&] {
      parts().end();
      return 0;
    });
  }
  val forward_parts() {
    return guarded(ErrorCode::E_COMPUTE, metric_name(), [&] { return to_js(parts().forward()); });
  }
  val compute() {
    return guarded(ErrorCode::E_COMPUTE, metric_name(), [&] { return to_js(metric_->compute()); });
  }
  void reset() {
    guarded(ErrorCode::E_INTERNAL, metric_name(), [&] {
      metric_->reset();
      return 0;
    });
  }
  void merge(const JsMetric& other) {
    guarded(ErrorCode::E_STATE_MISMATCH, metric_name(), [&] {
      metric_->merge(*other.metric_);
      return 0;
    });
  }
  val save_state() {
    return guarded(ErrorCode::E_INTERNAL, metric_name(), [&] {
      auto blob = metric_->save_state();
      return val::global("Uint8Array").new_(emscripten::typed_memory_view(blob.size(), blob.data()));
    });
  }
  // The blob was copied into the heap by the caller at `ptr`.
  void load_state(std::uintptr_t ptr, std::size_t size) {
    guarded(ErrorCode::E_STATE_BLOB, metric_name(), [&] {
      metric_->load_state({reinterpret_cast<const std::uint8_t*>(ptr), size});
      return 0;
    });
  }
  // Compute groups: see Metric::state_key.
  std::string state_key() const {
    return guarded(ErrorCode::E_INTERNAL, metric_name(), [&] { return metric_->state_key(); });
  }
  val compute_from(JsMetric& source) {
    return guarded(ErrorCode::E_STATE_MISMATCH, metric_name(),
                   [&] { return to_js(metric_->compute_from(*source.metric_)); });
  }
  std::string name() const { return metric_->name(); }
  const std::string& metric_name() const { return metric_->name(); }  // no copy per call (guarded's)
  std::string options_json() const { return metric_->options_json().dump(); }
  // A query declared in the registry (e.g. best_thresholds), with its options as JSON.
  val query(val name_arg, val args_arg) {
    return guarded(ErrorCode::E_QUERY, metric_name(), [&] {
      const std::string name = text_arg(name_arg, "the query name");
      const std::string args_json =
          args_arg.isUndefined() ? std::string() : text_arg(args_arg, "the query options JSON");
      Json args;
      try {
        args = args_json.empty() ? Json::object() : Json::parse(args_json);
      } catch (const Json::exception&) {
        fail(metric_->name(), ".", name, ": options are not valid JSON");
      }
      return to_js(metric_->query(name, args));
    });
  }
  double state_bytes() {
    return guarded(ErrorCode::E_INTERNAL, metric_name(),
                   [&] { return static_cast<double>(metric_->state().byte_size()); });
  }

 private:
  BatchParts& parts() {
    if (!parts_) parts_.emplace(*metric_);
    return *parts_;
  }
  std::unique_ptr<Metric> metric_;
  std::optional<BatchParts> parts_;  // a batch being given in parts (begin_parts .. end_parts)
};

std::string registry_json_text() { return registry_json().dump(); }

// [{code, doc}] of core/error.hpp's list, for npm/scripts/build.mjs (types and docs).
std::string error_codes_json() {
  Json out = Json::array();
#define WASMETRICS_ERROR_CODE_JSON(code, doc) out.push_back({{"code", #code}, {"doc", doc}});
  WASMETRICS_ERROR_CODES(WASMETRICS_ERROR_CODE_JSON)
#undef WASMETRICS_ERROR_CODE_JSON
  return out.dump();
}

// Bytes malloc has handed out and not taken back (dlmalloc's mallinfo): what leak tests watch.
double heap_used_bytes() {
  return static_cast<double>(static_cast<unsigned>(mallinfo().uordblks));
}  // int field: > 2 GB wraps
// The most heap bytes malloc has ever held from the system (dlmalloc's max footprint): a high-water
// mark that bounds peak memory between two readings (bench/exact-curve-memory.mjs).
double heap_peak_bytes() { return static_cast<double>(static_cast<unsigned>(mallinfo().usmblks)); }

// pycocotools' mask API for the package's rle* functions (npm/src/rle.mjs, detection/rle_api.hpp):
// arguments and results as JSON text; the mask of rleEncode and the result of rleDecode as bytes.
std::string rle_call(const std::string& fn, const std::string& args_json) {
  return guarded(ErrorCode::E_INPUT, fn, [&] {
    Json a;
    try {
      a = Json::parse(args_json);
    } catch (const Json::exception&) {
      fail(fn, ": the arguments are not valid JSON");
    }
    Json out;
    if (fn == "rleArea") {
      out = detection::rle_api_area(a["rle"]);
    } else if (fn == "rleToBbox") {
      out = detection::rle_api_to_bbox(a["rle"]);
    } else if (fn == "rleIou") {
      out = detection::rle_api_iou(a["dt"], a["gt"], a["iscrowd"]);
    } else if (fn == "rleFrPoly") {
      out = detection::rle_api_from_polygons(a["polygons"], a["height"].get<std::int64_t>(),
                                             a["width"].get<std::int64_t>());
    } else {
      fail("unknown RLE function ", fn);
    }
    return out.dump();
  });
}

std::string rle_encode_call(std::uintptr_t mask, double h, double w) {
  return guarded(ErrorCode::E_INPUT, "rleEncode", [&] {
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(mask),
                                              static_cast<std::size_t>(h * w));
    return detection::rle_api_encode(bytes, static_cast<std::int64_t>(h), static_cast<std::int64_t>(w)).dump();
  });
}

val rle_decode_call(const std::string& rle_json) {
  return guarded(ErrorCode::E_INPUT, "rleDecode", [&] {
    Json rle;
    try {
      rle = Json::parse(rle_json);
    } catch (const Json::exception&) {
      fail("rleDecode: the RLE is not valid JSON");
    }
    const auto mask = detection::rle_api_decode(rle);
    return val::global("Uint8Array").new_(emscripten::typed_memory_view(mask.size(), mask.data()));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(wasmetrics) {
  emscripten::class_<JsMetric>("NativeMetric")
      .constructor<val, val>()
      .constructor<val, val, val>()
      .function("update", &JsMetric::update)
      .function("forward", &JsMetric::forward)
      .function("updateFlat", &JsMetric::update_flat)
      .function("forwardFlat", &JsMetric::forward_flat)
      .function("split", &JsMetric::split)
      .function("beginParts", &JsMetric::begin_parts)
      .function("updatePartFlat", &JsMetric::update_part_flat)
      .function("endParts", &JsMetric::end_parts)
      .function("forwardParts", &JsMetric::forward_parts)
      .function("compute", &JsMetric::compute)
      .function("reset", &JsMetric::reset)
      .function("merge", &JsMetric::merge)
      .function("saveState", &JsMetric::save_state)
      .function("loadState", &JsMetric::load_state)
      .function("stateKey", &JsMetric::state_key)
      .function("computeFrom", &JsMetric::compute_from)
      .function("query", &JsMetric::query)
      .function("name", &JsMetric::name)
      .function("optionsJson", &JsMetric::options_json)
      .function("stateBytes", &JsMetric::state_bytes);
  emscripten::function("registryJson", &registry_json_text);
  emscripten::function("errorCodesJson", &error_codes_json);
  emscripten::function("takeError", &take_error);
  emscripten::function(
      "errorFlagPointer", +[]() { return reinterpret_cast<std::uintptr_t>(&g_error_flag); });
  emscripten::function("heapUsedBytes", &heap_used_bytes);
  emscripten::function("heapPeakBytes", &heap_peak_bytes);
  emscripten::function("rleCall", &rle_call);
  emscripten::function("rleEncode", &rle_encode_call);
  emscripten::function("rleDecode", &rle_decode_call);
}
