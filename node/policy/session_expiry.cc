#include "node/policy/session_expiry.h"

#include <algorithm>
#include <limits>

namespace sov::policy {

int64_t SessionExpiresAt(int64_t created_at_ns, int64_t requested_ttl_ns, int64_t max_ttl_ns) {
  const int64_t ttl = std::max<int64_t>(0, requested_ttl_ns <= 0 ? max_ttl_ns : std::min(requested_ttl_ns, max_ttl_ns));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return created_at_ns > kMax - ttl ? kMax : created_at_ns + ttl;
}

bool IsSessionExpired(int64_t expires_at_ns, int64_t now_ns) { return expires_at_ns <= now_ns; }

}  // namespace sov::policy
