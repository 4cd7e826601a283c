#pragma once
// The one exception type of the project. Messages name the argument and the offending value;
// the bindings turn it into a JS Error, so it must never carry anything but text.
#include <sstream>
#include <stdexcept>
#include <string>

namespace wasmetrics {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// fail("MeanSquaredError: option 'num_outputs' must be >= 1, got ", n) — streams its parts.
template <class... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw Error(out.str());
}

}  // namespace wasmetrics
