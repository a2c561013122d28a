// Identify (/ipfs/id/1.0.0) as a Protocol. On every new connection it opens an identify stream,
// reads the peer's message (bounded, under a deadline), checks that the key in it is the
// connection's authenticated peer (else the connection is closed as a protocol error) and records
// what the peer said with the swarm. Inbound, it answers with this node's key, agent, listen
// addresses, protocols and the address it sees the peer at.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/swarm/protocol.h"
#include "node/p2p/swarm/swarm.h"

namespace sov::p2p {

inline constexpr std::string_view kIdentifyProtocol = "/ipfs/id/1.0.0";
// Agent and protocol version strings are kept to this many bytes (cut on a UTF-8 boundary).
// Peer strings are made valid UTF-8 without control characters first (SanitizeText).
inline constexpr size_t kMaxIdentifyVersionBytes = 256;
// Each protocol id the peer lists is kept to this many bytes.
inline constexpr size_t kMaxIdentifyProtocolIdBytes = 256;

struct IdentifyOptions {
  // Sent as agentVersion.
  std::string agent_version = "sov";
  // Sent as protocolVersion.
  std::string protocol_version = "ipfs/0.1.0";
  // Reading the peer's message, and waiting for the peer to close after our answer.
  Clock::duration timeout = std::chrono::seconds(10);
};

class IdentifyProtocol final : public Protocol {
 public:
  // `swarm` must outlive the protocol's coroutines (see Swarm's destructor note).
  IdentifyProtocol(Swarm& swarm, IdentifyOptions options) : swarm_(swarm), options_(std::move(options)) {}

  std::vector<std::string> ids() const override { return {std::string(kIdentifyProtocol)}; }
  void OnConnectionEstablished(const ConnectionInfo& info) override;
  Task<void> HandleInbound(std::shared_ptr<ByteStream> stream, std::string protocol_id, ConnectionInfo info) override;

 private:
  Task<void> Run(ConnectionInfo info);

  Swarm& swarm_;
  IdentifyOptions options_;
};

}  // namespace sov::p2p
