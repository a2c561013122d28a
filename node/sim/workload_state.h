// The generator's live state, as plain records: what it knows of each peer (profile, connection,
// session, the outcome counts the reputation view will fold), its firewall rules, the tool calls in
// flight with their payment stage, post-pay debts, teams with their task, workspaces with their pending
// git bundles, and session expiries. Everything is capped (below), so the generator's memory grows with
// the number of peers, never with the number of events.
// Internal to the workload generator: included by node/workload*.cc and node/workload_*.h only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events_generated.h"
#include "node/policy/firewall.h"
#include "node/policy/payment_mode.h"
#include "node/policy/reputation.h"

namespace sov::node::workload_internal {

// Caps on live state: the generator's memory does not grow with the number of events.
inline constexpr size_t kMaxLiveSessions = 512;
inline constexpr size_t kMaxConnected = 256;
inline constexpr size_t kMaxOpenCalls = 24;
inline constexpr size_t kMaxRules = 40;
inline constexpr size_t kMinTeams = 2, kMaxTeams = 8;
inline constexpr size_t kMinWorkspaces = 2, kMaxWorkspaces = 8;
inline constexpr size_t kMaxTeamWorkers = 6;
inline constexpr size_t kMaxWorkspaceMembers = 10;
inline constexpr size_t kMaxPendingBundles = 4;
inline constexpr size_t kMaxDebts = 256;  // older post-pay debts stay outstanding forever
inline constexpr size_t kRecentMessages = 8;

struct Peer {
  uint8_t profile = 0;
  bool discovered = false;
  bool connected = false;
  bool card = false;
  bool session = false;
  uint8_t consecutive_failures = 0;
  uint32_t successes = 0, failures = 0, timeouts = 0;  // what the reputation view counts
  uint32_t session_gen = 0;
  uint32_t session_slot = 0;  // index in Generator::sessions while `session`
  uint32_t conn_slot = 0;     // index in Generator::connected while `connected`
  uint32_t History() const { return successes + failures + timeouts; }
  // The policy formula on raw counts (the generator does not decay).
  double Score() const { return policy::ReputationScore(successes, failures, timeouts); }
};

using FwRule = policy::FirewallRule;
using Mode = policy::PaymentMode;

enum class Stage : uint8_t { kQuote, kAuthorize, kDefer, kInvoke, kOutcome, kSettle, kDone };
enum class Outcome : uint8_t { kSuccess, kFailure, kTimeout };

// One tool call in flight, from the firewall's allow to its last payment event.
struct Call {
  uint32_t peer = 0;
  uint8_t tool = 0;
  Stage stage = Stage::kInvoke;
  Mode mode = Mode::kFree;
  Outcome outcome = Outcome::kSuccess;
  std::string call_id, quote_id, payment_id;
  int64_t amount = 0;
  int64_t due_ns = 0;
  int64_t invoked_ns = 0;
  int64_t quote_expires_ns = 0;
  uint32_t duration_ms = 0;
};

struct Debt {
  std::string payment_id;
  uint32_t peer = 0;
  int64_t amount = 0;
};

struct Member {
  uint32_t peer = 0;
  fb::TeamRole role = fb::TeamRole::Worker;
};

struct TeamTask {
  std::string id;
  uint8_t tool = 0;
  std::vector<uint32_t> workers;
  std::vector<uint8_t> state;  // 0 pending, 1 success, 2 failure
  std::vector<uint32_t> duration_ms;
  size_t pending = 0;
  bool infeasible = false;  // bad parameters: most workers fail whoever they are
};

struct Team {
  std::string id;
  std::optional<uint32_t> leader_peer;  // nullopt: this node leads
  uint32_t max_members = 0;
  int64_t budget = 0, spent = 0;
  std::vector<Member> members, invited;
  std::optional<TeamTask> task;
  uint32_t tasks_done = 0;
  bool budget_exhausted = false;
};

struct PendingBundle {
  std::string id;
  uint32_t from = 0;
  uint64_t size = 0;
  fb::GitRejectReason fate = fb::GitRejectReason::Unknown;  // Unknown = will be applied
};

struct Workspace {
  std::string id;
  std::vector<uint32_t> members;  // peers; this node is the creator
  std::array<std::string, kRecentMessages> recent;
  size_t recent_count = 0;
  std::vector<PendingBundle> pending;
  uint32_t messages = 0;
};

struct SessionExpiry {
  int64_t expires_ns;
  uint32_t peer, gen;
};

}  // namespace sov::node::workload_internal
