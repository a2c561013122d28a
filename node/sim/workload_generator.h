// The workload generator's engine behind node/workload.h: the live state (node/workload_state.h),
// the random stream (node/workload_rng.h), the envelope builder, and the steps that turn them into
// events. The steps are defined by area:
//   workload_generator.cc  the main loop, idle time, node start / stop / restart
//   workload_peers.cc      discovery, dials, connections, identify, handshakes, sessions, reputation
//   workload_tools.cc      firewall rules and decisions, tool calls and their outcomes
//   workload_payments.cc   quotes, authorizations, deferred debts, settlements
//   workload_teams.cc      teams: form, invite, join, delegate, results, conflicts, leave, disband
//   workload_workspaces.cc workspaces: members, threaded messages, git bundles, archive
// A struct: its steps, spread over those files, share all of its state.
//
// Determinism rule for every step: C++ leaves the order in which a call's arguments (and the operands
// of `+`) are evaluated unspecified, so every draw from `rng` (and every step that draws: Tick, Refs,
// the Emit* helpers) and every allocation in the FlatBuffers builder is a statement of its own;
// Create* calls only take values already made. Moving a draw or an allocation changes the stream.
// Internal to node/workload.cc: included by node/workload*.cc only.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events_generated.h"
#include "node/sim/workload.h"
#include "node/sim/workload_catalog.h"
#include "node/sim/workload_rng.h"
#include "node/sim/workload_state.h"
#include "store/envelope.h"

namespace sov::node::workload_internal {

inline flatbuffers::Offset<flatbuffers::Vector<uint8_t>> Bytes(flatbuffers::FlatBufferBuilder& fbb,
                                                               std::string_view s) {
  return fbb.CreateVector(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

struct Generator {
  using Fbb = flatbuffers::FlatBufferBuilder;
  using StrOff = flatbuffers::Offset<flatbuffers::String>;

  explicit Generator(const WorkloadOptions& o);

  WorkloadOptions opt;  // peers >= 1 and origin_did set
  Rng rng;
  store::EnvelopeBuilder b;
  std::deque<std::string> out;  // generated, not yet handed out
  uint64_t generated = 0;
  int64_t now = 0;

  Identity origin;
  std::vector<Peer> peers;
  std::vector<Identity> ids;  // derived on first use

  std::vector<uint32_t> sessions;      // peers with a live session
  std::deque<SessionExpiry> expiries;  // in creation order = expiry order
  std::vector<uint32_t> connected;
  std::vector<FwRule> rules;
  uint64_t rule_counter = 0;
  std::vector<Call> calls;
  std::deque<Debt> debts;
  std::vector<Team> teams;
  std::vector<Workspace> workspaces;

  bool started = false;
  uint32_t restarts = 0;
  uint64_t next_restart = 0;
  uint64_t next_revoke_all = 0;
  // Reason enums rotate (each draw takes the next value) so every value shows up early in a run.
  uint32_t deny_turn = 0, reject_turn = 0, git_turn = 0, strategy_turn = 0;
  uint32_t connect_fail_turn = 0, abnormal_turn = 0;  // ConnectFailReason; the rare DisconnectReasons
  template <class E>
  E Rotate(uint32_t* turn) {
    return static_cast<E>(1 + (*turn)++ % static_cast<uint32_t>(E::MAX));
  }

  // ---------- identities ----------
  const Identity& Id(uint32_t peer) {
    Identity& id = ids[peer];
    if (id.did.empty()) id = PeerIdentity(opt.seed, peer);
    return id;
  }
  const std::string& Did(uint32_t peer) { return Id(peer).did; }

  // ---------- emitting ----------
  // Every event is a little later than the one before it (1 µs .. 0.4 ms).
  int64_t Tick() {
    now += kUs + static_cast<int64_t>(rng.Below(400 * kUs));
    return now;
  }
  Fbb& F() { return b.fbb(); }
  StrOff S(std::string_view s) { return F().CreateString(s.data(), s.size()); }
  template <class T>
  void Emit(int64_t ts, fb::Event type, flatbuffers::Offset<T> payload) {
    out.push_back(b.Finish(ts, origin.did, type, payload.Union()));
    ++generated;
  }

  // ---------- the main loop and node lifecycle (workload_generator.cc) ----------
  void Step();  // appends at least one event to `out`
  void AdvanceIdle();
  bool IdleGap();
  void Start(bool first);
  void Restart();

  // ---------- peers, sessions, reputation (workload_peers.cc) ----------
  bool Discover(uint32_t p);
  void EmitCard(uint32_t p);
  void EmitConnected(uint32_t p, bool inbound);  // peer.connected, then the peer's identify
  void EmitIdentified(uint32_t p);
  // A failed connection attempt: peer.dial_failed (outbound) or connection.rejected (inbound).
  void EmitConnectFailed(uint32_t p, bool inbound);
  // connection.rejected for an unsolicited inbound attempt from an unknown remote (a scanner).
  void EmitScannerRejected();
  void EmitDisconnected(uint32_t p, fb::DisconnectReason reason);
  bool Connect(uint32_t p);
  bool Disconnect();
  // `extra_deny` (per mille) adds to the peer's own chance of a failed handshake: attempts from
  // misconfigured or hostile peers.
  bool Handshake(uint32_t extra_deny = 0);
  void DropSession(uint32_t p);
  void EmitRevoked(uint32_t p, fb::RevokeReason reason);
  bool Revoke();
  void RevokeAll();
  void Expire();
  void ReputationMoved(uint32_t p, double old_score);
  // A peer to invite into a team or workspace: one with a live session, or (per mille, and always
  // when there is none) any peer.
  uint32_t PickCandidate(uint32_t outsider_per_mille);

  // ---------- firewall and tool calls (workload_tools.cc) ----------
  void AddRule(int64_t peer, fb::FirewallAction action, std::vector<std::string> tools, uint32_t rate);
  bool ChangeRules();
  void EmitDecided(uint32_t p, size_t tool, const std::string& call_id, fb::FirewallAction action,
                   const std::string& rule_id, fb::FirewallReason reason);
  bool StartCall();
  size_t PickDueCall();
  // Moves calls[index] on by one stage (one of the *Call steps below or in the payments group);
  // a call whose last event is out leaves `calls`.
  void StepCall(size_t index);
  void InvokeCall(Call& c);  // tool.invoked; the outcome is drawn now, emitted when due
  void FinishCall(Call& c);  // the outcome; the call is done unless a prepaid payment is to settle

  // ---------- payments (workload_payments.cc) ----------
  void QuoteCall(Call& c);      // price.quoted
  void AuthorizeCall(Call& c);  // payment.authorized, or payment.rejected (the call ends there)
  void DeferCall(Call& c);      // payment.deferred for a trusted peer; the debt is settled later
  void SettleCall(Call& c);     // the prepaid payment settles or fails
  bool SettleDebts();
  void SettleDebt(const Debt& d);

  // ---------- teams (workload_teams.cc) ----------
  bool DoTeam();
  bool FormTeam();
  bool Invite(Team& t, fb::TeamRole role);
  bool Delegate(Team& t);
  bool TeamResult(Team& t);
  void ResolveConflict(Team& t);
  void EmitMemberLeft(Team& t, size_t member, const char* reason);
  void DisbandTeam(size_t index);

  // ---------- workspaces and git (workload_workspaces.cc) ----------
  bool DoWorkspace();
  bool CreateWorkspace();
  bool JoinWorkspace(Workspace& w);
  bool LeaveWorkspace(Workspace& w);
  bool Post(Workspace& w, std::optional<fb::WorkspaceMessageType> forced, std::optional<uint32_t> sender_peer);
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::GitRef>>> Refs();
  bool CreateBundle(Workspace& w);
  bool ReceiveBundle(Workspace& w);
  bool ResolveBundle(Workspace& w, size_t i);
  void ArchiveWorkspace(size_t index);
};

}  // namespace sov::node::workload_internal
