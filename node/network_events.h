// Turns what the host observes (connections, dial failures, rejected inbound connections, identify
// results) into log events: peer.connected, peer.disconnected, peer.dial_failed,
// connection.rejected, peer.identified. Also builds node.started and node.stopped. Event time is the
// wall clock when the fact was observed. Rejected inbound connections go through a RejectionWindow:
// a few per source address and minute are recorded, the rest summarized.
#pragma once

#include <string>
#include <vector>

#include "node/event_recorder.h"
#include "node/policy/rejection_window.h"
#include "node/p2p/swarm/connection.h"
#include "store/base/clock.h"

namespace sov::node {

class NetworkEvents final : public p2p::HostObserver {
 public:
  NetworkEvents(EventRecorder* recorder, std::string origin_did) : recorder_(recorder), origin_(std::move(origin_did)) {}

  void OnConnected(const p2p::ConnectionInfo& c) override;
  void OnDisconnected(const p2p::ConnectionInfo& c, p2p::DisconnectCause cause, const std::string& detail) override;
  void OnDialFailed(const std::string& address, const std::string& peer_id, p2p::ConnectFail reason,
                    const std::string& error) override;
  void OnInboundRejected(const std::string& address, const std::string& peer_id, p2p::ConnectFail reason,
                         const std::string& error) override;
  void OnIdentified(const p2p::ConnectionInfo& c) override;

  // Records the summaries of rejection windows that have ended (call about once a second).
  void FlushRejections();

  void NodeStarted(const std::string& peer_id, const std::string& version, const std::vector<std::string>& listen);
  void NodeStopped(const std::string& reason);

 private:
  void RecordSummary(const policy::RejectionSummary& summary);

  EventRecorder* recorder_;
  std::string origin_;
  policy::RejectionWindow rejections_;
};

}  // namespace sov::node
