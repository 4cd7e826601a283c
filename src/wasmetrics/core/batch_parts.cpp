#include "wasmetrics/core/batch_parts.hpp"

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry_lean.hpp"
#include "wasmetrics/core/state_blob.hpp"

namespace wasmetrics {

BatchSplit batch_split_of(Metric& m) {
  const auto* declared = dynamic_cast<const SplitsBatches*>(&m);
  if (!declared) return BatchSplit::none;
  for (const StateVar& v : m.state().vars())
    if (v.reduction == Reduction::mean) return BatchSplit::none;
  return declared->batch_split();
}

void BatchParts::begin() {
  if (batch_split_of(target_) == BatchSplit::none)
    fail("internal: ", target_.name(), " does not take a batch in parts");
  batch_ = create_metric(target_.name(), target_.options_json());
}

void BatchParts::update(std::span<const TensorView> part) {
  if (!batch_) fail("internal: ", target_.name(), ": a part without begin()");
  try {
    batch_->update(part);
  } catch (...) {
    batch_.reset();  // the batch is refused as a whole
    throw;
  }
}

// The batch as one update() call: its state counts one update however many parts it had (the
// blob round trip is how a state's update count is set from outside the metric).
void BatchParts::fold_into_target() {
  if (!batch_) fail("internal: ", target_.name(), ": end of parts without begin()");
  State state = batch_->state();
  state.updates = 1;
  auto one = create_metric(target_.name(), target_.options_json());
  one->load_state(encode_state(one->name(), one->options_hash(), state));
  target_.merge(*one);
}

void BatchParts::end() {
  fold_into_target();
  batch_.reset();
}

Result BatchParts::forward() {
  fold_into_target();
  std::unique_ptr<Metric> batch = std::move(batch_);
  return batch->compute();
}

}  // namespace wasmetrics
