#include "node/network_events.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "events_generated.h"
#include "pipeline/peers_view.h"
#include "store/base/text.h"
#include "store/envelope.h"

namespace sov::node {

// The host's enums use the schema's numbering; keep them in step.
static_assert(static_cast<int>(p2p::DisconnectCause::kShutdown) == static_cast<int>(fb::DisconnectReason::Shutdown));
static_assert(static_cast<int>(p2p::DisconnectCause::kDuplicate) == static_cast<int>(fb::DisconnectReason::Duplicate));
static_assert(static_cast<int>(p2p::ConnectFail::kDuplicate) == static_cast<int>(fb::ConnectFailReason::Duplicate));
static_assert(static_cast<int>(p2p::ConnectFail::kLimitReached) == static_cast<int>(fb::ConnectFailReason::LimitReached));

namespace {

// Every string that may carry a peer's bytes enters an event through here: valid UTF-8, no control
// characters, at most `max_bytes`.
std::string PeerText(std::string_view text, size_t max_bytes = store::kMaxEventDetailBytes) {
  return SanitizeAndClip(text, max_bytes);
}

std::vector<std::string> Texts(const std::vector<p2p::Multiaddr>& addrs) {
  std::vector<std::string> out;
  for (const auto& a : addrs) out.push_back(PeerText(a.ToString()));
  return out;
}

// The source a rejection is counted under: the IP address of /ip4|ip6/<ip>/tcp/<port>.
std::string SourceOf(const std::string& address) {
  auto ma = p2p::Multiaddr::Parse(address);
  if (!ma.ok()) return address;
  auto tcp = ma->Tcp();
  return tcp.ok() ? tcp->host : address;
}

}  // namespace

void NetworkEvents::OnConnected(const p2p::ConnectionInfo& c) {
  store::EnvelopeBuilder b;
  auto p = fb::CreatePeerConnectedDirect(b.fbb(), c.did.c_str(), c.peer.ToString().c_str(),
                                         c.remote_addr.ToString().c_str(), c.inbound);
  recorder_->Record(b.Finish(WallClockNs(), origin_, fb::Event::PeerConnected, p.Union()));
}

void NetworkEvents::OnDisconnected(const p2p::ConnectionInfo& c, p2p::DisconnectCause cause, const std::string& detail) {
  store::EnvelopeBuilder b;
  auto p = fb::CreatePeerDisconnectedDirect(b.fbb(), c.did.c_str(), c.peer.ToString().c_str(),
                                            static_cast<fb::DisconnectReason>(cause), c.remote_addr.ToString().c_str(),
                                            PeerText(detail).c_str());
  recorder_->Record(b.Finish(WallClockNs(), origin_, fb::Event::PeerDisconnected, p.Union()));
}

void NetworkEvents::OnDialFailed(const std::string& address, const std::string& peer_id, p2p::ConnectFail reason,
                                 const std::string& error) {
  store::EnvelopeBuilder b;
  auto p = fb::CreatePeerDialFailedDirect(b.fbb(), peer_id.c_str(), address.c_str(), PeerText(error).c_str(),
                                          static_cast<fb::ConnectFailReason>(reason));
  recorder_->Record(b.Finish(WallClockNs(), origin_, fb::Event::PeerDialFailed, p.Union()));
}

void NetworkEvents::OnInboundRejected(const std::string& address, const std::string& peer_id, p2p::ConnectFail reason,
                                      const std::string& error) {
  const int64_t now = WallClockNs();
  std::vector<policy::RejectionSummary> ended;
  const bool record = rejections_.Observe(SourceOf(address), p2p::ConnectFailName(reason), now, &ended);
  for (const auto& summary : ended) RecordSummary(summary);
  if (!record) return;
  spdlog::warn("p2p: inbound connection from {} rejected ({}): {}", address, p2p::ConnectFailName(reason),
               PeerText(error));
  store::EnvelopeBuilder b;
  auto p = fb::CreateConnectionRejectedDirect(b.fbb(), address.c_str(), peer_id.c_str(),
                                              static_cast<fb::ConnectFailReason>(reason), PeerText(error).c_str());
  recorder_->Record(b.Finish(now, origin_, fb::Event::ConnectionRejected, p.Union()));
}

void NetworkEvents::FlushRejections() {
  for (const auto& summary : rejections_.TakeEnded(WallClockNs())) RecordSummary(summary);
}

void NetworkEvents::RecordSummary(const policy::RejectionSummary& summary) {
  spdlog::warn("p2p: {}", summary.Text());
  store::EnvelopeBuilder b;
  std::string address = summary.source;
  if (address != "*") {
    address = (summary.source.find(':') == std::string::npos ? "/ip4/" : "/ip6/") + summary.source;
  }
  auto reason = fb::ConnectFailReason::Unknown;
  for (int r = 0; r <= static_cast<int>(p2p::ConnectFail::kDuplicate); ++r) {
    if (summary.MainReason() == p2p::ConnectFailName(static_cast<p2p::ConnectFail>(r))) {
      reason = static_cast<fb::ConnectFailReason>(r);
    }
  }
  auto p = fb::CreateConnectionRejectedDirect(b.fbb(), address.c_str(), "", reason, PeerText(summary.Text()).c_str(),
                                              static_cast<uint32_t>(std::min<uint64_t>(summary.count, UINT32_MAX)),
                                              summary.window_start_ns);
  recorder_->Record(b.Finish(WallClockNs(), origin_, fb::Event::ConnectionRejected, p.Union()));
}

void NetworkEvents::OnIdentified(const p2p::ConnectionInfo& c) {
  store::EnvelopeBuilder b;
  auto& fbb = b.fbb();
  std::vector<std::string> protocols;
  for (size_t i = 0; i < std::min(c.protocols.size(), pipeline::kMaxPeerProtocols); ++i) {
    protocols.push_back(PeerText(c.protocols[i]));
  }
  auto listen = Texts(c.listen_addrs);
  if (listen.size() > 16) listen.resize(16);
  auto protocols_off = fbb.CreateVectorOfStrings(protocols);
  auto listen_off = fbb.CreateVectorOfStrings(listen);
  auto payload = fb::CreatePeerIdentified(fbb, fbb.CreateString(c.did), fbb.CreateString(c.peer.ToString()),
                                          fbb.CreateString(PeerText(c.agent_version)), fbb.CreateString(PeerText(c.protocol_version)),
                                          protocols_off, listen_off, fbb.CreateString(PeerText(c.observed_addr.ToString())));
  recorder_->Record(b.Finish(WallClockNs(), origin_, fb::Event::PeerIdentified, payload.Union()));
}

void NetworkEvents::NodeStarted(const std::string& peer_id, const std::string& version,
                                const std::vector<std::string>& listen) {
  store::EnvelopeBuilder b;
  auto& fbb = b.fbb();
  auto listen_off = fbb.CreateVectorOfStrings(listen);
  auto payload = fb::CreateNodeStarted(fbb, fbb.CreateString(origin_), fbb.CreateString(peer_id),
                                       fbb.CreateString(version), listen_off);
  recorder_->Record(b.Finish(WallClockNs(), origin_, fb::Event::NodeStarted, payload.Union()));
}

void NetworkEvents::NodeStopped(const std::string& reason) {
  for (const auto& summary : rejections_.TakeAll()) RecordSummary(summary);
  store::EnvelopeBuilder b;
  auto p = fb::CreateNodeStoppedDirect(b.fbb(), origin_.c_str(), reason.c_str());
  recorder_->Record(b.Finish(WallClockNs(), origin_, fb::Event::NodeStopped, p.Union()));
}

}  // namespace sov::node
