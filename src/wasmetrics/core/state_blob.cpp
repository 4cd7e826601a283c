#include "wasmetrics/core/state_blob.hpp"

#include "wasmetrics/core/weighted_state.hpp"

#include <cstring>

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
  template <class T> void put(T v) {
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
    if (n > static_cast<std::uint64_t>(bytes.size() - pos)) fail("state blob is truncated: ", what, " runs past its end (", bytes.size(), " bytes)");
  }
  template <class T> T get(const char* what) {
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
    if (!shape_fits(shape)) fail("state blob of ", metric, ": state '", v.name, "' has an impossible shape ", shape_str(shape));
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
  if (row_weights && out[kSampleWeightState].shape[0] != cat_rows(out))
    fail("state blob of ", metric, ": state '", kSampleWeightState, "' has ", out[kSampleWeightState].shape[0],
         " rows for ", cat_rows(out), " kept rows");
  return out;
}

}  // namespace wasmetrics
