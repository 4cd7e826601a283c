// The contract every registered metric keeps, checked on every example of its spec
// (MetricSpec::examples, registry.hpp): the value; the rows split into 1, 2 and 7 update() calls;
// shards merged in any order; forward() = compute() on a fresh instance; save/load round trip; a
// rejected update that changes nothing; options given at their defaults = options omitted;
// reset. A metric without examples fails. tests/js/contract-runner.mjs checks the same through the
// npm package (both WASM builds, cross-build blobs, evaluateParallel).
//
// Native blobs go to contract-blobs.json beside the test binary, for the JS test to load in the
// WASM builds; blobs the JS test wrote (build/contract-blobs-{simd,plain}.json) are loaded here
// when present (a blob of a stale run whose example changed may then fail: rerun the JS test).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

#include <gtest/gtest.h>

#include "fixture_batches.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {
namespace {

struct ExampleRef {
  std::string metric;
  std::size_t index;  // npos: the metric has no example
};
void PrintTo(const ExampleRef& e, std::ostream* os) { *os << e.metric << "#" << e.index; }

std::vector<ExampleRef> all_examples() {
  std::vector<ExampleRef> out;
  for (auto& s : metric_specs()) {
    if (s.examples.empty()) out.push_back({s.name, std::string::npos});
    for (std::size_t i = 0; i < s.examples.size(); ++i) out.push_back({s.name, i});
  }
  return out;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}
std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// --- rows: the example's batches as rows along dim 0 (images for detection) -----------------------

// Whether the batches can be cut anywhere along dim 0: every input has rank >= 1 and the same dim 0
// within a batch, the same trailing dims and dtype across batches (detection: as many target
// images as pred images).
bool splittable(const Json& batches) {
  if (batches.empty()) return false;
  const Json& first = batches[0];
  for (auto& b : batches) {
    if (b.size() != first.size()) return false;
    if (is_detection_batch(b)) {
      if (!b.contains("target") || !b["target"].is_array() || b["preds"].size() != b["target"].size()) return false;
      continue;
    }
    std::int64_t rows = -1;
    for (auto& [key, t] : b.items()) {
      // only tensors have rows to split (a text input may be one string, or a SQuAD dict)
      if (!first.contains(key) || !t.is_object() || !t.contains("shape")) return false;
      auto shape = t.at("shape").get<Shape>();
      auto shape0 = first[key].at("shape").get<Shape>();
      if (shape.empty() || shape.size() != shape0.size() || t.at("dtype") != first[key].at("dtype")) return false;
      if (!std::equal(shape.begin() + 1, shape.end(), shape0.begin() + 1)) return false;
      if (rows >= 0 && shape[0] != rows) return false;
      rows = shape[0];
    }
  }
  return true;
}

std::int64_t row_count(const Json& b) {
  if (is_detection_batch(b)) return static_cast<std::int64_t>(b["preds"].size());
  return b.begin()->at("shape")[0].get<std::int64_t>();
}

// Rows [from, to) of the concatenation of `batches` (splittable ones), as one batch.
Json rows_of(const Json& batches, std::int64_t from, std::int64_t to) {
  Json out = Json::object();
  std::int64_t offset = 0;
  for (auto& b : batches) {
    const std::int64_t n = row_count(b);
    const std::int64_t lo = std::max(from - offset, std::int64_t{0}), hi = std::min(to - offset, n);
    offset += n;
    for (auto& [key, t] : b.items()) {
      if (t.is_array()) {  // detection: a list of images
        if (!out.contains(key)) out[key] = Json::array();
        for (std::int64_t i = lo; i < hi; ++i) out[key].push_back(t[static_cast<std::size_t>(i)]);
        continue;
      }
      auto shape = t["shape"].get<Shape>();
      const std::int64_t width = shape_numel(Shape(shape.begin() + 1, shape.end()));
      if (!out.contains(key)) {
        out[key] = {{"dtype", t["dtype"]}, {"shape", shape}, {"data", Json::array()}};
        out[key]["shape"][0] = 0;
      }
      for (std::int64_t i = lo * width; i < hi * width; ++i)
        out[key]["data"].push_back(t["data"][static_cast<std::size_t>(i)]);
      if (hi > lo) out[key]["shape"][0] = out[key]["shape"][0].get<std::int64_t>() + (hi - lo);
    }
  }
  return out;
}

// The rows cut into `parts` update() calls of near-equal size (fewer when there are fewer rows).
Json split_rows(const Json& batches, std::int64_t parts) {
  std::int64_t n = 0;
  for (auto& b : batches) n += row_count(b);
  parts = std::max<std::int64_t>(1, std::min(parts, n));
  Json out = Json::array();
  for (std::int64_t p = 0; p < parts; ++p) out.push_back(rows_of(batches, n * p / parts, n * (p + 1) / parts));
  return out;
}

// --- feeding and comparing -------------------------------------------------------------------------

struct Fed {
  std::unique_ptr<Metric> metric;
};

void feed(Metric& m, const MetricSpec& spec, const Json& batches) {
  for (auto& b : batches) {
    Batch batch = read_batch(b, spec);
    m.update(batch.views);
  }
}

std::unique_ptr<Metric> fed(const MetricSpec& spec, const MetricExample& ex, const Json& batches) {
  auto m = create_metric(spec.name, ex.args);
  feed(*m, spec, batches);
  return m;
}

Json result_json(const Result& r) {
  if (r.kind == Result::Kind::tensor) {
    Json d = Json::array();
    for (double v : r.tensor.data)
      d.push_back(std::isnan(v) ? Json("NaN") : std::isinf(v) ? Json(v > 0 ? "Infinity" : "-Infinity") : Json(v));
    return {{"shape", r.tensor.shape}, {"data", d}};
  }
  if (r.kind == Result::Kind::list) {
    Json l = Json::array();
    for (auto& i : r.items) l.push_back(result_json(i));
    return l;
  }
  Json o = Json::object();
  for (auto& [k, v] : r.fields) o[k] = result_json(v);
  return o;
}

// Results that should agree up to rounding (sums in another order): tight, not the example's tolerance.
constexpr double kTightAtol = 1e-9, kTightRtol = 1e-9;

std::string same(const Result& got, const Result& want, double atol = 0, double rtol = 0) {
  return compare_result(got, result_json(want), atol, rtol);
}

// A batch the metric must reject, derived from the example's first batch: the last input with a row
// axis loses its last row (mismatched lengths); detection loses its last target image; with nothing
// to shorten, one input too many.
struct BadBatch {
  Json batch;
  bool extra_input = false;
};
BadBatch bad_batch(const Json& batches) {
  Json b = batches[0];
  if (is_detection_batch(b)) {
    if (b["target"].size() > 0) {
      b["target"].erase(b["target"].size() - 1);
      return {b};
    }
    return {b, true};
  }
  std::string victim;
  std::int64_t rows = -1;
  bool shared_rows = true;
  for (auto& [key, t] : b.items()) {
    auto shape = t["shape"].get<Shape>();
    if (shape.empty()) continue;
    if (rows >= 0 && rows != shape[0]) shared_rows = false;
    rows = shape[0];
    victim = key;
  }
  if (b.size() >= 2 && shared_rows && rows >= 1 && !victim.empty()) {
    Json& t = b[victim];
    auto shape = t["shape"].get<Shape>();
    const std::int64_t width = shape_numel(Shape(shape.begin() + 1, shape.end()));
    for (std::int64_t i = 0; i < width; ++i) t["data"].erase(t["data"].size() - 1);
    shape[0] -= 1;
    t["shape"] = shape;
    return {b};
  }
  return {b, true};
}

// A result with one entry per sample, in update order (multidim_average='samplewise',
// per_sample=true): shards merge in stream order only, as for Batching::ordered.
bool per_sample_result(const Json& args) {
  return (args.contains("multidim_average") && args["multidim_average"] == "samplewise") ||
         (args.contains("per_sample") && args["per_sample"] == true);
}

// The example's args with every other option given explicitly at its default.
Json args_with_defaults(const MetricSpec& spec, const Json& args) {
  Json out = args;
  for (auto& o : spec.options) {
    if (out.contains(o.name) || out.contains(to_camel_case(o.name))) continue;
    if (o.default_value.is_null() && !o.nullable) continue;  // a required option: no default to give
    out[o.name] = o.default_value;
  }
  return out;
}

// --- cross-build blobs -----------------------------------------------------------------------------

std::string native_blob_file() { return WASMETRICS_CONTRACT_BLOBS; }
// build/contract-blobs-{simd,plain}.json, beside build/native
std::string wasm_blob_file(const std::string& build) {
  return (std::filesystem::path(WASMETRICS_CONTRACT_BLOBS).parent_path().parent_path() /
          ("contract-blobs-" + build + ".json"))
      .string();
}

Json& native_blobs() {
  static Json blobs = Json::object();
  return blobs;
}

class Contract : public ::testing::TestWithParam<ExampleRef> {
 public:
  static void TearDownTestSuite() {
    std::ofstream(native_blob_file()) << Json({{"build", "native"}, {"blobs", native_blobs()}}).dump();
  }
};

TEST_P(Contract, Example) {
  const MetricSpec& spec = find_metric(GetParam().metric);
  ASSERT_NE(GetParam().index, std::string::npos)
      << spec.name << " has no examples: every registered metric carries at least one (MetricSpec::examples)";
  const MetricExample& ex = spec.examples[GetParam().index];
  ASSERT_TRUE(ex.batches.is_array() && !ex.batches.empty()) << "an example needs batches";
  const std::string key = spec.name + "#" + std::to_string(GetParam().index);

  // 1. the value
  auto whole = fed(spec, ex, ex.batches);
  const Result value = whole->compute();
  EXPECT_EQ(compare_result(value, ex.expected, ex.atol, ex.rtol, "compute()"), "") << ex.doc;

  // 2. forward(): each batch's own value, while everything accumulates
  {
    auto m = create_metric(spec.name, ex.args);
    for (std::size_t i = 0; i < ex.batches.size(); ++i) {
      Batch b = read_batch(ex.batches[i], spec);
      const Result own = m->forward(b.views);
      auto fresh = fed(spec, ex, Json::array({ex.batches[i]}));
      EXPECT_EQ(same(own, fresh->compute(), kTightAtol, kTightRtol), "") << "forward(batches[" << i << "])";
    }
    EXPECT_EQ(same(m->compute(), value), "") << "compute() after forward() calls";
  }

  // 3. the rows split into 1, 2 and 7 update() calls
  const bool rows_split = spec.batching != Batching::updates && splittable(ex.batches);
  if (rows_split) {
    for (std::int64_t parts : {1, 2, 7}) {
      auto m = fed(spec, ex, split_rows(ex.batches, parts));
      EXPECT_EQ(same(m->compute(), value, kTightAtol, kTightRtol), "") << "rows in " << parts << " update() calls";
    }
  }

  // 4. shards merged (any order; in stream order for ordered/updates metrics) = one instance fed all
  {
    Json shards = Json::array();
    if (rows_split) {
      for (auto& part : split_rows(ex.batches, 3)) shards.push_back(Json::array({part}));
    } else {
      for (auto& b : ex.batches) shards.push_back(Json::array({b}));
    }
    shards.push_back(Json::array());  // an instance that saw nothing
    Json all_batches = Json::array();
    for (auto& s : shards)
      for (auto& b : s) all_batches.push_back(b);
    auto reference = fed(spec, ex, all_batches);
    std::vector<std::size_t> order(shards.size());
    std::iota(order.begin(), order.end(), 0);
    const bool any_order = spec.batching == Batching::rows && !per_sample_result(ex.args);
    int tried = 0;
    do {
      auto acc = create_metric(spec.name, ex.args);
      for (std::size_t s : order) {
        auto shard = fed(spec, ex, shards[s]);
        acc->merge(*shard);
      }
      std::string order_text;
      for (std::size_t s : order) order_text += std::to_string(s) + " ";
      EXPECT_EQ(same(acc->compute(), reference->compute(), kTightAtol, kTightRtol), "")
          << "shards merged in order " << order_text;
      ++tried;
    } while (any_order && tried < 24 && std::next_permutation(order.begin(), order.end()));
  }

  // 5. save -> load round trip; the loaded instance keeps accumulating like the original
  const auto blob = whole->save_state();
  {
    auto restored = create_metric(spec.name, ex.args);
    restored->load_state(blob);
    EXPECT_EQ(same(restored->compute(), value), "") << "compute() after load_state";
    EXPECT_EQ(restored->save_state(), blob) << "save_state() of a loaded instance";
    Batch b = read_batch(ex.batches[0], spec);
    auto again = fed(spec, ex, ex.batches);
    again->update(b.views);
    restored->update(b.views);
    EXPECT_EQ(same(restored->compute(), again->compute()), "") << "an update after load_state";
  }
  native_blobs()[key] = {{"blob", to_hex(blob)}, {"value", result_json(value)}};

  // 6. a rejected update: a clear Error; state, blob and the next compute() unchanged
  {
    BadBatch bad = spec.rejects_mismatched_rows ? bad_batch(ex.batches) : BadBatch{ex.batches[0], true};
    Batch read = read_batch(bad.batch, spec);  // owns the tensors and texts the views point into
    std::vector<TensorView> views = read.views;
    if (bad.extra_input)
      while (views.size() <= spec.inputs.size()) views.push_back(views.front());
    for (const char* method : {"update", "forward"}) {
      std::string message;
      try {
        if (std::string(method) == "update")
          whole->update(views);
        else
          whole->forward(views);
      } catch (const Error& e) {
        message = e.what();
      }
      EXPECT_NE(message, "") << method << "(" << (bad.extra_input ? "one input too many" : "mismatched lengths")
                             << ") was accepted";
      EXPECT_NE(message.find(spec.name), std::string::npos) << "the error names the metric: " << message;
      EXPECT_EQ(whole->save_state(), blob) << "state after a rejected " << method;
      EXPECT_EQ(same(whole->compute(), value), "") << "compute() after a rejected " << method;
    }
  }

  // 7. options given explicitly at their defaults = options omitted
  {
    const Json explicit_args = args_with_defaults(spec, ex.args);
    auto m = create_metric(spec.name, explicit_args);
    EXPECT_EQ(m->options().canonical(), whole->options().canonical()) << "options " << explicit_args.dump();
    EXPECT_EQ(m->options_hash(), whole->options_hash());
    m->load_state(blob);
    EXPECT_EQ(same(m->compute(), value), "");
    m->merge(*whole);
    // the options as reported (what `new m.constructor(m.options)` passes back) make an equal metric
    // (of the metric's own name: a task wrapper makes the task-specific one)
    auto copy = create_metric(whole->name(), whole->options_json());
    EXPECT_EQ(copy->options().canonical(), whole->options().canonical());
    EXPECT_NO_THROW(copy->load_state(blob));
  }

  // 8. reset() forgets everything: a reset instance equals a fresh one
  {
    auto fresh = create_metric(spec.name, ex.args);
    whole->reset();
    EXPECT_EQ(whole->save_state(), fresh->save_state());
    feed(*whole, spec, ex.batches);
    EXPECT_EQ(same(whole->compute(), value), "") << "compute() after reset() and the same batches";
  }

  // 9. blobs the WASM builds saved (tests/js/contract-runner.mjs, when it ran) load here with the same value
  static const std::map<std::string, Json> wasm = [] {
    std::map<std::string, Json> out;
    for (const char* build : {"simd", "plain"}) {
      std::ifstream in(wasm_blob_file(build));
      if (in) out[build] = Json::parse(in, nullptr, false);
    }
    return out;
  }();
  for (auto& [build, file] : wasm) {
    if (!file.is_object() || !file.contains("blobs") || !file["blobs"].contains(key)) continue;
    const Json& entry = file["blobs"][key];
    auto m = create_metric(spec.name, ex.args);
    m->load_state(from_hex(entry["blob"]));
    EXPECT_EQ(compare_result(m->compute(), entry["value"], kTightAtol, kTightRtol), "")
        << "a blob saved by the " << build << " build";
  }
}

std::string example_name(const ::testing::TestParamInfo<ExampleRef>& info) {
  std::string n =
      info.param.metric + "_" + (info.param.index == std::string::npos ? "none" : std::to_string(info.param.index));
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Registry, Contract, ::testing::ValuesIn(all_examples()), example_name);

TEST(ContractRegistry, EveryRegisteredMetricIsTested) {
  std::set<std::string> tested;
  for (auto& e : all_examples()) tested.insert(e.metric);
  std::printf("contract test: %zu metrics (%zu examples) of %zu registered\n", tested.size(), all_examples().size(),
              metric_specs().size());
  EXPECT_EQ(tested.size(), metric_specs().size());
  for (auto& s : metric_specs()) EXPECT_FALSE(s.examples.empty()) << s.name << " has no examples";
}

}  // namespace
}  // namespace wasmetrics::testing
