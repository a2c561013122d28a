// Session expiry on event time: when a new session ends, and whether it has ended at a given instant.
#pragma once

#include <cstdint>

namespace sov::policy {

// The longest a session lives (lango's 24 h).
inline constexpr int64_t kSessionTtlNs = 24LL * 3600 * 1000000000;

// created_at_ns + min(requested_ttl_ns, max_ttl_ns); a requested_ttl_ns <= 0 means "none asked"
// (max_ttl_ns applies). Saturates at INT64_MAX instead of overflowing.
int64_t SessionExpiresAt(int64_t created_at_ns, int64_t requested_ttl_ns, int64_t max_ttl_ns = kSessionTtlNs);
// A session is expired from its expiry instant on: expires_at_ns <= now_ns.
bool IsSessionExpired(int64_t expires_at_ns, int64_t now_ns);

}  // namespace sov::policy
