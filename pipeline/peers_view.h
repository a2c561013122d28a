// The peers view: per peer DID, what the node knows of that peer: its network peer id, addresses,
// agent card (name, description, capabilities), what it said about itself over identify (agent and
// protocol version, protocols, how it saw this node), whether it is connected, connection, disconnect
// and handshake counts, the last disconnect's reason, first and last seen (event time). Projector plus
// the queries `sov p2p peers` uses.
//
// Folded events: peer.connected (connected, connections++, address appended if new, peer id),
// peer.disconnected (connected = false, disconnects++, last reason and detail), peer.identified
// (agent version, protocol version, protocols and observed address replaced by the latest identify;
// listen addresses merged into the addresses; peer id only if none is known yet), agent.card_received
// (name, description, capabilities; addresses replaced by the card's when it lists any),
// agent.discovered (name and capabilities only while no card was received; peer id only if none is
// known yet: a connection's peer id is authoritative), handshake.completed, handshake.denied.
// node.started / node.stopped of this node (the event's `did` is the envelope's origin, or empty) mark
// every connected peer disconnected without counting a disconnect: the connections of a process that
// stopped (or crashed: then only the next node.started says so) are gone. peer.dial_failed and
// connection.rejected name no DID and are ignored.
//
// Bounds (a peer chooses what it sends): at most kMaxPeerAddresses addresses are kept, the oldest
// dropped first, and an address longer than kMaxPeerTextBytes is not kept; protocols are sorted,
// deduplicated, ids longer than kMaxProtocolIdBytes dropped, the first kMaxPeerProtocols kept; agent
// version, protocol version and disconnect detail are cut to kMaxPeerTextBytes (at a UTF-8 boundary).
//
// Keys: a peer's record lives under its DID. The key kConnectedSetKey ("\x01connected") holds the
// sorted DIDs of the peers whose record says connected (absent = none), kept by peer.connected /
// peer.disconnected, so node.started / node.stopped can reach exactly those records (a projector
// cannot scan its view). Peer DIDs starting with byte 0 or 1 are ignored (reserved keys).
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
inline constexpr size_t kMaxPeerProtocols = 64;
inline constexpr size_t kMaxProtocolIdBytes = 256;
inline constexpr size_t kMaxPeerTextBytes = 1024;
inline constexpr std::string_view kConnectedSetKey{"\x01" "connected", 10};

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
  // From the latest peer.identified.
  std::string agent_version, protocol_version;
  std::vector<std::string> protocols;  // sorted, unique, bounded
  std::string observed_addr;           // this node's address as the peer saw it
  int64_t identified_at_ns = 0;        // 0 = never identified
  uint64_t disconnects = 0;
  std::string last_disconnect_reason;  // snake_case ("closed_by_peer"); empty until a disconnect
  std::string last_disconnect_detail;
};

std::unique_ptr<Projector> MakePeersProjector();

// The protocol list as the view keeps it: empty ids and ids longer than kMaxProtocolIdBytes
// dropped, sorted, deduplicated, the first kMaxPeerProtocols kept.
std::vector<std::string> NormalizeProtocols(std::vector<std::string> protocols);

Result<std::optional<PeerInfo>> GetPeer(const store::Db& db, std::string_view peer_did);
// Every known peer in DID order.
Result<std::vector<PeerInfo>> ListPeers(const store::Db& db);
// The connected peers in DID order (read through the connected set, not a scan).
Result<std::vector<PeerInfo>> ListConnectedPeers(const store::Db& db);

}  // namespace sov::pipeline
