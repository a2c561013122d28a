// The swarm: the node's table of live connections and the routing of their streams. It listens and
// accepts (refusing when the conn_manager says the table is full), dials through the dialer,
// upgrades every connection with the upgrader, keeps one connection per peer (a duplicate is
// resolved the same way on both ends), runs a yamux session on each, and routes every inbound stream
// by multistream-select to the Protocol serving that id, if the StreamGate admits it. Facts go to a
// HostObserver; connection opens and closes also go to every Protocol. Runs on one io_context
// thread: call it only from that thread.
#pragma once

#include <cstddef>  // before asio: see async.h

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "node/p2p/swarm/connection.h"
#include "node/p2p/swarm/options.h"
#include "node/p2p/swarm/protocol.h"
#include "node/p2p/transport/async.h"
#include "store/base/signer.h"
#include "store/base/status.h"

namespace sov::p2p {

class Swarm {
 public:
  // `identity`, `observer` (may be null) and `gate` (may be null: admit all) must outlive the swarm.
  // Before destroying a swarm that was started, co_await Shutdown() and let the io_context run the
  // woken coroutines to their end (the accept, maintenance and bootstrap loops refer to it).
  Swarm(Executor ex, const Signer& identity, SwarmOptions options, HostObserver* observer);
  ~Swarm();
  Swarm(const Swarm&) = delete;
  Swarm& operator=(const Swarm&) = delete;

  // Binds every listen address (errors name the address) and starts accepting.
  [[nodiscard]] Status Listen();
  // Starts the maintenance timer and the bootstrap dialler.
  void Start();
  // Stops accepting and dialling, closes every connection (cause kShutdown) and returns once they
  // have all been reported.
  Task<void> Shutdown();

  const PeerId& peer_id() const { return self_; }
  const std::string& did() const { return did_; }
  const Signer& identity() const { return identity_; }
  Executor executor() const;
  const SwarmOptions& options() const { return options_; }
  // The bound addresses (ports resolved; 0.0.0.0 / :: expanded to this machine's addresses).
  std::vector<Multiaddr> listen_addrs() const;

  // Serves `protocol`'s ids (each replaces the one serving it before) and tells it of connections.
  void AddProtocol(std::shared_ptr<Protocol> protocol);
  // One id served by a plain handler.
  void SetHandler(std::string protocol_id, StreamHandler handler);
  // Every id served, sorted.
  std::vector<std::string> protocols() const;
  // Consulted for every inbound stream (null: every served id is admitted). Must outlive the swarm.
  void SetGate(StreamGate* gate);
  // Consulted when connections are trimmed (null: every connection is worth 0). Must outlive the swarm.
  void SetValuer(PeerValuer* valuer);

  // Connects (or returns the existing connection to the address's /p2p peer).
  Task<Result<ConnectionInfo>> Connect(Multiaddr address);
  // Opens a stream to a connected peer (or on connection `connection_id`) and negotiates the first
  // of `protocols` the peer accepts.
  Task<Result<OutboundStream>> NewStream(PeerId peer, std::vector<std::string> protocols);
  Task<Result<OutboundStream>> NewStreamOn(uint64_t connection_id, std::vector<std::string> protocols);
  // Closes every connection to `peer` (cause kClosedLocally). Returns how many were closed.
  size_t Disconnect(const PeerId& peer);
  // Closes one connection with `cause` (a protocol's verdict, e.g. kProtocolError).
  void CloseConnection(uint64_t connection_id, DisconnectCause cause, std::string detail);
  // Records what identify learned on a live connection and reports OnIdentified.
  void SetIdentified(uint64_t connection_id, PeerIdentity identity);

  std::vector<ConnectionInfo> Connections() const;
  std::optional<ConnectionInfo> Connection(const PeerId& peer) const;
  std::optional<ConnectionInfo> ConnectionById(uint64_t connection_id) const;
  size_t connection_count() const;

 private:
  struct Conn;
  struct Impl;
  const Signer& identity_;
  PeerId self_;
  std::string did_;
  SwarmOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sov::p2p
