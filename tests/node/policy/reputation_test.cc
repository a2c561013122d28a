// The reputation formula (lango's table) and its decay on event time, with exact outputs.
#include <gtest/gtest.h>

#include "node/policy/reputation.h"

namespace sov {
namespace {

TEST(ReputationFormula, MatchesLangoTable) {
  EXPECT_DOUBLE_EQ(policy::ReputationScore(0, 0, 0), 0.0);
  EXPECT_DOUBLE_EQ(policy::ReputationScore(1, 0, 0), 0.5);
  EXPECT_DOUBLE_EQ(policy::ReputationScore(1, 1, 0), 0.25);
  EXPECT_DOUBLE_EQ(policy::ReputationScore(1, 0, 1), 1 / 3.5);
  EXPECT_DOUBLE_EQ(policy::ReputationScore(10, 0, 0), 10.0 / 11);
  EXPECT_DOUBLE_EQ(policy::ReputationScore(10, 2, 1), 10 / 16.5);
  EXPECT_DOUBLE_EQ(policy::ReputationScore(0, 5, 0), 0.0);
}

TEST(ReputationDecay, SameInstantWeighsOne) {
  policy::ReputationWeights w{0, 0, 0, 100};
  w = policy::AddOutcome(w, policy::ReputationOutcome::kSuccess, 100);
  w = policy::AddOutcome(w, policy::ReputationOutcome::kFailure, 100);
  w = policy::AddOutcome(w, policy::ReputationOutcome::kTimeout, 100);
  EXPECT_EQ(w.success, 1.0);
  EXPECT_EQ(w.failure, 1.0);
  EXPECT_EQ(w.timeout, 1.0);
  EXPECT_EQ(w.last_ns, 100);
}

TEST(ReputationDecay, ALaterOutcomeHalvesOldWeightsPerHalfLife) {
  policy::ReputationWeights w{4, 2, 1, 0};
  w = policy::AddOutcome(w, policy::ReputationOutcome::kSuccess, 2 * policy::kReputationHalfLifeNs);
  EXPECT_EQ(w.success, 2.0);  // 4/4 + 1
  EXPECT_EQ(w.failure, 0.5);
  EXPECT_EQ(w.timeout, 0.25);
  EXPECT_EQ(w.last_ns, 2 * policy::kReputationHalfLifeNs);
}

TEST(ReputationDecay, AnOlderOutcomeIsWeighedDownAndTimeStays) {
  policy::ReputationWeights w{1, 0, 0, policy::kReputationHalfLifeNs};
  w = policy::AddOutcome(w, policy::ReputationOutcome::kFailure, 0);
  EXPECT_EQ(w.success, 1.0);
  EXPECT_EQ(w.failure, 0.5);
  EXPECT_EQ(w.last_ns, policy::kReputationHalfLifeNs);
  EXPECT_EQ(policy::kReputationHalfLifeNs, 2592000000000000);
}

}  // namespace
}  // namespace sov
