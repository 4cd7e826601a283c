#pragma once
// The `kpt_oks_sigmas` option (COCOeval's Params.kpt_oks_sigmas), shared by every metric that
// compares keypoints by OKS: COCOKeypoints, COCOMatches and MeanAveragePrecision.
#include <cmath>
#include <string_view>
#include <vector>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/detection/oks.hpp"

namespace wasmetrics::detection {

inline OptionSpec kpt_oks_sigmas_option() {
  return {.name = "kpt_oks_sigmas",
          .type = OptionType::number_list,
          .default_value = nullptr,
          .nullable = true,
          .doc = "one OKS sigma per keypoint; null: the 17 COCO person sigmas"};
}

// One positive finite sigma per keypoint; null gives COCO's 17.
inline std::vector<double> read_oks_sigmas(std::string_view metric, const Options& o) {
  auto sigmas = o.is_null("kpt_oks_sigmas") ? coco_keypoint_sigmas() : o.get_numbers("kpt_oks_sigmas");
  if (sigmas.empty()) fail(metric, ": option 'kpt_oks_sigmas' must list one sigma per keypoint, got none");
  for (double s : sigmas)
    if (!(s > 0) || !std::isfinite(s))
      fail(metric, ": option 'kpt_oks_sigmas' must hold positive finite numbers, got ", s);
  return sigmas;
}

}  // namespace wasmetrics::detection
