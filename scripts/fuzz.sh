#!/usr/bin/env bash
# The fuzz targets: the libFuzzer targets of fuzz/ (native core under ASan+UBSan) and the Node
# mutation fuzzer of the JS file readers.
#
#   scripts/fuzz.sh --replay     `make test`: run every committed corpus unit (fuzz/corpus/<target>)
#                                once, no exploration, through build/native-check/fuzz_replay_<target>
#                                (`make native-check`: the target's code with a plain main(),
#                                fuzz/replay_main.cpp, on the ASan+UBSan build the native tests use,
#                                so no build of its own). A unit may take FUZZ_UNIT_TIMEOUT seconds
#                                (default 60) of CPU time before it counts as a hang: a committed unit
#                                should run in under 2 s under ASan on an idle core (`--measure`
#                                checks), and CPU time does not stretch on a busy machine.
#   Exploring and measuring use libFuzzer, built with clang++-14 into build/fuzz:
#   scripts/fuzz.sh SECONDS      `make fuzz`: explore each target for SECONDS (default 600 from
#                                the Makefile's FUZZ_SECONDS) from the committed corpus; a unit over
#                                20 s is a hang. FUZZ_SEED=N makes a run reproducible.
#   scripts/fuzz.sh --measure    the CPU time (user+sys) of each committed unit in its own process;
#                                lists the slowest and fails if one takes 2 s or more.
#
# Prints one line per target, "fuzz <target>: ok, ..." or "fuzz <target>: FAILED ..." (what
# scripts/run-tests.sh counts), and exits non-zero if any target failed. New corpus units go to
# build/fuzz/work/<target> (never into the committed corpus); crashing inputs to build/fuzz/artifacts/.
# A unit that once crashed or hung stays in the corpus; when it is too slow to replay, shrink it or
# drop it and keep the finding as a test in tests/cpp/fuzz_regression_test.cpp.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=explore; seconds=10
case "${1:-}" in
  --replay) mode=replay ;;
  --measure) mode=measure ;;
  "") ;;
  *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS | --replay | --measure]" >&2; exit 2 ;;
  *) seconds=$1 ;;
esac
unit_timeout=${FUZZ_UNIT_TIMEOUT:-60}
unit_cpu_limit=2 # seconds, --measure
targets=(input_format metrics state_blob)
work=build/fuzz/work; artifacts=build/fuzz/artifacts
mkdir -p "$work" "$artifacts"
failed=0

report() { # TARGET RC LOG OK-TEXT
  if [ "$2" -eq 0 ]; then echo "fuzz $1: ok, $4"; else
    echo "fuzz $1: FAILED (exit $2), see $3:"
    { grep -E "ERROR|runtime error|SUMMARY|what\(\)|Test unit written|ALARM|Running: |FINDING|: took " "$3" || tail -8 "$3"; } | tail -6 | sed 's/^/   /'
    failed=$((failed + 1))
  fi
}

if [ $mode = replay ]; then
  check=${NATIVE_CHECK_DIR:-build/native-check}
  for t in "${targets[@]}"; do
    log="$work/$t.log"
    units=(fuzz/corpus/"$t"/*)
    if [ ! -x "$check/fuzz_replay_$t" ]; then
      echo "fuzz $t: FAILED (not built: $check/fuzz_replay_$t; make native-check builds it)"
      failed=$((failed + 1))
      continue
    fi
    FUZZ_UNIT_CPU_SECONDS=$unit_timeout "$check/fuzz_replay_$t" "${units[@]}" >"$log" 2>&1
    report "$t" $? "$log" "${#units[@]} corpus units replayed, $(sed -nE 's/^replayed [0-9]+ units, //p' "$log")"
  done
elif ! command -v clang++-14 >/dev/null 2>&1; then
  echo "fuzz: clang++-14 not found (Debian clang-14 + libclang-rt-14-dev; scripts/install-deps.sh installs them)"
  for t in "${targets[@]}"; do echo "fuzz $t: FAILED (not built: no clang++-14)"; done
  failed=3
elif ! { CXX=clang++-14 cmake -S fuzz -B build/fuzz -G Ninja -DWASMETRICS_UNITY="${WASMETRICS_UNITY:-ON}" >/dev/null && ninja -C build/fuzz -j"${JOBS:-2}" >"$work/build.log" 2>&1; }; then
  tail -20 "$work/build.log"
  for t in "${targets[@]}"; do echo "fuzz $t: FAILED (build failed, see $work/build.log)"; done
  failed=3
else
  for t in "${targets[@]}"; do
    log="$work/$t.log"
    units=(fuzz/corpus/"$t"/*)
    case $mode in
      measure)
        : >"$log"; rm -f "$log.failures"
        for u in "${units[@]}"; do
          /usr/bin/time -f '%U %S' -o "$work/time.txt" ./build/fuzz/fuzz_$t -rss_limit_mb=4096 "$u" >/dev/null 2>&1 \
            || echo "unit failed: ${u##*/}" >>"$log.failures"
          echo "$(tail -1 "$work/time.txt" | awk '{ print $1 + $2 }') ${u##*/}" >>"$log"
        done
        sort -rn "$log" -o "$log"
        over=$(( $(awk -v lim="$unit_cpu_limit" '$1 >= lim' "$log" | wc -l) + $(cat "$log.failures" 2>/dev/null | wc -l) ))
        echo "   slowest $t units (CPU s): $(head -3 "$log" | paste -sd ',' | sed 's/,/, /g')"
        if [ "$over" -eq 0 ]; then echo "fuzz $t: ok, every one of ${#units[@]} units under ${unit_cpu_limit} s CPU"; else
          echo "fuzz $t: FAILED, $over unit(s) failed or took ${unit_cpu_limit} s CPU or more (see $log and $log.failures)"
          failed=$((failed + 1))
        fi ;;
      explore)
        mkdir -p "$work/$t"
        # -rss_limit_mb: ASan doubles the footprint of the largest state a metric may allocate (1 GiB).
        ./build/fuzz/fuzz_$t -max_total_time="$seconds" ${FUZZ_SEED:+-seed=$FUZZ_SEED} -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
          -artifact_prefix="$artifacts/$t-" "$work/$t" "fuzz/corpus/$t" >"$log" 2>&1
        rc=$?
        execs=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$log" | tail -1)
        report "$t" $rc "$log" "${execs:-?} execs in ${seconds}s" ;;
    esac
  done
fi

# The JS readers (CSV parse path, NPY, PNG masks and images, JPEG, WAV): a seeded mutation fuzzer in Node. Its limit
# per input (2 s) is CPU time, so a busy machine does not turn a slow wall clock into a finding.
log="$work/readers.log"
case $mode in
  replay|measure)
    timeout 600 node fuzz/js/readers.mjs --artifacts "$artifacts" fuzz/corpus/readers/* >"$log" 2>&1
    rc=$?
    report readers $rc "$log" "$(tail -1 "$log")" ;;
  explore)
    timeout $((seconds * 3 + 60)) node fuzz/js/readers.mjs --seconds "$seconds" ${FUZZ_SEED:+--seed "$FUZZ_SEED"} --artifacts "$artifacts" >"$log" 2>&1
    rc=$?
    report readers $rc "$log" "$(tail -1 "$log")" ;;
esac
[ $failed -eq 0 ]
