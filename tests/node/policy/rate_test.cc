// Token bucket on event time: exact token counts, partial refill kept, backwards time, overflow.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "node/policy/rate.h"

namespace sov {
namespace {

using policy::kSecondNs;

TEST(TokenBucket, BurstThenDenied) {
  const policy::TokenBucket b{3, 1, kSecondNs};
  auto s = policy::FullBucket(b, 0);
  for (int i = 0; i < 3; ++i) {
    auto r = policy::Take(b, s, 0);
    EXPECT_TRUE(r.allowed) << i;
    s = r.state;
  }
  auto r = policy::Take(b, s, 0);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.state.tokens, 0u);
}

TEST(TokenBucket, PartialRefillIsKeptExactly) {
  const policy::TokenBucket b{10, 1, kSecondNs};
  policy::BucketState s{0, 0, 0};
  auto r = policy::Take(b, s, kSecondNs / 2);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.state.credit, 500000000u);
  r = policy::Take(b, r.state, kSecondNs);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.state.tokens, 0u);
  EXPECT_EQ(r.state.credit, 0u);
  EXPECT_EQ(r.state.last_ns, kSecondNs);
}

TEST(TokenBucket, PerMinuteRateAndCap) {
  const policy::TokenBucket b{60, 7, policy::kMinuteNs};
  auto s = policy::Refill(b, {0, 0, 0}, policy::kMinuteNs);
  EXPECT_EQ(s.tokens, 7u);
  EXPECT_EQ(s.credit, 0u);
  s = policy::Refill(b, {0, 0, 0}, 10 * kSecondNs);  // 70e9 ticks of 60e9 per token
  EXPECT_EQ(s.tokens, 1u);
  EXPECT_EQ(s.credit, 10000000000u);
  s = policy::Refill(b, {59, 0, 0}, 100 * policy::kMinuteNs);
  EXPECT_EQ(s.tokens, 60u);
  EXPECT_EQ(s.credit, 0u);
}

TEST(TokenBucket, OlderEventRefillsNothing) {
  const policy::TokenBucket b{5, 1, kSecondNs};
  auto r = policy::Take(b, {2, 0, 10 * kSecondNs}, 3 * kSecondNs);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.state.tokens, 1u);
  EXPECT_EQ(r.state.last_ns, 10 * kSecondNs);
}

TEST(TokenBucket, ZeroCapacityOrNoRefill) {
  EXPECT_FALSE(policy::Take({0, 1, kSecondNs}, {0, 0, 0}, 100 * kSecondNs).allowed);
  EXPECT_FALSE(policy::Take({5, 0, kSecondNs}, {0, 0, 0}, 100 * kSecondNs).allowed);
  EXPECT_FALSE(policy::Take({5, 1, 0}, {0, 0, 0}, 100 * kSecondNs).allowed);
}

TEST(TokenBucket, HugeValuesDoNotOverflow) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const policy::TokenBucket b{UINT64_MAX, UINT64_MAX, 1};
  auto s = policy::Refill(b, {0, 0, kMin}, kMax);
  EXPECT_EQ(s.tokens, UINT64_MAX);
  const policy::TokenBucket slow{UINT64_MAX, 1, kMax};
  s = policy::Refill(slow, {0, 0, kMin}, kMax);  // 2^64 - 1 ns at 1 token per (2^63 - 1) ns
  EXPECT_EQ(s.tokens, 2u);
  EXPECT_EQ(s.credit, 1u);
}

}  // namespace
}  // namespace sov
