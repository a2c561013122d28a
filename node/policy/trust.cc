#include "node/policy/trust.h"

namespace sov::policy {

bool HasReputation(uint64_t outcomes) { return outcomes >= kReputationWarmup; }

bool IsTrusted(double score) { return score >= kMinTrust; }

bool IsDistrusted(uint64_t outcomes, double score) { return HasReputation(outcomes) && !IsTrusted(score); }

bool FailsReputationGate(uint64_t outcomes, double score) {
  return HasReputation(outcomes) && score > 0 && !IsTrusted(score);
}

bool CrossesTrustThreshold(double old_score, double new_score) {
  auto crossed = [&](double t) { return (old_score < t) != (new_score < t); };
  return crossed(kMinTrust) || crossed(kPostPayTrust);
}

}  // namespace sov::policy
