#include "wasmetrics/image/map_store.hpp"

#include <algorithm>
#include <vector>

#include <xtensor/xbuilder.hpp>

namespace wasmetrics::image {

void declare_maps(State& s, const std::string& name) {
  s.add(name, Reduction::cat, DType::float32, {0});
  s.add(name + "_dims", Reduction::cat, DType::int64, {0, kMaxMapRank});  // dims of each batch, 0-padded
}

void append_maps(State& s, const std::string& name, const xt::xarray<double>& maps) {
  std::vector<float> values(maps.begin(), maps.end());
  s[name].append(std::span<const float>(values));
  std::vector<std::int64_t> dims(kMaxMapRank, 0);
  for (std::size_t a = 0; a < maps.dimension() && a < kMaxMapRank; ++a)
    dims[a] = static_cast<std::int64_t>(maps.shape()[a]);
  s[name + "_dims"].append(std::span<const std::int64_t>(dims));
}

Tensor concat_maps(std::string_view metric, const State& s, const std::string& name) {
  auto dims = s[name + "_dims"].as<std::int64_t>();
  if (dims.empty()) fail(metric, ": compute() needs at least one update() first (no maps to concatenate)");
  std::int64_t images = 0;
  for (std::size_t row = 0; row < dims.size(); row += kMaxMapRank) {
    if (!std::equal(dims.begin() + 1, dims.begin() + kMaxMapRank, dims.begin() + static_cast<std::ptrdiff_t>(row) + 1))
      fail(metric, ": cannot concatenate the maps of batches with images of different sizes");
    images += dims[row];
  }
  Tensor out;
  out.shape.push_back(images);
  for (std::size_t a = 1; a < kMaxMapRank && dims[a] > 0; ++a) out.shape.push_back(dims[a]);
  auto v = s[name].as<float>();
  out.data.assign(v.begin(), v.end());
  if (out.numel() == 1) out.shape.clear();  // TorchMetrics squeezes one-element results
  return out;
}

void declare_summed_maps(State& s, const std::string& name) {
  s.add(name, Reduction::cat, DType::float64, {0});
  s.add(name + "_blocks", Reduction::cat, DType::int64, {0, kSummedMapRank + 1});  // dims..., images
}

void add_summed_maps(State& s, const std::string& name, const xt::xarray<double>& sum, std::int64_t images) {
  std::vector<double> values(sum.begin(), sum.end());
  s[name].append(std::span<const double>(values));
  std::vector<std::int64_t> row(kSummedMapRank + 1, 1);
  for (std::size_t a = 0; a < sum.dimension() && a < kSummedMapRank; ++a)
    row[a] = static_cast<std::int64_t>(sum.shape()[a]);
  row[kSummedMapRank] = images;
  s[name + "_blocks"].append(std::span<const std::int64_t>(row));
}

namespace {
constexpr std::size_t kBlockRow = kSummedMapRank + 1;
bool same_block_size(std::span<const std::int64_t> rows, std::size_t a, std::size_t b) {
  return std::equal(rows.begin() + static_cast<std::ptrdiff_t>(a * kBlockRow),
                    rows.begin() + static_cast<std::ptrdiff_t>(a * kBlockRow + kSummedMapRank),
                    rows.begin() + static_cast<std::ptrdiff_t>(b * kBlockRow));
}
}  // namespace

void compact_summed_maps(State& s, const std::string& name) {
  StateVar& values = s[name];
  StateVar& blocks = s[name + "_blocks"];
  auto rows = blocks.as<std::int64_t>();
  const std::size_t n = rows.size() / kBlockRow;
  if (n < 2) return;
  for (std::size_t b = 1; b < n; ++b)
    if (!same_block_size(rows, 0, b)) return;  // kept apart for compute() to refuse
  auto v = values.as<double>();
  const std::size_t size = v.size() / n;
  std::int64_t images = 0;
  for (std::size_t b = 0; b < n; ++b) images += rows[b * kBlockRow + kSummedMapRank];
  for (std::size_t b = 1; b < n; ++b)
    for (std::size_t k = 0; k < size; ++k) v[k] += v[b * size + k];
  values.bytes.resize(size * sizeof(double));
  values.shape[0] = static_cast<std::int64_t>(size);
  blocks.bytes.resize(kBlockRow * sizeof(std::int64_t));
  blocks.shape[0] = 1;
  blocks.as<std::int64_t>()[kSummedMapRank] = images;
}

SummedMaps sum_maps(std::string_view metric, const State& s, const std::string& name) {
  auto rows = s[name + "_blocks"].as<std::int64_t>();
  const std::size_t n = rows.size() / kBlockRow;
  if (n == 0) fail(metric, ": compute() needs at least one update() first (no images to score)");
  for (std::size_t b = 1; b < n; ++b)
    if (!same_block_size(rows, 0, b))
      fail(metric, ": cannot score images of different sizes together (", rows[0], "x", rows[1], "x", rows[2], " and ",
           rows[b * kBlockRow], "x", rows[b * kBlockRow + 1], "x", rows[b * kBlockRow + 2], ")");
  std::vector<std::size_t> shape(rows.begin(), rows.begin() + kSummedMapRank);
  SummedMaps out;
  out.sum = xt::zeros<double>(shape);
  auto v = s[name].as<double>();
  const std::size_t size = out.sum.size();
  for (std::size_t b = 0; b < n; ++b) {
    for (std::size_t k = 0; k < size; ++k) out.sum.data()[k] += v[b * size + k];
    out.images += static_cast<double>(rows[b * kBlockRow + kSummedMapRank]);
  }
  return out;
}

}  // namespace wasmetrics::image
