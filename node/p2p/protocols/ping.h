// Ping (/ipfs/ping/1.0.0) as a Protocol: inbound, every 32-byte payload is echoed until the peer
// closes, with at most `max_inbound_streams` ping streams at once per connection (the per-connection
// count lives here, dropped when the connection closes). Ping() is the client: one round trip.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/swarm/protocol.h"
#include "node/p2p/swarm/swarm.h"

namespace sov::p2p {

inline constexpr std::string_view kPingProtocol = "/ipfs/ping/1.0.0";
inline constexpr size_t kPingPayloadBytes = 32;

struct PingOptions {
  // Inbound ping streams one connection may hold open at once; more are reset.
  size_t max_inbound_streams = 2;
};

class PingProtocol final : public Protocol {
 public:
  explicit PingProtocol(PingOptions options) : options_(options) {}

  std::vector<std::string> ids() const override { return {std::string(kPingProtocol)}; }
  void OnConnectionClosed(const ConnectionInfo& info, DisconnectCause) override { inbound_.erase(info.id); }
  Task<void> HandleInbound(std::shared_ptr<ByteStream> stream, std::string protocol_id, ConnectionInfo info) override;

 private:
  PingOptions options_;
  std::map<uint64_t, size_t> inbound_;  // connection id -> open inbound ping streams
};

// One round trip to a connected peer: a random 32-byte payload that must come back unchanged
// within `timeout`. Returns the round-trip time.
Task<Result<std::chrono::nanoseconds>> Ping(Swarm& swarm, PeerId peer, Clock::duration timeout);

}  // namespace sov::p2p
