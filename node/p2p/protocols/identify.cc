#include "node/p2p/protocols/identify.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "node/p2p/transport/multistream.h"
#include "node/p2p/wire/identify_message.h"
#include "store/base/text.h"

namespace sov::p2p {

void IdentifyProtocol::OnConnectionEstablished(const ConnectionInfo& info) {
  Spawn(swarm_.executor(), Run(info), "p2p identify");
}

Task<void> IdentifyProtocol::Run(ConnectionInfo info) {
  auto opened = co_await swarm_.NewStreamOn(info.id, OneProtocol(kIdentifyProtocol));
  if (!opened.ok()) {
    spdlog::debug("p2p: identify {}: {}", info.peer.ToString(), opened.status().message());
    co_return;
  }
  auto stream = opened->stream;
  Result<std::string> bytes = Status::Aborted("no identify message");
  {
    Deadline deadline(swarm_.executor(), options_.timeout, [stream] { stream->Reset(); });
    bytes = co_await ReadLengthPrefixed(*stream, kMaxIdentifyMessage, "identify");
    if (bytes.ok()) (void)(co_await stream->CloseWrite());  // reset just below either way
  }
  stream->Reset();
  if (!bytes.ok()) {
    spdlog::info("p2p: identify {} failed: {}", info.peer.ToString(), bytes.status().message());
    co_return;
  }
  auto message = DecodeIdentify(*bytes);
  if (!message.ok()) {
    swarm_.CloseConnection(info.id, DisconnectCause::kProtocolError, message.status().message());
    co_return;
  }
  auto key = DecodePublicKey(message->public_key);
  if (!key.ok() || PeerId::FromPublicKey(*key) != info.peer) {
    swarm_.CloseConnection(info.id, DisconnectCause::kProtocolError,
                           "identify: the public key is not the connection's peer");
    co_return;
  }
  PeerIdentity said;
  said.agent_version = SanitizeAndClip(message->agent_version, kMaxIdentifyVersionBytes);
  said.protocol_version = SanitizeAndClip(message->protocol_version, kMaxIdentifyVersionBytes);
  for (const auto& p : message->protocols) said.protocols.push_back(SanitizeAndClip(p, kMaxIdentifyProtocolIdBytes));
  std::sort(said.protocols.begin(), said.protocols.end());
  for (const auto& b : message->listen_addrs) {
    if (auto a = Multiaddr::FromBytes(b); a.ok()) said.listen_addrs.push_back(*a);
  }
  if (auto o = Multiaddr::FromBytes(message->observed_addr); o.ok()) said.observed_addr = *o;
  swarm_.SetIdentified(info.id, std::move(said));
}

Task<void> IdentifyProtocol::HandleInbound(std::shared_ptr<ByteStream> stream, std::string, ConnectionInfo info) {
  if (!swarm_.ConnectionById(info.id)) co_return;  // closed meanwhile
  IdentifyMessage m;
  m.protocol_version = options_.protocol_version;
  m.agent_version = options_.agent_version;
  m.public_key = EncodeEd25519PublicKey(swarm_.identity().public_key());
  for (const auto& a : swarm_.listen_addrs()) m.listen_addrs.push_back(a.ToBytes());
  m.observed_addr = info.remote_addr.ToBytes();
  m.protocols = swarm_.protocols();
  if (Status s = co_await WriteLengthPrefixed(*stream, EncodeIdentify(m)); !s.ok()) co_return;
  (void)(co_await stream->CloseWrite());  // the stream ends here either way
  char drain[256];
  Deadline deadline(swarm_.executor(), options_.timeout, [stream] { stream->Reset(); });
  while (true) {  // wait for the opener to close (bounded by the deadline)
    auto n = co_await stream->ReadSome(std::span<char>(drain, sizeof drain));
    if (!n.ok() || *n == 0) break;
  }
}

}  // namespace sov::p2p
