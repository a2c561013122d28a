#include "node/policy/payment_mode.h"

#include <limits>

#include "node/policy/trust.h"

namespace sov::policy {

PaymentMode PaymentModeFor(int64_t price, uint64_t outcomes, double score) {
  if (price == 0) return PaymentMode::kFree;
  if (HasReputation(outcomes) && score > kPostPayTrust) return PaymentMode::kPostpay;
  return PaymentMode::kPrepay;
}

int64_t QuoteExpiresAt(int64_t quoted_at_ns) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return quoted_at_ns > kMax - kQuoteTtlNs ? kMax : quoted_at_ns + kQuoteTtlNs;
}

bool IsQuoteExpired(int64_t expires_at_ns, int64_t now_ns) { return now_ns > expires_at_ns; }

}  // namespace sov::policy
