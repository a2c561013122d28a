// The seam between the swarm and what runs on its connections. A Protocol serves inbound streams of
// the protocol ids it names and hears of every connection that opens and closes (per-connection
// state lives inside the protocol, keyed by ConnectionInfo::id). A StreamGate decides, before a
// protocol id is accepted in multistream-select, whether a stream for it may be served on that
// connection (the sov handshake will gate every /sov/ protocol this way); a refused id is answered
// "na", as one the node does not speak. A PeerValuer tells the conn_manager what a connection is
// worth when some must be trimmed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/swarm/connection.h"
#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"

namespace sov::p2p {

class Protocol {
 public:
  virtual ~Protocol() = default;
  // The multistream-select ids this protocol serves.
  virtual std::vector<std::string> ids() const = 0;
  // A connection was registered (after the observer heard of it). Runs on the swarm's thread; may
  // spawn coroutines (identify opens its stream from here).
  virtual void OnConnectionEstablished(const ConnectionInfo&) {}
  // A registered connection ended (after the observer heard of it).
  virtual void OnConnectionClosed(const ConnectionInfo&, DisconnectCause) {}
  // Serves one inbound stream whose protocol `protocol_id` was negotiated. The swarm resets the
  // stream when this returns without having closed it.
  virtual Task<void> HandleInbound(std::shared_ptr<ByteStream> stream, std::string protocol_id,
                                   ConnectionInfo info) = 0;
};

class StreamGate {
 public:
  virtual ~StreamGate() = default;
  // Whether an inbound stream for `protocol_id` may be served on the connection `info`.
  virtual bool Admit(const ConnectionInfo& info, std::string_view protocol_id) = 0;
};

class PeerValuer {
 public:
  virtual ~PeerValuer() = default;
  // What keeping the connection `info` is worth when connections must be trimmed: higher is kept
  // longer (e.g. an open session, a good reputation). Called on the swarm's thread; keep it cheap.
  virtual int64_t ValueOf(const ConnectionInfo& info) = 0;
};

// Handles one inbound stream once its protocol is negotiated (the plain-function form of a Protocol
// with one id and no connection callbacks). The stream is closed (reset) when the handler returns
// without having closed it.
using StreamHandler = std::function<Task<void>(std::shared_ptr<ByteStream> stream, ConnectionInfo peer)>;

}  // namespace sov::p2p
