// Trust thresholds: the named constants and the comparisons every decision on a peer's reputation
// score uses (handshake approval, the firewall's reputation gate, post-pay, publishing a change).
// A score is the reputation formula's value (node/policy/reputation.h), in [0, 1).
#pragma once

#include <cstdint>

namespace sov::policy {

// A peer whose score is at least this is trusted (not "below the minimum").
inline constexpr double kMinTrust = 0.3;
// A peer whose score is strictly above this may run paid calls first and pay later.
inline constexpr double kPostPayTrust = 0.7;
// Outcomes a peer needs before its score is judged at all (a new peer is neither trusted nor not).
inline constexpr uint64_t kReputationWarmup = 8;

// True when `outcomes` (successes + failures + timeouts) reach kReputationWarmup.
bool HasReputation(uint64_t outcomes);
// score >= kMinTrust (the boundary itself is trusted).
bool IsTrusted(double score);
// A known peer (HasReputation) that is not IsTrusted: the handshake does not auto-approve it.
bool IsDistrusted(uint64_t outcomes, double score);
// The firewall's reputation gate refuses the call: HasReputation, score > 0 and score < kMinTrust.
// A score of exactly 0 (no success at all) passes the gate, as the generator's firewall has always
// played it; such a peer is still stopped by IsDistrusted at the handshake.
bool FailsReputationGate(uint64_t outcomes, double score);
// True when the move from `old_score` to `new_score` crosses kMinTrust or kPostPayTrust in either
// direction (a score equal to a threshold is on its upper side).
bool CrossesTrustThreshold(double old_score, double new_score);

}  // namespace sov::policy
