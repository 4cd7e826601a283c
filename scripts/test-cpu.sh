#!/usr/bin/env bash
# The CPU time (user + system, seconds) of each phase of `make test`, for the README's table: run
# it in a fresh clone (nothing built, ../shared beside it) with the compiler cache off. CPU time,
# not wall time, is what a busy machine cannot hide: two cores shared with other work stretch the
# wall clock, not the work. One line per phase, then the total; logs in build/test-cpu/.
#   scripts/test-cpu.sh             every phase, as `make test` runs them (UNITY=ON)
#   UNITY=OFF scripts/test-cpu.sh   the builds file by file
set -uo pipefail
cd "$(dirname "$0")/.."
unset CMAKE_CXX_COMPILER_LAUNCHER EM_COMPILER_WRAPPER
export NODE_PATH=/usr/share/nodejs WASMETRICS_UNITY=${UNITY:-ON}
out=build/test-cpu
mkdir -p "$out"; : >"$out/phases.txt"
tp=$PWD/.third_party/include
phase() { # NAME COMMAND...: runs it, appends "NAME cpu wall exit" to phases.txt
  local name=$1; shift
  /usr/bin/time -f "%U %S %e" -o "$out/$name.time" "$@" >"$out/$name.log" 2>&1
  local rc=$?
  read -r user sys wall < <(tail -1 "$out/$name.time")
  printf '%-28s %8.1f s CPU %8.1f s wall  exit %d\n' "$name" "$(echo "$user + $sys" | bc)" "$wall" "$rc" | tee -a "$out/phases.txt"
}
phase deps bash scripts/install-deps.sh
# as the Makefile's native-check: clang++-14 -O1, ASan+UBSan; the tests and the fuzz replay drivers
phase build-native-check bash -c "cmake -S . -B build/native-check -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release '-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG' -DWASMETRICS_SANITIZE=ON -DWASMETRICS_UNITY=$WASMETRICS_UNITY >/dev/null && ninja -C build/native-check -j2"
for b in simd plain; do
  flag=ON; [ $b = plain ] && flag=OFF
  phase "build-wasm-$b" bash -c "emcmake cmake -S . -B build/wasm-$b -G Ninja -DCMAKE_BUILD_TYPE=Release -DWASMETRICS_SIMD=$flag -DWASMETRICS_UNITY=$WASMETRICS_UNITY -DWASMETRICS_THIRD_PARTY_INCLUDE=$tp >/dev/null && ninja -C build/wasm-$b -j2"
done
phase npm-dist bash -c "node npm/scripts/build.mjs && node scripts/gen-metrics-doc.mjs"
phase test-native ./build/native-check/wasmetrics_tests --gtest_brief=1
for f in tests/js/*.test.mjs; do phase "js-$(basename "$f" .test.mjs)" node --test --test-reporter=tap "$f"; done
phase fuzz-replay bash scripts/fuzz.sh --replay
awk '{ cpu += $2; wall += $5 } END { printf "%-28s %8.1f s CPU %8.1f s wall\n", "total", cpu, wall }' "$out/phases.txt" | tee -a "$out/phases.txt"
