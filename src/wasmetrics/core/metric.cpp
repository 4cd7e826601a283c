#include "wasmetrics/core/metric.hpp"

#include "wasmetrics/core/class_labels.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/registry_lean.hpp"
#include "wasmetrics/core/state_blob.hpp"
#include "wasmetrics/core/state_merge.hpp"

#include <utility>

namespace wasmetrics {

namespace {

// Per-call overhead (issue 25): a batch state is reset in place instead of declared anew (names,
// shapes and buffers allocated per update). Kept only while small, so that an instance does not
// hold a second copy of a large state (a confusion matrix of many classes, a big batch of kept
// samples) between calls.
constexpr std::size_t kKeptBatchBytes = 64 * 1024;

std::size_t capacity_bytes(const State& s) {
  std::size_t n = 0;
  for (auto& v : s.vars()) n += v.bytes.capacity();
  return n;
}

}  // namespace

State& Metric::begin_batch() {
  if (!blank_ && !blank_too_large_) {
    State fresh = initial_state();
    if (fresh.byte_size() > kKeptBatchBytes) {
      blank_too_large_ = true;  // too large to keep a second copy: every batch is declared anew
      return batch_ = std::move(fresh);
    }
    blank_ = std::move(fresh);
  }
  if (!blank_) return batch_ = initial_state();
  if (same_layout(batch_, *blank_) && capacity_bytes(batch_) <= kKeptBatchBytes)
    reset_like(batch_, *blank_);
  else
    batch_ = *blank_;
  return batch_;
}

void Metric::end_batch() {
  if (!blank_ || capacity_bytes(batch_) > kKeptBatchBytes) batch_ = State();
}

void Metric::ensure_state() {
  if (!state_) state_ = blank_ ? *blank_ : initial_state();
}

const State& Metric::state() {
  ensure_state();
  return *state_;
}

std::uint64_t Metric::options_hash() const { return fnv1a64(options_.canonical()); }

std::string Metric::state_key() const { return name() + "|" + options_.canonical(); }

Result Metric::compute_from(Metric& source) const {
  if (source.state_key() != state_key())
    fail_as(ErrorCode::E_STATE_MISMATCH, "", "cannot compute ", name(), " from the state of ", source.name(),
            ": their states differ (", state_key(), " vs ", source.state_key(), ")");
  return tag_untagged(ErrorCode::E_COMPUTE, [&] { return present(compute_state(source.state())); });
}

bool Metric::results_are_per_class() const {
  const Json& o = options_.json();
  if (o.contains("multidim_average") && o["multidim_average"] == "samplewise") return false;
  if (o.contains("per_sample") && o["per_sample"] == true) return false;
  return true;
}

Result Metric::present(Result r) const {
  if (class_labels_.empty() || !results_are_per_class()) return r;
  return label_classes(std::move(r), class_labels_);
}

Json Metric::options_json() const {
  Json out = options_.json();
  // the metric's own spec: a task wrapper (spec_) makes e.g. BinaryAccuracy, which takes no labels
  const MetricSpec* own = spec_;
  if (spec_ && spec_->name != name())
    if (const MetricSpec* registered = lean_metric_spec(name())) own = registered;
  if (own && has_class_axis(*own)) out["labels"] = labels_option_;
  return out;
}

Result Metric::query(const std::string& query_name, const Json& args) {
  const QuerySpec* q = nullptr;
  if (spec_)
    for (auto& candidate : spec_->queries)
      if (candidate.name == query_name) q = &candidate;
  if (!q) {
    std::string known;
    if (spec_)
      for (auto& candidate : spec_->queries) known += (known.empty() ? "" : ", ") + to_camel_case(candidate.name);
    fail_as(ErrorCode::E_QUERY, "", name(), " has no query '", query_name, "'",
            known.empty() ? std::string() : "; it has: " + known);
  }
  // a query's options are the query's refusal (E_QUERY), as the JS layer's own checks say
  Options validated;
  try {
    validated = validate_options(name() + "." + to_camel_case(q->name), q->options, args);
  } catch (const Error& e) {
    const auto* coded = dynamic_cast<const CodedError*>(&e);
    throw CodedError(e.what(), ErrorCode::E_QUERY, coded ? coded->argument() : "");
  }
  ensure_state();
  return tag_untagged(ErrorCode::E_QUERY, [&] { return present(query_state(q->name, validated, *state_)); });
}

Result Metric::query_state(const std::string& query_name, const Options&, const State&) const {
  fail("internal: ", name(), " declares query '", query_name, "' but does not implement it");
}

void Metric::check_input_count(std::span<const TensorView> inputs) const {
  if (!spec_) return;
  std::size_t required = 0;
  for (auto& in : spec_->inputs) required += in.optional ? 0 : 1;
  if (inputs.size() < required || inputs.size() > spec_->inputs.size()) {
    std::string names;
    for (auto& in : spec_->inputs) names += (names.empty() ? "" : ", ") + in.name + (in.optional ? "?" : "");
    fail_as(ErrorCode::E_INPUT, "", name(), ".update expects (", names, "), got ", inputs.size(), " input",
            inputs.size() == 1 ? "" : "s");
  }
  // A string batch where a tensor is due (or the reverse) is refused here, once for every metric.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const InputSpec& in = spec_->inputs[i];
    if ((in.kind == InputKind::tensor) != !inputs[i].is_text() ||
        (in.kind == InputKind::records) != (inputs[i].kind == InputKind::records))
      fail_as(ErrorCode::E_DTYPE, in.name, name(), ": `", in.name, "` must be ", describe_input_kind(in.kind), ", got ",
              describe_input_kind(inputs[i].kind));
  }
}

// One rule for bool inputs everywhere: a bool element is the byte 0 or 1. Any other byte is refused
// here, before any metric reads it (regression and aggregation metrics would otherwise read 85 as
// the number 85 while classification refuses it).
void Metric::check_bool_inputs(std::span<const TensorView> inputs) const {
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (inputs[k].is_text() || inputs[k].dtype != DType::bool_) continue;
    const auto* bytes = inputs[k].as<std::uint8_t>();
    const auto n = static_cast<std::size_t>(inputs[k].numel());
    std::uint8_t high = 0;
    for (std::size_t i = 0; i < n; ++i) high |= bytes[i];
    if ((high & 0xFE) == 0) continue;
    std::size_t at = 0;
    while (bytes[at] <= 1) ++at;
    std::string input = spec_ && k < spec_->inputs.size() ? spec_->inputs[k].name : "input " + std::to_string(k);
    fail_as(ErrorCode::E_INPUT, input, name(), ": `", input, "` has dtype bool but holds the byte ",
            static_cast<int>(bytes[at]), " at flat index ", at, " (a bool element is 0 or 1)");
  }
}

void Metric::begin_fold(const State& batch) {
  ensure_state();
  merge_custom(*state_, batch);
  cached_.reset();
}

void Metric::fold(const State& batch) {
  begin_fold(batch);
  merge_states(*state_, batch);
}

void Metric::fold(State&& batch) {
  begin_fold(batch);
  merge_states_taking(*state_, batch);
}

// a refusal that does not say which it is (a metric's own check) is E_INPUT; update_state throws
// before anything is folded in
State& Metric::fill_batch(std::span<const TensorView> inputs) {
  return tag_untagged(ErrorCode::E_INPUT, [&]() -> State& {
    check_input_count(inputs);
    check_bool_inputs(inputs);
    State& b = begin_batch();
    update_state(b, inputs);
    b.updates = 1;
    return b;
  });
}

namespace {
// Runs end_batch however update/forward leave (a rejected batch too).
template <class F>
struct OnExit {
  F f;
  ~OnExit() { f(); }
};
template <class F>
OnExit(F) -> OnExit<F>;
}  // namespace

void Metric::update(std::span<const TensorView> inputs) {
  OnExit release{[this] { end_batch(); }};
  State& batch = fill_batch(inputs);
  fold(std::move(batch));  // the batch is dropped after this: its rows need not be held twice
}

const Result& Metric::compute() {
  ensure_state();
  if (!cached_) cached_ = tag_untagged(ErrorCode::E_COMPUTE, [&] { return present(compute_state(*state_)); });
  return *cached_;
}

Result Metric::forward(std::span<const TensorView> inputs) {
  OnExit release{[this] { end_batch(); }};
  const State& batch = fill_batch(inputs);
  fold(batch);  // copied: the batch's own value is computed from it next
  return tag_untagged(ErrorCode::E_COMPUTE, [&] { return present(compute_state(batch)); });
}

void Metric::reset() {
  state_.reset();
  cached_.reset();
}

void Metric::merge(const Metric& other) {
  if (other.name() != name()) fail_as(ErrorCode::E_STATE_MISMATCH, "", "cannot merge ", other.name(), " into ", name());
  if (other.options_.canonical() != options_.canonical())
    fail_as(ErrorCode::E_STATE_MISMATCH, "", "cannot merge ", name(),
            " instances with different options: ", options_.canonical(), " vs ", other.options_.canonical());
  if (!other.state_) return;  // nothing accumulated there
  tag_untagged(ErrorCode::E_STATE_MISMATCH, [&] { fold(*other.state_); });
}

std::vector<std::uint8_t> Metric::save_state() const {
  if (state_) return encode_state(name(), options_hash(), *state_);
  return encode_state(name(), options_hash(), initial_state());
}

void Metric::load_state(std::span<const std::uint8_t> blob) {
  State decoded = tag_untagged(ErrorCode::E_STATE_BLOB,
                               [&] { return decode_state(blob, name(), options_hash(), initial_state()); });
  state_ = std::move(decoded);
  cached_.reset();
}

}  // namespace wasmetrics
