// Trust thresholds: the constants and each comparison at its boundary.
#include <gtest/gtest.h>

#include "node/policy/trust.h"

namespace sov {
namespace {

TEST(Trust, Constants) {
  EXPECT_EQ(policy::kMinTrust, 0.3);
  EXPECT_EQ(policy::kPostPayTrust, 0.7);
  EXPECT_EQ(policy::kReputationWarmup, 8u);
}

TEST(Trust, IsTrustedAtTheBoundary) {
  EXPECT_TRUE(policy::IsTrusted(0.3));
  EXPECT_TRUE(policy::IsTrusted(0.9));
  EXPECT_FALSE(policy::IsTrusted(0.29999));
  EXPECT_FALSE(policy::IsTrusted(0.0));
}

TEST(Trust, WarmupBeforeAnyJudgement) {
  EXPECT_FALSE(policy::HasReputation(7));
  EXPECT_TRUE(policy::HasReputation(8));
  EXPECT_FALSE(policy::IsDistrusted(7, 0.1));
  EXPECT_TRUE(policy::IsDistrusted(8, 0.1));
  EXPECT_TRUE(policy::IsDistrusted(8, 0.0));
  EXPECT_FALSE(policy::IsDistrusted(8, 0.3));
}

TEST(Trust, ReputationGateSparesAZeroScore) {
  EXPECT_TRUE(policy::FailsReputationGate(8, 0.1));
  EXPECT_FALSE(policy::FailsReputationGate(8, 0.0));
  EXPECT_FALSE(policy::FailsReputationGate(8, 0.3));
  EXPECT_FALSE(policy::FailsReputationGate(7, 0.1));
}

TEST(Trust, CrossingEitherThreshold) {
  EXPECT_TRUE(policy::CrossesTrustThreshold(0.2, 0.3));
  EXPECT_TRUE(policy::CrossesTrustThreshold(0.3, 0.29));
  EXPECT_TRUE(policy::CrossesTrustThreshold(0.69, 0.7));
  EXPECT_TRUE(policy::CrossesTrustThreshold(0.1, 0.8));
  EXPECT_FALSE(policy::CrossesTrustThreshold(0.3, 0.69));
  EXPECT_FALSE(policy::CrossesTrustThreshold(0.7, 0.9));
  EXPECT_FALSE(policy::CrossesTrustThreshold(0.0, 0.29));
}

}  // namespace
}  // namespace sov
