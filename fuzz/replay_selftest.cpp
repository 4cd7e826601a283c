// A fuzz target with planted bugs, for scripts/run-tests.sh to check that the corpus replay of
// `make test` fails when it should (as gtest_count_selftest checks the test counting): the first
// byte of a unit picks what happens. 'o' (fine) must pass; 'h' (heap overflow: ASan), 'u' (signed
// overflow: UBSan), 'l' (a leak: LeakSanitizer), 'a' (abort) and 's' (spins past the CPU budget)
// must each make fuzz_replay_selftest exit non-zero.
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  volatile int index = static_cast<int>(size) + 8;  // past the end, known only at run time
  switch (data[0]) {
    case 'h': {
      char* p = new char[4];
      std::memset(p, 0, 4);
      volatile char c = p[index];
      delete[] p;
      return c;
    }
    case 'u': {
      volatile int big = 0x7fffffff;
      volatile int sum = big + index;
      return sum;
    }
    case 'l': {
      volatile char* lost = new char[64];
      lost[0] = 1;
      lost = nullptr;
      return 0;
    }
    case 'a':
      std::abort();
    case 's': {
      volatile std::uint64_t n = 0;
      for (;;) n = n + 1;
    }
    default:
      return 0;
  }
}
