#include "wasmetrics/core/state_blob.hpp"

#include "wasmetrics/core/state_invariants.hpp"
#include "wasmetrics/core/weighted_state.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics {

std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (auto b : bytes) {
    h ^= b;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t fnv1a64(std::string_view text) {
  return fnv1a64(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

namespace {

constexpr char kMagic[4] = {'W', 'M', 'S', 'T'};

class Writer {
 public:
  template <class T>
  void put(T v) {
    std::uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // wasm32 and x86-64 are little-endian
    out.insert(out.end(), b, b + sizeof(T));
  }
  void put_bytes(const void* p, std::size_t n) {
    auto* c = static_cast<const std::uint8_t*>(p);
    out.insert(out.end(), c, c + n);
  }
  void put_string(const std::string& s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    put_bytes(s.data(), s.size());
  }
  std::vector<std::uint8_t> out;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b) : bytes(b) {}
  // 64-bit on purpose: a size field read from the blob must not wrap to a small size_t in wasm32
  // (a forged 2^32 + k would otherwise pass as k).
  void need(std::uint64_t n, const char* what) {
    if (n > static_cast<std::uint64_t>(bytes.size() - pos))
      fail("state blob is truncated: ", what, " runs past its end (", bytes.size(), " bytes)");
  }
  template <class T>
  T get(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  std::string get_string(const char* what) {
    auto n = get<std::uint32_t>(what);
    need(n, what);
    std::string s(reinterpret_cast<const char*>(bytes.data() + pos), n);
    pos += n;
    return s;
  }
  std::span<const std::uint8_t> bytes;
  std::size_t pos = 0;
};

std::int64_t rows_of(const StateVar& v) { return v.shape.empty() ? 0 : v.shape[0]; }

// Per-sample cat states that always hold one row per kept sample, by the names metrics give them:
// a forger who shortens one makes compute() pair the wrong rows (or read past the end).
constexpr std::string_view kSampleRowStates[] = {"preds", "scores", "target", "indexes", kSampleWeightState};
constexpr std::string_view kPerSampleCounts[] = {"tp", "fp", "tn", "fn"};  // samplewise stat scores

// What a state promises beyond its declared shapes, checked on every blob: a checksum proves nothing
// against a forger. `layout` is the metric's initial state (its declared dtypes).
void check_state_values(const State& s, const State& layout, const std::string& metric) {
  auto refuse = [&](const StateVar& v, auto&&... why) {
    fail("state blob of ", metric, ": state '", v.name, "' ", why..., " (no metric could have saved it)");
  };
  auto named = [](const auto& names, const std::string& name) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
  };
  if (s.updates < 0) fail("state blob of ", metric, ": its update count is negative (", s.updates, ")");
  const StateVar* rows_ref = nullptr;    // the first per-sample row state
  const StateVar* counts_ref = nullptr;  // the first per-sample count state
  for (std::size_t k = 0; k < s.vars().size(); ++k) {
    const StateVar& v = s.vars()[k];
    const bool declared = k < layout.vars().size();
    // Counts: the states declared int64 other than cat (float64 when weighted), the per-sample stat
    // scores, and the row weights: finite and never negative.
    const bool count = (declared && v.reduction != Reduction::cat && layout.vars()[k].dtype == DType::int64) ||
                       (v.reduction == Reduction::cat && v.dtype == DType::int64 && named(kPerSampleCounts, v.name)) ||
                       v.name == kSampleWeightState;
    if (count) {
      const auto n = static_cast<std::size_t>(v.numel());
      for (std::size_t i = 0; i < n; ++i) {
        const double x = state_element(v, i);
        if (!(x >= 0 && std::isfinite(x)))
          refuse(v, "holds counts, but element ", i, " is ", x, " (a count is finite and >= 0)");
      }
    }
    if (v.reduction != Reduction::cat) continue;
    for (auto* group : {&rows_ref, &counts_ref}) {
      const bool member = group == &rows_ref ? named(kSampleRowStates, v.name) : named(kPerSampleCounts, v.name);
      if (!member) continue;
      if (*group && rows_of(**group) != rows_of(v))
        refuse(v, "has ", rows_of(v), " rows but '", (*group)->name, "' has ", rows_of(**group),
               " (one row per sample in both)");
      if (!*group) *group = &v;
    }
  }
  // Class targets beside per-class scores (the exact curves): a class index in [0, C), or -1 for a
  // dropped row; 0/1 labels (2 marks an ignored multilabel entry).
  const StateVar* scores = s.find("scores");
  const StateVar* target = s.find("target");
  if (scores && target && scores->reduction == Reduction::cat && target->reduction == Reduction::cat) {
    const bool classes = target->dtype == DType::int32 && target->shape.size() == 1 && scores->shape.size() == 2;
    const double lo = classes ? -1 : 0;
    const double hi = classes ? static_cast<double>(scores->shape[1]) - 1 : target->dtype == DType::uint8 ? 2 : 1;
    if (classes || target->dtype == DType::uint8) {
      const auto n = static_cast<std::size_t>(target->numel());
      for (std::size_t i = 0; i < n; ++i) {
        const double x = state_element(*target, i);
        if (!(x >= lo && x <= hi)) refuse(*target, "element ", i, " is ", x, ", outside [", lo, ", ", hi, "]");
      }
    }
  }
}

}  // namespace

std::vector<std::uint8_t> encode_state(const std::string& metric, std::uint64_t options_hash, const State& state) {
  Writer w;
  w.put_bytes(kMagic, 4);
  w.put<std::uint32_t>(kStateBlobVersion);
  w.put_string(metric);
  w.put<std::uint64_t>(options_hash);
  w.put<std::int64_t>(state.updates);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(state.vars().size()));
  for (auto& v : state.vars()) {
    w.put_string(v.name);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(v.reduction));
    w.put<std::uint8_t>(static_cast<std::uint8_t>(v.dtype));
    w.put<std::uint32_t>(static_cast<std::uint32_t>(v.shape.size()));
    for (auto d : v.shape) w.put<std::int64_t>(d);
    w.put<std::uint64_t>(v.bytes.size());
    w.put_bytes(v.bytes.data(), v.bytes.size());
  }
  w.put<std::uint64_t>(fnv1a64(w.out));
  return std::move(w.out);
}

State decode_state(std::span<const std::uint8_t> blob, const std::string& metric, std::uint64_t options_hash,
                   const State& layout) {
  if (blob.size() < 4 || std::memcmp(blob.data(), kMagic, 4) != 0)
    fail("not a wasmetrics state blob (it does not start with 'WMST')");
  if (blob.size() < 16) fail("state blob is truncated (", blob.size(), " bytes)");
  Reader r(blob.first(blob.size() - 8));
  r.pos = 4;
  auto version = r.get<std::uint32_t>("version");
  if (version != kStateBlobVersion)
    fail("state blob has format version ", version, "; this build reads version ", kStateBlobVersion);
  std::uint64_t stored_sum;
  std::memcpy(&stored_sum, blob.data() + blob.size() - 8, 8);
  if (stored_sum != fnv1a64(blob.first(blob.size() - 8)))
    fail("state blob is corrupt or truncated (checksum mismatch)");
  auto name = r.get_string("metric name");
  if (name != metric) fail("state blob is of ", name, ", not ", metric);
  auto hash = r.get<std::uint64_t>("options hash");
  if (hash != options_hash) fail("state blob of ", metric, " was saved with different options");
  State out = layout;
  out.updates = r.get<std::int64_t>("update count");
  auto n = r.get<std::uint32_t>("state count");
  // A state saved in the weighted layout (weighted_state.hpp) has one more state, `sample_weight`
  // (per-row weights, last), and float64 where the layout declares int64 counts.
  const std::size_t declared = out.vars().size();
  const bool row_weights = n == declared + 1;
  if (row_weights) out.add(kSampleWeightState, Reduction::cat, DType::float32, {0});
  if (n != out.vars().size()) fail("state blob of ", metric, " has ", n, " states, expected ", declared);
  for (auto& v : out.vars()) {
    auto sname = r.get_string("state name");
    auto red = r.get<std::uint8_t>("reduction");
    auto dt = r.get<std::uint8_t>("dtype");
    if (v.dtype == DType::int64 && dt == static_cast<std::uint8_t>(DType::float64)) {
      v.dtype = DType::float64;  // weighted counts
      v.bytes.assign(v.bytes.size(), std::byte{0});
    } else if (may_hold_float64(v) && dt == static_cast<std::uint8_t>(DType::float64)) {
      v.dtype = DType::float64;  // kept scores of float64 preds (empty: a cat state)
    }
    if (sname != v.name || red != static_cast<std::uint8_t>(v.reduction) || dt != static_cast<std::uint8_t>(v.dtype))
      fail("state blob of ", metric, ": state '", sname, "' does not match the expected '", v.name, "'");
    auto ndim = r.get<std::uint32_t>("ndim");
    if (ndim != v.shape.size()) fail("state blob of ", metric, ": state '", v.name, "' has ", ndim, " dims");
    Shape shape(ndim);
    for (auto& d : shape) {
      d = r.get<std::int64_t>("dims");
      if (d < 0) fail("state blob of ", metric, ": state '", v.name, "' has a negative dimension");
    }
    if (!shape_fits(shape))
      fail("state blob of ", metric, ": state '", v.name, "' has an impossible shape ", shape_str(shape));
    bool rows_ok = v.reduction == Reduction::cat ? std::equal(shape.begin() + 1, shape.end(), v.shape.begin() + 1)
                                                 : shape == v.shape;
    if (!rows_ok) fail("state blob of ", metric, ": state '", v.name, "' has shape ", shape_str(shape));
    auto nbytes = r.get<std::uint64_t>("state size");
    // Check the element count without overflowing: a hostile blob may claim anything.
    long double expect = dtype_size(v.dtype);
    for (auto d : shape) expect *= static_cast<long double>(d);
    if (expect != static_cast<long double>(nbytes))
      fail("state blob of ", metric, ": state '", v.name, "' holds ", nbytes, " bytes for shape ", shape_str(shape));
    r.need(nbytes, "state bytes");
    v.shape = std::move(shape);
    v.bytes.assign(reinterpret_cast<const std::byte*>(r.bytes.data() + r.pos),
                   reinterpret_cast<const std::byte*>(r.bytes.data() + r.pos + nbytes));
    r.pos += nbytes;
  }
  if (r.pos != r.bytes.size()) fail("state blob of ", metric, " has ", r.bytes.size() - r.pos, " trailing bytes");
  check_state_values(out, layout, metric);
  check_state_invariants(out, metric);  // totals that must agree across states (state_invariants.hpp)
  if (row_weights && out[kSampleWeightState].shape[0] != cat_rows(out))
    fail("state blob of ", metric, ": state '", kSampleWeightState, "' has ", out[kSampleWeightState].shape[0],
         " rows for ", cat_rows(out), " kept rows");
  return out;
}

}  // namespace wasmetrics
