#!/usr/bin/env bash
# Installs what the build and tests need on Debian 12, only what is missing, so that
# `make test` works on a fresh machine. Debian packages (apt) and npm packages (npm ci) only.
set -euo pipefail
cd "$(dirname "$0")/.."

# WASMETRICS_NPM_DIRS="a b": only these folders' npm packages (`make test-deps`, which runs beside
# the builds: it must not touch the apt packages or the .third_party links they read).
npm_ci_dirs() {
  for dir in "$@"; do
    [ -f "$dir/package-lock.json" ] || continue
    stamp=$dir/node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}
if [ -n "${WASMETRICS_NPM_DIRS:-}" ]; then
  read -r -a only <<<"$WASMETRICS_NPM_DIRS"
  npm_ci_dirs "${only[@]}"
  exit 0
fi

# emscripten: em++ 3.1.6; libxtensor-dev/xtl-dev: the tensor library; libhwy-dev: Google Highway, the
# SIMD layer of kernels/ (native: libhwy; WASM: its headers only); nlohmann-json3-dev: options,
# registry and fixtures as JSON; libgtest-dev: native tests; cmake + ninja-build: the build.
# clang-14 + libclang-rt-14-dev: the libFuzzer runtime and sanitizers for the fuzz targets (fuzz/).
# clang-format: `make lint` (with Prettier and ESLint from tools/lint, below).
packages=(emscripten libxtensor-dev xtl-dev libhwy-dev nlohmann-json3-dev libgtest-dev cmake ninja-build g++ nodejs npm chromium
          clang-14 libclang-rt-14-dev clang-format)
missing=()
for p in "${packages[@]}"; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v "${p/nodejs/node}" >/dev/null 2>&1 || missing+=("$p")
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "install-deps: Node $node_major found; wasmetrics needs Node 20 or newer" >&2
  exit 1
fi

# em++ must never see /usr/include: a folder of links to the header-only libraries (and Highway's
# headers, which the WASM builds use without libhwy).
mkdir -p .third_party/include
for lib in xtensor xtl nlohmann hwy; do ln -sfn "/usr/include/$lib" ".third_party/include/$lib"; done

# npm packages, exactly as locked; skipped when node_modules matches the lock already:
# npm/ (the package's build and tests), web/ (the demo page: papaparse, Chart.js, playwright-core),
# tests/consumers/ (the bundlers and Jest of the consumer matrix, tests/js/consumers.test.mjs),
# tools/lint/ (Prettier and ESLint, for `make lint` and the lint check `make test` starts with).
# tests/consumers and tools/lint are installed by `make test-deps` (WASMETRICS_NPM_DIRS, above)
# while the builds run, and by `make deps`.
dirs=(npm web)
[ "${WASMETRICS_LINT_DEPS:-0}" = 1 ] && dirs+=(tests/consumers tools/lint)
npm_ci_dirs "${dirs[@]}"
