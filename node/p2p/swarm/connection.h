// The facts about one connection that the swarm shares with its protocols and its observer: who is
// at the other end (ConnectionInfo), why a connection ended or never started (DisconnectCause,
// ConnectFail), what identify learned (PeerIdentity), and the HostObserver that turns these facts
// into log events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "node/p2p/transport/byte_stream.h"
#include "node/p2p/wire/multiaddr.h"
#include "node/p2p/wire/peer_names.h"

namespace sov::p2p {

// Same numbering as fb::DisconnectReason and fb::ConnectFailReason (the node casts between them).
enum class DisconnectCause : uint8_t {
  kUnknown = 0, kClosedByPeer, kClosedLocally, kError, kIdleTimeout, kEvicted, kProtocolError, kFlowControl,
  kStreamLimit, kKeepaliveTimeout, kDuplicate, kShutdown,
};
enum class ConnectFail : uint8_t {
  kUnknown = 0, kTimeout, kRefused, kNegotiationFailed, kNoiseFailed, kPeerIdMismatch, kLimitReached,
  kUnreachable, kBadSignature, kSelf, kDuplicate,
};
const char* DisconnectCauseName(DisconnectCause cause);  // snake_case
const char* ConnectFailName(ConnectFail reason);

// What the peer said about itself in identify (bounded and parsed by the identify protocol).
struct PeerIdentity {
  std::string agent_version, protocol_version;
  std::vector<std::string> protocols;  // sorted
  std::vector<Multiaddr> listen_addrs;
  Multiaddr observed_addr;             // how the peer sees us
};

struct ConnectionInfo {
  uint64_t id = 0;
  PeerId peer;
  std::string did;            // did:key of the peer's Ed25519 identity
  Multiaddr remote_addr;      // ip/tcp of the other end
  bool inbound = false;
  int64_t opened_at_ns = 0;   // wall clock, for display
  size_t open_streams = 0;
  // From identify (empty until it completes).
  bool identified = false;
  std::string agent_version, protocol_version;
  std::vector<std::string> protocols;
  std::vector<Multiaddr> listen_addrs;
  Multiaddr observed_addr;
};

class HostObserver {
 public:
  virtual ~HostObserver() = default;
  virtual void OnConnected(const ConnectionInfo&) {}
  virtual void OnDisconnected(const ConnectionInfo&, DisconnectCause, const std::string& /*detail*/) {}
  // `peer_id` is the expected or authenticated id, or "" when unknown.
  virtual void OnDialFailed(const std::string& /*address*/, const std::string& /*peer_id*/, ConnectFail,
                            const std::string& /*error*/) {}
  virtual void OnInboundRejected(const std::string& /*address*/, const std::string& /*peer_id*/, ConnectFail,
                                 const std::string& /*error*/) {}
  virtual void OnIdentified(const ConnectionInfo&) {}
};

// A stream we opened, with the protocol the peer accepted.
struct OutboundStream {
  std::shared_ptr<ByteStream> stream;
  std::string protocol;
};

}  // namespace sov::p2p
