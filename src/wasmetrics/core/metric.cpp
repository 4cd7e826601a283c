#include "wasmetrics/core/metric.hpp"

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state_blob.hpp"

namespace wasmetrics {

void Metric::ensure_state() {
  if (!state_) state_ = initial_state();
}

const State& Metric::state() {
  ensure_state();
  return *state_;
}

std::uint64_t Metric::options_hash() const { return fnv1a64(options_.canonical()); }

std::string Metric::state_key() const { return name() + "|" + options_.canonical(); }

Result Metric::compute_from(Metric& source) const {
  if (source.state_key() != state_key())
    fail("cannot compute ", name(), " from the state of ", source.name(), ": their states differ (", state_key(),
         " vs ", source.state_key(), ")");
  return compute_state(source.state());
}

void Metric::check_input_count(std::span<const TensorView> inputs) const {
  if (!spec_) return;
  std::size_t required = 0;
  for (auto& in : spec_->inputs) required += in.optional ? 0 : 1;
  if (inputs.size() < required || inputs.size() > spec_->inputs.size()) {
    std::string names;
    for (auto& in : spec_->inputs) names += (names.empty() ? "" : ", ") + in.name + (in.optional ? "?" : "");
    fail(name(), ".update expects (", names, "), got ", inputs.size(), " input", inputs.size() == 1 ? "" : "s");
  }
}

void Metric::fold(const State& batch) {
  ensure_state();
  merge_custom(*state_, batch);
  merge_states(*state_, batch);
  cached_.reset();
}

void Metric::update(std::span<const TensorView> inputs) {
  check_input_count(inputs);
  State batch = initial_state();
  update_state(batch, inputs);  // throws before anything is folded in
  batch.updates = 1;
  fold(batch);
}

const Result& Metric::compute() {
  ensure_state();
  if (!cached_) cached_ = compute_state(*state_);
  return *cached_;
}

Result Metric::forward(std::span<const TensorView> inputs) {
  check_input_count(inputs);
  State batch = initial_state();
  update_state(batch, inputs);
  batch.updates = 1;
  fold(batch);
  return compute_state(batch);
}

void Metric::reset() {
  state_.reset();
  cached_.reset();
}

void Metric::merge(const Metric& other) {
  if (other.name() != name()) fail("cannot merge ", other.name(), " into ", name());
  if (other.options_.canonical() != options_.canonical())
    fail("cannot merge ", name(), " instances with different options: ", options_.canonical(), " vs ",
         other.options_.canonical());
  if (!other.state_) return;  // nothing accumulated there
  fold(*other.state_);
}

std::vector<std::uint8_t> Metric::save_state() const {
  if (state_) return encode_state(name(), options_hash(), *state_);
  return encode_state(name(), options_hash(), initial_state());
}

void Metric::load_state(std::span<const std::uint8_t> blob) {
  State decoded = decode_state(blob, name(), options_hash(), initial_state());
  state_ = std::move(decoded);
  cached_.reset();
}

}  // namespace wasmetrics
