#include "wasmetrics/image/map_store.hpp"

#include <algorithm>
#include <vector>

#include <xtensor/xbuilder.hpp>

namespace wasmetrics::image {

MapStates declare_maps(StateLayout& layout, const std::string& name) {
  MapStates out;
  out.values = layout.add<float>(name, Reduction::cat, {0});
  out.dims = layout.add<std::int64_t>(name + "_dims", Reduction::cat, {0, kMaxMapRank});
  return out;
}

void append_maps(const MapStates& maps, State& s, const xt::xarray<double>& values) {
  std::vector<float> floats(values.begin(), values.end());
  maps.values.append(s, std::span<const float>(floats));
  std::vector<std::int64_t> dims(kMaxMapRank, 0);
  for (std::size_t a = 0; a < values.dimension() && a < kMaxMapRank; ++a)
    dims[a] = static_cast<std::int64_t>(values.shape()[a]);
  maps.dims.append(s, std::span<const std::int64_t>(dims));
}

Tensor concat_maps(std::string_view metric, const MapStates& maps, const State& s) {
  auto dims = maps.dims.span(s);
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
  auto v = maps.values.span(s);
  out.data.assign(v.begin(), v.end());
  if (out.numel() == 1) out.shape.clear();  // TorchMetrics squeezes one-element results
  return out;
}

SummedMapStates declare_summed_maps(StateLayout& layout, const std::string& name) {
  SummedMapStates out;
  out.values = layout.add<double>(name, Reduction::cat, {0});
  out.blocks = layout.add<std::int64_t>(name + "_blocks", Reduction::cat, {0, kSummedMapRank + 1});
  return out;
}

void add_summed_maps(const SummedMapStates& maps, State& s, const xt::xarray<double>& sum, std::int64_t images) {
  std::vector<double> values(sum.begin(), sum.end());
  maps.values.append(s, std::span<const double>(values));
  std::vector<std::int64_t> row(kSummedMapRank + 1, 1);
  for (std::size_t a = 0; a < sum.dimension() && a < kSummedMapRank; ++a)
    row[a] = static_cast<std::int64_t>(sum.shape()[a]);
  row[kSummedMapRank] = images;
  maps.blocks.append(s, std::span<const std::int64_t>(row));
}

namespace {
constexpr std::size_t kBlockRow = kSummedMapRank + 1;
bool same_block_size(std::span<const std::int64_t> rows, std::size_t a, std::size_t b) {
  return std::equal(rows.begin() + static_cast<std::ptrdiff_t>(a * kBlockRow),
                    rows.begin() + static_cast<std::ptrdiff_t>(a * kBlockRow + kSummedMapRank),
                    rows.begin() + static_cast<std::ptrdiff_t>(b * kBlockRow));
}
}  // namespace

void compact_summed_maps(const SummedMapStates& maps, State& s) {
  auto rows = maps.blocks.span(s);
  const std::size_t n = rows.size() / kBlockRow;
  if (n < 2) return;
  for (std::size_t b = 1; b < n; ++b)
    if (!same_block_size(rows, 0, b)) return;  // kept apart for compute() to refuse
  auto v = maps.values.span(s);
  const std::size_t size = v.size() / n;
  std::int64_t images = 0;
  for (std::size_t b = 0; b < n; ++b) images += rows[b * kBlockRow + kSummedMapRank];
  for (std::size_t b = 1; b < n; ++b)
    for (std::size_t k = 0; k < size; ++k) v[k] += v[b * size + k];
  StateVar& values = maps.values.var(s);  // shrunk to the first block, which now holds the sum
  values.bytes.resize(size * sizeof(double));
  values.shape[0] = static_cast<std::int64_t>(size);
  StateVar& blocks = maps.blocks.var(s);
  blocks.bytes.resize(kBlockRow * sizeof(std::int64_t));
  blocks.shape[0] = 1;
  maps.blocks.span(s)[kSummedMapRank] = images;
}

SummedMaps sum_maps(std::string_view metric, const SummedMapStates& maps, const State& s) {
  auto rows = maps.blocks.span(s);
  const std::size_t n = rows.size() / kBlockRow;
  if (n == 0) fail(metric, ": compute() needs at least one update() first (no images to score)");
  for (std::size_t b = 1; b < n; ++b)
    if (!same_block_size(rows, 0, b))
      fail(metric, ": cannot score images of different sizes together (", rows[0], "x", rows[1], "x", rows[2], " and ",
           rows[b * kBlockRow], "x", rows[b * kBlockRow + 1], "x", rows[b * kBlockRow + 2], ")");
  std::vector<std::size_t> shape(rows.begin(), rows.begin() + kSummedMapRank);
  SummedMaps out;
  out.sum = xt::zeros<double>(shape);
  auto v = maps.values.span(s);
  const std::size_t size = out.sum.size();
  for (std::size_t b = 0; b < n; ++b) {
    for (std::size_t k = 0; k < size; ++k) out.sum.data()[k] += v[b * size + k];
    out.images += static_cast<double>(rows[b * kBlockRow + kSummedMapRank]);
  }
  return out;
}

}  // namespace wasmetrics::image
