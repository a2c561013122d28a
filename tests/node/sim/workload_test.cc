// The workload generator: deterministic per seed, every event type and enum value, valid envelopes,
// ids that only name what earlier events introduced (connections included), and views that fold its
// stream identically on rebuild.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "events_generated.h"
#include "node/sim/workload.h"
#include "pipeline/runner.h"
#include "store/base/crypto.h"
#include "store/log_format.h"
#include "support/process.h"
#include "support/test_util.h"

namespace sov {
namespace {

std::vector<std::string> Generate(const node::WorkloadOptions& o, size_t batch) {
  node::Workload w(o);
  std::vector<std::string> all;
  for (auto b = w.NextBatch(batch); !b.empty(); b = w.NextBatch(batch)) {
    for (auto& e : b) all.push_back(std::move(e));
  }
  EXPECT_EQ(w.produced(), o.events);
  return all;
}

node::WorkloadOptions Options(uint64_t seed, uint64_t events, uint32_t peers = 20) {
  node::WorkloadOptions o;
  o.seed = seed;
  o.events = events;
  o.peers = peers;
  return o;
}

const fb::Envelope* Env(const std::string& bytes) { return fb::GetEnvelope(bytes.data()); }

std::string S(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

TEST(Workload, SameSeedSameBytesWhateverTheBatchSize) {
  const auto a = Generate(Options(7, 3000), 100);
  const auto b = Generate(Options(7, 3000), 77);
  ASSERT_EQ(a.size(), 3000u);
  ASSERT_EQ(b.size(), 3000u);
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "event " << i;
  // A longer run starts with the same events.
  const auto longer = Generate(Options(7, 3500), 1000);
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], longer[i]) << "event " << i;
}

TEST(Workload, DifferentSeedDifferentStream) {
  const auto a = Generate(Options(7, 500), 500);
  const auto b = Generate(Options(8, 500), 500);
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i] ? 1 : 0;
  EXPECT_LT(same, 5u);
  EXPECT_NE(node::WorkloadPeerDid(7, 0), node::WorkloadPeerDid(8, 0));
  EXPECT_NE(node::WorkloadOriginDid(7), node::WorkloadOriginDid(8));
}

TEST(Workload, OriginAndPeersAreValidDidKeys) {
  auto o = Options(3, 400);
  o.origin_did = testing::TestDid(0);
  const auto events = Generate(o, 400);
  std::set<std::string> peers;
  for (const auto& e : events) {
    const auto* env = Env(e);
    EXPECT_EQ(S(env->origin()), o.origin_did);
    if (auto* p = env->payload_as_PeerConnected()) peers.insert(S(p->peer_did()));
    if (auto* p = env->payload_as_AgentDiscovered()) peers.insert(S(p->peer_did()));
  }
  ASSERT_FALSE(peers.empty());
  for (const auto& did : peers) EXPECT_TRUE(crypto::PublicKeyFromDidKey(did).ok()) << did;
  // They are exactly the workload's peers (derived from the seed).
  std::set<std::string> expected;
  for (uint32_t i = 0; i < o.peers; ++i) expected.insert(node::WorkloadPeerDid(3, i));
  for (const auto& did : peers) EXPECT_TRUE(expected.count(did)) << did;
  // Without an origin, the one derived from the seed is used.
  const auto derived = Generate(Options(3, 5), 5);
  EXPECT_EQ(S(Env(derived[0])->origin()), node::WorkloadOriginDid(3));
  EXPECT_EQ(Env(derived[0])->payload_type(), fb::Event::NodeStarted);
}

// Counts per event type and per enum value of the reasons/kinds the brief asks for.
struct Census {
  std::map<fb::Event, uint64_t> types;
  std::map<std::string, std::set<int>> enums;
  uint64_t bytes = 0;
  int64_t first_ts = 0, last_ts = 0;

  void Add(const std::string& e) {
    const auto* env = Env(e);
    bytes += e.size();
    if (first_ts == 0) first_ts = env->timestamp_ns();
    last_ts = env->timestamp_ns();
    types[env->payload_type()]++;
    if (auto* p = env->payload_as_HandshakeDenied()) enums["deny"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_SessionRevoked()) enums["revoke"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_PaymentRejected()) enums["reject"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_FirewallDecided()) enums["firewall"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_TeamConflictResolved()) {
      enums["strategy"].insert(static_cast<int>(p->strategy()));
      enums["outcome"].insert(static_cast<int>(p->outcome()));
    }
    if (auto* p = env->payload_as_WorkspaceMessagePosted()) enums["message"].insert(static_cast<int>(p->type()));
    if (auto* p = env->payload_as_GitBundleRejected()) enums["git"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_PeerDisconnected()) enums["disconnect"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_PeerDialFailed()) enums["connect_fail"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_ConnectionRejected()) enums["connect_fail"].insert(static_cast<int>(p->reason()));
    if (auto* p = env->payload_as_AgentDiscovered()) enums["source"].insert(static_cast<int>(p->source()));
    if (auto* p = env->payload_as_TeamMemberJoined()) enums["role"].insert(static_cast<int>(p->role()));
    if (auto* p = env->payload_as_FirewallRuleAdded()) enums["rule"].insert(static_cast<int>(p->action()));
  }
  void Print(const char* title) const {
    std::printf("%s: %zu types, average event %.1f bytes, %.1f hours of event time\n", title, types.size(),
                static_cast<double>(bytes) / static_cast<double>(Total()),
                static_cast<double>(last_ts - first_ts) / 3.6e12);
    for (const auto& [t, n] : types) std::printf("  %-22s %6llu\n", fb::EnumNameEvent(t), static_cast<unsigned long long>(n));
  }
  uint64_t Total() const {
    uint64_t n = 0;
    for (const auto& [t, c] : types) n += c;
    return n;
  }
};

// Events only the log itself writes (a signed checkpoint; the record of `sov log repair`), never a
// network: the simulator must not make them up.
bool LogOnly(fb::Event t) { return t == fb::Event::LogCheckpointSigned || t == fb::Event::LogRepaired; }

TEST(Workload, EveryEventTypeInFiveThousandEvents) {
  const auto events = Generate(Options(1, 5000), 512);
  Census c;
  for (const auto& e : events) c.Add(e);
  c.Print("seed 1, 20 peers, 5000 events");
  for (auto t : fb::EnumValuesEvent()) {
    if (t == fb::Event::NONE || LogOnly(t)) continue;
    EXPECT_GT(c.types[t], 0u) << fb::EnumNameEvent(t) << " never appears";
  }
  EXPECT_EQ(c.types[fb::Event::LogCheckpointSigned], 0u);
  EXPECT_EQ(c.types[fb::Event::LogRepaired], 0u);
  const double avg = static_cast<double>(c.bytes) / static_cast<double>(events.size());
  EXPECT_GE(avg, 150.0);
  EXPECT_LE(avg, 350.0);
  // Tool calls dominate, as on a working node.
  EXPECT_GT(c.types[fb::Event::FirewallDecided], c.types[fb::Event::TeamFormed] * 5);
}

TEST(Workload, EveryTypeForOtherSeedsToo) {
  for (uint64_t seed = 2; seed <= 6; ++seed) {
    Census c;
    for (const auto& e : Generate(Options(seed, 5000), 1000)) c.Add(e);
    for (auto t : fb::EnumValuesEvent()) {
      if (t == fb::Event::NONE || LogOnly(t)) continue;
      EXPECT_GT(c.types[t], 0u) << "seed " << seed << ": " << fb::EnumNameEvent(t) << " never appears";
    }
  }
}

TEST(Workload, EveryReasonStrategyAndMessageType) {
  Census c;
  for (const auto& e : Generate(Options(1, 20000), 2000)) c.Add(e);
  c.Print("seed 1, 20 peers, 20000 events");
  auto all = [](int lo, int hi) {
    std::set<int> s;
    for (int i = lo; i <= hi; ++i) s.insert(i);
    return s;
  };
  EXPECT_EQ(c.enums["deny"], all(1, static_cast<int>(fb::HandshakeDenyReason::MAX)));
  EXPECT_EQ(c.enums["revoke"], all(1, static_cast<int>(fb::RevokeReason::MAX)));
  EXPECT_EQ(c.enums["reject"], all(1, static_cast<int>(fb::PaymentRejectReason::MAX)));
  EXPECT_EQ(c.enums["firewall"], all(1, static_cast<int>(fb::FirewallReason::MAX)));
  EXPECT_EQ(c.enums["strategy"], all(1, static_cast<int>(fb::ConflictStrategy::MAX)));
  EXPECT_EQ(c.enums["outcome"], all(1, static_cast<int>(fb::ConflictOutcome::MAX)));
  EXPECT_EQ(c.enums["message"], all(1, static_cast<int>(fb::WorkspaceMessageType::MAX)));
  EXPECT_EQ(c.enums["git"], all(1, static_cast<int>(fb::GitRejectReason::MAX)));
  EXPECT_EQ(c.enums["disconnect"], all(1, static_cast<int>(fb::DisconnectReason::MAX)));
  EXPECT_EQ(c.enums["connect_fail"], all(1, static_cast<int>(fb::ConnectFailReason::MAX)));
  EXPECT_EQ(c.enums["source"], all(1, static_cast<int>(fb::DiscoverySource::MAX)));
  EXPECT_EQ(c.enums["role"], all(1, static_cast<int>(fb::TeamRole::MAX)));
  EXPECT_EQ(c.enums["rule"], all(1, 2));
}

TEST(Workload, EveryEnvelopePassesCheckEnvelopeAndTimeNeverGoesBack) {
  int64_t last = 0;
  uint64_t n = 0;
  node::Workload w(Options(11, 20000, 50));
  for (auto b = w.NextBatch(4096); !b.empty(); b = w.NextBatch(4096)) {
    for (const auto& e : b) {
      ASSERT_TRUE(store::CheckEnvelope(e).ok()) << "event " << n << ": " << store::CheckEnvelope(e).ToString();
      const auto* env = Env(e);
      ASSERT_GT(env->timestamp_ns(), last) << "event " << n;
      EXPECT_EQ(env->seq(), 0u);
      last = env->timestamp_ns();
      ++n;
    }
  }
  EXPECT_EQ(n, 20000u);
  EXPECT_GE(Env(Generate(Options(11, 1), 1)[0])->timestamp_ns(), node::kWorkloadEpochNs);
}

// Replays the stream with the bookkeeping a view would keep and checks every reference.
class ReferenceChecker {
 public:
  void Add(const std::string& bytes, size_t index) {
    const auto* env = Env(bytes);
    const int64_t ts = env->timestamp_ns();
    const std::string at = "event " + std::to_string(index) + " (" + fb::EnumNameEvent(env->payload_type()) + ")";
    switch (env->payload_type()) {
      case fb::Event::NodeStarted:
        EXPECT_TRUE(connected_.empty()) << at << ": connections left open across a restart";
        break;
      case fb::Event::PeerConnected:
        EXPECT_TRUE(connected_.insert(S(env->payload_as_PeerConnected()->peer_did())).second) << at;
        break;
      case fb::Event::PeerDisconnected: {
        auto* p = env->payload_as_PeerDisconnected();
        EXPECT_EQ(connected_.erase(S(p->peer_did())), 1u) << at << ": not connected";
        EXPECT_FALSE(S(p->address()).empty()) << at;
        EXPECT_FALSE(S(p->detail()).empty()) << at;
        break;
      }
      case fb::Event::PeerIdentified: {
        auto* p = env->payload_as_PeerIdentified();
        EXPECT_TRUE(connected_.count(S(p->peer_did()))) << at << ": identify without a connection";
        EXPECT_FALSE(S(p->agent_version()).empty()) << at;
        ASSERT_NE(p->protocols(), nullptr) << at;
        EXPECT_GE(p->protocols()->size(), 2u) << at;
        ASSERT_NE(p->listen_addrs(), nullptr) << at;
        EXPECT_FALSE(S(p->observed_addr()).empty()) << at;
        ++identified_;
        break;
      }
      case fb::Event::PeerDialFailed: {
        auto* p = env->payload_as_PeerDialFailed();
        EXPECT_NE(p->reason(), fb::ConnectFailReason::Unknown) << at;
        EXPECT_FALSE(S(p->error()).empty()) << at;
        EXPECT_FALSE(S(p->peer_id()).empty()) << at;
        break;
      }
      case fb::Event::ConnectionRejected: {
        auto* p = env->payload_as_ConnectionRejected();
        EXPECT_NE(p->reason(), fb::ConnectFailReason::Unknown) << at;
        EXPECT_FALSE(S(p->error()).empty()) << at;
        EXPECT_FALSE(S(p->address()).empty()) << at;
        // Only a remote that Noise authenticated is named.
        const bool authenticated =
            p->reason() == fb::ConnectFailReason::LimitReached || p->reason() == fb::ConnectFailReason::Self ||
            p->reason() == fb::ConnectFailReason::Duplicate;
        EXPECT_EQ(S(p->peer_id()).empty(), !authenticated) << at;
        break;
      }
      case fb::Event::SessionCreated: {
        auto* p = env->payload_as_SessionCreated();
        EXPECT_EQ(p->token_hash()->size(), 32u) << at;
        EXPECT_EQ(p->created_at_ns(), ts) << at;
        EXPECT_EQ(p->expires_at_ns(), ts + 24LL * 3600 * 1000000000) << at;
        EXPECT_FALSE(sessions_.count(S(p->peer_did()))) << at << ": a second live session";
        sessions_[S(p->peer_did())] = p->expires_at_ns();
        break;
      }
      case fb::Event::SessionExpired: {
        auto it = sessions_.find(S(env->payload_as_SessionExpired()->peer_did()));
        ASSERT_NE(it, sessions_.end()) << at;
        EXPECT_GE(ts, it->second) << at << ": expired early";
        sessions_.erase(it);
        break;
      }
      case fb::Event::SessionRevoked:
        EXPECT_EQ(sessions_.erase(S(env->payload_as_SessionRevoked()->peer_did())), 1u) << at;
        break;
      case fb::Event::FirewallRuleAdded:
        EXPECT_TRUE(rules_.insert(S(env->payload_as_FirewallRuleAdded()->rule_id())).second) << at;
        break;
      case fb::Event::FirewallRuleRemoved:
        EXPECT_EQ(rules_.erase(S(env->payload_as_FirewallRuleRemoved()->rule_id())), 1u) << at;
        break;
      case fb::Event::FirewallRateLimited:
        EXPECT_TRUE(rules_.count(S(env->payload_as_FirewallRateLimited()->rule_id()))) << at;
        break;
      case fb::Event::FirewallDecided: {
        auto* p = env->payload_as_FirewallDecided();
        const std::string rule = S(p->rule_id());
        EXPECT_TRUE(rule.empty() || rules_.count(rule)) << at << ": unknown rule " << rule;
        EXPECT_TRUE(p->reason() != fb::FirewallReason::NoSession || !sessions_.count(S(p->peer_did()))) << at;
        if (p->action() == fb::FirewallAction::Allow) {
          EXPECT_TRUE(sessions_.count(S(p->peer_did()))) << at << ": allowed without a session";
          allowed_.insert(S(p->call_id()));
        }
        break;
      }
      case fb::Event::ToolInvoked: {
        auto* p = env->payload_as_ToolInvoked();
        EXPECT_EQ(allowed_.erase(S(p->call_id())), 1u) << at << ": invoked without an allow";
        invoked_.insert(S(p->call_id()));
        break;
      }
      case fb::Event::ToolSucceeded:
        EXPECT_EQ(invoked_.erase(S(env->payload_as_ToolSucceeded()->call_id())), 1u) << at;
        break;
      case fb::Event::ToolFailed:
        EXPECT_EQ(invoked_.erase(S(env->payload_as_ToolFailed()->call_id())), 1u) << at;
        break;
      case fb::Event::ToolTimedOut:
        EXPECT_EQ(invoked_.erase(S(env->payload_as_ToolTimedOut()->call_id())), 1u) << at;
        break;
      case fb::Event::PriceQuoted:
        EXPECT_TRUE(quotes_.insert(S(env->payload_as_PriceQuoted()->quote_id())).second) << at;
        break;
      case fb::Event::PaymentAuthorized: {
        auto* p = env->payload_as_PaymentAuthorized();
        EXPECT_EQ(quotes_.erase(S(p->quote_id())), 1u) << at << ": authorization without a quote";
        EXPECT_EQ(p->mode(), fb::PaymentMode::Prepay) << at;
        open_payments_.insert(S(p->payment_id()));
        break;
      }
      case fb::Event::PaymentRejected:
        EXPECT_EQ(quotes_.erase(S(env->payload_as_PaymentRejected()->quote_id())), 1u) << at;
        break;
      case fb::Event::PaymentDeferred: {
        auto* p = env->payload_as_PaymentDeferred();
        EXPECT_TRUE(allowed_.count(S(p->call_id()))) << at << ": deferred for a call not allowed";
        open_payments_.insert(S(p->payment_id()));
        break;
      }
      case fb::Event::PaymentSettled:
        EXPECT_EQ(open_payments_.erase(S(env->payload_as_PaymentSettled()->payment_id())), 1u) << at;
        break;
      case fb::Event::PaymentFailed:
        EXPECT_EQ(open_payments_.erase(S(env->payload_as_PaymentFailed()->payment_id())), 1u) << at;
        break;
      case fb::Event::TeamFormed:
        EXPECT_TRUE(teams_.emplace(S(env->payload_as_TeamFormed()->team_id()), TeamState{}).second) << at;
        break;
      case fb::Event::TeamMemberInvited: {
        auto* p = env->payload_as_TeamMemberInvited();
        ASSERT_TRUE(teams_.count(S(p->team_id()))) << at;
        teams_[S(p->team_id())].invited.insert(S(p->member_did()));
        break;
      }
      case fb::Event::TeamMemberJoined: {
        auto* p = env->payload_as_TeamMemberJoined();
        ASSERT_TRUE(teams_.count(S(p->team_id()))) << at;
        auto& t = teams_[S(p->team_id())];
        const std::string m = S(p->member_did());
        EXPECT_TRUE(p->role() == fb::TeamRole::Leader || t.invited.erase(m) == 1) << at << ": joined uninvited";
        EXPECT_TRUE(t.members.insert(m).second) << at;
        break;
      }
      case fb::Event::TeamMemberLeft: {
        auto* p = env->payload_as_TeamMemberLeft();
        ASSERT_TRUE(teams_.count(S(p->team_id()))) << at;
        EXPECT_EQ(teams_[S(p->team_id())].members.erase(S(p->member_did())), 1u) << at;
        break;
      }
      case fb::Event::TeamTaskDelegated: {
        auto* p = env->payload_as_TeamTaskDelegated();
        ASSERT_TRUE(teams_.count(S(p->team_id()))) << at;
        auto& t = teams_[S(p->team_id())];
        std::set<std::string> workers;
        for (const auto* w : *p->workers()) {
          EXPECT_TRUE(t.members.count(w->str())) << at << ": worker not a member";
          workers.insert(w->str());
        }
        t.tasks[S(p->task_id())] = workers;
        break;
      }
      case fb::Event::TeamTaskResult: {
        auto* p = env->payload_as_TeamTaskResult();
        ASSERT_TRUE(teams_.count(S(p->team_id()))) << at;
        auto& tasks = teams_[S(p->team_id())].tasks;
        ASSERT_TRUE(tasks.count(S(p->task_id()))) << at;
        EXPECT_EQ(tasks[S(p->task_id())].erase(S(p->member_did())), 1u) << at << ": result from a non-worker";
        EXPECT_EQ(p->success(), p->result_hash() != nullptr && p->result_hash()->size() == 32) << at;
        break;
      }
      case fb::Event::TeamConflictResolved: {
        auto* p = env->payload_as_TeamConflictResolved();
        ASSERT_TRUE(teams_.count(S(p->team_id()))) << at;
        auto& tasks = teams_[S(p->team_id())].tasks;
        ASSERT_TRUE(tasks.count(S(p->task_id()))) << at;
        EXPECT_TRUE(tasks[S(p->task_id())].empty()) << at << ": resolved before every result";
        EXPECT_EQ(p->outcome() == fb::ConflictOutcome::Resolved, !S(p->winner_did()).empty()) << at;
        break;
      }
      case fb::Event::TeamDisbanded: {
        auto it = teams_.find(S(env->payload_as_TeamDisbanded()->team_id()));
        ASSERT_NE(it, teams_.end()) << at;
        EXPECT_TRUE(it->second.members.empty()) << at << ": disbanded with members";
        teams_.erase(it);
        break;
      }
      case fb::Event::WorkspaceCreated:
        EXPECT_TRUE(workspaces_.emplace(S(env->payload_as_WorkspaceCreated()->workspace_id()), WsState{}).second) << at;
        break;
      case fb::Event::WorkspaceMemberJoined: {
        auto* p = env->payload_as_WorkspaceMemberJoined();
        ASSERT_TRUE(workspaces_.count(S(p->workspace_id()))) << at;
        EXPECT_TRUE(workspaces_[S(p->workspace_id())].members.insert(S(p->member_did())).second) << at;
        break;
      }
      case fb::Event::WorkspaceMemberLeft: {
        auto* p = env->payload_as_WorkspaceMemberLeft();
        ASSERT_TRUE(workspaces_.count(S(p->workspace_id()))) << at;
        EXPECT_EQ(workspaces_[S(p->workspace_id())].members.erase(S(p->member_did())), 1u) << at;
        break;
      }
      case fb::Event::WorkspaceMessagePosted: {
        auto* p = env->payload_as_WorkspaceMessagePosted();
        ASSERT_TRUE(workspaces_.count(S(p->workspace_id()))) << at;
        auto& w = workspaces_[S(p->workspace_id())];
        EXPECT_TRUE(w.members.count(S(p->sender_did()))) << at << ": sender not a member";
        const std::string parent = S(p->parent_id());
        EXPECT_TRUE(parent.empty() || w.messages.count(parent)) << at << ": unknown parent";
        EXPECT_TRUE(w.messages.insert(S(p->message_id())).second) << at;
        ++messages_;
        replies_ += S(p->parent_id()).empty() ? 0 : 1;
        with_metadata_ += p->metadata() != nullptr && p->metadata()->size() > 0 ? 1 : 0;
        break;
      }
      case fb::Event::WorkspaceArchived:
        EXPECT_EQ(workspaces_.erase(S(env->payload_as_WorkspaceArchived()->workspace_id())), 1u) << at;
        break;
      case fb::Event::GitBundleCreated: {
        auto* p = env->payload_as_GitBundleCreated();
        ASSERT_TRUE(workspaces_.count(S(p->workspace_id()))) << at;
        EXPECT_TRUE(workspaces_[S(p->workspace_id())].members.count(S(p->author_did()))) << at;
        break;
      }
      case fb::Event::GitBundleReceived: {
        auto* p = env->payload_as_GitBundleReceived();
        ASSERT_TRUE(workspaces_.count(S(p->workspace_id()))) << at;
        auto& w = workspaces_[S(p->workspace_id())];
        w.bundles[S(p->bundle_id())] = w.members.count(S(p->from_did())) > 0;
        break;
      }
      case fb::Event::GitBundleApplied: {
        auto* p = env->payload_as_GitBundleApplied();
        ASSERT_TRUE(workspaces_.count(S(p->workspace_id()))) << at;
        EXPECT_EQ(workspaces_[S(p->workspace_id())].bundles.erase(S(p->bundle_id())), 1u) << at;
        break;
      }
      case fb::Event::GitBundleRejected: {
        auto* p = env->payload_as_GitBundleRejected();
        ASSERT_TRUE(workspaces_.count(S(p->workspace_id()))) << at;
        auto& w = workspaces_[S(p->workspace_id())];
        auto it = w.bundles.find(S(p->bundle_id()));
        ASSERT_NE(it, w.bundles.end()) << at;
        // NotMember exactly when the sender was not a member when the bundle arrived.
        EXPECT_EQ(p->reason() == fb::GitRejectReason::NotMember, !it->second) << at;
        w.bundles.erase(it);
        break;
      }
      default:
        break;
    }
  }
  void Finish() const {
    EXPECT_GT(identified_, 0u);
    EXPECT_GT(replies_, messages_ / 10) << "replies (parent_id) are part of the mix";
    EXPECT_GT(with_metadata_, messages_ / 2) << "most messages carry metadata";
    EXPECT_FALSE(open_payments_.empty()) << "some post-pay debts stay outstanding";
    EXPECT_FALSE(teams_.empty()) << "a few teams stay alive";
    EXPECT_FALSE(workspaces_.empty());
  }

 private:
  struct TeamState {
    std::set<std::string> members, invited;
    std::map<std::string, std::set<std::string>> tasks;  // task id -> workers yet to report
  };
  struct WsState {
    std::set<std::string> members, messages;
    std::map<std::string, bool> bundles;  // bundle id -> sender was a member when it arrived
  };
  std::map<std::string, int64_t> sessions_;
  std::set<std::string> connected_;
  uint64_t identified_ = 0;
  std::set<std::string> rules_, allowed_, invoked_, quotes_, open_payments_;
  std::map<std::string, TeamState> teams_;
  std::map<std::string, WsState> workspaces_;
  uint64_t messages_ = 0, replies_ = 0, with_metadata_ = 0;
};

TEST(Workload, EveryReferenceNamesSomethingThatExists) {
  for (uint32_t peers : {20u, 1000u}) {
    SCOPED_TRACE("peers " + std::to_string(peers));
    ReferenceChecker checker;
    size_t i = 0;
    for (const auto& e : Generate(Options(5, 30000, peers), 3000)) {
      checker.Add(e, i++);
      if (::testing::Test::HasFatalFailure()) return;
    }
    checker.Finish();
  }
}

TEST(Workload, ReputationsDifferBetweenPeers) {
  // What the reputation view counts: tool outcomes, settlements and team task results.
  std::map<std::string, std::pair<uint64_t, uint64_t>> outcomes;  // peer -> (good, bad)
  for (const auto& e : Generate(Options(1, 20000), 4000)) {
    const auto* env = Env(e);
    if (auto* p = env->payload_as_ToolSucceeded()) outcomes[S(p->peer_did())].first++;
    if (auto* p = env->payload_as_ToolFailed()) outcomes[S(p->peer_did())].second++;
    if (auto* p = env->payload_as_ToolTimedOut()) outcomes[S(p->peer_did())].second++;
    if (auto* p = env->payload_as_PaymentSettled()) outcomes[S(p->peer_did())].first++;
    if (auto* p = env->payload_as_PaymentFailed()) outcomes[S(p->peer_did())].second++;
    if (auto* p = env->payload_as_TeamTaskResult()) (p->success() ? outcomes[S(p->member_did())].first
                                                                   : outcomes[S(p->member_did())].second)++;
  }
  size_t mostly_fail = 0, mostly_succeed = 0;
  for (const auto& [peer, o] : outcomes) {
    if (o.first + o.second < 5) continue;
    mostly_fail += o.second > o.first ? 1 : 0;
    mostly_succeed += o.first > 4 * o.second ? 1 : 0;
  }
  EXPECT_GE(mostly_fail, 1u);
  EXPECT_GE(mostly_succeed, 5u);
}

TEST(Workload, RunWorkloadAppendsEverythingAndEveryViewRebuildsIdentically) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto store = testing::OpenStore(dir.Sub("db"), key.get(), 1000);
  ASSERT_TRUE(store);
  auto o = Options(2, 20000);
  o.origin_did = key->did();
  uint64_t calls = 0, last_done = 0;
  auto r = node::RunWorkload(*store, o, 500, [&](uint64_t done, uint64_t total) {
    ++calls;
    EXPECT_GT(done, last_done);
    EXPECT_EQ(total, 20000u);
    last_done = done;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 20000u);
  EXPECT_EQ(calls, 40u);
  // The log holds the 20000 events plus the signed checkpoints it added.
  uint64_t events = 0, checkpoints = 0;
  for (auto c = store->reader().Scan(1); c.Valid(); c.Next()) {
    (c.entry().envelope().payload_type() == fb::Event::LogCheckpointSigned ? checkpoints : events)++;
  }
  EXPECT_EQ(events, 20000u);
  EXPECT_GE(checkpoints, 19u);
  const auto names = pipeline::ViewNames();
  ASSERT_FALSE(names.empty());
  for (const auto& view : names) {
    auto before = pipeline::ViewDigest(store->db(), view);
    ASSERT_TRUE(before.ok()) << view << ": " << before.status().ToString();
    ASSERT_TRUE(store->runner()->Rebuild(view).ok()) << view;
    auto after = pipeline::ViewDigest(store->db(), view);
    ASSERT_TRUE(after.ok()) << view;
    EXPECT_EQ(*before, *after) << "view " << view << " differs after a rebuild";
    std::printf("view %-12s digest %s (same after rebuild)\n", view.c_str(), before->substr(0, 16).c_str());
  }
  EXPECT_FALSE(node::RunWorkload(*store, o, 0, nullptr).ok());
}

TEST(Workload, SimCommandAppendsAndSummarizes) {
  testing::TempDir dir;
  const std::string home = dir.Sub("home");
  auto sov = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {SOV_BINARY, "--home", home};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv);
  };
  ASSERT_EQ(sov({"init"}).exit_code, 0);
  auto first = sov({"--json", "sim", "--peers", "6", "--events", "700", "--seed", "4", "--batch", "64"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.err, "") << "no progress output when stderr is not a terminal";
  auto j = nlohmann::json::parse(first.out);
  EXPECT_EQ(j["events"], 700);
  EXPECT_EQ(j["peers"], 6);
  EXPECT_EQ(j["seed"], 4);
  EXPECT_EQ(j["firstSeq"], 1);
  EXPECT_EQ(j["lastSeq"], 700);  // the default checkpoint interval (10000) is not reached
  EXPECT_GT(j["eventsPerSecond"].get<double>(), 0.0);
  auto second = sov({"sim", "--peers", "6", "--events", "50"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // 700 events, the final checkpoint the first run's close signed, then these 50.
  EXPECT_NE(second.out.find("appended 50 events (seq 702..751)"), std::string::npos) << second.out;
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--peers", "1"}, {"--peers", "100001"}, {"--events", "0"}, {"--events", "1000000001"},
           {"--batch", "0"}}) {
    auto r = sov({"sim", flag, value});
    EXPECT_EQ(r.exit_code, 1) << flag << " " << value;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("sov: " + flag + " must be between", 0), 0u) << r.err;
  }
}

}  // namespace
}  // namespace sov
