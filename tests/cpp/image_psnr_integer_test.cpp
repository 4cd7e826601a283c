// PeakSignalNoiseRatio on uint8/uint16 images (the exact integer kernels) against the same values
// as float32 (the float path): the squared errors are integers, summed exactly either way, so the
// states (saved blobs) and values must be equal to the bit, for `dim` null (with and without
// `data_range`) and for the `dim`s reducing trailing axes (contiguous runs) or not (the float path).
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

template <class T>
std::vector<T> random_samples(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<unsigned> u(0, std::numeric_limits<T>::max());
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(u(rng));
  if (n > 1) {  // the extremes, for the range and the largest squares
    v[0] = 0;
    v[n - 1] = std::numeric_limits<T>::max();
  }
  return v;
}

template <class T>
void expect_integer_equals_float(const std::string& args) {
  SCOPED_TRACE(args);
  const Shape shape{3, 2, 17, 23};  // odd sizes: every kernel's tail
  const std::size_t n = 3 * 2 * 17 * 23;
  auto ints = create_metric("PeakSignalNoiseRatio", Json::parse(args));
  auto floats = create_metric("PeakSignalNoiseRatio", Json::parse(args));
  for (unsigned batch = 0; batch < 2; ++batch) {
    const auto p = random_samples<T>(n, 10 + batch), t = random_samples<T>(n, 20 + batch);
    testing::update(*ints, testing::buf(p, shape), testing::buf(t, shape));
    testing::update(*floats, testing::buf(std::vector<float>(p.begin(), p.end()), shape),
                    testing::buf(std::vector<float>(t.begin(), t.end()), shape));
  }
  EXPECT_EQ(ints->save_state(), floats->save_state());
  const Tensor a = ints->compute().tensor, b = floats->compute().tensor;
  EXPECT_EQ(a.shape, b.shape);
  EXPECT_EQ(a.data, b.data);
  EXPECT_GT(a.data.size(), 0u);
}

template <class T>
void expect_all_options(double range) {
  const std::string r = std::to_string(range);
  expect_integer_equals_float<T>("{\"data_range\": " + r + "}");
  expect_integer_equals_float<T>("{}");                                  // the range from the target (and 0)
  expect_integer_equals_float<T>("{\"data_range\": [0.0, " + r + "]}");  // clamped: the float path
  expect_integer_equals_float<T>("{\"data_range\": " + r + ", \"base\": 2.0}");
  for (const char* dim : {"[1, 2, 3]", "[2, 3]", "[3]", "[-1, -2]", "[0, 1, 2, 3]", "[1, 3]", "[0]"})
    expect_integer_equals_float<T>("{\"data_range\": " + r + ", \"dim\": " + dim + ", \"reduction\": \"none\"}");
}

TEST(PsnrIntegerImages, Uint8EqualsTheFloatPath) { expect_all_options<std::uint8_t>(255); }
TEST(PsnrIntegerImages, Uint16EqualsTheFloatPath) { expect_all_options<std::uint16_t>(65535); }

// Mixed integer dtypes, or an integer with a float, keep the float path (and its value).
TEST(PsnrIntegerImages, MixedDtypesReadValues) {
  const std::vector<std::uint8_t> p{0, 10, 255, 7};
  const std::vector<std::uint16_t> t{3, 10, 250, 1000};
  auto m = create_metric("PeakSignalNoiseRatio", Json::parse(R"({"data_range": 1000.0})"));
  testing::update(*m, testing::buf(p), testing::buf(t));
  auto f = create_metric("PeakSignalNoiseRatio", Json::parse(R"({"data_range": 1000.0})"));
  testing::update(*f, testing::buf(std::vector<float>{0, 10, 255, 7}),
                  testing::buf(std::vector<float>{3, 10, 250, 1000}));
  EXPECT_EQ(m->compute().tensor.data, f->compute().tensor.data);
}

}  // namespace
}  // namespace wasmetrics
