#pragma once
// The message of the wasmetrics::Error a call throws ("" when it throws none), for tests that check
// what an error says.
#include <functional>
#include <string>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace wasmetrics::testing
