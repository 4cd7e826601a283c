#include "wasmetrics/image/map_store.hpp"

#include <algorithm>
#include <vector>

namespace wasmetrics::image {

void declare_maps(State& s, const std::string& name) {
  s.add(name, Reduction::cat, DType::float32, {0});
  s.add(name + "_dims", Reduction::cat, DType::int64, {0, kMaxMapRank});  // dims of each batch, 0-padded
}

void append_maps(State& s, const std::string& name, const xt::xarray<double>& maps) {
  std::vector<float> values(maps.begin(), maps.end());
  s[name].append(std::span<const float>(values));
  std::vector<std::int64_t> dims(kMaxMapRank, 0);
  for (std::size_t a = 0; a < maps.dimension() && a < kMaxMapRank; ++a) dims[a] = static_cast<std::int64_t>(maps.shape()[a]);
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

}  // namespace wasmetrics::image
