#include "node/p2p/protocols/request_response_protocol.h"

#include <spdlog/spdlog.h>

namespace sov::p2p {

Task<void> RequestResponseProtocol::HandleInbound(std::shared_ptr<ByteStream> stream, std::string protocol_id,
                                                  ConnectionInfo info) {
  Handler handler = handler_;  // a copy: the protocol may be replaced while a request runs
  const std::string peer = info.peer.ToString();
  RequestHandler bound = [handler, info = std::move(info)](std::string request) {
    return handler(std::move(request), info);
  };
  Status s = co_await ServeRequest(ex_, std::move(stream), std::move(bound), options_, protocol_id);
  if (s.ok()) {
    ++served_;
  } else {
    ++failed_;
    spdlog::debug("p2p: {} request from {} failed: {}", protocol_id, peer, s.message());
  }
}

Task<Result<std::string>> Request(Swarm& swarm, PeerId peer, std::string protocol_id, std::string request,
                                  RequestResponseOptions options) {
  std::vector<std::string> wanted{protocol_id};
  auto opened = co_await swarm.NewStream(std::move(peer), std::move(wanted));
  if (!opened.ok()) co_return opened.status().WithContext(protocol_id);
  co_return co_await SendRequest(swarm.executor(), opened->stream, std::move(request), options, std::move(protocol_id));
}

}  // namespace sov::p2p
