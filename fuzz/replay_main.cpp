// The corpus replay of `make test`: a plain main() that runs a fuzz target's LLVMFuzzerTestOneInput
// once on each file given, in the sanitized native test build (no libFuzzer, no coverage
// instrumentation, no fourth compile of the core). A crash, an abort or a sanitizer report (ASan,
// UBSan with -fno-sanitize-recover, LeakSanitizer at exit) ends the process with a non-zero status
// after "Running: UNIT" names the unit; a unit over FUZZ_UNIT_CPU_SECONDS of CPU time (default 60)
// is a hang. CPU time, not wall time: a busy machine slows the clock, not the work.
// `make fuzz` (scripts/fuzz.sh SECONDS) still explores with libFuzzer in build/fuzz.
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

const char* current_unit = "";

extern "C" void on_cpu_limit(int) {
  // async-signal-safe output only
  const char head[] = "ALARM: a unit exceeded its CPU budget (FUZZ_UNIT_CPU_SECONDS): ";
  (void)!write(2, head, sizeof head - 1);
  (void)!write(2, current_unit, std::strlen(current_unit));
  (void)!write(2, "\n", 1);
  _exit(70);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const char* limit_env = std::getenv("FUZZ_UNIT_CPU_SECONDS");
  const long limit = limit_env ? std::strtol(limit_env, nullptr, 10) : 60;
  std::signal(SIGPROF, on_cpu_limit);
  double slowest = 0;
  std::string slowest_unit;
  for (int i = 1; i < argc; ++i) {
    current_unit = argv[i];
    std::ifstream file(argv[i], std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 2;
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "Running: %s\n", argv[i]);
    // ITIMER_PROF counts this process's CPU time (user + system), re-armed for each unit.
    itimerval budget{};
    budget.it_value.tv_sec = limit;
    setitimer(ITIMER_PROF, &budget, nullptr);
    const double start = cpu_seconds();
    // libFuzzer hands the target a buffer of exactly `size` bytes (ASan sees reads past it)
    auto* data = new std::uint8_t[bytes.size() ? bytes.size() : 1];
    std::memcpy(data, bytes.data(), bytes.size());
    LLVMFuzzerTestOneInput(data, bytes.size());
    delete[] data;
    const double took = cpu_seconds() - start;
    itimerval off{};
    setitimer(ITIMER_PROF, &off, nullptr);
    std::fprintf(stderr, "Executed %s in %.0f ms CPU\n", argv[i], took * 1000);
    if (took > slowest) slowest = took, slowest_unit = argv[i];
  }
  std::printf("replayed %d units, slowest %.0f ms CPU (%s)\n", argc - 1, slowest * 1000,
              slowest_unit.substr(slowest_unit.find_last_of('/') + 1).c_str());
  return 0;
}
