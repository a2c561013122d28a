// Host: the node's libp2p endpoint, the facade over the swarm and the standard protocols. It owns a
// Swarm (listen, dial, upgrade, limits, stream routing; see node/p2p/swarm/swarm.h) and serves
// identify (/ipfs/id/1.0.0), ping (/ipfs/ping/1.0.0) and, when asked, echo (/echo/1.0.0) on it.
// Other protocols are added with AddProtocol or SetHandler. Every fact it observes is reported to a
// HostObserver (the node turns them into log events). Runs on one io_context thread: call it only
// from that thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/p2p/protocols/echo.h"
#include "node/p2p/protocols/identify.h"
#include "node/p2p/protocols/ping.h"
#include "node/p2p/swarm/connection.h"
#include "node/p2p/swarm/options.h"
#include "node/p2p/swarm/protocol.h"
#include "node/p2p/swarm/swarm.h"
#include "node/p2p/transport/async.h"
#include "store/base/signer.h"
#include "store/base/status.h"

namespace sov::p2p {

// The swarm's options (connections, limits, timeouts; documented in swarm/options.h) and the
// standard protocols'.
struct HostOptions : SwarmOptions {
  // identify's agentVersion and protocolVersion.
  std::string agent_version = "sov";
  std::string protocol_version = "ipfs/0.1.0";
  // Reading a peer's identify message (and waiting for it to close after ours).
  Clock::duration identify_timeout = 10s;
  // Inbound ping streams one connection may hold open at once; more are reset.
  size_t max_inbound_ping_streams = 2;
  // Serve /echo/1.0.0 (interop and diagnostics).
  bool echo = false;
};

class Host {
 public:
  // `identity` and `observer` (may be null) must outlive the host. Before destroying a host that
  // was started, co_await Shutdown() and let the io_context run the woken coroutines to their end
  // (the accept, maintenance and bootstrap loops refer to the host).
  Host(Executor ex, const Signer& identity, HostOptions options, HostObserver* observer);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Binds every listen address (errors name the address) and starts accepting.
  [[nodiscard]] Status Listen() { return swarm_.Listen(); }
  // Starts the maintenance timer and the bootstrap dialler.
  void Start() { swarm_.Start(); }
  // Stops accepting and dialling, closes every connection (cause kShutdown) and returns once they
  // have all been reported.
  Task<void> Shutdown() { return swarm_.Shutdown(); }

  const PeerId& peer_id() const { return swarm_.peer_id(); }
  const std::string& did() const { return swarm_.did(); }
  // The bound addresses (ports resolved; 0.0.0.0 / :: expanded to this machine's addresses).
  std::vector<Multiaddr> listen_addrs() const { return swarm_.listen_addrs(); }
  const HostOptions& options() const { return options_; }
  Swarm& swarm() { return swarm_; }

  // Serves `protocol`'s ids (each replaces the one serving it before).
  void AddProtocol(std::shared_ptr<Protocol> protocol) { swarm_.AddProtocol(std::move(protocol)); }
  // Registers a handler for inbound streams of `protocol` (replaces an existing one).
  void SetHandler(std::string protocol, StreamHandler handler) { swarm_.SetHandler(std::move(protocol), std::move(handler)); }
  std::vector<std::string> protocols() const { return swarm_.protocols(); }
  // Consulted before any inbound stream is served (null: admit all). Must outlive the host.
  void SetGate(StreamGate* gate) { swarm_.SetGate(gate); }
  // Consulted when connections are trimmed (null: all worth the same). Must outlive the host.
  void SetValuer(PeerValuer* valuer) { swarm_.SetValuer(valuer); }

  // Connects (or returns the existing connection to the address's /p2p peer).
  Task<Result<ConnectionInfo>> Connect(Multiaddr address) { return swarm_.Connect(std::move(address)); }
  // Opens a stream to a connected peer and negotiates the first of `protocols` the peer accepts.
  // (Arguments are taken by value: a coroutine may start after the caller's temporaries are gone.)
  Task<Result<OutboundStream>> NewStream(PeerId peer, std::vector<std::string> protocols) {
    return swarm_.NewStream(std::move(peer), std::move(protocols));
  }
  // One /ipfs/ping/1.0.0 round trip (answer within the negotiation timeout).
  Task<Result<std::chrono::nanoseconds>> Ping(PeerId peer) {
    return p2p::Ping(swarm_, std::move(peer), options_.negotiation_timeout);
  }
  // Closes every connection to `peer` (cause kClosedLocally). Returns how many were closed.
  size_t Disconnect(const PeerId& peer) { return swarm_.Disconnect(peer); }

  std::vector<ConnectionInfo> Connections() const { return swarm_.Connections(); }
  std::optional<ConnectionInfo> Connection(const PeerId& peer) const { return swarm_.Connection(peer); }
  size_t connection_count() const { return swarm_.connection_count(); }

 private:
  HostOptions options_;
  Swarm swarm_;
};

}  // namespace sov::p2p
