// Host: the node's libp2p endpoint over TCP. Listens and dials; upgrades every connection with
// multistream-select -> Noise -> multistream-select -> yamux under a timeout per phase; routes
// inbound streams to protocol handlers by multistream-select; runs identify (/ipfs/id/1.0.0) and
// ping (/ipfs/ping/1.0.0); keeps at most `max_peers` connections (idle ones are trimmed to the low
// watermark, long-idle ones closed), resolves duplicate connections to one peer the same way on both
// ends, and re-dials bootstrap peers with backoff while none is connected. Every fact it observes is
// reported to a HostObserver (the node turns them into log events). Runs on one io_context thread:
// call it only from that thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "node/identity/key_pair_signer.h"
#include "node/p2p/wire/multiaddr.h"
#include "node/p2p/wire/peer_names.h"
#include "node/p2p/transport/yamux.h"
#include "store/base/status.h"

namespace sov::p2p {

inline constexpr std::string_view kIdentifyProtocol = "/ipfs/id/1.0.0";
inline constexpr std::string_view kPingProtocol = "/ipfs/ping/1.0.0";
inline constexpr std::string_view kNoiseProtocol = "/noise";
inline constexpr std::string_view kYamuxProtocol = "/yamux/1.0.0";
inline constexpr std::string_view kEchoProtocol = "/echo/1.0.0";

using namespace std::chrono_literals;

struct HostOptions {
  std::vector<Multiaddr> listen_addrs;
  std::vector<Multiaddr> bootstrap_peers;
  std::string agent_version = "sov";
  std::string protocol_version = "ipfs/0.1.0";
  size_t max_peers = 50;
  size_t low_watermark = 40;                     // trimming stops here
  Clock::duration dial_timeout = 10s;            // DNS + TCP connect
  Clock::duration negotiation_timeout = 10s;     // each multistream-select (connection and stream)
  Clock::duration handshake_timeout = 10s;       // the Noise handshake
  Clock::duration identify_timeout = 10s;
  Clock::duration idle_timeout = 300s;           // no open stream, no traffic: closed (0 = never)
  Clock::duration trim_grace = 20s;              // younger connections are never trimmed
  Clock::duration maintenance_interval = 1s;     // how often idle/limit trimming runs
  Clock::duration bootstrap_backoff_initial = 1s;
  Clock::duration bootstrap_backoff_max = 60s;
  size_t max_inbound_ping_streams = 2;           // per connection
  bool echo = false;                             // serve /echo/1.0.0 (interop and diagnostics)
  YamuxOptions yamux;
};

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

// Handles one inbound stream once its protocol is negotiated. The stream is closed (reset) when the
// handler returns without having closed it.
using StreamHandler = std::function<Task<void>(std::shared_ptr<ByteStream> stream, ConnectionInfo peer)>;

struct OutboundStream {
  std::shared_ptr<ByteStream> stream;
  std::string protocol;
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
  Status Listen();
  // Starts the maintenance timer and the bootstrap dialler.
  void Start();
  // Stops accepting and dialling, closes every connection (cause kShutdown) and returns once they
  // have all been reported.
  Task<void> Shutdown();

  const PeerId& peer_id() const { return self_; }
  const std::string& did() const { return did_; }
  // The bound addresses (ports resolved; 0.0.0.0 / :: expanded to this machine's addresses).
  std::vector<Multiaddr> listen_addrs() const;
  const HostOptions& options() const { return options_; }

  // Registers a handler for inbound streams of `protocol` (replaces an existing one).
  void SetHandler(std::string protocol, StreamHandler handler);
  std::vector<std::string> protocols() const;

  // Connects (or returns the existing connection to the address's /p2p peer).
  Task<Result<ConnectionInfo>> Connect(Multiaddr address);
  // Opens a stream to a connected peer and negotiates the first of `protocols` the peer accepts.
  // (Arguments are taken by value: a coroutine may start after the caller's temporaries are gone.)
  Task<Result<OutboundStream>> NewStream(PeerId peer, std::vector<std::string> protocols);
  // One /ipfs/ping/1.0.0 round trip.
  Task<Result<std::chrono::nanoseconds>> Ping(PeerId peer);
  // Closes every connection to `peer` (cause kClosedLocally). Returns how many were closed.
  size_t Disconnect(const PeerId& peer);

  std::vector<ConnectionInfo> Connections() const;
  std::optional<ConnectionInfo> Connection(const PeerId& peer) const;
  size_t connection_count() const;

 private:
  struct Conn;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  PeerId self_;
  std::string did_;
  HostOptions options_;
};

}  // namespace sov::p2p
