// Payment rules: how a call is paid (free, prepay, or post-pay for a trusted peer) and when a
// price quote is no longer valid, both on event time.
#pragma once

#include <cstdint>

namespace sov::policy {

enum class PaymentMode : uint8_t { kFree, kPrepay, kPostpay };

// A quote is valid for this long after it was made.
inline constexpr int64_t kQuoteTtlNs = 5LL * 60 * 1000000000;

// price == 0: kFree. Else kPostpay when the peer HasReputation and its score > kPostPayTrust
// (node/policy/trust.h; the boundary itself prepays), otherwise kPrepay.
PaymentMode PaymentModeFor(int64_t price, uint64_t outcomes, double score);
// quoted_at_ns + kQuoteTtlNs, saturating at INT64_MAX.
int64_t QuoteExpiresAt(int64_t quoted_at_ns);
// A quote is expired strictly after its expiry: now_ns > expires_at_ns (at the instant it is valid).
bool IsQuoteExpired(int64_t expires_at_ns, int64_t now_ns);

}  // namespace sov::policy
