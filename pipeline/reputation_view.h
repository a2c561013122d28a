// The reputation view: per peer DID, counts of successes, failures and timeouts, a trust score with
// time decay, first seen and last interaction. Projector plus the queries `sov p2p reputation` uses.
//
// Score: node/policy/reputation.h (lango's s / (s + 2f + 1.5t + 1) on weights that halve every
// 30 days of event time), so a peer's old behaviour counts less than its recent behaviour. With no
// decay (all outcomes at one instant) the score equals lango's exactly. Range [0, 1); unknown peer = 0.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/projector.h"

namespace sov::pipeline {

struct ReputationInfo {
  std::string peer_did;
  uint64_t successes = 0, failures = 0, timeouts = 0;
  double score = 0;
  int64_t first_seen_ns = 0, last_interaction_ns = 0;
};

std::unique_ptr<Projector> MakeReputationProjector();

Result<std::optional<ReputationInfo>> GetReputation(const store::Db& db, std::string_view peer_did);
Result<std::vector<ReputationInfo>> ListReputation(const store::Db& db);

}  // namespace sov::pipeline
