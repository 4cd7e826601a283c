# The README's commands: `make demo` (the main job on bundled sample data) and `make test`
# (everything, from a fresh Debian 12 machine). `make bench` runs the benchmarks.
SHELL := /bin/bash
JOBS ?= 2
# Unity builds of the core (cmake/unity.cmake): about a fifth of the compiler runs. UNITY=OFF
# compiles file by file (what a plain `cmake` configure does), for edit-compile loops.
UNITY ?= ON
export WASMETRICS_UNITY := $(UNITY)
export NODE_PATH := /usr/share/nodejs
THIRD_PARTY := $(CURDIR)/.third_party/include

.PHONY: all deps build-deps test-deps native native-check wasm wasm-simd wasm-plain npm test test-native test-js test-consumers demo bench clean fuzz lint

all: native npm

# `make deps`: everything, with `make lint`'s Prettier and ESLint; the builds (and so `make test`)
# install only what they use.
deps:
	@WASMETRICS_LINT_DEPS=1 bash scripts/install-deps.sh

build-deps:
	@bash scripts/install-deps.sh

# What only the tests use (the consumer matrix's bundlers and Jest; Prettier and ESLint for the lint
# check that `make test` starts with): installed beside the builds.
test-deps: build-deps
	@WASMETRICS_NPM_DIRS="tests/consumers tools/lint" bash scripts/install-deps.sh

native: build-deps
	@cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release -DWASMETRICS_UNITY=$(UNITY) >/dev/null
	@ninja -C build/native -j$(JOBS)

# `make test`'s native build (build/native-check): clang++-14 at -O1 with ASan+UBSan. The GoogleTest
# suites and the fuzz corpus replay (fuzz_replay_*: the fuzz targets with a plain main()) run on
# this one build of the core; `make native` stays the Release build for everything else.
CHECK_FLAGS = -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" -DWASMETRICS_SANITIZE=ON
CHECK_JOBS ?= $(JOBS)
native-check: build-deps
	@cmake -S . -B build/native-check -G Ninja $(CHECK_FLAGS) -DWASMETRICS_UNITY=$(UNITY) >/dev/null
	@ninja -C build/native-check -j$(CHECK_JOBS)

wasm: wasm-simd wasm-plain

wasm-simd: build-deps
	@emcmake cmake -S . -B build/wasm-simd -G Ninja -DCMAKE_BUILD_TYPE=Release -DWASMETRICS_SIMD=ON -DWASMETRICS_UNITY=$(UNITY) \
	  -DWASMETRICS_THIRD_PARTY_INCLUDE=$(THIRD_PARTY) >/dev/null
	@ninja -C build/wasm-simd -j$(JOBS)

wasm-plain: build-deps
	@emcmake cmake -S . -B build/wasm-plain -G Ninja -DCMAKE_BUILD_TYPE=Release -DWASMETRICS_SIMD=OFF -DWASMETRICS_UNITY=$(UNITY) \
	  -DWASMETRICS_THIRD_PARTY_INCLUDE=$(THIRD_PARTY) >/dev/null
	@ninja -C build/wasm-plain -j$(JOBS)

npm: wasm
	@node npm/scripts/build.mjs
	@node scripts/gen-metrics-doc.mjs

# The three builds are independent, so they run side by side: each build's serial tail (its link,
# wasm-opt) overlaps the others' compiles, and on a machine busy with other work more runnable
# jobs get a larger share of it. native-check has the most work (the sanitized core and every test
# file), so it gets twice the jobs and is not left to finish alone. The tests' own npm packages
# install meanwhile. Then every suite runs (scripts/run-tests.sh).
test: build-deps
	@$(MAKE) --no-print-directory -j4 native-check npm test-deps CHECK_JOBS=$$(( 2 * $(JOBS) ))
	@bash scripts/run-tests.sh

# The consumer matrix alone (it is part of `make test` too): the packed tarball with Jest (CJS, ESM)
# and Vite, webpack, esbuild, Rollup builds in headless Chromium. About 35 s of CPU.
test-consumers: npm test-deps
	@node --test tests/js/consumers.test.mjs

demo: npm
	@node examples/node/evaluate.mjs
	@echo && $(SEG_EXAMPLE)
	@node web/scripts/vendor.mjs
	@echo && node web/serve.mjs   # serves the page until stopped (also without a TTY); with CI set: checks it loads once, exits

# The segmentation QA example: predicted vs reference PNG masks in examples/data/masks.
SEG_EXAMPLE = node examples/segmentation/evaluate.mjs
.PHONY: seg-example
seg-example: npm
	@$(SEG_EXAMPLE)

bench: npm
	@node bench/run.mjs
	@node bench/per-call.mjs
	@node bench/browser.mjs
	@node bench/text-retrieval.mjs
	@node bench/image-audio.mjs
	@node bench/detection.mjs

# clang-format, Prettier and ESLint checks (scripts/lint.sh); scripts/format.sh applies the formatters.
lint: deps
	@bash scripts/lint.sh

# Fuzzing (fuzz/, scripts/fuzz.sh): explores every target for FUZZ_SECONDS (default 10 minutes)
# each, from its committed corpus; `make test` only replays the committed corpus (fuzz.sh --replay).
FUZZ_SECONDS ?= 600
fuzz: npm
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build npm/dist
