#include "node/p2p/protocols/ping.h"

#include <sodium.h>

#include "node/p2p/transport/multistream.h"

namespace sov::p2p {

Task<void> PingProtocol::HandleInbound(std::shared_ptr<ByteStream> stream, std::string, ConnectionInfo info) {
  size_t& open = inbound_[info.id];
  if (open >= options_.max_inbound_streams) {
    stream->Reset();
    co_return;
  }
  ++open;
  const uint64_t id = info.id;
  for (;;) {
    auto payload = co_await ReadExact(*stream, kPingPayloadBytes, "ping");
    if (!payload.ok()) break;  // the client closed (or broke) the stream
    if (!(co_await stream->Write(*payload)).ok()) break;
  }
  (void)(co_await stream->CloseWrite());  // the stream ends here either way
  // The connection may have closed meanwhile (its count is gone): look it up
  // again. A count that reaches zero is dropped, so no entry outlives its streams.
  if (auto it = inbound_.find(id); it != inbound_.end() && --it->second == 0) inbound_.erase(it);
}

Task<Result<std::chrono::nanoseconds>> Ping(Swarm& swarm, PeerId peer, Clock::duration timeout) {
  auto opened = co_await swarm.NewStream(peer, OneProtocol(kPingProtocol));
  if (!opened.ok()) co_return opened.status();
  auto stream = opened->stream;
  std::string payload(kPingPayloadBytes, '\0');
  randombytes_buf(payload.data(), payload.size());
  Deadline deadline(swarm.executor(), timeout, [stream] { stream->Reset(); });
  auto start = Clock::now();
  if (Status s = co_await stream->Write(payload); !s.ok()) co_return s.WithContext("ping");
  auto echo = co_await ReadExact(*stream, kPingPayloadBytes, "ping");
  auto rtt = Clock::now() - start;
  (void)(co_await stream->CloseWrite());  // the stream ends here either way
  stream->Reset();
  if (deadline.expired()) co_return Status::Aborted("ping: no answer in time");
  if (!echo.ok()) co_return echo.status();
  if (*echo != payload) co_return Status::Corruption("ping: the peer echoed different bytes");
  co_return std::chrono::duration_cast<std::chrono::nanoseconds>(rtt);
}

}  // namespace sov::p2p
