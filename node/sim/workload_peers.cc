#include "node/sim/workload_generator.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "node/policy/session_expiry.h"
#include "node/policy/trust.h"

namespace sov::node::workload_internal {

namespace {

std::string Address(uint32_t peer) {
  return "/ip4/10." + std::to_string((peer >> 16) & 0xff) + "." + std::to_string((peer >> 8) & 0xff) + "." +
         std::to_string(peer & 0xff) + "/tcp/" + std::to_string(4001 + peer % 7);
}

std::string AgentName(uint32_t peer) { return std::string(kWords[peer % kWordCount]) + "-" + std::to_string(peer); }

std::vector<std::string> Capabilities(uint32_t peer) {
  std::vector<std::string> caps;
  for (size_t k = 0; k < 3; ++k) caps.emplace_back(kTools[(peer * 7 + k * 5) % kToolCount].name);
  return caps;
}

// ---------- identify: what a peer says about itself, fixed per peer ----------

constexpr const char* kAgentVersions[] = {"sov/0.1.0", "lango/0.9.4", "go-libp2p/0.36.2", "sov/0.1.1",
                                          "rust-libp2p/0.54.1"};
constexpr const char* kIdentifyProtocolVersion = "ipfs/0.1.0";
// Every peer speaks the first two; each of the others by one bit of a hash of the peer index.
constexpr const char* kProtocols[] = {"/ipfs/id/1.0.0",      "/ipfs/ping/1.0.0",    "/ipfs/id/push/1.0.0",
                                      "/ipfs/kad/1.0.0",     "/meshsub/1.1.0",      "/meshsub/1.2.0",
                                      "/libp2p/circuit/relay/0.2.0/stop", "/lango/a2a/1.0.0",
                                      "/lango/handshake/1.2.0", "/lango/tool/1.0.0"};
// This node as its peers see it.
constexpr const char* kObservedAddr = "/ip4/198.51.100.7/tcp/4001";

std::vector<std::string> Protocols(uint32_t peer) {
  const uint32_t bits = peer * 2654435761u;
  std::vector<std::string> out = {kProtocols[0], kProtocols[1]};
  for (size_t k = 2; k < sizeof(kProtocols) / sizeof(kProtocols[0]); ++k) {
    if ((bits >> (k + 8)) & 1) out.emplace_back(kProtocols[k]);
  }
  return out;
}

std::vector<std::string> ListenAddrs(uint32_t peer) {
  return {Address(peer), "/ip6/fd00::" + std::to_string(peer + 1) + "/tcp/" + std::to_string(4001 + peer % 7)};
}

// ---------- what failed connections and disconnects say ----------

const char* ConnectFailError(fb::ConnectFailReason r) {
  switch (r) {
    case fb::ConnectFailReason::Timeout: return "dial timeout after 10s";
    case fb::ConnectFailReason::Refused: return "connection refused";
    case fb::ConnectFailReason::NegotiationFailed: return "multistream-select: protocol not supported";
    case fb::ConnectFailReason::NoiseFailed: return "noise: handshake failed: decryption error";
    case fb::ConnectFailReason::PeerIdMismatch: return "peer id mismatch: the remote key is not the one dialed";
    case fb::ConnectFailReason::LimitReached: return "resource limit exceeded: connections";
    case fb::ConnectFailReason::Unreachable: return "no route to host";
    case fb::ConnectFailReason::BadSignature: return "noise: identity key signature does not verify";
    case fb::ConnectFailReason::Self: return "the remote is this node";
    case fb::ConnectFailReason::Duplicate: return "already connected to the peer; connection #3 was kept";
    default: return "connection failed";
  }
}

const char* DisconnectDetail(fb::DisconnectReason r) {
  switch (r) {
    case fb::DisconnectReason::ClosedByPeer: return "the remote closed the connection";
    case fb::DisconnectReason::ClosedLocally: return "closed by this node";
    case fb::DisconnectReason::Error: return "read: connection reset by peer";
    case fb::DisconnectReason::IdleTimeout: return "no streams for 10m0s";
    case fb::DisconnectReason::Evicted: return "connection limit reached: the least useful connection was closed";
    case fb::DisconnectReason::ProtocolError: return "yamux: data frame for a stream that was never opened";
    case fb::DisconnectReason::FlowControl: return "yamux: received more than the 256 KiB window";
    case fb::DisconnectReason::StreamLimit: return "yamux: more than 256 inbound streams";
    case fb::DisconnectReason::KeepaliveTimeout: return "ping: no answer within 30s";
    case fb::DisconnectReason::Duplicate: return "a second connection to this peer was kept instead";
    case fb::DisconnectReason::Shutdown: return "the node is stopping";
    default: return "";
  }
}

}  // namespace

bool Generator::Discover(uint32_t p) {
  const auto source = static_cast<fb::DiscoverySource>(1 + rng.Weighted({25, 30, 30, 10, 5}));
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto pid = S(Id(p).peer_id);
  const auto name = S(AgentName(p));
  const auto caps = F().CreateVectorOfStrings(Capabilities(p));
  Emit(ts, fb::Event::AgentDiscovered, fb::CreateAgentDiscovered(F(), did, pid, name, caps, source));
  peers[p].discovered = true;
  return true;
}

void Generator::EmitCard(uint32_t p) {
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto pid = S(Id(p).peer_id);
  const auto name = S(AgentName(p));
  const auto desc = S("Agent " + AgentName(p) + ": " + kGoals[p % kGoalCount]);
  const auto caps = F().CreateVectorOfStrings(Capabilities(p));
  const std::vector<std::string> addr_list = {Address(p)};
  const auto addrs = F().CreateVectorOfStrings(addr_list);
  Emit(ts, fb::Event::AgentCardReceived, fb::CreateAgentCardReceived(F(), did, pid, name, desc, caps, addrs));
  peers[p].card = true;
}

void Generator::EmitConnected(uint32_t p, bool inbound) {
  if (connected.size() >= kMaxConnected) {
    const uint32_t victim = connected[rng.Below(connected.size())];
    EmitDisconnected(victim, fb::DisconnectReason::Evicted);
  }
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto pid = S(Id(p).peer_id);
  const auto addr = S(Address(p));
  Emit(ts, fb::Event::PeerConnected, fb::CreatePeerConnected(F(), did, pid, addr, inbound));
  peers[p].connected = true;
  peers[p].conn_slot = static_cast<uint32_t>(connected.size());
  connected.push_back(p);
  EmitIdentified(p);
}

void Generator::EmitIdentified(uint32_t p) {
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto pid = S(Id(p).peer_id);
  const auto agent = S(kAgentVersions[p % (sizeof(kAgentVersions) / sizeof(kAgentVersions[0]))]);
  const auto version = S(kIdentifyProtocolVersion);
  const auto protocols = F().CreateVectorOfStrings(Protocols(p));
  const auto listen = F().CreateVectorOfStrings(ListenAddrs(p));
  const auto observed = S(kObservedAddr);
  Emit(ts, fb::Event::PeerIdentified,
       fb::CreatePeerIdentified(F(), did, pid, agent, version, protocols, listen, observed));
}

// The reasons take turns so every one shows up early. An inbound attempt that fails names the
// remote's peer id only when the failure came after Noise authenticated it.
void Generator::EmitConnectFailed(uint32_t p, bool inbound) {
  const auto reason = Rotate<fb::ConnectFailReason>(&connect_fail_turn);
  const int64_t ts = Tick();
  if (inbound) {
    const bool authenticated =
        reason == fb::ConnectFailReason::LimitReached || reason == fb::ConnectFailReason::Self ||
        reason == fb::ConnectFailReason::Duplicate;
    const std::string remote_id = !authenticated ? std::string()
                                  : reason == fb::ConnectFailReason::Self ? origin.peer_id
                                                                          : Id(p).peer_id;
    const auto addr = S(Address(p));
    const auto pid = S(remote_id);
    const auto err = S(ConnectFailError(reason));
    Emit(ts, fb::Event::ConnectionRejected, fb::CreateConnectionRejected(F(), addr, pid, reason, err));
    return;
  }
  const auto pid = S(Id(p).peer_id);
  const auto addr = S(Address(p));
  const auto err = S(ConnectFailError(reason));
  Emit(ts, fb::Event::PeerDialFailed, fb::CreatePeerDialFailed(F(), pid, addr, err, reason));
}

// Nothing that speaks libp2p: the attempt fails before any peer id is known.
void Generator::EmitScannerRejected() {
  static constexpr fb::ConnectFailReason kReasons[] = {
      fb::ConnectFailReason::Timeout, fb::ConnectFailReason::NegotiationFailed, fb::ConnectFailReason::NoiseFailed};
  const fb::ConnectFailReason reason = kReasons[rng.Below(sizeof(kReasons) / sizeof(kReasons[0]))];
  const std::string host = rng.Num(1, 254);
  const std::string port = rng.Num(32768, 60999);
  const int64_t ts = Tick();
  const auto addr = S("/ip4/203.0.113." + host + "/tcp/" + port);
  const auto pid = S("");
  const auto err = S(ConnectFailError(reason));
  Emit(ts, fb::Event::ConnectionRejected, fb::CreateConnectionRejected(F(), addr, pid, reason, err));
}

void Generator::EmitDisconnected(uint32_t p, fb::DisconnectReason reason) {
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto pid = S(Id(p).peer_id);
  const auto addr = S(Address(p));
  const auto detail = S(DisconnectDetail(reason));
  Emit(ts, fb::Event::PeerDisconnected, fb::CreatePeerDisconnected(F(), did, pid, reason, addr, detail));
  Peer& peer = peers[p];
  const uint32_t slot = peer.conn_slot;
  connected[slot] = connected.back();
  peers[connected[slot]].conn_slot = slot;
  connected.pop_back();
  peer.connected = false;
}

bool Generator::Connect(uint32_t p) {
  Peer& peer = peers[p];
  if (peer.connected) {
    if (peer.card) return false;
    EmitCard(p);
    return true;
  }
  if (!peer.discovered && rng.Chance(700)) return Discover(p);
  if (rng.Chance(80)) {  // what arrived was not a peer
    EmitScannerRejected();
    return true;
  }
  const bool inbound = rng.Chance(400);
  if (rng.Chance(kProfiles[peer.profile].dial_fail)) {
    EmitConnectFailed(p, inbound);
    return true;
  }
  EmitConnected(p, inbound);
  if (!peer.card || rng.Chance(100)) EmitCard(p);
  return true;
}

bool Generator::Disconnect() {
  if (connected.empty()) return false;
  const uint32_t p = connected[rng.Below(connected.size())];
  // Now and then a misbehaving or silent peer: those reasons take turns.
  static constexpr fb::DisconnectReason kAbnormal[] = {
      fb::DisconnectReason::ProtocolError, fb::DisconnectReason::FlowControl, fb::DisconnectReason::StreamLimit,
      fb::DisconnectReason::KeepaliveTimeout, fb::DisconnectReason::Duplicate};
  fb::DisconnectReason reason = fb::DisconnectReason::Unknown;
  if (rng.Chance(150)) {
    reason = kAbnormal[abnormal_turn++ % (sizeof(kAbnormal) / sizeof(kAbnormal[0]))];
  } else {
    reason = static_cast<fb::DisconnectReason>(1 + rng.Weighted({40, 15, 15, 25, 5}));
  }
  EmitDisconnected(p, reason);
  return true;
}

bool Generator::Handshake(uint32_t extra_deny) {
  std::optional<uint32_t> target;
  for (int attempt = 0; attempt < 4 && !target && !connected.empty(); ++attempt) {
    const uint32_t p = connected[rng.Below(connected.size())];
    if (!peers[p].session) target = p;
  }
  if (!target) return Connect(static_cast<uint32_t>(rng.Skewed(opt.peers)));
  const uint32_t p = *target;
  // lango §2.6: a known peer below the minimum trust is not auto-approved, and the owner mostly
  // declines it too (when the owner approves, the firewall's reputation gate still refuses its calls).
  const bool distrusted =
      policy::IsDistrusted(peers[p].History(), peers[p].Score()) && rng.Chance(650);
  if (distrusted || rng.Chance(kProfiles[peers[p].profile].deny + extra_deny)) {
    const auto reason = distrusted ? fb::HandshakeDenyReason::LowReputation
                                   : Rotate<fb::HandshakeDenyReason>(&deny_turn);
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto pid = S(Id(p).peer_id);
    Emit(ts, fb::Event::HandshakeDenied, fb::CreateHandshakeDenied(F(), did, pid, reason));
    if (rng.Chance(600)) EmitDisconnected(p, fb::DisconnectReason::ClosedLocally);
    return true;
  }
  if (sessions.size() >= kMaxLiveSessions) {
    const uint32_t victim = sessions[rng.Below(sessions.size())];
    EmitRevoked(victim, fb::RevokeReason::Manual);
  }
  {
    const bool v12 = rng.Chance(700);
    const bool initiator = rng.Chance(300);
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto pid = S(Id(p).peer_id);
    const auto version = S(v12 ? "1.2" : "1.1");
    Emit(ts, fb::Event::HandshakeCompleted, fb::CreateHandshakeCompleted(F(), did, pid, version, initiator));
  }
  const std::string token_hash = rng.RandomBytes(32);
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto hash = Bytes(F(), token_hash);
  const int64_t expires = policy::SessionExpiresAt(ts, 0);
  Emit(ts, fb::Event::SessionCreated, fb::CreateSessionCreated(F(), did, hash, ts, expires));
  Peer& peer = peers[p];
  peer.session = true;
  peer.session_gen++;
  peer.session_slot = static_cast<uint32_t>(sessions.size());
  peer.consecutive_failures = 0;
  sessions.push_back(p);
  expiries.push_back({expires, p, peer.session_gen});
  return true;
}

void Generator::DropSession(uint32_t p) {
  Peer& peer = peers[p];
  const uint32_t slot = peer.session_slot;
  sessions[slot] = sessions.back();
  peers[sessions[slot]].session_slot = slot;
  sessions.pop_back();
  peer.session = false;
  peer.consecutive_failures = 0;
}

void Generator::EmitRevoked(uint32_t p, fb::RevokeReason reason) {
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  Emit(ts, fb::Event::SessionRevoked, fb::CreateSessionRevoked(F(), did, reason));
  DropSession(p);
}

bool Generator::Revoke() {
  if (sessions.empty()) return false;
  static constexpr fb::RevokeReason kReasons[] = {fb::RevokeReason::Manual, fb::RevokeReason::SecurityEvent,
                                                  fb::RevokeReason::Logout};
  const uint32_t p = sessions[rng.Below(sessions.size())];
  const fb::RevokeReason reason = kReasons[rng.Weighted({40, 20, 40})];
  EmitRevoked(p, reason);
  return true;
}

void Generator::RevokeAll() {
  while (!sessions.empty()) EmitRevoked(sessions.back(), fb::RevokeReason::All);
}

// Sessions whose 24 h ran out (in event time) expire, oldest first.
void Generator::Expire() {
  while (!expiries.empty()) {
    const SessionExpiry e = expiries.front();
    const Peer& peer = peers[e.peer];
    if (!peer.session || peer.session_gen != e.gen) {
      expiries.pop_front();  // revoked before it expired
      continue;
    }
    if (!policy::IsSessionExpired(e.expires_ns, now)) break;
    expiries.pop_front();
    const int64_t ts = Tick();
    const auto did = S(Did(e.peer));
    Emit(ts, fb::Event::SessionExpired, fb::CreateSessionExpired(F(), did));
    DropSession(e.peer);
  }
  if (expiries.size() > 4 * kMaxLiveSessions) {  // bounded: forget entries of revoked sessions
    std::deque<SessionExpiry> live;
    for (const auto& e : expiries) {
      if (peers[e.peer].session && peers[e.peer].session_gen == e.gen) live.push_back(e);
    }
    expiries.swap(live);
  }
}

// After an outcome moved a peer's counts: reputation.changed when the score crosses a policy
// threshold (and now and then otherwise). A published score below the minimum costs the peer its
// session (lango §2.8) and its team memberships (§4), except in a team whose task it is still on.
void Generator::ReputationMoved(uint32_t p, double old_score) {
  const double score = peers[p].Score();
  const bool publish = policy::CrossesTrustThreshold(old_score, score);
  if (!publish && !rng.Chance(40)) return;
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  Emit(ts, fb::Event::ReputationChanged, fb::CreateReputationChanged(F(), did, old_score, score));
  if (policy::IsTrusted(score)) return;
  if (peers[p].session) EmitRevoked(p, fb::RevokeReason::ReputationDrop);
  for (Team& t : teams) {
    if (t.task) continue;
    for (size_t i = 0; i < t.members.size(); ++i) {
      if (t.members[i].peer == p && t.members[i].role != fb::TeamRole::Leader) {
        EmitMemberLeft(t, i, "kicked: reputation below minimum");
        break;
      }
    }
  }
}

uint32_t Generator::PickCandidate(uint32_t outsider_per_mille) {
  if (sessions.empty() || rng.Chance(outsider_per_mille)) return static_cast<uint32_t>(rng.Skewed(opt.peers));
  return sessions[rng.Below(sessions.size())];
}

}  // namespace sov::node::workload_internal
