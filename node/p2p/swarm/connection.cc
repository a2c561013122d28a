#include "node/p2p/swarm/connection.h"

namespace sov::p2p {

const char* DisconnectCauseName(DisconnectCause cause) {
  switch (cause) {
    case DisconnectCause::kClosedByPeer: return "closed_by_peer";
    case DisconnectCause::kClosedLocally: return "closed_locally";
    case DisconnectCause::kError: return "error";
    case DisconnectCause::kIdleTimeout: return "idle_timeout";
    case DisconnectCause::kEvicted: return "evicted";
    case DisconnectCause::kProtocolError: return "protocol_error";
    case DisconnectCause::kFlowControl: return "flow_control";
    case DisconnectCause::kStreamLimit: return "stream_limit";
    case DisconnectCause::kKeepaliveTimeout: return "keepalive_timeout";
    case DisconnectCause::kDuplicate: return "duplicate";
    case DisconnectCause::kShutdown: return "shutdown";
    case DisconnectCause::kUnknown: break;
  }
  return "unknown";
}

const char* ConnectFailName(ConnectFail reason) {
  switch (reason) {
    case ConnectFail::kTimeout: return "timeout";
    case ConnectFail::kRefused: return "refused";
    case ConnectFail::kNegotiationFailed: return "negotiation_failed";
    case ConnectFail::kNoiseFailed: return "noise_failed";
    case ConnectFail::kPeerIdMismatch: return "peer_id_mismatch";
    case ConnectFail::kLimitReached: return "limit_reached";
    case ConnectFail::kUnreachable: return "unreachable";
    case ConnectFail::kBadSignature: return "bad_signature";
    case ConnectFail::kSelf: return "self";
    case ConnectFail::kDuplicate: return "duplicate";
    case ConnectFail::kUnknown: break;
  }
  return "unknown";
}

}  // namespace sov::p2p
