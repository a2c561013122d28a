// A request_response protocol on the swarm: the Protocol that serves one request per inbound stream
// with a handler that also knows the connection (its peer, its id), and Request(), the client that
// opens a stream to a connected peer and makes one request. Every /sov/ protocol is one of these
// plus its message codec. The framing, bounds and deadlines are request_response.h's.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "node/p2p/protocols/request_response.h"
#include "node/p2p/swarm/protocol.h"
#include "node/p2p/swarm/swarm.h"

namespace sov::p2p {

class RequestResponseProtocol final : public Protocol {
 public:
  // Gets the request body and the connection it came on; returns the response body or an error
  // (the stream is then reset).
  using Handler = std::function<Task<Result<std::string>>(std::string request, ConnectionInfo connection)>;

  // Serves `ids` (e.g. the versions of one protocol) on `ex`, each request under `options`.
  RequestResponseProtocol(Executor ex, std::vector<std::string> ids, RequestResponseOptions options, Handler handler)
      : ex_(std::move(ex)), ids_(std::move(ids)), options_(options), handler_(std::move(handler)) {}

  std::vector<std::string> ids() const override { return ids_; }
  Task<void> HandleInbound(std::shared_ptr<ByteStream> stream, std::string protocol_id, ConnectionInfo info) override;

  // Requests served (a response written) and failed, since start.
  uint64_t served() const { return served_; }
  uint64_t failed() const { return failed_; }

 private:
  Executor ex_;
  std::vector<std::string> ids_;
  RequestResponseOptions options_;
  Handler handler_;
  uint64_t served_ = 0, failed_ = 0;
};

// Opens a stream for `protocol_id` to the connected `peer` and makes one request under `options`.
Task<Result<std::string>> Request(Swarm& swarm, PeerId peer, std::string protocol_id, std::string request,
                                  RequestResponseOptions options);

}  // namespace sov::p2p
