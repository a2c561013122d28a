// The peers view: per peer DID, what the node knows of that peer: its network peer id, addresses,
// agent card (name, description, capabilities), whether it is connected, connection and handshake
// counts, first and last seen (event time). Projector plus the queries `sov p2p peers` uses.
//
// Folded events: peer.connected (connected, connections++, address appended if new, peer id),
// peer.disconnected, agent.card_received (name, description, capabilities; addresses replaced by the
// card's when it lists any), agent.discovered (name and capabilities only while no card was received;
// peer id only if none is known yet: a connection's peer id is authoritative), handshake.completed,
// handshake.denied. peer.dial_failed names no DID and is ignored. At most kMaxPeerAddresses addresses
// are kept, the oldest dropped first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/projector.h"

namespace sov::pipeline {

inline constexpr size_t kMaxPeerAddresses = 16;

struct PeerInfo {
  std::string peer_did;
  std::string peer_id;
  std::vector<std::string> addresses;  // oldest first
  std::string name, description;
  std::vector<std::string> capabilities;
  bool connected = false;
  uint64_t connections = 0, handshakes = 0, handshake_denials = 0;
  int64_t first_seen_ns = 0, last_seen_ns = 0;
  int64_t card_received_at_ns = 0;  // 0 = no agent card received
};

std::unique_ptr<Projector> MakePeersProjector();

Result<std::optional<PeerInfo>> GetPeer(const store::Db& db, std::string_view peer_did);
// Every known peer in DID order.
Result<std::vector<PeerInfo>> ListPeers(const store::Db& db);

}  // namespace sov::pipeline
