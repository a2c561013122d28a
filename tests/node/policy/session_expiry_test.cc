// Session expiry: min(requested, ttl), saturation, and the boundary instant.
#include <gtest/gtest.h>

#include <limits>

#include "node/policy/session_expiry.h"

namespace sov {
namespace {

TEST(SessionExpiry, ExpiresAtMinOfRequestedAndTtl) {
  EXPECT_EQ(policy::kSessionTtlNs, 86400000000000);
  EXPECT_EQ(policy::SessionExpiresAt(10, 0), 10 + 86400000000000);
  EXPECT_EQ(policy::SessionExpiresAt(10, -3), 10 + 86400000000000);
  EXPECT_EQ(policy::SessionExpiresAt(10, 50), 60);
  EXPECT_EQ(policy::SessionExpiresAt(10, 500, 100), 110);
  EXPECT_EQ(policy::SessionExpiresAt(std::numeric_limits<int64_t>::max() - 1, 50),
            std::numeric_limits<int64_t>::max());
}

TEST(SessionExpiry, ExpiredFromTheInstantOn) {
  EXPECT_FALSE(policy::IsSessionExpired(100, 99));
  EXPECT_TRUE(policy::IsSessionExpired(100, 100));
  EXPECT_TRUE(policy::IsSessionExpired(100, 101));
}

}  // namespace
}  // namespace sov
