#include "wasmetrics/segmentation/seg_common.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <xtensor/xbuilder.hpp>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics::segmentation {

namespace {

constexpr std::int64_t kMaxClasses = 1 << 24;

bool is_integer_dtype(DType t) { return !is_floating(t); }

// Calls f(T{}) for the integer element types (bool reads as uint8).
template <class F>
void dispatch_integer(DType t, F&& f) {
  switch (t) {
    case DType::int8:
      f(std::int8_t{});
      return;
    case DType::int16:
      f(std::int16_t{});
      return;
    case DType::int32:
      f(std::int32_t{});
      return;
    case DType::int64:
      f(std::int64_t{});
      return;
    case DType::uint8:
    case DType::bool_:
      f(std::uint8_t{});
      return;
    case DType::uint16:
      f(std::uint16_t{});
      return;
    case DType::uint32:
      f(std::uint32_t{});
      return;
    default:
      fail("internal: dispatch_integer on ", dtype_name(t));
  }
}

std::string ignore_text(const SegConfig& cfg) {
  return cfg.ignore_index ? "ignore_index=" + std::to_string(*cfg.ignore_index) : std::string("no ignore_index set");
}

[[noreturn]] void bad_label(const SegConfig& cfg, const char* arg, std::int64_t value, std::int64_t n,
                            std::int64_t flat) {
  fail(cfg.metric, ": `", arg, "` holds the label ", value, " (sample ", n, ", element ", flat,
       "), outside [0, num_classes) with num_classes=", cfg.num_classes, " (", ignore_text(cfg), ")");
}

// Scratch reused across the samples of one batch (never per pixel).
struct Scratch {
  std::vector<std::uint32_t> table;  // C*C joint histogram target*C + pred
  std::vector<std::uint64_t> inter, pred, target;
  std::vector<double> d_inter, d_pred, d_target;
  explicit Scratch(std::int64_t c)
      : inter(static_cast<std::size_t>(c)),
        pred(static_cast<std::size_t>(c)),
        target(static_cast<std::size_t>(c)),
        d_inter(static_cast<std::size_t>(c)),
        d_pred(static_cast<std::size_t>(c)),
        d_target(static_cast<std::size_t>(c)) {}
  SampleCounts counts() const { return {d_inter, d_pred, d_target}; }
};

// ---- index format: [N, ...] label maps ----

// One sample of S pixels. Pixels whose target is ignore_index leave every count; a pred equal to
// an ignore_index outside [0, C) on a kept pixel is a miss (counts in |T| only); inside [0, C) it
// is a prediction of that class. Any other label outside [0, C) is
// an error. The in-range test is one unsigned compare per label, so the common path has a single
// well-predicted branch; everything else is in the cold `slow` lambda.
template <class P, class T>
void index_sample(const SegConfig& cfg, const P* p, const T* t, std::int64_t S, std::int64_t n, Scratch& s) {
  const std::int64_t C = cfg.num_classes;
  const auto uC = static_cast<std::uint64_t>(C);
  const bool has_ignore = cfg.ignore_index.has_value();
  const std::int64_t ig = has_ignore ? *cfg.ignore_index : 0;
  // An ignore_index inside [0, C) passes the in-range test: its target row is dropped instead.
  const std::int64_t ig_row = has_ignore && static_cast<std::uint64_t>(ig) < uC ? ig : -1;
  std::fill(s.inter.begin(), s.inter.end(), 0);
  std::fill(s.pred.begin(), s.pred.end(), 0);
  std::fill(s.target.begin(), s.target.end(), 0);
  // Returns true when the pixel is a miss of target class tv (pred == ignore_index).
  auto slow = [&](std::int64_t i, std::int64_t tv, std::int64_t pv) __attribute__((noinline, cold))->bool {
    const bool p_ok = static_cast<std::uint64_t>(pv) < uC;
    const bool t_ok = static_cast<std::uint64_t>(tv) < uC;
    if (has_ignore && tv == ig) {
      if (!p_ok && pv != ig) bad_label(cfg, "preds", pv, n, n * S + i);
      return false;
    }
    if (!t_ok) bad_label(cfg, "target", tv, n, n * S + i);
    if (!p_ok && !(has_ignore && pv == ig)) bad_label(cfg, "preds", pv, n, n * S + i);
    return !p_ok;
  };
  const bool use_table = C * C <= 65536 && C * C <= std::max<std::int64_t>(S, 64) &&
                         S < static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max());
  if (use_table) {
    // One increment per pixel into a C*C joint histogram (a bincount of target*C + pred).
    s.table.assign(static_cast<std::size_t>(C * C), 0);
    std::uint32_t* tab = s.table.data();
    for (std::int64_t i = 0; i < S; ++i) {
      const auto tv = static_cast<std::int64_t>(t[i]);
      const auto pv = static_cast<std::int64_t>(p[i]);
      if (static_cast<std::uint64_t>(tv) < uC && static_cast<std::uint64_t>(pv) < uC) [[likely]] {
        ++tab[tv * C + pv];
      } else if (slow(i, tv, pv)) {
        ++s.target[static_cast<std::size_t>(tv)];
      }
    }
    if (ig_row >= 0) std::fill(tab + ig_row * C, tab + (ig_row + 1) * C, 0u);
    for (std::int64_t a = 0; a < C; ++a) {
      const std::uint32_t* row = tab + a * C;
      std::uint64_t rs = 0;
      for (std::int64_t b = 0; b < C; ++b) {
        rs += row[b];
        s.pred[static_cast<std::size_t>(b)] += row[b];
      }
      s.target[static_cast<std::size_t>(a)] += rs;
      s.inter[static_cast<std::size_t>(a)] = row[a];
    }
  } else {
    // Many classes or small images: three increments per pixel into C-sized tables.
    std::uint64_t* inter = s.inter.data();
    std::uint64_t* pc = s.pred.data();
    std::uint64_t* tc = s.target.data();
    for (std::int64_t i = 0; i < S; ++i) {
      const auto tv = static_cast<std::int64_t>(t[i]);
      const auto pv = static_cast<std::int64_t>(p[i]);
      if (static_cast<std::uint64_t>(tv) < uC && static_cast<std::uint64_t>(pv) < uC) [[likely]] {
        if (tv == ig_row) continue;
        ++tc[tv];
        ++pc[pv];
        inter[tv] += static_cast<std::uint64_t>(tv == pv);
      } else if (slow(i, tv, pv)) {
        ++tc[tv];
      }
    }
  }
  for (std::int64_t c = 0; c < C; ++c) {
    auto k = static_cast<std::size_t>(c);
    s.d_inter[k] = static_cast<double>(s.inter[k]);
    s.d_pred[k] = static_cast<double>(s.pred[k]);
    s.d_target[k] = static_cast<double>(s.target[k]);
  }
}

// ---- one-hot format: [N, C, ...] masks ----

template <class P, class T>
[[noreturn]] void bad_one_hot(const SegConfig& cfg, const P* p, const T* t, std::int64_t len, std::int64_t base,
                              bool soft) {
  auto is_bad = [&](auto v) {
    using V = decltype(v);
    if constexpr (std::is_floating_point_v<V>)
      return !std::isfinite(v);
    else
      return !(v == V(0) || v == V(1));
  };
  auto what = [&](auto v) {
    using V = decltype(v);
    if constexpr (std::is_floating_point_v<V>)
      return std::string("a non-finite value");
    else
      return "the value " + std::to_string(static_cast<std::int64_t>(v));
  };
  for (std::int64_t i = 0; i < len; ++i) {
    if (is_bad(p[i]))
      fail(cfg.metric, ": `preds` holds ", what(p[i]), " at element ", base + i,
           "; one-hot masks must hold 0 or 1 (integer or bool)", soft ? ", or finite scores (float)" : "");
    if (is_bad(t[i]))
      fail(cfg.metric, ": `target` holds ", what(t[i]), " at element ", base + i,
           "; one-hot masks must hold 0 or 1 (integer or bool)", soft ? ", or finite scores (float)" : "");
  }
  fail("internal: bad one-hot value not found");
}

template <class P, class T>
void one_hot_sample(const SegConfig& cfg, const P* p, const T* t, std::int64_t S, std::int64_t n, Scratch& s) {
  const std::int64_t C = cfg.num_classes;
  constexpr bool exact = std::is_integral_v<P> && std::is_integral_v<T>;
  for (std::int64_t c = 0; c < C; ++c) {
    const std::int64_t base = (n * C + c) * S;
    const P* pr = p + base;
    const T* tr = t + base;
    auto k = static_cast<std::size_t>(c);
    if constexpr (exact) {
      std::uint64_t inter = 0, ps = 0, ts = 0, bits = 0;
      for (std::int64_t i = 0; i < S; ++i) {
        const auto pv = static_cast<std::uint64_t>(static_cast<std::int64_t>(pr[i]));
        const auto tv = static_cast<std::uint64_t>(static_cast<std::int64_t>(tr[i]));
        bits |= pv | tv;
        inter += pv & tv;
        ps += pv;
        ts += tv;
      }
      if (bits & ~std::uint64_t{1}) bad_one_hot(cfg, pr, tr, S, base, cfg.allow_soft);
      s.d_inter[k] = static_cast<double>(inter);
      s.d_pred[k] = static_cast<double>(ps);
      s.d_target[k] = static_cast<double>(ts);
    } else {
      double inter = 0, ps = 0, ts = 0;
      std::uint64_t bits = 0;
      for (std::int64_t i = 0; i < S; ++i) {
        const double pv = static_cast<double>(pr[i]);
        const double tv = static_cast<double>(tr[i]);
        if constexpr (std::is_integral_v<P>) bits |= static_cast<std::uint64_t>(static_cast<std::int64_t>(pr[i]));
        if constexpr (std::is_integral_v<T>) bits |= static_cast<std::uint64_t>(static_cast<std::int64_t>(tr[i]));
        inter += pv * tv;
        ps += pv;
        ts += tv;
      }
      if ((bits & ~std::uint64_t{1}) || !std::isfinite(inter + ps + ts)) bad_one_hot(cfg, pr, tr, S, base, true);
      s.d_inter[k] = inter;
      s.d_pred[k] = ps;
      s.d_target[k] = ts;
    }
  }
}

void check_shapes(const SegConfig& cfg, const TensorView& preds, const TensorView& target) {
  if (preds.shape != target.shape)
    fail(cfg.metric, ": `preds` and `target` must have the same shape, got ", shape_str(preds.shape), " and ",
         shape_str(target.shape));
  const std::int64_t min_ndim = cfg.one_hot ? 3 : cfg.min_ndim_index;
  if (preds.ndim() < min_ndim) {
    if (cfg.one_hot)
      fail(cfg.metric,
           ": `preds` and `target` must be one-hot masks of shape [N, num_classes, ...] with at least one "
           "spatial dimension (input_format='one-hot'), got shape ",
           shape_str(preds.shape));
    fail(cfg.metric, ": `preds` and `target` must be label maps of shape [N, ", min_ndim == 2 ? "..." : "d1, d2, ...",
         "] with at least ", min_ndim, " dimensions (input_format='index'), got shape ", shape_str(preds.shape));
  }
  if (cfg.one_hot && preds.shape[1] != cfg.num_classes)
    fail(cfg.metric, ": `preds` and `target` must have num_classes=", cfg.num_classes,
         " channels in dim 1 (input_format='one-hot', shape [N, C, ...]), got shape ", shape_str(preds.shape));
  for (std::int64_t d : preds.shape)
    if (d < 0) fail(cfg.metric, ": `preds` has a negative dimension: ", shape_str(preds.shape));
}

void check_dtype(const SegConfig& cfg, const char* arg, const TensorView& t) {
  if (is_integer_dtype(t.dtype)) return;
  if (!cfg.one_hot)
    fail(cfg.metric, ": `", arg, "` must be an integer tensor of class indices (input_format='index'), got ",
         dtype_name(t.dtype));
  if (!cfg.allow_soft)
    fail(cfg.metric, ": `", arg, "` must be an integer or bool one-hot tensor (input_format='one-hot'), got ",
         dtype_name(t.dtype));
}

}  // namespace

void check_inputs(const SegConfig& cfg, const TensorView& preds, const TensorView& target) {
  check_shapes(cfg, preds, target);
  check_dtype(cfg, "preds", preds);
  check_dtype(cfg, "target", target);
}

xt::xtensor<bool, 1> averaged_mask(const SegConfig& cfg) {
  const std::int64_t first = cfg.first_class();
  xt::xtensor<bool, 1> mask = xt::zeros<bool>({static_cast<std::size_t>(cfg.num_included())});
  for (std::int64_t k = 0; k < cfg.num_included(); ++k) mask(static_cast<std::size_t>(k)) = cfg.averaged(k + first);
  return mask;
}

SegConfig seg_config(const Options& o, bool allow_soft, std::int64_t min_ndim_index) {
  SegConfig cfg;
  cfg.metric = o.metric();
  if (o.is_null("num_classes")) fail(cfg.metric, ": option 'num_classes' is required (a positive integer)");
  cfg.num_classes = o.get_int("num_classes");
  if (cfg.num_classes <= 0)
    fail(cfg.metric, ": Expected argument `num_classes` must be a positive integer, but got ", cfg.num_classes);
  if (cfg.num_classes > kMaxClasses)
    fail(cfg.metric, ": option 'num_classes' must be at most ", kMaxClasses, ", got ", cfg.num_classes);
  cfg.include_background = o.get_bool("include_background");
  cfg.one_hot = o.get_string("input_format") == "one-hot";
  if (o.json().contains("ignore_index") && !o.is_null("ignore_index")) {
    cfg.ignore_index = o.get_int("ignore_index");
    if (cfg.one_hot)
      fail(cfg.metric, ": option 'ignore_index' (", *cfg.ignore_index,
           ") needs input_format='index' (a one-hot target has no label to ignore)");
  }
  cfg.allow_soft = allow_soft;
  cfg.min_ndim_index = min_ndim_index;
  return cfg;
}

void for_each_sample(const SegConfig& cfg, const TensorView& preds, const TensorView& target,
                     const std::function<void(std::int64_t, const SampleCounts&)>& per_sample) {
  check_shapes(cfg, preds, target);
  check_dtype(cfg, "preds", preds);
  check_dtype(cfg, "target", target);
  const std::int64_t N = preds.shape[0];
  const std::int64_t per = N > 0 ? preds.numel() / N : 0;  // elements per sample
  Scratch s(cfg.num_classes);
  if (!cfg.one_hot) {
    dispatch_integer(preds.dtype, [&](auto ptag) {
      using P = decltype(ptag);
      dispatch_integer(target.dtype, [&](auto ttag) {
        using T = decltype(ttag);
        const P* p = preds.as<P>();
        const T* t = target.as<T>();
        for (std::int64_t n = 0; n < N; ++n) {
          index_sample<P, T>(cfg, p + n * per, t + n * per, per, n, s);
          per_sample(n, s.counts());
        }
      });
    });
    return;
  }
  const std::int64_t S = per / cfg.num_classes;  // pixels per class channel
  dispatch_dtype(preds.dtype, [&](auto ptag) {
    using P = decltype(ptag);
    dispatch_dtype(target.dtype, [&](auto ttag) {
      using T = decltype(ttag);
      const P* p = preds.as<P>();
      const T* t = target.as<T>();
      for (std::int64_t n = 0; n < N; ++n) {
        one_hot_sample<P, T>(cfg, p, t, S, n, s);
        per_sample(n, s.counts());
      }
    });
  });
}

OptionSpec num_classes_option() {
  return {.name = "num_classes",
          .type = OptionType::integer,
          .default_value = nullptr,
          .min = 1,
          .max = static_cast<double>(kMaxClasses),
          .doc = "number of classes C (required, >= 1); index labels must lie in [0, C)"};
}

OptionSpec include_background_option() {
  return {.name = "include_background",
          .type = OptionType::boolean,
          .default_value = true,
          .doc = "false drops class 0 (the background) from every output and average (kept when num_classes is 1)"};
}

OptionSpec input_format_option(bool allow_soft) {
  return {.name = "input_format",
          .type = OptionType::string,
          .default_value = "one-hot",
          .choices = {"one-hot", "index"},
          .doc = std::string("'one-hot': preds/target are [N, C, ...] 0/1 masks (integer or bool") +
                 (allow_soft ? "; float scores count as soft masks" : "") +
                 "); 'index': [N, ...] label maps (any integer dtype) holding class ids"};
}

OptionSpec ignore_index_option() {
  return {.name = "ignore_index",
          .type = OptionType::integer,
          .default_value = nullptr,
          .nullable = true,
          .doc =
              "index input only: pixels whose target equals it leave every count (e.g. 255 for void); a pred equal "
              "to it on a kept pixel is a miss (a prediction of that class if inside [0, C), where the class is also "
              "left out of "
              "class averages)"};
}

}  // namespace wasmetrics::segmentation
