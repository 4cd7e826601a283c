#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 10) over its committed seed corpus
# (fuzz/corpus/<target>): the libFuzzer targets of fuzz/ (native core under ASan+UBSan, built
# with clang++-14 into build/fuzz) and the Node mutation fuzzer of the JS file readers.
# Prints one line per target, "fuzz <target>: ok, <N> execs" or "fuzz <target>: FAILED ...",
# and exits non-zero if any target failed. New corpus units go to build/fuzz/work/<target>
# (never into the committed corpus); crashing inputs to build/fuzz/artifacts/.
#   scripts/fuzz.sh [SECONDS]       `make test` runs it short, `make fuzz` with FUZZ_SECONDS
# FUZZ_SEED=N makes a run reproducible (`make test` sets it, so CI explores the same inputs in the
# same order as a local run, never a new random stretch that would make the suite flaky); without
# it each run explores new ground, as `make fuzz` should.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
work=build/fuzz/work; artifacts=build/fuzz/artifacts
mkdir -p "$work" "$artifacts"
failed=0

if ! command -v clang++-14 >/dev/null 2>&1; then
  echo "fuzz: clang++-14 not found (Debian clang-14 + libclang-rt-14-dev; scripts/install-deps.sh installs them)"
  for t in input_format metrics state_blob; do echo "fuzz $t: FAILED (not built: no clang++-14)"; done
  failed=3
else
  if ! { CXX=clang++-14 cmake -S fuzz -B build/fuzz -G Ninja >/dev/null && ninja -C build/fuzz -j"${JOBS:-2}" >"$work/build.log" 2>&1; }; then
    tail -20 "$work/build.log"
    for t in input_format metrics state_blob; do echo "fuzz $t: FAILED (build failed, see $work/build.log)"; done
    failed=3
  else
    for t in input_format metrics state_blob; do
      mkdir -p "$work/$t"
      # -timeout: one input running 20 s is a hang; -rss_limit_mb: ASan doubles the footprint
      # of the largest state a metric may allocate (1 GiB).
      ./build/fuzz/fuzz_$t -max_total_time="$seconds" ${FUZZ_SEED:+-seed=$FUZZ_SEED} -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$t-" "$work/$t" "fuzz/corpus/$t" >"$work/$t.log" 2>&1
      rc=$?
      execs=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$work/$t.log" | tail -1)
      if [ $rc -eq 0 ]; then
        echo "fuzz $t: ok, ${execs:-?} execs in ${seconds}s"
      else
        echo "fuzz $t: FAILED (exit $rc), see $work/$t.log:"
        grep -E "ERROR|runtime error|SUMMARY|what\(\)|Test unit written" "$work/$t.log" | head -6 | sed 's/^/   /'
        failed=$((failed + 1))
      fi
    done
  fi
fi

# The JS readers (CSV parse path, NPY, PNG masks): a seeded mutation fuzzer in Node.
timeout $((seconds * 3 + 60)) node fuzz/js/readers.mjs --seconds "$seconds" ${FUZZ_SEED:+--seed "$FUZZ_SEED"} --artifacts "$artifacts" >"$work/readers.log" 2>&1
rc=$?
summary=$(tail -1 "$work/readers.log")
if [ $rc -eq 0 ]; then echo "fuzz readers: ok, $summary"; else
  echo "fuzz readers: FAILED (exit $rc), see $work/readers.log:"; tail -8 "$work/readers.log" | sed 's/^/   /'
  failed=$((failed + 1))
fi
[ $failed -eq 0 ]
