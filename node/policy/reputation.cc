#include "node/policy/reputation.h"

#include <cmath>

namespace sov::policy {

namespace {

double Decay(int64_t elapsed_ns) {
  return std::exp2(-static_cast<double>(elapsed_ns) / static_cast<double>(kReputationHalfLifeNs));
}

}  // namespace

double ReputationScore(double successes, double failures, double timeouts) {
  return successes / (successes + 2.0 * failures + 1.5 * timeouts + 1.0);
}

ReputationWeights AddOutcome(ReputationWeights w, ReputationOutcome outcome, int64_t ts_ns) {
  double weight_new = 1.0;
  if (ts_ns > w.last_ns) {
    const double factor = Decay(ts_ns - w.last_ns);
    w.success *= factor;
    w.failure *= factor;
    w.timeout *= factor;
    w.last_ns = ts_ns;
  } else if (ts_ns < w.last_ns) {
    weight_new = Decay(w.last_ns - ts_ns);
  }
  switch (outcome) {
    case ReputationOutcome::kSuccess: w.success += weight_new; break;
    case ReputationOutcome::kFailure: w.failure += weight_new; break;
    case ReputationOutcome::kTimeout: w.timeout += weight_new; break;
  }
  return w;
}

}  // namespace sov::policy
