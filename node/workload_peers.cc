#include "node/workload_generator.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

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
}

void Generator::EmitDisconnected(uint32_t p, fb::DisconnectReason reason) {
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto pid = S(Id(p).peer_id);
  Emit(ts, fb::Event::PeerDisconnected, fb::CreatePeerDisconnected(F(), did, pid, reason));
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
  if (rng.Chance(kProfiles[peer.profile].dial_fail)) {
    const char* error = rng.Pick(kDialErrors);
    const int64_t ts = Tick();
    const auto pid = S(Id(p).peer_id);
    const auto addr = S(Address(p));
    const auto err = S(error);
    Emit(ts, fb::Event::PeerDialFailed, fb::CreatePeerDialFailed(F(), pid, addr, err));
    return true;
  }
  const bool inbound = rng.Chance(400);
  EmitConnected(p, inbound);
  if (!peer.card || rng.Chance(100)) EmitCard(p);
  return true;
}

bool Generator::Disconnect() {
  if (connected.empty()) return false;
  const uint32_t p = connected[rng.Below(connected.size())];
  const auto reason = static_cast<fb::DisconnectReason>(1 + rng.Weighted({40, 15, 15, 25, 5}));
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
      peers[p].History() >= kReputationWarmup && peers[p].Score() < kMinTrust && rng.Chance(650);
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
  Emit(ts, fb::Event::SessionCreated, fb::CreateSessionCreated(F(), did, hash, ts, ts + kSessionTtl));
  Peer& peer = peers[p];
  peer.session = true;
  peer.session_gen++;
  peer.session_slot = static_cast<uint32_t>(sessions.size());
  peer.consecutive_failures = 0;
  sessions.push_back(p);
  expiries.push_back({ts + kSessionTtl, p, peer.session_gen});
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
    if (e.expires_ns > now) break;
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
  auto crossed = [&](double t) { return (old_score < t) != (score < t); };
  const bool publish = crossed(kMinTrust) || crossed(kPostPayTrust);
  if (!publish && !rng.Chance(40)) return;
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  Emit(ts, fb::Event::ReputationChanged, fb::CreateReputationChanged(F(), did, old_score, score));
  if (score >= kMinTrust) return;
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
