// A GoogleTest binary with a known outcome (1 passed, 1 failed, 1 skipped): scripts/run-tests.sh
// counts its report with the same code as the real suite's and refuses to go on if the count is
// wrong, so a change in what GoogleTest prints can never turn failures into passes again.
#include <gtest/gtest.h>

TEST(GtestCountSelftest, Passes) { EXPECT_EQ(1 + 1, 2); }
TEST(GtestCountSelftest, Fails) { EXPECT_EQ(1 + 1, 3) << "this failure is expected: the counting self-test"; }
TEST(GtestCountSelftest, IsSkipped) { GTEST_SKIP() << "skipped on purpose"; }
