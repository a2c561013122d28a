// Payment mode by price and trust, and quote expiry on event time.
#include <gtest/gtest.h>

#include <limits>

#include "node/policy/payment_mode.h"

namespace sov {
namespace {

using policy::PaymentMode;

TEST(PaymentMode, FreePrepayPostpay) {
  EXPECT_EQ(policy::PaymentModeFor(0, 100, 0.99), PaymentMode::kFree);
  EXPECT_EQ(policy::PaymentModeFor(2000, 8, 0.71), PaymentMode::kPostpay);
  EXPECT_EQ(policy::PaymentModeFor(2000, 8, 0.7), PaymentMode::kPrepay);  // the boundary prepays
  EXPECT_EQ(policy::PaymentModeFor(2000, 7, 0.99), PaymentMode::kPrepay);  // not warmed up
  EXPECT_EQ(policy::PaymentModeFor(2000, 50, 0.1), PaymentMode::kPrepay);
}

TEST(PaymentMode, QuoteExpiry) {
  EXPECT_EQ(policy::kQuoteTtlNs, 300000000000);
  EXPECT_EQ(policy::QuoteExpiresAt(1000), 300000001000);
  EXPECT_EQ(policy::QuoteExpiresAt(std::numeric_limits<int64_t>::max() - 5), std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(policy::IsQuoteExpired(500, 499));
  EXPECT_FALSE(policy::IsQuoteExpired(500, 500));
  EXPECT_TRUE(policy::IsQuoteExpired(500, 501));
}

}  // namespace
}  // namespace sov
