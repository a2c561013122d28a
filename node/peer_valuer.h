// ReputationValuer: what a connection is worth when the swarm must trim some (p2p::PeerValuer),
// read from the reputation view: the peer's trust score (node/policy/reputation.h) in millionths,
// 0 for a peer the view does not know. Called on the network thread only when trimming; one view
// read per candidate connection.
#pragma once

#include "node/p2p/swarm/protocol.h"
#include "store/db.h"

namespace sov::node {

class ReputationValuer final : public p2p::PeerValuer {
 public:
  // `db` (the node's log, views included) must outlive the valuer.
  explicit ReputationValuer(const store::Db& db) : db_(db) {}
  int64_t ValueOf(const p2p::ConnectionInfo& info) override;

 private:
  const store::Db& db_;
};

}  // namespace sov::node
