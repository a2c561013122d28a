#include "node/peer_valuer.h"

#include <cmath>

#include "pipeline/reputation_view.h"

namespace sov::node {

int64_t ReputationValuer::ValueOf(const p2p::ConnectionInfo& info) {
  if (info.did.empty()) return 0;
  auto r = pipeline::GetReputation(db_, info.did);
  if (!r.ok() || !r->has_value()) return 0;  // unknown (or unreadable): worth what a stranger is
  return static_cast<int64_t>(std::llround((*r)->score * 1e6));
}

}  // namespace sov::node
