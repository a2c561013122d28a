// The reputation score formula and its decay on event time: the one implementation used by the
// reputation view (decayed weights) and the workload generator (raw counts).
//
// Score: lango's s / (s + 2f + 1.5t + 1). Each outcome's weight halves every kReputationHalfLifeNs
// of event time, measured back from the peer's latest interaction. With no decay (all outcomes at
// one instant) the score on weights equals the score on counts. Range [0, 1); no outcome = 0.
#pragma once

#include <cstdint>

namespace sov::policy {

inline constexpr int64_t kReputationHalfLifeNs = 30LL * 24 * 3600 * 1000000000;  // 30 days

double ReputationScore(double successes, double failures, double timeouts);

enum class ReputationOutcome : uint8_t { kSuccess, kFailure, kTimeout };

// A peer's decayed weights, as of its latest interaction `last_ns`.
struct ReputationWeights {
  double success = 0, failure = 0, timeout = 0;
  int64_t last_ns = 0;
};

// Folds one outcome at event time `ts_ns` into `w`: a later outcome first decays the existing
// weights by 2^(-(ts - last) / half-life) and becomes the latest interaction; an older one is added
// with weight 2^(-(last - ts) / half-life); one at `last_ns` weighs 1.
ReputationWeights AddOutcome(ReputationWeights w, ReputationOutcome outcome, int64_t ts_ns);

}  // namespace sov::policy
