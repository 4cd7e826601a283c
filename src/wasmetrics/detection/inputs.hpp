#pragma once
// Detection inputs. TorchMetrics takes lists of per-image dicts (preds: boxes/scores/labels,
// target: boxes/labels/iscrowd/area); the engine takes flat tensors. The layout (the same for every
// detection metric, each listing the inputs it uses):
//
//   <side>_<key>    the per-image tensors of that key concatenated along dim 0 in image order
//                   (boxes [K, 4], scores/labels/iscrowd/area [K]); side is `pred` (TorchMetrics'
//                   `preds`) or `target`
//   <side>_counts   [B] integer: the number of annotations of each image (len(labels) = boxes.shape[0]
//                   = masks.shape[0]), so that images without any are kept (they matter to COCO and
//                   to IoU's D2 rule)
//
// pred_counts and target_counts must have the same length B (TorchMetrics: len(preds) == len(target)).
// Box coordinates are converted here, in the arithmetic of the input dtype (float32 boxes are converted
// in float32 exactly as torchvision.ops.box_convert does), and kept as float64 values.
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::detection {

enum class BoxFormat { xyxy, xywh, cxcywh };

inline BoxFormat parse_box_format(const std::string& s) {
  if (s == "xywh") return BoxFormat::xywh;
  if (s == "cxcywh") return BoxFormat::cxcywh;
  return BoxFormat::xyxy;
}

// torchvision.ops.box_convert(box, in_fmt, out_fmt) for one box, in T arithmetic. Conversions between
// two non-xyxy formats go through xyxy, as torchvision does (cxcywh -> xywh: w = (cx + w/2) - (cx - w/2)).
template <class T>
void convert_box(const T in[4], BoxFormat from, BoxFormat to, T out[4]) {
  T x1{}, y1{}, x2{}, y2{};
  if (from == to) {
    for (int i = 0; i < 4; ++i) out[i] = in[i];
    return;
  }
  switch (from) {
    case BoxFormat::xyxy:
      x1 = in[0];
      y1 = in[1];
      x2 = in[2];
      y2 = in[3];
      break;
    case BoxFormat::xywh:
      x1 = in[0];
      y1 = in[1];
      x2 = static_cast<T>(in[0] + in[2]);
      y2 = static_cast<T>(in[1] + in[3]);
      break;
    case BoxFormat::cxcywh: {
      const T half_w = static_cast<T>(static_cast<T>(0.5) * in[2]);
      const T half_h = static_cast<T>(static_cast<T>(0.5) * in[3]);
      x1 = static_cast<T>(in[0] - half_w);
      y1 = static_cast<T>(in[1] - half_h);
      x2 = static_cast<T>(in[0] + half_w);
      y2 = static_cast<T>(in[1] + half_h);
      break;
    }
  }
  switch (to) {
    case BoxFormat::xyxy:
      out[0] = x1;
      out[1] = y1;
      out[2] = x2;
      out[3] = y2;
      break;
    case BoxFormat::xywh:
      out[0] = x1;
      out[1] = y1;
      out[2] = static_cast<T>(x2 - x1);
      out[3] = static_cast<T>(y2 - y1);
      break;
    case BoxFormat::cxcywh:
      out[0] = static_cast<T>((x1 + x2) / static_cast<T>(2));
      out[1] = static_cast<T>((y1 + y2) / static_cast<T>(2));
      out[2] = static_cast<T>(x2 - x1);
      out[3] = static_cast<T>(y2 - y1);
      break;
  }
}

// One side (pred or target) of a batch, checked: per-image counts and the converted boxes.
struct BoxSide {
  std::vector<std::int64_t> counts;  // [B]
  std::vector<double> boxes;         // [K * 4], converted to the metric's working format (read_boxes)
  std::int64_t total = 0;            // K
  bool float32 = false;              // the boxes were float32 (the metric works in float32 then)
};

// Where the *_into readers put what they read and checked: reserve(n) once (n values to come), then
// the values in blocks through operator()(std::span<const T>). A reader that throws has written part
// of them: the caller writes into the batch's state, which a refused update drops whole.
template <class T>
struct VectorSink {  // into a std::vector (the readers that return one)
  std::vector<T>& out;
  void reserve(std::size_t n) { out.reserve(out.size() + n); }
  void operator()(std::span<const T> v) { out.insert(out.end(), v.begin(), v.end()); }
};
template <class T>
struct CatStateSink {  // straight into a cat state: no per-box vector beside the state (compute's peak)
  const StateSlot<T>& slot;
  State& state;
  void reserve(std::size_t n) { slot.reserve(state, n); }  // exact: the rows arrive in blocks
  void operator()(std::span<const T> v) { slot.append(state, v); }
};

// A block of values on the stack, flushed into a sink when full and at the end.
template <class T, class Sink>
class BlockWriter {
 public:
  explicit BlockWriter(Sink& sink) : sink_(sink) {}
  void push(T v) {
    block_[n_++] = v;
    if (n_ == kBlock) flush();
  }
  void flush() {
    if (n_) sink_(std::span<const T>(block_, n_));
    n_ = 0;
  }

 private:
  static constexpr std::size_t kBlock = 1024;
  Sink& sink_;
  T block_[kBlock];
  std::size_t n_ = 0;
};

inline std::vector<std::int64_t> read_counts(std::string_view metric, std::string_view name, const TensorView& t) {
  if (is_floating(t.dtype) || t.dtype == DType::bool_)
    fail(metric, ": `", name, "` (boxes per image) must be an integer tensor, got ", dtype_name(t.dtype));
  if (t.ndim() != 1) fail(metric, ": `", name, "` (boxes per image) must be 1-D [B], got shape ", shape_str(t.shape));
  std::vector<std::int64_t> out(static_cast<std::size_t>(t.numel()));
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    double v = t.at(i);
    if (v < 0) fail(metric, ": `", name, "` must be >= 0, got ", static_cast<std::int64_t>(v), " for image ", i);
    out[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(v);
  }
  return out;
}

// The side's counts and total (side.boxes left empty); the converted boxes, K * 4 float64 values, go
// to `sink`.
template <class Sink>
BoxSide read_boxes_into(std::string_view metric, std::string_view boxes_name, const TensorView& boxes,
                        std::string_view counts_name, const TensorView& counts, BoxFormat from, BoxFormat to,
                        Sink& sink) {
  BoxSide side;
  side.counts = read_counts(metric, counts_name, counts);
  if (!is_floating(boxes.dtype))
    fail(metric, ": `", boxes_name, "` must be a floating point tensor (float32 or float64), got ",
         dtype_name(boxes.dtype));
  // [K, 4]; an empty 1-D tensor [0] is taken as no boxes (TorchMetrics' _fix_empty_tensors).
  const bool empty_1d = boxes.ndim() == 1 && boxes.numel() == 0;
  if (!empty_1d && (boxes.ndim() != 2 || boxes.shape[1] != 4))
    fail(metric, ": `", boxes_name, "` must have shape [K, 4], got ", shape_str(boxes.shape));
  side.total = empty_1d ? 0 : boxes.shape[0];
  std::int64_t sum = 0;
  for (auto c : side.counts) sum += c;
  if (sum != side.total)
    fail(metric, ": `", counts_name, "` must add up to the number of boxes in `", boxes_name, "` (", side.total,
         "), got ", sum, " (counts ", shape_str(side.counts), ")");
  side.float32 = boxes.dtype == DType::float32;
  sink.reserve(static_cast<std::size_t>(side.total) * 4);
  BlockWriter<double, Sink> out(sink);
  auto convert = [&](auto tag) {
    using T = decltype(tag);
    const T* p = boxes.as<T>();
    for (std::int64_t k = 0; k < side.total; ++k) {
      for (int j = 0; j < 4; ++j)
        if (!std::isfinite(static_cast<double>(p[k * 4 + j])))
          fail(metric, ": `", boxes_name, "` must be finite, got ", static_cast<double>(p[k * 4 + j]), " in box ", k);
      T converted[4]{};
      convert_box<T>(p + k * 4, from, to, converted);
      for (int j = 0; j < 4; ++j) out.push(static_cast<double>(converted[j]));
    }
  };
  if (side.float32)
    convert(float{});
  else
    convert(double{});
  out.flush();
  return side;
}

inline BoxSide read_boxes(std::string_view metric, std::string_view boxes_name, const TensorView& boxes,
                          std::string_view counts_name, const TensorView& counts, BoxFormat from, BoxFormat to) {
  std::vector<double> converted;
  VectorSink<double> sink{converted};
  BoxSide side = read_boxes_into(metric, boxes_name, boxes, counts_name, counts, from, to, sink);
  side.boxes = std::move(converted);
  return side;
}

inline void require_per_box(std::string_view metric, std::string_view name, const TensorView& t,
                            std::string_view boxes_name, std::int64_t k) {
  const bool ok = (t.ndim() == 1 && t.shape[0] == k) || (k == 0 && t.numel() == 0 && t.ndim() <= 1);
  if (!ok)
    fail(metric, ": `", name, "` must have one entry per box of `", boxes_name, "` (shape [", k, "]), got shape ",
         shape_str(t.shape));
}

// Class labels per box, as int64, to `sink`.
template <class Sink>
void read_labels_into(std::string_view metric, std::string_view name, const TensorView& t, std::string_view boxes_name,
                      std::int64_t k, Sink& sink) {
  if (is_floating(t.dtype) || t.dtype == DType::bool_)
    fail(metric, ": `", name, "` must be an integer tensor (class labels), got ", dtype_name(t.dtype));
  require_per_box(metric, name, t, boxes_name, k);
  sink.reserve(static_cast<std::size_t>(k));
  BlockWriter<std::int64_t, Sink> out(sink);
  visit_elements(t, [&](auto s) {
    for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i) out.push(static_cast<std::int64_t>(s[i]));
  });
  out.flush();
}

inline std::vector<std::int64_t> read_labels(std::string_view metric, std::string_view name, const TensorView& t,
                                             std::string_view boxes_name, std::int64_t k) {
  std::vector<std::int64_t> out;
  VectorSink<std::int64_t> sink{out};
  read_labels_into(metric, name, t, boxes_name, k, sink);
  return out;
}

// Floating values per box (scores, areas), as float64, to `sink`; integers are accepted where
// `allow_int`.
template <class Sink>
void read_values_into(std::string_view metric, std::string_view name, const TensorView& t, std::string_view boxes_name,
                      std::int64_t k, bool allow_int, Sink& sink) {
  if (t.dtype == DType::bool_ || (!allow_int && !is_floating(t.dtype)))
    fail(metric, ": `", name, "` must be a floating point tensor (float32 or float64), got ", dtype_name(t.dtype));
  require_per_box(metric, name, t, boxes_name, k);
  sink.reserve(static_cast<std::size_t>(k));
  BlockWriter<double, Sink> out(sink);
  for (std::int64_t i = 0; i < k; ++i) {
    const double v = t.at(i);
    if (!std::isfinite(v)) fail(metric, ": `", name, "` must be finite, got ", v, " at box ", i);
    out.push(v);
  }
  out.flush();
}

inline std::vector<double> read_values(std::string_view metric, std::string_view name, const TensorView& t,
                                       std::string_view boxes_name, std::int64_t k, bool allow_int) {
  std::vector<double> out;
  VectorSink<double> sink{out};
  read_values_into(metric, name, t, boxes_name, k, allow_int, sink);
  return out;
}

inline void require_same_images(std::string_view metric, const BoxSide& pred, const BoxSide& target) {
  if (pred.counts.size() != target.counts.size())
    fail(metric, ": `pred_counts` and `target_counts` must have one entry per image each (TorchMetrics: `preds` and ",
         "`target` must have the same length), got ", pred.counts.size(), " and ", target.counts.size());
}

}  // namespace wasmetrics::detection
